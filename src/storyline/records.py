"""The typed records that flow between pipeline stages.

Every stage is a pure function from one record to another::

    read      path / stream        -> RawDoc | DocError
    extract   RawDoc               -> Article            (decode + html / text-dump cleaning)
    language  Article              -> Article            (lang, per-paragraph langs, mixed flag)
    embed     Article              -> Embedding          (document vector + sentence vectors)
    cluster   Article + Embedding  -> story id           (online, against the open stories)

Records are frozen: a stage returns a new record (``dataclasses.replace``) rather than
mutating the one it was given.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

import numpy as np
import numpy.typing as npt

Vector = npt.NDArray[np.float32]


@dataclass(frozen=True, slots=True)
class RawDoc:
    """One raw document as a reader found it, before any decoding.

    ``sha256`` is the hash of ``data``: the document's identity in the store, so the same bytes
    ingested twice are stored once. ``fields`` holds what a structured container already told
    us (a JSONL line's ``id, url, title, text, html, published, site, lang``; an RSS item's
    title, link and date); ``fmt`` is what the reader sniffed: ``html``, ``text`` or ``record``.
    """

    data: bytes
    source: str
    sha256: str
    fmt: str
    url: str | None = None
    content_type: str | None = None
    fetched_at: datetime | None = None
    fields: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class DocError:
    """A document that could not be read or processed: kept, with the reason, never dropped."""

    source: str
    reason: str
    stage: str
    sha256: str | None = None


@dataclass(frozen=True, slots=True)
class Dateline:
    """An agency dateline such as ``Moscow. January 28. INTERFAX -``."""

    text: str
    place: str | None = None
    date: date | None = None
    agency: str | None = None


@dataclass(frozen=True, slots=True)
class Extraction:
    """What an extractor (``extract/html.py``, ``extract/textdump.py``) recovers from one page."""

    title: str
    paragraphs: tuple[str, ...]
    published: datetime | None = None
    site: str | None = None
    author: str | None = None
    url: str | None = None
    dateline: Dateline | None = None
    extractor: str = ""


@dataclass(frozen=True, slots=True)
class Article:
    """A clean article: main text split into paragraphs, with its metadata.

    ``id`` is the input's own id when it had one (JSONL ``id``), else derived from the raw
    bytes' sha256. ``extractor`` names the implementation and version that produced the text,
    so derived rows stay interpretable when a stage changes.
    """

    id: str
    raw_sha256: str
    source: str
    title: str
    paragraphs: tuple[str, ...]
    url: str | None = None
    published: datetime | None = None
    site: str | None = None
    author: str | None = None
    dateline: Dateline | None = None
    lang: str | None = None
    paragraph_langs: tuple[str | None, ...] = ()
    mixed_lang: bool = False
    extractor: str = ""
    story_id: str | None = None

    @property
    def text(self) -> str:
        return "\n\n".join(self.paragraphs)

    @property
    def supported(self) -> bool:
        """True when ``lang`` is embedded, so the article can match across languages."""
        from storyline.language import is_supported  # language.py imports this module

        return is_supported(self.lang)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict: dates as ISO 8601 strings, the text joined."""
        out = dataclasses.asdict(self)
        out["text"] = self.text
        out["published"] = self.published.isoformat() if self.published else None
        if self.dateline is not None:
            dl = out["dateline"]
            dl["date"] = self.dateline.date.isoformat() if self.dateline.date else None
        out["paragraphs"] = list(self.paragraphs)
        out["paragraph_langs"] = list(self.paragraph_langs)
        return out


@dataclass(frozen=True, slots=True)
class Embedding:
    """Vectors of one article: the document vector and one vector per sentence (unit length)."""

    model: str
    doc: Vector
    sentences: tuple[str, ...]
    sentence_vectors: Vector


@dataclass(frozen=True, slots=True)
class Story:
    """A group of articles reporting the same story, across outlets and languages."""

    id: str
    title: str
    size: int
    languages: tuple[str, ...]
    sites: tuple[str, ...]
    first_date: datetime | None
    last_date: datetime | None
    article_ids: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "title": self.title,
            "size": self.size,
            "languages": list(self.languages),
            "sources": list(self.sites),
            "first_date": self.first_date.isoformat() if self.first_date else None,
            "last_date": self.last_date.isoformat() if self.last_date else None,
            "articles": list(self.article_ids),
        }
