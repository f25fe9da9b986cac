"""The store's full-text search: words through the unicode61 FTS5 index, scripts written
without spaces as substrings through the trigram index. A mixin of ``Store`` (its connection).
"""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path
from typing import Any

from storyline.errors import InputError
from storyline.language import UNSPACED_SCRIPTS
from storyline.records import Article
from storyline.store.failures import is_store_failure, store_error
from storyline.store.rows import ARTICLE_COLUMNS, _article, _snippet

# FTS5 ranks (bm25) every match of a query before it can return the best: a word in 50,000 of
# 100,000 articles took ~170 ms to rank, ~17 ms with this cap (`bench/web.py` workspace). A
# query with more matches ranks its newest ``RANKED_MATCHES`` (the most recently stored, by
# rowid); a rarer one, all of them.
RANKED_MATCHES = 5_000


class SearchRows:
    conn: sqlite3.Connection
    path: Path

    def _search(self, query: str, limit: int = 20, offset: int = 0) -> list[tuple[Article, str]]:
        """Full-text search; returns articles with a highlighted snippet, best first.

        Words go to the unicode61 index (FTS5 syntax: ``AND``, ``OR``, ``NOT``, ``"phrases"``,
        ``prefix*``), ranked by bm25 among the newest ``RANKED_MATCHES`` matches (``offset``
        skips the first hits: a later page). A query in a
        script written without spaces (Chinese, Japanese, Thai, ...) goes to the trigram index
        as substrings instead: ``政府`` finds ``日本政府は…``. An invalid FTS5 query raises
        ``InputError`` (exit 2) saying how to quote it.
        """
        if UNSPACED_SCRIPTS.search(query):
            return self._substring_search(query, limit, offset)
        columns = ", ".join("a." + c.strip() for c in ARTICLE_COLUMNS.split(","))
        try:
            cut = self.conn.execute(  # walks the matches' rowids only: no ranking, no text
                "SELECT rowid FROM articles_fts WHERE articles_fts MATCH ? "
                "ORDER BY rowid DESC LIMIT 1 OFFSET ?",
                (query, RANKED_MATCHES - 1),
            ).fetchone()
            rows = self.conn.execute(
                f"SELECT {columns}, snippet(articles_fts, 1, '[', ']', '…', 12) AS snippet "
                "FROM articles_fts JOIN articles a ON a.rowid = articles_fts.rowid "
                "WHERE articles_fts MATCH ? AND articles_fts.rowid >= ? "
                "ORDER BY rank LIMIT ? OFFSET ?",
                (query, cut[0] if cut else 0, limit, offset),
            ).fetchall()
        except sqlite3.OperationalError as exc:
            if is_store_failure(exc) and not _FTS_SYNTAX.search(str(exc)):
                raise store_error(exc, self.path) from exc
            phrase = '"' + query.replace('"', '""') + '"'
            raise InputError(
                f"invalid full-text query {query!r} ({exc}): FTS5 syntax takes words, "
                f'AND/OR/NOT, prefix* and "quoted phrases"; to search the text as typed, '
                f"quote it: {phrase}"
            ) from exc
        return [(_article(row), row["snippet"]) for row in rows]

    def _substring_search(
        self, query: str, limit: int, offset: int = 0
    ) -> list[tuple[Article, str]]:
        """Every whitespace-separated term of ``query`` as a substring (trigram index)."""
        terms = [t for t in query.replace('"', " ").split() if t not in {"AND", "OR", "NOT"}]
        if not terms:
            return []
        # The trigram index serves LIKE only without an ESCAPE clause: use one only if needed.
        escape = " ESCAPE '\\'" if any(c in t for t in terms for c in "\\%_") else ""
        where = " AND ".join(f"(t.title LIKE ?{escape} OR t.text LIKE ?{escape})" for _ in terms)
        params: list[Any] = []
        for term in terms:
            pattern = "%" + (re.sub(r"([\\%_])", r"\\\1", term) if escape else term) + "%"
            params += [pattern, pattern]
        columns = ", ".join("a." + c.strip() for c in ARTICLE_COLUMNS.split(","))
        rows = self.conn.execute(
            f"SELECT {columns} FROM articles_trigram t "
            f"JOIN articles a ON a.rowid = t.rowid WHERE {where} ORDER BY a.rowid LIMIT ? OFFSET ?",
            (*params, limit, offset),
        ).fetchall()
        return [(_article(row), _snippet(row["text"], terms)) for row in rows]


# What SQLite says about a query FTS5 cannot parse (as opposed to a broken store).
_FTS_SYNTAX = re.compile(r"fts5|syntax error|unterminated|no such column|unknown special")
