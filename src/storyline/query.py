"""What a reader asks of the workspace: filters over stories and articles, and date bounds.

``Filters`` is the one record the CLI's ``stories`` / ``articles`` options, the Python API's
keyword arguments and the store's SQL agree on. Date bounds are inclusive and timezone-aware
UTC: a bare day (``2026-01-28``) as ``until`` means the end of that day, and a time without an
offset is taken as UTC.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from storyline.errors import InputError

# A bare day as an upper bound reaches its last microsecond, so "--until 2026-01-28" keeps
# everything published that day.
_END_OF_DAY = timedelta(days=1, microseconds=-1)


@dataclass(frozen=True, slots=True)
class Filters:
    """Which stories or articles to read; ``None`` means no restriction on that field.

    For stories, ``lang`` and ``site`` keep those with at least one article in that language or
    from that site, and ``since`` / ``until`` keep those whose date span overlaps the window.
    For articles they apply to the article itself (undated articles drop out of a date window).
    """

    story: str | None = None
    lang: str | None = None
    site: str | None = None
    since: datetime | None = None
    until: datetime | None = None
    min_size: int = 1
    limit: int | None = None
    # Stories only: ``"size"`` (largest first) or ``"newest"`` (latest ``last_date`` first),
    # rows skipped before ``limit`` (a page), and entity ids one of their articles must name.
    order: str = "size"
    offset: int = 0
    entities: tuple[str, ...] | None = None


# ``Filters.order`` values: the SQL ORDER BY of each (ties broken by id, so pages are stable).
STORY_ORDERS = {
    "size": "size DESC, last_date DESC, id",
    # ``last_date`` first, so the ``stories_last`` index walks the newest without a sort.
    "newest": "last_date DESC, first_date DESC, id",
}


def bound(value: datetime | date | str | None, end: bool = False) -> datetime | None:
    """A date bound as an aware UTC datetime; ``end`` stretches a bare day to its last moment.

    Accepts ISO 8601 text (``2026-01-28``, ``2026-01-28T10:00``, ``...+03:00``, ``...Z``),
    a ``date`` or a ``datetime``. Raises ``InputError`` for anything else.
    """
    if value is None:
        return None
    if isinstance(value, str):
        text = value.strip()
        try:
            value = date.fromisoformat(text) if len(text) == 10 else datetime.fromisoformat(text)
        except ValueError:
            raise InputError(
                f"not a date: {text!r} (use ISO 8601, e.g. 2026-01-28 or 2026-01-28T10:00Z)"
            ) from None
    if not isinstance(value, datetime):
        start = datetime.combine(value, time(), UTC)
        return start + _END_OF_DAY if end else start
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
