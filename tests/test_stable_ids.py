"""Stable story ids: the same documents in another order give the same ids and groupings.

240 real MEANTIME articles, dated and undated, each set ingested in two orders (several chunks,
so the provisional per-chunk assignment and the settle pass both run). The real encoder is
wrapped in a memo so each text is encoded once for the four workspaces.
"""

from __future__ import annotations

import json
import random
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest

import storyline
from storyline.embed import Encoder, load_encoder
from storyline.language import default_detector
from storyline.pipeline import Pipeline
from storyline.records import Vector

N_DOCS = 240


class MemoEncoder:
    """The real encoder, remembering the vector of every text it has seen."""

    def __init__(self, inner: Encoder) -> None:
        self.inner = inner
        self.name = inner.name
        self.dim = inner.dim
        self.memo: dict[str, Vector] = {}

    def encode(self, texts: Sequence[str]) -> Vector:
        new = [t for t in dict.fromkeys(texts) if t not in self.memo]
        if new:
            for text, vector in zip(new, self.inner.encode(new), strict=True):
                self.memo[text] = vector
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return np.stack([self.memo[t] for t in texts])


@pytest.fixture(scope="module")
def pipeline() -> Pipeline:
    return Pipeline(encoder=MemoEncoder(load_encoder("use")), detector=default_detector())


def _records(shared_data: Path, dated: bool) -> list[dict[str, str]]:
    rows = [json.loads(line) for line in (shared_data / "meantime" / "articles.jsonl").open()]
    keep = rows[:N_DOCS]
    return [
        {k: r[k] for k in ("id", "title", "text", "site")}
        | ({"published": r["date"]} if dated else {})
        for r in keep
    ]


def _build(tmp: Path, name: str, records: list[dict[str, str]], pipe: Pipeline) -> dict[str, str]:
    path = tmp / f"{name}.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in records))
    ws = storyline.open(tmp / f"{name}.db")
    ws._pipeline = pipe
    report = ws.ingest(path)
    assert report.new == len(records) and report.failed == 0
    stories = ws.stories()
    assert all(s.size == len(s.articles) for s in stories)
    return {a.id: str(a.story_id) for a in ws.articles()}


@pytest.mark.parametrize("dated", [False, True], ids=["undated", "dated"])
def test_rebuilding_in_another_order_gives_the_same_story_ids(
    tmp_path: Path, shared_data: Path, pipeline: Pipeline, dated: bool
) -> None:
    records = _records(shared_data, dated)
    shuffled = records[:]
    random.Random(7).shuffle(shuffled)
    first = _build(tmp_path, "in-order", records, pipeline)
    second = _build(tmp_path, "shuffled", shuffled[::-1], pipeline)
    assert first == second
    assert len(set(first.values())) < len(first)  # real groupings, not one story each
