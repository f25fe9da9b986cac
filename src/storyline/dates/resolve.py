"""A candidate's calendar value and granularity, against an anchor day (never the clock).

- An explicit year is always known. A day and month without one take the year among
  anchor−1, anchor, anchor+1 that puts them nearest the anchor (New Year: "December 30" in a
  January article is last year's). A month alone is the last one up to the anchor's, or the
  next one when the sentence speaks of the future.
- Without an anchor, day and month are kept with the year unknown (``--01-28``, ``--12``);
  relative expressions ("yesterday", "on Monday") cannot be resolved and are dropped.
- Weekdays: the last such day on or before the anchor, or the next one after it when the
  sentence speaks of the future ("will meet on Monday"); "last"/"next" move a week.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from storyline.dates.find import Candidate


@dataclass(frozen=True, slots=True)
class Value:
    value: str
    granularity: str  # "day", "week", "month", "year"
    year_known: bool
    first: date | None  # first day of the period, when the year is known
    last: date | None  # last day of the period


def _day(d: date) -> Value:
    return Value(d.isoformat(), "day", True, d, d)


def _month(year: int, month: int) -> Value:
    first = date(year, month, 1)
    nxt = date(year + (month == 12), month % 12 + 1, 1)
    return Value(f"{year:04d}-{month:02d}", "month", True, first, nxt - timedelta(days=1))


def _year(year: int) -> Value:
    return Value(f"{year:04d}", "year", True, date(year, 1, 1), date(year, 12, 31))


def _week(d: date) -> Value:
    iso = d.isocalendar()
    monday = d - timedelta(days=d.weekday())
    return Value(f"{iso.year:04d}-W{iso.week:02d}", "week", True, monday, monday + timedelta(6))


def _valid(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _nearest_day(anchor: date, month: int, day: int) -> date | None:
    options = [
        d for y in (anchor.year - 1, anchor.year, anchor.year + 1) if (d := _valid(y, month, day))
    ]
    return min(options, key=lambda d: abs((d - anchor).days)) if options else None


def _month_year(anchor: date, month: int, future: bool) -> int:
    """A month named alone is the last such month up to the anchor's ("was introduced in
    January" in September is this January), or the next one when spoken of as to come."""
    if future:
        return anchor.year if month > anchor.month else anchor.year + 1
    return anchor.year if month <= anchor.month else anchor.year - 1


def _shift_month(anchor: date, offset: int) -> Value:
    index = anchor.year * 12 + anchor.month - 1 + offset
    return _month(index // 12, index % 12 + 1)


def resolve(c: Candidate, anchor: date | None, future: bool) -> Value | None:
    """The value of ``c`` resolved against ``anchor``; None when it cannot be resolved (also
    when the anchor sits at the edge of the calendar: year 1 or 9999 has no neighbour)."""
    try:
        return _resolve(c, anchor, future)
    except (OverflowError, ValueError):
        return None


def _resolve(c: Candidate, anchor: date | None, future: bool) -> Value | None:
    if c.kind == "year" and c.year is not None:
        return _year(c.year)
    if c.kind == "date" and c.month is not None and c.day is not None:
        if c.year is not None:
            d = _valid(c.year, c.month, c.day)
            return _day(d) if d else None
        if anchor is None:
            if _valid(2000, c.month, c.day) is None:  # 2000 is a leap year: Feb 29 passes
                return None
            return Value(f"--{c.month:02d}-{c.day:02d}", "day", False, None, None)
        d = _nearest_day(anchor, c.month, c.day)
        return _day(d) if d else None
    if c.kind == "month" and c.month is not None:
        if c.year is not None:
            return _month(c.year, c.month)
        if anchor is None:
            return Value(f"--{c.month:02d}", "month", False, None, None)
        return _month(_month_year(anchor, c.month, future), c.month)
    if anchor is None:
        return None
    if c.kind == "relative" and c.unit is not None:
        if c.unit == "day":
            return _day(anchor + timedelta(days=c.offset))
        if c.unit == "week":
            return _week(anchor + timedelta(weeks=c.offset))
        if c.unit == "month":
            return _shift_month(anchor, c.offset)
        return _year(anchor.year + c.offset)
    if c.kind == "weekday" and c.weekday is not None:
        back = (anchor.weekday() - c.weekday) % 7
        if c.offset > 0 or (c.offset == 0 and future):
            ahead = (c.weekday - anchor.weekday()) % 7 or 7
            return _day(anchor + timedelta(days=ahead))
        if c.offset < 0:
            return _day(anchor - timedelta(days=back or 7))
        return _day(anchor - timedelta(days=back))
    return None
