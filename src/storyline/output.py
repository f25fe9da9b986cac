"""How the CLI shows records: rich tables for people, JSON / JSONL as a stable contract.

Machine-readable output is what other tools build on: field names only ever get added, dates
are ISO 8601, and ``stories --format jsonl`` lists each story's article ids (for JSONL input,
the input's own ``id``).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import Any

from rich import box
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from storyline.records import Article, DocError, RawDoc, Story
from storyline.workspace import IngestReport

console = Console()
WIDE_TABLE = 120  # terminal columns from which the story table shows every column
err_console = Console(stderr=True)


def _emit(rows: Iterable[dict[str, Any]], fmt: str) -> None:
    if fmt == "json":
        print(json.dumps(list(rows), ensure_ascii=False, indent=2))
    else:
        for row in rows:
            print(json.dumps(row, ensure_ascii=False))


def _cut(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def _day(value: Any) -> str:
    return value.date().isoformat() if value is not None else "—"


@contextmanager
def progress(disable: bool) -> Iterator[Callable[[str, RawDoc | DocError], None]]:
    """A live counter of documents on stderr (the total is unknown while reading streams)."""
    counts = {"new": 0, "duplicate": 0, "failed": 0}
    bar = Progress(
        TextColumn("[bold]ingest"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.description}"),
        TimeElapsedColumn(),
        console=err_console,
        disable=disable,
        transient=True,
    )

    def advance(outcome: str, item: RawDoc | DocError) -> None:
        counts[outcome] = counts.get(outcome, 0) + 1
        text = f"new {counts['new']} · dup {counts['duplicate']} · failed {counts['failed']}"
        bar.update(task, advance=1, description=text)

    with bar:
        task = bar.add_task("", total=None)
        yield advance


def ingest_summary(report: IngestReport, fmt: str, db: str) -> None:
    if fmt != "table":
        _emit([report.to_dict()], fmt)
        return
    console.print(
        f"read [bold]{report.read}[/] · new [green]{report.new}[/] · "
        f"duplicates {report.duplicates} · failed [red]{report.failed}[/] · "
        f"new stories {report.new_stories}"
    )
    for error in report.errors[:10]:
        err_console.print(f"  [red]✗[/] {error.source}: {error.reason} [dim]({error.stage})[/]")
    if report.failed:
        more = f" ({report.failed - 10} more)" if report.failed > 10 else ""
        err_console.print(f"  list them all{more}: storyline --db {db} errors")


def stories(items: list[Story], fmt: str) -> None:
    if fmt != "table":
        _emit((s.to_dict() for s in items), fmt)
        return
    # Narrow terminals drop the sources and last-date columns (JSON output always has them).
    wide = console.width >= WIDE_TABLE
    table = Table(title=f"{len(items)} stories", title_justify="left", box=box.SIMPLE_HEAD)
    widths = {"id": 12, "size": 4, "languages": 11, "sources": 28, "first": 10, "last": 10}
    hidden = set() if wide else {"sources", "last"}
    shown = [name for name in widths if name not in hidden]
    # Cells are cut to fit before rich sees them: rich's own shrinking can squeeze a narrow
    # column to nothing when a long title does not fit.
    title_width = max(20, console.width - sum(widths[n] for n in shown) - 3 * len(shown) - 6)
    for name in shown:
        table.add_column(
            name,
            justify="right" if name == "size" else "left",
            style=("cyan" if name == "id" else None),
            no_wrap=True,
            width=widths[name],
        )
    table.add_column("title", no_wrap=True, width=title_width)
    for s in items:
        row = {
            "id": s.id,
            "size": str(s.size),
            "languages": _cut(",".join(s.languages), widths["languages"]),
            "sources": _cut(", ".join(s.sites), widths["sources"]),
            "first": _day(s.first_date),
            "last": _day(s.last_date),
        }
        table.add_row(*(row[n] for n in shown), escape(_cut(s.title, title_width)))
    console.print(table)


def story(item: Story, articles: list[Article], fmt: str) -> None:
    if fmt != "table":
        row = item.to_dict() | {"articles": [a.to_dict() for a in articles]}
        _emit([row], fmt)
        return
    console.print(f"[bold]{escape(item.title)}[/]  [cyan]{item.id}[/]")
    console.print(
        f"{item.size} articles · {', '.join(item.languages)} · "
        f"{_day(item.first_date)} – {_day(item.last_date)}\n"
    )
    for a in articles:
        where = escape(f"[{a.lang or '?'}] {a.site or a.source}")
        console.print(f"[bold cyan]{a.id}[/] {where} · {_day(a.published)}")
        console.print(f"  [bold]{escape(a.title)}[/]")
        lead = a.paragraphs[0] if a.paragraphs else ""
        console.print(f"  {escape(lead[:300])}{'…' if len(lead) > 300 else ''}\n")


def search(hits: list[tuple[Article, str]], fmt: str) -> None:
    if fmt != "table":
        _emit(
            (
                {
                    "id": a.id,
                    "story_id": a.story_id,
                    "title": a.title,
                    "lang": a.lang,
                    "site": a.site,
                    "published": a.published.isoformat() if a.published else None,
                    "snippet": snippet,
                }
                for a, snippet in hits
            ),
            fmt,
        )
        return
    table = Table(title=f"{len(hits)} matches", title_justify="left")
    for name in ("id", "lang", "site", "title", "snippet"):
        table.add_column(name, style="cyan" if name == "id" else None)
    for a, snippet in hits:
        table.add_row(a.id, a.lang or "", a.site or "", a.title, snippet)
    console.print(table)


def errors(items: list[DocError], fmt: str) -> None:
    rows = [
        {"source": e.source, "stage": e.stage, "reason": e.reason, "sha256": e.sha256}
        for e in items
    ]
    if fmt != "table":
        _emit(rows, fmt)
        return
    table = Table(title=f"{len(items)} errors", title_justify="left")
    for name in ("source", "stage", "reason"):
        table.add_column(name)
    for r in rows:
        table.add_row(r["source"], r["stage"], r["reason"])
    console.print(table)


def extracted(results: Iterable[Article | DocError], fmt: str) -> int:
    """Print each cleaned article (or its error); returns how many failed."""
    failed = 0
    rows = []
    for r in results:
        if isinstance(r, DocError):
            failed += 1
            row = {"source": r.source, "error": r.reason, "stage": r.stage}
            rows.append(row)
            if fmt == "table":
                err_console.print(f"[red]✗ {r.source}[/]: {r.reason} ({r.stage})")
            elif fmt == "jsonl":
                _emit([row], fmt)
            continue
        row = r.to_dict()
        rows.append(row)
        if fmt == "table":
            console.rule(f"[bold]{r.title}")
            meta = [r.source, r.lang or "?", r.site or "", _day(r.published)]
            if r.dateline is not None:
                meta.append(f"dateline: {r.dateline.text}")
            console.print("[dim]" + " · ".join(m for m in meta if m) + "[/]\n")
            for p in r.paragraphs:
                console.print(p + "\n", highlight=False)
        elif fmt == "jsonl":
            _emit([row], fmt)
    if fmt == "json":
        _emit(rows, fmt)
    return failed
