"""RSS 0.9x/1.0/2.0 and Atom reader (feedparser): one ``record`` RawDoc per item.

An item's fields: ``title``, ``url`` (its link), ``id`` (guid / Atom id), ``published`` (as the
feed wrote it; the dates stage parses it), ``html`` (the full content, else the summary) or
``text`` when the feed marks it plain text, plus the feed's own ``site`` (its title) and
``lang``. The RawDoc's ``data`` is those fields as canonical JSON, so its sha256 identifies
the item, not the feed file (which changes with every poll).

Malformed feeds are read the way feedparser's lenient parser reads them, as browsers do. A
feed it cannot get a single item out of becomes one DocError; so does a feed cut off before
its closing tag, after the items that could be read.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterator, Mapping
from typing import Any

from storyline.read.jsonl import record_doc
from storyline.records import FEED_DATE, DocError, RawDoc

_HTML_TYPES = ("text/html", "application/xhtml+xml")

# The first element of an XML document, after the declaration, comments, processing
# instructions and a doctype, with or without an internal subset (``<!DOCTYPE rss [ ... ]>``).
# feedparser never fetches external entities and expands none declared in a subset, so a
# feed with an XXE or billion-laughs subset is read as a feed and its entities stay inert.
_PROLOGUE = re.compile(
    rb"\s*(?:<\?.*?\?>|<!--.*?-->|<!DOCTYPE[^>\[]*(?:\[.*?\]\s*)?>|\s)*", re.S | re.I
)
_FEED_ROOTS = (b"<rss", b"<feed", b"<rdf:rdf")
_FEED_ENDS = (b"</rss>", b"</feed>", b"</rdf:RDF>")


def looks_like_feed(head: bytes) -> bool:
    """Whether the document's root element is ``rss``, ``feed`` (Atom) or ``rdf:RDF`` (RSS 1.0)."""
    match = _PROLOGUE.match(head)
    rest = head[match.end() if match else 0 :][:16].lower()
    return rest.startswith(_FEED_ROOTS)


def read_feed(data: bytes, source: str) -> Iterator[RawDoc | DocError]:
    """Yield one RawDoc per item (``source#item-N``), or one DocError for an unreadable feed."""
    import feedparser  # here, not at the top: only feeds need it (a fast ``storyline extract``)

    parsed = feedparser.parse(data)
    entries: list[Any] = list(parsed.entries)
    if not entries:
        if parsed.get("bozo"):
            problem = parsed.get("bozo_exception")
            reason = f"not a readable RSS/Atom feed: {problem}"
            yield DocError(source, reason, "read", sha256=hashlib.sha256(data).hexdigest())
        return  # a well-formed feed with no items is not an error: there is nothing to read
    channel: Mapping[str, Any] = parsed.feed
    for number, entry in enumerate(entries, start=1):
        yield item(entry, channel, f"{source}#item-{number}", number)
    if parsed.get("bozo") and not data.rstrip().endswith(_FEED_ENDS):
        # Malformed but complete feeds (an undefined &nbsp;, a stray "&") are common and
        # read fine leniently; a feed cut off before its closing tag has lost items.
        reason = (
            f"feed is cut off before its closing tag ({parsed.get('bozo_exception')}); "
            f"the {len(entries)} items before were read, later ones are missing"
        )
        yield DocError(f"{source}#item-{len(entries) + 1}", reason, "read")


def item(
    entry: Mapping[str, Any], channel: Mapping[str, Any], source: str, number: int
) -> RawDoc | DocError:
    """One feed item as a ``record`` RawDoc (or a DocError when it carries nothing to read)."""
    fields: dict[str, str] = {}
    _put(fields, "title", entry.get("title"))
    _put(fields, "url", entry.get("link"))
    _put(fields, "id", entry.get("id"))
    _put(fields, "published", entry.get("published") or entry.get("updated"))
    _put(fields, "site", channel.get("title"))
    _put(fields, "lang", channel.get("language"))
    body, media = _body(entry)
    _put(fields, "text" if media == "text/plain" else "html", body)
    data = json.dumps(fields, sort_keys=True, ensure_ascii=False).encode("utf-8")
    digest = hashlib.sha256(data).hexdigest()
    if not any(fields.get(key) for key in ("title", "html", "text")):
        reason = f"item {number}: no title, content or summary to read"
        return DocError(source, reason, "read", sha256=digest)
    # The feed's own date anchors a relative item date; it is not part of the item's identity.
    _put(fields, FEED_DATE, channel.get("updated") or channel.get("published"))
    return record_doc(data, source, digest, fields)


def _body(entry: Mapping[str, Any]) -> tuple[str | None, str]:
    """The item's richest body and its media type: full content (HTML preferred), else summary."""
    contents: list[Mapping[str, Any]] = [c for c in entry.get("content") or [] if c.get("value")]
    for content in contents:
        if content.get("type") in _HTML_TYPES:
            return str(content["value"]), "text/html"
    if contents:
        return str(contents[0]["value"]), str(contents[0].get("type") or "text/html")
    summary = entry.get("summary")
    detail: Mapping[str, Any] = entry.get("summary_detail") or {}
    return (str(summary) if summary else None), str(detail.get("type") or "text/html")


def _put(fields: dict[str, str], key: str, value: object) -> None:
    if isinstance(value, str) and value.strip():
        fields[key] = value.strip()
