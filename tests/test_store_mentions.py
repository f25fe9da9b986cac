"""Mention rows in the store: migration of an older workspace, round trip, entity reads."""

from __future__ import annotations

import hashlib
import json
import sqlite3
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from storyline.records import Article, DateMention, Embedding, EntityMention, RawDoc, Story
from storyline.store import APPLICATION_ID, MIGRATIONS, Store
from storyline.store.schema import _statements

TEXT = ("Putin called Macron on January 28.", "They will meet in Moscow on February 7.")
ENTITIES = (
    EntityMention("Putin", 0, 5, "PER", "per:vladimir_putin", "Vladimir Putin"),
    EntityMention("Macron", 13, 19, "PER", "per:emmanuel_macron", "Emmanuel Macron"),
    EntityMention("Moscow", 54, 60, "LOC", "loc:524901", "Moscow", "RU", 55.75, 37.62),
)
DATES = (
    DateMention("January 28", 23, 33, "2022-01-28", "day"),
    DateMention("February 7", 64, 74, "2022-02-07", "day", planned=True),
)


def old_workspace(path: Path) -> None:
    """A workspace as the previous version (migrations 0001-0004) wrote it, with one article."""
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("CREATE TABLE migrations (name TEXT PRIMARY KEY, applied_at TEXT)")
    for name, sql in MIGRATIONS[:4]:
        for statement in _statements(sql):
            conn.execute(statement)
        conn.execute("INSERT INTO migrations VALUES (?, '2026-11-01T00:00:00+00:00')", (name,))
    conn.execute(f"PRAGMA application_id={APPLICATION_ID}")
    conn.execute("PRAGMA user_version=4")
    conn.execute("INSERT INTO raw_docs VALUES ('ab', 'old.txt', 'text', NULL, NULL, 3, 'x')")
    conn.execute(
        "INSERT INTO articles (id, raw_sha256, source, title, text, paragraphs, lang, "
        "paragraph_langs, extractor, ingested_at) VALUES ('old1', 'ab', 'old.txt', 'T', ?, ?, "
        "'en', '[\"en\", \"en\"]', 'x', 'x')",
        ("\n\n".join(TEXT), json.dumps(list(TEXT))),
    )
    conn.close()


def _stored(store: Store, article_id: str = "a1") -> Article:
    data = f"raw {article_id}".encode()
    raw = RawDoc(data, "a.txt", hashlib.sha256(data).hexdigest(), "text")
    article = Article(
        id=article_id,
        raw_sha256=raw.sha256,
        source="a.txt",
        title="Putin and Macron",
        paragraphs=TEXT,
        published=datetime(2022, 1, 28, tzinfo=UTC),
        site="example.com",
        lang="en",
        entities=ENTITIES,
        dates=DATES,
        mentions="entities-1+dates-1",
    )
    vec = np.ones(4, dtype=np.float32) / 2
    with store.transaction():
        store.add_raw(raw)
        stored_as = store.add_article(article, Embedding("m", vec, (), np.zeros((0, 4))))
        store.save_mentions(stored_as, article, {"per:vladimir_putin": {"putin", "путин"}})
    return article


def test_an_older_workspace_is_migrated_and_keeps_its_articles(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    old_workspace(path)
    with Store(path) as store:
        names = [r[0] for r in store.conn.execute("SELECT name FROM migrations")]
        assert "0005_mentions" in names and names[-1] == MIGRATIONS[-1][0]
        old = store.article("old1")
        assert old.paragraphs == TEXT
        assert (old.mentions, old.entities, old.dates) == ("", (), ())
        assert store.stale("entities-1+dates-1", 10) == ["old1"]
        # the stage's results for it go in and come back, offsets into the stored text
        store.save_mentions("old1", _with(old))
        again = store.article("old1")
        assert again.entities == ENTITIES and again.dates == DATES
        assert all(again.text[m.start : m.end] == m.text for m in again.entities + again.dates)
        assert store.stale("entities-1+dates-1", 10) == []
        assert store.stale_count("entities-2+dates-1") == 1


def _with(article: Article) -> Article:
    return replace(article, entities=ENTITIES, dates=DATES, mentions="entities-1+dates-1")


def test_mentions_round_trip_and_are_replaced_not_added(tmp_path: Path) -> None:
    with Store(tmp_path / "w.db") as store:
        article = _stored(store)
        back = store.article("a1")
        assert back.entities == article.entities and back.dates == article.dates
        assert back.mentions == "entities-1+dates-1"
        assert back.to_dict()["dates"][1] == {
            "text": "February 7",
            "start": 64,
            "end": 74,
            "value": "2022-02-07",
            "granularity": "day",
            "planned": True,
            "year_known": True,
        }
        store.save_mentions("a1", article)  # a reprocess run writes them again
        assert store.article("a1").entities == ENTITIES
        count = store.conn.execute("SELECT count(*) FROM entity_mentions").fetchone()[0]
        assert count == len(ENTITIES)
        store.remove_article("a1")
        assert store.conn.execute("SELECT count(*) FROM date_mentions").fetchone()[0] == 0


def test_entities_of_a_story_and_lookup_by_key(tmp_path: Path) -> None:
    with Store(tmp_path / "w.db") as store:
        _stored(store)
        with store.transaction():
            store.save_story(_story("s1"), np.ones(4, dtype=np.float32), model="m", clusterer="c")
            store.assign("a1", "s1", None)
        summary = store.story_entities("s1")
        assert [(e.name, e.mentions, e.articles, e.languages) for e in summary] == [
            ("Emmanuel Macron", 1, ("a1",), ("en",)),
            ("Moscow", 1, ("a1",), ("en",)),
            ("Vladimir Putin", 1, ("a1",), ("en",)),
        ]
        moscow = next(e for e in summary if e.type == "LOC")
        assert (moscow.country, moscow.lat, moscow.lon) == ("RU", 55.75, 37.62)
        assert store.entity_ids(["путин"]) == ["per:vladimir_putin"]
        assert store.entity_ids(["loc:524901"]) == ["loc:524901"]  # an id finds itself
        assert store.entity_ids(["nobody"]) == []
        assert store.entity_stories(["per:vladimir_putin"]) == ["s1"]


def _story(story_id: str) -> Story:
    return Story(story_id, "t", 1, (), (), None, None)


def test_the_views_show_mentions_with_their_story(tmp_path: Path) -> None:
    with Store(tmp_path / "w.db") as store:
        _stored(store)
        rows = store.conn.execute(
            "SELECT entity_id, name, article_id, char_start, char_end FROM entity_view "
            "ORDER BY char_start LIMIT 1"
        ).fetchall()
        assert [tuple(r) for r in rows] == [("per:vladimir_putin", "Vladimir Putin", "a1", 0, 5)]
        dated = store.conn.execute("SELECT value, planned FROM date_view ORDER BY value")
        assert [tuple(r) for r in dated] == [("2022-01-28", 0), ("2022-02-07", 1)]


def test_stories_filtered_by_entity_are_the_same_either_way_they_are_found(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import storyline.store.stories as store_module
    from storyline.query import Filters

    with Store(tmp_path / "w.db") as store:
        _stored(store)  # a1: Putin, Macron, Moscow
        _stored(store, "a2")
        with store.transaction():
            for i in range(1, 4):
                vec = np.ones(4, dtype=np.float32)
                store.save_story(_story(f"s{i}"), vec, model="m", clusterer="c")
            store.assign("a1", "s1", None)
            store.assign("a2", "s3", None)
        wanted = Filters(entities=("per:vladimir_putin", "loc:524901"), order="newest")
        found = []
        for drive in (1, 10**6):  # walking the stories / from the entity index
            monkeypatch.setattr(store_module, "DRIVE_BY_STORIES", drive)
            found.append([s.id for s in store.find_stories(wanted, members=False)])
        assert found[0] == found[1] and sorted(found[0]) == ["s1", "s3"]
        nobody = Filters(entities=("per:nobody",))
        assert store.find_stories(nobody) == []


def test_reads_by_article_id_take_story_and_language_from_the_id_index(
    tmp_path: Path, older_workspace: Any
) -> None:
    """An older workspace gains ``articles_by_id`` (0014); the entity reads that look articles
    up by id use it as a covering index, not the rows (whose text comes first)."""
    path = tmp_path / "old.db"
    older_workspace(path, "0014").close()
    with Store(path) as store:
        names = {r[0] for r in store.conn.execute("SELECT name FROM sqlite_master")}
        assert "articles_by_id" in names
        _stored(store)
        with store.transaction():
            store.save_story(_story("s1"), np.ones(4, dtype=np.float32), model="m", clusterer="c")
            store.assign("a1", "s1", None)
        sent: list[str] = []
        store.conn.set_trace_callback(sent.append)
        assert store.entity_stories(["per:vladimir_putin"]) == ["s1"]
        summaries = store.entity_summaries(["loc:524901"])
        store.conn.set_trace_callback(None)
        assert [(s.id, s.name) for s in summaries] == [("loc:524901", "Moscow")]
        joins = [q for q in sent if "JOIN articles" in q]
        assert len(joins) == 2
        for query in joins:  # planned as SQLite plans the statements the store sent
            plan = " ".join(r[3] for r in store.conn.execute("EXPLAIN QUERY PLAN " + query))
            assert "COVERING INDEX articles_by_id" in plan, plan
