"""`storyline config`: show the settings, pin one, reset it; bad names and values are usage
errors, never a traceback."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

import storyline
from storyline.cli import cli


def test_config_shows_pins_and_resets(tmp_path: Path) -> None:
    db = str(tmp_path / "w.db")
    storyline.open(db).close()
    runner = CliRunner()
    shown = runner.invoke(cli, ["--db", db, "config", "--format", "jsonl"])
    assert shown.exit_code == 0, shown.output
    rows = {r["name"]: r for r in map(json.loads, shown.output.splitlines())}
    assert set(rows) == {"join_threshold", "merge_threshold", "split_threshold", "window_days"}
    assert not any(r["pinned"] for r in rows.values())

    pinned = runner.invoke(cli, ["--db", db, "config", "window_days", "7", "--format", "json"])
    assert pinned.exit_code == 0, pinned.output
    assert {r["name"]: r["value"] for r in json.loads(pinned.output)}["window_days"] == 7
    with storyline.open(db) as ws:
        assert ws.settings["window_days"] == 7.0

    reset = runner.invoke(cli, ["--db", db, "config", "window_days", "--reset", "--format", "json"])
    assert {r["name"]: r["pinned"] for r in json.loads(reset.output)}["window_days"] is False

    for args in (["nope", "1"], ["window_days", "many"], ["join_threshold", "3"], ["window_days"]):
        bad = runner.invoke(cli, ["--db", db, "config", *args])
        assert bad.exit_code == 2, (args, bad.output)
        assert "Traceback" not in bad.output
