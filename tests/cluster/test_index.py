"""The time-partitioned candidate index against a brute-force reference of the old semantics."""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta

import numpy as np

from storyline.cluster import WINDOW_DAYS, StoryIndex, timestamp
from storyline.cluster.index import BUCKET_DAYS, EVICT_MARGIN_DAYS, CandidateIndex

DAY0 = datetime(2022, 1, 3, tzinfo=UTC)
DIM = 32


class _Reference:
    """The clusterer as it was: every story scored exactly, the window checked after; plus the
    eviction rule (a story whose bucket ended window + margin before the newest article is
    gone), which only an undated article can notice in a stream in time order."""

    def __init__(self, threshold: float) -> None:
        self.threshold = threshold
        self.newest = -math.inf
        self.sums: list[np.ndarray] = []
        self.sizes: list[int] = []
        self.first: list[float] = []
        self.last: list[float] = []

    def open_at(self, t: float) -> list[int]:
        w, span = WINDOW_DAYS * 86_400.0, BUCKET_DAYS * 86_400.0
        if not math.isnan(t):
            self.newest = max(self.newest, t)
        cut = self.newest - (WINDOW_DAYS + EVICT_MARGIN_DAYS) * 86_400.0
        return [
            i
            for i in range(len(self.sums))
            if math.isnan(self.first[i])
            or (math.isnan(t) and (math.floor(self.last[i] / span) + 1) * span > cut)
            or (self.first[i] - w <= t <= self.last[i] + w)
        ]

    def assign(self, vector: np.ndarray, t: float) -> int:
        best, score = -1, -1.0
        for i in self.open_at(t):
            s = float(self.sums[i] @ vector) / self.sizes[i]
            if s > score:
                best, score = i, s
        if best >= 0 and score >= self.threshold:
            self.sums[best] = self.sums[best] + vector
            self.sizes[best] += 1
            self.first[best] = float(np.fmin(self.first[best], t))
            self.last[best] = float(np.fmax(self.last[best], t))
            return best
        self.sums.append(vector.copy())
        self.sizes.append(1)
        self.first.append(t)
        self.last.append(t)
        return len(self.sums) - 1


def _random(rng: np.random.Generator) -> np.ndarray:
    v = rng.normal(size=DIM)
    return (v / np.linalg.norm(v)).astype(np.float32)


def _stream(n: int, seed: int, days: float, undated: float = 0.05):
    """Articles around 40 directions at random times (some out of order, some undated)."""
    rng = np.random.default_rng(seed)
    centres = rng.normal(size=(40, DIM))
    out = []
    for k in range(n):
        v = centres[rng.integers(40)] + 0.6 * rng.normal(size=DIM)
        v = (v / np.linalg.norm(v)).astype(np.float32)
        base = days * k / n + rng.uniform(-3, 3)  # in time order, give or take three days
        when = None if rng.random() < undated else DAY0 + timedelta(days=base)
        out.append((f"{k:011x}00000", v, when))
    return out


def _same_partition(a: list[str], b: list[int]) -> bool:
    pairs = {(x, y) for x, y in zip(a, b, strict=True)}
    return len(pairs) == len({x for x, _ in pairs}) == len({y for _, y in pairs})


def test_exact_path_equals_brute_force_with_window_and_undated() -> None:
    stream = _stream(1500, seed=1, days=120)
    index, reference = StoryIndex(dim=DIM, threshold=0.7), _Reference(0.7)
    got = [index.assign(k, v, when).story_id for k, v, when in stream]
    want = [reference.assign(v, timestamp(when)) for _, v, when in stream]
    assert _same_partition(got, want)
    assert index._ann is None
    assert len(set(got)) > 100  # the window really split stories


def test_ann_path_equals_brute_force_while_buckets_are_within_the_candidate_count() -> None:
    # HNSW in every bucket from the first story on; a bucket never holds more stories than
    # the index asks for per bucket, so the approximate search must miss nothing.
    stream = _stream(1500, seed=2, days=120)
    index, reference = StoryIndex(dim=DIM, threshold=0.7, ann_min_stories=1), _Reference(0.7)
    got, want = [], []
    for key, v, when in stream:
        t = timestamp(when)
        open_now = set(reference.open_at(t))
        found = {index.ids[i] for i in index.candidates(v, t)}
        assert len(found) == len(open_now) or max(index._index.bucket_sizes().values()) > 50
        got.append(index.assign(key, v, when).story_id)
        want.append(reference.assign(v, t))
    assert index._ann is not None
    assert _same_partition(got, want)


def test_candidates_are_exactly_the_open_stories_when_few() -> None:
    rng = np.random.default_rng(3)
    index = StoryIndex(dim=DIM, threshold=2.0)  # never joins: every article founds a story
    times = [DAY0 + timedelta(days=float(d)) for d in rng.uniform(0, 60, 200)]
    times.sort()
    for k, when in enumerate(times):
        index.assign(f"{k:016x}", _random(rng), when)
    for probe in (DAY0 + timedelta(days=30), DAY0 + timedelta(days=59)):
        t = timestamp(probe)
        w = WINDOW_DAYS * 86_400.0
        open_ = {
            sid
            for sid in index.ids
            if sid and index.span(sid)[1] - w <= t <= index.span(sid)[2] + w
        }
        found = {index.ids[i] for i in index.candidates(_random(rng), t)}
        assert found == open_


def test_a_story_moves_to_the_bucket_of_its_last_article() -> None:
    v = np.ones(DIM, dtype=np.float32) / math.sqrt(DIM)
    index = StoryIndex(dim=DIM)
    first = index.assign("a" * 16, v, DAY0)
    buckets = index._index.bucket_sizes()
    assert list(buckets.values()) == [1]
    for day in range(1, 4):  # each article inside the window of the one before
        later = index.assign(f"{day:016x}", v, DAY0 + timedelta(days=day * BUCKET_DAYS))
        assert later.story_id == first.story_id and not later.new
    moved = index._index.bucket_sizes()
    assert list(moved.values()) == [1] and list(moved) != list(buckets)
    assert index.span(first.story_id)[0] == 4


def test_old_buckets_are_evicted_and_a_late_straggler_founds_a_new_story() -> None:
    v = np.ones(DIM, dtype=np.float32) / math.sqrt(DIM)
    rng = np.random.default_rng(4)
    index = StoryIndex(dim=DIM)
    old = index.assign("0" * 16, v, DAY0)
    for day in range(0, 120, 2):  # unrelated stories every other day
        index.assign(f"{day + 1:011x}zzzzz", _random(rng), DAY0 + timedelta(days=day))
    held = len(index)
    assert old.story_id not in index._position  # ended 120 days ago: only in the store
    assert held < 61 and held >= (WINDOW_DAYS + EVICT_MARGIN_DAYS) / 2
    assert index.complete_from > timestamp(DAY0)
    assert len(index.ids) <= held + 64  # evicted positions are reused
    # Still exact for an article within the margin of the newest one ...
    recent = DAY0 + timedelta(days=118 - EVICT_MARGIN_DAYS + 1)
    assert index.assign("r" * 16, v + 0.01, recent).new
    assert not index.assign("s" * 16, v, recent).new
    # ... but a straggler from the first day cannot find its story any more: it founds one.
    late = index.assign("l" * 16, v, DAY0)
    assert late.new and late.story_id != old.story_id


def test_undated_stories_are_open_to_all_and_undated_articles_search_every_bucket() -> None:
    v = np.ones(DIM, dtype=np.float32) / math.sqrt(DIM)
    w = np.zeros(DIM, dtype=np.float32)
    w[0] = 1.0
    index = StoryIndex(dim=DIM)
    undated = index.assign("u" * 16, v, None)
    assert not index.assign("d" * 16, v, DAY0 + timedelta(days=20)).new  # dates it
    far = index.assign("f" * 16, w, DAY0)  # a dated story far from the first
    later = index.assign("g" * 16, w, DAY0 + timedelta(days=30))
    assert later.new  # out of its window
    assert not index.assign("h" * 16, w, None).new  # undated: every bucket is open
    sizes = index._index.bucket_sizes()
    assert None not in sizes and len(sizes) == 3
    assert undated.story_id != far.story_id


def test_the_index_alone_keeps_keys_in_one_bucket() -> None:
    index = CandidateIndex(dim=4, window_days=WINDOW_DAYS, ann_min_stories=2, pending_max=2)
    vectors = np.eye(4, dtype=np.float32)
    t0 = timestamp(DAY0)
    for key in range(4):
        index.put(key, vectors[key], 1, t0, t0)
    index.put(1, vectors[1], 2, t0, t0 + 86_400.0 * 20)  # moves on
    assert sum(index.bucket_sizes().values()) == len(index) == 4
    assert index.uses_ann
    found = index.search(vectors[1], t0 + 86_400.0 * 30)
    assert found.tolist() == [1]


def test_sketched_buckets_still_rank_the_right_story_among_the_candidates() -> None:
    # 512 dimensions like USE: large buckets keep 64-dim sketches; the caller re-scores.
    rng = np.random.default_rng(5)
    dim = 512
    index = CandidateIndex(dim=dim, window_days=WINDOW_DAYS, sketch_min_stories=64)
    means = rng.normal(size=(600, dim)).astype(np.float32)
    means /= np.linalg.norm(means, axis=1, keepdims=True)
    t0 = timestamp(DAY0)
    for key, mean in enumerate(means):
        index.put(key, mean, 1, t0, t0 + key * 60.0)
    assert all(b.sketched for b in index._buckets.values())
    for key in rng.choice(600, 50, replace=False).tolist():
        query = means[key] + 0.8 * rng.normal(size=dim).astype(np.float32) / math.sqrt(dim)
        query /= np.linalg.norm(query)
        assert key in index.search(query, t0).tolist()
