"""How the CLI shows records: tables for people, JSON / JSONL / CSV / TSV as a stable contract.

Machine-readable output is what other tools build on: field names only ever get added, dates
are ISO 8601 UTC, strings are exact. ``text`` makes untrusted text safe for a terminal,
``listing`` prints listings in every format, ``views`` the per-command rows and detail views,
``documents`` what ``extract`` writes, ``mentions`` the timeline and entity views.
"""

from __future__ import annotations

import importlib
from types import ModuleType
from typing import TYPE_CHECKING

from storyline.output.documents import EXTRACT_FORMATS, FULL_FORMATS, extracted, extracted_to
from storyline.output.listing import LISTING_FORMATS
from storyline.output.views import (
    article,
    articles,
    errors,
    failure_note,
    ingest_summary,
    progress,
    search,
    stories,
    story,
)

if TYPE_CHECKING:
    from storyline.output import matching, mentions

# Views imported on first use (PEP 562): they need the settings, the clusterer and the store,
# which ``extract`` does not (``tests/cli/test_cold_start.py``).
_LAZY_VIEWS = frozenset({"matching", "mentions"})

__all__ = [
    "EXTRACT_FORMATS",
    "FULL_FORMATS",
    "LISTING_FORMATS",
    "article",
    "articles",
    "errors",
    "extracted",
    "extracted_to",
    "failure_note",
    "ingest_summary",
    "matching",
    "mentions",
    "progress",
    "search",
    "stories",
    "story",
]


def __getattr__(name: str) -> ModuleType:
    if name in _LAZY_VIEWS:
        return importlib.import_module(f"storyline.output.{name}")
    raise AttributeError(f"module 'storyline.output' has no attribute {name!r}")
