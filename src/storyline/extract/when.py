"""Dates where they enter storyline: parsed, checked and kept timezone-aware.

Every date a reader or extractor takes from its input (a JSONL or feed ``published``, a
``WARC-Date``, htmldate's answer for an HTML page) goes through ``sane``: a date outside
``MIN_YEAR``..``MAX_YEAR``, or one that cannot be expressed in UTC at all
(``0001-01-01T00:00:00+14:00`` is year 0 in UTC), is dropped with a warning on this module's
logger, never stored. Stored dates are therefore always valid, so no later stage (clustering
windows, exports) can fail on one.

A publication date is a ``When``: the moment with the offset the page gave (``+03:00`` stays
``+03:00``; a value without one is taken as UTC) and its granularity, ``day`` for a date
without a time (kept as midnight UTC, shown as ``2022-02-03``) or ``time``. ``parse_published``
reads one from a string and never asks the clock: a relative or year-less value
(``yesterday``, ``3 February``) is resolved against the anchor it is given (the fetch time, a
feed's own date) or rejected with a warning; a numeric day whose order the language or site
does not settle (``03/02/2022`` in English from a ``.com``) is rejected as ambiguous; epoch
numbers (seconds or milliseconds) are UTC.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from storyline.records import DAY, TIME

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
# Epoch numbers: up to 11 digits are seconds (1973-5138), 12-13 digits milliseconds.
MAX_EPOCH_SECONDS_DIGITS = 11
MAX_EPOCH_DIGITS = 13

# Two unrelated reference moments: a free-form value that dateparser reads differently
# against them depends on "now" (relative, or missing its year) and needs a real anchor.
_PROBES = (datetime(2001, 3, 5, 7, 11), datetime(2013, 9, 21, 17, 43))
_EPOCH = re.compile(r"-?\d{9,13}(?:\.\d+)?")
_DAY_ONLY = re.compile(r"\d{4}-\d{2}-\d{2}")
_NUMERIC_DAY = re.compile(r"(\d{1,2})([./-])(\d{1,2})\2(\d{4}|\d{2})")

# Day-month order of numeric dates by language (ISO 639-1). English is written both ways, so
# it is settled by the site's country (``_DMY_TLDS``, ``_MDY_TLDS``) or not at all.
_MDY_LANGS: frozenset[str] = frozenset()
_AMBIGUOUS_LANGS = frozenset({"en"})
_DMY_TLDS = frozenset({"uk", "ie", "au", "nz", "in", "za", "ng", "ke", "pk", "sg", "my"})
_MDY_TLDS = frozenset({"us"})
_MDY_REGIONS = frozenset({"us"})


@dataclass(frozen=True, slots=True)
class When:
    """A publication date: ``value`` aware with the source's offset, ``granularity`` ``day``
    (a date without a time, stored as midnight UTC) or ``time``."""

    value: datetime
    granularity: str = TIME


def sane(value: datetime | None, what: str = "date") -> datetime | None:
    """``value`` aware (naive taken as UTC), offset kept, or None with a warning when it is
    outside ``MIN_YEAR``..``MAX_YEAR`` (in UTC) or not expressible in UTC."""
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
    return aware


def sane_utc(value: datetime | None, what: str = "date") -> datetime | None:
    """``sane(value)`` converted to UTC."""
    checked = sane(value, what)
    return checked.astimezone(UTC) if checked is not None else None


def parse_when(value: str | None, what: str = "date") -> datetime | None:
    """An ISO 8601, RFC 2822 or (short, absolute) free-form date string as a UTC datetime, or
    None when it is empty, unreadable, relative or implausible (see ``sane``)."""
    found = parse_published(value, what)
    return found.value.astimezone(UTC) if found is not None else None


def parse_published(
    value: str | None,
    what: str = "date",
    *,
    lang: str | None = None,
    site: str | None = None,
    anchor: datetime | None = None,
) -> When | None:
    """A date string as a ``When``, or None (with a warning when it looked like a date but
    could not be placed: relative without ``anchor``, ambiguous day order, implausible year).

    ``lang`` (a language tag) and ``site`` (host name) settle the order of ``03/02/2022``;
    ``anchor`` resolves ``yesterday`` or ``3 February``; the clock is never read.
    """
    if not value or not value.strip():
        return None
    text = value.strip()
    if len(text) > MAX_DATE_CHARS:
        return None
    found = _absolute(text)
    if found is None and _NUMERIC_DAY.fullmatch(text):
        found = _numeric_day(text, lang, site, what)
    elif found is None:
        found = _free_form(text, lang, anchor, what)
    if found is None:
        return None
    checked = sane(found.value, what)
    return When(checked, found.granularity) if checked is not None else None


def day_value(day: date) -> datetime:
    """The stored moment of a day-granularity date: its midnight, UTC."""
    return datetime(day.year, day.month, day.day, tzinfo=UTC)


def _absolute(text: str) -> When | None:
    """Epoch numbers, ISO 8601 and RFC 2822: the formats that need no language or anchor."""
    if _EPOCH.fullmatch(text):
        return _epoch(text)
    if _DAY_ONLY.fullmatch(text):
        try:
            return When(day_value(date.fromisoformat(text)), DAY)
        except ValueError:
            return None
    try:
        return When(datetime.fromisoformat(text.replace("Z", "+00:00")))
    except ValueError:
        pass
    from email.utils import parsedate_to_datetime

    try:
        return When(parsedate_to_datetime(text))
    except (TypeError, ValueError, IndexError, OverflowError):
        return None


def _epoch(text: str) -> When | None:
    digits = len(text.lstrip("-").split(".")[0])
    seconds = float(text) if digits <= MAX_EPOCH_SECONDS_DIGITS else float(text) / 1000
    if digits > MAX_EPOCH_DIGITS:
        return None
    return When(datetime(1970, 1, 1, tzinfo=UTC) + timedelta(seconds=seconds))


def _numeric_day(text: str, lang: str | None, site: str | None, what: str) -> When | None:
    match = _NUMERIC_DAY.fullmatch(text)
    assert match is not None
    first, second, year = int(match[1]), int(match[3]), int(match[4])
    if year < 100:
        year += 2000 if year < 70 else 1900  # POSIX strptime's %y pivot
    if first > 12 >= second:
        order = "DMY"
    elif second > 12 >= first:
        order = "MDY"
    elif first == second:
        order = "DMY"
    else:
        order = _date_order(lang, site) or ""
        if not order:
            logger.warning(
                "dropped %s %r: day and month order is ambiguous (language %s, site %s)",
                what, text, lang or "unknown", site or "unknown",
            )  # fmt: skip
            return None
    day, month = (first, second) if order == "DMY" else (second, first)
    try:
        return When(day_value(date(year, month, day)), DAY)
    except ValueError:
        return None


def _date_order(lang: str | None, site: str | None) -> str | None:
    """``DMY`` or ``MDY`` for numeric dates of this language tag and site, None if unsettled."""
    tag = (lang or "").strip().replace("_", "-").lower()
    primary, _, region = tag.partition("-")
    tld = (site or "").strip().lower().rstrip(".").rpartition(".")[2]
    if region:
        return "MDY" if region in _MDY_REGIONS or primary in _MDY_LANGS else "DMY"
    if primary and primary not in _AMBIGUOUS_LANGS:
        return "MDY" if primary in _MDY_LANGS else "DMY"
    if tld in _DMY_TLDS:
        return "DMY"
    if tld in _MDY_TLDS:
        return "MDY"
    return None


def _free_form(text: str, lang: str | None, anchor: datetime | None, what: str) -> When | None:
    """dateparser's reading of ``text``, resolved against ``anchor`` when it depends on "now"."""
    probes = [_dateparser(text, lang, base) for base in _PROBES]
    if probes[0] is None or probes[1] is None:
        return None
    if probes[0] == probes[1]:
        return probes[0]
    if anchor is None:
        logger.warning("dropped %s %r: it is relative and there is no anchor date", what, text)
        return None
    base = sane_utc(anchor, "anchor")
    return _dateparser(text, lang, base.replace(tzinfo=None)) if base is not None else None


def _dateparser(text: str, lang: str | None, base: datetime) -> When | None:
    from dateparser.date import DateDataParser

    primary = (lang or "").split("-")[0].split("_")[0].lower()
    settings = {"RELATIVE_BASE": base, "RETURN_TIME_AS_PERIOD": True, "PREFER_DATES_FROM": "past"}
    try:
        parser = DateDataParser(languages=[primary] if primary else None, settings=settings)
    except ValueError:  # a language dateparser does not know
        parser = DateDataParser(settings=settings)
    try:
        found = parser.get_date_data(text)
    except (ValueError, OverflowError, RecursionError) as error:
        logger.warning("could not parse date %r: %s", text, error)
        return None
    parsed = found.date_obj
    if not isinstance(parsed, datetime) or found.period not in (DAY, TIME):
        return None  # nothing, or only a month or a year: not a publication day
    if found.period == DAY:
        return When(day_value(parsed.date()), DAY)
    return When(parsed)
