"""Token-overlap scores for extracted text against gold text, shared by the benchmarks.

The Scrapinghub article-extraction benchmark
(https://github.com/scrapinghub/article-extraction-benchmark, ``evaluate.py``) scores one page
by the multiset overlap of its tokens with the gold text (TP = shared tokens, FP = extra
predicted tokens, FN = missed gold tokens), then averages precision and recall over pages and
reports F1 as the harmonic mean of the two averages. Its tokens are 4-gram shingles of
``\\w+`` words; ``token_prf`` uses whitespace-split unigrams (simpler to reason about and what
most papers call "token F1"), ``shingle_prf`` reproduces the published definition exactly.
"""

from __future__ import annotations

import re
import statistics
from collections import Counter
from collections.abc import Hashable, Iterable, Sequence

_WORD = re.compile(r"\w+")


def _prf(pred: Counter[Hashable], gold: Counter[Hashable]) -> tuple[float, float, float]:
    if not pred and not gold:
        return 1.0, 1.0, 1.0
    tp = sum((pred & gold).values())
    # An empty prediction scores precision 0 here; the published evaluate.py leaves such pages
    # out of the precision average, which flatters extractors that give up. We are stricter.
    precision = tp / sum(pred.values()) if pred else 0.0
    recall = tp / sum(gold.values()) if gold else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def token_prf(pred: str, gold: str) -> tuple[float, float, float]:
    """Precision, recall and F1 of ``pred``'s whitespace tokens against ``gold``'s (multisets)."""
    return _prf(Counter(pred.split()), Counter(gold.split()))


def _shingles(text: str, n: int) -> Counter[Hashable]:
    tokens = _WORD.findall(text)
    return Counter(tuple(tokens[i : i + n]) for i in range(max(1, len(tokens) - n + 1)) if tokens)


def shingle_prf(pred: str, gold: str, n: int = 4) -> tuple[float, float, float]:
    """Like ``token_prf`` over ``n``-gram shingles of ``\\w+`` words (Scrapinghub's definition)."""
    return _prf(_shingles(pred, n), _shingles(gold, n))


def mean_prf(scores: Iterable[Sequence[float]]) -> tuple[float, float, float]:
    """Average per-page precision and recall; F1 is their harmonic mean (as Scrapinghub does)."""
    rows = list(scores)
    if not rows:
        return 0.0, 0.0, 0.0
    precision = statistics.fmean(row[0] for row in rows)
    recall = statistics.fmean(row[1] for row in rows)
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1
