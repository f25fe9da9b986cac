"""The workspace store: one SQLite file (WAL, named migrations, FTS5) holding every record.

Only this package writes SQL: ``Store`` (here: the file, migrations, transactions, errors) and
its row mixins by noun (``articles``, ``stories``, ``mentions``, ``reprints``, ``search``).
Stage functions never see a connection; the workspace hands them records and gives their
results back here. Every write happens inside a transaction, so a crash
mid-ingest loses nothing that was committed and a rerun resumes where it stopped.

The file is marked as ours with ``PRAGMA application_id`` (``APPLICATION_ID``, "STLY") and
``PRAGMA user_version`` (the number of migrations applied). Opening a file that is neither ours,
nor empty, nor a v1 workspace (no application_id, but our ``migrations`` table with
``0001_initial``) is refused *before anything is written*: no table is added and the journal
mode is left alone. The check and the migrations run in one ``BEGIN IMMEDIATE`` transaction, so
many processes may open a new workspace at once. Read-only use (``readonly=True``) opens the
file ``mode=ro`` (``immutable=1`` when even the ``-shm`` cannot be made) and never writes.
SQLite failures that make the store itself unusable (disk full, read-only, corrupt, locked past
the busy timeout) become ``StoreError`` (exit 4) with a hint; see ``store_error``.
"""

from __future__ import annotations

import logging
import os
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote

from storyline.errors import AMBIGUOUS_SHOWN, AmbiguousId, NotFound, StoreError, WorkspaceMissing
from storyline.records import Article, DocError
from storyline.store.articles import ArticleRows
from storyline.store.failures import BUSY_TIMEOUT_MS, _guarded, is_store_failure, store_error
from storyline.store.mentions import EntitySummary
from storyline.store.rows import from_blob, now, safe_text, to_blob
from storyline.store.schema import APPLICATION_ID, MIGRATIONS, SCHEMA_VERSION, _statements
from storyline.store.search import SearchRows
from storyline.store.stories import StoryEvent, StoryRows

__all__ = [
    "APPLICATION_ID",
    "BUSY_TIMEOUT_MS",
    "MAX_REASON_CHARS",
    "MIGRATIONS",
    "SCHEMA_VERSION",
    "EntitySummary",
    "Store",
    "StoryEvent",
    "from_blob",
    "is_store_failure",
    "safe_text",
    "store_error",
    "to_blob",
]

log = logging.getLogger(__name__)

# Longest reason kept in an error row: an exception's message can carry the whole input.
MAX_REASON_CHARS = 500


class Store(StoryRows, ArticleRows, SearchRows):
    """A storyline workspace file. Use as a context manager, or call ``close()``.

    ``create=False`` refuses to make a new file: a missing path raises ``WorkspaceMissing``
    (read-only commands must never leave an empty workspace behind a typo). ``readonly=True``
    opens the file without ever writing to it (also used, with ``create=False``, when the file
    or its directory is not writable).
    """

    def __init__(self, path: str | Path, create: bool = True, readonly: bool = False) -> None:
        if str(path) == ":memory:" or str(path).startswith("file::memory:"):
            raise StoreError(
                "an in-memory workspace (:memory:) keeps nothing once the command ends: "
                "give --db a file path"
            )
        self.path = Path(path)
        exists = self.path.exists()
        if not create and not exists:
            raise WorkspaceMissing(str(path))
        if not create and not readonly and not _writable(self.path):
            readonly = True
        self.readonly = readonly
        try:
            self.conn = self._connect(readonly)
            if readonly and self._kind() != "new" and self._pending() and _writable(self.path):
                self.conn.close()  # a v1 workspace: upgrade it once, then read
                self.conn = self._connect(readonly=False)
                self.readonly = False
            if self.readonly:
                self._check_readonly()
            else:
                self.migrate()
                self._use_wal()
        except sqlite3.DatabaseError as exc:
            if hasattr(self, "conn"):
                self.conn.close()
            raise store_error(exc, self.path) from exc
        except StoreError:
            self.conn.close()
            raise

    def _connect(self, readonly: bool) -> sqlite3.Connection:
        if readonly:
            uri = "file:" + quote(str(self.path.resolve())) + "?mode=ro"
            conn = sqlite3.connect(uri, uri=True, isolation_level=None, check_same_thread=False)
            try:
                conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
            except sqlite3.OperationalError:
                # A WAL file in a directory where not even the -shm can be made: nobody can
                # be writing it, so read it as immutable.
                conn.close()
                uri = "file:" + quote(str(self.path.resolve())) + "?mode=ro&immutable=1"
                conn = sqlite3.connect(uri, uri=True, isolation_level=None, check_same_thread=False)
        else:
            conn = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
        conn.row_factory = sqlite3.Row
        conn.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        if not readonly:
            conn.execute("PRAGMA synchronous=NORMAL")
            conn.execute("PRAGMA foreign_keys=ON")
        return conn

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self.conn.close()

    @property
    def files(self) -> tuple[Path, ...]:
        """The workspace's own files: the database and its -wal, -shm and -journal companions."""
        base = self.path.resolve()
        return (base, *(base.with_name(base.name + s) for s in ("-wal", "-shm", "-journal")))

    # -- transactions and migrations ---------------------------------------------------------

    def transaction(self) -> _Transaction:
        """A write transaction (``BEGIN IMMEDIATE``): committed on success, rolled back on an
        exception; a SQLite failure of the store itself comes out as ``StoreError``."""
        return _Transaction(self.conn, self.path)

    @contextmanager
    def savepoint(self) -> Iterator[None]:
        """One document's writes inside the current transaction: undone alone if they fail."""
        self.conn.execute("SAVEPOINT doc")
        try:
            yield
        except BaseException:
            if self.conn.in_transaction:
                self.conn.execute("ROLLBACK TO doc")
                self.conn.execute("RELEASE doc")
            raise
        self.conn.execute("RELEASE doc")

    def _use_wal(self) -> None:
        """Switch the file to WAL once (the mode is kept in the file). Changing the journal
        mode needs the file to itself and SQLite does not always wait for that through the busy
        handler, so processes racing to open a new file retry here within the busy timeout."""
        deadline = time.monotonic() + BUSY_TIMEOUT_MS / 1000
        pause = 0.005
        while True:
            try:
                if self.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal":
                    return
                self.conn.execute("PRAGMA journal_mode=WAL")
                return
            except sqlite3.OperationalError as exc:
                if "locked" not in str(exc) or time.monotonic() > deadline:
                    raise
                time.sleep(pause)
                pause = min(pause * 2, 0.2)

    def _kind(self) -> str:
        """``ours``, ``v1`` or ``new`` (an empty database); raises for anybody else's file."""
        app = self.conn.execute("PRAGMA application_id").fetchone()[0]
        if app == APPLICATION_ID:
            return "ours"
        tables = {r[0] for r in self.conn.execute("SELECT name FROM sqlite_master")}
        if app == 0 and not tables:
            return "new"
        if app == 0 and "migrations" in tables:
            names = {r[0] for r in self.conn.execute("SELECT name FROM migrations")}
            if "0001_initial" in names:
                return "v1"
        shown = ", ".join(sorted(tables)[:5]) or "none"
        raise StoreError(
            f"{str(self.path)!r} is a SQLite database but not a storyline workspace "
            f"(application_id {app}, tables: {shown}): refusing to change it; "
            "give --db another path"
        )

    def _pending(self) -> list[str]:
        if self._kind() == "new":
            return [name for name, _ in MIGRATIONS]
        tables = {r[0] for r in self.conn.execute("SELECT name FROM sqlite_master")}
        done = (
            {r[0] for r in self.conn.execute("SELECT name FROM migrations")}
            if "migrations" in tables
            else set()
        )
        return [name for name, _ in MIGRATIONS if name not in done]

    def _check_readonly(self) -> None:
        if self._kind() == "new":  # an empty file: a read must not turn it into a workspace
            raise WorkspaceMissing(str(self.path))
        pending = self._pending()
        if pending:
            raise StoreError(
                f"workspace {str(self.path)!r} was made by an older storyline and needs "
                f"upgrading ({', '.join(pending)}), but it is read-only here: run any write "
                "command on a writable copy first"
            )

    def migrate(self) -> list[str]:
        """Apply pending migrations. The check and every migration run in one ``BEGIN
        IMMEDIATE`` transaction, so processes racing to open a new file queue instead of
        colliding. Returns the names applied now."""
        self._kind()  # refuse a foreign file before taking any lock on it
        with self.transaction():
            self._kind()
            self.conn.execute(
                "CREATE TABLE IF NOT EXISTS migrations (name TEXT PRIMARY KEY, applied_at TEXT)"
            )
            done = {row[0] for row in self.conn.execute("SELECT name FROM migrations")}
            applied = []
            for name, sql in MIGRATIONS:
                if name in done:
                    continue
                for statement in _statements(sql):
                    self.conn.execute(statement)
                self.conn.execute("INSERT INTO migrations VALUES (?, ?)", (name, now()))
                applied.append(name)
            if applied or self.conn.execute("PRAGMA application_id").fetchone()[0] == 0:
                self.conn.execute(f"PRAGMA application_id={APPLICATION_ID}")
                self.conn.execute(f"PRAGMA user_version={SCHEMA_VERSION}")
        return applied

    def data_version(self) -> int:
        """Changes whenever *another* connection commits (``PRAGMA data_version``)."""
        version: int = self.conn.execute("PRAGMA data_version").fetchone()[0]
        return version

    # -- writes -------------------------------------------------------------------------------

    def has_error(self, error: DocError) -> bool:
        row = self.conn.execute(
            "SELECT 1 FROM errors WHERE source = ? AND sha256 IS ? AND stage = ?",
            (safe_text(error.source), error.sha256, error.stage),
        ).fetchone()
        return row is not None

    def add_error(self, error: DocError) -> None:
        self.conn.execute(
            "INSERT OR IGNORE INTO errors (source, sha256, stage, reason, at) "
            "VALUES (?, ?, ?, ?, ?)",
            (
                safe_text(error.source),
                error.sha256,
                error.stage,
                safe_text(error.reason[:MAX_REASON_CHARS]),
                now(),
            ),
        )

    # -- reads --------------------------------------------------------------------------------

    @_guarded
    def search(self, query: str, limit: int = 20, offset: int = 0) -> list[tuple[Article, str]]:
        """Full-text search: (article, snippet) pairs, best first (see ``store.search``)."""
        return self._search(query, limit, offset)

    @_guarded
    def errors(self, limit: int | None = None, offset: int = 0) -> list[DocError]:
        """Error rows in the order they were recorded; ``limit``/``offset`` page through them."""
        rows = self.conn.execute(
            "SELECT source, reason, stage, sha256 FROM errors ORDER BY id LIMIT ? OFFSET ?",
            (-1 if limit is None else limit, offset),
        )
        return [
            DocError(source=r["source"], reason=r["reason"], stage=r["stage"], sha256=r["sha256"])
            for r in rows
        ]

    # -- filtered reads and id prefixes (the CLI's listings) ---------------------------------

    def resolve_id(self, kind: str, prefix: str) -> str:
        """The whole ``story`` or ``article`` id that ``prefix`` starts (an exact id wins; a
        story id merged away stands for the story it was merged into).

        Raises ``NotFound`` when none matches and ``AmbiguousId`` (listing them) when several do.
        """
        table = {"story": "stories", "article": "articles"}[kind]
        exact = self.conn.execute(f"SELECT id FROM {table} WHERE id = ?", (prefix,)).fetchone()
        if exact is not None:
            return str(exact[0])
        if kind == "story" and self.resolve_story(prefix) != prefix:
            return self.resolve_story(prefix)
        # Ids sort after their prefixes: an index range scan, then a check in Python.
        rows = self.conn.execute(
            f"SELECT id FROM {table} WHERE id >= ? ORDER BY id LIMIT ?",
            (prefix, AMBIGUOUS_SHOWN + 1),
        )
        found = [row[0] for row in rows if row[0].startswith(prefix)]
        if len(found) == 1:
            return str(found[0])
        if found:
            raise AmbiguousId(kind, prefix, found)
        listing = "stories" if kind == "story" else "articles"
        raise NotFound(f"no {kind} {prefix!r}: list them with `storyline {listing}`")

    @_guarded
    def error_count(self) -> int:
        count: int = self.conn.execute("SELECT count(*) FROM errors").fetchone()[0]
        return count

    @_guarded
    def counts(self) -> dict[str, int]:
        out = {}
        for table in ("raw_docs", "articles", "stories", "errors"):
            out[table] = self.conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
        return out


class _Transaction:
    def __init__(self, conn: sqlite3.Connection, path: Path) -> None:
        self.conn = conn
        self.path = path

    def __enter__(self) -> None:
        try:
            self.conn.execute("BEGIN IMMEDIATE")
        except sqlite3.DatabaseError as exc:
            raise store_error(exc, self.path) from exc

    def __exit__(self, exc_type: object, exc: BaseException | None, tb: object) -> None:
        if exc is not None:
            if self.conn.in_transaction:  # SQLite may have rolled back already (disk full)
                self.conn.execute("ROLLBACK")
            if isinstance(exc, sqlite3.DatabaseError) and is_store_failure(exc):
                raise store_error(exc, self.path) from exc
            return
        try:
            self.conn.execute("COMMIT")
        except sqlite3.DatabaseError as failure:
            if self.conn.in_transaction:
                self.conn.execute("ROLLBACK")
            raise store_error(failure, self.path) from failure


def _writable(path: Path) -> bool:
    """Whether we may write ``path`` (or create it) and the WAL files beside it."""
    folder = path.resolve().parent
    if not os.access(folder, os.W_OK):
        return False
    return not path.exists() or os.access(path, os.W_OK)
