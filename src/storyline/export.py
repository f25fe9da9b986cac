"""Export a workspace's records as files other tools read: parquet, CSV or JSON Lines.

Each record kind (``articles``, ``stories``, ``errors``; later mentions, dates, timeline
events) is one ``Kind`` in ``KINDS``: a name, columns with types and meanings, and a function
that yields its rows from a workspace. Adding a kind is one ``register(Kind(...))``; the CLI,
``ws.to_arrow`` / ``ws.to_pandas`` and the written ``schema.json`` pick it up.

The schema is versioned: ``SCHEMA_VERSION`` goes into ``schema.json``, into every parquet
file's metadata (``storyline.schema_version``) and is bumped when a column changes meaning or
goes away (adding a column or a kind does not bump it). Dates are timezone-aware UTC
timestamps in parquet / arrow (the store reads every date as UTC, naive ones too) and ISO 8601
UTC strings in CSV / JSONL, so a column always parses as one UTC datetime column. A
publication date without a time is its midnight UTC there, with ``published_granularity``
"day"; ``published_local`` is the date as storyline prints it: the bare day
(``2022-02-03``) or the moment with the offset the page gave. Lists are arrow lists, JSON
arrays in CSV cells.
"""

from __future__ import annotations

import csv
import json
import logging
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from storyline.errors import InputError, MissingDependency
from storyline.output.listing import csv_value
from storyline.output.text import dumps

if TYPE_CHECKING:
    import pandas as pd
    import pyarrow as pa

    from storyline.workspace import Workspace

log = logging.getLogger(__name__)

SCHEMA_VERSION = 1
EXPORT_FORMATS = ("parquet", "csv", "jsonl")
SUFFIX = {"parquet": ".parquet", "csv": ".csv", "jsonl": ".jsonl"}

Row = dict[str, Any]


@dataclass(frozen=True)
class Column:
    """One exported column: ``type`` is ``string``, ``int``, ``float``, ``bool``,
    ``timestamp`` (UTC) or ``list<string>``."""

    name: str
    type: str
    doc: str


@dataclass(frozen=True)
class Kind:
    """One record kind: its file name stem, columns and where its rows come from."""

    name: str
    doc: str
    columns: tuple[Column, ...]
    rows: Callable[[Workspace], Iterable[Row]]


KINDS: dict[str, Kind] = {}


def register(kind: Kind) -> Kind:
    """Add a record kind to every export (a new kind does not change ``SCHEMA_VERSION``)."""
    KINDS[kind.name] = kind
    return kind


def _article_rows(ws: Workspace) -> Iterator[Row]:
    for a in ws.articles():
        yield {
            "id": a.id,
            "story_id": a.story_id,
            "title": a.title,
            "text": a.text,
            "lang": a.lang,
            "mixed_lang": a.mixed_lang,
            "site": a.site,
            "author": a.author,
            "published": a.published,
            "published_granularity": a.published_granularity,
            "published_local": a.published_iso,
            "url": a.url,
            "source": a.source,
            "dateline": a.dateline.text if a.dateline else None,
            "extractor": a.extractor,
            "raw_sha256": a.raw_sha256,
            "copy_of": a.copy_of,
        }


def _story_rows(ws: Workspace) -> Iterator[Row]:
    for s in ws.stories():
        yield {
            "id": s.id,
            "title": s.title,
            "size": s.size,
            "independent": s.independent,
            "languages": list(s.languages),
            "sources": list(s.sources),
            "first_date": s.first_date,
            "last_date": s.last_date,
            "articles": list(s.articles),
        }


def _error_rows(ws: Workspace) -> Iterator[Row]:
    for e in ws.errors():
        yield {"source": e.source, "stage": e.stage, "reason": e.reason, "sha256": e.sha256}


S, TS, LIST = "string", "timestamp", "list<string>"
register(
    Kind(
        "articles",
        "one row per clean article",
        (
            Column("id", S, "article id: the input's own id, else derived from its sha256"),
            Column("story_id", S, "the story it belongs to (null until clustered)"),
            Column("title", S, "title"),
            Column("text", S, "clean main text, paragraphs separated by a blank line"),
            Column("lang", S, "detected (or given) language, ISO 639-1"),
            Column("mixed_lang", "bool", "paragraphs in more than one language"),
            Column("site", S, "publishing site (host name or outlet)"),
            Column("author", S, "author, when the page names one"),
            Column(
                "published",
                TS,
                "publication time, UTC (a date without a time: its midnight UTC, see "
                "published_granularity)",
            ),
            Column("published_granularity", S, "'day' (a date without a time) or 'time'"),
            Column(
                "published_local",
                S,
                "publication date as the page gave it, ISO 8601 with its UTC offset "
                "(2022-02-03T17:05:00+03:00) or a bare day",
            ),
            Column("url", S, "canonical URL, when known"),
            Column("source", S, "where it was read: path, path:line, WARC record"),
            Column("dateline", S, "agency dateline text, e.g. 'Moscow. January 28. INTERFAX -'"),
            Column("extractor", S, "extractor implementation and version"),
            Column("raw_sha256", S, "sha256 of the raw input bytes"),
            Column("copy_of", S, "the earliest article of its reprint group, when a reprint"),
        ),
        _article_rows,
    )
)
register(
    Kind(
        "stories",
        "one row per story",
        (
            Column("id", S, "story id"),
            Column("title", S, "title of its first article"),
            Column("size", "int", "number of articles"),
            Column("independent", "int", "articles that are not reprints of another member"),
            Column("languages", LIST, "languages of its articles, sorted"),
            Column("sources", LIST, "sites of its articles, sorted"),
            Column("first_date", TS, "earliest publication time, UTC"),
            Column("last_date", TS, "latest publication time, UTC"),
            Column("articles", LIST, "article ids, in publication order"),
        ),
        _story_rows,
    )
)
register(
    Kind(
        "errors",
        "one row per document that could not be ingested",
        (
            Column("source", S, "where it was read"),
            Column("stage", S, "the stage that failed: read, decode, extract, ..."),
            Column("reason", S, "why, in words"),
            Column("sha256", S, "sha256 of the raw bytes, when they could be read"),
        ),
        _error_rows,
    )
)


def kind(name: str) -> Kind:
    """The registered kind called ``name``; ``InputError`` naming the known ones otherwise."""
    try:
        return KINDS[name]
    except KeyError:
        raise InputError(f"no record kind {name!r}: choose from {', '.join(KINDS)}") from None


def arrow_schema(k: Kind) -> pa.Schema:
    """The pyarrow schema of a kind, with the schema version in its metadata."""
    import pyarrow as pa

    types = {
        "string": pa.string(),
        "int": pa.int64(),
        "float": pa.float64(),
        "bool": pa.bool_(),
        "timestamp": pa.timestamp("us", tz="UTC"),
        "list<string>": pa.list_(pa.string()),
    }
    fields = [pa.field(c.name, types[c.type]) for c in k.columns]
    meta = {"storyline.schema_version": str(SCHEMA_VERSION), "storyline.kind": k.name}
    return pa.schema(fields, metadata=meta)


def to_arrow(ws: Workspace, name: str) -> pa.Table:
    """Every row of one kind as a pyarrow Table."""
    import pyarrow as pa

    k = kind(name)
    return pa.Table.from_pylist(list(k.rows(ws)), schema=arrow_schema(k))


def to_pandas(ws: Workspace, name: str) -> pd.DataFrame:
    """Every row of one kind as a pandas DataFrame (dates ``datetime64[us, UTC]``)."""
    try:
        import pandas  # noqa: F401  # only to say what is missing before pyarrow tries
    except ImportError:
        raise MissingDependency("pandas", "pandas", "ws.to_pandas()") from None
    return to_arrow(ws, name).to_pandas()


def _text_value(value: Any) -> Any:
    return _utc(value).isoformat() if isinstance(value, datetime) else value


def _utc(value: datetime) -> datetime:
    """``value`` in UTC (records keep the offset the page gave; exports are all UTC)."""
    try:
        return value.astimezone(UTC)
    except (OverflowError, ValueError):  # year 1 with a positive offset has no UTC form
        return value


def export(
    ws: Workspace, directory: Path, fmt: str, kinds: Iterable[str] | None = None
) -> list[Path]:
    """Write each kind to ``directory/<kind>.<fmt>`` and ``schema.json``; returns the paths."""
    if fmt not in EXPORT_FORMATS:
        raise InputError(f"unknown export format {fmt!r}: choose from {', '.join(EXPORT_FORMATS)}")
    directory.mkdir(parents=True, exist_ok=True)
    chosen = [kind(n) for n in (kinds or KINDS)]
    written, manifest = [], {}
    for k in chosen:
        path = directory / f"{k.name}{SUFFIX[fmt]}"
        count = _write(ws, k, path, fmt)
        log.info("wrote %d %s to %s", count, k.name, path)
        written.append(path)
        manifest[k.name] = {
            "file": path.name,
            "rows": count,
            "doc": k.doc,
            "columns": [{"name": c.name, "type": c.type, "doc": c.doc} for c in k.columns],
        }
    schema = directory / "schema.json"
    meta = {"schema_version": SCHEMA_VERSION, "format": fmt, "kinds": manifest}
    schema.write_text(json.dumps(meta, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return [*written, schema]


def _write(ws: Workspace, k: Kind, path: Path, fmt: str) -> int:
    if fmt == "parquet":
        import pyarrow.parquet as pq

        table = to_arrow(ws, k.name)
        pq.write_table(table, path)
        return int(table.num_rows)
    count = 0
    names = [c.name for c in k.columns]
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out) if fmt == "csv" else None
        if writer is not None:
            writer.writerow(names)
        for row in k.rows(ws):
            count += 1
            texts = {n: _text_value(row[n]) for n in names}
            if writer is not None:
                writer.writerow([csv_value(texts[n]) for n in names])
            else:
                out.write(dumps(texts) + "\n")
    return count
