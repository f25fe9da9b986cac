"""The ingest summary says what happened beyond the counts: ids that were taken, and articles in
languages storyline names but does not embed."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from storyline.cli import cli

GREEK = (
    "Η κυβέρνηση ανακοίνωσε σήμερα νέα μέτρα για τη στήριξη των νοικοκυριών. Ο υπουργός "
    "Οικονομικών δήλωσε ότι τα μέτρα θα ισχύσουν από τον επόμενο μήνα και θα αφορούν "
    "περισσότερες από δύο εκατομμύρια οικογένειες σε όλη τη χώρα."
)
ENGLISH = (
    "The city council approved the new budget on Tuesday after a long debate. The mayor said "
    "the plan would fund repairs to three bridges and two schools over the next year."
)


def test_unsupported_languages_and_taken_ids_are_reported(tmp_path: Path) -> None:
    records = [
        {"id": "a1", "title": "Νέα μέτρα στήριξης", "text": GREEK},
        {"id": "b1", "title": "Council approves budget", "text": ENGLISH},
        {"id": "b1", "title": "Council approves budget, again", "text": ENGLISH + " Update."},
    ]
    feed = tmp_path / "in.jsonl"
    feed.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in records) + "\n")
    db = str(tmp_path / "w.db")

    result = CliRunner().invoke(cli, ["--db", db, "ingest", "-q", str(feed), "--format", "json"])
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert summary["unsupported_languages"] == {"el": 1}
    assert [r["id"] for r in summary["renamed"]] == ["b1"]

    again = tmp_path / "again.jsonl"
    lines = [
        {"id": "b1", "text": ENGLISH + " Second update."},
        {"id": "a2", "text": GREEK + " Ναι."},
    ]
    again.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in lines) + "\n")
    result = CliRunner().invoke(cli, ["--db", db, "ingest", "-q", str(again)])
    assert result.exit_code == 0, result.output
    assert "id 'b1' was taken, stored as 'b1~" in result.stderr
    assert "1 articles in languages storyline does not embed (el 1)" in result.stderr
