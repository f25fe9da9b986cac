"""Export: real parquet / CSV / JSONL files read back by pyarrow and pandas, a versioned
schema, UTC dates everywhere (also for naive dates left by older workspaces)."""

from __future__ import annotations

import json
import shutil
import sqlite3
import sys
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq
import pytest

import storyline
from storyline.errors import InputError, MissingDependency
from storyline.export import KINDS, SCHEMA_VERSION

SAMPLE = Path(__file__).resolve().parent.parent / "sample" / "pages"


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample pages and one empty file (an error row), one date stored naive as old
    workspaces did."""
    root = tmp_path_factory.mktemp("export")
    pages = root / "pages"
    shutil.copytree(SAMPLE, pages)
    (pages / "empty.txt").write_bytes(b"")
    db = root / "w.db"
    with storyline.open(db) as ws:
        ws.ingest(pages)
        first = ws.articles()[0].id
    with sqlite3.connect(db) as conn:
        conn.execute("UPDATE articles SET published = '2022-02-01T15:45:00' WHERE id = ?", (first,))
    return db


def test_parquet_export_reads_back_with_pyarrow_and_pandas(workspace: Path, tmp_path: Path) -> None:
    with storyline.open(workspace, create=False) as ws:
        paths = ws.export(tmp_path, "parquet")
        articles, stories, errors = ws.articles(), ws.stories(), ws.errors()
    assert {p.name for p in paths} == {f"{k}.parquet" for k in KINDS} | {"schema.json"}
    table = pq.read_table(tmp_path / "articles.parquet")
    assert table.schema.metadata[b"storyline.schema_version"] == str(SCHEMA_VERSION).encode()
    assert str(table.schema.field("published").type) == "timestamp[us, tz=UTC]"
    frame = pd.read_parquet(tmp_path / "articles.parquet")
    assert list(frame["id"]) == [a.id for a in articles]
    assert list(frame["text"]) == [a.text for a in articles]
    assert str(frame["published"].dt.tz) == "UTC"
    stories_frame = pd.read_parquet(tmp_path / "stories.parquet")
    assert [list(x) for x in stories_frame["articles"]] == [list(s.articles) for s in stories]
    assert len(pd.read_parquet(tmp_path / "errors.parquet")) == len(errors) == 1


@pytest.mark.parametrize("fmt", ["csv", "jsonl"])
def test_text_exports_have_iso_utc_dates_and_the_documented_columns(
    workspace: Path, tmp_path: Path, fmt: str
) -> None:
    with storyline.open(workspace, create=False) as ws:
        ws.export(tmp_path, fmt)
        expected = ws.to_pandas("articles")
    schema = json.loads((tmp_path / "schema.json").read_text())
    assert schema["schema_version"] == SCHEMA_VERSION and schema["format"] == fmt
    columns = [c["name"] for c in schema["kinds"]["articles"]["columns"]]
    path = tmp_path / f"articles.{fmt}"
    frame = pd.read_csv(path) if fmt == "csv" else pd.read_json(path, lines=True, dtype=False)
    assert list(frame.columns) == columns
    assert schema["kinds"]["articles"]["rows"] == len(frame) == len(expected)
    published = pd.to_datetime(frame["published"])  # never mixed naive / aware values
    assert str(published.dt.tz) == "UTC"
    assert list(published) == list(expected["published"])
    assert list(frame["title"]) == list(expected["title"])


def test_dates_read_from_a_workspace_are_always_aware(workspace: Path) -> None:
    with storyline.open(workspace, create=False) as ws:
        dates = [a.published for a in ws.articles() if a.published is not None]
    assert dates and all(d.utcoffset() is not None for d in dates)


def test_to_arrow_unknown_kind_and_missing_pandas(
    workspace: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with storyline.open(workspace, create=False) as ws:
        assert ws.to_arrow("stories").num_rows == len(ws.stories())
        with pytest.raises(InputError, match="choose from articles, stories, errors"):
            ws.to_arrow("mentions")
        monkeypatch.setitem(sys.modules, "pandas", None)  # what an install without it does
        with pytest.raises(MissingDependency, match=r"pip install 'storyline\[pandas\]'"):
            ws.to_pandas()


def test_cli_export_and_missing_workspace(workspace: Path, tmp_path: Path) -> None:
    from click.testing import CliRunner

    from storyline.cli import cli

    out = tmp_path / "csv"
    result = CliRunner().invoke(
        cli,
        [
            "export",
            "--db",
            str(workspace),
            "--to",
            str(out),
            "--format",
            "csv",
            "--kind",
            "stories",
        ],
    )
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.iterdir()) == ["schema.json", "stories.csv"]
    missing = CliRunner().invoke(cli, ["--db", str(tmp_path / "no.db"), "export", "--to", str(out)])
    assert missing.exit_code == 6 and not (tmp_path / "no.db").exists()
