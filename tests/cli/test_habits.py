"""CLI habits: --db anywhere, filters, id prefixes, single objects, logging, NO_COLOR,
extract like trafilatura (stdin, -o DIR, formats)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from odd_text import SAMPLE

import storyline
from storyline.cli import cli


def run(*args: str, env: dict[str, str | None] | None = None, input: bytes | None = None) -> Result:
    result = CliRunner(env={"FORCE_COLOR": None, **(env or {})}).invoke(
        cli, list(args), input=input
    )
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result


def as_json(result: Result) -> object:
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_db_before_or_after_the_command_or_from_the_environment(sample_db: Path) -> None:
    expected = as_json(run("--db", str(sample_db), "stories", "--format", "json"))
    assert as_json(run("stories", "--db", str(sample_db), "--format", "json")) == expected
    from_env = run("stories", "--format", "json", env={"STORYLINE_DB": str(sample_db)})
    assert as_json(from_env) == expected
    # After the command wins over before it (and over STORYLINE_DB).
    later = run("--db", "nowhere.db", "stories", "--db", str(sample_db), "--format", "json")
    assert as_json(later) == expected


def test_listings_are_arrays_and_single_objects_are_objects(sample_db: Path) -> None:
    db = str(sample_db)
    one = as_json(run("--db", db, "stories", "--limit", "1", "--format", "json"))
    assert isinstance(one, list) and len(one) == 1
    shown = as_json(run("--db", db, "show", one[0]["id"], "--format", "json"))
    assert isinstance(shown, dict) and shown["id"] == one[0]["id"]
    assert [a["id"] for a in shown["articles"]] == one[0]["articles"]
    first = one[0]["articles"][0]
    article = as_json(run("--db", db, "article", first, "--format", "json"))
    with storyline.open(sample_db, create=False) as ws:
        assert isinstance(article, dict) and article["text"] == ws.article(first).text


def test_story_filters(sample_db: Path) -> None:
    db = str(sample_db)
    with storyline.open(sample_db, create=False) as ws:
        every = ws.stories()
        articles = ws.articles()

    def ids(*options: str) -> set[str]:
        rows = as_json(run("--db", db, "stories", *options, "--format", "json"))
        assert isinstance(rows, list)
        return {row["id"] for row in rows}

    assert ids() == {s.id for s in every}
    assert ids("--lang", "ru") == {s.id for s in every if "ru" in s.languages}
    site = articles[0].site
    assert site is not None
    assert ids("--site", site.upper()) == {s.id for s in every if site in s.sources}
    assert ids("--min-size", "2") == {s.id for s in every if s.size >= 2}
    dated = sorted({s.last_date for s in every if s.last_date})
    latest = dated[-1].date().isoformat()
    assert ids("--since", latest) == {
        s.id for s in every if s.last_date and s.last_date >= dated[-1].replace(hour=0, minute=0)
    }
    earliest = min(s.first_date for s in every if s.first_date)
    assert ids("--until", earliest.date().isoformat()) == {
        s.id for s in every if s.first_date and s.first_date.date() == earliest.date()
    }
    bad = run("--db", db, "stories", "--since", "last tuesday")
    assert bad.exit_code == 2 and "not a date" in bad.output


def test_article_filters_and_prefixes(sample_db: Path) -> None:
    db = str(sample_db)
    with storyline.open(sample_db, create=False) as ws:
        story = ws.stories()[0]
        members = ws.articles(story.id)
        every = ws.articles()

    def ids(*options: str) -> list[str]:
        rows = as_json(run("--db", db, "articles", *options, "--format", "json"))
        assert isinstance(rows, list)
        return [row["id"] for row in rows]

    assert ids() == [a.id for a in every]
    prefix = story.id[:5]
    assert ids("--story", prefix) == [a.id for a in members] == list(story.articles)
    assert set(ids("--lang", "fr")) == {a.id for a in every if a.lang == "fr"}
    assert ids("--limit", "2") == [a.id for a in every][:2]
    day = next(a.published for a in every if a.published)
    assert day is not None
    window = ("--since", day.date().isoformat(), "--until", day.date().isoformat())
    assert set(ids(*window)) == {
        a.id for a in every if a.published and a.published.date() == day.date()
    }
    # show, article and articles --story accept a unique prefix, like git
    shown = as_json(run("--db", db, "show", prefix, "--format", "json"))
    assert isinstance(shown, dict) and shown["id"] == story.id


def test_ambiguous_and_unknown_prefixes_exit_3(sample_db: Path) -> None:
    with storyline.open(sample_db, create=False) as ws:
        ids = [s.id for s in ws.stories()]
    shared = ids[0][:1]  # every story id starts with the same letter
    result = run("--db", str(sample_db), "show", shared)
    assert result.exit_code == 3
    assert "ambiguous" in result.output and all(i in result.output for i in ids)
    result = run("--db", str(sample_db), "article", "no-such-article")
    assert result.exit_code == 3 and "no article 'no-such-article'" in result.output


def test_verbose_logs_to_stderr_and_quiet_silences(sample_db: Path, tmp_path: Path) -> None:
    result = run(
        "--db", str(sample_db), "-v", "export", "--to", str(tmp_path / "x"), "--format", "jsonl"
    )
    assert result.exit_code == 0, result.output
    assert "storyline: INFO: wrote" in result.stderr
    result = run("-q", "--db", str(sample_db), "export", "--to", str(tmp_path / "y"))
    assert result.exit_code == 0 and result.stderr == ""


def test_no_color_is_respected(sample_db: Path) -> None:
    colored = run("--db", str(sample_db), "stories", env={"FORCE_COLOR": "1", "NO_COLOR": None})
    plain = run("--db", str(sample_db), "stories", env={"FORCE_COLOR": "1", "NO_COLOR": "1"})
    assert "\x1b[36m" in colored.output  # cyan ids on a terminal
    assert "\x1b[36m" not in plain.output and "stories" in plain.output


def test_extract_reads_stdin_and_writes_one_file_per_input(tmp_path: Path) -> None:
    page = SAMPLE / "esa-orbiter.en.html"
    from_stdin = as_json(run("extract", "--format", "json", input=page.read_bytes()))
    from_file = as_json(run("extract", str(page), "--format", "json"))
    assert isinstance(from_stdin, list) and isinstance(from_file, list)
    assert from_stdin[0]["text"] == from_file[0]["text"]
    out = tmp_path / "out"
    inputs = [str(page), str(SAMPLE / "esa-orbiter.de.html"), str(SAMPLE / "articles.jsonl")]
    result = run("extract", *inputs, "-o", str(out), "--format", "markdown")
    assert result.exit_code == 0, result.output
    names = sorted(p.name for p in out.iterdir())
    assert "esa-orbiter.en.md" in names and "esa-orbiter.de.md" in names
    assert sum(n.startswith("articles.jsonl-") for n in names) >= 2  # one file per record
    assert (out / "esa-orbiter.en.md").read_text(encoding="utf-8").startswith("# ")
    txt = run("extract", str(page), "--format", "txt")
    assert txt.output.startswith(from_file[0]["title"] + "\n\n")


@pytest.mark.parametrize("fmt", ["csv", "tsv"])
def test_extract_csv_has_a_header_and_one_row_per_input(fmt: str) -> None:
    result = run("extract", str(SAMPLE / "esa-orbiter.en.html"), "--format", fmt)
    assert result.exit_code == 0, result.output
    header = result.output.splitlines()[0].split("," if fmt == "csv" else "\t")
    assert header[:4] == ["source", "id", "url", "title"]


def test_ingest_summary_is_an_object_and_says_what_failure_means(tmp_path: Path) -> None:
    (tmp_path / "empty.txt").write_bytes(b"")
    db = str(tmp_path / "w.db")
    report = run("--db", db, "ingest", str(tmp_path / "empty.txt"), "--format", "json")
    assert report.exit_code == 11
    obj = json.loads(report.stdout)
    assert isinstance(obj, dict) and obj["failed"] == 1
    again = run("--db", db, "ingest", "-q", str(tmp_path / "empty.txt"))
    assert again.exit_code == 0  # already known: a duplicate, not a new failure
    (tmp_path / "empty2.txt").write_bytes(b"")
    table = run("--db", db, "ingest", str(tmp_path / "empty2.txt"))
    assert table.exit_code == 11
    assert "exit 11: every document failed" in table.stderr
    assert f"storyline --db {db} errors" in table.stderr


def test_extract_failure_says_what_the_exit_code_means(tmp_path: Path) -> None:
    (tmp_path / "empty.txt").write_bytes(b"")
    result = run("extract", str(tmp_path / "empty.txt"), str(SAMPLE / "esa-orbiter.en.html"))
    assert result.exit_code == 10
    assert "exit 10: some documents failed" in result.stderr and "1 of 2 inputs" in result.stderr


def test_shell_completion_is_clicks() -> None:
    env = {
        **os.environ,
        "_STORYLINE_COMPLETE": "bash_source",
        "PYTHONPATH": os.pathsep.join(sys.path),
    }
    done = subprocess.run(
        [sys.executable, "-m", "storyline"], env=env, capture_output=True, text=True, check=True
    )
    assert "_storyline_completion" in done.stdout


def test_terminal_tables_are_capped_and_pipes_get_every_row(
    sample_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("storyline.output.listing.TABLE_ROWS", 2)
    with storyline.open(sample_db, create=False) as ws:
        total = len(ws.articles())
    shown = run("--db", str(sample_db), "articles", env={"FORCE_COLOR": "1", "COLUMNS": "120"})
    assert f"showing 2 of {total}" in shown.output
    piped = run("--db", str(sample_db), "articles")
    assert len(piped.output.splitlines()) == total


def test_an_invalid_search_query_is_a_clear_error(sample_db: Path) -> None:
    result = run("--db", str(sample_db), "search", "Kestrel AND", "--format", "json")
    assert result.exit_code == 2
    assert "invalid full-text query" in result.stderr and "quote it" in result.stderr
    assert result.stdout == ""
    valid = run("--db", str(sample_db), "search", "Kestrel", "--format", "json")
    assert valid.stderr == "" and json.loads(valid.stdout)
