"""A million synthetic articles through the online clusterer: time per article as it grows.

``python -m bench.scale [--n 1000000]`` streams ``--n`` articles, spread over one year
(≈ 2,700 a day at a million), in time order through ``StoryIndex.assign`` and reports the time
per article (median, p99) per 100k slice, the total time, peak RSS, the number of stories and
the candidates per query. It runs in a fresh process (``run`` spawns it), so the peak RSS is
the clusterer's own and not that of the benchmarks before it.

The stream mimics real articles. Distributions measured on real data are constants below, with
their source (``python -m bench.scale_measure``, on SemEval-2022 dev and MEANTIME, both dev
data); what the data cannot tell (story sizes, how many topics) is an assumption, said so:

- document vectors: ``unit(g·G + t·T + s·S + n·N)`` with a direction ``G`` shared by all
  news, ``T`` by a topic, ``S`` by a story and ``N`` per article; the weights are set so that
  the mean cosine of two articles of one story, of one topic and unrelated ones match the
  measured bands, and a per-article spread of the story weight gives their spread;
- story sizes: a discrete power law (heavy tail), stories starting uniformly over the year,
  their articles spread over a few days after the start (longer for larger stories);
- entities, places and date values per article: counts drawn from the measured histograms,
  keys from a story pool (shared with its topic) or from a Zipf vocabulary, so that two
  articles of one story share about as many as real ones do; date values lie around the
  publication day as measured on MEANTIME.

They are built as ``storyline.match.Profile`` objects; ``assign`` is given ``profile.doc`` and
the publication datetime (it will take the profile itself once the matcher lands).
"""

from __future__ import annotations

import argparse
import json
import math
import os
import resource
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import numpy.typing as npt

from storyline.cluster import StoryIndex
from storyline.cluster.order import SECONDS_PER_DAY, moment
from storyline.match import Profile

ROOT = Path(__file__).resolve().parents[1]
DIM = 512  # USE (multilingual) document vectors
YEAR_START = datetime(2024, 1, 1, tzinfo=UTC)
DAYS = 365.0
SLICE = 100_000
SEED = 8

# -- measured on real data (python -m bench.scale_measure; SemEval-2022 dev, MEANTIME) ----------
# Mean document-vector cosine of article pairs, by band (SemEval dev ``overall``): same story
# (<= 1.5: 162 pairs, std 0.164), same topic (2.5 .. 3.5: 160 pairs; MEANTIME same topic,
# other story, same language: 0.570) and unrelated (>= 3.5: 267 pairs; MEANTIME other topic:
# 0.241).
COS_SAME_STORY = 0.666
COS_SAME_TOPIC = 0.468
COS_UNRELATED = 0.255
COS_SAME_STORY_STD = 0.164
# Per-article counts (SemEval dev, 1,432 articles, after the mentions stage): histograms,
# index = count. SemEval texts are cut at about 1,000 characters, so these are low for full
# articles (MEANTIME's full texts: 10.2 entities and 3.7 date values per article).
ENTITY_COUNTS = (170, 208, 199, 204, 204, 140, 96, 81, 47, 30, 22, 9, 7, 5, 3, 1, 2, 2, 1, 0, 0, 1)
PLACE_COUNTS = (332, 359, 266, 166, 123, 76, 44, 24, 15, 11, 3, 9, 0, 2, 0, 0, 0, 1, 0, 0, 1)
DATE_COUNTS = (1022, 311, 69, 19, 8, 2, 0, 0, 0, 1)
# Mean Jaccard overlap of entity (people, organisations) and place sets of same-story pairs
# (SemEval dev; unrelated pairs: 0.034 and 0.124).
ENTITY_JACCARD_SAME_STORY = 0.130
PLACE_JACCARD_SAME_STORY = 0.245
# Where date values fall (MEANTIME, 637 day values vs the publication day): shares within 0,
# 1, 7, 30 and 365 days; the rest is further away.
DATE_OFFSET_SHARES = ((0, 0.562), (1, 0.683), (7, 0.791), (30, 0.936), (365, 0.973))
# Characters per article (SemEval dev, truncated texts): median and a log-normal spread.
CHARS_MEDIAN = 1032
CHARS_LOG_STD = 0.25

# -- assumptions (no story-size data in ../shared/data) -----------------------------------------
# Story sizes: P(size = k) ∝ k^-SIZE_EXPONENT, 1 <= k <= MAX_STORY_SIZE. Exponents around 2 are
# what news and meme-tracking studies report for cluster sizes; this gives a mean of ≈ 3
# articles per story (≈ 300k stories in a million) and a few stories of thousands.
SIZE_EXPONENT = 2.1
MAX_STORY_SIZE = 20_000
# A story's articles come a random (exponential) time after its start, with this mean in days
# for a one-article story, growing with log(size): a large story runs for weeks.
SPREAD_DAYS = 1.0
SPREAD_PER_LOG_SIZE = 1.0
# Topics (subjects many stories share: a company, a war, an election), Zipf-popular.
TOPICS = 3_000
TOPIC_EXPONENT = 1.1
# Vocabulary of entity and place keys (Zipf-popular); a topic's pool and a story's pool.
ENTITY_VOCAB = 200_000
PLACE_VOCAB = 20_000
TOPIC_POOL = 40
STORY_POOL = 8
LANGS = (
    ("en", 0.45),
    ("de", 0.15),
    ("es", 0.1),
    ("fr", 0.08),
    ("pl", 0.07),
    ("tr", 0.05),
    ("ar", 0.05),
    ("it", 0.05),
)


@dataclass(frozen=True, slots=True)
class Plan:
    """The stream, decided up front: per article its story and time, in time order."""

    story: npt.NDArray[np.int64]
    t: npt.NDArray[np.float64]
    topic_of: npt.NDArray[np.int64]  # per story
    last_index: npt.NDArray[np.int64]  # per story: position of its last article in the stream


def _zipf_probs(n: int, exponent: float) -> npt.NDArray[np.float64]:
    p = np.arange(1, n + 1, dtype=np.float64) ** -exponent
    return p / p.sum()


def plan(n: int, rng: np.random.Generator, days: float = DAYS) -> Plan:
    sizes_p = _zipf_probs(MAX_STORY_SIZE, SIZE_EXPONENT)
    sizes: list[npt.NDArray[np.int64]] = []
    total = 0
    while total < n:
        batch = rng.choice(MAX_STORY_SIZE, size=max(1000, n // 3), p=sizes_p) + 1
        sizes.append(batch)
        total += int(batch.sum())
    size = np.concatenate(sizes)
    cut = int(np.searchsorted(np.cumsum(size), n))
    size = size[: cut + 1]
    size[-1] -= int(size.sum()) - n
    stories = len(size)
    start = rng.uniform(0, days, stories)
    spread = SPREAD_DAYS + SPREAD_PER_LOG_SIZE * np.log(size)
    story = np.repeat(np.arange(stories), size)
    t = start[story] + rng.exponential(spread[story])
    t = np.minimum(t, days)  # the year ends
    order = np.argsort(t, kind="stable")
    story, t = story[order], t[order] * SECONDS_PER_DAY + YEAR_START.timestamp()
    last_index = np.zeros(stories, dtype=np.int64)
    last_index[story] = np.arange(n)  # later positions overwrite earlier ones
    topic_of = rng.choice(TOPICS, size=stories, p=_zipf_probs(TOPICS, TOPIC_EXPONENT))
    return Plan(story, t, topic_of, last_index)


def _zipf_draw(
    cdf: npt.NDArray[np.float64], size: int | tuple[int, ...], rng: np.random.Generator
) -> npt.NDArray[np.int64]:
    """Ranks drawn from a cumulative distribution (``rng.choice(p=...)`` redoes the cumsum on
    every call: far too slow per article)."""
    drawn: npt.NDArray[np.int64] = np.minimum(
        np.searchsorted(cdf, rng.random(size)), len(cdf) - 1
    ).astype(np.int64)
    return drawn


def _unit_rows(x: npt.NDArray[np.float32]) -> npt.NDArray[np.float32]:
    out: npt.NDArray[np.float32] = x / np.linalg.norm(x, axis=1, keepdims=True)
    return out


def _draw_count(
    hist: tuple[int, ...], size: int, rng: np.random.Generator
) -> npt.NDArray[np.int64]:
    p = np.asarray(hist, dtype=np.float64)
    return rng.choice(len(p), size=size, p=p / p.sum())


class Stream:
    """Profiles in time order, generated a chunk at a time (memory stays flat)."""

    def __init__(self, n: int, seed: int = SEED, days: float = DAYS) -> None:
        self.rng = np.random.default_rng(seed)
        self.plan = plan(n, self.rng, days)
        self.g, self.w_topic, self.w_story = (math.sqrt(w) for w in VECTOR_WEIGHTS)
        self.noise = math.sqrt(1.0 - sum(VECTOR_WEIGHTS))
        self.common = _unit_rows(self.rng.normal(size=(1, DIM)).astype(np.float32))[0]
        self.topics = _unit_rows(self.rng.normal(size=(TOPICS, DIM)).astype(np.float32))
        self.entity_cdf = np.cumsum(_zipf_probs(ENTITY_VOCAB, 1.0))
        self.place_cdf = np.cumsum(_zipf_probs(PLACE_VOCAB, 1.0))
        self.topic_entities = _zipf_draw(self.entity_cdf, (TOPICS, TOPIC_POOL), self.rng)
        self.topic_places = _zipf_draw(self.place_cdf, (TOPICS, STORY_POOL), self.rng)
        self.cache: dict[
            int, tuple[npt.NDArray[np.float32], npt.NDArray[np.int64], npt.NDArray[np.int64]]
        ] = {}
        self.langs = [code for code, _ in LANGS]
        self.lang_p = np.asarray([p for _, p in LANGS]) / sum(p for _, p in LANGS)

    def __len__(self) -> int:
        return len(self.plan.t)

    def _story(
        self, s: int
    ) -> tuple[npt.NDArray[np.float32], npt.NDArray[np.int64], npt.NDArray[np.int64]]:
        got = self.cache.get(s)
        if got is None:
            rng = np.random.default_rng([SEED, s])
            direction = rng.normal(size=DIM).astype(np.float32)
            direction /= np.linalg.norm(direction)
            topic = int(self.plan.topic_of[s])
            # A story's people: a few of its topic's, a few of its own.
            own = _zipf_draw(self.entity_cdf, STORY_POOL // 2, rng)
            shared = rng.choice(self.topic_entities[topic], size=STORY_POOL // 2, replace=False)
            places = np.concatenate(
                [self.topic_places[topic][:2], _zipf_draw(self.place_cdf, 1, rng)]
            )
            got = self.cache[s] = (direction, np.concatenate([own, shared]), places)
        return got

    def chunks(self, size: int = 10_000) -> Iterator[list[tuple[str, Profile]]]:
        plan, rng = self.plan, self.rng
        for lo in range(0, len(self), size):
            hi = min(lo + size, len(self))
            stories = plan.story[lo:hi]
            m = hi - lo
            # Per-article signal strength (log-normal, mean 1): the spread of the cosines.
            signal = np.exp(SIGNAL_LOG_STD * rng.normal(size=m) - SIGNAL_LOG_STD**2 / 2)
            story_dirs = np.stack([self._story(int(s))[0] for s in stories])
            vectors = signal.astype(np.float32)[:, None] * (
                self.g * self.common
                + self.w_topic * self.topics[plan.topic_of[stories]]
                + self.w_story * story_dirs
            ) + self.noise * rng.normal(size=(m, DIM)).astype(np.float32) / math.sqrt(DIM)
            vectors = _unit_rows(vectors.astype(np.float32))
            n_entities = _draw_count(ENTITY_COUNTS, m, rng)
            n_places = _draw_count(PLACE_COUNTS, m, rng)
            n_dates = _draw_count(DATE_COUNTS, m, rng)
            chars = np.exp(rng.normal(math.log(CHARS_MEDIAN), CHARS_LOG_STD, m)).astype(np.int64)
            langs = rng.choice(len(self.langs), size=m, p=self.lang_p)
            out = []
            for j in range(m):
                s = int(stories[j])
                _, pool, places = self._story(s)
                t = float(plan.t[lo + j])
                out.append(
                    (
                        f"{lo + j:011x}{s:05x}"[-16:],
                        Profile(
                            doc=vectors[j],
                            title=None,
                            lead=None,
                            sentences=np.zeros((0, DIM), dtype=np.float32),
                            entities=self._keys(
                                "e", pool, int(n_entities[j]), ENTITY_FROM_STORY, self.entity_cdf
                            ),
                            places=self._keys(
                                "p", places, int(n_places[j]), PLACE_FROM_STORY, self.place_cdf
                            ),
                            numbers=frozenset(),
                            dates=self._dates(t, int(n_dates[j])),
                            published=t,
                            lang=self.langs[int(langs[j])],
                            chars=int(chars[j]),
                        ),
                    )
                )
            for s in set(stories.tolist()):  # stories that ended: forget them
                if plan.last_index[s] < hi:
                    self.cache.pop(s, None)
            yield out

    def _keys(
        self,
        kind: str,
        pool: npt.NDArray[np.int64],
        count: int,
        from_pool: float,
        cdf: npt.NDArray[np.float64],
    ) -> frozenset[str]:
        if not count:
            return frozenset()
        own = self.rng.random(count) < from_pool
        picked = np.where(own, self.rng.choice(pool, size=count), _zipf_draw(cdf, count, self.rng))
        return frozenset(f"{kind}{k}" for k in picked.tolist())

    def _dates(self, t: float, count: int) -> frozenset[str]:
        if not count:
            return frozenset()
        bounds = [0] + [d for d, _ in DATE_OFFSET_SHARES] + [3650]
        shares = [s for _, s in DATE_OFFSET_SHARES]
        probs = np.diff([0.0, *shares, 1.0])
        band = self.rng.choice(len(probs), size=count, p=probs / probs.sum())
        days = [
            int(self.rng.integers(bounds[b], bounds[b + 1] + 1))
            * (1 if self.rng.random() < 0.3 else -1)
            for b in band.tolist()
        ]
        day = datetime.fromtimestamp(t, UTC).date()
        return frozenset((day + timedelta(days=d)).isoformat() for d in days)


# Squared weights of the common, topic and story directions (the noise takes the rest) and
# the log-normal spread of an article's signal strength: fitted by moment matching to the
# measured same-story / same-topic / unrelated mean cosines and the same-story spread
# (fit: 0.263 / 0.468 / 0.663, std 0.175; unrelated std 0.069, MEANTIME's is 0.075);
# ``python -m bench.scale --check`` prints what the stream gives.
VECTOR_WEIGHTS = (0.319, 0.250, 0.237)
SIGNAL_LOG_STD = 0.636
# Share of an article's entity and place keys taken from its story's pool (the rest from the
# whole vocabulary): set with ``--check`` to the measured same-story Jaccard overlaps.
ENTITY_FROM_STORY = 0.85
PLACE_FROM_STORY = 0.95


class _Counting(StoryIndex):
    """The real index, counting the candidates it hands to ``assign``."""

    counts: list[int]

    def candidates(self, vector: npt.NDArray[np.float32], t: float) -> npt.NDArray[np.int64]:
        found = super().candidates(vector, t)
        self.counts.append(len(found))
        return found


def stream(n: int, days: float = DAYS, matcher: bool = True) -> dict[str, object]:
    """Feed ``n`` articles over ``days`` and measure; returns the figures as JSON-able values.
    ``matcher``: the workspace's clusterer (candidates scored by the learned matcher, with the
    time prior); without it the v1 criterion (mean doc cosine) decides, to isolate the index."""
    # One BLAS thread: the index's products are small, and on 2 shared cores BLAS threads only
    # fight each other (measured: a 2,048 x 512 product 0.09 ms on one thread, 0.26 ms on two).
    from threadpoolctl import threadpool_limits

    threadpool_limits(1)
    t_start = time.perf_counter()
    source = Stream(n, days=days)
    planned = time.perf_counter() - t_start
    from storyline.match import default_matcher

    index = _Counting(dim=DIM, scorer=default_matcher() if matcher else None)
    index.counts = []
    per_article = np.zeros(n, dtype=np.float64)  # wall time of each assign
    per_cpu = np.zeros(n, dtype=np.float64)  # and this thread's CPU time (others' load aside)
    labels = np.zeros(n, dtype=np.int64)
    ids: dict[str, int] = {}
    k = 0
    cpu0, wall0 = time.process_time(), time.perf_counter()
    assign_total = 0.0
    for chunk in source.chunks():
        for key, prof in chunk:
            when = moment(prof.published)
            a, ca = time.perf_counter(), time.thread_time()
            decision = index.join(key, prof) if matcher else index.assign(key, prof.doc, when)
            b, cb = time.perf_counter(), time.thread_time()
            per_article[k] = b - a
            per_cpu[k] = cb - ca
            assign_total += b - a
            labels[k] = ids.setdefault(decision.story_id, len(ids))
            k += 1
            if k % SLICE == 0:  # progress, on stderr (stdout carries the result)
                print(
                    f"[scale] {k:,} articles, {time.perf_counter() - wall0:.0f} s, "
                    f"{len(index):,} stories in memory",
                    file=sys.stderr,
                    flush=True,
                )
    wall, cpu = time.perf_counter() - wall0, time.process_time() - cpu0
    counts = np.asarray(index.counts)
    slices = []
    for lo in range(0, n, SLICE):
        part = per_article[lo : lo + SLICE] * 1e6
        cpu_part = per_cpu[lo : lo + SLICE] * 1e6
        c = counts[lo : lo + SLICE]
        slices.append(
            {
                "from": lo,
                "to": min(lo + SLICE, n),
                "median_us": float(np.median(part)),
                "p99_us": float(np.quantile(part, 0.99)),
                "mean_us": float(part.mean()),
                "cpu_median_us": float(np.median(cpu_part)),
                "cpu_p99_us": float(np.quantile(cpu_part, 0.99)),
                "cpu_mean_us": float(cpu_part.mean()),
                "candidates_median": float(np.median(c)),
                "candidates_p99": float(np.quantile(c, 0.99)),
            }
        )
    p, r, f = _bcubed(labels, source.plan.story)
    return {
        "n": n,
        "days": days,
        "matcher": matcher,
        "plan_s": planned,
        "wall_s": wall,
        "cpu_s": cpu,
        "assign_s": assign_total,
        "assign_cpu_s": float(per_cpu.sum()),
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "stories": len(ids),
        "true_stories": len(source.plan.topic_of),
        "in_memory": len(index),
        "buckets": len(index._index.bucket_sizes()),
        "slices": slices,
        "bcubed": [p, r, f],
    }


def _bcubed(pred: npt.NDArray[np.int64], gold: npt.NDArray[np.int64]) -> tuple[float, float, float]:
    """B-cubed P/R/F1 from the contingency counts (O(n log n), fine for a million)."""
    pair = pred * (int(gold.max()) + 1) + gold
    _, inverse, counts = np.unique(pair, return_inverse=True, return_counts=True)
    both = counts[inverse].astype(np.float64)
    _, pi, pc = np.unique(pred, return_inverse=True, return_counts=True)
    _, gi, gc = np.unique(gold, return_inverse=True, return_counts=True)
    p = float(np.mean(both / pc[pi]))
    r = float(np.mean(both / gc[gi]))
    return p, r, 2 * p * r / (p + r)


def check(n: int = 20_000) -> dict[str, float]:
    """The synthetic stream's pair statistics next to the measured ones (for calibration)."""
    source = Stream(n)
    profs = [p for chunk in source.chunks() for _, p in chunk]
    story = source.plan.story
    topic = source.plan.topic_of[story]
    rng = np.random.default_rng(1)
    same, same_topic, unrelated, ej, pj = [], [], [], [], []
    by_story: dict[int, list[int]] = {}
    for i, s in enumerate(story.tolist()):
        by_story.setdefault(s, []).append(i)
    for members in by_story.values():
        if len(members) > 1:
            a, b = rng.choice(members, 2, replace=False)
            same.append(float(profs[a].doc @ profs[b].doc))
            ej.append(_jaccard(profs[a].entities, profs[b].entities))
            pj.append(_jaccard(profs[a].places, profs[b].places))
    by_topic: dict[int, list[int]] = {}
    for i, tp in enumerate(topic.tolist()):
        by_topic.setdefault(tp, []).append(i)
    for members in by_topic.values():
        for _ in range(3):
            a, b = rng.choice(members, 2)
            if story[a] != story[b]:
                same_topic.append(float(profs[a].doc @ profs[b].doc))
    for _ in range(2000):
        a, b = rng.integers(n, size=2)
        if topic[a] != topic[b]:
            unrelated.append(float(profs[a].doc @ profs[b].doc))
    return {
        "cos_same_story": float(np.mean(same)),
        "cos_same_story_std": float(np.std(same)),
        "cos_same_topic": float(np.mean(same_topic)),
        "cos_unrelated": float(np.mean(unrelated)),
        "entity_jaccard_same_story": float(np.mean(ej)),
        "place_jaccard_same_story": float(np.mean(pj)),
        "entities_mean": float(np.mean([len(p.entities) for p in profs])),
        "dates_mean": float(np.mean([len(p.dates) for p in profs])),
    }


def agree(n: int = 20_000, sketch_min: int | None = None) -> dict[str, float]:
    """The index against exact search on the same stream, at the real density (2,700 a day):
    B³ of the index's stories against those of a full-dimension exact scan of every open story
    (no sketches, no HNSW: the clusterer before the time-partitioned index). ``sketch_min``
    lowers the bucket size from which sketches are used, to test them on a short stream."""
    from threadpoolctl import threadpool_limits

    with threadpool_limits(1):
        return _agree(n, sketch_min)


def _agree(n: int, sketch_min: int | None) -> dict[str, float]:
    days = n / (1_000_000 / DAYS)
    fast = StoryIndex(dim=DIM)
    if sketch_min is not None:
        fast._index.sketch_min_stories = sketch_min
    exact = StoryIndex(dim=DIM, ann_min_stories=1 << 40)
    exact._index.sketch_min_stories = 1 << 40
    labels: dict[str, list[int]] = {"fast": [], "exact": []}
    seen: dict[str, dict[str, int]] = {"fast": {}, "exact": {}}
    spent = {"fast": 0.0, "exact": 0.0}
    for chunk in Stream(n, days=days).chunks():
        for key, prof in chunk:
            when = moment(prof.published)
            for name, index in (("fast", fast), ("exact", exact)):
                a = time.thread_time()
                sid = index.assign(key, prof.doc, when).story_id
                spent[name] += time.thread_time() - a
                labels[name].append(seen[name].setdefault(sid, len(seen[name])))
    p, r, f = _bcubed(np.asarray(labels["fast"]), np.asarray(labels["exact"]))
    return {
        "n": n,
        "bcubed_p": p,
        "bcubed_r": r,
        "bcubed_f1": f,
        "same_decision_share": float(
            np.mean(np.asarray(labels["fast"]) == _remap(labels["fast"], labels["exact"]))
        ),
        "fast_cpu_us": spent["fast"] / n * 1e6,
        "exact_cpu_us": spent["exact"] / n * 1e6,
    }


def _remap(a: list[int], b: list[int]) -> npt.NDArray[np.int64]:
    """``b``'s labels renamed to ``a``'s where a story of ``b`` first appears (for a share of
    articles put in the same story by both)."""
    name: dict[int, int] = {}
    for x, y in zip(a, b, strict=True):
        name.setdefault(y, x)
    return np.asarray([name[y] for y in b])


def _jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    return len(a & b) / len(a | b) if a | b else 0.0


def report(fig: dict[str, object]) -> str:
    n = int(fig["n"])  # type: ignore[call-overload]
    days = float(fig["days"])  # type: ignore[arg-type]
    slices = fig["slices"]
    assert isinstance(slices, list)
    lines = [
        f"### Scale: {n:,} synthetic articles through the online clusterer"
        + ("" if fig.get("matcher", True) else " (v1 criterion: index and mean cosine only)"),
        "",
        f"`python -m bench.scale --n {n} --days {days:g}"
        + ("" if fig.get("matcher", True) else " --v1")
        + f"` (fresh process; {days:g} days, "
        f"≈ {n / days:,.0f} articles a day, in time order; vectors, entity sets and dates drawn to match the distributions "
        "measured on SemEval-2022 dev and MEANTIME, see `bench/scale.py`). The index's "
        "constants were chosen on this synthetic stream (`cluster/index.py`).",
        "",
        "Time per `assign`, wall clock and this thread's CPU time (the machine is shared: "
        "the CPU figure is what the clusterer itself costs):",
        "",
        "| articles | median µs | p99 µs | mean µs | CPU median µs | CPU p99 µs | CPU mean µs "
        "| candidates/query (median, p99) |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for s in slices:
        lines.append(
            f"| {s['from']:,}–{s['to']:,} | {s['median_us']:.0f} | {s['p99_us']:.0f} | "
            f"{s['mean_us']:.0f} | {s['cpu_median_us']:.0f} | {s['cpu_p99_us']:.0f} | "
            f"{s['cpu_mean_us']:.0f} | {s['candidates_median']:.0f}, {s['candidates_p99']:.0f} |"
        )
    b = fig["bcubed"]
    assert isinstance(b, list)
    lines += [
        "",
        f"Total: {fig['wall_s']:.0f} s wall ({fig['cpu_s']:.0f} s CPU) for the stream, of which "
        f"{fig['assign_s']:.0f} s in `assign` ({fig['assign_cpu_s']:.0f} s CPU); generating the plan took {fig['plan_s']:.0f} s. "
        f"Peak RSS {fig['peak_rss_mb']:,.0f} MB. {fig['stories']:,} stories made "
        f"({fig['true_stories']:,} planned; B³ P/R/F1 against the plan "
        f"{b[0]:.3f}/{b[1]:.3f}/{b[2]:.3f}, a sanity check of the synthetic data, not a "
        f"quality figure); {fig['in_memory']:,} stories in memory at the end, in "
        f"{fig['buckets']} time buckets (older ones evicted).",
        "",
    ]
    return "\n".join(lines)


def run(data: Path, n: int = 1_000_000) -> str:
    """``make bench`` section: the stream in a fresh process (its own peak RSS)."""
    del data  # synthetic; the distributions were measured once (bench.scale_measure)
    out = subprocess.run(
        [sys.executable, "-m", "bench.scale", "--n", str(n), "--json"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=True,
        env=os.environ | {"PYTHONPATH": os.pathsep.join([str(ROOT / "src"), str(ROOT)])},
    )
    return "## Scale\n\n" + report(json.loads(out.stdout.splitlines()[-1]))


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n", type=int, default=1_000_000)
    parser.add_argument("--days", type=float, default=DAYS, help="time the stream spans")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument("--v1", action="store_true", help="mean cosine instead of the matcher")
    parser.add_argument("--check", action="store_true", help="synthetic vs measured pair stats")
    parser.add_argument("--agree", type=int, help="compare with exact search on this many")
    args = parser.parse_args()
    if args.agree:
        print(json.dumps(agree(args.agree), indent=1))
    elif args.check:
        print(json.dumps(check(args.n if args.n < 1_000_000 else 20_000), indent=1))
    else:
        figures = stream(args.n, args.days, matcher=not args.v1)
        print(json.dumps(figures) if args.json else report(figures))
