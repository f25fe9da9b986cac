"""``storyline extract``: cleaned documents as txt, markdown, JSON, CSV or a terminal view,
to stdout or (``-o DIR``) one file per input, like trafilatura.

On stdout, errors go to stderr in ``table`` / ``txt`` / ``markdown`` and are rows (with an
``error`` field) in ``json`` / ``jsonl`` / ``csv`` / ``tsv``. Files get the exact text; a
terminal gets ``visible`` text (control characters escaped).
"""

from __future__ import annotations

import csv
import io
import logging
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from rich.text import Text

from storyline.output.listing import console, csv_value, csv_writer, emit_json, on_terminal
from storyline.output.text import cell, dumps, visible
from storyline.output.views import article
from storyline.records import Article, DocError

log = logging.getLogger(__name__)

EXTRACT_FORMATS = ("table", "txt", "markdown", "json", "jsonl", "csv", "tsv")
# The formats that print every field of an article (``Article.to_dict``): paragraph languages,
# the mixed flag, entities and dates. The others show the fields below, so ``extract`` skips
# the stages behind the rest (``pipeline.clean(full=False)``).
FULL_FORMATS = frozenset({"json", "jsonl"})
EXTRACT_FIELDS = (
    "source",
    "id",
    "url",
    "title",
    "author",
    "site",
    "lang",
    "published",
    "text",
    "error",
    "stage",
)
SUFFIX = {"txt": ".txt", "markdown": ".md", "json": ".json", "jsonl": ".jsonl"}
SUFFIX |= {"csv": ".csv", "tsv": ".tsv", "table": ".txt"}
# Longest file-name stem written by ``-o DIR`` (file systems allow 255 bytes with the suffix).
MAX_STEM = 100
_UNSAFE_NAME = re.compile(r"[^\w.-]+")


def as_txt(a: Article) -> str:
    """Title, a blank line, then the paragraphs separated by blank lines."""
    return f"{a.title}\n\n{a.text}\n" if a.title else f"{a.text}\n"


def as_markdown(a: Article) -> str:
    """A level-1 title, a metadata line, then the paragraphs."""
    meta = " · ".join(v for v in (a.site, a.author, a.published_iso, a.url) if v)
    head = f"# {a.title}\n\n" if a.title else ""
    return head + (f"*{meta}*\n\n" if meta else "") + a.text + "\n"


def row(result: Article | DocError) -> dict[str, Any]:
    """The JSON object of one result: the article's fields, or source / error / stage."""
    if isinstance(result, DocError):
        return {"source": result.source, "error": result.reason, "stage": result.stage}
    return result.to_dict()


def render(result: Article, fmt: str) -> str:
    """One article as the whole content of its ``-o`` file."""
    if fmt in ("txt", "table"):
        return as_txt(result)
    if fmt == "markdown":
        return as_markdown(result)
    if fmt in ("json", "jsonl"):
        return dumps(row(result), indent=2 if fmt == "json" else None) + "\n"
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter="\t" if fmt == "tsv" else ",")
    writer.writerow(EXTRACT_FIELDS)
    writer.writerow([csv_value(row(result).get(f)) for f in EXTRACT_FIELDS])
    return buffer.getvalue()


def extracted(results: Iterable[Article | DocError], fmt: str) -> tuple[int, int]:
    """Print each cleaned article (or its error) to stdout; returns (done, failed)."""
    done = failed = 0
    rows: list[dict[str, Any]] = []
    write = csv_writer(fmt, EXTRACT_FIELDS) if fmt in ("csv", "tsv") else None
    terminal = on_terminal()
    for r in results:
        failed += isinstance(r, DocError)
        done += not isinstance(r, DocError)
        if fmt == "json":
            rows.append(row(r))
        elif fmt == "jsonl":
            emit_json([row(r)], fmt)
        elif write is not None:
            write(row(r))
        elif isinstance(r, DocError):
            _report(r)
        elif fmt == "table":
            article(r, fmt)
        else:
            text = as_txt(r) if fmt == "txt" else as_markdown(r)
            print(visible(text) if terminal else text)
    if fmt == "json":
        emit_json(rows, fmt)
    return done, failed


def extracted_to(
    results: Iterable[Article | DocError], fmt: str, directory: Path
) -> tuple[int, int]:
    """Write one file per cleaned article into ``directory``; errors go to stderr."""
    directory.mkdir(parents=True, exist_ok=True)
    done = failed = 0
    taken: set[str] = set()
    for r in results:
        if isinstance(r, DocError):
            failed += 1
            _report(r)
            continue
        path = directory / _file_name(r.source, SUFFIX[fmt], taken)
        path.write_text(render(r, fmt), encoding="utf-8")
        log.info("wrote %s", path)
        done += 1
    return done, failed


def _file_name(source: str, suffix: str, taken: set[str]) -> str:
    """A safe, unique file name for an input: ``dir/page.html`` -> ``page.txt``,
    ``feed.jsonl:3`` -> ``feed.jsonl-3.txt``, ``<stdin>`` -> ``stdin.txt``."""
    base = source.replace("\\", "/").rstrip("/").rsplit("/", 1)[-1]
    stem = base.rsplit(".", 1)[0] if ":" not in base and "." in base else base
    stem = _UNSAFE_NAME.sub("_", stem.replace(":", "-")).strip("._")[:MAX_STEM] or "document"
    name, n = stem, 1
    while name in taken:
        n += 1
        name = f"{stem}-{n}"
    taken.add(name)
    return name + suffix


def _report(error: DocError) -> None:
    console(stderr=True).print(
        Text.assemble(("✗ ", "red"), f"{cell(error.source)}: {cell(error.reason)} ({error.stage})"),
        soft_wrap=True,
    )
