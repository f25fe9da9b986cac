"""Concurrency on real SQLite files: many processes opening a new workspace, readers (CLI
subprocesses and API threads) during a real ingest, two ingests of overlapping inputs."""

from __future__ import annotations

import json
import multiprocessing
import os
import subprocess
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

import storyline
import storyline.workspace
from storyline.store import APPLICATION_ID, MIGRATIONS, Store

ROOT = Path(__file__).resolve().parents[1]
CLI_RUNS = 3


def _opener(path: str, barrier: Any, out: Any) -> None:
    barrier.wait()
    try:
        with Store(path) as store:
            store.counts()
        out.put("ok")
    except Exception as exc:  # reported to the parent, which fails the test with it
        out.put(f"{type(exc).__name__}: {exc}")


def test_eight_processes_open_a_new_workspace_at_once(tmp_path: Path) -> None:
    ctx = multiprocessing.get_context("fork")
    for round_ in range(5):
        path = str(tmp_path / f"new-{round_}.db")
        barrier = ctx.Barrier(8)
        out = ctx.Queue()
        procs = [ctx.Process(target=_opener, args=(path, barrier, out)) for _ in range(8)]
        for p in procs:
            p.start()
        results = [out.get(timeout=60) for _ in procs]
        for p in procs:
            p.join(timeout=60)
        assert results == ["ok"] * 8
        with Store(path) as store:
            names = [r[0] for r in store.conn.execute("SELECT name FROM migrations")]
            assert names == [name for name, _ in MIGRATIONS]  # each applied exactly once
            assert store.conn.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID


def _meantime(shared_data: Path, n: int, skip: int = 0) -> list[dict[str, str]]:
    rows = [json.loads(line) for line in (shared_data / "meantime" / "articles.jsonl").open()]
    return [
        {k: r[k] for k in ("id", "title", "text", "site")} | {"published": r["date"]}
        for r in rows[skip : skip + n]
    ]


def _write_jsonl(path: Path, records: list[dict[str, str]]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in records))
    return path


def test_twenty_readers_during_an_ingest_see_progress_and_no_torn_reads(
    tmp_path: Path,
    shared_data: Path,
    monkeypatch: pytest.MonkeyPatch,
    run_cli: Callable[..., subprocess.CompletedProcess[str]],
) -> None:
    monkeypatch.setattr(storyline.workspace, "CHUNK", 5)  # many commits in a short ingest
    source = _write_jsonl(tmp_path / "in.jsonl", _meantime(shared_data, 30))
    db = tmp_path / "w.db"
    storyline.open(db).close()
    problems: list[str] = []
    seen: list[int] = []
    done = threading.Event()
    observed = threading.Event()  # a reader saw some stories, not all: progress is visible

    def api_reader() -> None:
        with storyline.open(db, create=False, readonly=True) as ws:
            while not done.is_set():
                try:
                    stories = ws.stories()
                    for s in stories:
                        if s.size != len(s.articles):
                            problems.append(f"torn: {s.id} size {s.size} vs {s.articles}")
                    seen.append(sum(s.size for s in stories))
                    if 0 < seen[-1] < 30:
                        observed.set()
                except Exception as exc:  # collected; the test fails on any
                    problems.append(f"{type(exc).__name__}: {exc}")
                done.wait(0.2)

    def cli_reader() -> None:
        for _ in range(CLI_RUNS):  # a few whole CLI runs each: process start-up is the cost
            if done.is_set():
                break
            result = run_cli(db, "stories", "--format", "json")
            if result.returncode != 0:
                problems.append(f"exit {result.returncode}: {result.stderr[-300:]}")
                continue
            for s in json.loads(result.stdout):
                if s["size"] != len(s["articles"]):
                    problems.append(f"torn in CLI: {s['id']}")

    readers = [threading.Thread(target=api_reader) for _ in range(10)]
    readers += [threading.Thread(target=cli_reader) for _ in range(10)]
    for r in readers:
        r.start()
    try:
        with storyline.open(db) as ws:
            reported: list[str] = []

            def progress(outcome: str, item: object) -> None:
                reported.append(outcome)  # called once a chunk has committed
                if len(reported) == 10:  # hold the ingest until a reader has seen that
                    observed.wait(timeout=60)

            report = ws.ingest(source, progress=progress)
    finally:
        done.set()
        for r in readers:
            r.join(timeout=300)
    assert problems == []
    assert report.new == 30 and report.failed == 0
    assert any(0 < n < 30 for n in seen), "readers saw no stories before the ingest ended"
    with storyline.open(db, create=False) as ws:
        assert sum(s.size for s in ws.stories()) == 30


def test_two_concurrent_ingests_of_overlapping_inputs_store_each_document_once(
    tmp_path: Path, shared_data: Path
) -> None:
    records = _meantime(shared_data, 30, skip=100)
    a = _write_jsonl(tmp_path / "a.jsonl", records[:20])
    b = _write_jsonl(tmp_path / "b.jsonl", records[10:])
    db = tmp_path / "w.db"
    env = os.environ | {"PYTHONPATH": str(ROOT / "src")}
    procs = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "storyline",
                "--db",
                str(db),
                "ingest",
                "--format",
                "json",
                str(path),
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
        )
        for path in (a, b)
    ]
    outcomes = [p.communicate(timeout=300) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], outcomes
    with storyline.open(db, create=False) as ws:
        counts = ws.store.counts()
        assert counts["articles"] == counts["raw_docs"] == 30
        assert counts["errors"] == 0
        articles = ws.articles()
        assert sorted(x.id for x in articles) == sorted(r["id"] for r in records)
        assert all(x.story_id for x in articles)
        stories = ws.stories()
        assert sum(s.size for s in stories) == 30
        assert all(s.size == len(s.articles) for s in stories)
