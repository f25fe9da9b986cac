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

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from storyline.records import Article, DocError, RawDoc, Story
from storyline.workspace import IngestReport

console = Console()
err_console = Console(stderr=True)


def _emit(rows: Iterable[dict[str, Any]], fmt: str) -> None:
    if fmt == "json":
        print(json.dumps(list(rows), ensure_ascii=False, indent=2))
    else:
        for row in rows:
            print(json.dumps(row, ensure_ascii=False))


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
    table = Table(title=f"{len(items)} stories", title_justify="left")
    columns: list[tuple[str, dict[str, Any]]] = [
        ("id", {"style": "cyan", "min_width": 12}),
        ("size", {"justify": "right", "min_width": 4}),
        ("languages", {"min_width": 9, "max_width": 14}),
        ("sources", {"max_width": 24}),
        ("first", {"min_width": 10}),
        ("last", {"min_width": 10}),
        ("title", {"ratio": 1, "min_width": 30}),
    ]
    for name, kw in columns:
        table.add_column(name, no_wrap=True, overflow="ellipsis", **kw)
    for s in items:
        table.add_row(
            s.id,
            str(s.size),
            ",".join(s.languages),
            ", ".join(s.sites),
            _day(s.first_date),
            _day(s.last_date),
            s.title,
        )
    console.print(table)


def story(item: Story, articles: list[Article], fmt: str) -> None:
    if fmt != "table":
        row = item.to_dict() | {"articles": [a.to_dict() for a in articles]}
        _emit([row], fmt)
        return
    console.print(f"[bold]{item.title}[/]  [cyan]{item.id}[/]")
    console.print(
        f"{item.size} articles · {', '.join(item.languages)} · "
        f"{_day(item.first_date)} – {_day(item.last_date)}\n"
    )
    for a in articles:
        console.print(f"[bold cyan]{a.id}[/] [{a.lang}] {a.site or a.source} · {_day(a.published)}")
        console.print(f"  [bold]{a.title}[/]")
        lead = a.paragraphs[0] if a.paragraphs else ""
        console.print(f"  {lead[:300]}{'…' if len(lead) > 300 else ''}\n")


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
