"""Cluster stage: articles into stories, online, with stable story ids.

- ``cluster.order``: the total order articles are assigned in, and the clusterer's time
  arithmetic (timestamps that never overflow);
- ``cluster.index``: ``CandidateIndex``, the candidate stories of an article, partitioned by
  time (the window is part of the index);
- ``cluster.online``: ``StoryIndex``, the open stories and the join-or-found decision.
"""

from storyline.cluster.online import (
    ANN_CANDIDATES,
    ANN_MIN_STORIES,
    CLUSTERER,
    JOIN_THRESHOLD,
    WINDOW_DAYS,
    Decision,
    StoryIndex,
)
from storyline.cluster.order import DAY_ORDER_OFFSET, SECONDS_PER_DAY, moment, order_key, timestamp

__all__ = [
    "ANN_CANDIDATES",
    "ANN_MIN_STORIES",
    "CLUSTERER",
    "DAY_ORDER_OFFSET",
    "JOIN_THRESHOLD",
    "SECONDS_PER_DAY",
    "WINDOW_DAYS",
    "Decision",
    "StoryIndex",
    "moment",
    "order_key",
    "timestamp",
]
