"""The typed records that flow between pipeline stages.

Every stage is a pure function from one record to another::

    read      path / stream        -> RawDoc | DocError
    extract   RawDoc               -> Article            (decode + html / text-dump cleaning)
    language  Article              -> Article            (lang, per-paragraph langs, mixed flag)
    mentions  Article              -> Article            (entities and dates with char offsets)
    embed     Article              -> Embedding          (document vector + sentence vectors)
    cluster   Article + Embedding  -> story id           (online, against the open stories)

Records are frozen: a stage returns a new record (``dataclasses.replace``) rather than
mutating the one it was given.
"""

from __future__ import annotations

import dataclasses
import html
import warnings
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

    Vector = npt.NDArray[np.float32]


def __getattr__(name: str) -> Any:
    # ``Vector`` is built on first import of it (PEP 562): records need no numpy at runtime, and
    # ``import storyline`` stays fast for commands that never touch a vector (``extract``).
    if name == "Vector":
        import numpy as np
        import numpy.typing as npt

        return npt.NDArray[np.float32]
    raise AttributeError(f"module 'storyline.records' has no attribute {name!r}")


# Characters of a title in a record's repr, and of the first paragraph in its notebook card:
# enough to recognise the article on one line of a REPL or a notebook cell.
REPR_TITLE = 60
REPR_HTML_LEAD = 300

# ``Article.published_granularity``: a date without a time, or a moment.
DAY = "day"
TIME = "time"


# ``RawDoc.fields`` keys a reader sets besides the container's own: the publication date the
# user supplied for inputs without one (``--published``, a ``NAME.meta.json`` sidecar), and
# the date of the feed an item came from (an anchor for a relative item date).
SUPPLIED_PUBLISHED = "supplied_published"
FEED_DATE = "feed_date"


def fields_of(record: Any) -> dict[str, Any]:
    """A dataclass record's fields as a dict, values as they are: ``dataclasses.asdict`` for
    records of plain values, without its deep copy of every value (a page of an article with
    hundreds of mentions spent ~2 ms there)."""
    return {f.name: getattr(record, f.name) for f in dataclasses.fields(record)}


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
    published_granularity: str | None = None  # "day" (a date only) or "time"; see Article
    site: str | None = None
    author: str | None = None
    url: str | None = None
    dateline: Dateline | None = None
    extractor: str = ""


@dataclass(frozen=True, slots=True)
class EntityMention:
    """A person, organisation or place named in an article's ``text``.

    ``start``/``end`` are character offsets into ``Article.text`` (``text[start:end] ==
    self.text``). ``id`` is the canonical id shared by every spelling and language of the
    entity (Путин, Putin, Poutine: one id); ``name`` its display name. Places resolved in the
    gazetteer carry ``country`` (ISO 3166-1 alpha-2) and coordinates.
    """

    text: str
    start: int
    end: int
    type: str  # "PER", "ORG" or "LOC"
    id: str
    name: str
    country: str | None = None
    lat: float | None = None
    lon: float | None = None

    def to_dict(self) -> dict[str, Any]:
        return fields_of(self)


@dataclass(frozen=True, slots=True)
class DateMention:
    """A date expression in an article's ``text``, resolved to a calendar value.

    ``value`` is ISO 8601 at ``granularity``: ``2022-01-28`` (day), ``2022-W04`` (week),
    ``2021-12`` (month), ``1997`` (year); when no year can be known, ``year_known`` is False
    and the value is ``--01-28`` (day) or ``--12`` (month). ``planned`` is True when the text
    speaks of it as still to come ("will meet ... on February 7").
    """

    text: str
    start: int
    end: int
    value: str
    granularity: str  # "day", "week", "month" or "year"
    planned: bool = False
    year_known: bool = True

    def to_dict(self) -> dict[str, Any]:
        return fields_of(self)


@dataclass(frozen=True, slots=True, repr=False)
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
    # Aware, with the offset the page gave; a date without a time is midnight UTC with
    # ``published_granularity`` "day" ("time" otherwise, None when there is no date).
    published: datetime | None = None
    published_granularity: str | None = None
    site: str | None = None
    author: str | None = None
    dateline: Dateline | None = None
    # When the page was fetched (WARC-Date): an anchor for relative dates, never a publication.
    fetched_at: datetime | None = None
    lang: str | None = None
    paragraph_langs: tuple[str | None, ...] = ()
    mixed_lang: bool = False
    extractor: str = ""
    story_id: str | None = None
    # The clusterer's score when the article joined its story (None: it founded the story).
    story_score: float | None = None
    entities: tuple[EntityMention, ...] = ()
    dates: tuple[DateMention, ...] = ()
    # The mentions stage and version that produced ``entities`` and ``dates`` ("" = not run).
    mentions: str = ""
    # The same stage over the title (offsets into ``title``); None: not annotated (an article
    # stored before titles were, until ``reprocess``), () when the title names nothing.
    title_entities: tuple[EntityMention, ...] | None = None
    title_dates: tuple[DateMention, ...] | None = None
    # The earliest article of this one's copy group when it is a reprint of it (the dedup
    # stage, read from the store); None for an original or an article with no copy.
    copy_of: str | None = None

    @property
    def text(self) -> str:
        """The clean main text: paragraphs separated by a blank line."""
        return "\n\n".join(self.paragraphs)

    def __repr__(self) -> str:
        day = self.published.date().isoformat() if self.published else None
        return (
            f"<Article {self.id!r} lang={self.lang!r} site={self.site!r} published={day!r} "
            f"title={_cut(self.title)!r}>"
        )

    def _repr_html_(self) -> str:
        """A notebook card: metadata and the first paragraph, every value HTML-escaped."""
        lead = _cut(self.paragraphs[0], REPR_HTML_LEAD) if self.paragraphs else ""
        meta = " · ".join(
            str(v) for v in (self.lang, self.site, self.published_iso, self.story_id) if v
        )
        return (
            f"<div><b>{_html(self.title)}</b> <code>{_html(self.id)}</code><br>"
            f"<small>{_html(meta)}</small><p>{_html(lead)}</p></div>"
        )

    @property
    def published_iso(self) -> str | None:
        """``published`` as ISO 8601 text at its granularity (``2022-02-03`` for a day)."""
        return published_text(self.published, self.published_granularity)

    @property
    def supported(self) -> bool:
        """True when ``lang`` is embedded, so the article can match across languages."""
        from storyline.language import is_supported  # language.py imports this module

        return is_supported(self.lang)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict: dates as ISO 8601 strings, the text joined."""
        out = fields_of(self)
        out["text"] = self.text
        out["published"] = self.published_iso
        out["fetched_at"] = self.fetched_at.isoformat() if self.fetched_at else None
        if self.dateline is not None:
            dl = out["dateline"] = fields_of(self.dateline)
            dl["date"] = self.dateline.date.isoformat() if self.dateline.date else None
        out["paragraphs"] = list(self.paragraphs)
        out["paragraph_langs"] = list(self.paragraph_langs)
        out["entities"] = [m.to_dict() for m in self.entities]
        out["dates"] = [m.to_dict() for m in self.dates]
        for name in ("title_entities", "title_dates"):
            found = getattr(self, name)
            out[name] = None if found is None else [m.to_dict() for m in found]
        return out


@dataclass(frozen=True, slots=True)
class Embedding:
    """Vectors of one article: the document vector and one vector per sentence (unit length)."""

    model: str
    doc: Vector
    sentences: tuple[str, ...]
    sentence_vectors: Vector
    # The title and the lead paragraph encoded alone (unit length; ``None`` when the article
    # has none, or in a workspace made before they were kept: see ``storyline reprocess``).
    title: Vector | None = None
    lead: Vector | None = None


@dataclass(frozen=True, slots=True)
class Evidence:
    """One article's own sentence (or title) behind a timeline event, as it was written.

    ``start``/``end`` are offsets into the article's ``text``, or into its ``title`` when
    ``field`` is ``"title"``.
    """

    article: str
    source: str | None  # the article's site
    lang: str | None
    text: str
    start: int
    end: int
    field: str = "text"  # "text" or "title"
    planned: bool = False

    def to_dict(self) -> dict[str, Any]:
        return fields_of(self)


@dataclass(frozen=True, slots=True)
class TimelineEvent:
    """Something that happened (or is planned) on one date, with every report of it.

    ``date`` is the ISO 8601 value of the date mentions (``DateMention.value``: ``2022-01-28``,
    ``2021-12``, ``1997``, or ``--01-28`` when no year is known). ``entities`` are the people,
    organisations and places of its sentences (one id per entity across the story's languages),
    ``places`` those of them that are places; ``evidence`` each article's own sentence.
    """

    date: str
    granularity: str
    planned: bool
    year_known: bool
    text: str
    entities: tuple[EntityMention, ...]
    evidence: tuple[Evidence, ...]

    @property
    def places(self) -> tuple[EntityMention, ...]:
        return tuple(e for e in self.entities if e.type == "LOC")

    @property
    def articles(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(e.article for e in self.evidence))

    @property
    def sources(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(e.source for e in self.evidence if e.source))

    @property
    def languages(self) -> tuple[str, ...]:
        return tuple(sorted({e.lang for e in self.evidence if e.lang}))

    def to_dict(self) -> dict[str, Any]:
        """The JSON object of ``storyline timeline``: one per event."""

        def entity(m: EntityMention) -> dict[str, Any]:
            return {"id": m.id, "name": m.name, "type": m.type}

        return {
            "date": self.date,
            "granularity": self.granularity,
            "planned": self.planned,
            "year_known": self.year_known,
            "text": self.text,
            "sources": list(self.sources),
            "articles": list(self.articles),
            "languages": list(self.languages),
            "entities": [entity(m) for m in self.entities],
            "places": [
                entity(m) | {"country": m.country, "lat": m.lat, "lon": m.lon} for m in self.places
            ],
            "evidence": [e.to_dict() for e in self.evidence],
        }


@dataclass(frozen=True, slots=True, repr=False)
class Story:
    """A group of articles reporting the same story, across outlets and languages.

    Field names match the JSON output: ``sources`` are the sites of its articles and
    ``articles`` their ids, in publication order (``ws.articles(story.id)`` gives the records).
    ``sites`` and ``article_ids`` are deprecated aliases of those two. ``independent`` counts
    the articles that are not reprints (``Article.copy_of``) of another member: the independent
    coverage, where ``size`` counts every copy (0 on a record not read from a workspace).
    """

    id: str
    title: str
    size: int
    languages: tuple[str, ...]
    sources: tuple[str, ...]
    first_date: datetime | None
    last_date: datetime | None
    articles: tuple[str, ...] = ()
    independent: int = 0

    @property
    def sites(self) -> tuple[str, ...]:
        """Deprecated alias of ``sources``."""
        warnings.warn("Story.sites is now Story.sources", DeprecationWarning, stacklevel=2)
        return self.sources

    @property
    def article_ids(self) -> tuple[str, ...]:
        """Deprecated alias of ``articles``."""
        warnings.warn("Story.article_ids is now Story.articles", DeprecationWarning, stacklevel=2)
        return self.articles

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict: dates as ISO 8601 strings, tuples as lists."""
        return {
            "id": self.id,
            "title": self.title,
            "size": self.size,
            "independent": self.independent,
            "languages": list(self.languages),
            "sources": list(self.sources),
            "first_date": self.first_date.isoformat() if self.first_date else None,
            "last_date": self.last_date.isoformat() if self.last_date else None,
            "articles": list(self.articles),
        }

    def __repr__(self) -> str:
        days = [d.date().isoformat() if d else None for d in (self.first_date, self.last_date)]
        return (
            f"<Story {self.id!r} size={self.size} independent={self.independent} "
            f"languages={','.join(self.languages)!r} dates={days[0]!r}..{days[1]!r} "
            f"title={_cut(self.title)!r}>"
        )

    def _repr_html_(self) -> str:
        """A notebook card: title, id, size, languages, sources and dates, HTML-escaped."""
        meta = (
            f"{self.size} articles ({self.independent} independent) · "
            f"{', '.join(self.languages)} · {', '.join(self.sources)} · "
            f"{self.first_date} – {self.last_date}"
        )
        return (
            f"<div><b>{_html(self.title)}</b> <code>{_html(self.id)}</code><br>"
            f"<small>{_html(meta)}</small></div>"
        )


def _cut(text: str, width: int = REPR_TITLE) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def _html(text: str) -> str:
    return html.escape(text, quote=True)


def published_text(value: datetime | None, granularity: str | None) -> str | None:
    """A publication date as ISO 8601 text: ``2022-02-03`` for a day, else the moment with
    its offset (``2022-02-03T18:10:00+03:00``); None when unknown."""
    if value is None:
        return None
    return value.date().isoformat() if granularity == DAY else value.isoformat()


@dataclass(frozen=True, slots=True)
class Statement:
    """One statement (a sentence, or a clause of a long one) of an article, as it was written.

    ``start``/``end`` are offsets into the article's ``text`` (``text[start:end] == self.text``).
    ``copies`` are the ids of the story's reprints of this article (``Article.copy_of``): they
    state the same, and count once. ``field`` is ``"text"``, or ``"title"`` for the headline
    (offsets then into ``Article.title``).
    """

    article: str
    source: str | None
    lang: str | None
    text: str
    start: int
    end: int
    copies: tuple[str, ...] = ()
    field: str = "text"

    def to_dict(self) -> dict[str, Any]:
        return {"article": self.article, "lang": self.lang, "text": self.text} | {
            "source": self.source,
            "start": self.start,
            "end": self.end,
            "copies": list(self.copies),
            "field": self.field,
        }


@dataclass(frozen=True, slots=True)
class Fact:
    """Something one or more sources of a story state: each source's own statement of it, in
    its own language. ``text`` is a representative statement; ``missing`` are the story's
    (independent) articles that do not state it."""

    text: str
    lang: str | None
    statements: tuple[Statement, ...]
    missing: tuple[str, ...] = ()

    @property
    def sources(self) -> tuple[str, ...]:
        """The ids of the articles that state it (reprints folded into their original)."""
        return tuple(dict.fromkeys(s.article for s in self.statements))

    @property
    def shared(self) -> bool:
        return len(self.sources) > 1

    def to_dict(self) -> dict[str, Any]:
        """The JSON object of ``storyline compare --format jsonl``: one per fact."""
        return {
            "text": self.text,
            "lang": self.lang,
            "sources": list(self.sources),
            "missing": list(self.missing),
            "statements": [s.to_dict() for s in self.statements],
        }


@dataclass(frozen=True, slots=True)
class Comparison:
    """What each source of one story says: its facts (most widely stated first) over the
    story's independent ``articles`` (reprints folded into the article they copy).

    ``left_out`` are independent articles not compared (past ``compare.MAX_ARTICLES``), ``cut``
    the compared ones whose statements past ``compare.MAX_STATEMENTS`` were not read."""

    story: str
    articles: tuple[str, ...]
    facts: tuple[Fact, ...]
    left_out: tuple[str, ...] = ()
    cut: tuple[str, ...] = ()

    @property
    def capped(self) -> bool:
        """Whether a cap left articles or statements out of the comparison."""
        return bool(self.left_out or self.cut)

    @property
    def shared(self) -> tuple[Fact, ...]:
        """The facts stated by more than one source."""
        return tuple(f for f in self.facts if f.shared)

    def only(self, article: str) -> tuple[Fact, ...]:
        """The facts that only ``article`` states."""
        return tuple(f for f in self.facts if f.sources == (article,))

    def to_dict(self) -> dict[str, Any]:
        return {
            "story": self.story,
            "articles": list(self.articles),
            "facts": [f.to_dict() for f in self.facts],
            "only": {
                a: [i for i, f in enumerate(self.facts) if f.sources == (a,)] for a in self.articles
            },
            "capped": self.capped,
            "left_out": list(self.left_out),
            "cut": list(self.cut),
        }
