"""Cluster stage: each new article joins the best open story or opens a new one (online).

An article is compared with the stories that were active within ``WINDOW_DAYS`` of its date.
Candidates come from an index partitioned by time (``cluster.index``: buckets of stories keyed
by their last article, exact numpy search over full or sketched mean vectors, a ``usearch``
HNSW index in huge buckets; only the buckets the window reaches are searched) and the article
joins the story whose members it is most similar to *on average* (the average-linkage
criterion, computed in O(1) per story as ``v · sum(members) / n``) when that reaches
``JOIN_THRESHOLD``; otherwise it founds a new story. Average similarity rather than cosine to
the centroid keeps a large, diverse story from swallowing everything near its middle.

Story ids derive from the founding article's bytes, so they are stable across runs and never
change when new input arrives.

Articles are fed in one total order that does not depend on the order of files on disk, nor
on rowids or ingest times (``order_key``): publication time (UTC), undated articles last, ties
broken by the sha256 of the raw bytes. An article without a publication date is compared with
every story in memory, and a story with no dated article yet is open to every article: the
ingest time says nothing about when a story happened. Stories that ended more than the window
plus ``cluster.index.EVICT_MARGIN_DAYS`` before the newest article are evicted from memory (they
stay in the store): an article that much older than the newest one founds a new story unless
the index is reloaded (``StoryIndex.complete_from``).

Stable ids with progress (see ``Workspace.ingest``): while an ingest runs, each chunk's articles
are assigned *provisionally* as the chunk commits, so readers see stories grow; when the run
ends, a settle pass takes every provisional assignment back and assigns those articles again in
the total order, in one transaction. The same documents therefore give the same story ids and
groupings whatever their input order — within one ingest; documents that arrive in a later run
are assigned against the stories that exist by then (online clustering never rewrites settled
stories).

Time arithmetic and the total order live in ``cluster.order``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

import numpy as np
import numpy.typing as npt

from storyline.cluster import index
from storyline.cluster.index import CandidateIndex
from storyline.cluster.order import timestamp
from storyline.embed import unit
from storyline.records import Vector

CLUSTERER = "storyline-online-avglink-1"

# Mean cosine between an article's document vector and a story's members above which the
# article joins the story. Calibrated with `python -m bench.clustering --calibrate` on
# semeval2022-pairs/dev.jsonl (independent outlets): the threshold that maximises pairwise F1 of
# "in the same story" when all 1,433 articles are clustered (0.55: F1 0.765; 0.50: 0.757;
# 0.60: 0.741); checked on meantime/articles.jsonl. MEANTIME alone would push it up (its
# es/it/nl articles are translations, cosine ≈ 0.9) and split independent reports apart.
JOIN_THRESHOLD = 0.55
# Stories whose last article is older than this (relative to the new article) are closed to it.
WINDOW_DAYS = 14.0
# Candidate search: stories bucketed by time, exact (full or sketched) within buckets, HNSW in
# huge ones; now per bucket (``cluster.index``; the constants and their calibration are there).
ANN_MIN_STORIES = index.ANN_MIN_STORIES
ANN_CANDIDATES = index.CANDIDATES


@dataclass(slots=True)
class Decision:
    story_id: str
    score: float | None
    new: bool


@dataclass
class StoryIndex:
    """Open stories: centroid sums, sizes and time spans, with a nearest-centroid search."""

    dim: int
    threshold: float = JOIN_THRESHOLD
    window_days: float = WINDOW_DAYS
    ann_min_stories: int = ANN_MIN_STORIES
    ids: list[str] = field(default_factory=list)  # by position; "" for a freed position
    _sums: Vector = field(init=False)
    _unit: Vector = field(init=False)

    def __post_init__(self) -> None:
        self._sums = np.zeros((0, self.dim), dtype=np.float32)
        self._unit = np.zeros((0, self.dim), dtype=np.float32)
        self._sizes = np.zeros(0, dtype=np.int64)
        self._first = np.zeros(0, dtype=np.float64)  # NaN: no dated article yet
        self._last = np.zeros(0, dtype=np.float64)
        self._position: dict[str, int] = {}
        self._free: list[int] = []  # positions of evicted stories, to reuse
        self._index = CandidateIndex(
            dim=self.dim, window_days=self.window_days, ann_min_stories=self.ann_min_stories
        )

    def __len__(self) -> int:
        """Stories held in memory (evicted ones are only in the store)."""
        return len(self._position)

    def load(
        self, story_id: str, centroid_sum: Vector, size: int, first: float, last: float
    ) -> None:
        """Add an existing story (from the store) to the index."""
        self._append(story_id, centroid_sum, size, first, last)

    def assign(self, article_key: str, vector: Vector, when: datetime | None) -> Decision:
        """Put one article in its story: the best open one above threshold, else a new one."""
        t = timestamp(when)
        best, score = self._best(vector, self.candidates(vector, t))
        if best is not None and score >= self.threshold:
            i = self._position[best]
            self._sums[i] += vector
            self._unit[i] = unit(self._sums[i])
            self._sizes[i] += 1
            self._first[i] = np.fmin(self._first[i], t)
            self._last[i] = np.fmax(self._last[i], t)
            self._ann_update(i)
            return Decision(best, score, new=False)
        story_id = "s" + article_key[:11]
        while story_id in self._position:  # same bytes cannot found two stories; be safe
            story_id += "x"
        self._append(story_id, vector, 1, t, t)
        return Decision(story_id, None, new=True)

    def centroid_sum(self, story_id: str) -> Vector:
        row: Vector = self._sums[self._position[story_id]]
        return row

    def span(self, story_id: str) -> tuple[int, float, float]:
        i = self._position[story_id]
        return int(self._sizes[i]), float(self._first[i]), float(self._last[i])

    def candidates(self, vector: Vector, t: float) -> npt.NDArray[np.int64]:
        """Positions of the stories an article at ``t`` (a timestamp; NaN when undated) is
        compared with: the open stories nearest it, from the time-partitioned index
        (``cluster.index``). Stories ended long before the newest article are evicted from
        memory first (see ``complete_from``)."""
        for i in self._index.evict(t):
            del self._position[self.ids[i]]
            self.ids[i] = ""
            self._free.append(i)
        return self._index.search(vector, t)

    @property
    def complete_from(self) -> float:
        """Stories whose last article is before this timestamp may have been evicted from
        memory: an article earlier than this plus the window may miss its story (it then
        founds a new one); reload the index from the store to assign such an article."""
        return self._index.horizon

    @property
    def _ann(self) -> CandidateIndex | None:
        """The candidate index when some bucket of it uses HNSW search (None: all exact)."""
        return self._index if self._index.uses_ann else None

    # -- internals ----------------------------------------------------------------------------

    def _append(self, story_id: str, vector: Vector, size: int, first: float, last: float) -> None:
        if self._free:
            i = self._free.pop()
            self.ids[i] = story_id
        else:
            if len(self.ids) == self._sums.shape[0]:  # grow by doubling
                grow = max(64, self._sums.shape[0])
                self._sums = np.vstack([self._sums, np.zeros((grow, self.dim), np.float32)])
                self._unit = np.vstack([self._unit, np.zeros((grow, self.dim), np.float32)])
                self._sizes = np.concatenate([self._sizes, np.zeros(grow, np.int64)])
                self._first = np.concatenate([self._first, np.full(grow, np.nan)])
                self._last = np.concatenate([self._last, np.full(grow, np.nan)])
            i = len(self.ids)
            self.ids.append(story_id)
        self._position[story_id] = i
        self._sums[i] = vector
        self._unit[i] = unit(vector)
        self._sizes[i] = size
        self._first[i] = first
        self._last[i] = last
        self._ann_update(i)

    def _best(self, vector: Vector, idx: npt.NDArray[np.int64]) -> tuple[str | None, float]:
        """The candidate with the highest average-linkage score, re-scored from exact sums."""
        if not len(idx):
            return None, -1.0
        sims = (self._sums[idx] @ vector) / self._sizes[idx]
        j = int(np.argmax(sims))
        return self.ids[int(idx[j])], float(sims[j])

    def _ann_update(self, i: int) -> None:
        """Tell the candidate index that story ``i`` was added or grew (it moves bucket or is
        re-indexed there when needed)."""
        mean = self._sums[i] / np.float32(self._sizes[i])
        self._index.put(i, mean, int(self._sizes[i]), float(self._first[i]), float(self._last[i]))
