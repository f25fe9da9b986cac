"""The shipped matcher: scores in [0, 1], exact explanations, both heads, real articles."""

from __future__ import annotations

import json
import math
from collections.abc import Callable

import pytest

import storyline
from storyline.match import FEATURES, STORY_FEATURES, VERSION, Group, Matcher, default_matcher
from storyline.match.model import sigmoid
from storyline.match.profile import Profile

EN, ES, OTHER = "meantime-en-100911", "meantime-es-100911", "meantime-en-102977"


def test_weights_load_without_sklearn_names() -> None:
    matcher = Matcher.load()
    assert matcher.spec["version"] == VERSION
    assert matcher.pair.names == FEATURES
    assert matcher.story.names == STORY_FEATURES


def test_wrong_version_is_refused(tmp_path: object) -> None:
    spec = dict(Matcher.load().spec, version="match-0")
    with pytest.raises(ValueError, match="match-0"):
        Matcher(json.loads(json.dumps(spec)))


@pytest.mark.data
def test_translation_scores_high(profile_meantime: Callable[[str], Profile]) -> None:
    """MEANTIME en vs its es translation: the same story; a same-topic article: lower."""
    matcher = default_matcher()
    en, es, other = profile_meantime(EN), profile_meantime(ES), profile_meantime(OTHER)
    assert matcher.score(en, es) >= 0.7
    assert matcher.score(en, es) > matcher.score(en, other)
    assert matcher.score_group(en, Group.of([es])) > matcher.score_group(en, Group.of([other]))


@pytest.mark.data
def test_explanation_is_exact(profile_meantime: Callable[[str], Profile]) -> None:
    matcher = default_matcher()
    en, es, other = profile_meantime(EN), profile_meantime(ES), profile_meantime(OTHER)
    why = matcher.explain(en, es)
    assert why.head == "pair" and set(why.features) == set(FEATURES)
    logit = why.bias + sum(why.contributions.values())
    assert why.score == pytest.approx(sigmoid(logit)) == pytest.approx(matcher.score(en, es))
    story = Group.of([es, other])
    why_story = matcher.explain(en, story)
    assert why_story.head == "story" and set(why_story.features) == set(STORY_FEATURES)
    assert why_story.score == pytest.approx(matcher.score_group(en, story))
    assert math.isclose(
        why_story.score, sigmoid(why_story.bias + sum(why_story.contributions.values()))
    )
    assert json.loads(json.dumps(why.to_dict()))["head"] == "pair"
    assert len(why.top(3)) == 3


@pytest.mark.data
def test_similarity_of_texts(meantime: dict[str, dict[str, str]]) -> None:
    en, es, other = meantime[EN], meantime[ES], meantime[OTHER]
    same = storyline.similarity(en["text"], es["text"], lang1="en", lang2="es")
    different = storyline.similarity(en["text"], other["text"])
    assert 0.0 <= different < same <= 1.0


@pytest.mark.data
def test_similarity_of_articles(meantime: dict[str, dict[str, str]]) -> None:
    """Two Articles (as a workspace holds them) score like their texts."""
    from storyline.match.pairs import article_of
    from storyline.pipeline import Pipeline

    pipeline = Pipeline.default()
    en, es = (
        article_of({"text": meantime[i]["text"], "lang": meantime[i]["lang"]}, pipeline)
        for i in (EN, ES)
    )
    from_articles = storyline.similarity(en, es, pipeline=pipeline)
    from_texts = storyline.similarity(
        meantime[EN]["text"], meantime[ES]["text"], lang1="en", lang2="es", pipeline=pipeline
    )
    assert from_articles == pytest.approx(from_texts, abs=1e-6)
