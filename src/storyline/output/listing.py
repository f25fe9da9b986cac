"""Listings (stories, articles, search hits, errors) in every format, from one row shape.

A listing is a list of JSON-ready dicts (the JSON contract) plus the columns a person sees:

* ``json``: one array; ``jsonl``: one object per line.
* ``csv`` / ``tsv``: stdlib ``csv`` defaults (RFC 4180: fields with a delimiter, quote, CR or
  LF are quoted; lines end with CRLF) and a header row; the columns are the JSON fields, lists and
  objects are JSON text (``["de", "en"]``), ``null`` is empty, booleans are ``true``/``false``.
  Strings are exact (quoted where needed).
* ``table`` on a terminal: a rich table cut to the terminal's width, with a title line, of at
  most ``TABLE_ROWS`` rows (a last line says how many more there are).
* ``table`` anywhere else (a pipe, a file): tab-separated rows of the same columns, no header,
  nothing cut — ids whole, titles whole, dates in full ISO 8601 — like ``gh``. Tabs, newlines
  and control characters inside a value are escaped (``\\t``, ``\\n``, ``\\x1b``).
"""

from __future__ import annotations

import csv
import sys
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from rich import box
from rich.console import Console
from rich.table import Table
from rich.text import Text

from storyline.output.text import cell, dumps

LISTING_FORMATS = ("table", "json", "jsonl", "csv", "tsv")

# Terminal columns from which wide tables show their optional columns (sources, last date);
# below it they would squeeze the title to nothing. JSON and pipes always have every column.
WIDE_TABLE = 120
# A whole column (an id) takes at most 1/WHOLE_SHARE of a terminal's width (pipes: no limit).
WHOLE_SHARE = 4
# Rows a terminal table shows; the rest is counted, and a pipe or --format tsv gets them all.
# rich renders ~2,700 table rows/s on this 2-core machine (300k error rows: 110 s), so 1,000
# rows take under half a second, and more than that is not read on a screen anyway.
TABLE_ROWS = 1000
# The flexible column (a title) never gets narrower than this on a terminal.
MIN_FLEX = 20


def console(stderr: bool = False) -> Console:
    """A console on the current stdout / stderr (made per call: tests swap the streams, and
    ``NO_COLOR`` / ``FORCE_COLOR`` are read when it is made). Text is never wrapped by rich:
    a pipe gets whole lines and a terminal wraps them itself."""
    return Console(stderr=stderr, highlight=False, soft_wrap=True)


def on_terminal() -> bool:
    """Whether stdout is a terminal (``FORCE_COLOR`` counts as one, as for rich)."""
    return console().is_terminal


def plain(value: Any) -> str:
    """A value as whole text: lists joined by commas, ``None`` empty."""
    if value is None:
        return ""
    if isinstance(value, list | tuple):
        return ",".join(plain(v) for v in value)
    return str(value)


def iso(value: Any) -> str | None:
    """A date or datetime as ISO 8601 text, ``None`` kept."""
    return value.isoformat() if value is not None else None


def day(value: Any) -> str:
    """An ISO 8601 date-time string shown as its day on a terminal."""
    return str(value)[:10] if value else "—"


@dataclass(frozen=True)
class Column:
    """One column of a listing as a person sees it.

    ``width`` fixes it on a terminal (cut with …); ``None`` makes it the flexible column that
    takes the rest. ``whole`` columns (ids) are never cut. ``wide`` ones show only on wide
    terminals. ``show`` formats the value for a terminal; pipes get ``plain`` values.
    """

    key: str
    width: int | None = None
    whole: bool = False
    right: bool = False
    wide: bool = False
    show: Callable[[Any], str] = plain
    style: str | None = None


def emit_json(rows: Iterable[dict[str, Any]], fmt: str) -> None:
    """``json``: one indented array; ``jsonl``: one compact object per line."""
    if fmt == "json":
        print(dumps(list(rows), indent=2))
        return
    for row in rows:
        print(dumps(row), flush=True)


def emit_object(row: dict[str, Any], fmt: str) -> None:
    """A single object (``show``, ``article``, the ingest summary): never a one-element list."""
    print(dumps(row, indent=2 if fmt == "json" else None))


def csv_value(value: Any) -> str:
    """A JSON value as one exact CSV field."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list | tuple | dict):
        return dumps(list(value) if isinstance(value, tuple) else value)
    return str(value)


def csv_writer(fmt: str, fields: Sequence[str]) -> Callable[[dict[str, Any]], None]:
    """Write the header now; the returned function writes one row of those fields."""
    writer = csv.writer(sys.stdout, delimiter="\t" if fmt == "tsv" else ",")
    writer.writerow(fields)

    def write(row: dict[str, Any]) -> None:
        writer.writerow([csv_value(row.get(f)) for f in fields])

    return write


def emit(
    rows: list[dict[str, Any]],
    fmt: str,
    columns: Sequence[Column],
    fields: Sequence[str],
    title: str,
) -> None:
    """Print a listing in ``fmt``; ``fields`` are the JSON keys (the CSV / TSV header)."""
    if fmt in ("json", "jsonl"):
        emit_json(rows, fmt)
    elif fmt in ("csv", "tsv"):
        write = csv_writer(fmt, fields)
        for row in rows:
            write(row)
    elif on_terminal():
        _table(rows[:TABLE_ROWS], columns, title)
        if len(rows) > TABLE_ROWS:
            console().print(
                Text(
                    f"showing {TABLE_ROWS:,} of {len(rows):,}: pipe the output, or use "
                    "--format tsv / csv / jsonl, to get every row",
                    "dim",
                )
            )
    else:
        for row in rows:
            print("\t".join(cell(plain(row.get(c.key))) for c in columns))


def _table(rows: list[dict[str, Any]], columns: Sequence[Column], title: str) -> None:
    out = console()
    shown = [c for c in columns if out.width >= WIDE_TABLE or not c.wide]
    cells = [[cell(c.show(r.get(c.key))) for c in shown] for r in rows]
    # Every width is set before rich sees the cells: rich's own shrinking squeezes the narrow
    # columns to "…" when a long title does not fit. Whole columns (ids) fit their longest
    # value (up to a share of the terminal: some inputs use URLs as ids); the flexible ones
    # share what is left. Each column costs 3 more (padding, separator), the edges 6 in all.
    longest = out.width // WHOLE_SHARE
    widths = [
        min(longest, max([len(c.key), *(len(line[i]) for line in cells)])) if c.whole else c.width
        for i, c in enumerate(shown)
    ]
    fixed = sum(w for w in widths if w is not None)
    flexible = sum(w is None for w in widths) or 1
    rest = max(MIN_FLEX, (out.width - fixed - 3 * len(shown) - 6) // flexible)
    table = Table(title=Text(title), title_justify="left", box=box.SIMPLE_HEAD)
    for c, width in zip(shown, widths, strict=True):
        table.add_column(
            Text(c.key),
            justify="right" if c.right else "left",
            style=c.style,
            no_wrap=True,
            overflow="ellipsis",
            width=rest if width is None else width,
        )
    for line in cells:
        table.add_row(*(Text(value) for value in line))
    out.print(table)
