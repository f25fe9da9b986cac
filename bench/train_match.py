"""Fit the matcher's two heads on the SemEval-2022 dev pairs and write its weights.json.

``python -m bench.train_match`` (``make weights``): builds (or reads from ``.cache/``) the
profiles of the dev pairs (``bench.match_data``), computes the feature table, fits the ``pair``
head (every feature) and the ``story`` head (``STORY_FEATURES``) as soft-label logistic
regressions on target ``(4 - overall) / 3``, prints their 5-fold cross-validated Pearson r and
writes ``src/storyline/match/weights.json``. Deterministic: the same data and code give a
byte-identical file (fixed folds, lbfgs, rounded weights, sorted keys).

Training data: the dev pairs only (722 pairs, 8 language pairs). Nothing here reads the
sealed held-out set.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from bench.match_data import DevPair, dev_pairs
from storyline.match.features import FEATURES, STORY_FEATURES, pair_features
from storyline.match.model import VERSION, WEIGHTS

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "src" / "storyline" / "match" / WEIGHTS
# The feature table the weights are fitted from (numbers only, no text): committed, so the
# tests can check in seconds that it still matches the features of the code (on a sample of
# pairs) and that fitting it gives the shipped weights.json byte for byte.
TABLE = ROOT / "bench" / "match_table.json"
FOLDS = 5
SEED = 0
# Inverse L2 strength of the logistic heads (on standardised features): 5-fold CV Pearson r on
# the dev pairs was flat within 0.002 for C in 0.1 .. 10 (`python -m bench.train_match --sweep`).
C = 1.0
# Decimals kept in weights.json: far below any effect on a score, and stable across platforms.
DECIMALS = 8


def table(pairs: Sequence[DevPair]) -> tuple[np.ndarray, np.ndarray]:
    """Feature matrix (pairs × FEATURES, rounded to ``DECIMALS`` as in the committed table)
    and targets in [0, 1]."""
    x = np.stack([pair_features(p.a, p.b) for p in pairs]).round(DECIMALS)
    y = np.array([p.target for p in pairs], dtype=np.float64)
    return x, y


def table_spec(pairs: Sequence[DevPair], x: np.ndarray, y: np.ndarray) -> dict[str, object]:
    return {
        "features": list(FEATURES),
        "pairs": [
            {
                "pair_id": p.pair_id,
                "langs": p.langs,
                "target": float(t),
                "x": [float(v) for v in row],
            }
            for p, row, t in zip(pairs, x, y, strict=True)
        ],
    }


def read_table(path: Path = TABLE) -> tuple[list[str], list[str], np.ndarray, np.ndarray]:
    """pair ids, language pairs, features and targets of the committed table."""
    spec = json.loads(path.read_text(encoding="utf-8"))
    if spec["features"] != list(FEATURES):
        raise ValueError(f"{path} was made for other features: run `make weights`")
    rows = spec["pairs"]
    x = np.array([r["x"] for r in rows], dtype=np.float64)
    y = np.array([r["target"] for r in rows], dtype=np.float64)
    return [r["pair_id"] for r in rows], [r["langs"] for r in rows], x, y


def columns(names: Sequence[str]) -> list[int]:
    return [FEATURES.index(n) for n in names]


def fit(
    x: np.ndarray,
    y: np.ndarray,
    c: float = C,
    names: Sequence[str] = FEATURES,
    monotone: bool = True,
) -> tuple[np.ndarray, float]:
    """Soft-label logistic regression (cross-entropy against the target in [0, 1], L2 with
    inverse strength ``c``) on standardised features; returns weights and bias on the raw
    feature scale.

    ``monotone``: every agreement feature gets a weight >= 0 (only the ``*_missing``
    indicators and ``log_size`` are free), so more agreement never lowers a score and every
    contribution reads as evidence for "same story". Unconstrained, the fit gives the sentence
    alignment a large negative weight against the document cosine (+0.014 CV r on the dev
    pairs, ``bench.match``), which ranks a same-topic article above the article's own
    translation (MEANTIME 100911 en/es vs 102977): a dev-set artefact we do not ship.
    """
    from scipy.optimize import minimize

    if len(names) != x.shape[1]:
        raise ValueError(f"{x.shape[1]} feature columns but {len(names)} names")
    mean = x.mean(axis=0)
    scale = x.std(axis=0)
    scale[scale == 0] = 1.0
    z = (x - mean) / scale
    d = z.shape[1]

    def loss(params: np.ndarray) -> tuple[float, np.ndarray]:
        w, b = params[:d], params[d]
        t = z @ w + b
        value = float((np.logaddexp(0.0, t) - y * t).sum() + 0.5 / c * (w @ w))
        g = 1.0 / (1.0 + np.exp(-t)) - y
        return value, np.r_[z.T @ g + w / c, g.sum()]

    free = [not monotone or n.endswith("_missing") or n == "log_size" for n in names]
    bounds = [(None, None) if f else (0.0, None) for f in free] + [(None, None)]
    options = {"maxiter": 20_000, "gtol": 1e-10, "ftol": 1e-15}
    found = minimize(
        loss, np.zeros(d + 1), jac=True, method="L-BFGS-B", bounds=bounds, options=options
    )
    w = found.x[:d] / scale
    b = float(found.x[d] - (found.x[:d] * mean / scale).sum())
    return w, b


def predict(x: np.ndarray, w: np.ndarray, b: float) -> np.ndarray:
    out: np.ndarray = 1.0 / (1.0 + np.exp(-(x @ w + b)))
    return out


def folds(n: int) -> list[np.ndarray]:
    """Fixed fold assignment: a seeded permutation cut in ``FOLDS`` parts."""
    order = np.random.default_rng(SEED).permutation(n)
    return [order[i::FOLDS] for i in range(FOLDS)]


def cross_validated(
    x: np.ndarray,
    y: np.ndarray,
    c: float = C,
    names: Sequence[str] = FEATURES,
    monotone: bool = True,
) -> np.ndarray:
    """Out-of-fold predictions of a logistic head over the features ``names``."""
    out = np.zeros(len(y))
    for test in folds(len(y)):
        train = np.setdiff1d(np.arange(len(y)), test)
        w, b = fit(x[train], y[train], c, names, monotone)
        out[test] = predict(x[test], w, b)
    return out


def pearson(a: np.ndarray, b: np.ndarray) -> float:
    return float(np.corrcoef(a, b)[0, 1])


def weights_spec(x: np.ndarray, y: np.ndarray) -> dict[str, object]:
    """The weights.json content: both heads fitted on all of ``x``."""
    heads: dict[str, object] = {}
    report: dict[str, float] = {}
    for head, names in (("pair", FEATURES), ("story", STORY_FEATURES)):
        cols = columns(names)
        w, b = fit(x[:, cols], y, names=names)
        heads[head] = {
            "features": list(names),
            "weights": [round(float(v), DECIMALS) for v in w],
            "bias": round(b, DECIMALS),
        }
        report[head] = round(pearson(cross_validated(x[:, cols], y, names=names), y), 4)
    return {
        "version": VERSION,
        "trained_on": "semeval2022-pairs/dev.jsonl (722 pairs), target (4 - overall) / 3",
        "model": f"soft-label logistic regression, C={C}, agreement weights >= 0, "
        "standardisation folded in",
        "cv_pearson": report,
        "heads": heads,
    }


def render(spec: dict[str, object]) -> str:
    return json.dumps(spec, indent=1, sort_keys=True) + "\n"


def compact(spec: dict[str, object]) -> str:
    return json.dumps(spec, sort_keys=True, separators=(",", ":")) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    parser.add_argument("--out", type=Path, default=OUT)
    parser.add_argument("--sweep", action="store_true", help="Print CV r for several C.")
    args = parser.parse_args()
    pairs = dev_pairs(args.data)
    x, y = table(pairs)
    TABLE.write_text(compact(table_spec(pairs, x, y)), encoding="utf-8")
    if args.sweep:
        for c in (0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0):
            print(f"C={c}: pair CV r {pearson(cross_validated(x, y, c), y):.4f}")
    spec = weights_spec(x, y)
    args.out.write_text(render(spec), encoding="utf-8")
    print(f"5-fold CV Pearson r: {spec['cv_pearson']}")
    print(f"wrote {args.out} and {TABLE}")


if __name__ == "__main__":
    main()
