"""Cluster stage: articles into stories, online, with stable story ids.

- ``cluster.order``: the total order articles are assigned in, and the clusterer's time
  arithmetic (timestamps that never overflow);
- ``cluster.index``: ``CandidateIndex``, the candidate stories of an article, partitioned by
  time (the window is part of the index);
- ``cluster.online``: ``StoryIndex``, the open stories and the join-or-found decision;
- ``cluster.revise``: the periodic pass that splits drifted stories and merges stories that
  grew together.
"""

from storyline.cluster.online import (
    ANN_CANDIDATES,
    ANN_MIN_STORIES,
    CLUSTERER,
    COSINE_JOIN_THRESHOLD,
    JOIN_THRESHOLD,
    SPLIT_THRESHOLD,
    V1_CLUSTERER,
    WINDOW_DAYS,
    AverageCosine,
    Decision,
    GroupScorer,
    StoryIndex,
)
from storyline.cluster.order import DAY_ORDER_OFFSET, SECONDS_PER_DAY, moment, order_key, timestamp

__all__ = [
    "ANN_CANDIDATES",
    "ANN_MIN_STORIES",
    "CLUSTERER",
    "COSINE_JOIN_THRESHOLD",
    "DAY_ORDER_OFFSET",
    "JOIN_THRESHOLD",
    "SECONDS_PER_DAY",
    "SPLIT_THRESHOLD",
    "V1_CLUSTERER",
    "WINDOW_DAYS",
    "AverageCosine",
    "Decision",
    "GroupScorer",
    "StoryIndex",
    "moment",
    "order_key",
    "timestamp",
]
