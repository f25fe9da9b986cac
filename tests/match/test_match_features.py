"""Features on real articles: a translation pair and a same-topic pair, and their bounds."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pytest

from storyline.match.features import FEATURES, STORY_FEATURES, dice, features, pair_features
from storyline.match.pairs import profile_of
from storyline.match.profile import Group, Profile
from storyline.pipeline import Pipeline

pytestmark = pytest.mark.data

# One MEANTIME article (the airtanker contract) in English and in its Spanish translation, and
# another English article of the same topic about a different event (the UK RAF airtanker
# contract, four weeks later).
EN, ES, OTHER = "meantime-en-100911", "meantime-es-100911", "meantime-en-102977"


def _named(x: np.ndarray) -> dict[str, float]:
    return dict(zip(FEATURES, x.tolist(), strict=True))


def test_translation_beats_same_topic(profile_meantime: Callable[[str], Profile]) -> None:
    en, es, other = profile_meantime(EN), profile_meantime(ES), profile_meantime(OTHER)
    same, different = _named(pair_features(en, es)), _named(pair_features(en, other))
    assert same["doc"] > different["doc"]
    assert same["sentences"] > different["sentences"]
    assert same["numbers"] > different["numbers"]  # "40 billion", "179", "20.1"
    assert same["same_lang"] == 0.0 and different["same_lang"] == 1.0
    assert same["sentences_missing"] == 0.0 and same["title_missing"] == 0.0


def test_group_of_one_is_the_pair(profile_meantime: Callable[[str], Profile]) -> None:
    en, es = profile_meantime(EN), profile_meantime(ES)
    assert np.allclose(features(en, Group.of([es])), pair_features(en, es))


def test_larger_group_has_no_pair_only_features(
    profile_meantime: Callable[[str], Profile],
) -> None:
    en, es, other = profile_meantime(EN), profile_meantime(ES), profile_meantime(OTHER)
    named = _named(features(en, Group.of([es, other])))
    assert named["sentences_missing"] == 1.0 and named["lead_missing"] == 1.0
    assert named["sentences"] == 0.0 and named["lead"] == 0.0
    assert named["log_size"] == pytest.approx(np.log(2))
    assert 0.0 < named["same_lang"] < 1.0
    assert "sentences" not in STORY_FEATURES and "doc" in STORY_FEATURES


def test_unknown_is_not_zero_overlap(profile_meantime: Callable[[str], Profile]) -> None:
    """A side whose mentions stage did not run gets missing indicators, not zero overlaps."""
    import dataclasses

    en, es = profile_meantime(EN), profile_meantime(ES)
    blind = dataclasses.replace(en, has_mentions=False)
    named = _named(pair_features(blind, es))
    assert named["entities_missing"] == 1.0 and named["places_missing"] == 1.0
    assert named["entities_ner"] == 0.0 and named["places"] == 0.0
    assert named["numbers_missing"] == 0.0  # numbers need no mentions stage


def test_group_dice_reduces_to_dice() -> None:
    from collections import Counter

    assert dice({"a", "b"}, Counter({"b": 1, "c": 1}), 1) == pytest.approx(0.5)
    assert dice(set(), Counter({"b": 1}), 1) is None
    assert dice({"a"}, Counter(), 1) is None
    # two members both holding "a", one also "b": the article {"a"} shares all it has
    assert dice({"a"}, Counter({"a": 2, "b": 1}), 2) == pytest.approx(2 * 1 / (1 + 1.5))


@pytest.mark.parametrize("text", ["", "   ", "x", "word " * 60_000, "1234567890" * 30_000])
def test_bounds(text: str, pipeline: Pipeline, profile_meantime: Callable[[str], Profile]) -> None:
    """Empty, tiny and huge texts give finite features and a score in [0, 1]."""
    from storyline.match.model import default_matcher

    odd = profile_of({"text": text}, pipeline)
    en = profile_meantime(EN)
    for x in (pair_features(odd, en), pair_features(en, odd), pair_features(odd, odd)):
        assert x.shape == (len(FEATURES),) and np.isfinite(x).all()
    matcher = default_matcher()
    for score in (matcher.score(odd, en), matcher.score_group(odd, Group.of([en, odd]))):
        assert 0.0 <= score <= 1.0


def test_missing_vectors(profile_meantime: Callable[[str], Profile]) -> None:
    """No title, no lead, no sentence vectors (an old workspace): indicators, finite values."""
    import dataclasses

    en, es = profile_meantime(EN), profile_meantime(ES)
    bare = dataclasses.replace(en, title=None, lead=None, sentences=np.zeros((0, en.doc.shape[0])))
    named = _named(pair_features(bare, es))
    assert named["title_missing"] == named["lead_missing"] == named["sentences_missing"] == 1.0
    assert named["title"] == named["lead"] == named["sentences"] == 0.0
    assert named["doc"] > 0.5


def test_names_are_capitalised_words_inside_sentences() -> None:
    from storyline.match.profile import names_of

    text = "Leaders met. Talks between Macron and Путин in Élysée; 3Com said «Scholz» won."
    # "Leaders", "Talks" open sentences; "3Com" gives "Com"; quotes do not hide a name.
    assert names_of(text) == {"mkrn", "ptn", "ls", "km", "skls"}
    assert names_of("no names here, only words") == frozenset()
