"""Rows and values as the store writes and reads them: dates, vectors, article and story rows."""

from __future__ import annotations

import json
import logging
import sqlite3
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, date, datetime
from pathlib import Path

import numpy as np

from storyline import embed
from storyline.query import Filters
from storyline.records import DAY, TIME, Article, Dateline, Embedding, Story, Vector

log = logging.getLogger("storyline.store")

ARTICLE_COLUMNS = (
    "id, raw_sha256, source, url, title, text, paragraphs, published, site, author, dateline, "
    "lang, paragraph_langs, mixed_lang, extractor, story_id, story_score, mentions"
)

# ``articles.paragraphs`` when the paragraphs are the text split at its blank lines (nearly
# always: ``Article.text`` joins them with one): the text is not stored twice (issue 10).
PARAGRAPHS_FROM_TEXT = ""


def paragraphs_value(article: Article) -> str:
    """The ``articles.paragraphs`` value of ``article``: ``PARAGRAPHS_FROM_TEXT`` when
    splitting its text gives them back exactly, else the paragraphs as a JSON list."""
    if article.paragraphs and tuple(article.text.split("\n\n")) == article.paragraphs:
        return PARAGRAPHS_FROM_TEXT
    return json.dumps(list(article.paragraphs), ensure_ascii=False)


def paragraphs_of(row: sqlite3.Row) -> tuple[str, ...]:
    """An article row's paragraphs (its ``paragraphs`` and ``text`` columns)."""
    if row["paragraphs"] == PARAGRAPHS_FROM_TEXT:
        return tuple(row["text"].split("\n\n"))
    return tuple(json.loads(row["paragraphs"]))


# Publication order in SQL, as ``cluster.order_key``: by the moment in UTC (julianday reads any
# offset), a bare day (stored ``2022-02-03``) at the end of its day, undated rows by ingest time.
PUBLISHED_ORDER = (
    "julianday(coalesce(published, ingested_at)) "
    "+ CASE WHEN length(published) = 10 THEN 86399.0 / 86400 ELSE 0 END"
)


class Connected:
    """What the row mixins of ``Store`` share: its connection, its file, read snapshots."""

    conn: sqlite3.Connection
    path: Path

    @contextmanager
    def snapshot(self) -> Iterator[None]:
        """Several reads that see one committed state (no torn reads while an ingest writes)."""
        if self.conn.in_transaction:
            yield
            return
        self.conn.execute("BEGIN")
        try:
            yield
        finally:
            if self.conn.in_transaction:
                self.conn.execute("COMMIT")


def window(where: Filters, last: str, first: str) -> str:
    """SQL keeping rows whose ``last`` date is not before ``since`` and ``first`` not after
    ``until`` (julianday compares ISO texts with any UTC offset correctly)."""
    sql = f" AND julianday({last}) >= julianday(?)" if where.since is not None else ""
    return sql + (f" AND julianday({first}) <= julianday(?)" if where.until is not None else "")


def bounds(where: Filters) -> list[str]:
    """The ``?`` values of ``window``."""
    return [b.isoformat() for b in (where.since, where.until) if b is not None]


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _iso(value: datetime | date | None) -> str | None:
    return value.isoformat() if value is not None else None


def _dt(value: str | None) -> datetime | None:
    """A stored date back as an aware datetime with the offset it was stored with; naive values
    (older workspaces) are taken as UTC; anything unreadable (a v1 row, a hand edit) is None."""
    parsed = _parse(datetime.fromisoformat, value)
    if not isinstance(parsed, datetime):
        return None
    return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=UTC)


def _granularity(value: str | None) -> str | None:
    """How precise a stored publication date is: a bare ``2022-02-03`` is a day."""
    if not value:
        return None
    return DAY if len(value) == len("2022-02-03") else TIME


def _day(value: str | None) -> date | None:
    return _parse(date.fromisoformat, value)


def _parse(parse: Callable[[str], date], value: str | None) -> date | None:
    if not value:
        return None
    try:
        return parse(value)
    except (TypeError, ValueError):
        log.warning("ignoring unreadable stored date %r", value)
        return None


def safe_text(value: str) -> str:
    """``value`` storable as UTF-8: lone surrogates (a non-UTF-8 file name) shown as ``\\udcff``."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return value.encode("utf-8", "backslashreplace").decode("utf-8")
    return value


def to_blob(vector: Vector) -> bytes:
    return np.ascontiguousarray(vector, dtype=np.float32).tobytes()


def from_blob(blob: bytes, dim: int | None = None) -> Vector:
    vector = np.frombuffer(blob, dtype=np.float32)
    return vector.reshape(-1, dim) if dim else vector


# The ``embeddings.sentence_format`` of new rows (``sentence_vectors_blob``).
SENTENCE_FORMAT = f"q{embed.SENTENCE_BITS}"
# Appended to the format when a row keeps only some of its article's sentences (an article
# alone in its story keeps those of its dated paragraphs: ``clustering``).
PARTIAL_SENTENCES = "/dated"


def sentence_vectors_blob(vectors: Vector) -> bytes:
    """Sentence vectors as the store writes them (``embed.quantise``, ``SENTENCE_FORMAT``)."""
    return embed.quantise(vectors, embed.SENTENCE_BITS).tobytes() if vectors.size else b""


def sentences_json(sentences: Sequence[str], text: str) -> str:
    """The ``embeddings.sentences`` value: each sentence's ``[start, end]`` offsets into the
    article's text when every one is found there in order (the embed stage cuts them from the
    paragraphs, so they are), else the sentences themselves."""
    spans, at = [], 0
    for sentence in sentences:
        start = text.find(sentence, at)
        if start < 0:
            return json.dumps(list(sentences), ensure_ascii=False)
        at = start + len(sentence)
        spans.append([start, at])
    return json.dumps(spans)


def sentences_of_row(value: str, text: str) -> tuple[str, ...]:
    """The sentences back from ``sentences_json`` (offsets or, in older rows, strings)."""
    items = json.loads(value)
    return (
        tuple(text[s:e] for s, e in items) if items and isinstance(items[0], list) else tuple(items)
    )


def embedding_of(row: sqlite3.Row, sentences: bool = True) -> Embedding:
    """An ``embeddings`` row as the record: its document, title and lead vectors, and with
    ``sentences`` its sentences and their vectors (the row then carries ``sentences``,
    ``sentence_vectors``, ``sentence_format`` and the article's ``text``)."""
    doc = from_blob(row["doc"])
    title = None if row["title_vector"] is None else from_blob(row["title_vector"])
    lead = None if row["lead_vector"] is None else from_blob(row["lead_vector"])
    if not sentences:
        empty = np.zeros((0, doc.shape[0]), dtype=np.float32)
        return Embedding(row["model"], doc, (), empty, title=title, lead=lead)
    return Embedding(
        model=row["model"],
        doc=doc,
        sentences=sentences_of_row(row["sentences"], row["text"]),
        sentence_vectors=sentence_blob(
            row["sentence_vectors"], row["sentence_format"], doc.shape[0]
        ),
        title=title,
        lead=lead,
    )


def sentence_blob(blob: bytes, format: str, dim: int) -> Vector:
    """Stored sentence vectors back as unit float32 rows: ``qN`` (``N`` bits per dimension,
    ``embed.quantise``: new rows), ``int8`` (one signed byte per dimension: rows written from
    migration 0012 on, before ``qN``) or ``float32`` (before 0012); any of them with
    ``PARTIAL_SENTENCES`` after it."""
    format = format.removesuffix(PARTIAL_SENTENCES)
    if format.startswith("q"):
        bits = int(format[1:])
        packed = np.frombuffer(blob, dtype=np.uint8).reshape(-1, embed.packed_width(dim, bits))
        return embed.dequantise(packed, dim, bits)
    if format == "int8":
        return embed.from_int8(np.frombuffer(blob, dtype=np.int8).reshape(-1, dim))
    return from_blob(blob, dim)


SNIPPET_CONTEXT = 30  # characters either side of a substring hit


def _snippet(text: str, terms: list[str]) -> str:
    """A FTS-style snippet (hit in ``[...]``) around the first term found in ``text``."""
    folded = text.casefold()
    for term in terms:
        at = folded.find(term.casefold())
        if at >= 0:
            start, end = max(0, at - SNIPPET_CONTEXT), at + len(term) + SNIPPET_CONTEXT
            return (
                ("…" if start else "")
                + text[start:at]
                + "["
                + text[at : at + len(term)]
                + "]"
                + text[at + len(term) : end]
                + ("…" if end < len(text) else "")
            )
    return text[: 2 * SNIPPET_CONTEXT]


def _article(row: sqlite3.Row) -> Article:
    dateline = None
    if row["dateline"]:
        d = json.loads(row["dateline"])
        dateline = Dateline(
            text=d["text"],
            place=d["place"],
            date=_day(d.get("date")),
            agency=d["agency"],
        )
    return Article(
        id=row["id"],
        raw_sha256=row["raw_sha256"],
        source=row["source"],
        url=row["url"],
        title=row["title"],
        paragraphs=paragraphs_of(row),
        published=_dt(row["published"]),
        published_granularity=_granularity(row["published"]) if _dt(row["published"]) else None,
        site=row["site"],
        author=row["author"],
        dateline=dateline,
        lang=row["lang"],
        paragraph_langs=tuple(json.loads(row["paragraph_langs"])),
        mixed_lang=bool(row["mixed_lang"]),
        extractor=row["extractor"],
        story_id=row["story_id"],
        story_score=row["story_score"],
        mentions=row["mentions"],
    )


def _story(row: sqlite3.Row) -> Story:
    return Story(
        id=row["id"],
        title=row["title"],
        size=row["size"],
        languages=(),
        sources=(),
        first_date=_dt(row["first_date"]),
        last_date=_dt(row["last_date"]),
    )
