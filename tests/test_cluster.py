from __future__ import annotations

from datetime import datetime, timedelta

import numpy as np

from storyline.cluster import COSINE_JOIN_THRESHOLD, WINDOW_DAYS, StoryIndex

DAY0 = datetime(2022, 1, 28)


def _unit(v: np.ndarray) -> np.ndarray:
    return (v / np.linalg.norm(v)).astype(np.float32)


def _topics(n: int, dim: int = 64, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    return np.stack([_unit(rng.normal(size=dim)) for _ in range(n)])


def _near(v: np.ndarray, noise: float, rng: np.random.Generator) -> np.ndarray:
    return _unit(v + noise * rng.normal(size=v.shape) / np.sqrt(v.shape[0]))


def test_close_articles_join_and_far_ones_open_new_stories() -> None:
    rng = np.random.default_rng(1)
    topics = _topics(3)
    index = StoryIndex(dim=64)
    decisions = [
        index.assign(f"{t}{k}" + "0" * 12, _near(topics[t], 0.5, rng), DAY0)
        for k in range(4)
        for t in range(3)
    ]
    assert len(index) == 3
    by_topic = {t: {d.story_id for d in decisions[t::3]} for t in range(3)}
    assert all(len(ids) == 1 for ids in by_topic.values())
    assert all(
        d.new or (d.score is not None and d.score >= COSINE_JOIN_THRESHOLD) for d in decisions
    )


def test_story_ids_derive_from_the_founding_article() -> None:
    v = _topics(1)[0]
    a = StoryIndex(dim=64).assign("abcdef0123456789", v, DAY0)
    b = StoryIndex(dim=64).assign("abcdef0123456789", v, DAY0)
    assert a.story_id == b.story_id == "sabcdef01234"


def test_time_window_closes_old_stories() -> None:
    v = _topics(1)[0]
    index = StoryIndex(dim=64)
    first = index.assign("a" * 16, v, DAY0)
    later = index.assign("b" * 16, v, DAY0 + timedelta(days=WINDOW_DAYS + 1))
    within = index.assign("c" * 16, v, DAY0 + timedelta(days=WINDOW_DAYS - 1))
    assert later.new and later.story_id != first.story_id
    assert not within.new


def test_ann_index_agrees_with_exact_search() -> None:
    rng = np.random.default_rng(2)
    topics = _topics(20, seed=3)
    stream = [(f"{i:016d}", _near(topics[i % 20], 0.4, rng)) for i in range(100)]
    exact = StoryIndex(dim=64)
    ann = StoryIndex(dim=64, ann_min_stories=1)
    got_exact = [exact.assign(k, v, DAY0).story_id for k, v in stream]
    got_ann = [ann.assign(k, v, DAY0).story_id for k, v in stream]
    assert ann._ann is not None
    assert got_exact == got_ann
    assert len(exact) == 20
