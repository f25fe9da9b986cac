"""The workspace file: ours is marked, anybody else's is never modified, v1 files are migrated,
and every unusable-file case is a clear StoreError (exit 4, no traceback) — real files, real
SQLite, real CLI subprocesses. Read-only files and directories are made with ``chattr +i``
(root ignores permission bits); where that is not permitted the test skips."""

from __future__ import annotations

import hashlib
import json
import sqlite3
import subprocess
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

import storyline
from storyline.errors import StoreError, WorkspaceMissing
from storyline.store import APPLICATION_ID, MIGRATIONS, SCHEMA_VERSION, Store

ROOT = Path(__file__).resolve().parents[1]
TEXT = (
    "The harbour authority said the ferry service between the two islands would resume next "
    "week after repairs to the northern pier. Engineers replaced twelve concrete pillars."
)


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _page(path: Path) -> Path:
    path.write_text(json.dumps({"id": "harbour", "title": "Ferry service", "text": TEXT}) + "\n")
    return path


@contextmanager
def _immutable(path: Path) -> Iterator[None]:
    """``path`` immutable (even for root) for the duration, then writable again."""
    done = subprocess.run(["chattr", "+i", str(path)], capture_output=True)
    if done.returncode != 0:
        pytest.skip(f"chattr +i is not permitted here: {done.stderr.decode().strip()}")
    try:
        yield
    finally:
        subprocess.run(["chattr", "-i", str(path)], check=True)


def test_a_foreign_sqlite_file_is_refused_and_left_untouched(
    tmp_path: Path, run_cli: Callable[..., subprocess.CompletedProcess[str]]
) -> None:
    path = tmp_path / "theirs.db"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE people (name TEXT)")
    conn.execute("INSERT INTO people VALUES ('Ada')")
    conn.commit()
    conn.close()
    before = _digest(path)
    with pytest.raises(StoreError, match="not a storyline workspace") as caught:
        Store(path)
    assert caught.value.exit_code == 4
    for command in (["stories"], ["ingest", str(_page(tmp_path / "p.jsonl"))]):
        result = run_cli(path, *command)
        assert result.returncode == 4, result.stderr
        assert "not a storyline workspace" in result.stderr
        assert "Traceback" not in result.stderr
    assert _digest(path) == before  # no table added, journal mode not switched
    assert not (tmp_path / "theirs.db-wal").exists()
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
    assert [r[0] for r in conn.execute("SELECT name FROM sqlite_master")] == ["people"]


def test_an_empty_file_becomes_a_workspace(tmp_path: Path) -> None:
    path = tmp_path / "empty.db"
    path.touch()
    with pytest.raises(WorkspaceMissing):  # a read never turns it into a workspace
        Store(path, create=False, readonly=True)
    assert path.stat().st_size == 0
    with Store(path) as store:
        assert store.conn.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID
        assert store.conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION


def test_a_v1_workspace_is_recognised_and_migrated(tmp_path: Path) -> None:
    """A file made with the 0001 schema alone, as v1 left it, with an article in it."""
    path = tmp_path / "v1.db"
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("CREATE TABLE migrations (name TEXT PRIMARY KEY, applied_at TEXT)")
    conn.executescript(MIGRATIONS[0][1])
    conn.execute("INSERT INTO migrations VALUES ('0001_initial', '2026-11-01T00:00:00+00:00')")
    conn.execute(
        "INSERT INTO raw_docs VALUES ('ab', 'v1.jsonl', 'record', NULL, NULL, 10, '2026-11-01')"
    )
    conn.execute(
        "INSERT INTO articles (id, raw_sha256, source, title, text, paragraphs, published, "
        "lang, paragraph_langs, extractor, ingested_at) VALUES ('jp-1', 'ab', 'v1.jsonl', "
        "'政府発表', '日本政府は新しい計画を発表した。', '[\"日本政府は新しい計画を発表した。\"]', "
        "'0001-01-01T00:00:00+14:00', 'ja', '[\"ja\"]', 'v1', '2026-11-01')"
    )
    conn.close()
    with Store(path) as store:
        names = [r[0] for r in store.conn.execute("SELECT name FROM migrations ORDER BY name")]
        assert names == [name for name, _ in MIGRATIONS]
        assert store.conn.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID
        assert store.conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        # the trigram index was built over the rows v1 had stored
        assert [a.id for a, _ in store.search("政府")] == ["jp-1"]
        view = store.conn.execute("SELECT id, published FROM article_view").fetchall()
        assert [tuple(r) for r in view] == [("jp-1", "0001-01-01T00:00:00+14:00")]


def test_corrupt_and_not_a_database_are_clear_errors(
    tmp_path: Path, run_cli: Callable[..., subprocess.CompletedProcess[str]]
) -> None:
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"this is not sqlite" * 500)
    corrupt = tmp_path / "corrupt.db"
    with Store(corrupt) as store, store.transaction():
        for i in range(300):
            store.conn.execute(
                "INSERT INTO errors (source, stage, reason, at) VALUES (?, 'read', ?, 'now')",
                (f"file-{i}", "x" * 500),
            )
    data = bytearray(corrupt.read_bytes())
    data[4096 : len(data) - 4096] = b"\xff" * (len(data) - 8192)  # every page but the first
    corrupt.write_bytes(bytes(data))
    for path in (junk, corrupt):
        result = run_cli(path, "errors")
        assert result.returncode == 4, (path, result.stdout, result.stderr)
        assert "Traceback" not in result.stderr
        assert "unusable" in result.stderr or "not a storyline workspace" in result.stderr


def test_memory_database_is_refused_for_ingest(
    tmp_path: Path, run_cli: Callable[..., subprocess.CompletedProcess[str]]
) -> None:
    result = run_cli(":memory:", "ingest", str(_page(tmp_path / "p.jsonl")))
    assert result.returncode == 4
    assert "keeps nothing" in result.stderr and "Traceback" not in result.stderr
    with pytest.raises(StoreError, match="keeps nothing"):
        storyline.open(":memory:")


def test_full_disk_is_a_store_error_and_keeps_what_was_committed(tmp_path: Path) -> None:
    ws = storyline.open(tmp_path / "w.db")
    assert ws.ingest(_page(tmp_path / "p.jsonl")).new == 1
    pages = ws.store.conn.execute("PRAGMA page_count").fetchone()[0]
    ws.store.conn.execute(f"PRAGMA max_page_count={pages + 1}")  # real SQLITE_FULL
    big = tmp_path / "big.jsonl"
    big.write_text(
        "".join(
            json.dumps({"id": f"big-{i}", "title": f"Report {i}", "text": f"{TEXT} {i} " * 4})
            + "\n"
            for i in range(3)
        )
    )
    with pytest.raises(StoreError, match="database or disk is full") as caught:
        ws.ingest(big)
    assert caught.value.exit_code == 4
    assert "free space" in str(caught.value)
    ws.close()
    with storyline.open(tmp_path / "w.db", create=False) as again:
        assert [a.id for a in again.articles()] == ["harbour"]


def test_read_only_file_and_directory_work_for_reading_only(
    tmp_path: Path, run_cli: Callable[..., subprocess.CompletedProcess[str]]
) -> None:
    folder = tmp_path / "ro"
    folder.mkdir()
    db = folder / "w.db"
    with storyline.open(db) as ws:
        ws.ingest(_page(tmp_path / "p.jsonl"))
    assert sorted(p.name for p in folder.iterdir()) == ["w.db"]  # WAL checkpointed on close
    before = _digest(db)
    with _immutable(db):
        result = run_cli(db, "stories", "--format", "json")
        assert result.returncode == 0, result.stderr
        assert json.loads(result.stdout)[0]["articles"] == ["harbour"]
        with storyline.open(db, create=False) as ws:  # noticed: opened mode=ro
            assert ws.store.readonly and [a.id for a in ws.articles()] == ["harbour"]
        result = run_cli(db, "ingest", str(_page(tmp_path / "q.jsonl")))
        assert result.returncode == 4 and "Traceback" not in result.stderr
        assert "read-only" in result.stderr or "readonly" in result.stderr
    for name in ("w.db-wal", "w.db-shm"):
        (folder / name).unlink(missing_ok=True)
    with _immutable(folder):  # not even a -shm can be made: read as immutable
        result = run_cli(db, "search", "ferry", "--format", "json")
        assert result.returncode == 0, result.stderr
        assert "harbour" in result.stdout
        result = run_cli(db, "ingest", str(_page(tmp_path / "q.jsonl")))
        assert result.returncode == 4 and "Traceback" not in result.stderr
    assert _digest(db) == before


def test_mode_ro_never_writes(tmp_path: Path) -> None:
    db = tmp_path / "w.db"
    with storyline.open(db) as ws:
        ws.ingest(_page(tmp_path / "p.jsonl"))
    before = _digest(db), db.stat().st_mtime_ns
    with storyline.open(db, create=False, readonly=True) as ws:
        assert ws.stories() and ws.search("ferry") and ws.errors() == []
        with pytest.raises(StoreError, match="read-only"):
            ws.ingest(_page(tmp_path / "q.jsonl"))
        with pytest.raises(sqlite3.OperationalError, match="readonly"):
            ws.store.conn.execute("DELETE FROM articles")
    assert (_digest(db), db.stat().st_mtime_ns) == before


def test_workspace_lists_its_own_files(tmp_path: Path) -> None:
    with storyline.open(tmp_path / "w.db") as ws:
        names = [p.name for p in ws.files]
        assert names == ["w.db", "w.db-wal", "w.db-shm", "w.db-journal"]
        assert all(p.is_absolute() for p in ws.files)
