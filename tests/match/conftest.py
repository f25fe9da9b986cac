"""Fixtures of the match tests: real articles through the real pipeline (USE, NER, dates)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from storyline.match.pairs import profile_of
from storyline.match.profile import Profile
from storyline.pipeline import Pipeline


@pytest.fixture(scope="session")
def pipeline() -> Pipeline:
    return Pipeline.default()


@pytest.fixture(scope="session")
def meantime(shared_data: Path) -> dict[str, dict[str, str]]:
    """MEANTIME articles by id (``meantime-en-100911``, ...)."""
    path = shared_data / "meantime" / "articles.jsonl"
    rows = [json.loads(line) for line in path.open(encoding="utf-8")]
    return {r["id"]: r for r in rows}


@pytest.fixture(scope="session")
def profile_meantime(
    meantime: dict[str, dict[str, str]], pipeline: Pipeline
) -> Callable[[str], Profile]:
    """``profile_meantime(id)``: the profile of one MEANTIME article (cached)."""
    cache: dict[str, Profile] = {}

    def make(article_id: str) -> Profile:
        if article_id not in cache:
            row = meantime[article_id]
            record = {"text": row["text"], "title": row["title"], "lang": row["lang"]}
            cache[article_id] = profile_of(record, pipeline)
        return cache[article_id]

    return make
