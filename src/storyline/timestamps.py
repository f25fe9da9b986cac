"""Timestamps that never overflow: the clusterer's and the matcher's time arithmetic.

Dates: any datetime Python can hold is accepted (year 1 with +14:00, year 9999 with -14:00);
``moment`` turns a timestamp back into a datetime clamped to the representable range, so no
stored date can make clustering fail.
"""

from __future__ import annotations

import math
from datetime import UTC, datetime

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
