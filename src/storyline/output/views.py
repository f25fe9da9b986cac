"""What each command shows: its rows and columns, and the detail views of one record.

Listings go through ``listing.emit``; single objects print as one JSON object in ``json`` /
``jsonl``. Every piece of scraped text reaches the terminal as a rich ``Text`` built from
``visible`` / ``cell``, never as markup.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.text import Text

from storyline.errors import EXIT_ALL_FAILED, EXIT_SOME_FAILED
from storyline.output.listing import Column, console, day, emit, emit_object, iso
from storyline.output.text import cell, visible
from storyline.records import Article, DocError, RawDoc, Story

if TYPE_CHECKING:  # the workspace is heavy, and ``extract`` prints through these views
    from storyline.workspace import IngestReport

# Characters of an article's first paragraph that ``show`` prints under its title.
LEAD = 300
# Ingest errors listed under the summary; the rest are counted, and ``errors`` lists them all.
SUMMARY_ERRORS = 10

STORY_COLUMNS = (
    Column("id", whole=True, style="cyan"),
    Column("size", width=4, right=True),
    Column("independent", width=11, right=True),
    Column("languages", width=11),
    Column("sources", width=28, wide=True),
    Column("first_date", width=10, show=day),
    Column("last_date", width=10, show=day, wide=True),
    Column("title"),
)
STORY_FIELDS = (
    "id",
    "title",
    "size",
    "independent",
    "languages",
    "sources",
    "first_date",
    "last_date",
    "articles",
)
ARTICLE_COLUMNS = (
    Column("id", whole=True, style="cyan"),
    Column("story_id", whole=True, wide=True),
    Column("lang", width=4),
    Column("site", width=22),
    Column("published", width=10, show=day),
    Column("title"),
)
ARTICLE_FIELDS = ("id", "story_id", "title", "lang", "site", "published", "url", "source")
SEARCH_COLUMNS = (
    Column("id", whole=True, style="cyan"),
    Column("lang", width=4),
    Column("site", width=20, wide=True),
    Column("title"),
    Column("snippet"),
)
SEARCH_FIELDS = ("id", "story_id", "title", "lang", "site", "published", "snippet")
ERROR_COLUMNS = (Column("source"), Column("stage", width=8), Column("reason"))
ERROR_FIELDS = ("source", "stage", "reason", "sha256")

# What the ingest exit codes mean, for the summary's last line.
EXIT_MEANING = {
    EXIT_SOME_FAILED: "some documents failed (the others were stored)",
    EXIT_ALL_FAILED: "every document failed",
}


def article_row(a: Article) -> dict[str, Any]:
    """An article in a listing: its metadata, no text (``article ID`` prints the text)."""
    return {
        "id": a.id,
        "story_id": a.story_id,
        "title": a.title,
        "lang": a.lang,
        "site": a.site,
        "published": a.published_iso,
        "url": a.url,
        "source": a.source,
    }


def stories(items: list[Story], fmt: str) -> None:
    emit([s.to_dict() for s in items], fmt, STORY_COLUMNS, STORY_FIELDS, f"{len(items)} stories")


def articles(items: list[Article], fmt: str) -> None:
    rows = [article_row(a) for a in items]
    emit(rows, fmt, ARTICLE_COLUMNS, ARTICLE_FIELDS, f"{len(items)} articles")


def search(hits: list[tuple[Article, str]], fmt: str) -> None:
    rows = [article_row(a) | {"snippet": snippet} for a, snippet in hits]
    emit(rows, fmt, SEARCH_COLUMNS, SEARCH_FIELDS, f"{len(hits)} matches")


def errors(items: list[DocError], fmt: str) -> None:
    rows = [
        {"source": e.source, "stage": e.stage, "reason": e.reason, "sha256": e.sha256}
        for e in items
    ]
    emit(rows, fmt, ERROR_COLUMNS, ERROR_FIELDS, f"{len(items)} errors")


def story(item: Story, members: list[Article], fmt: str) -> None:
    """One story: in JSON an object whose ``articles`` are the article objects (with text)."""
    if fmt != "table":
        emit_object(item.to_dict() | {"articles": [a.to_dict() for a in members]}, fmt)
        return
    out = console()
    out.print(Text.assemble((visible(item.title), "bold"), "  ", (cell(item.id), "cyan")))
    span = f"{day(iso(item.first_date))} – {day(iso(item.last_date))}"
    sources = f"{item.size} articles, {item.independent} independent"
    out.print(Text(f"{sources} · {cell(', '.join(item.languages))} · {span}\n"))
    for a in members:
        where = cell(f"[{a.lang or '?'}] {a.site or a.source}")
        joined = "founded the story" if a.story_score is None else f"joined {a.story_score:.2f}"
        copy = ("", "") if a.copy_of is None else (f" · copy of {cell(a.copy_of)}", "yellow")
        out.print(
            Text.assemble(
                (cell(a.id), "bold cyan"),
                f" {where} · {day(a.published_iso)} · ",
                (joined, "dim"),
                copy,
            )
        )
        out.print(Text.assemble("  ", (visible(a.title), "bold")), soft_wrap=True)
        lead = a.paragraphs[0] if a.paragraphs else ""
        cut = "…" if len(lead) > LEAD else ""
        out.print(Text(f"  {visible(lead[:LEAD])}{cut}\n"), soft_wrap=True)


def article(item: Article, fmt: str) -> None:
    """One article: metadata, then its clean text; in JSON one object (with ``text``)."""
    if fmt != "table":
        emit_object(item.to_dict(), fmt)
        return
    out = console()
    out.print(Text(visible(item.title), "bold"), soft_wrap=True)
    meta = {
        "id": item.id,
        "story": item.story_id,
        "lang": item.lang,
        "site": item.site,
        "published": item.published_iso,
        "author": item.author,
        "url": item.url,
        "source": item.source,
        "dateline": item.dateline.text if item.dateline else None,
        "copy of": item.copy_of,
    }
    for key, value in meta.items():
        if value:
            out.print(Text.assemble((f"{key:>9} ", "dim"), cell(value)), soft_wrap=True)
    out.print()
    for p in item.paragraphs:
        out.print(Text(visible(p) + "\n"), soft_wrap=True)


@contextmanager
def progress(disable: bool) -> Iterator[Callable[[str, RawDoc | DocError], None]]:
    """A live counter of documents on stderr (the total is unknown while reading streams)."""
    counts = {"new": 0, "duplicate": 0, "failed": 0}
    bar = Progress(
        TextColumn("[bold]ingest"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.description}", markup=False),
        TimeElapsedColumn(),
        console=console(stderr=True),
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


def ingest_summary(report: IngestReport, fmt: str, db: str, exit_code: int) -> None:
    """The counts on stdout (an object in JSON); failures, their meaning and the way to list
    them on stderr."""
    if fmt != "table":
        emit_object(report.to_dict(), fmt)
        return
    console().print(
        Text.assemble(
            f"read {report.read} · new ",
            (str(report.new), "green"),
            f" · duplicates {report.duplicates} · failed ",
            (str(report.failed), "red"),
            f" · new stories {report.new_stories}",
        )
    )
    err = console(stderr=True)
    for renamed in report.renamed[:SUMMARY_ERRORS]:
        err.print(
            Text(
                cell(
                    f"  ! {renamed.source}: id {renamed.id!r} was taken, stored as "
                    f"{renamed.stored_as!r}"
                )
            ),
            soft_wrap=True,
        )
    if report.unsupported:
        langs = ", ".join(f"{lang} {n}" for lang, n in sorted(report.unsupported.items()))
        count = sum(report.unsupported.values())
        err.print(
            Text(
                cell(
                    f"  note: {count} articles in languages storyline does not embed ({langs}): "
                    "stored and searchable, not matched across languages"
                )
            ),
            soft_wrap=True,
        )
    if not report.failed:
        return
    for error in report.errors[:SUMMARY_ERRORS]:
        err.print(
            Text.assemble(
                ("  ✗ ", "red"),
                f"{cell(error.source)}: {cell(error.reason)} ",
                (error.stage, "dim"),
            ),
            soft_wrap=True,
        )
    more = report.failed - SUMMARY_ERRORS
    shown = f" ({more} not shown)" if more > 0 else ""
    failure_note(exit_code, f"list the {report.failed} failures{shown}: storyline --db {db} errors")


def failure_note(exit_code: int, next_step: str) -> None:
    """What a batch's exit code means, and what to do next, on stderr."""
    console(stderr=True).print(
        Text(cell(f"exit {exit_code}: {EXIT_MEANING[exit_code]}; {next_step}"))
    )
