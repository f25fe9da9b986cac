"""Cluster stage: each new article joins the best open story or opens a new one (online).

An article is compared with the stories that were active within ``WINDOW_DAYS`` of its date.
Candidates come from an index partitioned by time (``cluster.index``: buckets of stories keyed
by their last article, exact numpy search over full or sketched mean vectors, a ``usearch``
HNSW index in huge buckets; only the buckets the window reaches are searched) and the article
joins the best of the nearest of them — by average linkage (``v · sum(members) / n``, O(1) per
story), then scored by the learned matcher (``storyline.match``, story head, with a time prior
on its odds) — when that reaches ``JOIN_THRESHOLD``; otherwise it founds a new story. Without a
matcher (v1) the average linkage itself decides, at ``COSINE_JOIN_THRESHOLD``.

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

import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol

import numpy as np
import numpy.typing as npt

from storyline.cluster import index
from storyline.cluster.index import CandidateIndex
from storyline.cluster.order import SECONDS_PER_DAY, timestamp
from storyline.embed import unit
from storyline.match.profile import Group, Profile
from storyline.records import Vector

CLUSTERER = "storyline-online-match-1"
# What v1 was (mean doc cosine, no periodic pass): the ``AverageCosine`` scorer.
V1_CLUSTERER = "storyline-online-avglink-1"

# The matcher's same-story probability (story head) at or above which an article joins its
# best story. Calibrated with `python -m bench.clustering --calibrate` on
# semeval2022-pairs/dev.jsonl: the threshold that maximises pairwise F1 of "in the same story"
# when all 1,433 articles are clustered (0.50: F1 0.743; 0.55: 0.760; 0.60: 0.763; 0.65:
# 0.744); MEANTIME, the check, would take it higher (B³ F1 0.902 / 0.935 / 0.960 / 0.989 at
# 0.5 / 0.6 / 0.7 / 0.8): there, articles about one company days apart are different stories.
JOIN_THRESHOLD = 0.6
# Leave-one-out score below which a member leaves a story that drifted (``cluster.revise``).
# On the SemEval dev pool no split happens at any value from 0 to 0.35 (the pool's stories are
# small and young); the pass is for long streams, where chains drift. Kept well under the join
# threshold so that only a member the rest of its story would clearly refuse leaves.
SPLIT_THRESHOLD = 0.3
# The time prior (``time_prior``): an article days away from a story's articles is less
# likely the same story. Calibrated on MEANTIME airbus + apple (gm held out), the only dated
# same/different-story data here, with the join threshold fixed by SemEval: B³ F1 on the
# tuned topics 0.938 without it, 0.974 at 0.1-0.3 logit/day, 0.983 from 0.5 with no grace
# days (a grace of 1-3 days did worse: 0.966-0.974); held-out gm 0.929 -> 0.983. SemEval's
# pairs carry no dates, so the prior leaves them alone.
NEWS_CYCLE_DAYS = 0.0
DECAY_PER_DAY = 0.5
# v1's criterion: mean cosine between an article's document vector and a story's members,
# calibrated the same way (0.55: F1 0.765; 0.50: 0.757; 0.60: 0.741). MEANTIME alone would
# push it up (its es/it/nl articles are translations, cosine ≈ 0.9).
COSINE_JOIN_THRESHOLD = 0.55
# Stories whose last article is older than this (relative to the new article) are closed to it.
WINDOW_DAYS = 14.0
# Candidate search: stories bucketed by time, exact (full or sketched) within buckets, HNSW in
# huge ones; now per bucket (``cluster.index``; the constants and their calibration are there).
ANN_MIN_STORIES = index.ANN_MIN_STORIES
ANN_CANDIDATES = index.CANDIDATES


# The learned scorer looks at this many candidates per article: the ones whose members are
# nearest on average (doc cosine), and only those above ``MIN_CANDIDATE_COSINE`` — below it no
# dev pair of the same story was found (semeval2022-pairs/dev.jsonl), so scoring is wasted.
SCORED_CANDIDATES = 8
MIN_CANDIDATE_COSINE = 0.25


class GroupScorer(Protocol):
    """How likely an article belongs to a story (``storyline.match.Matcher`` is one)."""

    def score_group(self, member: Profile, group: Group) -> float: ...


def time_prior(t: float, first: float, last: float) -> float:
    """How much the odds of "same story" drop (in logits) for an article published ``t``,
    against a story whose articles span ``first`` .. ``last``: nothing within
    ``NEWS_CYCLE_DAYS`` of the span, then ``DECAY_PER_DAY`` per day (0 when a date is
    unknown). The matcher cannot learn this (its training pairs carry no dates); it is a
    prior, calibrated on MEANTIME's airbus and apple topics (``bench.clustering``)."""
    if math.isnan(t) or math.isnan(first):
        return 0.0
    gap = max(first - t, t - last, 0.0) / SECONDS_PER_DAY
    return max(0.0, gap - NEWS_CYCLE_DAYS) * DECAY_PER_DAY


class AverageCosine:
    """The v1 criterion as a scorer: the article's mean doc cosine to the story's members."""

    join_threshold = COSINE_JOIN_THRESHOLD

    def score_group(self, member: Profile, group: Group) -> float:
        return float(group.doc_sum @ member.doc) / max(1, group.size)


@dataclass(slots=True)
class Decision:
    story_id: str
    score: float | None
    new: bool


def bare_profile(vector: Vector, when: datetime | None) -> Profile:
    """A profile that knows only a document vector and a date (callers without articles)."""
    return Profile(
        doc=vector,
        title=None,
        lead=None,
        sentences=np.zeros((0, vector.shape[0]), dtype=np.float32),
        entities=frozenset(),
        places=frozenset(),
        numbers=frozenset(),
        dates=frozenset(),
        published=timestamp(when),
        lang=None,
        chars=0,
        has_mentions=False,
    )


@dataclass
class StoryIndex:
    """Open stories: centroid sums, sizes and time spans, with a nearest-centroid search, and
    each story's ``Group`` (its members' profiles summed) for the scorer.

    Without a ``scorer`` an article joins on the average doc cosine alone (v1); with one, the
    nearest candidates by that cosine are scored by it and ``threshold`` is its calibrated
    join threshold (``scorer.join_threshold``) unless given.
    """

    dim: int
    threshold: float | None = None
    window_days: float = WINDOW_DAYS
    ann_min_stories: int = ANN_MIN_STORIES
    scorer: GroupScorer | None = None
    ids: list[str] = field(default_factory=list)  # by position; "" for a freed position
    _sums: Vector = field(init=False)
    _unit: Vector = field(init=False)

    def __post_init__(self) -> None:
        if self.threshold is None:  # the scorer's own, else the calibrated matcher's
            default = COSINE_JOIN_THRESHOLD if self.scorer is None else JOIN_THRESHOLD
            self.threshold = float(getattr(self.scorer, "join_threshold", default))
        self._sums = np.zeros((0, self.dim), dtype=np.float32)
        self._unit = np.zeros((0, self.dim), dtype=np.float32)
        self._sizes = np.zeros(0, dtype=np.int64)
        self._first = np.zeros(0, dtype=np.float64)  # NaN: no dated article yet
        self._last = np.zeros(0, dtype=np.float64)
        self._position: dict[str, int] = {}  # the stories in memory (not evicted, not merged)
        self._groups: list[Group] = []
        self._free: list[int] = []  # positions of evicted or merged stories, to reuse
        self._index = CandidateIndex(
            dim=self.dim, window_days=self.window_days, ann_min_stories=self.ann_min_stories
        )

    def __len__(self) -> int:
        """Stories held in memory (evicted ones are only in the store)."""
        return len(self._position)

    def __contains__(self, story_id: object) -> bool:
        return story_id in self._position

    def load(
        self,
        story_id: str,
        centroid_sum: Vector,
        size: int,
        first: float,
        last: float,
        group: Group | None = None,
    ) -> None:
        """Add an existing story (from the store) to the index; without its ``group`` the
        scorer knows only its vectors and span."""
        if group is None:
            group = Group(dim=self.dim)
            group.size, group.first, group.last = size, first, last
            group.doc_sum += centroid_sum
        self._append(story_id, centroid_sum, size, first, last, group)

    def assign(self, article_key: str, vector: Vector, when: datetime | None) -> Decision:
        """``join`` for a caller that has only a document vector and a date."""
        return self.join(article_key, bare_profile(vector, when))

    def join(
        self, article_key: str, member: Profile, avoid: str | None = None, into: str | None = None
    ) -> Decision:
        """Put one article in its story: the best open one at or above threshold, else a new
        one founded by it (its id derives from ``article_key``, the raw bytes' sha256).
        ``avoid``: a story the article may not join (the one a split just took it out of);
        ``into``: the story it belongs to whatever its score (a reprint: its original's)."""
        vector, t = member.doc, member.published
        best: str | None
        if into is not None and into in self._position:
            best, score = into, self._score(member, self._position[into])
            forced = True
        else:
            exclude = self._position.get(avoid, -1) if avoid is not None else -1
            best, score = self._best(member, exclude=exclude)
            forced = False
        assert self.threshold is not None
        if best is not None and (forced or score >= self.threshold):
            i = self._position[best]
            self._sums[i] += vector
            self._unit[i] = unit(self._sums[i])
            self._sizes[i] += 1
            self._first[i] = np.fmin(self._first[i], t)
            self._last[i] = np.fmax(self._last[i], t)
            self._groups[i].add(member)
            self._ann_update(i)
            return Decision(best, score, new=False)
        story_id = "s" + article_key[:11]
        while story_id in self._position:  # same bytes cannot found two stories; be safe
            story_id += "x"
        self._append(story_id, vector, 1, t, t, Group.of([member]))
        return Decision(story_id, None, new=True)

    def group(self, story_id: str) -> Group:
        return self._groups[self._position[story_id]]

    def _score(self, member: Profile, i: int) -> float:
        """The scorer's score, with the time prior (``time_prior``) on its odds."""
        if self.scorer is None:
            return float(self._sums[i] @ member.doc) / max(1, int(self._sizes[i]))
        p = self.scorer.score_group(member, self._groups[i])
        penalty = time_prior(member.published, float(self._first[i]), float(self._last[i]))
        if not penalty:
            return p
        p = min(max(p, 1e-12), 1 - 1e-12)
        return 1.0 / (1.0 + math.exp(-(math.log(p / (1 - p)) - penalty)))

    def regroup(self, story_id: str, group: Group) -> None:
        """Replace a story's members by ``group`` (what is left after a split)."""
        i = self._position[story_id]
        self._groups[i] = group
        self._sums[i] = group.doc_sum
        self._unit[i] = unit(group.doc_sum)
        self._sizes[i] = group.size
        self._first[i], self._last[i] = group.first, group.last
        self._ann_update(i)

    def nearest_other(self, story_id: str) -> tuple[str | None, float]:
        """The open story that ``story_id``'s members, taken as one article, would join best
        (itself excluded), and the score: what a merge is decided on."""
        return self._best(self.group(story_id).as_profile(), exclude=self._position[story_id])

    def merge_grown(self, touched: Iterable[str], threshold: float) -> list[tuple[str, str, float]]:
        """Merge stories that grew together: each of ``touched`` (the stories that gained
        members) merges with the open story its members, taken together, match at
        ``threshold`` or above — again, until none does. Stories grow together when the
        articles that would join them arrive out of step. The older story survives (earlier
        first article, then smaller id). Returns (survivor, merged away, score) in order."""
        merges = []
        for story_id in sorted(touched):
            while story_id in self:
                other, score = self.nearest_other(story_id)
                if other is None or score < threshold:
                    break
                survivor, gone = sorted((story_id, other), key=self._age)
                self.merge(survivor, gone)
                merges.append((survivor, gone, score))
                story_id = survivor
        return merges

    def _age(self, story_id: str) -> tuple[bool, float, str]:
        first = float(self._first[self._position[story_id]])
        return (math.isnan(first), 0.0 if math.isnan(first) else first, story_id)

    def merge(self, survivor: str, other: str) -> None:
        """Fold story ``other`` into ``survivor``; ``other`` leaves the index."""
        i, j = self._position[survivor], self._position.pop(other)
        self._sums[i] += self._sums[j]
        self._unit[i] = unit(self._sums[i])
        self._sizes[i] += self._sizes[j]
        self._first[i] = np.fmin(self._first[i], self._first[j])
        self._last[i] = np.fmax(self._last[i], self._last[j])
        self._groups[i].merge(self._groups[j])
        self._ann_update(i)
        self._index.remove(j)
        self.ids[j] = ""
        self._free.append(j)

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

    def _append(
        self, story_id: str, vector: Vector, size: int, first: float, last: float, group: Group
    ) -> None:
        if self._free:
            i = self._free.pop()
            self.ids[i] = story_id
            self._groups[i] = group
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
            self._groups.append(group)
        self._position[story_id] = i
        self._sums[i] = vector
        self._unit[i] = unit(vector)
        self._sizes[i] = size
        self._first[i] = first
        self._last[i] = last
        self._ann_update(i)

    def _best(self, member: Profile, exclude: int = -1) -> tuple[str | None, float]:
        """The best open story for ``member`` and its score (average doc cosine without a
        scorer; else the scorer's, over the nearest candidates by that cosine)."""
        if not self._position:
            return None, -1.0
        idx = self.candidates(member.doc, member.published)
        idx = idx[idx != exclude]
        if not len(idx):
            return None, -1.0
        sims = (self._sums[idx] @ member.doc) / self._sizes[idx]
        if self.scorer is None:
            j = int(np.argmax(sims))
            return self.ids[int(idx[j])], float(sims[j])
        order = np.argsort(-sims, kind="stable")[:SCORED_CANDIDATES]
        order = order[sims[order] >= MIN_CANDIDATE_COSINE]
        best, score = None, -1.0
        for k in order:
            i = int(idx[k])
            value = self._score(member, i)
            if value > score:
                best, score = self.ids[i], value
        return best, score

    def _ann_update(self, i: int) -> None:
        """Tell the candidate index that story ``i`` was added or grew (it moves bucket or is
        re-indexed there when needed)."""
        mean = self._sums[i] / np.float32(self._sizes[i])
        self._index.put(i, mean, int(self._sizes[i]), float(self._first[i]), float(self._last[i]))
