"""The publication date a page declares in its markup, read before htmldate's guess.

htmldate (even with ``original_date=True``) answers with a header ``article:modified_time`` or
a day in the URL before it looks at JSON-LD ``datePublished`` or an ``itemprop`` element, so a
page that declares both dates got its modified one. ``declared_published`` reads the explicit
*published* declarations, in this order: ``<meta>`` tags named like ``article:published_time``,
elements with ``itemprop="datePublished"``, then JSON-LD ``"datePublished"``. Modified and
updated dates are never read here.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import datetime

from storyline.extract.when import When, parse_published

# The markup searched: the head and the start of the body hold these declarations; bounded so
# a 20 MB page costs a few milliseconds.
MAX_MARKUP_CHARS = 1_000_000
# ``<meta>`` property / name values that declare the publication date (lower case).
PUBLISHED_META = (
    "article:published_time",
    "og:published_time",
    "og:article:published_time",
    "datepublished",
    "publishdate",
    "publish_date",
    "publish-date",
    "pubdate",
    "dc.date.issued",
    "dcterms.issued",
    "parsely-pub-date",
)
# ``<meta>`` property / name values that declare a later change (lower case).
MODIFIED_META = (
    "article:modified_time",
    "og:updated_time",
    "datemodified",
    "last-modified",
    "dc.date.modified",
    "dcterms.modified",
)

# Each parse of a free-form value costs dateparser ~40 ms: a page's first few are enough.
MAX_DECLARED = 8
# A tag longer than this is no date declaration (bounds the scan of an unclosed ``<div``).
MAX_TAG_CHARS = 2000

_TAG = re.compile(rf"<(?:meta|time|span|div|abbr)\b[^<>]{{0,{MAX_TAG_CHARS}}}>", re.I)
_ATTRIBUTE = re.compile(r"""([\w:.-]+)\s*=\s*(?:"([^"]*)"|'([^']*)')""")
_JSON_LD = re.compile(r'"date(Published|Modified)"\s*:\s*"((?:[^"\\]|\\.){4,60})"')


@dataclass(frozen=True, slots=True)
class Declared:
    """The dates a page declares: its first parseable publication date, and every modified
    (updated) moment it names."""

    published: When | None
    modified: frozenset[datetime]


def declared_dates(html: str) -> Declared:
    """The publication and modification dates declared in the page's markup."""
    head = html[:MAX_MARKUP_CHARS]
    published: list[str] = []
    items: list[str] = []
    modified: list[str] = []
    for tag in _TAG.finditer(head):
        attrs = {m[1].lower(): m[2] or m[3] or "" for m in _ATTRIBUTE.finditer(tag[0])}
        key = (attrs.get("property") or attrs.get("name") or "").lower()
        prop = (attrs.get("itemprop") or "").lower()
        value = attrs.get("content") or attrs.get("datetime") or ""
        if tag[0][1:5].lower() == "meta" and key in PUBLISHED_META:
            published.append(value)
        elif (tag[0][1:5].lower() == "meta" and key in MODIFIED_META) or prop == "datemodified":
            modified.append(value)
        elif prop == "datepublished":
            items.append(value)  # before JSON-LD's, appended below
    for match in _JSON_LD.finditer(head):
        (items if match[1] == "Published" else modified).append(_json_string(match[2]))
    candidates = [*published, *items][:MAX_DECLARED]
    first = next(filter(None, map(_quiet, candidates)), None)
    changed = (w.value for w in map(_quiet, modified[:MAX_DECLARED]) if w is not None)
    return Declared(first, frozenset(changed))


def _quiet(value: str) -> When | None:
    return parse_published(value, "declared date") if value else None


def _json_string(raw: str) -> str:
    try:
        value = json.loads(f'"{raw}"')
    except ValueError:
        return raw
    return value if isinstance(value, str) else raw
