"""The ingest's worker pool on real pages: the results of one process, a killed worker that
costs no document, and a killed ingest that resumes with every page stored once."""

from __future__ import annotations

import gzip
import json
import multiprocessing
import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from bench.throughput import parents

import storyline
from storyline import workspace
from storyline.records import DocError, RawDoc

ROOT = Path(__file__).resolve().parent.parent
PAGES = 24


def _pages(data: Path, out: Path, n: int) -> Path:
    out.mkdir()
    for i, page in enumerate(sorted((data / "extraction/scrapinghub/html").glob("*.html.gz"))[:n]):
        (out / f"{i:03d}.html").write_bytes(gzip.decompress(page.read_bytes()))
    return out


def _stored(ws: storyline.Workspace) -> dict[str, tuple[str, str]]:
    """Each stored page's text and story-mates, by source file name."""
    rows = ws.store.conn.execute("SELECT source, text, story_id FROM articles").fetchall()
    stories: dict[str, list[str]] = {}
    for source, _text, story in rows:
        stories.setdefault(story, []).append(Path(source).name)
    return {
        Path(source).name: (text, ",".join(sorted(stories[story]))) for source, text, story in rows
    }


@pytest.fixture(scope="module")
def pages(shared_data: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _pages(shared_data, tmp_path_factory.mktemp("pool") / "pages", PAGES)


@pytest.fixture(scope="module")
def serial(pages: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[str, str]]:
    with storyline.open(tmp_path_factory.mktemp("serial") / "s.db") as ws:
        report = ws.ingest([pages], workers=1)
        assert report.new == PAGES and report.failed == 0
        return _stored(ws)


def test_a_pool_stores_what_one_process_stores_and_survives_a_killed_worker(
    pages: Path,
    serial: dict[str, tuple[str, str]],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(workspace, "SERIAL_FIRST", 4)
    monkeypatch.setattr(workspace, "CHUNK", 4)  # progress is reported while the pool works
    killed: list[int] = []

    def kill_a_worker(outcome: str, item: RawDoc | DocError) -> None:
        workers = multiprocessing.active_children()
        if not killed and workers:  # the pool is running: one of its workers dies mid-work
            killed.append(workers[0].pid or 0)
            os.kill(killed[0], signal.SIGKILL)

    with storyline.open(tmp_path / "p.db") as ws:
        report = ws.ingest([pages], workers=2, progress=kill_a_worker)
        assert killed, "the ingest never started a pool"
        assert (report.new, report.failed, report.read) == (PAGES, 0, PAGES)
        assert _stored(ws) == serial  # same texts, same stories
        assert not multiprocessing.active_children()  # the pool is gone with its ingest

    # the same pages again, from a fresh handle: all stored, so no model loads, no worker starts
    seen: list[int] = []
    with storyline.open(tmp_path / "p.db") as ws:
        again = ws.ingest(
            [pages], workers=2, progress=lambda o, i: seen.extend(multiprocessing.active_children())
        )
        assert (again.duplicates, again.new) == (PAGES, 0)
        assert seen == [] and ws._pipeline is None


def _count(db: Path) -> int:
    try:
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=1) as conn:
            return int(conn.execute("SELECT count(*) FROM articles").fetchone()[0])
    except sqlite3.Error:
        return 0


def _children_of(pid: int) -> list[int]:
    return [p for p, parent in parents().items() if parent == pid]


def _wait(until: Callable[[], bool], seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if until():
            return True
        time.sleep(0.2)
    return until()


@pytest.mark.skipif(not Path("/proc").exists(), reason="reads the process table from /proc")
def test_a_killed_ingest_leaves_no_workers_and_resumes(shared_data: Path, tmp_path: Path) -> None:
    n = workspace.CHUNK + 16  # one chunk is committed, then the ingest is killed
    pages = _pages(shared_data, tmp_path / "pages", n)
    db = tmp_path / "k.db"
    env = os.environ | {"PYTHONPATH": str(ROOT / "src")}
    command = [sys.executable, "-m", "storyline", "--db", str(db), "ingest", "-q", "--workers", "2"]
    command.append(str(pages))
    run = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        assert _wait(lambda: _count(db) >= workspace.CHUNK, 300), "no chunk was committed"
        workers = _children_of(run.pid)
        assert len(workers) == 2
        run.send_signal(signal.SIGKILL)
        run.wait(30)
    finally:
        if run.poll() is None:
            run.kill()
    stored = _count(db)
    assert workspace.CHUNK <= stored < n
    # the workers die with their parent: no orphan keeps its memory
    assert _wait(lambda: not any(Path(f"/proc/{w}").exists() for w in workers), 30)

    again = subprocess.run(
        [*command, "--format", "json"], env=env, capture_output=True, text=True, timeout=600
    )
    assert again.returncode == 0, again.stderr
    assert json.loads(again.stdout)["new"] == n - stored
    with storyline.open(db) as ws:
        counts = ws.store.counts()
        assert (counts["raw_docs"], counts["articles"], counts["errors"]) == (n, n, 0)
        names = [Path(s).name for (s,) in ws.store.conn.execute("SELECT source FROM articles")]
        assert sorted(names) == sorted(p.name for p in pages.iterdir())
