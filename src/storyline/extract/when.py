"""Dates where they enter storyline: parsed, checked and made timezone-aware UTC.

Every date a reader or extractor takes from its input (a JSONL or feed ``published``, a
``WARC-Date``, htmldate's answer for an HTML page) goes through ``sane_utc``: a date outside
``MIN_YEAR``..``MAX_YEAR``, or one that cannot be expressed in UTC at all
(``0001-01-01T00:00:00+14:00`` is year 0 in UTC), is dropped with a warning on this module's
logger, never stored. Stored dates are therefore always valid, so no later stage (clustering
windows, exports) can fail on one.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime

logger = logging.getLogger(__name__)

# The range of plausible publication and fetch dates. No web page was published before 1990,
# but archives re-publish older dated articles, so the lower bound leaves the 20th century in;
# the dates-stage post-filter uses the same floor (DEPENDENCIES.md). Years beyond 2100 are
# placeholders ("9999-12-31", "never expires"), not news. Both bounds are far inside
# datetime's years 1..9999, so any timezone conversion of an accepted date stays valid.
MIN_YEAR = 1900
MAX_YEAR = 2100
# Free-form dates longer than this are not parsed with dateparser (slow, and a "date" of a
# kilobyte is not one); ISO 8601 and RFC 2822 strings are far shorter.
MAX_DATE_CHARS = 100


def sane_utc(value: datetime | None, what: str = "date") -> datetime | None:
    """``value`` in UTC (naive taken as UTC), or None with a warning when it is outside
    ``MIN_YEAR``..``MAX_YEAR`` or not expressible in UTC. ``what`` names it in the warning."""
    if value is None:
        return None
    aware = value if value.tzinfo is not None else value.replace(tzinfo=UTC)
    try:
        utc = aware.astimezone(UTC)
    except (OverflowError, ValueError):
        logger.warning("dropped %s %s: it is outside the years datetime can hold", what, value)
        return None
    if not MIN_YEAR <= utc.year <= MAX_YEAR:
        logger.warning(
            "dropped %s %s: outside the plausible years %d-%d", what, value, MIN_YEAR, MAX_YEAR
        )
        return None
    return utc


def parse_when(value: str | None, what: str = "date") -> datetime | None:
    """An ISO 8601, RFC 2822 or (short) free-form date string as a UTC datetime, or None when
    it is empty, unreadable or implausible (see ``sane_utc``)."""
    if not value or not value.strip():
        return None
    text = value.strip()
    return sane_utc(_parse(text), what) if len(text) <= MAX_DATE_CHARS else None


def _parse(text: str) -> datetime | None:
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        pass
    from email.utils import parsedate_to_datetime

    try:
        return parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError, OverflowError):
        pass
    import dateparser

    try:
        parsed = dateparser.parse(text, settings={"STRICT_PARSING": True})
    except (ValueError, OverflowError, RecursionError) as error:
        logger.warning("could not parse date %r: %s", text, error)
        return None
    return parsed if isinstance(parsed, datetime) else None
