from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

from storyline.cli import cli


def test_cli_round_trip_on_the_seeds(tmp_path: Path, seeds_dir: Path) -> None:
    db = str(tmp_path / "cli.db")
    runner = CliRunner()
    result = runner.invoke(cli, ["--db", db, "ingest", "-q", str(seeds_dir)])
    assert result.exit_code == 0, result.output
    assert "new 2" in result.output

    result = runner.invoke(cli, ["--db", db, "stories", "--format", "jsonl"])
    stories = [json.loads(line) for line in result.output.splitlines()]
    assert len(stories) == 1 and len(stories[0]["articles"]) == 2
    story_id = stories[0]["id"]

    result = runner.invoke(cli, ["--db", db, "show", story_id, "--format", "json"])
    shown = json.loads(result.output)  # a single object, not a one-element list
    assert {a["lang"] for a in shown["articles"]} == {"en"}

    result = runner.invoke(cli, ["--db", db, "stories"])  # piped: one tab-separated row
    assert result.output.splitlines()[0].split("\t")[0] == story_id

    result = runner.invoke(cli, ["--db", db, "search", "Peskov", "--format", "jsonl"])
    hits = [json.loads(line) for line in result.output.splitlines()]
    assert len(hits) == 1 and hits[0]["story_id"] == story_id

    result = runner.invoke(cli, ["--db", db, "show", "nope"])
    assert result.exit_code == 3
    assert "no story 'nope'" in result.output


def test_extract_jsonl_contract(seeds_dir: Path) -> None:
    result = CliRunner().invoke(cli, ["extract", "--format", "jsonl", str(seeds_dir)])
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in result.output.splitlines()]
    assert len(rows) == 2
    for row in rows:
        assert {"source", "title", "text", "lang", "published"} <= row.keys()
        assert "Macron" in row["text"]


def test_ingest_exit_code_and_errors_listing(tmp_path: Path) -> None:
    (tmp_path / "empty.txt").write_bytes(b"")
    db = str(tmp_path / "e.db")
    runner = CliRunner()
    result = runner.invoke(cli, ["--db", db, "ingest", "-q", str(tmp_path / "empty.txt")])
    assert result.exit_code == 11  # every document failed
    result = runner.invoke(cli, ["--db", db, "errors", "--format", "json"])
    errors = json.loads(result.output)
    assert len(errors) == 1 and errors[0]["source"].endswith("empty.txt")


def test_python_dash_m_works() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "storyline", "--help"], capture_output=True, text=True, check=True
    )
    assert "ingest" in done.stdout and "stories" in done.stdout


def test_read_only_commands_never_create_a_workspace(tmp_path: Path) -> None:
    db = tmp_path / "typo.db"
    for command in (["stories"], ["errors"], ["search", "x"], ["show", "s1"]):
        result = CliRunner().invoke(cli, ["--db", str(db), *command])
        assert result.exit_code == 6, (command, result.output)
        assert "no workspace at" in result.output and str(db) in result.output
    assert not db.exists()
