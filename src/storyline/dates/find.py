"""Date candidates: our own patterns over one language's vocabulary, no resolution yet.

Each pattern finds one shape ("28 January 2022", "January 31", "2022-01-28", "28.01.2022",
"mid-December", "in 1997", "last week", "on Monday"); overlapping finds keep the longest. What
is not a date never matches in the first place: a day and month without a year only match with a
month *name* ("28.01 05:35" sidebar stamps, phone numbers and times do not), a bare four-digit
number only counts as a year after a cue word ("in 1997", not "1680 people"), and numbers glued
to other digits, currency or legal words ("Article 5", "Resolution 2231", "$25") are dropped.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import TypeVar

from storyline.dates.lexicon import MONTHS, UNITS, Lexicon

# A year we read as such: 1900-2099 (DEPENDENCIES.md: older counters, "4019" misreads).
_YEAR = r"(?P<y>19\d\d|20\d\d)"
_DAY = r"(?P<d>[0-3]?\d)(?:st|nd|rd|th|er|º|°|\.|-?го|-?е)?"
_B = r"(?<![\w])"  # word start (Unicode)
_E = r"(?![\w])"  # word end

# Words right before a number that make it a reference, a price or a count, not a date.
_NOT_BEFORE = re.compile(
    r"(?:(?<!\w)(?:article|art|resolution|section|no|nr|number|chapter|rule|law|decree|directive|"
    r"regulation|paragraph|page|p|pp|flight|room|model|route|item|статья|статьи|статье|"
    r"резолюция|резолюции|закон|номер|artículo|resolución|article|résolution|artikel|"
    r"resolution|articolo|risoluzione|artigo|resolução|artykuł|rezolucja|madde|karar)|"
    r"[$€£¥₽#№])[\s.]*$",
    re.IGNORECASE,
)
_NOT_AFTER = re.compile(
    r"^\s*(?:%|percent|per cent|dollars?|euros?|rubles?|roubles?|pounds?|yen|usd|eur|"
    r"рубл\w*|долл\w*|евро|million|billion|km|kg|m|people|persons|units|copies)(?!\w)",
    re.IGNORECASE,
)


@dataclass(frozen=True, slots=True)
class Candidate:
    """A matched date expression with the parts it names, before resolution."""

    start: int
    end: int
    kind: str  # "date", "month", "year", "relative", "weekday"
    year: int | None = None
    month: int | None = None
    day: int | None = None
    weekday: int | None = None
    unit: str | None = None  # relative: "day", "week", "month", "year"
    offset: int = 0  # relative: -1 last, 0 this, +1 next; weekday: -1 last, +1 next, 0 plain


def _alt(words: Iterable[str]) -> str:
    """A regex alternation of ``words``, longest first (so "mars" is not cut to "mar")."""
    items = sorted(set(words), key=len, reverse=True)
    return "|".join(re.escape(w) for w in items) or r"(?!x)x"


@dataclass(frozen=True, slots=True)
class _Patterns:
    iso: re.Pattern[str]
    abbreviated: re.Pattern[str]
    numeric: re.Pattern[str]
    dmy: re.Pattern[str]
    mdy: re.Pattern[str]
    month: re.Pattern[str]
    mod_year: re.Pattern[str]
    year: re.Pattern[str]
    relative: re.Pattern[str]
    weekday: re.Pattern[str]
    dotted: re.Pattern[str]
    ago: re.Pattern[str]


@lru_cache(maxsize=64)
def _patterns(lex: Lexicon) -> _Patterns:
    month = rf"(?P<m>{_alt(lex.months)})"
    weekday = rf"(?P<w>{_alt(lex.weekdays)})"
    mods = rf"(?:(?P<mod>{_alt(lex.modifiers)})[\s-]+)"
    of = r"(?:\s+(?:de|del|of|di|du|van|od))?"
    flags = re.IGNORECASE
    return _Patterns(
        iso=re.compile(r"(?<![\d.,/-])(?P<y>\d{4})-(?P<m>\d{2})-(?P<d>\d{2})(?![\d]|[.,/-]\d)"),
        # "01-Mar-08", "24-May-2008": English month abbreviations between hyphens, any language.
        abbreviated=re.compile(
            rf"(?<![\w-])(?P<d>[0-3]?\d)-(?P<m>{_alt(_ABBREVIATIONS)})-(?P<y>\d{{4}}|\d{{2}})(?![\w-])",
            flags,
        ),
        numeric=re.compile(
            r"(?<![\d.,/+-])(?P<a>\d{1,2})(?P<s>[./-])(?P<b>\d{1,2})(?P=s)(?P<y>\d{4}|\d{2})"
            r"(?![\d]|[.,/-]\d)"
        ),
        dmy=re.compile(
            rf"{_B}(?:{weekday},?\s+)?{_DAY}{of}\s+{month}(?:,?{of}\s+{_YEAR}{_E})?",
            flags,
        ),
        mdy=re.compile(
            rf"{_B}(?:{weekday},?\s+)?{month}\s+(?P<d>[0-3]?\d)(?:st|nd|rd|th)?{_E}"
            rf"(?:,?\s+{_YEAR}{_E})?(?!\s*[:.]\d)",
            flags,
        ),
        month=re.compile(rf"{_B}{mods}?{month}{_E}(?:,?{of}\s+{_YEAR}{_E})?", flags),
        mod_year=re.compile(rf"{_B}{mods}{_YEAR}{_E}", flags),
        # The cue starts where no word character, hyphen or apostrophe stands before it, so a
        # long "a-a-a-…" run is scanned once, not once per hyphen.
        year=re.compile(rf"(?<![\w'’-])(?P<cue>[\w'’-]+)\s+{_YEAR}{_E}(?!\s*[.,]\d)", flags),
        relative=re.compile(
            rf"{_B}(?:(?:earlier|later)\s+)?(?P<r>{_alt(lex.relative)}){_E}",
            flags,
        ),
        weekday=re.compile(rf"{_B}(?:(?P<dir>last|next|this|on)\s+)?{weekday}{_E}", flags),
        # "Jan. 28", "Sept. 5, 2021" (English news style): a capitalised abbreviation, its
        # period and a day; the bare abbreviations are words ("Mar", "Jun") and stay out.
        dotted=re.compile(
            rf"{_B}(?P<m>Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept?|Oct|Nov|Dec)\.\s+(?P<d>[0-3]?\d)"
            rf"(?:st|nd|rd|th)?{_E}(?:,?\s+{_YEAR}{_E})?(?!\s*[:.]\d)"
            if lex.lang == "en"
            else r"(?!x)x"
        ),
        # "two days ago", "3 weeks ago" (English only: other languages' counted forms inflect).
        ago=re.compile(
            rf"{_B}(?P<n>\d{{1,2}}|{_alt(_COUNTS)})\s+(?P<u>day|week|month|year)s?\s+ago{_E}"
            if lex.lang == "en"
            else r"(?!x)x",
            flags,
        ),
    )


_ABBREVIATIONS = tuple(name[:3] for name in MONTHS)
_COUNT_WORDS = "a two three four five six seven eight nine ten"
_COUNTS = {w: n for n, w in enumerate(_COUNT_WORDS.split(), 1)}
_UNITS = {unit: unit for unit in UNITS}


_T = TypeVar("_T")


def _word(words: dict[str, _T], matched: str) -> _T | None:
    """What a matched word names. IGNORECASE also matches forms whose lowercase is not in the
    lexicon ("auguſt" with a long s, "İ"): try the case fold, else None (not a date)."""
    found = words.get(matched.lower())
    return found if found is not None else words.get(matched.casefold())


# Relative words that are nouns when capitalised inside a sentence: German "am Morgen" (in the
# morning), not "morgen" (tomorrow).
_NOUNS_WHEN_CAPITALISED = {"de": frozenset({"morgen"})}


def _capitalised_noun(lex: Lexicon, text: str, start: int, word: str) -> bool:
    nouns = _NOUNS_WHEN_CAPITALISED.get(lex.lang)
    if not nouns or word.lower() not in nouns or not word[:1].isupper():
        return False
    before = text[max(0, start - 4) : start].rstrip()
    return bool(before) and before[-1] not in '.!?:"„“«'


def _full_year(digits: str) -> int:
    """A year as written: "2008", or two digits ("08": this century up to 49, the last after)."""
    y = int(digits)
    if len(digits) == 2:
        y += 2000 if y < 50 else 1900
    return y


def _after_year(lex: Lexicon, text: str, end: int) -> bool:
    if not lex.year_after:
        return False
    m = re.match(r"\s*(?:'|’)?(\w+)", text[end : end + 24])
    return m is not None and m.group(1).lower() in lex.year_after


def _capitalised(lex: Lexicon, word: str | None) -> bool:
    return not lex.capitalised_months or word is None or word[:1].isupper()


def _numbers_ok(text: str, start: int, end: int) -> bool:
    """Not a reference ("Article 5 May"), price ("$25") or quantity ("28 January people")."""
    return _NOT_BEFORE.search(text[max(0, start - 16) : start]) is None and (
        _NOT_AFTER.match(text[end : end + 12]) is None
    )


def _ymd(year: int | None, month: int, day: int | None) -> bool:
    if not 1 <= month <= 12:
        return False
    return day is None or 1 <= day <= 31


def candidates(text: str, lex: Lexicon) -> list[Candidate]:
    """Every date candidate in ``text``, non-overlapping, in text order."""
    p = _patterns(lex)
    found: list[Candidate] = []
    for m in p.iso.finditer(text):
        y, mo, d = int(m["y"]), int(m["m"]), int(m["d"])
        if 1900 <= y <= 2099 and _ymd(y, mo, d):
            found.append(Candidate(m.start(), m.end(), "date", y, mo, d))
    for m in p.abbreviated.finditer(text):
        day, mo, y = int(m["d"]), _ABBREVIATIONS.index(m["m"].lower()) + 1, _full_year(m["y"])
        if 1900 <= y <= 2099 and _ymd(y, mo, day):
            found.append(Candidate(m.start(), m.end(), "date", y, mo, day))
    for m in p.numeric.finditer(text):
        a, b = int(m["a"]), int(m["b"])
        if len(m["y"]) == 2 and m["s"] != "/":  # "28-01-45", "12.03.45": phone numbers
            continue
        y = _full_year(m["y"])
        # Day first unless the language writes month first (en: MDY) and the separator is "/".
        day, mo = (b, a) if m["s"] == "/" and lex.lang == "en" and a <= 12 else (a, b)
        if 1900 <= y <= 2099 and _ymd(y, mo, day) and _numbers_ok(text, m.start(), m.end()):
            found.append(Candidate(m.start(), m.end(), "date", y, mo, day))
    for pat in (p.dmy, p.mdy):
        for m in pat.finditer(text):
            if not _capitalised(lex, m["m"]) or not _capitalised(lex, m["w"]):
                continue
            named = _word(lex.months, m["m"])
            if named is None:
                continue
            year = int(m["y"]) if m["y"] else None
            if _ymd(year, named, int(m["d"])) and _numbers_ok(text, m.start(), m.end()):
                found.append(Candidate(m.start(), m.end(), "date", year, named, int(m["d"])))
    for m in p.dotted.finditer(text):
        mo, dotted_year = _ABBREVIATIONS.index(m["m"][:3].lower()) + 1, m["y"]
        year = int(dotted_year) if dotted_year else None
        if _ymd(year, mo, int(m["d"])) and _numbers_ok(text, m.start(), m.end()):
            found.append(Candidate(m.start(), m.end(), "date", year, mo, int(m["d"])))
    for m in p.month.finditer(text):
        if not _capitalised(lex, m["m"]):
            continue
        named = _word(lex.months, m["m"])
        if named is None:
            continue
        year = int(m["y"]) if m["y"] else None
        if year is None and not m["mod"] and not _bare_month_ok(text, m.start(), m["m"], lex):
            continue
        found.append(Candidate(m.start(), m.end(), "month", year, named))
    for m in p.mod_year.finditer(text):
        found.append(Candidate(m.start(), m.end(), "year", int(m["y"])))
    for m in p.year.finditer(text):
        cue = m["cue"].lower()
        cued = cue in lex.year_before or _after_year(lex, text, m.end())
        if cued and _numbers_ok(text, m.start("y"), m.end()):
            found.append(Candidate(m.start("y"), m.end(), "year", int(m["y"])))
    for m in p.relative.finditer(text):
        rel = _word(lex.relative, m["r"])
        if rel is None or _capitalised_noun(lex, text, m.start(), m["r"]):
            continue
        unit, offset = rel
        found.append(Candidate(m.start(), m.end(), "relative", unit=unit, offset=offset))
    for m in p.ago.finditer(text):
        n = int(m["n"]) if m["n"].isdigit() else _word(_COUNTS, m["n"])
        counted = _word(_UNITS, m["u"])
        if n is not None and counted is not None:
            found.append(Candidate(m.start(), m.end(), "relative", unit=counted, offset=-n))
    for m in p.weekday.finditer(text):
        if not _capitalised(lex, m["w"]):
            continue
        direction = {"last": -1, "next": 1}.get((m["dir"] or "").lower(), 0)
        wd = _word(lex.weekdays, m["w"])
        if wd is None:
            continue
        found.append(Candidate(m.start(), m.end(), "weekday", weekday=wd, offset=direction))
    return _longest_first(found)


# Month names that are also common words ("may", "march", "mars" the planet): alone, without
# a day or year, they count only after a cue word.
_AMBIGUOUS_MONTHS = frozenset({"may", "march", "august", "mars", "mai", "mei", "maj"})
_MONTH_CUES_TEXT = (
    "in since until by from of early late mid last next this en de à au im seit bis vom в с до "
    "w od do em a di nel dal tot sinds fino desde hasta depuis"
)
_MONTH_CUES = frozenset(_MONTH_CUES_TEXT.split())


def _bare_month_ok(text: str, start: int, word: str, lex: Lexicon) -> bool:
    if word.lower() not in _AMBIGUOUS_MONTHS:
        return True
    before = re.search(r"(\w+)\W*$", text[max(0, start - 24) : start])
    return before is not None and before.group(1).lower() in _MONTH_CUES


def _longest_first(found: list[Candidate]) -> list[Candidate]:
    """Keep the longest of overlapping candidates (earliest on ties), in text order."""
    taken: list[Candidate] = []  # non-overlapping, sorted by start (so by end too)
    starts: list[int] = []
    for c in sorted(found, key=lambda c: (c.start - c.end, c.start)):
        i = bisect.bisect_right(starts, c.start)
        if i and taken[i - 1].end > c.start:
            continue
        if i < len(taken) and taken[i].start < c.end:
            continue
        taken.insert(i, c)
        starts.insert(i, c.start)
    return taken
