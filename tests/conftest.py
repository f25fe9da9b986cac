"""Shared fixtures. Tests that need ../shared/data fail loudly in CI and skip elsewhere."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from storyline.store import APPLICATION_ID, MIGRATIONS
from storyline.store.schema import _statements

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
DATA = SHARED / "data"
SEEDS = SHARED / "seeds"


def _require(path: Path) -> Path:
    if path.exists():
        return path
    message = f"{path} is missing: put the shared/ folder beside the project (see README)"
    if os.environ.get("CI", "").lower() in {"1", "true", "yes"}:
        pytest.fail(message)
    pytest.skip(message)


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """``../shared/data``; fails in CI, skips elsewhere when it is missing."""
    return _require(DATA)


@pytest.fixture(scope="session")
def seeds_dir() -> Path:
    """``../shared/seeds``: the two reference pages."""
    return _require(SEEDS)


def _run_cli(db: Path | str, *args: str) -> subprocess.CompletedProcess[str]:
    env = os.environ | {"PYTHONPATH": str(ROOT / "src")}
    return subprocess.run(
        [sys.executable, "-m", "storyline", "--db", str(db), *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )


@pytest.fixture(scope="session")
def run_cli() -> Callable[..., subprocess.CompletedProcess[str]]:
    """``run_cli(db, *args)``: the real CLI in a subprocess on this checkout's source."""
    return _run_cli


def _older_workspace(path: Path, before: str) -> sqlite3.Connection:
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("CREATE TABLE migrations (name TEXT PRIMARY KEY, applied_at TEXT)")
    applied = [m for m in MIGRATIONS if m[0] < before]
    for name, sql in applied:
        for statement in _statements(sql):
            conn.execute(statement)
        conn.execute("INSERT INTO migrations VALUES (?, '2026-11-01T00:00:00+00:00')", (name,))
    conn.execute(f"PRAGMA application_id={APPLICATION_ID}")
    conn.execute(f"PRAGMA user_version={len(applied)}")
    return conn


@pytest.fixture(scope="session")
def older_workspace() -> Callable[[Path, str], sqlite3.Connection]:
    """``older_workspace(path, "0012")``: a workspace file as the migrations named before
    ``"0012"`` made it, and an open autocommit connection to fill it as that version did."""
    return _older_workspace
