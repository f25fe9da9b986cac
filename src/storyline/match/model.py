"""The learned matcher: a logistic model over ``match.features``, evaluated in pure numpy.

Two heads share one feature set: ``pair`` (every feature; two articles) and ``story`` (only
the features a group of any size has; an article against a story). Both are fitted by
``bench/train_match.py`` on the SemEval-2022 Task 8 dev pairs (the only training data; target
``(4 - overall) / 3``, soft-label logistic loss) and shipped in ``weights.json`` next to this
module. The features' standardisation is folded into the weights, so the score is
``sigmoid(bias + sum(w_i * x_i))`` on the raw feature values and every contribution
``w_i * x_i`` is exact: that is what ``explain`` shows.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np

from storyline.match.features import FEATURES, features
from storyline.match.profile import Group, Profile

VERSION = "match-1"
WEIGHTS = "weights.json"


@dataclass(frozen=True, slots=True)
class Explanation:
    """Why the matcher gave ``score``: each feature's value and its logit contribution."""

    head: str  # "pair" or "story"
    features: dict[str, float]
    contributions: dict[str, float]
    bias: float
    score: float
    version: str = VERSION

    def to_dict(self) -> dict[str, Any]:
        return {
            "head": self.head,
            "version": self.version,
            "score": self.score,
            "bias": self.bias,
            "features": dict(self.features),
            "contributions": dict(self.contributions),
        }

    def top(self, n: int = 5) -> list[tuple[str, float]]:
        """The ``n`` contributions largest in size, largest first."""
        ranked = sorted(self.contributions.items(), key=lambda kv: -abs(kv[1]))
        return ranked[:n]


@dataclass(frozen=True, slots=True)
class Head:
    """One linear head: weights over a subset of ``FEATURES`` (raw values), and a bias."""

    name: str
    names: tuple[str, ...]
    weights: np.ndarray  # float64, one per name
    bias: float
    columns: np.ndarray  # indices of ``names`` in ``FEATURES``

    @classmethod
    def of(cls, name: str, spec: dict[str, Any]) -> Head:
        weights = dict(zip(spec["features"], spec["weights"], strict=True))
        unknown = sorted(set(weights) - set(FEATURES))
        if unknown:
            raise ValueError(f"{WEIGHTS}: head {name!r} has unknown features {unknown}")
        names = tuple(f for f in FEATURES if f in weights)
        return cls(
            name=name,
            names=names,
            weights=np.array([weights[f] for f in names], dtype=np.float64),
            bias=float(spec["bias"]),
            columns=np.array([FEATURES.index(f) for f in names], dtype=np.intp),
        )

    def logit(self, x: np.ndarray) -> float:
        return self.bias + float(x[self.columns] @ self.weights)

    def explain(self, x: np.ndarray) -> Explanation:
        values = x[self.columns]
        parts = values * self.weights
        return Explanation(
            head=self.name,
            features={f: float(v) for f, v in zip(self.names, values, strict=True)},
            contributions={f: float(c) for f, c in zip(self.names, parts, strict=True)},
            bias=self.bias,
            score=sigmoid(self.bias + float(parts.sum())),
        )


def sigmoid(z: float) -> float:
    if z >= 0:
        return 1.0 / (1.0 + math.exp(-z))
    e = math.exp(z)
    return e / (1.0 + e)


class Matcher:
    """How likely an article reports the same story as another article or a story, in [0, 1]."""

    def __init__(self, spec: dict[str, Any]) -> None:
        if spec.get("version") != VERSION:
            raise ValueError(f"{WEIGHTS} is for {spec.get('version')!r}, not {VERSION!r}")
        self.spec = spec
        self.pair = Head.of("pair", spec["heads"]["pair"])
        self.story = Head.of("story", spec["heads"]["story"])

    @classmethod
    def load(cls, path: str | Path | None = None) -> Matcher:
        """The matcher of ``path``, or of the weights shipped with the package."""
        if path is None:
            text = resources.files("storyline.match").joinpath(WEIGHTS).read_text("utf-8")
        else:
            text = Path(path).read_text(encoding="utf-8")
        return cls(json.loads(text))

    def score(self, a: Profile, b: Profile) -> float:
        """Same-story score of two articles (the ``pair`` head)."""
        return sigmoid(self.pair.logit(features(a, Group.of([b]))))

    def score_group(self, a: Profile, g: Group) -> float:
        """Same-story score of an article and a story (the ``story`` head)."""
        return sigmoid(self.story.logit(features(a, g)))

    def explain(self, a: Profile, other: Profile | Group) -> Explanation:
        """The features, their contributions and the score behind ``score`` (``other`` a
        Profile) or ``score_group`` (``other`` a Group)."""
        if isinstance(other, Group):
            return self.story.explain(features(a, other))
        return self.pair.explain(features(a, Group.of([other])))


@lru_cache(maxsize=1)
def default_matcher() -> Matcher:
    """The shipped matcher (loaded once)."""
    return Matcher.load()
