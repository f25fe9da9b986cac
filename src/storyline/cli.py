"""The ``storyline`` command: a thin adapter over the library (parse, call, format).

Global options (``--db``, ``-v``, ``-q``) go before the command; ``--db`` is also accepted
after it (``storyline stories --db demo.db``). Logging is configured here and only here: the
``storyline`` logger writes to stderr, at WARNING by default, INFO with ``-v``, DEBUG with
``-vv`` and ERROR with ``-q``.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from storyline import output
from storyline.errors import EXIT_ALL_FAILED, EXIT_SOME_FAILED, StorylineError
from storyline.export import EXPORT_FORMATS, KINDS
from storyline.output import compare as compare_view
from storyline.output.compare import COMPARE_FORMATS

if TYPE_CHECKING:
    # Imported when a command opens one: the workspace pulls in the store, the matcher and the
    # clusterer, which ``extract`` and ``--help`` do not need (a fast cold start).
    from storyline.workspace import Workspace

F = TypeVar("F", bound=Callable[..., Any])

DEFAULT_DB = "storyline.db"

log = logging.getLogger(__name__)


PIPED_TABLE = "Output format (table is tab-separated when stdout is not a terminal)."


def format_option(
    choices: Sequence[str] = output.LISTING_FORMATS, help: str = PIPED_TABLE
) -> Callable[[F], F]:
    return click.option(
        "--format",
        "fmt",
        type=click.Choice(list(choices)),
        default="table",
        show_default=True,
        help=help,
    )


def _late_db(ctx: click.Context, _param: click.Parameter, value: str | None) -> None:
    if value is not None:
        ctx.find_object(Context).db = value  # type: ignore[union-attr]


def db_option(command: F) -> F:
    """``--db`` after the command name: overrides the one before it (and STORYLINE_DB)."""
    return click.option(
        "--db",
        callback=_late_db,
        expose_value=False,
        is_eager=True,
        help="Workspace file (also accepted before the command).",
    )(command)


class Context:
    def __init__(self, db: str, quiet: bool) -> None:
        self.db = db
        self.quiet = quiet

    def workspace(self, create: bool = False, write: bool = False) -> Workspace:
        """The workspace; only ``ingest`` may create it; ``write`` opens an existing one for
        writing (``reprocess``); the others open it read-only (they never write)."""
        from storyline.workspace import Workspace

        log.debug("workspace %s (create=%s)", self.db, create)
        return Workspace(self.db, create=create, readonly=not (create or write))


class _Failure(click.ClickException):
    """A library error shown as ``Error: ...`` with the exit code its class carries."""

    def __init__(self, error: StorylineError) -> None:
        super().__init__(str(error))
        self.exit_code = error.exit_code  # type: ignore[misc]  # click reads it per instance

    def show(self, file: Any = None) -> None:
        # click prints the message raw: make scraped text in it (ids, paths) visible instead.
        click.echo(f"Error: {output.text.visible(self.format_message())}", err=True)


class _Group(click.Group):
    def invoke(self, ctx: click.Context) -> object:
        try:
            return super().invoke(ctx)
        except StorylineError as exc:
            raise _Failure(exc) from exc


def _configure_logging(verbose: int, quiet: bool) -> None:
    level = logging.ERROR if quiet else [logging.WARNING, logging.INFO][min(verbose, 1)]
    level = logging.DEBUG if verbose > 1 else level
    logger = logging.getLogger("storyline")
    for handler in list(logger.handlers):
        logger.removeHandler(handler)
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("storyline: %(levelname)s: %(message)s"))
    logger.addHandler(handler)
    logger.setLevel(level)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--db",
    default=DEFAULT_DB,
    show_default=True,
    envvar="STORYLINE_DB",
    help="Workspace file (SQLite); env STORYLINE_DB.",
)
@click.option("-v", "--verbose", count=True, help="More log messages on stderr (-vv: debug).")
@click.option("-q", "--quiet", is_flag=True, help="Only errors on stderr; no progress bar.")
@click.version_option(package_name="storyline")
@click.pass_context
def cli(ctx: click.Context, db: str, verbose: int, quiet: bool) -> None:
    """Turn raw news pages into stories across outlets and languages.

    Exit codes: 0 ok, 1 internal error, 2 usage / missing input, 3 not found, 4 workspace
    unusable, 5 missing optional dependency, 6 no workspace at --db, 10 some documents failed,
    11 every document failed.
    """
    _configure_logging(verbose, quiet)
    ctx.obj = Context(db, quiet)


PUBLISHED_HELP = (
    "Publication date (ISO 8601, e.g. 2022-01-28) for inputs without their own; "
    'a NAME.meta.json sidecar with {"published": ...} sets it per file.'
)


@cli.command()
@click.argument("paths", nargs=-1, required=True)
@click.option("--quiet", "-q", is_flag=True, help="No progress bar.")
@click.option("--published", metavar="ISO_DATE", help=PUBLISHED_HELP)
@click.option("--include", multiple=True, metavar="GLOB", help="In directories, read only these.")
@click.option("--exclude", multiple=True, metavar="GLOB", help="In directories, skip these.")
@click.option(
    "--workers",
    type=click.IntRange(min=1),
    help="Processes that clean and embed pages (default: one per core; 1: no pool).",
)
@format_option(("table", "json", "jsonl"))
@db_option
@click.pass_obj
def ingest(
    obj: Context,
    paths: Sequence[str],
    quiet: bool,
    include: Sequence[str],
    exclude: Sequence[str],
    published: str | None,
    workers: int | None,
    fmt: str,
) -> None:
    """Read pages (files, directories, globs, - for stdin), clean, embed and cluster them."""
    bar = output.progress(disable=quiet or obj.quiet or fmt != "table")
    with obj.workspace(create=True) as ws, bar as advance:
        report = ws.ingest(
            paths,
            stdin=sys.stdin.buffer,
            progress=advance,
            include=include,
            exclude=exclude,
            published=published,
            workers=workers,
        )
    code = 0
    if report.failed:
        code = EXIT_SOME_FAILED if report.new or report.duplicates else EXIT_ALL_FAILED
    output.ingest_summary(report, fmt, db=obj.db, exit_code=code)
    sys.exit(code)


def _window(command: F) -> F:
    """The filters ``stories`` and ``articles`` share."""
    for option in (
        click.option("--site", help="Only with articles from this site (case-insensitive)."),
        click.option("--lang", help="Only with articles in this language (ISO 639-1)."),
        click.option("--until", help="Up to this date (ISO 8601; a bare day is inclusive)."),
        click.option("--since", help="From this date (ISO 8601, UTC unless an offset is given)."),
    ):
        command = option(command)
    return command


@cli.command()
@click.option("--limit", type=int, default=None, help="Show at most this many stories.")
@click.option("--min-size", type=int, default=1, show_default=True, help="Smallest story shown.")
@_window
@format_option()
@db_option
@click.pass_obj
def stories(
    obj: Context, /, limit: int | None, min_size: int, fmt: str, **window: str | None
) -> None:
    """List stories, largest first."""
    with obj.workspace() as ws:
        output.stories(ws.stories(limit=limit, min_size=min_size, **window), fmt)


@cli.command()
@click.argument("story_id")
@format_option(("table", "json", "jsonl"))
@db_option
@click.pass_obj
def show(obj: Context, story_id: str, fmt: str) -> None:
    """Show one story (id or unique prefix) and its articles."""
    with obj.workspace() as ws:
        item = ws.story(story_id)
        output.story(item, ws.articles(item.id), fmt)


@cli.command()
@click.option("--story", "story_id", help="Only this story's articles (id or prefix).")
@click.option("--limit", type=int, default=None, help="Show at most this many articles.")
@_window
@format_option()
@db_option
@click.pass_obj
def articles(
    obj: Context, /, story_id: str | None, limit: int | None, fmt: str, **window: str | None
) -> None:
    """List articles in publication order."""
    with obj.workspace() as ws:
        output.articles(ws.articles(story_id, limit=limit, **window), fmt)


@cli.command()
@click.argument("article_id")
@format_option(("table", "json", "jsonl"))
@db_option
@click.pass_obj
def article(obj: Context, article_id: str, fmt: str) -> None:
    """Show one article (id or unique prefix): metadata and clean text."""
    with obj.workspace() as ws:
        output.article(ws.article(article_id), fmt)


@cli.command()
@click.argument("query")
@click.option("--limit", type=int, default=20, show_default=True)
@format_option()
@db_option
@click.pass_obj
def search(obj: Context, query: str, limit: int, fmt: str) -> None:
    """Full-text search over article titles and text (SQLite FTS5 syntax)."""
    with obj.workspace() as ws:
        output.search(ws.search(query, limit=limit), fmt)


@cli.command()
@format_option()
@db_option
@click.pass_obj
def errors(obj: Context, fmt: str) -> None:
    """List the documents that could not be ingested, with the reason."""
    with obj.workspace() as ws:
        output.errors(ws.errors(), fmt)


@cli.command()
@click.argument("paths", nargs=-1)
@click.option(
    "-o",
    "--output",
    "out_dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Write one file per input into this directory instead of stdout.",
)
@click.option("--published", metavar="ISO_DATE", help=PUBLISHED_HELP)
@format_option(
    output.EXTRACT_FORMATS,
    help="Output format; table shows control characters escaped, txt / markdown are exact "
    "unless stdout is a terminal.",
)
def extract(paths: Sequence[str], out_dir: Path | None, published: str | None, fmt: str) -> None:
    """Print the cleaned article(s) of pages without storing anything (stdin without PATHS)."""
    from storyline.pipeline import clean_documents

    full = fmt in output.FULL_FORMATS  # the other formats show no mentions: skip their models
    results = clean_documents(
        paths or ["-"], stdin=sys.stdin.buffer, published=published, full=full
    )
    if out_dir is None:
        done, failed = output.extracted(results, fmt)
    else:
        done, failed = output.extracted_to(results, fmt, out_dir)
    if failed:
        code = EXIT_SOME_FAILED if done else EXIT_ALL_FAILED
        output.failure_note(code, f"{failed} of {done + failed} inputs could not be cleaned")
        sys.exit(code)


@cli.command()
@click.argument("story_id")
@format_option()
@db_option
@click.pass_obj
def timeline(obj: Context, story_id: str, fmt: str) -> None:
    """A story's dated events (id or unique prefix), with every source that reports each."""
    with obj.workspace() as ws:
        output.mentions.timeline(ws.timeline(story_id), fmt)


@cli.command()
@click.argument("story_id")
@format_option(COMPARE_FORMATS)
@db_option
@click.pass_obj
def compare(obj: Context, story_id: str, fmt: str) -> None:
    """What each source of a story states: its facts, who states each, who does not."""
    with obj.workspace() as ws:
        compare_view.comparison(ws.compare(story_id), fmt)


@cli.command()
@click.argument("story_id")
@format_option()
@db_option
@click.pass_obj
def entities(obj: Context, story_id: str, fmt: str) -> None:
    """The people, organisations and places of a story, most mentioned first."""
    with obj.workspace() as ws:
        output.mentions.entities(ws.entities(story_id), fmt)


@cli.command()
@click.argument("name")
@format_option(("table", "json", "jsonl"))
@db_option
@click.pass_obj
def entity(obj: Context, name: str, fmt: str) -> None:
    """Every story and dated event of one entity, by its name in any language (or its id)."""
    with obj.workspace() as ws:
        output.mentions.entity(ws.entity(name), fmt)


@cli.command()
@click.option("--quiet", "-q", is_flag=True, help="No progress bar.")
@format_option(("table", "json", "jsonl"))
@db_option
@click.pass_obj
def reprocess(obj: Context, quiet: bool, fmt: str) -> None:
    """Find entities and dates again in every stored article made by another version of the
    stage (e.g. a workspace from before it existed); ingest does it too, at its end."""
    from storyline.pipeline import mentions_version

    bar = output.mentions.reprocess_progress(disable=quiet or obj.quiet or fmt != "table")
    with obj.workspace(create=False, write=True) as ws, bar as advance:
        count = ws.reprocess(progress=advance)
    output.mentions.reprocessed(count, mentions_version(), fmt)


@cli.command()
@click.argument("article_id")
@click.argument("other_id")
@format_option(("table", "json", "jsonl"))
@db_option
@click.pass_obj
def why(obj: Context, article_id: str, other_id: str, fmt: str) -> None:
    """Why an article and another article, or a story, are (not) one story: the matcher's
    features, what each contributes, and the score against the join threshold."""
    with obj.workspace() as ws:
        output.matching.why(ws.why(article_id, other_id), fmt)


@cli.command()
@click.argument("name", required=False)
@click.argument("value", required=False)
@click.option("--reset", is_flag=True, help="Put NAME back to its calibrated default.")
@format_option(("table", "json", "jsonl", "csv", "tsv"))
@db_option
@click.pass_obj
def config(obj: Context, name: str | None, value: str | None, reset: bool, fmt: str) -> None:
    """Show this workspace's settings, or pin one: ``storyline config window_days 7``."""
    if name is not None and value is None and not reset:
        raise click.UsageError(f"give a value for {name} (or --reset)")
    with obj.workspace(create=False, write=name is not None) as ws:
        if name is not None:
            try:
                ws.configure(name, None if reset else value)
            except (KeyError, ValueError) as exc:
                raise click.BadParameter(str(exc).strip("'\""), param_hint="NAME/VALUE") from None
        output.matching.config(ws.settings, fmt)


@cli.command()
@click.option(
    "--to",
    "directory",
    required=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="Directory to write into (made if missing).",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(list(EXPORT_FORMATS)),
    default="parquet",
    show_default=True,
)
@click.option(
    "--kind", "kinds", multiple=True, help=f"Only these record kinds ({', '.join(KINDS)})."
)
@db_option
@click.pass_obj
def export(obj: Context, directory: Path, fmt: str, kinds: Sequence[str]) -> None:
    """Write articles, stories and errors as files (with schema.json) for other tools."""
    with obj.workspace() as ws:
        for path in ws.export(directory, fmt, kinds or None):
            click.echo(output.text.visible(str(path)))


@cli.command()
@click.option(
    "--pairs",
    "pairs_file",
    required=True,
    type=click.File("rb"),
    help="JSON Lines of {pair_id, text1, text2} (+ lang1/2, title1/2, published1/2); - for stdin.",
)
def similarity(pairs_file: Any) -> None:
    """Same-story score in [0, 1] of each pair of texts: one {pair_id, score} line per pair on
    stdout; a bad line gives an error line on stderr and the rest go on."""
    from storyline.match.pairs import score_lines

    failed = done = 0
    for result in score_lines(pairs_file):
        click.echo(output.text.dumps(result.to_dict()), err=result.error is not None)
        failed += result.error is not None
        done += result.error is None
    if failed:
        sys.exit(EXIT_SOME_FAILED if done else EXIT_ALL_FAILED)


# Loopback only unless asked: the app has no login, and the workspace may hold private data.
SERVE_HOST = "127.0.0.1"
SERVE_PORT = 8000
# Processes by default: a page's Python holds one core, and two analysts' requests (or one
# page's story and its comparison) should not wait for each other.
SERVE_WORKERS = 2


@cli.command()
@db_option
@click.option("--host", default=SERVE_HOST, show_default=True, help="Address to listen on.")
@click.option("--port", default=SERVE_PORT, show_default=True, type=click.IntRange(0, 65535))
@click.option(
    "--workers",
    type=click.IntRange(1, 64),
    default=None,
    help="Server processes (each with its own caches) [default: 2, or 1 on one core].",
)
@click.pass_obj
def serve(obj: Context, host: str, port: int, workers: int | None) -> None:
    """The web app and JSON API over the workspace, read-only (see README, *Web app*)."""
    import os

    import uvicorn

    from storyline.web import create_app
    from storyline.web.app import DB_VARIABLE, one_blas_thread

    processes = workers or min(SERVE_WORKERS, os.cpu_count() or 1)
    app = create_app(obj.db, warm=processes == 1)  # fails now (exit 6) without a workspace
    click.echo(
        f"storyline: serving {obj.db} on http://{host}:{port}/ with {processes} "
        f"process{'es' if processes > 1 else ''} (Ctrl-C stops)",
        err=True,
    )
    if processes == 1:
        one_blas_thread()
        uvicorn.run(app, host=host, port=port, log_level="warning")
        return
    app.state.site.close()  # each worker opens its own
    os.environ[DB_VARIABLE] = str(Path(obj.db).resolve())
    uvicorn.run(
        "storyline.web.app:from_environment",
        factory=True,
        host=host,
        port=port,
        workers=processes,
        log_level="warning",
    )


def main(argv: Sequence[str] | None = None) -> None:
    cli.main(args=argv, prog_name="storyline")
