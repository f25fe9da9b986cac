"""How the CLI shows records: tables for people, JSON / JSONL / CSV / TSV as a stable contract.

Machine-readable output is what other tools build on: field names only ever get added, dates
are ISO 8601 UTC, strings are exact. ``text`` makes untrusted text safe for a terminal,
``listing`` prints listings in every format, ``views`` the per-command rows and detail views,
``documents`` what ``extract`` writes, ``mentions`` the timeline and entity views.
"""

from __future__ import annotations

from storyline.output import matching, mentions
from storyline.output.documents import EXTRACT_FORMATS, extracted, extracted_to
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

__all__ = [
    "EXTRACT_FORMATS",
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
