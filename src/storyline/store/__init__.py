"""The workspace store: one SQLite file (WAL, named migrations, FTS5) holding every record.

Only this module writes SQL. Stage functions never see a connection; the workspace hands them
records and gives their results back here. Every write happens inside a transaction, so a crash
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

import json
import logging
import os
import sqlite3
import time
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import Any
from urllib.parse import quote

from storyline.errors import (
    AMBIGUOUS_SHOWN,
    AmbiguousId,
    InputError,
    NotFound,
    StoreError,
    WorkspaceMissing,
)
from storyline.language import UNSPACED_SCRIPTS
from storyline.query import STORY_ORDERS, Filters
from storyline.records import Article, DocError, Embedding, RawDoc, Story
from storyline.store.failures import BUSY_TIMEOUT_MS, _guarded, is_store_failure, store_error
from storyline.store.mentions import IN_BATCH, EntitySummary, MentionRows
from storyline.store.reprints import ReprintRows
from storyline.store.rows import (
    ARTICLE_COLUMNS,
    PUBLISHED_ORDER,
    _article,
    _iso,
    _story,
    from_blob,
    int8_blob,
    now,
    safe_text,
    sentence_blob,
    sentences_json,
    sentences_of_row,
    to_blob,
)
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

# Stories filtered by entities come from the entity index (the stories of their mentions) while
# the entities have fewer mentions than this, else from the stories in the listing's order,
# each checked for a mention. On the 100,000-article web bench workspace: an entity with 260 to
# 3,000 mentions, 3-21 ms from the index against 160-1,150 ms walking the stories; Macron's
# 102,912 mentions, 479 ms from the index against 301 ms walking.
DRIVE_BY_STORIES = 20_000
# Longest reason kept in an error row: an exception's message can carry the whole input.
MAX_REASON_CHARS = 500


class Store(StoryRows, MentionRows, ReprintRows, SearchRows):
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

    @contextmanager
    def snapshot(self) -> Iterator[None]:
        """Several reads that see one committed state (no torn reads while an ingest writes)."""
        if self.conn.in_transaction:
            yield
            return
        self.conn.execute("BEGIN")
        try:
            yield
        finally:
            if self.conn.in_transaction:
                self.conn.execute("COMMIT")

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

    def has_raw(self, sha256: str) -> bool:
        row = self.conn.execute("SELECT 1 FROM raw_docs WHERE sha256 = ?", (sha256,)).fetchone()
        return row is not None

    def has_error(self, error: DocError) -> bool:
        row = self.conn.execute(
            "SELECT 1 FROM errors WHERE source = ? AND sha256 IS ? AND stage = ?",
            (safe_text(error.source), error.sha256, error.stage),
        ).fetchone()
        return row is not None

    def add_raw(self, raw: RawDoc) -> None:
        self.conn.execute(
            "INSERT OR IGNORE INTO raw_docs VALUES (?, ?, ?, ?, ?, ?, ?)",
            (
                raw.sha256,
                safe_text(raw.source),
                raw.fmt,
                raw.url,
                _iso(raw.fetched_at),
                len(raw.data),
                now(),
            ),
        )

    def add_article(self, article: Article, embedding: Embedding) -> str:
        """Store an article and its vectors; returns the id used (made unique if taken)."""
        article_id = article.id
        if self.conn.execute("SELECT 1 FROM articles WHERE id = ?", (article_id,)).fetchone():
            article_id = f"{article.id}~{article.raw_sha256[:8]}"
        dateline = None
        if article.dateline is not None:
            d = article.dateline
            dateline = json.dumps(
                {"text": d.text, "place": d.place, "date": _iso(d.date), "agency": d.agency}
            )
        self.conn.execute(
            "INSERT INTO articles (id, raw_sha256, source, url, title, text, paragraphs, "
            "published, site, author, dateline, lang, paragraph_langs, mixed_lang, extractor, "
            "ingested_at, unspaced) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                article_id,
                article.raw_sha256,
                safe_text(article.source),
                article.url,
                article.title,
                article.text,
                json.dumps(list(article.paragraphs), ensure_ascii=False),
                article.published_iso,
                article.site,
                article.author,
                dateline,
                article.lang,
                json.dumps(list(article.paragraph_langs)),
                int(article.mixed_lang),
                article.extractor,
                now(),
                # in the trigram index (substring search) only with a script written unspaced
                bool(
                    UNSPACED_SCRIPTS.search(article.title) or UNSPACED_SCRIPTS.search(article.text)
                ),
            ),
        )
        self.conn.execute(
            "INSERT INTO embeddings (article_id, model, doc, sentences, sentence_vectors, "
            "sentence_format, title_vector, lead_vector) VALUES (?, ?, ?, ?, ?, 'int8', ?, ?)",
            (
                article_id,
                embedding.model,
                to_blob(embedding.doc),
                sentences_json(embedding.sentences, article.text),
                int8_blob(embedding.sentence_vectors),
                None if embedding.title is None else to_blob(embedding.title),
                None if embedding.lead is None else to_blob(embedding.lead),
            ),
        )
        return article_id

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

    def remove_article(self, article_id: str) -> None:
        """Take a stored article back out (with its vectors and raw row): a later stage failed
        for it, so it becomes an error row instead and a rerun tries it again."""
        row = self.conn.execute(
            "SELECT raw_sha256 FROM articles WHERE id = ?", (article_id,)
        ).fetchone()
        self.conn.execute("DELETE FROM embeddings WHERE article_id = ?", (article_id,))
        self.delete_mentions(article_id)
        self.unlink_reprint(article_id)
        self.conn.execute("DELETE FROM articles WHERE id = ?", (article_id,))
        if row is not None:
            self.conn.execute("DELETE FROM raw_docs WHERE sha256 = ?", (row[0],))

    def assign(
        self, article_id: str, story_id: str, score: float | None, provisional: bool = False
    ) -> None:
        self.conn.execute(
            "UPDATE articles SET story_id = ?, story_score = ?, provisional = ? WHERE id = ?",
            (story_id, score, int(provisional), article_id),
        )

    def take_back_provisional(self) -> list[str]:
        """Unassign every provisionally assigned article; returns the stories they were in."""
        stories = [
            r[0]
            for r in self.conn.execute(
                "SELECT DISTINCT story_id FROM articles WHERE provisional = 1 "
                "AND story_id IS NOT NULL ORDER BY story_id"
            )
        ]
        self.conn.execute(
            "UPDATE articles SET story_id = NULL, story_score = NULL, provisional = 0 "
            "WHERE provisional = 1"
        )
        return stories

    # -- reads --------------------------------------------------------------------------------

    @_guarded
    def story(self, story_id: str) -> Story:
        with self.snapshot():
            row = self.conn.execute(
                "SELECT id, title, size, first_date, last_date FROM stories WHERE id = ?",
                (story_id,),
            ).fetchone()
            if row is None:
                raise NotFound(f"no story {story_id!r}: list them with `storyline stories`")
            return self._with_members(_story(row))

    def _with_members(self, story: Story) -> Story:
        return self._with_members_of([story])[0]

    def _with_members_of(self, stories: list[Story]) -> list[Story]:
        """``stories`` with their members, languages, outlets and independent-source counts:
        two queries for the whole list (a listing page must not cost two per story)."""
        if len(stories) > IN_BATCH:  # bounded SQL parameters per query
            return [
                s
                for at in range(0, len(stories), IN_BATCH)
                for s in self._with_members_of(stories[at : at + IN_BATCH])
            ]
        ids = [s.id for s in stories]
        marks = ", ".join("?" * len(ids))
        members: dict[str, list[sqlite3.Row]] = {i: [] for i in ids}
        for row in self.conn.execute(
            f"SELECT story_id, id, lang, site FROM articles WHERE story_id IN ({marks}) "
            f"ORDER BY {PUBLISHED_ORDER}, rowid",
            ids,
        ):
            members[row["story_id"]].append(row)
        copies = self.copy_counts(ids) if ids else {}
        out = []
        for story in stories:
            rows = members[story.id]
            out.append(
                Story(
                    id=story.id,
                    title=story.title,
                    size=story.size,
                    languages=tuple(sorted({r["lang"] for r in rows if r["lang"]})),
                    sources=tuple(sorted({r["site"] for r in rows if r["site"]})),
                    first_date=story.first_date,
                    last_date=story.last_date,
                    articles=tuple(r["id"] for r in rows),
                    independent=max(0, story.size - copies.get(story.id, 0)),
                )
            )
        return out

    def _summarised(self, stories: list[Story]) -> list[Story]:
        """``stories`` with their languages, outlets and independent-source counts, no member
        ids (``find_stories(members=False)``)."""
        if len(stories) > IN_BATCH:
            return [
                s
                for at in range(0, len(stories), IN_BATCH)
                for s in self._summarised(stories[at : at + IN_BATCH])
            ]
        ids = [s.id for s in stories]
        if not ids:
            return []
        marks = ", ".join("?" * len(ids))
        summary = {
            row[0]: (json.loads(row[1]), json.loads(row[2]))
            for row in self.conn.execute(
                "SELECT story_id, json_group_array(DISTINCT lang), "
                f"json_group_array(DISTINCT site) FROM articles WHERE story_id IN ({marks}) "
                "GROUP BY story_id",
                ids,
            )
        }
        copies = self.copy_counts(ids)
        out = []
        for story in stories:
            langs, sites = summary.get(story.id, ([], []))
            out.append(
                replace(
                    story,
                    languages=tuple(sorted(x for x in langs if x)),
                    sources=tuple(sorted(x for x in sites if x)),
                    independent=max(0, story.size - copies.get(story.id, 0)),
                )
            )
        return out

    @_guarded
    def articles(
        self, story_id: str | None = None, ids: Iterable[str] | None = None
    ) -> list[Article]:
        sql = f"SELECT {ARTICLE_COLUMNS} FROM articles"
        params: list[Any] = []
        if story_id is not None:
            sql += " WHERE story_id = ?"
            params.append(story_id)
        elif ids is not None:
            wanted = list(ids)
            sql += f" WHERE id IN ({', '.join('?' * len(wanted))})"
            params.extend(wanted)
        sql += f" ORDER BY {PUBLISHED_ORDER}, rowid"
        with self.snapshot():
            found = [_article(row) for row in self.conn.execute(sql, params)]
            return self.with_copies(self.with_mentions(found))

    def article(self, article_id: str) -> Article:
        found = self.articles(ids=[article_id])
        if not found:
            raise NotFound(f"no article {article_id!r}")
        return found[0]

    def embedding(self, article_id: str) -> Embedding:
        found = self.embeddings([article_id])
        if article_id not in found:
            raise NotFound(f"no embedding for article {article_id!r}")
        return found[article_id]

    @_guarded
    def embeddings(self, article_ids: Iterable[str]) -> dict[str, Embedding]:
        """The stored vectors of ``article_ids`` (those that have them), in one query per
        ``IN_BATCH`` ids: a story's timeline reads all its members' at once."""
        wanted = list(dict.fromkeys(article_ids))
        out: dict[str, Embedding] = {}
        for at in range(0, len(wanted), IN_BATCH):
            chunk = wanted[at : at + IN_BATCH]
            rows = self.conn.execute(
                "SELECT e.article_id, e.model, e.doc, e.sentences, e.sentence_vectors, "
                "e.sentence_format, e.title_vector, e.lead_vector, a.text FROM embeddings e "
                "JOIN articles a ON a.id = e.article_id "
                f"WHERE e.article_id IN ({', '.join('?' * len(chunk))})",
                chunk,
            )
            for row in rows:
                doc = from_blob(row["doc"])
                out[row["article_id"]] = Embedding(
                    model=row["model"],
                    doc=doc,
                    sentences=sentences_of_row(row["sentences"], row["text"]),
                    sentence_vectors=sentence_blob(
                        row["sentence_vectors"], row["sentence_format"], doc.shape[0]
                    ),
                    title=None if row["title_vector"] is None else from_blob(row["title_vector"]),
                    lead=None if row["lead_vector"] is None else from_blob(row["lead_vector"]),
                )
        return out

    @_guarded
    def search(self, query: str, limit: int = 20) -> list[tuple[Article, str]]:
        """Full-text search: (article, snippet) pairs, best first (see ``store.search``)."""
        return self._search(query, limit)

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

    @_guarded
    def find_stories(self, where: Filters, members: bool = True) -> list[Story]:
        """Stories matching ``where`` (see ``query.Filters``), largest first; without
        ``members`` their ``articles`` stay empty (a listing's rows: languages, outlets and
        independent sources only, which cost one row per story, not one per member)."""
        sql = "SELECT id, title, size, first_date, last_date FROM stories s WHERE size >= ?"
        params: list[Any] = [where.min_size]
        sql += _window(where, "coalesce(last_date, first_date)", "coalesce(first_date, last_date)")
        params += _bounds(where)
        for column, value in (("lang", where.lang), ("site", where.site)):
            if value is not None:
                # Driven by the ``articles_lang`` / ``articles_site`` index: the stories of the
                # matching articles, not a look at each story's members.
                sql += (
                    f" AND s.id IN (SELECT a.story_id FROM articles a "
                    f"WHERE a.{column} = ? COLLATE NOCASE)"
                )
                params.append(value)
        if where.entities is not None:
            marks = ", ".join("?" * len(where.entities)) or "NULL"
            if self._mentions_at_least(where.entities, DRIVE_BY_STORIES):
                # A common entity: walk the stories in order until enough mention it.
                sql += (
                    " AND EXISTS (SELECT 1 FROM articles a JOIN entity_mentions m ON "
                    f"m.article_id = a.id WHERE a.story_id = s.id AND m.entity_id IN ({marks}))"
                )
            else:  # the stories of its mentions, from the entity index
                sql += (
                    " AND s.id IN (SELECT a.story_id FROM entity_mentions m JOIN articles a "
                    f"INDEXED BY articles_by_id ON a.id = m.article_id "
                    f"WHERE m.entity_id IN ({marks}))"
                )
            params.extend(where.entities)
        if where.order not in STORY_ORDERS:
            raise InputError(f"no story order {where.order!r}: use one of {sorted(STORY_ORDERS)}")
        sql += f" ORDER BY {STORY_ORDERS[where.order]} LIMIT ? OFFSET ?"
        params += [-1 if where.limit is None else where.limit, where.offset]
        with self.snapshot():  # sizes and members from one state, even during an ingest
            found = [_story(row) for row in self.conn.execute(sql, params).fetchall()]
            return self._with_members_of(found) if members else self._summarised(found)

    def _mentions_at_least(self, entity_ids: Sequence[str], n: int) -> bool:
        """Whether ``entity_ids`` have ``n`` mentions or more (reads at most ``n`` index rows)."""
        marks = ", ".join("?" * len(entity_ids)) or "NULL"
        row = self.conn.execute(
            f"SELECT count(*) FROM (SELECT 1 FROM entity_mentions WHERE entity_id IN ({marks}) "
            "LIMIT ?)",
            [*entity_ids, n],
        ).fetchone()
        return bool(row[0] >= n)

    @_guarded
    def titles_in(self, story_ids: Iterable[str], lang: str) -> dict[str, str]:
        """For each of ``story_ids`` that has an article in ``lang``, the title of its earliest
        such article (a story's title in the reader's language)."""
        wanted = list(dict.fromkeys(story_ids))
        if not wanted:
            return {}
        marks = ", ".join("?" * len(wanted))
        rows = self.conn.execute(
            f"SELECT story_id, title FROM articles WHERE story_id IN ({marks}) "
            f"AND lang = ? COLLATE NOCASE AND title != '' ORDER BY {PUBLISHED_ORDER}, rowid",
            [*wanted, lang],
        )
        out: dict[str, str] = {}
        for row in rows:
            out.setdefault(row["story_id"], row["title"])
        return out

    @_guarded
    def find_articles(self, where: Filters) -> list[Article]:
        """Articles matching ``where`` (``story`` must be a whole id), in publication order."""
        sql = f"SELECT {ARTICLE_COLUMNS} FROM articles WHERE 1"
        params: list[Any] = []
        for column, value in (("story_id", where.story), ("lang", where.lang)):
            if value is not None:
                sql += f" AND {column} = ?"
                params.append(value)
        if where.site is not None:
            sql += " AND site = ? COLLATE NOCASE"
            params.append(where.site)
        sql += _window(where, "published", "published")
        params += _bounds(where)
        sql += f" ORDER BY {PUBLISHED_ORDER}, rowid LIMIT ?"
        params.append(-1 if where.limit is None else where.limit)
        with self.snapshot():
            found = [_article(row) for row in self.conn.execute(sql, params)]
            return self.with_copies(self.with_mentions(found))

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


def _window(where: Filters, last: str, first: str) -> str:
    """SQL keeping rows whose ``last`` date is not before ``since`` and ``first`` not after
    ``until`` (julianday compares ISO texts with any UTC offset correctly)."""
    sql = f" AND julianday({last}) >= julianday(?)" if where.since is not None else ""
    return sql + (f" AND julianday({first}) <= julianday(?)" if where.until is not None else "")


def _bounds(where: Filters) -> list[str]:
    return [b.isoformat() for b in (where.since, where.until) if b is not None]
