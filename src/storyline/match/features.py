"""The features the matcher scores: one article (``Profile``) against a story (``Group``).

A pair of articles is an article against a group of one. Every feature is a float; a signal
that cannot be measured (no title, no entities found, no NER model for the language) sets a
``*_missing`` indicator to 1 and its value to 0, so "unknown" never reads as "no overlap".

Set overlaps (entities, places, numbers, dates, names) use one Dice coefficient
generalised to groups: with ``n`` members and ``c[x]`` the members holding ``x``,
``2 * sum(c[x] / n for x in A) / (|A| + sum(c) / n)``, which for a group of one is the usual
``2|A ∩ B| / (|A| + |B|)``, so the pairs the model is trained on and the stories it scores
share one definition.

Two heads use them (``match.model``): ``pair`` reads every feature, ``story`` only those a
group of any size has (``STORY_FEATURES``: no lead or sentence alignment, which need the one
member's vectors).

A Dice of all folded words (a lexical overlap without IDF) was measured and dropped: fitted
weight 0 in both heads, CV r unchanged without it (0.737 either way, unconstrained fit, dev
pairs, 2026-12-02); the names' Dice is what is left of the lexical signal.

Publication-time distance is not a feature: the dev pairs (the only training data) carry no
dates, so no weight for it can be learned; the clusterer's time window handles time.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable

import numpy as np
import numpy.typing as npt

from storyline.entities.models import BORROWED_MODELS, has_model
from storyline.match.profile import Group, Profile
from storyline.records import Vector

# Names of the features, in vector order.
FEATURES: tuple[str, ...] = (
    "doc",  # document-vector cosine (for a group: mean over members, average linkage)
    "doc_sq",  # its square: the score rises faster near the top of the cosine range
    "title",  # title-vector cosine (group: mean over titled members)
    "title_missing",
    "entities_ner",  # Dice of people/organisation keys, both languages with an NER model
    "entities_rule",  # the same when a language has only the gazetteer + capitalisation rule
    "entities_missing",  # a side has none, or its mentions stage did not run
    "entities_shared",  # share of members with an entity in common with the article
    "places",  # Dice of place ids
    "places_missing",
    "numbers",  # Dice of the numbers written in the texts
    "numbers_missing",
    "dates",  # Dice of the calendar values of date mentions
    "dates_missing",
    "names",  # Dice of capitalised-word skeletons (names across languages, no model)
    "names_missing",
    "length_ratio",  # shorter / longer text (group: its mean length)
    "same_lang",  # share of members in the article's language
    "log_size",  # log of the group size (0 for a pair: no weight can be learned from pairs)
    "lead",  # lead-paragraph cosine (pair only)
    "lead_missing",
    "sentences",  # best-aligned sentences: mean of each side's max cosine (pair only)
    "sentences_top",  # the single best-aligned sentence pair (pair only)
    "sentences_missing",
)
# The features a group of any size has (the ``story`` head reads only these).
PAIR_ONLY = frozenset({"lead", "lead_missing", "sentences", "sentences_top", "sentences_missing"})
STORY_FEATURES: tuple[str, ...] = tuple(f for f in FEATURES if f not in PAIR_ONLY)
_INDEX = {name: i for i, name in enumerate(FEATURES)}
# One value per name of ``FEATURES`` (float64: the fit and the score read them as they are).
FeatureVector = npt.NDArray[np.float64]


def features(a: Profile, g: Group) -> FeatureVector:
    """The feature vector of article ``a`` against story ``g`` (a pair: ``Group.of([b])``)."""
    x = np.zeros(len(FEATURES), dtype=np.float64)
    size = max(g.size, 1)

    def put(name: str, value: float) -> None:
        x[_INDEX[name]] = value if math.isfinite(value) else 0.0

    doc = float(a.doc @ g.doc_sum) / size
    put("doc", doc)
    put("doc_sq", doc * abs(doc))
    if a.title is not None and g.titled:
        put("title", float(a.title @ g.title_sum) / g.titled)
    else:
        put("title_missing", 1.0)

    ner = _has_ner(a.lang) and all(_has_ner(lang) for lang in g.langs)
    entities = dice(a.entities, g.entities, size)
    if entities is None or not a.has_mentions or not g.with_mentions:  # unknown, not "none"
        put("entities_missing", 1.0)
    else:
        put("entities_ner" if ner else "entities_rule", entities)
        put("entities_shared", _shared_members(a.entities, g))
    mentions = a.has_mentions and g.with_mentions > 0
    for name, mine, theirs, needs_mentions in (
        ("places", a.places, g.places, True),
        ("numbers", a.numbers, g.numbers, False),
        ("dates", a.dates, g.dates, True),
        ("names", a.names, g.names, False),
    ):
        value = dice(mine, theirs, size)
        if value is None or (needs_mentions and not mentions):
            put(name + "_missing", 1.0)
        else:
            put(name, value)

    mean_chars = g.chars / size
    longer = max(a.chars, mean_chars)
    put("length_ratio", min(a.chars, mean_chars) / longer if longer else 0.0)
    put("same_lang", g.langs[a.lang] / size if a.lang else 0.0)
    put("log_size", math.log(size))

    only = g.only
    if only is not None:
        if a.lead is not None and only.lead is not None:
            put("lead", float(a.lead @ only.lead))
        else:
            put("lead_missing", 1.0)
        aligned = alignment(a.sentences, only.sentences)
        if aligned is None:
            put("sentences_missing", 1.0)
        else:
            put("sentences", aligned[0])
            put("sentences_top", aligned[1])
    else:  # a larger group: the pair-only features are absent (the story head ignores them)
        put("lead_missing", 1.0)
        put("sentences_missing", 1.0)
    return x


def pair_features(a: Profile, b: Profile) -> FeatureVector:
    """``features`` of two articles."""
    return features(a, Group.of([b]))


def dice(mine: Iterable[str], counts: Counter[str], size: int) -> float | None:
    """The group Dice coefficient (module doc), or None when either side has nothing."""
    items = set(mine)
    theirs = sum(counts.values()) / size
    if not items or not theirs:
        return None
    shared = sum(counts[x] for x in items) / size
    return 2.0 * shared / (len(items) + theirs)


def alignment(a: Vector, b: Vector) -> tuple[float, float] | None:
    """Best-aligned sentences of two articles: the mean over each side's sentences of its
    best cosine on the other side (both sides averaged), and the best cosine of all; None
    when a side has no sentence vectors."""
    if a.shape[0] == 0 or b.shape[0] == 0:
        return None
    sims = a @ b.T
    mean = 0.5 * (float(sims.max(axis=1).mean()) + float(sims.max(axis=0).mean()))
    return mean, float(sims.max())


def _shared_members(entities: frozenset[str], g: Group) -> float:
    """Share of ``g``'s members sharing an entity with the article. Counters do not say which
    member holds which entity, so this is bounded by the most widely held shared entity (for a
    group of one it is exact: 1 when any entity is shared)."""
    held = max((g.entities[e] for e in entities), default=0)
    return min(1.0, held / max(g.size, 1))


def _has_ner(lang: str | None) -> bool:
    return bool(lang) and (has_model(lang) or lang in BORROWED_MODELS)
