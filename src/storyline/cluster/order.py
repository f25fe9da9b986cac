"""The total order articles are clustered in (time arithmetic: ``storyline.timestamps``)."""

from __future__ import annotations

import math
from datetime import datetime

from storyline.records import DAY
from storyline.timestamps import moment, timestamp

__all__ = ["DAY_ORDER_OFFSET", "SECONDS_PER_DAY", "moment", "order_key", "timestamp"]

SECONDS_PER_DAY = 86_400.0
# Where a day-granularity date sorts within its day: its last second (see ``order_key``).
DAY_ORDER_OFFSET = SECONDS_PER_DAY - 1.0


def order_key(
    published: datetime | None, raw_sha256: str, granularity: str | None = None
) -> tuple[bool, float, str]:
    """The total order articles are clustered in: dated first by UTC time, then the raw bytes'
    sha256 (never file order, rowid or ingest time). A date without a time (``granularity``
    ``day``, stored as midnight) counts as the end of its day, so its fake midnight never puts
    it before an article whose time that day is known."""
    t = timestamp(published)
    undated = math.isnan(t)
    if granularity == DAY and not undated:
        t += DAY_ORDER_OFFSET
    return (undated, 0.0 if undated else t, raw_sha256)
