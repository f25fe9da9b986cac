"""Extract stage: a raw document becomes a clean ``Article`` (title, paragraphs, metadata).

Dispatch by what the reader found:

- ``html``: decode, then trafilatura (``extract/html.py``);
- ``text``: decode, then storyline's own line classifier for text dumps (``extract/textdump.py``);
- ``record`` (a JSONL line, a feed item): the fields the container gave, with ``html`` run
  through trafilatura and ``text`` taken as the body.

Raises ``DocumentError("extract", reason)`` when nothing usable is left; the ingest loop turns
that into an error row.
"""

from __future__ import annotations

import dataclasses
import re

from storyline.decode import decode
from storyline.errors import DocumentError
from storyline.extract.dateline import find_dateline
from storyline.extract.fragment import EXTRACTOR as FRAGMENT
from storyline.extract.fragment import fragment_text, is_fragment
from storyline.extract.html import extract_html
from storyline.extract.prose import no_article_text
from storyline.extract.textdump import clean_dump
from storyline.extract.when import When, parse_published, parse_when
from storyline.records import FEED_DATE, SUPPLIED_PUBLISHED, TIME, Article, Extraction, RawDoc

__all__ = ["clean_dump", "extract", "extract_html", "find_dateline", "parse_when"]

RECORD_EXTRACTOR = "record-fields"
_PARAGRAPH_BREAK = re.compile(r"\n\s*\n|\n")


def extract(raw: RawDoc) -> Article:
    """Decode and clean one raw document."""
    if raw.fmt == "record":
        found = _from_fields(raw)
    else:
        text = decode(raw.data, raw.content_type).text
        if raw.fmt == "html":
            from_html = extract_html(text, raw.url) or _from_fragment(text)
            if from_html is None:
                raise DocumentError("extract", "no main text found in the HTML page")
            found = from_html
        else:
            found = clean_dump(text)
    if not found.paragraphs:
        reason = "no article text found (nothing left after removing boilerplate)"
        raise DocumentError("extract", reason)
    empty = no_article_text(found.paragraphs)
    if empty is not None:
        raise DocumentError("extract", empty)
    published = published_of(raw, found)
    return Article(
        id=raw.fields.get("id") or raw.sha256[:16],
        raw_sha256=raw.sha256,
        source=raw.source,
        title=found.title or _first_words(found.paragraphs[0]),
        paragraphs=found.paragraphs,
        url=raw.fields.get("url") or found.url or raw.url,
        published=published.value if published else None,
        published_granularity=published.granularity if published else None,
        site=raw.fields.get("site") or found.site or _site_of(raw.url or found.url),
        author=raw.fields.get("author") or found.author,
        dateline=found.dateline,
        fetched_at=raw.fetched_at,
        lang=_primary_subtag(raw.fields.get("lang")),
        extractor=found.extractor,
    )


def published_of(raw: RawDoc, found: Extraction) -> When | None:
    """The publication date: the container's ``published`` (read with the record's language
    and site, relative values against the fetch time or the feed's date), else the page's
    own, else the one the user supplied for inputs without a date."""
    fields = raw.fields
    anchor = raw.fetched_at or parse_when(fields.get(FEED_DATE), "feed date")
    given = parse_published(
        fields.get("published"),
        "published date",
        lang=fields.get("lang"),
        site=_site_of(fields.get("url") or raw.url or found.url) or fields.get("site"),
        anchor=anchor,
    )
    if given is not None:
        return given
    if found.published is not None:
        return When(found.published, found.published_granularity or TIME)
    return parse_published(fields.get(SUPPLIED_PUBLISHED), "supplied published date")


def _from_fields(raw: RawDoc) -> Extraction:
    fields = raw.fields
    if fields.get("html"):
        found = extract_html(fields["html"], fields.get("url")) or _from_fragment(fields["html"])
        if found is not None:
            return dataclasses.replace(found, title=fields.get("title") or found.title)
    text = fields.get("text") or ""
    if not text.strip() and fields.get("html"):
        raise DocumentError("extract", "no main text found in the record's html")
    if not text.strip():
        raise DocumentError("extract", "record has neither 'text' nor 'html'")
    paragraphs = tuple(p.strip() for p in _PARAGRAPH_BREAK.split(text) if p.strip())
    dateline, _ = find_dateline(paragraphs[0]) if paragraphs else (None, "")
    return Extraction(
        title=(fields.get("title") or "").strip(),
        paragraphs=paragraphs,
        dateline=dateline,
        extractor=RECORD_EXTRACTOR,
    )


def _from_fragment(html: str) -> Extraction | None:
    """A short fragment's visible text (trafilatura finds none in one element), or None for a
    whole page or a fragment without text."""
    if not is_fragment(html):
        return None
    paragraphs = fragment_text(html)
    if not paragraphs:
        return None
    dateline, _ = find_dateline(paragraphs[0])
    return Extraction(title="", paragraphs=paragraphs, dateline=dateline, extractor=FRAGMENT)


def _primary_subtag(lang: str | None) -> str | None:
    """``fr-BE`` / ``en_US`` -> ``fr`` / ``en``: storyline keys languages by ISO 639-1."""
    if not lang or not lang.strip():
        return None
    return lang.strip().replace("_", "-").split("-")[0].lower()


def _first_words(paragraph: str, limit: int = 12) -> str:
    words = paragraph.split()
    return " ".join(words[:limit]) + ("…" if len(words) > limit else "")


def _site_of(url: str | None) -> str | None:
    if not url:
        return None
    from urllib.parse import urlsplit

    host = urlsplit(url).hostname
    return host.removeprefix("www.") if host else None
