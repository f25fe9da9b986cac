"""``storyline compare STORY`` in every format, on a real workspace whose scraped text holds
terminal-driving characters (ANSI escapes, CR, C1, bidi overrides)."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

import storyline
from storyline.cli import cli

ODD = "\x1b[2J\x1b]8;;https://evil.example\x07click\x1b]8;;\x07 \r back \x85 \u202eevil\u202c"
RECORDS = [
    {
        "id": "en-1",
        "lang": "en",
        "site": "daily.example",
        "published": "2026-03-02T08:00:00+00:00",
        "title": "Harbour bridge reopens after two years of repairs",
        "text": (
            "The harbour bridge reopened to traffic on Monday after two years of repairs.\n\n"
            "The city spent 40 million euros on new steel cables and a wider footpath.\n\n"
            "Mayor Anna Berg said the bridge would carry 30,000 cars a day.\n\n"
            f"Cyclists will get a separate lane of their own from the summer onwards {ODD}."
        ),
    },
    {
        "id": "de-1",
        "lang": "de",
        "site": "zeitung.example",
        "published": "2026-03-02T10:00:00+00:00",
        "title": "Hafenbrücke nach zwei Jahren Reparatur wieder offen",
        "text": (
            "Die Hafenbrücke ist am Montag nach zwei Jahren Reparatur wieder für den Verkehr "
            "freigegeben worden.\n\n"
            "Die Stadt gab 40 Millionen Euro für neue Stahlseile und einen breiteren Gehweg "
            "aus.\n\n"
            "Bürgermeisterin Anna Berg sagte, die Brücke werde täglich 30.000 Autos tragen.\n\n"
            "Anwohner hatten sich seit Monaten über Staus in der Innenstadt beschwert."
        ),
    },
]


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    root = tmp_path_factory.mktemp("compare-cli")
    jsonl = root / "bridge.jsonl"
    jsonl.write_text("".join(json.dumps(r) + "\n" for r in RECORDS), encoding="utf-8")
    db = root / "w.db"
    with storyline.open(db) as ws:
        ws.ingest(jsonl)
        story = max(ws.stories(), key=lambda s: s.size)
    return db, story.id


def run(*args: str, terminal: bool = False) -> Result:
    env = {"FORCE_COLOR": "1" if terminal else None, "COLUMNS": "160"}
    result = CliRunner(env=env).invoke(cli, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result


def test_jsonl_is_one_fact_per_line(workspace: tuple[Path, str]) -> None:
    db, story = workspace
    result = run("--db", str(db), "compare", story, "--format", "jsonl")
    assert result.exit_code == 0, result.output
    facts = [json.loads(line) for line in result.output.splitlines()]
    assert facts
    for fact in facts:
        assert {"text", "sources", "statements"} <= set(fact)
        assert fact["text"] in {s["text"] for s in fact["statements"]}
        assert set(fact["sources"]) == {s["article"] for s in fact["statements"]}
        assert set(fact["sources"]) <= {"en-1", "de-1"}
    # the exact scraped text survives in machine output
    assert any("\x1b[2J" in s["text"] for f in facts for s in f["statements"])


def test_json_is_the_whole_comparison(workspace: tuple[Path, str]) -> None:
    db, story = workspace
    result = run("--db", str(db), "compare", story, "--format", "json")
    assert result.exit_code == 0, result.output
    assert "\x1b" not in result.output and "\u202e" not in result.output
    data = json.loads(result.output)
    assert data["story"] == story
    assert data["capped"] is False and data["left_out"] == []
    for article, indexes in data["only"].items():
        assert all(data["facts"][i]["sources"] == [article] for i in indexes)


def test_csv_has_the_jsonl_fields(workspace: tuple[Path, str]) -> None:
    db, story = workspace
    jsonl = run("--db", str(db), "compare", story, "--format", "jsonl").output.splitlines()
    result = run("--db", str(db), "compare", story, "--format", "csv")
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.output, newline="")))
    assert [r["text"] for r in rows] == [json.loads(line)["text"] for line in jsonl]
    assert all(json.loads(r["statements"]) for r in rows)


@pytest.mark.parametrize("terminal", [False, True])
def test_table_is_terminal_safe(workspace: tuple[Path, str], terminal: bool) -> None:
    db, story = workspace
    result = run("--db", str(db), "compare", story, terminal=terminal)
    assert result.exit_code == 0, result.output
    for raw in ("\x1b[2J", "\x1b]8;", "\x07", "\r", "\x85", "\u202e"):
        assert raw not in result.output, repr(raw)
    if not terminal:  # piped: whole rows, tab-separated, with escapes for the controls
        rows = [line.split("\t") for line in result.output.splitlines()]
        assert all(len(r) == 5 for r in rows)
        assert any("\\x1b[2J" in r[-1] and "\\u202e" in r[-1] for r in rows)


def test_unknown_story_exits_3(workspace: tuple[Path, str]) -> None:
    db, _ = workspace
    assert run("--db", str(db), "compare", "no-such-story").exit_code == 3
