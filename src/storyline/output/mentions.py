"""What the who/where/when commands show: a story's timeline and entities, one entity's
stories and events, and the reprocess run. Scraped text reaches a terminal only through
``cell`` / ``visible`` (rich ``Text``, never markup)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.text import Text

from storyline.output.listing import Column, console, emit, emit_object
from storyline.output.text import cell
from storyline.output.views import STORY_COLUMNS
from storyline.records import TimelineEvent

if TYPE_CHECKING:  # browse and the store are heavy; the CLI loads this module always
    from storyline.browse import EntityReport
    from storyline.store import EntitySummary

TIMELINE_COLUMNS = (
    Column("date", width=10),
    Column("planned", width=7, show=lambda v: "planned" if v else ""),
    Column("sources", width=24, wide=True),
    Column("names", width=30),
    Column("text"),
)
TIMELINE_FIELDS = (
    "date",
    "granularity",
    "planned",
    "year_known",
    "text",
    "sources",
    "articles",
    "languages",
    "entities",
    "places",
    "evidence",
)
ENTITY_COLUMNS = (
    Column("id", whole=True, style="cyan"),
    Column("type", width=4),
    Column("mentions", width=8, right=True),
    Column("articles", width=8, right=True, show=lambda v: str(len(v or ()))),
    Column("languages", width=11),
    Column("country", width=7),
    Column("name"),
)
ENTITY_FIELDS = ("id", "name", "type", "mentions", "articles", "languages", "country", "lat", "lon")


def timeline(events: list[TimelineEvent], fmt: str) -> None:
    rows = [_row(e.to_dict(), fmt) for e in events]
    emit(rows, fmt, TIMELINE_COLUMNS, TIMELINE_FIELDS, f"{len(events)} events")


def _row(event: dict[str, Any], fmt: str) -> dict[str, Any]:
    """A table shows the entities' names; machine formats keep the objects only."""
    if fmt != "table":
        return event
    return event | {"names": [e["name"] for e in event["entities"]]}


def entities(items: list[EntitySummary], fmt: str) -> None:
    rows = [e.to_dict() for e in items]
    emit(rows, fmt, ENTITY_COLUMNS, ENTITY_FIELDS, f"{len(items)} entities")


def entity(report: EntityReport, fmt: str) -> None:
    """One object in JSON; on a terminal or a pipe the entities, stories and events listed."""
    if fmt != "table":
        emit_object(report.to_dict(), fmt)
        return
    entities(report.entities, fmt)
    emit(
        [s.to_dict() for s in report.stories],
        fmt,
        STORY_COLUMNS,
        (),
        f"{len(report.stories)} stories",
    )
    rows = [_row(e.to_dict(), fmt) | {"story": story} for story, e in report.events]
    columns = (Column("story", whole=True, style="cyan"), *TIMELINE_COLUMNS)
    emit(rows, fmt, columns, (), f"{len(rows)} events")


@contextmanager
def reprocess_progress(disable: bool) -> Iterator[Callable[[int, int], None]]:
    """A bar of articles annotated out of those to do, on stderr."""
    bar = Progress(
        TextColumn("[bold]reprocess"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console(stderr=True),
        disable=disable,
        transient=True,
    )

    def advance(done: int, total: int) -> None:
        bar.update(task, completed=done, total=total)

    with bar:
        task = bar.add_task("", total=None)
        yield advance


def reprocessed(count: int, version: str, fmt: str) -> None:
    if fmt != "table":
        emit_object({"reprocessed": count, "mentions": version}, fmt)
        return
    console().print(Text(cell(f"reprocessed {count} articles (mentions {version})")))
