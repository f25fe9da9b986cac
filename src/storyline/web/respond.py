"""Responses: one page's HTML and its JSON twin from the same data, and the error shapes.

A view is a function ``(site, request) -> dict`` of JSON-ready data; ``twin`` makes the two
endpoints of it: the HTML one renders that dict through a template, the ``.json`` one returns
it. Errors of the library (``NotFound`` 404, ``InputError`` 400, ...) carry their HTTP status;
JSON routes, and any request that accepts ``application/json``, get ``{"ok": false, "error":
..., "status": N}``, pages a plain page with the message (escaped like everything else).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import quote

import jinja2
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

from storyline.errors import StorylineError
from storyline.output.text import dumps
from storyline.web.site import Site

log = logging.getLogger(__name__)

View = Callable[[Site, Request], dict[str, Any]]
Endpoint = Callable[[Request], Response]

TEMPLATES = Path(__file__).parent / "templates"
JSON_TYPE = "application/json"


def story_url(story_id: str, suffix: str = "") -> str:
    return f"/stories/{quote(story_id, safe='')}{suffix}"


def article_url(article_id: str, suffix: str = "") -> str:
    # Article ids may be URLs (an RSS item's link): every "/" is escaped into the path.
    return f"/articles/{quote(article_id, safe='')}{suffix}"


def environment() -> jinja2.Environment:
    """Templates with autoescape on everything (also ``.svg`` fragments and macros)."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals.update(story_url=story_url, article_url=article_url)
    return env


def json_response(data: Any, status: int = 200) -> Response:
    """JSON with C1, bidi controls and U+2028/2029 ``\\u``-escaped (``output.text.dumps``)."""
    return Response(dumps(data), status_code=status, media_type=JSON_TYPE)


def wants_json(request: Request) -> bool:
    accept = request.headers.get("accept", "")
    return request.url.path.endswith(".json") or JSON_TYPE in accept


def error_response(
    request: Request, env: jinja2.Environment, status: int, message: str
) -> Response:
    if wants_json(request):
        return json_response({"ok": False, "error": message, "status": status}, status)
    html = env.get_template("error.html").render(status=status, message=message, query={})
    return HTMLResponse(html, status_code=status)


def twin(
    site: Site, env: jinja2.Environment, view: View, template: str
) -> tuple[Endpoint, Endpoint]:
    """The HTML and the JSON endpoint of ``view``."""

    def run(request: Request) -> dict[str, Any] | Response:
        try:
            return view(site, request)
        except StorylineError as exc:
            return error_response(request, env, exc.http_status, str(exc))
        except HTTPException as exc:
            return error_response(request, env, exc.status_code, str(exc.detail))
        except Exception:  # one page failing must not take the app down; the log has it
            log.exception("%s failed", request.url.path)
            return error_response(request, env, 500, "internal error: see the server's log")

    def page(request: Request) -> Response:
        data = run(request)
        if isinstance(data, Response):
            return data
        if JSON_TYPE in request.headers.get(
            "accept", ""
        ) and "text/html" not in request.headers.get("accept", ""):
            return json_response(data)
        return HTMLResponse(
            env.get_template(template).render(page=data, query=request.query_params)
        )

    def json(request: Request) -> Response:
        data = run(request)
        return data if isinstance(data, Response) else json_response(data)

    return page, json
