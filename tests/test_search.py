"""Search across scripts, invalid queries, paged errors — on real SQLite files."""

from __future__ import annotations

import hashlib
import sqlite3
import subprocess
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pytest

from storyline.errors import InputError
from storyline.records import Article, Embedding, RawDoc
from storyline.store import Store

TEXTS = {
    "ja": ("政府発表", "日本政府は新しい経済計画を発表した。東京の市場は上昇した。"),
    "zh": ("北京新闻", "中国政府今天宣布了新的环境保护政策，北京市民表示欢迎。"),
    "ko": ("서울 소식", "서울시는 새로운 대중교통 계획을 발표했다."),
    "th": ("ข่าว", "รัฐบาลไทยประกาศนโยบายใหม่วันนี้"),
    "fr": ("Élysée", "Le président a reçu le chancelier à l'Élysée mardi."),
}


def _store(path: Path) -> Store:
    store = Store(path)
    with store.transaction():
        for lang, (title, text) in TEXTS.items():
            data = text.encode()
            raw = RawDoc(data, f"{lang}.txt", hashlib.sha256(data).hexdigest(), "text")
            article = Article(
                id=lang,
                raw_sha256=raw.sha256,
                source=raw.source,
                title=title,
                paragraphs=(text,),
                published=datetime(2022, 1, 28, tzinfo=UTC),
                lang=lang,
            )
            vec = np.ones(4, dtype=np.float32) / 2
            store.add_raw(raw)
            store.add_article(article, Embedding("m", vec, (), np.zeros((0, 4), np.float32)))
    return store


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("政府", {"ja", "zh"}),  # two characters: shorter than a trigram
        ("日本政府", {"ja"}),
        ("政府 計画", {"ja"}),  # every term must occur
        ("环境保护", {"zh"}),
        ("대중교통", {"ko"}),
        ("นโยบาย", {"th"}),
        ("発表", {"ja"}),  # in the title and the text
        ("elysee", {"fr"}),  # words still go to unicode61, diacritics folded
    ],
)
def test_text_in_unspaced_scripts_is_found(tmp_path: Path, query: str, expected: set[str]) -> None:
    with _store(tmp_path / "w.db") as store:
        hits = store.search(query)
        assert {a.id for a, _ in hits} == expected
        for _, snippet in hits:
            assert "[" in snippet and "]" in snippet


def test_trigram_index_follows_deletes_and_updates(tmp_path: Path) -> None:
    with _store(tmp_path / "w.db") as store:
        with store.transaction():
            store.conn.execute("UPDATE articles SET text = '台湾政府' WHERE id = 'zh'")
            store.remove_article("ja")
        assert {a.id for a, _ in store.search("政府")} == {"zh"}
        assert store.search("环境保护") == []


def _trigram_rows(store: Store, substring: str) -> set[int]:
    """Rows the trigram index itself holds for ``substring`` (not what the search returns)."""
    rows = store.conn.execute(
        "SELECT rowid FROM articles_trigram WHERE articles_trigram MATCH ?", (f'"{substring}"',)
    )
    return {row[0] for row in rows}


def _integrity(store: Store) -> None:
    """FTS5's own check of the trigram index against its content table (raises if broken;
    valid while every article left is one the index should hold)."""
    store.conn.execute(
        "INSERT INTO articles_trigram(articles_trigram, rank) VALUES ('integrity-check', 1)"
    )


def test_the_trigram_index_holds_only_articles_with_unspaced_scripts(tmp_path: Path) -> None:
    with _store(tmp_path / "w.db") as store:
        flagged = dict(store.conn.execute("SELECT id, unspaced FROM articles"))
        assert flagged == {"ja": 1, "zh": 1, "ko": 1, "th": 1, "fr": 0}
        assert _trigram_rows(store, "chancelier") == set()  # a Latin-script article: not held
        assert len(_trigram_rows(store, "日本政府")) == 1
        assert {a.id for a, _ in store.search("chancelier")} == {"fr"}  # words: unicode61
        with store.transaction():
            store.remove_article("fr")  # deleting a row the index never held
            store.remove_article("th")
        _integrity(store)
        assert store.search("นโยบาย") == []


def test_an_older_workspace_keeps_only_unspaced_articles_in_the_trigram_index(
    tmp_path: Path, older_workspace: Callable[[Path, str], sqlite3.Connection]
) -> None:
    path = tmp_path / "old.db"
    conn = older_workspace(path, "0013")
    for i, (lang, (title, text)) in enumerate(TEXTS.items()):
        conn.execute(
            "INSERT INTO raw_docs VALUES (?, 'x.txt', 'text', NULL, NULL, 3, 'x')", (str(i),)
        )
        conn.execute(
            "INSERT INTO articles (id, raw_sha256, source, title, text, paragraphs, lang, "
            "paragraph_langs, extractor, ingested_at) VALUES (?, ?, 'x.txt', ?, ?, '[]', ?, "
            "'[]', 'x', 'x')",
            (lang, str(i), title, text, lang),
        )
    rows = conn.execute("SELECT rowid FROM articles_trigram WHERE articles_trigram MATCH 'Élysée'")
    assert len(rows.fetchall()) == 1  # the old trigger indexed every article
    conn.close()
    with Store(path) as store:
        assert _trigram_rows(store, "Élysée") == set()
        assert dict(store.conn.execute("SELECT id, unspaced FROM articles"))["th"] == 1
        for query, expected in (("日本政府", {"ja"}), ("นโยบาย", {"th"}), ("elysee", {"fr"})):
            assert {a.id for a, _ in store.search(query)} == expected
        with store.transaction():
            store.remove_article("fr")
        _integrity(store)


@pytest.mark.parametrize("query", ['"unbalanced', "AND AND", "title:", "a NEAR("])
def test_invalid_query_is_an_input_error_with_a_hint(tmp_path: Path, query: str) -> None:
    with _store(tmp_path / "w.db") as store:
        with pytest.raises(InputError, match="invalid full-text query") as caught:
            store.search(query)
        assert "quote it" in str(caught.value)


def test_invalid_query_in_the_cli_exits_2(
    tmp_path: Path, run_cli: Callable[..., subprocess.CompletedProcess[str]]
) -> None:
    _store(tmp_path / "w.db").close()
    result = run_cli(tmp_path / "w.db", "search", '"unbalanced')
    assert result.returncode == 2
    assert "invalid full-text query" in result.stderr and "Traceback" not in result.stderr


def test_errors_page_through_300k_rows(tmp_path: Path) -> None:
    with Store(tmp_path / "w.db") as store:
        with store.transaction():
            store.conn.executemany(
                "INSERT INTO errors (source, sha256, stage, reason, at) VALUES (?, ?, ?, ?, ?)",
                (
                    (f"crawl/{i}.html", f"{i:064x}", "extract", "no main text", "now")
                    for i in range(300_000)
                ),
            )
        assert store.error_count() == 300_000
        page = store.errors(limit=50, offset=299_970)
        assert [e.source for e in page] == [f"crawl/{i}.html" for i in range(299_970, 300_000)]
        first = store.errors(limit=2)
        assert [e.sha256 for e in first] == [f"{0:064x}", f"{1:064x}"]


def test_a_query_with_many_matches_ranks_its_newest(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import storyline.store.search as search

    with Store(tmp_path / "w.db") as store:
        with store.transaction():
            for i, text in enumerate(["market market market", "market", "market", "market"]):
                data = f"{i}{text}".encode()
                raw = RawDoc(data, f"{i}.txt", hashlib.sha256(data).hexdigest(), "text")
                article = Article(
                    id=f"a{i}",
                    raw_sha256=raw.sha256,
                    source=raw.source,
                    title="",
                    paragraphs=(text,),
                )
                store.add_raw(raw)
                vec = np.ones(4, dtype=np.float32) / 2
                store.add_article(article, Embedding("m", vec, (), np.zeros((0, 4), np.float32)))
        ranked = [a.id for a, _ in store.search("market")]
        assert ranked[0] == "a0" and sorted(ranked) == ["a0", "a1", "a2", "a3"]  # best first
        monkeypatch.setattr(search, "RANKED_MATCHES", 2)
        assert sorted(a.id for a, _ in store.search("market")) == ["a2", "a3"]  # the newest two
        assert sorted(a.id for a, _ in store.search("market OR nothing")) == ["a2", "a3"]
