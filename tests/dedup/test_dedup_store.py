"""Reprint rows in the store: an older workspace migrates (``0007_reprints`` after
``0006_part_vectors``) and ``reprocess`` fingerprints and links its articles; removing an
original hands its group to the next earliest member; ``show`` marks each copy."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from pathlib import Path
from subprocess import CompletedProcess

from tests.test_store_mentions import old_workspace

import storyline
from storyline import dedup
from storyline.store import MIGRATIONS

TEXT = (
    "Russian President Vladimir Putin and French President Emmanuel Macron spoke by phone on "
    "Friday about security guarantees in Europe, the Kremlin said in a statement.",
    "The two leaders agreed to continue the dialogue and to meet in Moscow on February 7, "
    "according to officials in both capitals who briefed reporters after the call.",
)


def test_migration_order() -> None:
    names = [name for name, _ in MIGRATIONS]
    assert names.index("0007_reprints") == names.index("0006_part_vectors") + 1


def test_an_older_workspace_migrates_and_reprocess_links_its_reprints(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    old_workspace(path)  # migrations 0001-0004, one article "old1"
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("INSERT INTO raw_docs VALUES ('cd', 'old2.txt', 'text', NULL, NULL, 3, 'x')")
    conn.execute(
        "INSERT INTO articles (id, raw_sha256, source, title, text, paragraphs, published, lang, "
        "paragraph_langs, extractor, ingested_at) VALUES ('old0', 'cd', 'old2.txt', 'Other', ?, "
        "?, '2022-01-27', 'en', '[\"en\", \"en\"]', 'x', 'x')",
        ("\n\n".join(TEXT), json.dumps(["(AFP) " + TEXT[0], TEXT[1]])),
    )
    conn.execute(
        "UPDATE articles SET paragraphs = ?, published = '2022-01-28' WHERE id = 'old1'",
        (json.dumps(list(TEXT)),),
    )
    conn.close()
    with storyline.open(path) as ws:
        names = [r[0] for r in ws.store.conn.execute("SELECT name FROM migrations")]
        assert "0007_reprints" in names and names[-1] == MIGRATIONS[-1][0]
        assert ws.store.unfingerprinted_count(dedup.VERSION) == 2
        assert ws.reprocess() == 2
        assert ws.store.unfingerprinted_count(dedup.VERSION) == 0
        # old0 is the earlier one: the original, whatever order reprocess took them in
        assert {a.id: a.copy_of for a in ws.articles()} == {"old0": None, "old1": "old0"}
        assert ws.reprocess() == 0


def test_removing_the_original_hands_the_group_on(tmp_path: Path) -> None:
    lines = [
        {"id": "a", "title": "A", "text": "\n\n".join(TEXT), "published": "2022-01-28"},
        {"id": "b", "title": "B", "text": "(dpa) " + "\n\n".join(TEXT), "published": "2022-01-29"},
        {"id": "c", "title": "C", "text": "\n\n".join(TEXT) + "\n\nAds", "published": "2022-01-30"},
    ]
    path = tmp_path / "in.jsonl"
    path.write_text("".join(json.dumps(x) + "\n" for x in lines), "utf-8")
    with storyline.open(tmp_path / "ws.db") as ws:
        ws.ingest(path)
        assert {a.id: a.copy_of for a in ws.articles()} == {"a": None, "b": "a", "c": "a"}
        with ws.store.transaction():
            ws.store.remove_article("a")
        assert {a.id: a.copy_of for a in ws.articles()} == {"b": None, "c": "b"}


def test_show_marks_each_copy_and_stories_count_independent(
    tmp_path: Path, run_cli: Callable[..., CompletedProcess[str]]
) -> None:
    lines = [
        {"id": "first", "title": "A", "text": "\n\n".join(TEXT), "published": "2022-01-28"},
        {"id": "again", "title": "B", "text": "\n\n".join(TEXT), "published": "2022-01-29"},
    ]
    path = tmp_path / "in.jsonl"
    path.write_text("".join(json.dumps(x) + "\n" for x in lines), "utf-8")
    db = tmp_path / "ws.db"
    assert run_cli(db, "ingest", str(path)).returncode == 0
    (story,) = json.loads(run_cli(db, "stories", "--format", "json").stdout)
    assert (story["size"], story["independent"]) == (2, 1)
    shown = run_cli(db, "show", story["id"]).stdout
    assert "2 articles, 1 independent" in shown
    assert "copy of first" in shown
    members = json.loads(run_cli(db, "show", story["id"], "--format", "json").stdout)["articles"]
    assert {m["id"]: m["copy_of"] for m in members} == {"first": None, "again": "first"}
