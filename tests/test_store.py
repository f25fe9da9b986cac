from __future__ import annotations

import dataclasses
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from storyline.errors import InputError, NotFound, StoreError
from storyline.records import Article, DocError, Embedding, RawDoc
from storyline.store import MIGRATIONS, Store


def _raw(text: str) -> RawDoc:
    import hashlib

    data = text.encode()
    return RawDoc(data=data, source="t.txt", sha256=hashlib.sha256(data).hexdigest(), fmt="text")


def _article(raw: RawDoc, title: str, body: str) -> tuple[Article, Embedding]:
    article = Article(
        id=raw.sha256[:16],
        raw_sha256=raw.sha256,
        source=raw.source,
        title=title,
        paragraphs=(body, "Zweiter Absatz über Brüssel."),
        published=datetime(2022, 1, 28, 9, 30),
        lang="en",
        paragraph_langs=("en", "de"),
        mixed_lang=True,
        extractor="test",
    )
    vec = np.ones(4, dtype=np.float32) / 2
    emb = Embedding("m", vec, ("one sentence here.",), np.ones((1, 4), dtype=np.float32))
    return article, emb


def test_migrations_are_recorded_and_idempotent(tmp_path: Path) -> None:
    path = tmp_path / "w.db"
    with Store(path) as store:
        names = [r[0] for r in store.conn.execute("SELECT name FROM migrations")]
        assert names == [name for name, _ in MIGRATIONS]
        assert store.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    with Store(path) as store:
        assert store.migrate() == []


def test_article_round_trip_and_search(tmp_path: Path) -> None:
    raw = _raw("page one")
    article, emb = _article(raw, "Kremlin talks with Élysée", "Leaders spoke by telephone.")
    with Store(tmp_path / "w.db") as store, store.transaction():
        store.add_raw(raw)
        store.add_article(article, emb)
    with Store(tmp_path / "w.db") as store:
        assert store.has_raw(raw.sha256)
        back = store.article(article.id)
        assert back.paragraphs == article.paragraphs
        assert article.published is not None  # stored naive: read back as UTC
        assert back.published == article.published.replace(tzinfo=UTC)
        assert back.paragraph_langs == ("en", "de")
        assert back.mixed_lang
        stored = store.embedding(article.id)
        assert np.allclose(stored.doc, emb.doc)
        assert stored.sentence_vectors.shape == (1, 4)
        # many at once (one query per batch): the same rows, articles without vectors absent
        batch = store.embeddings([article.id, "nope", article.id])
        assert list(batch) == [article.id]
        assert np.array_equal(batch[article.id].doc, stored.doc)
        assert batch[article.id].sentences == stored.sentences
        # what stories are matched on: the document, title and lead vectors alone
        bare = store.embedding(article.id, sentences=False)
        assert np.array_equal(bare.doc, stored.doc) and bare.sentences == ()
        assert bare.sentence_vectors.shape == (0, 4)
        with pytest.raises(NotFound):
            store.embedding("nope")
        # FTS5 with diacritics folded: "elysee" finds "Élysée"; "bruss*" a prefix
        assert [a.id for a, _ in store.search("elysee")] == [article.id]
        assert [a.id for a, _ in store.search("brüss*")] == [article.id]
        # invalid FTS syntax is a clear InputError (exit 2) saying how to quote the query
        with pytest.raises(InputError, match="invalid full-text query") as caught:
            store.search('"unbalanced')
        assert caught.value.exit_code == 2
        with pytest.raises(NotFound):
            store.article("nope")


def test_failed_transaction_keeps_nothing(tmp_path: Path) -> None:
    raw = _raw("page two")
    with Store(tmp_path / "w.db") as store:
        with pytest.raises(RuntimeError), store.transaction():
            store.add_raw(raw)
            raise RuntimeError("crash mid-ingest")
        assert not store.has_raw(raw.sha256)


def test_error_rows_are_kept_once(tmp_path: Path) -> None:
    error = DocError(source="bad.bin", reason="binary content", stage="decode", sha256="ab")
    with Store(tmp_path / "w.db") as store:
        store.add_error(error)
        store.add_error(error)
        assert store.has_error(error)
        assert store.errors() == [error]


def test_not_a_database(tmp_path: Path) -> None:
    path = tmp_path / "junk.db"
    path.write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(StoreError, match="not a database"):
        Store(path)


PARAGRAPH_CASES = {
    "plain": ("First paragraph.", "", "Third, after an empty one."),
    "newline at an end": ("Ends with a newline\n", "Next."),
    "newline at the start": ("First.", "\nStarts with a newline."),
    "blank line inside": ("Two\n\nparts in one paragraph.", "Next."),
    "none": (),
}


def test_paragraphs_are_stored_once_where_the_text_gives_them_back(
    tmp_path: Path, older_workspace: Any
) -> None:
    """Paragraphs that the text split at its blank lines gives back exactly are not stored
    beside it (0015); others keep their list. New rows and migrated older rows alike."""
    path = tmp_path / "old.db"
    conn = older_workspace(path, "0015")
    for name, paragraphs in PARAGRAPH_CASES.items():
        conn.execute("INSERT INTO raw_docs VALUES (?, ?, 'text', NULL, NULL, 1, 'x')", (name, name))
        conn.execute(
            "INSERT INTO articles (id, raw_sha256, source, title, text, paragraphs, lang, "
            "paragraph_langs, extractor, ingested_at) VALUES (?, ?, ?, 'T', ?, ?, 'en', ?, "
            "'x', 'x')",
            (
                f"old {name}",
                name,
                name,
                "\n\n".join(paragraphs),
                json.dumps(list(paragraphs)),
                json.dumps(["en"] * len(paragraphs)),
            ),
        )
    conn.close()
    with Store(path) as store:
        for name, paragraphs in PARAGRAPH_CASES.items():
            raw = _raw(name)
            article, emb = _article(raw, "T", "x")
            article = dataclasses.replace(
                article, paragraphs=paragraphs, paragraph_langs=("en",) * len(paragraphs)
            )
            with store.transaction():
                store.add_raw(raw)
                store.add_article(article, emb)
            for id_ in (f"old {name}", article.id):
                assert store.article(id_).paragraphs == paragraphs, (name, id_)
        stored = dict(store.conn.execute("SELECT id, paragraphs FROM articles"))
    once = {name for name in PARAGRAPH_CASES if stored[f"old {name}"] == ""}
    assert once == {"plain"}  # the migration: only rows it can prove
    new = {
        name for name, paragraphs in PARAGRAPH_CASES.items() if stored[_raw(name).sha256[:16]] == ""
    }
    assert new == {"plain", "newline at the start"}  # new rows: whatever splits back exactly
