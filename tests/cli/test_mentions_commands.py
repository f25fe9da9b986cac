"""timeline, entities, entity and reprocess: formats, exit codes, read-only habits, upgrades."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import replace
from pathlib import Path

import numpy as np
from click.testing import CliRunner, Result
from tests.test_store_mentions import DATES, ENTITIES, old_workspace

from storyline.cli import cli
from storyline.records import Story
from storyline.store import MIGRATIONS, Store


def run(*args: str) -> Result:
    result = CliRunner(env={"FORCE_COLOR": None}).invoke(cli, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result


def _annotated(tmp_path: Path, site: str = "example.org\x1b[31m") -> Path:
    """An older workspace, migrated, whose article carries hand-made mentions and a story."""
    path = tmp_path / "w.db"
    old_workspace(path)
    with Store(path) as store, store.transaction():
        article = store.article("old1")
        article = replace(article, entities=ENTITIES, dates=DATES, mentions="e+d")
        store.save_mentions("old1", article, {"per:vladimir_putin": {"путин"}})
        store.save_story(Story("s1abc", "T", 1, (), (), None, None), np.ones(4), "m", "c")
        store.assign("old1", "s1abc", None)
        store.conn.execute("UPDATE articles SET site = ? WHERE id = 'old1'", (site,))
    return path


def test_timeline_in_every_format(tmp_path: Path) -> None:
    db = str(_annotated(tmp_path))
    result = run("--db", db, "timeline", "s1", "--format", "json")
    assert result.exit_code == 0, result.output
    events = json.loads(result.stdout)
    assert [(e["date"], e["planned"]) for e in events] == [
        ("2022-01-28", False),
        ("2022-02-07", True),
    ]
    first = events[0]
    assert first["text"] == "Putin called Macron on January 28."
    assert first["sources"] == ["example.org\x1b[31m"] and first["articles"] == ["old1"]
    assert {e["name"] for e in first["entities"]} == {"Vladimir Putin", "Emmanuel Macron"}
    assert events[1]["places"][0]["country"] == "RU"
    lines = run("--db", db, "timeline", "s1abc", "--format", "jsonl").stdout.splitlines()
    assert [json.loads(line) for line in lines] == events
    rows = list(
        csv.DictReader(io.StringIO(run("--db", db, "timeline", "s1", "--format", "csv").stdout))
    )
    assert rows[1]["planned"] == "true" and json.loads(rows[1]["sources"]) == first["sources"]
    piped = run("--db", db, "timeline", "s1").stdout
    assert "\x1b" not in piped and "\\x1b" in piped  # scraped text shown, never obeyed


def test_entities_and_entity_by_any_spelling(tmp_path: Path) -> None:
    db = str(_annotated(tmp_path))
    listed = json.loads(run("--db", db, "entities", "s1", "--format", "json").stdout)
    assert {(e["id"], e["mentions"], e["type"]) for e in listed} == {
        ("per:vladimir_putin", 1, "PER"),
        ("per:emmanuel_macron", 1, "PER"),
        ("loc:524901", 1, "LOC"),
    }
    assert all(e["articles"] == ["old1"] and e["languages"] == ["en"] for e in listed)
    found = json.loads(run("--db", db, "entity", "путин", "--format", "json").stdout)
    assert [e["id"] for e in found["entities"]] == ["per:vladimir_putin"]
    assert [s["id"] for s in found["stories"]] == ["s1abc"]
    assert [(e["story"], e["date"]) for e in found["events"]] == [("s1abc", "2022-01-28")]
    missing = run("--db", db, "entity", "Nobody At All")
    assert missing.exit_code == 3 and "storyline entities" in missing.stderr


def test_read_only_commands_never_create_a_workspace_and_name_missing_ids(tmp_path: Path) -> None:
    nowhere = tmp_path / "none.db"
    for args in (("timeline", "s1"), ("entities", "s1"), ("entity", "Putin"), ("reprocess",)):
        assert run("--db", str(nowhere), *args).exit_code == 6
    assert not nowhere.exists()
    db = str(_annotated(tmp_path))
    assert run("--db", db, "timeline", "zzz").exit_code == 3
    assert run("timeline", "s1", "--db", db, "--format", "json").exit_code == 0


def test_reprocess_upgrades_an_older_workspace(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    old_workspace(path)
    result = run("--db", str(path), "reprocess", "--format", "json")
    assert result.exit_code == 0, result.output
    assert set(json.loads(result.stdout)) == {"reprocessed", "mentions"}
    with Store(path, create=False, readonly=True) as store:
        names = [r[0] for r in store.conn.execute("SELECT name FROM migrations")]
        assert "0005_mentions" in names and names[-1] == MIGRATIONS[-1][0]
        assert store.article("old1").paragraphs  # the article is still there
