"""``storyline serve``: a local web app and JSON API over one workspace, read-only.

``create_app(path)`` builds the Starlette app; every page has a JSON twin built from the same
data (``/stories/ID`` and ``/stories/ID.json``), the schema is at ``/openapi.json``. All page
text is scraped input: Jinja2 autoescapes it, no stored HTML is ever rendered, and a strict
Content-Security-Policy forbids inline script and style (``security.py``).
"""

from __future__ import annotations

from storyline.web.app import create_app

__all__ = ["create_app"]
