"""Quality gate: the time-partitioned index must pick the stories exact search picks.

``bench.scale.agree`` streams synthetic articles at the real density (2,700 a day) through the
index and through a full-dimension exact scan of every open story, and compares the stories
(B³ F1 of the index's against the exact scan's). With sketches from 256 stories a bucket on,
a 6,000-article stream exercises the sketch path; the floor is in ``bench/baseline.json``
under ``scale``, a little under what was measured (0.996). No timings are asserted.
"""

from __future__ import annotations

import json
from pathlib import Path

from bench.scale import agree

ROOT = Path(__file__).resolve().parents[2]


def test_index_agrees_with_exact_search_on_the_synthetic_stream() -> None:
    floor = json.loads((ROOT / "bench" / "baseline.json").read_text(encoding="utf-8"))["scale"]
    got = agree(6_000, sketch_min=256)
    assert got["bcubed_f1"] >= floor["agree_bcubed_f1_6k_sketch256"], got
