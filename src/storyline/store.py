"""The workspace store: one SQLite file (WAL, named migrations, FTS5) holding every record.

Only this module writes SQL. Stage functions never see a connection; the workspace hands them
records and gives their results back here. Every write happens inside a transaction, so a crash
mid-ingest loses nothing that was committed and a rerun resumes where it stopped.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import numpy as np

from storyline.errors import AMBIGUOUS_SHOWN, AmbiguousId, NotFound, StoreError, WorkspaceMissing
from storyline.query import Filters
from storyline.records import Article, Dateline, DocError, Embedding, RawDoc, Story, Vector

# Named migrations, applied in order, each in its own transaction; applied names are recorded
# in `migrations`. Never edit an applied one: append a new one.
MIGRATIONS: list[tuple[str, str]] = [
    (
        "0001_initial",
        """
        CREATE TABLE raw_docs (
            sha256 TEXT PRIMARY KEY,
            source TEXT NOT NULL,
            fmt TEXT NOT NULL,
            url TEXT,
            fetched_at TEXT,
            size INTEGER NOT NULL,
            ingested_at TEXT NOT NULL
        );
        CREATE TABLE articles (
            id TEXT PRIMARY KEY,
            raw_sha256 TEXT NOT NULL UNIQUE REFERENCES raw_docs(sha256),
            source TEXT NOT NULL,
            url TEXT,
            title TEXT NOT NULL,
            text TEXT NOT NULL,
            paragraphs TEXT NOT NULL,
            published TEXT,
            site TEXT,
            author TEXT,
            dateline TEXT,
            lang TEXT,
            paragraph_langs TEXT NOT NULL,
            mixed_lang INTEGER NOT NULL DEFAULT 0,
            extractor TEXT NOT NULL,
            ingested_at TEXT NOT NULL,
            story_id TEXT REFERENCES stories(id),
            story_score REAL
        );
        CREATE INDEX articles_story ON articles(story_id);
        CREATE INDEX articles_unassigned ON articles(story_id) WHERE story_id IS NULL;
        CREATE TABLE embeddings (
            article_id TEXT PRIMARY KEY REFERENCES articles(id),
            model TEXT NOT NULL,
            doc BLOB NOT NULL,
            sentences TEXT NOT NULL,
            sentence_vectors BLOB NOT NULL
        );
        CREATE TABLE stories (
            id TEXT PRIMARY KEY,
            title TEXT NOT NULL,
            size INTEGER NOT NULL,
            first_date TEXT,
            last_date TEXT,
            centroid BLOB NOT NULL,
            model TEXT NOT NULL,
            clusterer TEXT NOT NULL,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL
        );
        CREATE INDEX stories_last ON stories(last_date);
        CREATE TABLE errors (
            id INTEGER PRIMARY KEY,
            source TEXT NOT NULL,
            sha256 TEXT,
            stage TEXT NOT NULL,
            reason TEXT NOT NULL,
            at TEXT NOT NULL,
            UNIQUE (source, sha256, stage)
        );
        CREATE VIRTUAL TABLE articles_fts USING fts5(
            title, text, content='articles', content_rowid='rowid',
            tokenize='unicode61 remove_diacritics 2'
        );
        CREATE TRIGGER articles_ai AFTER INSERT ON articles BEGIN
            INSERT INTO articles_fts(rowid, title, text) VALUES (new.rowid, new.title, new.text);
        END;
        CREATE TRIGGER articles_ad AFTER DELETE ON articles BEGIN
            INSERT INTO articles_fts(articles_fts, rowid, title, text)
            VALUES ('delete', old.rowid, old.title, old.text);
        END;
        """,
    ),
]

ARTICLE_COLUMNS = (
    "id, raw_sha256, source, url, title, paragraphs, published, site, author, dateline, "
    "lang, paragraph_langs, mixed_lang, extractor, story_id"
)


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _iso(value: datetime | date | None) -> str | None:
    return value.isoformat() if value is not None else None


def _dt(value: str | None) -> datetime | None:
    """A stored date as an aware UTC datetime; naive values (older workspaces) are UTC."""
    if not value:
        return None
    parsed = datetime.fromisoformat(value)
    if parsed.tzinfo is None:
        return parsed.replace(tzinfo=UTC)
    try:
        return parsed.astimezone(UTC)
    except (OverflowError, ValueError):  # year 1 with a positive offset has no UTC form
        return parsed


def to_blob(vector: Vector) -> bytes:
    return np.ascontiguousarray(vector, dtype=np.float32).tobytes()


def from_blob(blob: bytes, dim: int | None = None) -> Vector:
    vector = np.frombuffer(blob, dtype=np.float32)
    return vector.reshape(-1, dim) if dim else vector


class Store:
    """A storyline workspace file. Use as a context manager, or call ``close()``.

    ``create=False`` refuses to make a new file: a missing path raises ``WorkspaceMissing``
    (read-only commands must never leave an empty workspace behind a typo).
    """

    def __init__(self, path: str | Path, create: bool = True) -> None:
        self.path = Path(path)
        if not create and not self.path.exists():
            raise WorkspaceMissing(str(path))
        try:
            self.conn = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
            self.conn.row_factory = sqlite3.Row
            self.conn.execute("PRAGMA journal_mode=WAL")
            self.conn.execute("PRAGMA synchronous=NORMAL")
            self.conn.execute("PRAGMA foreign_keys=ON")
            self.migrate()
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"{self.path} is not a usable storyline workspace: {exc}") from exc

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self.conn.close()

    # -- transactions and migrations ---------------------------------------------------------

    def transaction(self) -> _Transaction:
        return _Transaction(self.conn)

    def migrate(self) -> list[str]:
        """Apply pending migrations, each atomically. Returns the names applied now."""
        self.conn.execute(
            "CREATE TABLE IF NOT EXISTS migrations (name TEXT PRIMARY KEY, applied_at TEXT)"
        )
        done = {row[0] for row in self.conn.execute("SELECT name FROM migrations")}
        applied = []
        for name, sql in MIGRATIONS:
            if name in done:
                continue
            with self.transaction():
                for statement in _statements(sql):
                    self.conn.execute(statement)
                self.conn.execute("INSERT INTO migrations VALUES (?, ?)", (name, now()))
            applied.append(name)
        return applied

    # -- writes -------------------------------------------------------------------------------

    def has_raw(self, sha256: str) -> bool:
        row = self.conn.execute("SELECT 1 FROM raw_docs WHERE sha256 = ?", (sha256,)).fetchone()
        return row is not None

    def has_error(self, error: DocError) -> bool:
        row = self.conn.execute(
            "SELECT 1 FROM errors WHERE source = ? AND sha256 IS ? AND stage = ?",
            (error.source, error.sha256, error.stage),
        ).fetchone()
        return row is not None

    def add_raw(self, raw: RawDoc) -> None:
        self.conn.execute(
            "INSERT OR IGNORE INTO raw_docs VALUES (?, ?, ?, ?, ?, ?, ?)",
            (raw.sha256, raw.source, raw.fmt, raw.url, _iso(raw.fetched_at), len(raw.data), now()),
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
            "ingested_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                article_id,
                article.raw_sha256,
                article.source,
                article.url,
                article.title,
                article.text,
                json.dumps(list(article.paragraphs), ensure_ascii=False),
                _iso(article.published),
                article.site,
                article.author,
                dateline,
                article.lang,
                json.dumps(list(article.paragraph_langs)),
                int(article.mixed_lang),
                article.extractor,
                now(),
            ),
        )
        self.conn.execute(
            "INSERT INTO embeddings VALUES (?, ?, ?, ?, ?)",
            (
                article_id,
                embedding.model,
                to_blob(embedding.doc),
                json.dumps(list(embedding.sentences), ensure_ascii=False),
                to_blob(embedding.sentence_vectors),
            ),
        )
        return article_id

    def add_error(self, error: DocError) -> None:
        self.conn.execute(
            "INSERT OR IGNORE INTO errors (source, sha256, stage, reason, at) "
            "VALUES (?, ?, ?, ?, ?)",
            (error.source, error.sha256, error.stage, error.reason, now()),
        )

    def save_story(self, story: Story, centroid: Vector, model: str, clusterer: str) -> None:
        stamp = now()
        self.conn.execute(
            "INSERT INTO stories VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(id) DO UPDATE "
            "SET size = excluded.size, first_date = excluded.first_date, "
            "last_date = excluded.last_date, centroid = excluded.centroid, "
            "updated_at = excluded.updated_at",
            (
                story.id,
                story.title,
                story.size,
                _iso(story.first_date),
                _iso(story.last_date),
                to_blob(centroid),
                model,
                clusterer,
                stamp,
                stamp,
            ),
        )

    def assign(self, article_id: str, story_id: str, score: float | None) -> None:
        self.conn.execute(
            "UPDATE articles SET story_id = ?, story_score = ? WHERE id = ?",
            (story_id, score, article_id),
        )

    # -- reads --------------------------------------------------------------------------------

    def unassigned(self) -> Iterator[tuple[Article, Vector]]:
        """Articles not yet in a story, oldest publication first (undated ones last)."""
        rows = self.conn.execute(
            f"SELECT {ARTICLE_COLUMNS}, e.doc FROM articles a "
            "JOIN embeddings e ON e.article_id = a.id WHERE a.story_id IS NULL "
            "ORDER BY a.published IS NULL, a.published, a.rowid"
        )
        for row in rows:
            yield _article(row), from_blob(row["doc"])

    def open_stories(self) -> Iterator[tuple[Story, Vector]]:
        for row in self.conn.execute(
            "SELECT id, title, size, first_date, last_date, centroid FROM stories"
        ):
            yield _story(row), from_blob(row["centroid"])

    def stories(self, limit: int | None = None, min_size: int = 1) -> list[Story]:
        rows = self.conn.execute(
            "SELECT id, title, size, first_date, last_date FROM stories WHERE size >= ? "
            "ORDER BY size DESC, last_date DESC, id LIMIT ?",
            (min_size, -1 if limit is None else limit),
        ).fetchall()
        return [self._with_members(_story(row)) for row in rows]

    def story(self, story_id: str) -> Story:
        row = self.conn.execute(
            "SELECT id, title, size, first_date, last_date FROM stories WHERE id = ?",
            (story_id,),
        ).fetchone()
        if row is None:
            raise NotFound(f"no story {story_id!r}: list them with `storyline stories`")
        return self._with_members(_story(row))

    def _with_members(self, story: Story) -> Story:
        rows = self.conn.execute(
            "SELECT id, lang, site FROM articles WHERE story_id = ? "
            "ORDER BY coalesce(published, ingested_at), rowid",
            (story.id,),
        ).fetchall()
        langs = sorted({r["lang"] for r in rows if r["lang"]})
        sites = sorted({r["site"] for r in rows if r["site"]})
        return Story(
            id=story.id,
            title=story.title,
            size=story.size,
            languages=tuple(langs),
            sources=tuple(sites),
            first_date=story.first_date,
            last_date=story.last_date,
            articles=tuple(r["id"] for r in rows),
        )

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
        sql += " ORDER BY coalesce(published, ingested_at), rowid"
        return [_article(row) for row in self.conn.execute(sql, params)]

    def article(self, article_id: str) -> Article:
        found = self.articles(ids=[article_id])
        if not found:
            raise NotFound(f"no article {article_id!r}")
        return found[0]

    def embedding(self, article_id: str) -> Embedding:
        row = self.conn.execute(
            "SELECT model, doc, sentences, sentence_vectors FROM embeddings WHERE article_id = ?",
            (article_id,),
        ).fetchone()
        if row is None:
            raise NotFound(f"no embedding for article {article_id!r}")
        doc = from_blob(row["doc"])
        return Embedding(
            model=row["model"],
            doc=doc,
            sentences=tuple(json.loads(row["sentences"])),
            sentence_vectors=from_blob(row["sentence_vectors"], doc.shape[0]),
        )

    def search(self, query: str, limit: int = 20) -> list[tuple[Article, str]]:
        """Full-text search (FTS5 syntax); returns articles with a highlighted snippet."""
        try:
            rows = self.conn.execute(
                f"SELECT {', '.join('a.' + c.strip() for c in ARTICLE_COLUMNS.split(','))}, "
                "snippet(articles_fts, 1, '[', ']', '…', 12) AS snippet "
                "FROM articles_fts JOIN articles a ON a.rowid = articles_fts.rowid "
                "WHERE articles_fts MATCH ? ORDER BY rank LIMIT ?",
                (query, limit),
            ).fetchall()
        except sqlite3.OperationalError:
            # Not valid FTS5 syntax (a stray quote or operator): search it as a phrase instead.
            phrase = '"' + query.replace('"', '""') + '"'
            return self.search(phrase, limit) if phrase != query else []
        return [(_article(row), row["snippet"]) for row in rows]

    def errors(self) -> list[DocError]:
        return [
            DocError(source=r["source"], reason=r["reason"], stage=r["stage"], sha256=r["sha256"])
            for r in self.conn.execute("SELECT * FROM errors ORDER BY id")
        ]

    # -- filtered reads and id prefixes (the CLI's listings) ---------------------------------

    def find_stories(self, where: Filters) -> list[Story]:
        """Stories matching ``where`` (see ``query.Filters``), largest first."""
        sql = "SELECT id, title, size, first_date, last_date FROM stories s WHERE size >= ?"
        params: list[Any] = [where.min_size]
        sql += _window(where, "coalesce(last_date, first_date)", "coalesce(first_date, last_date)")
        params += _bounds(where)
        for column, value in (("lang", where.lang), ("site", where.site)):
            if value is not None:
                sql += (
                    " AND EXISTS (SELECT 1 FROM articles a WHERE a.story_id = s.id "
                    f"AND a.{column} = ? COLLATE NOCASE)"
                )
                params.append(value)
        sql += " ORDER BY size DESC, last_date DESC, id LIMIT ?"
        params.append(-1 if where.limit is None else where.limit)
        rows = self.conn.execute(sql, params).fetchall()
        return [self._with_members(_story(row)) for row in rows]

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
        sql += " ORDER BY coalesce(published, ingested_at), rowid LIMIT ?"
        params.append(-1 if where.limit is None else where.limit)
        return [_article(row) for row in self.conn.execute(sql, params)]

    def fts_problem(self, query: str) -> str | None:
        """Why ``query`` is not valid FTS5 syntax (SQLite's message), or ``None`` if it is."""
        try:
            self.conn.execute(
                "SELECT 1 FROM articles_fts WHERE articles_fts MATCH ? LIMIT 1", (query,)
            ).fetchall()
        except sqlite3.OperationalError as exc:
            return str(exc)
        return None

    def resolve_id(self, kind: str, prefix: str) -> str:
        """The whole ``story`` or ``article`` id that ``prefix`` starts (an exact id wins).

        Raises ``NotFound`` when none matches and ``AmbiguousId`` (listing them) when several do.
        """
        table = {"story": "stories", "article": "articles"}[kind]
        exact = self.conn.execute(f"SELECT id FROM {table} WHERE id = ?", (prefix,)).fetchone()
        if exact is not None:
            return str(exact[0])
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

    def counts(self) -> dict[str, int]:
        out = {}
        for table in ("raw_docs", "articles", "stories", "errors"):
            out[table] = self.conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
        return out


class _Transaction:
    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn

    def __enter__(self) -> None:
        self.conn.execute("BEGIN IMMEDIATE")

    def __exit__(self, exc_type: object, *rest: object) -> None:
        self.conn.execute("ROLLBACK" if exc_type else "COMMIT")


def _window(where: Filters, last: str, first: str) -> str:
    """SQL keeping rows whose ``last`` date is not before ``since`` and ``first`` not after
    ``until`` (julianday compares ISO texts with any UTC offset correctly)."""
    sql = f" AND julianday({last}) >= julianday(?)" if where.since is not None else ""
    return sql + (f" AND julianday({first}) <= julianday(?)" if where.until is not None else "")


def _bounds(where: Filters) -> list[str]:
    return [b.isoformat() for b in (where.since, where.until) if b is not None]


def _statements(sql: str) -> list[str]:
    """Split a migration script into statements, keeping trigger bodies whole."""
    out, buffer = [], ""
    for line in sql.splitlines(keepends=True):
        buffer += line
        if sqlite3.complete_statement(buffer):
            out.append(buffer.strip())
            buffer = ""
    if buffer.strip():
        out.append(buffer.strip())
    return out


def _article(row: sqlite3.Row) -> Article:
    dateline = None
    if row["dateline"]:
        d = json.loads(row["dateline"])
        dateline = Dateline(
            text=d["text"],
            place=d["place"],
            date=date.fromisoformat(d["date"]) if d["date"] else None,
            agency=d["agency"],
        )
    return Article(
        id=row["id"],
        raw_sha256=row["raw_sha256"],
        source=row["source"],
        url=row["url"],
        title=row["title"],
        paragraphs=tuple(json.loads(row["paragraphs"])),
        published=_dt(row["published"]),
        site=row["site"],
        author=row["author"],
        dateline=dateline,
        lang=row["lang"],
        paragraph_langs=tuple(json.loads(row["paragraph_langs"])),
        mixed_lang=bool(row["mixed_lang"]),
        extractor=row["extractor"],
        story_id=row["story_id"],
    )


def _story(row: sqlite3.Row) -> Story:
    return Story(
        id=row["id"],
        title=row["title"],
        size=row["size"],
        languages=(),
        sources=(),
        first_date=_dt(row["first_date"]),
        last_date=_dt(row["last_date"]),
    )
