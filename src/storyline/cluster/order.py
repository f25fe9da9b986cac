"""The total order articles are clustered in, and the time arithmetic of the clusterer.

Dates: any datetime Python can hold is accepted (year 1 with +14:00, year 9999 with -14:00);
``moment`` turns a timestamp back into a datetime clamped to the representable range, so no
stored date can make clustering fail.
"""

from __future__ import annotations

import math
from datetime import UTC, datetime

from storyline.records import DAY

SECONDS_PER_DAY = 86_400.0
# Where a day-granularity date sorts within its day: its last second (see ``order_key``).
DAY_ORDER_OFFSET = SECONDS_PER_DAY - 1.0


# The range of timestamps ``datetime`` can turn back into a UTC datetime (a day inside
# year 1 .. year 9999, so that any offset still fits).
_MIN_TIMESTAMP = datetime(1, 1, 2, tzinfo=UTC).timestamp()
_MAX_TIMESTAMP = datetime(9999, 12, 30, tzinfo=UTC).timestamp()


def timestamp(when: datetime | None) -> float:
    """Seconds since the epoch (naive datetimes are taken as UTC); NaN when unknown."""
    if when is None:
        return float("nan")
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    try:
        return min(max(when.timestamp(), _MIN_TIMESTAMP), _MAX_TIMESTAMP)
    except (OverflowError, ValueError):  # outside what the platform's clock functions take
        return _MIN_TIMESTAMP if when.year < 1970 else _MAX_TIMESTAMP


def moment(t: float) -> datetime | None:
    """A timestamp back as an aware UTC datetime (clamped to what ``datetime`` holds)."""
    if math.isnan(t):
        return None
    return datetime.fromtimestamp(min(max(t, _MIN_TIMESTAMP), _MAX_TIMESTAMP), UTC)


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
