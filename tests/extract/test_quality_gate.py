"""Quality gate: the text-dump cleaner must not regress on the first wcxb-dev pages.

The floor lives in ``bench/baseline.json`` under ``extraction``; it was set a little under the
F1 that ``clean_dump`` measured on these pages. Re-run ``python -m bench.extraction`` and
raise the floor when the cleaner improves; never lower it to make this test pass.
"""

from __future__ import annotations

import gzip
import importlib.util
import json
import statistics
from pathlib import Path
from types import ModuleType

import pytest
from bench.scoring import token_prf

from storyline.extract.textdump import clean_dump

ROOT = Path(__file__).resolve().parents[2]
PAGES = 40

pytestmark = pytest.mark.data


def _page_to_text(shared_data: Path) -> ModuleType:
    path = shared_data.parent / "tools" / "page_to_text.py"
    spec = importlib.util.spec_from_file_location("page_to_text", path)
    assert spec is not None and spec.loader is not None, f"{path} is missing"
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_textdump_f1_on_wcxb_dev(shared_data: Path) -> None:
    floors = json.loads((ROOT / "bench" / "baseline.json").read_text(encoding="utf-8"))
    floor = floors["extraction"]["textdump_f1_wcxb40"]
    render = _page_to_text(shared_data).render
    root = shared_data / "extraction" / "wcxb-dev-articles"
    scores = []
    for truth in sorted((root / "ground-truth").glob("*.json")):
        gold = json.loads(truth.read_text(encoding="utf-8"))["ground_truth"].get("main_content")
        if not gold:
            continue
        html = gzip.decompress((root / "html" / f"{truth.stem}.html.gz").read_bytes())
        dump = render(html.decode("utf-8", errors="replace"))
        scores.append(token_prf("\n".join(clean_dump(dump).paragraphs), gold)[:2])
        if len(scores) == PAGES:
            break
    precision = statistics.fmean(s[0] for s in scores)
    recall = statistics.fmean(s[1] for s in scores)
    f1 = 2 * precision * recall / (precision + recall)
    assert f1 >= floor, f"text-dump F1 {f1:.3f} fell below the floor {floor} (bench/baseline.json)"
