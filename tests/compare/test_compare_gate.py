"""Quality gate of ``storyline compare`` on MEANTIME translations (held-out topic).

The floors live in ``bench/baseline.json`` under ``compare``: the first ``gate_docs`` doc_ids
of ``gate_topic`` (English articles with their es/it/nl translations) are ingested with every
stage and measured by ``bench.compare.measure`` (see that module): the share of a version's
statements aligned to another version, the share of facts all four versions state, and the
share two *different* articles of the topic align (a ceiling). Thresholds were tuned on
``corpus_airbus``; the gate topic is held out.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from bench import compare as bench

import storyline

pytestmark = pytest.mark.data

ROOT = Path(__file__).resolve().parents[2]


def test_compare_quality_gate(shared_data: Path, tmp_path: Path) -> None:
    floors = json.loads((ROOT / "bench" / "baseline.json").read_text(encoding="utf-8"))
    gate = floors["compare"]
    rows = bench.rows_of(shared_data)
    topic = [r for r in rows if r["topic"] == gate["gate_topic"]]
    docs = sorted({r["doc_id"] for r in topic})[: gate["gate_docs"]]
    chosen = [r for r in topic if r["doc_id"] in docs]
    assert len(chosen) == 4 * len(docs)
    with storyline.open(tmp_path / "w.db") as ws:
        bench.ingest(chosen, ws, tmp_path)
        scores = bench.measure(chosen, ws)
    where = "(bench/baseline.json: compare)"
    aligned, every, different = scores.aligned_mean(), scores.all_share, scores.different_mean
    assert aligned >= gate["aligned_floor"], f"aligned {aligned:.3f} fell below the floor {where}"
    assert every >= gate["all_versions_floor"], f"all-4 {every:.3f} fell below the floor {where}"
    assert different <= gate["different_ceiling"], f"different {different:.3f} rose {where}"
    for lang in bench.LANGS:  # every language takes part
        assert scores.aligned_mean(lang) >= gate["aligned_floor"] - 0.1, lang
