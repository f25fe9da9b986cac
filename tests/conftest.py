"""Shared fixtures. Tests that need ../shared/data fail loudly in CI and skip elsewhere."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

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
