"""The ``storyline`` command: a thin adapter over the library (parse, call, format)."""

from __future__ import annotations

import sys
from collections.abc import Sequence

import click

from storyline import output
from storyline.errors import EXIT_ALL_FAILED, EXIT_SOME_FAILED, StorylineError
from storyline.workspace import Workspace

FORMATS = click.Choice(["table", "json", "jsonl"])
format_option = click.option(
    "--format", "fmt", type=FORMATS, default="table", show_default=True, help="Output format."
)


class Context:
    def __init__(self, db: str) -> None:
        self.db = db

    def workspace(self, create: bool = False) -> Workspace:
        """The workspace; only commands that write (``ingest``) may create it."""
        return Workspace(self.db, create=create)


class _Failure(click.ClickException):
    """A library error shown as ``Error: ...`` with the exit code its class carries."""

    def __init__(self, error: StorylineError) -> None:
        super().__init__(str(error))
        self.exit_code = error.exit_code  # type: ignore[misc]  # click reads it per instance


class _Group(click.Group):
    def invoke(self, ctx: click.Context) -> object:
        try:
            return super().invoke(ctx)
        except StorylineError as exc:
            raise _Failure(exc) from exc


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--db",
    default="storyline.db",
    show_default=True,
    envvar="STORYLINE_DB",
    help="Workspace file (SQLite).",
)
@click.version_option(package_name="storyline")
@click.pass_context
def cli(ctx: click.Context, db: str) -> None:
    """Turn raw news pages into stories across outlets and languages."""
    ctx.obj = Context(db)


@cli.command()
@click.argument("paths", nargs=-1, required=True)
@click.option("--quiet", "-q", is_flag=True, help="No progress bar.")
@click.option("--include", multiple=True, metavar="GLOB", help="In directories, read only these.")
@click.option("--exclude", multiple=True, metavar="GLOB", help="In directories, skip these.")
@format_option
@click.pass_obj
def ingest(
    obj: Context,
    paths: Sequence[str],
    quiet: bool,
    include: Sequence[str],
    exclude: Sequence[str],
    fmt: str,
) -> None:
    """Read pages (files, directories, globs, - for stdin), clean, embed and cluster them."""
    bar = output.progress(disable=quiet or fmt != "table")
    with obj.workspace(create=True) as ws, bar as advance:
        report = ws.ingest(
            paths, stdin=sys.stdin.buffer, progress=advance, include=include, exclude=exclude
        )
    output.ingest_summary(report, fmt, db=obj.db)
    if report.failed:
        sys.exit(EXIT_SOME_FAILED if report.new or report.duplicates else EXIT_ALL_FAILED)


@cli.command()
@click.option("--limit", type=int, default=None, help="Show at most this many stories.")
@click.option("--min-size", type=int, default=1, show_default=True, help="Smallest story shown.")
@format_option
@click.pass_obj
def stories(obj: Context, limit: int | None, min_size: int, fmt: str) -> None:
    """List stories, largest first."""
    with obj.workspace() as ws:
        output.stories(ws.stories(limit=limit, min_size=min_size), fmt)


@cli.command()
@click.argument("story_id")
@format_option
@click.pass_obj
def show(obj: Context, story_id: str, fmt: str) -> None:
    """Show one story and its articles."""
    with obj.workspace() as ws:
        output.story(ws.story(story_id), ws.articles(story_id), fmt)


@cli.command()
@click.argument("query")
@click.option("--limit", type=int, default=20, show_default=True)
@format_option
@click.pass_obj
def search(obj: Context, query: str, limit: int, fmt: str) -> None:
    """Full-text search over article titles and text (SQLite FTS5 syntax)."""
    with obj.workspace() as ws:
        output.search(ws.search(query, limit=limit), fmt)


@cli.command()
@format_option
@click.pass_obj
def errors(obj: Context, fmt: str) -> None:
    """List the documents that could not be ingested, with the reason."""
    with obj.workspace() as ws:
        output.errors(ws.errors(), fmt)


@cli.command()
@click.argument("paths", nargs=-1, required=True)
@format_option
def extract(paths: Sequence[str], fmt: str) -> None:
    """Print the cleaned article(s) of pages without storing anything."""
    from storyline.pipeline import clean_documents

    failed = output.extracted(clean_documents(paths, stdin=sys.stdin.buffer), fmt)
    if failed:
        sys.exit(EXIT_SOME_FAILED)


def main(argv: Sequence[str] | None = None) -> None:
    cli.main(args=argv, prog_name="storyline")
