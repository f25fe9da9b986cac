"""The candidate index: which stories an article is compared with, partitioned by time.

The time window is part of the index, not a filter after a nearest-neighbour search. Stories
live in *buckets* of ``BUCKET_DAYS`` keyed by their last article's time; a story moves to a
later bucket when an article extends its span. An article at time ``t`` searches only the
buckets that can hold a story whose last article is at or after ``t - window`` (plus the bucket
of stories with no dated article yet, which is open to everyone); an article without a date
searches every bucket. Within a bucket the window is then checked exactly, with the same
semantics as ever (open iff no dated member yet, or ``first - w <= t <= last + w``), so the
work per article depends on how many stories are active in one window, not on how many the
workspace holds.

Inside a bucket, stories are searched exactly (numpy, over their mean vectors, so the score is
the average-linkage score itself) while the bucket is small; beyond ``SKETCH_MIN_STORIES`` the
exact scan runs over ``SKETCH_DIMS``-dimensional random projections of the means (a scan of
full vectors is memory-bound at that size) and the caller re-scores the best ``CANDIDATES`` of
each bucket with the full sums. Beyond ``ANN_MIN_STORIES`` stories a bucket also gets a usearch
HNSW index over the sketches, filled in batches: new, moved and drifted stories wait in the
exact block until ``PENDING_MAX`` of them are there, then go into the HNSW index together.
A story already in the HNSW index keeps its indexed direction
until its size has doubled (``REINDEX_GROWTH``): a story's direction barely moves after that
many members, and the caller re-scores every candidate exactly from its sums anyway.

Eviction: a bucket whose stories all ended more than ``window + margin`` before the newest
article seen can no longer take any article that is at most ``margin`` older than the newest
one, so it is dropped from memory (its stories are in the store) and its keys are handed back
to the caller. An article older than that (an out-of-order straggler, beyond ``margin``) is
compared only with the stories still in memory: if none of them matches it founds a new story.
``horizon`` says from which time on the index is complete, so that a caller that cares (the
workspace, when it feeds a late batch) can reload the stories from the store instead.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt

from storyline.cluster.order import SECONDS_PER_DAY
from storyline.records import Vector

if TYPE_CHECKING:
    from usearch.index import Index

Keys = npt.NDArray[np.int64]
_Open = Callable[[Keys], npt.NDArray[np.bool_]]

# Width of a time bucket. With the 14-day window an article searches the 3-4 buckets that
# overlap [t - 14 d, t]: wider buckets mean fewer calls per article but more out-of-window
# stories scanned in the oldest one, narrower the reverse. Not tuned: half the window.
BUCKET_DAYS = 7.0
# Stories in a bucket beyond which its exact block holds *sketches* of the mean vectors (a fixed
# random orthonormal projection to ``SKETCH_DIMS`` dimensions, scaled to keep dot products)
# instead of the full vectors. A 512-dim scan is memory-bound once the block outgrows the CPU
# cache (measured: 2,048 rows 0.09 ms, 7,000 rows 1.0 ms, single thread), a 128-dim one costs a
# quarter; the caller re-scores the candidates with the full sums, so the sketch only has to rank
# the right story into a bucket's top ``CANDIDATES``.
# ``SKETCH_DIMS`` and ``CANDIDATES`` were chosen with ``python -m bench.scale --agree 20000``
# (synthetic stream at 2,700 articles a day; B³ F1 of the stories against a full 512-dim exact
# scan): 64 dims / 50 candidates 0.969, 64 / 100 0.979, 128 / 50 0.989, 256 / 50 0.997,
# 128 / 100 0.999. Cost at steady state (``--n 200000 --days 74``, 100k-200k slice, CPU mean
# per assign): 128 / 100 1.51 ms, 64 / 100 0.96 ms; 64 / 100 is kept for speed.
SKETCH_MIN_STORIES = 2_048
SKETCH_DIMS = 64
SKETCH_SEED = 20_240_101
# Stories in a bucket beyond which it gets an HNSW index (over the sketches). At 2,700 articles
# a day a 7-day bucket holds ≈ 7,000 stories: a sketch scan over them (≈ 0.1 ms) is several times
# cheaper than an HNSW top-50 search, and HNSW inserts cost ≈ 0.3-0.6 ms each (usearch 2.26,
# 512-dim f16; bench/scale.py). HNSW pays off only for far larger buckets (a burst, or a pool
# of undated stories).
ANN_MIN_STORIES = 65_536
# New, moved and drifted stories of an HNSW bucket searched exactly until this many wait; then
# they are added to the HNSW index in one batch (batch adds use every core and keep the exact
# block small). Not tuned: the benchmark's density never makes a bucket that large.
PENDING_MAX = 512
# A story in the HNSW index is re-indexed when its size reaches this multiple of its size when
# it was indexed (its direction has moved by then; before, the exact re-scoring covers it).
REINDEX_GROWTH = 2
# Candidates taken per bucket (exact block and HNSW index each): the best by the bucket's own
# score, re-scored exactly by the caller (calibration: see ``SKETCH_DIMS``).
CANDIDATES = 100
# Never evict a story whose last article is within window + this of the newest article: an
# article up to this much older than the newest one seen is still compared exactly.
EVICT_MARGIN_DAYS = 14.0

# At most this many times ``CANDIDATES`` are asked of the HNSW index of the oldest bucket searched,
# the one only partly inside the window (its share inside sets the factor).
BOUNDARY_BOOST = 4

_UNDATED = None  # the bucket of stories with no dated article yet


@dataclass
class _Bucket:
    """Stories whose last article falls in one time slice: an exact block plus an HNSW index."""

    dim: int  # width of the rows: the full dimension, or SKETCH_DIMS once sketched
    rows: Vector = field(init=False)  # mean vectors (or sketches) of the exact block's stories
    row_keys: Keys = field(init=False)
    n: int = 0
    row_of: dict[int, int] = field(default_factory=dict)
    ann: Index | None = None
    indexed: dict[int, int] = field(default_factory=dict)  # key -> size when indexed
    sketched: bool = False

    def __post_init__(self) -> None:
        self.rows = np.zeros((16, self.dim), dtype=np.float32)
        self.row_keys = np.zeros(16, dtype=np.int64)

    def __len__(self) -> int:
        return self.n + len(self.indexed)

    def add_row(self, key: int, mean: Vector) -> None:
        if self.n == len(self.row_keys):
            self.rows = np.vstack([self.rows, np.zeros_like(self.rows)])
            self.row_keys = np.concatenate([self.row_keys, np.zeros_like(self.row_keys)])
        self.rows[self.n] = mean
        self.row_keys[self.n] = key
        self.row_of[key] = self.n
        self.n += 1

    def drop(self, key: int) -> None:
        """Take a story out (it moved to another bucket or is re-indexed)."""
        r = self.row_of.pop(key, None)
        if r is not None:  # swap the last row into its place
            last = self.n - 1
            if r != last:
                moved = int(self.row_keys[last])
                self.rows[r] = self.rows[last]
                self.row_keys[r] = moved
                self.row_of[moved] = r
            self.n = last
            return
        if self.indexed.pop(key, None) is not None:
            self._hnsw().remove(key)

    def sketch(self, projection: Vector) -> None:
        """Replace the full rows by their sketches (once, when the bucket has grown)."""
        self.rows = np.ascontiguousarray(self.rows @ projection)
        self.dim = projection.shape[1]
        self.sketched = True

    def flush(self, sizes: npt.NDArray[np.int64]) -> None:
        """Move the exact block into the HNSW index, in one batch."""
        if not self.n:
            return
        index = self._hnsw()
        keys = self.row_keys[: self.n].astype(np.uint64)
        index.add(keys, self.rows[: self.n])
        for key in self.row_keys[: self.n].tolist():
            self.indexed[key] = int(sizes[key])
        self.row_of.clear()
        self.n = 0

    def search(
        self, vector: Vector, count: int, ann_count: int, open_: _Open | None
    ) -> tuple[Keys, Keys]:
        """The best ``count`` open stories of the exact block (by mean · vector, which is the
        average-linkage score itself) and the ``ann_count`` nearest stored directions of the
        HNSW index (not yet checked against the window: the caller does)."""
        n = self.n
        keys = self.row_keys[:n]
        inside = open_(keys) if open_ is not None else None
        if n <= count:
            exact = keys if inside is None else keys[inside]
        else:  # one product over the block; closed stories masked out
            scores = self.rows[:n] @ vector
            if inside is not None:
                scores[~inside] = -np.inf
            top = np.argpartition(scores, n - count)[n - count :]
            exact = keys[top] if inside is None else keys[top[inside[top]]]
        if not self.indexed:
            return exact, np.zeros(0, dtype=np.int64)
        found = self._hnsw().search(vector, min(ann_count, len(self.indexed)))
        return exact, np.asarray(found.keys, dtype=np.int64)

    def _hnsw(self) -> Index:
        if self.ann is None:
            from usearch.index import Index

            self.ann = Index(ndim=self.dim, metric="cos", dtype="f16")
        return self.ann


@dataclass
class CandidateIndex:
    """Story candidates for an article, searched only where the time window allows.

    Keys are the caller's small integers (row numbers of its own arrays); the index keeps each
    key's time span, size and bucket."""

    dim: int
    window_days: float
    ann_min_stories: int = ANN_MIN_STORIES
    bucket_days: float = BUCKET_DAYS
    pending_max: int = PENDING_MAX
    candidates: int = CANDIDATES
    sketch_min_stories: int = SKETCH_MIN_STORIES
    evict_margin_days: float = EVICT_MARGIN_DAYS
    newest: float = -math.inf  # the latest article time seen by ``evict``
    horizon: float = -math.inf  # stories ending before this may have been evicted
    _buckets: dict[int | None, _Bucket] = field(default_factory=dict)
    _bucket_of: dict[int, int | None] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self._first = np.zeros(64, dtype=np.float64)
        self._last = np.zeros(64, dtype=np.float64)
        self._sizes = np.zeros(64, dtype=np.int64)
        self._projection = _projection(self.dim) if self.dim > SKETCH_DIMS else None

    def __len__(self) -> int:
        return len(self._bucket_of)

    @property
    def uses_ann(self) -> bool:
        return any(b.ann is not None for b in self._buckets.values())

    def bucket_sizes(self) -> dict[int | None, int]:
        """Stories per bucket (bucket number: days since the epoch // ``bucket_days``)."""
        return {k: len(b) for k, b in sorted(self._buckets.items(), key=_bucket_order)}

    def put(self, key: int, mean: Vector, size: int, first: float, last: float) -> None:
        """Add a story or record that it grew: moves it to the bucket of its last article and
        re-indexes it when it moved or drifted."""
        if key >= len(self._sizes):
            grow = max(64, len(self._sizes))
            self._first = np.concatenate([self._first, np.zeros(grow)])
            self._last = np.concatenate([self._last, np.zeros(grow)])
            self._sizes = np.concatenate([self._sizes, np.zeros(grow, dtype=np.int64)])
        self._first[key], self._last[key], self._sizes[key] = first, last, size
        target = self._bucket_number(last)
        bucket = self._buckets.get(target)
        if bucket is None:
            bucket = self._buckets[target] = _Bucket(self.dim)
        if key in self._bucket_of:
            old = self._buckets[self._bucket_of[key]]
            if old is bucket:
                r = bucket.row_of.get(key)
                if r is not None:
                    bucket.rows[r] = self._row(bucket, mean)
                    return
                if size < REINDEX_GROWTH * bucket.indexed[key]:
                    return  # indexed direction still good enough; re-scored exactly anyway
            old.drop(key)
            if not len(old) and old is not bucket:
                del self._buckets[self._bucket_of[key]]
        self._bucket_of[key] = target
        bucket.add_row(key, self._row(bucket, mean))
        if (
            self._projection is not None
            and not bucket.sketched
            and len(bucket) >= min(self.sketch_min_stories, self.ann_min_stories)
        ):
            bucket.sketch(self._projection)
        if len(bucket) >= self.ann_min_stories and bucket.n >= min(
            self.pending_max, self.ann_min_stories
        ):
            bucket.flush(self._sizes)

    def search(self, vector: Vector, t: float) -> Keys:
        """Keys of the candidate stories open at ``t`` (NaN: undated, every story is open)."""
        sketch = vector @ self._projection if self._projection is not None else vector
        if math.isnan(t):  # an undated article is compared with every story
            found = [
                part
                for bucket in self._buckets.values()
                for part in bucket.search(
                    sketch if bucket.sketched else vector, self.candidates, self.candidates, None
                )
            ]
            return np.concatenate(found) if found else np.zeros(0, dtype=np.int64)
        window = self.window_days * SECONDS_PER_DAY
        span = self.bucket_days * SECONDS_PER_DAY

        def open_(keys: Keys) -> npt.NDArray[np.bool_]:
            first, last = self._first[keys], self._last[keys]
            inside: npt.NDArray[np.bool_] = np.isnan(first) | (
                (t >= first - window) & (t <= last + window)
            )
            return inside

        lowest = math.floor((t - window) / span)
        found = []
        for number, bucket in self._buckets.items():
            if number is not None and number < lowest:
                continue  # every story there ended before t - window
            # The oldest bucket is partly out of the window: ask its HNSW index for more, so
            # that the window check below still leaves about ``candidates`` of them.
            share = 1.0 if number is None else min(1.0, ((number + 1) * span - t + window) / span)
            ann_count = math.ceil(self.candidates / max(share, 1 / BOUNDARY_BOOST))
            query = sketch if bucket.sketched else vector
            # A bucket wholly inside [t - w, t + w] holds only open stories (first <= last):
            # no window check needed there.
            inner = (
                number is not None
                and number * span >= t - window
                and ((number + 1) * span <= t + window)
            )
            exact, ann = bucket.search(query, self.candidates, ann_count, None if inner else open_)
            found.append(exact)
            if len(ann):
                found.append(ann[open_(ann)])
        return np.concatenate(found) if found else np.zeros(0, dtype=np.int64)

    def remove(self, key: int) -> None:
        """Forget a story (merged into another): it is never a candidate again."""
        number = self._bucket_of.pop(key, _MISSING)
        if number is _MISSING:
            return
        bucket = self._buckets[number]  # type: ignore[index]
        bucket.drop(key)
        if not len(bucket):
            del self._buckets[number]  # type: ignore[arg-type]

    def evict(self, t: float) -> list[int]:
        """Note an article at ``t`` and drop the buckets that ended more than window + margin
        before the newest article; returns their keys (the caller frees them)."""
        if not math.isnan(t):
            self.newest = max(self.newest, t)
        cut = self.newest - (self.window_days + self.evict_margin_days) * SECONDS_PER_DAY
        if not math.isfinite(cut):
            return []
        span = self.bucket_days * SECONDS_PER_DAY
        gone: list[int] = []
        for number in [k for k in self._buckets if k is not None and (k + 1) * span <= cut]:
            bucket = self._buckets.pop(number)
            keys = bucket.row_keys[: bucket.n].tolist() + list(bucket.indexed)
            for key in keys:
                del self._bucket_of[key]
            gone.extend(keys)
        self.horizon = max(self.horizon, math.floor(cut / span) * span)
        return gone

    def _row(self, bucket: _Bucket, mean: Vector) -> Vector:
        if bucket.sketched and self._projection is not None:
            row: Vector = mean @ self._projection
            return row
        return mean

    def _bucket_number(self, last: float) -> int | None:
        if math.isnan(last):
            return _UNDATED
        return math.floor(last / (self.bucket_days * SECONDS_PER_DAY))


_MISSING = object()


def _projection(dim: int) -> Vector:
    """A fixed random orthonormal map to ``SKETCH_DIMS`` dimensions, scaled so that dot
    products keep their expected value (the same for every run: seeded)."""
    rng = np.random.default_rng(SKETCH_SEED)
    q, _ = np.linalg.qr(rng.normal(size=(dim, SKETCH_DIMS)))
    out: Vector = (q * math.sqrt(dim / SKETCH_DIMS)).astype(np.float32)
    return out


def _bucket_order(item: tuple[int | None, _Bucket]) -> float:
    return -math.inf if item[0] is None else float(item[0])
