"""Quality gate: publication dates must not regress on the first dated wcxb-dev pages.

Floors live in ``bench/baseline.json`` under ``published``, set a little under what
``python -m bench.published`` measured on these 60 pages (HTML: coverage 1.00, day accuracy
0.80; text dumps: day accuracy 0.33). Raise them when the rules improve; never lower them to
make this test pass.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from bench.published import dated_pages, methods, score

ROOT = Path(__file__).resolve().parents[2]
PAGES = 60

pytestmark = pytest.mark.data


def test_published_day_accuracy_on_wcxb_dev(shared_data: Path) -> None:
    floors = json.loads((ROOT / "bench" / "baseline.json").read_text(encoding="utf-8"))
    floor = floors["published"]
    chosen = {k: v for k, v in methods(shared_data).items() if k.startswith("storyline")}
    html, dump = score(dated_pages(shared_data, PAGES), chosen).values()
    assert html.coverage >= floor["html_coverage_wcxb60"], html.coverage
    assert html.accuracy >= floor["html_day_accuracy_wcxb60"], html.accuracy
    assert dump.accuracy >= floor["textdump_day_accuracy_wcxb60"], dump.accuracy
