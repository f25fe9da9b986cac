"""Quality gate: decode() on real text re-encoded in legacy charsets must not regress.

A small sample of ``bench/decoding.py``'s corpus (its dev half, 3 documents per language): bare
legacy-charset text, pages with a correct ``<meta charset>``, UTF-8 and double-encoded UTF-8.
Floors are in ``bench/baseline.json`` under ``decoding``, set a little under what ``decode``
measured (99.8 % on this sample, 99.9 % on the full test half). Re-run
``python -m bench.decoding`` and raise the floors when decoding improves; never lower them.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from bench.decoding import cases, charset_normalizer_alone, score, storyline_decoder

ROOT = Path(__file__).resolve().parents[1]

pytestmark = pytest.mark.data


def test_decoding_exact_text_on_legacy_charsets(shared_data: Path) -> None:
    floors = json.loads((ROOT / "bench" / "baseline.json").read_text(encoding="utf-8"))["decoding"]
    corpus = cases(shared_data, "dev", per_language=3)
    ok = score(corpus, storyline_decoder())
    accuracy = sum(ok) / len(ok)
    assert accuracy >= floors["exact_dev_sample"], (
        f"exact text {accuracy:.3f} (bench/baseline.json)"
    )

    short = [r for r, c in zip(ok, corpus, strict=True) if c.variant == "bare" and c.length <= 500]
    short_accuracy = sum(short) / len(short)
    assert short_accuracy >= floors["exact_bare_short_dev_sample"], (
        f"short bare {short_accuracy:.3f}"
    )

    utf8 = [r for r, c in zip(ok, corpus, strict=True) if c.variant == "utf-8"]
    assert sum(utf8) / len(utf8) >= floors["exact_utf8_unchanged"], "correct UTF-8 was altered"


def test_charset_normalizer_alone_is_the_weaker_anchor(shared_data: Path) -> None:
    """The sample is hard enough to tell decoders apart (else the gate would gate nothing)."""
    corpus = [c for c in cases(shared_data, "dev", per_language=3) if c.variant == "bare"]
    anchor = score(corpus, charset_normalizer_alone)
    ours = score(corpus, storyline_decoder())
    assert sum(anchor) < sum(ours)
