"""The workspace as standard SQLite tools see it: readable views (sqlite-utils, pandas), a
schema document that names every table, view and column, and duplicate ids reported."""

from __future__ import annotations

import json
import re
import sqlite3
from pathlib import Path

import pandas as pd
import pytest
import sqlite_utils

import storyline

ROOT = Path(__file__).resolve().parents[1]
TEXTS = [
    "The harbour authority said the ferry service between the two islands would resume next "
    "week after repairs to the northern pier. Engineers replaced twelve concrete pillars.",
    "The harbour authority confirmed on Tuesday that ferries between the islands will run "
    "again next week, once the repairs to the damaged northern pier are complete.",
    "The city council approved a new budget for public libraries on Monday, adding evening "
    "hours and funding for children's reading programmes across every district.",
]


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("views")
    path = folder / "items.jsonl"
    records = [
        {
            "id": "ferry-1",
            "title": "Ferries resume",
            "text": TEXTS[0],
            "site": "a.example",
            "published": "2022-01-28T09:30:00+01:00",
        },
        {
            "id": "ferry-2",
            "title": "Ferry service back",
            "text": TEXTS[1],
            "site": "b.example",
            "published": "2022-01-28T12:00:00+00:00",
        },
        {"id": "ferry-1", "title": "Library budget", "text": TEXTS[2], "site": "c.example"},
    ]
    path.write_text("".join(json.dumps(r) + "\n" for r in records))
    with storyline.open(folder / "w.db") as ws:
        report = ws.ingest(path)
        assert report.new == 3
        # the taken id is reported, not silently renamed
        assert [(r.id, r.stored_as.split("~")[0]) for r in report.renamed] == [
            ("ferry-1", "ferry-1")
        ]
        assert report.to_dict()["renamed"][0]["stored_as"].startswith("ferry-1~")
    return folder / "w.db"


def test_sqlite_utils_reads_a_story_through_the_views(workspace: Path) -> None:
    db = sqlite_utils.Database(workspace)
    assert {"article_view", "story_articles", "story_summary"} <= set(db.view_names())
    ferry = next(db["article_view"].rows_where("id = ?", ["ferry-1"]))
    assert ferry["published_utc"] == "2022-01-28T08:30:00Z"
    members = list(db["story_articles"].rows_where("story_id = ?", [ferry["story_id"]]))
    assert sorted(m["article_id"] for m in members) == ["ferry-1", "ferry-2"]
    summary = next(db["story_summary"].rows_where("id = ?", [ferry["story_id"]]))
    assert summary["size"] == 2
    assert sorted(summary["sites"].split(",")) == ["a.example", "b.example"]
    assert summary["first_date_utc"] == "2022-01-28T08:30:00Z"


def test_pandas_reads_views_with_utc_dates(workspace: Path) -> None:
    with sqlite3.connect(workspace) as conn:
        frame = pd.read_sql("SELECT * FROM story_articles", conn)
    assert len(frame) == 3
    when = pd.to_datetime(frame["published_utc"], utc=True)  # never mixed naive/aware
    assert str(when.dt.tz) == "UTC"
    assert when.notna().sum() == 2


def test_schema_doc_names_every_table_view_and_column(workspace: Path) -> None:
    doc = (ROOT / "docs" / "schema.md").read_text()
    with sqlite3.connect(workspace) as conn:
        objects = conn.execute(
            "SELECT name, type FROM sqlite_master WHERE type IN ('table', 'view') "
            "AND name NOT LIKE 'sqlite_%' AND name NOT LIKE 'articles_fts_%' "
            "AND name NOT LIKE 'articles_trigram_%'"
        ).fetchall()
        for name, _ in objects:
            heading = re.search(rf"^### `{name}`.*$", doc, re.M)
            assert heading, f"{name} not documented"
            section = re.split(r"^##", doc[heading.end() :], maxsplit=1, flags=re.M)[0]
            for column in conn.execute(f"PRAGMA table_info({name})"):
                assert f"| `{column[1]}` |" in section, (name, column[1])
