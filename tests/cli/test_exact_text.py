"""Every command x every format shows hostile scraped text faithfully or visibly neutralised:
never parsed as markup, never driving the terminal, exact in JSON / CSV / TSV."""

from __future__ import annotations

import csv
import io
import json
import os
import pty
import re
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from odd_text import Odd

import storyline
from storyline.cli import cli

# Raw characters no human view may pass to a terminal (tab and newline are fine).
UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
SGR = re.compile(r"\x1b\[[0-9;]*m")  # rich's own styling when it writes to a terminal

LISTINGS = (["stories"], ["articles"], ["search", "robbed"], ["errors"])
LISTING_FORMATS = ("json", "jsonl", "csv", "tsv")


def run(odd: Odd, *args: str, terminal: bool = False) -> Result:
    env = {"FORCE_COLOR": "1", "COLUMNS": "160"} if terminal else {"FORCE_COLOR": None}
    result = CliRunner(env={"NO_COLOR": None, **env}).invoke(cli, ["--db", str(odd.db), *args])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    assert "Traceback" not in result.output and "MarkupError" not in result.output
    return result


def human(output: str) -> str:
    """A human view with rich's styling removed; fails on any raw control character left."""
    text = SGR.sub("", output)
    found = UNSAFE.search(text)
    assert found is None, f"raw {found.group()!r} in: {text[max(0, found.start() - 40) :]!r}"
    return text


def parse(output: str, fmt: str) -> list[dict[str, str]]:
    """The rows of a machine-readable output (JSON values or CSV / TSV strings)."""
    if fmt == "json":
        rows = json.loads(output)
        return rows if isinstance(rows, list) else [rows]
    if fmt == "jsonl":
        return [json.loads(line) for line in output.splitlines()]
    return list(csv.DictReader(io.StringIO(output), delimiter="\t" if fmt == "tsv" else ","))


def records(odd: Odd) -> dict[str, storyline.Article]:
    with storyline.open(odd.db, create=False) as ws:
        return {a.id: a for a in ws.articles()}


def story_id(odd: Odd) -> str:
    with storyline.open(odd.db, create=False) as ws:
        return ws.stories()[0].id


def test_the_fixture_keeps_the_hostile_text(odd: Odd) -> None:
    title = records(odd)[odd.record_id].title
    for piece in ("[sic]", "[/x]", "[bold]", "\x1b[2J", "\r", "\x00", "\x85", "\u202e", "\u200f"):
        assert piece in title


@pytest.mark.parametrize("terminal", [False, True], ids=["piped", "terminal"])
@pytest.mark.parametrize("command", [*LISTINGS, ["show"], ["article"]], ids=lambda c: c[0])
def test_human_views_neutralise_and_keep_markup_text(
    odd: Odd, command: list[str], terminal: bool
) -> None:
    if command == ["show"]:
        command = ["show", story_id(odd)]
    elif command == ["article"]:
        command = ["article", odd.record_id]
    result = run(odd, *command, terminal=terminal)
    assert result.exit_code == 0, result.output
    text = human(result.output)
    if command[0] == "errors":
        assert "[bold]" in text and "\\x1b[2J" in text  # the file name, visibly neutralised
    else:
        assert "[sic]" in text  # the markup-looking text is not eaten
        if not terminal or command[0] in ("show", "article"):  # whole, nothing cut
            assert "[/x] [bold]loud[/bold] \\x1b[2J\\r back\\x00 nul \\x85 \\u202eevil" in text
            assert "\u200fمرحبا café\u0301 Ω\u0303" in text  # RTL, RLM, combining: faithful


@pytest.mark.parametrize("fmt", LISTING_FORMATS)
@pytest.mark.parametrize("command", LISTINGS, ids=lambda c: c[0])
def test_machine_listings_carry_the_exact_strings(odd: Odd, command: list[str], fmt: str) -> None:
    result = run(odd, *command, "--format", fmt)
    assert result.exit_code == 0, result.output
    if fmt in ("json", "jsonl"):
        assert UNSAFE.search(result.output) is None  # escaped: `cat` cannot drive a terminal
    rows = parse(result.output, fmt)
    if command[0] == "errors":
        assert any(r["source"].endswith("empty [bold]\x1b[2J.txt") for r in rows)
        return
    articles = records(odd)
    assert {r["title"] for r in rows} <= {a.title for a in articles.values()}
    assert articles[odd.record_id].title in {r["title"] for r in rows}


@pytest.mark.parametrize("fmt", ["json", "jsonl"])
@pytest.mark.parametrize("command", ["show", "article"])
def test_single_objects_are_exact(odd: Odd, command: str, fmt: str) -> None:
    ident = story_id(odd) if command == "show" else odd.record_id
    result = run(odd, command, ident, "--format", fmt)
    assert result.exit_code == 0, result.output
    assert UNSAFE.search(result.output) is None
    obj = json.loads(result.output)
    assert isinstance(obj, dict)
    record = records(odd)[odd.record_id]
    got = obj if command == "article" else {a["id"]: a for a in obj["articles"]}[odd.record_id]
    assert got["title"] == record.title and got["text"] == record.text and got["url"] == record.url


@pytest.mark.parametrize("fmt", ["table", "txt", "markdown", "json", "jsonl", "csv", "tsv"])
def test_extract_every_format(odd: Odd, fmt: str) -> None:
    result = run(odd, "extract", str(odd.jsonl), str(odd.html), "--format", fmt)
    assert result.exit_code == 0, result.output
    title = records(odd)[odd.record_id].title
    if fmt in ("json", "jsonl", "csv", "tsv"):
        assert fmt.startswith("c") or fmt.startswith("t") or not UNSAFE.search(result.output)
        assert title in {r["title"] for r in parse(result.output, fmt)}
    else:  # piped text is exact (like trafilatura); tables are neutralised
        assert ("[sic]" in result.output) and (fmt != "table" or human(result.output))
        if fmt != "table":
            assert title in result.output


def test_extract_on_a_terminal_neutralises_txt(odd: Odd) -> None:
    result = run(odd, "extract", str(odd.jsonl), "--format", "txt", terminal=True)
    assert "[sic]" in human(result.output) and "\\x1b[2J" in result.output


def _cli(*args: str, out: int | None = None) -> subprocess.CompletedProcess[bytes]:
    """A real ``python -m storyline`` run; output captured, or written to the fd ``out`` (a
    terminal 160 columns wide)."""
    env = {k: v for k, v in os.environ.items() if k not in ("FORCE_COLOR", "NO_COLOR")}
    env["COLUMNS"] = "160"
    env["PYTHONPATH"] = os.pathsep.join(sys.path)
    streams = {"capture_output": True} if out is None else {"stdout": out, "stderr": out}
    return subprocess.run(
        [sys.executable, "-m", "storyline", *args], env=env, timeout=120, check=False, **streams
    )


def test_subprocess_ingest_of_an_odd_directory_and_piped_listings(odd: Odd, tmp_path: Path) -> None:
    db = str(tmp_path / "again.db")
    done = _cli("--db", db, "ingest", str(odd.root / "odd[" / "x]"))
    assert done.returncode == 10, done.stderr  # the empty file failed, the rest was stored
    err = done.stderr.decode()
    assert "Traceback" not in err and UNSAFE.search(err) is None
    assert "empty [bold]\\x1b[2J.txt" in err and "exit 10: some documents failed" in err
    assert f"storyline --db {db} errors" in err
    assert "new 2" in done.stdout.decode()
    for command in (["stories"], ["errors"]):  # the rest is covered in-process above
        done = _cli("--db", db, *command)
        assert done.returncode == 0, done.stderr
        human(done.stdout.decode())
    done = _cli("--db", db, "search", "robbed", "--format", "json")
    titles = {hit["title"] for hit in json.loads(done.stdout)}
    assert records(odd)[odd.record_id].title in titles


def test_a_real_terminal_sees_no_raw_control_characters(odd: Odd) -> None:
    primary, replica = pty.openpty()
    try:
        done = _cli("--db", str(odd.db), "stories", out=replica)
    finally:
        os.close(replica)
    chunks = []
    while True:
        try:
            chunk = os.read(primary, 65536)
        except OSError:  # the terminal closed: everything is read
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(primary)
    assert done.returncode == 0
    text = human(b"".join(chunks).decode().replace("\r\n", "\n"))
    assert "1 stories" in text and "[sic]" in text
