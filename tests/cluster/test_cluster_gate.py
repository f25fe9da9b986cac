"""Quality gate for the clusterer (``bench/clustering.py``): the stories a real ingest makes
on MEANTIME (B³ F1, gold ``doc_id``) and on the SemEval-2022 dev pool (pairwise F1 of "same
story" on the labelled pairs) must not fall below the floors in ``bench/baseline.json`` under
``clustering``, and the learned matcher must keep beating v1's mean cosine on MEANTIME.

The floors sit a little under what ``storyline-online-match-1`` measured (December 2026:
MEANTIME 0.983, SemEval pool 0.763, in-sample: the matcher and threshold were fitted there).
Re-run ``python -m bench.clustering`` after changing a stage and move the floors only upwards.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from bench.clustering import (
    _ingest,
    _labels,
    bcubed,
    load_meantime,
    load_semeval,
    pairwise,
    recluster,
    stored,
)

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.data


def _floors() -> dict[str, float]:
    spec = json.loads((ROOT / "bench" / "baseline.json").read_text(encoding="utf-8"))
    floors: dict[str, float] = spec["clustering"]
    return floors


def test_meantime_stories_hold_their_floor_and_beat_v1(shared_data: Path, tmp_path: Path) -> None:
    records, gold = load_meantime(shared_data)
    ws, _ = _ingest(records, tmp_path)
    with ws:
        ours = bcubed(_labels(ws), gold)[2]
        v1 = bcubed(recluster(stored(ws), None), gold)[2]
    assert ours >= _floors()["meantime_bcubed_f1"], f"MEANTIME B³ F1 {ours:.3f}"
    assert ours > v1, f"learned {ours:.3f} does not beat v1 {v1:.3f}"


def test_semeval_pool_holds_its_floor(shared_data: Path, tmp_path: Path) -> None:
    docs, pairs, _ = load_semeval(shared_data)
    ws, _ = _ingest(docs, tmp_path)
    with ws:
        labels = _labels(ws)
    kept = [p for p in pairs if p[0] in labels and p[1] in labels]
    f1 = pairwise(labels, kept)[2]
    assert f1 >= _floors()["semeval_pairwise_f1"], f"SemEval pool pairwise F1 {f1:.3f}"
