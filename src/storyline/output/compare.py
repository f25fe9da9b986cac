"""What ``storyline compare`` shows: a story's facts, which sources state each, which do not.

* ``table``: one row per fact (most widely stated first): how many of the compared articles
  state it, their ids, and its representative statement; the title line says how many articles
  were compared and whether a cap left some out. Scraped text reaches the terminal only through
  ``cell`` (rich ``Text``, never markup); a pipe gets tab-separated rows.
* ``json``: the whole comparison, one object (``Comparison.to_dict``: ``story, articles[],
  facts[], only{article: [fact indexes]}, capped, left_out[], cut[]``).
* ``jsonl``: one object per fact (``Fact.to_dict``: ``text, lang, sources[], missing[],
  statements[{article, lang, text, source, start, end, copies[], field}]``).
* ``csv`` / ``tsv``: one row per fact, the ``jsonl`` fields as columns (lists as JSON text).
"""

from __future__ import annotations

from typing import Any

from storyline.output.listing import Column, emit, emit_object
from storyline.records import Comparison

COMPARE_FORMATS = ("table", "json", "jsonl", "csv", "tsv")
COMPARE_COLUMNS = (
    Column("fact", width=4, right=True),
    Column("stated", width=6, right=True, show=lambda v: str(v)),
    Column("languages", width=9, wide=True),
    Column("sources", width=36, wide=True),
    Column("text"),
)
COMPARE_FIELDS = ("text", "lang", "sources", "missing", "statements")


def comparison(result: Comparison, fmt: str) -> None:
    """Print ``result`` in ``fmt`` (see the module doc)."""
    if fmt == "json":
        emit_object(result.to_dict(), fmt)
        return
    rows = [_row(i, f.to_dict(), fmt) for i, f in enumerate(result.facts)]
    emit(rows, fmt, COMPARE_COLUMNS, COMPARE_FIELDS, _title(result))


def _row(index: int, fact: dict[str, Any], fmt: str) -> dict[str, Any]:
    """Tables add the fact's number, how many articles state it and their languages; machine
    formats keep the fact object as it is."""
    if fmt != "table":
        return fact
    languages = sorted({s["lang"] or "?" for s in fact["statements"]})
    return fact | {"fact": index, "stated": len(fact["sources"]), "languages": languages}


def _title(result: Comparison) -> str:
    shared = len(result.shared)
    title = (
        f"{len(result.facts)} facts over {len(result.articles)} articles "
        f"({shared} stated by more than one)"
    )
    if result.left_out:
        title += f"; {len(result.left_out)} later articles not compared (cap)"
    if result.cut:
        title += f"; {len(result.cut)} articles read only in part (cap)"
    return title
