"""The store's article rows: raw documents, clean articles and their vectors, as one ingest
writes them and every view reads them back (with their mentions and reprint links).

A mixin of ``Store`` (it shares its connection), like ``store/stories.py``.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from typing import Any

from storyline.errors import NotFound
from storyline.language import UNSPACED_SCRIPTS
from storyline.query import Filters
from storyline.records import Article, Embedding, RawDoc, Vector
from storyline.store.failures import _guarded
from storyline.store.mentions import IN_BATCH, MentionRows
from storyline.store.reprints import ReprintRows
from storyline.store.rows import (
    ARTICLE_COLUMNS,
    PARTIAL_SENTENCES,
    PUBLISHED_ORDER,
    SENTENCE_FORMAT,
    Connected,
    _article,
    _iso,
    bounds,
    embedding_of,
    now,
    paragraphs_value,
    safe_text,
    sentence_vectors_blob,
    sentences_json,
    to_blob,
    window,
)


class ArticleRows(MentionRows, ReprintRows, Connected):
    def has_raw(self, sha256: str) -> bool:
        row = self.conn.execute("SELECT 1 FROM raw_docs WHERE sha256 = ?", (sha256,)).fetchone()
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
                paragraphs_value(article),
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
            "sentence_format, title_vector, lead_vector) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (
                article_id,
                embedding.model,
                to_blob(embedding.doc),
                sentences_json(embedding.sentences, article.text),
                sentence_vectors_blob(embedding.sentence_vectors),
                SENTENCE_FORMAT,
                None if embedding.title is None else to_blob(embedding.title),
                None if embedding.lead is None else to_blob(embedding.lead),
            ),
        )
        return article_id

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

    def embedding(self, article_id: str, sentences: bool = True) -> Embedding:
        found = self.embeddings([article_id], sentences)
        if article_id not in found:
            raise NotFound(f"no embedding for article {article_id!r}")
        return found[article_id]

    @_guarded
    def embeddings(
        self, article_ids: Iterable[str], sentences: bool = True
    ) -> dict[str, Embedding]:
        """The stored vectors of ``article_ids`` (those that have them), in one query per
        ``IN_BATCH`` ids: a story's timeline reads all its members' at once. Without
        ``sentences``, only the document, title and lead vectors (what stories are matched
        on: neither the sentence vectors nor the text are read)."""
        wanted = list(dict.fromkeys(article_ids))
        columns = "e.article_id, e.model, e.doc, e.title_vector, e.lead_vector"
        if sentences:
            columns += ", e.sentences, e.sentence_vectors, e.sentence_format, a.text"
        out: dict[str, Embedding] = {}
        for at in range(0, len(wanted), IN_BATCH):
            chunk = wanted[at : at + IN_BATCH]
            rows = self.conn.execute(
                f"SELECT {columns} FROM embeddings e "
                "JOIN articles a ON a.id = e.article_id "
                f"WHERE e.article_id IN ({', '.join('?' * len(chunk))})",
                chunk,
            )
            out.update((row["article_id"], embedding_of(row, sentences)) for row in rows)
        return out

    def sentence_states(self, story_ids: Iterable[str]) -> list[tuple[str, int, bool]]:
        """(article id, its story's size, whether its row keeps only some sentences) of every
        member of ``story_ids`` that has vectors."""
        wanted = list(dict.fromkeys(story_ids))
        out: list[tuple[str, int, bool]] = []
        for at in range(0, len(wanted), IN_BATCH):
            chunk = wanted[at : at + IN_BATCH]
            out += [
                (row[0], row[1], row[2].endswith(PARTIAL_SENTENCES))
                for row in self.conn.execute(
                    "SELECT a.id, s.size, e.sentence_format FROM stories s "
                    "JOIN articles a ON a.story_id = s.id "
                    "JOIN embeddings e ON e.article_id = a.id "
                    f"WHERE s.id IN ({', '.join('?' * len(chunk))})",
                    chunk,
                )
            ]
        return out

    def put_sentences(
        self,
        article_id: str,
        text: str,
        sentences: Sequence[str],
        vectors: Vector,
        partial: bool,
    ) -> None:
        """Replace an article's stored sentences and their vectors (``partial``: only some
        of its sentences)."""
        self.conn.execute(
            "UPDATE embeddings SET sentences = ?, sentence_vectors = ?, sentence_format = ? "
            "WHERE article_id = ?",
            (
                sentences_json(sentences, text),
                sentence_vectors_blob(vectors),
                SENTENCE_FORMAT + (PARTIAL_SENTENCES if partial else ""),
                article_id,
            ),
        )

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
        sql += window(where, "published", "published")
        params += bounds(where)
        sql += f" ORDER BY {PUBLISHED_ORDER}, rowid LIMIT ?"
        params.append(-1 if where.limit is None else where.limit)
        with self.snapshot():
            found = [_article(row) for row in self.conn.execute(sql, params)]
            return self.with_copies(self.with_mentions(found))
