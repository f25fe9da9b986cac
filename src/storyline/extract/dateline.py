"""Find an agency dateline at the start of a paragraph.

Wire copy opens with where (and often when and who) the story was filed::

    Moscow. January 28. INTERFAX - The issue of ...
    MOSCOW, Jan 28 (Reuters) - Russia said ...
    PARIS (AFP) — France will ...
    Берлин, 3 марта. /ТАСС/. Канцлер ...
    BERLIN, 3. März (dpa) - Die Regierung ...

The dateline is metadata: it is the best anchor for resolving "on Friday" in the text, and the
place is where the reporter was. ``find_dateline`` returns it and the paragraph **unchanged**:
the dateline also reads as part of the first sentence, and cutting body text on a heuristic is
worse than keeping five extra words (callers that want the bare sentence can strip
``dateline.text``, which is always a prefix of the paragraph).
"""

from __future__ import annotations

import re
from datetime import date

from storyline.records import Dateline

_MONTHS: dict[int, tuple[str, ...]] = {
    1: (
        "january",
        "jan",
        "январь",
        "января",
        "янв",
        "januar",
        "jänner",
        "janvier",
        "janv",
        "enero",
        "ene",
        "gennaio",
        "gen",
        "stycznia",
        "styczeń",
        "sty",
        "janeiro",
    ),
    2: (
        "february",
        "feb",
        "февраль",
        "февраля",
        "фев",
        "februar",
        "février",
        "févr",
        "fevrier",
        "febrero",
        "febbraio",
        "lutego",
        "luty",
        "lut",
        "fevereiro",
        "fev",
    ),
    3: ("march", "mar", "март", "марта", "märz", "mars", "marzo", "marca", "marzec", "março"),
    4: (
        "april",
        "apr",
        "апрель",
        "апреля",
        "апр",
        "avril",
        "abril",
        "abr",
        "aprile",
        "kwietnia",
        "kwiecień",
        "kwi",
    ),
    5: ("may", "май", "мая", "mai", "mayo", "maggio", "maja", "maj", "maio"),
    6: (
        "june",
        "jun",
        "июнь",
        "июня",
        "juni",
        "juin",
        "junio",
        "giugno",
        "giu",
        "czerwca",
        "czerwiec",
        "cze",
        "junho",
    ),
    7: (
        "july",
        "jul",
        "июль",
        "июля",
        "juli",
        "juillet",
        "juil",
        "julio",
        "luglio",
        "lug",
        "lipca",
        "lipiec",
        "lip",
        "julho",
    ),
    8: (
        "august",
        "aug",
        "август",
        "августа",
        "авг",
        "août",
        "aout",
        "agosto",
        "ago",
        "sierpnia",
        "sierpień",
        "sie",
    ),
    9: (
        "september",
        "sep",
        "sept",
        "сентябрь",
        "сентября",
        "сен",
        "septembre",
        "septiembre",
        "settembre",
        "set",
        "września",
        "wrzesień",
        "wrz",
        "setembro",
    ),
    10: (
        "october",
        "oct",
        "октябрь",
        "октября",
        "окт",
        "oktober",
        "okt",
        "octobre",
        "octubre",
        "ottobre",
        "ott",
        "października",
        "październik",
        "paź",
        "outubro",
        "out",
    ),
    11: (
        "november",
        "nov",
        "ноябрь",
        "ноября",
        "ноя",
        "novembre",
        "noviembre",
        "listopada",
        "listopad",
        "lis",
        "novembro",
    ),
    12: (
        "december",
        "dec",
        "декабрь",
        "декабря",
        "дек",
        "dezember",
        "dez",
        "décembre",
        "diciembre",
        "dic",
        "dicembre",
        "grudnia",
        "grudzień",
        "gru",
        "dezembro",
    ),
}
_MONTH_OF = {name: number for number, names in _MONTHS.items() for name in names}
_MONTH = "|".join(sorted(map(re.escape, _MONTH_OF), key=len, reverse=True))
# A word that starts with a letter (place names, agency names); no dots, so "Moscow." ends.
_W = r"[^\W\d_][\w'’-]*"
# Lower-case words allowed inside a place name ("Rio de Janeiro", "Frankfurt am Main").
_CONNECTORS = frozenset(
    [
        "de",
        "del",
        "da",
        "das",
        "do",
        "dos",
        "di",
        "la",
        "le",
        "les",
        "los",
        "el",
        "am",
        "an",
        "der",
        "upon",
        "on",
        "sur",
    ]
)
_DATELINE = re.compile(
    rf"""^\s*
    (?P<place>{_W}(?:[ ]{_W}){{0,3}})
    (?:\s*[,.]\s*(?P<date>
        (?P<m1>{_MONTH})\.?\s+(?P<d1>\d{{1,2}})(?:st|nd|rd|th)?
      | (?P<d2>\d{{1,2}})\.?\s+(?P<m2>{_MONTH})\.?
    )(?:,?\s+(?P<year>(?:19|20)\d\d))?)?
    \s*[,.]?\s*
    (?P<agency>\([^()\n]{{2,40}}\)|/[^/\n]{{2,40}}/|{_W}(?:\.[a-z]{{2,3}})?(?:[ ]{_W}){{0,2}})?
    \s*[.,]?\s*
    (?P<sep>[-–—]+\s|:\s)?
    """,
    re.VERBOSE | re.IGNORECASE,
)
# Datelines are short: a longer prefix is a sentence that happens to contain a dash.
MAX_DATELINE_CHARS = 80


def find_dateline(paragraph: str, anchor: date | None = None) -> tuple[Dateline | None, str]:
    """The dateline opening ``paragraph`` (or None) and the paragraph, unchanged.

    A day and month without a year resolve against ``anchor`` (the publication or ingest
    date) to the nearest such day within a year of it; without an anchor the date stays None
    and ``Dateline.text`` still holds what was written.
    """
    match = _DATELINE.match(paragraph)
    if match is None or match.end() > MAX_DATELINE_CHARS or match.end() >= len(paragraph):
        return None, paragraph
    place, agency = match["place"], _agency(match["agency"])
    if not _is_place(place):
        return None, paragraph
    has_dash = match["sep"] is not None
    slashed = bool(match["agency"]) and match["agency"].startswith("/")
    if match["agency"] and agency is None:  # a plain word in that slot: not a dateline
        return None, paragraph
    if not (has_dash or slashed):
        return None, paragraph
    if not (match["date"] or agency or (place.isupper() and len(place) > 2)):
        return None, paragraph
    text = match.group(0).strip().rstrip("-–—:").strip()
    return (
        Dateline(text=text, place=_tidy_place(place), date=_resolve(match, anchor), agency=agency),
        paragraph,
    )


def first_dateline(
    paragraphs: tuple[str, ...], anchor: date | None = None, within: int = 3
) -> Dateline | None:
    """The dateline of the first of the ``within`` opening paragraphs that has one.

    More than the first paragraph is searched because a standfirst often comes before it.
    """
    for paragraph in paragraphs[:within]:
        found, _ = find_dateline(paragraph, anchor)
        if found is not None:
            return found
    return None


def _is_place(place: str) -> bool:
    words = place.split()
    if not words[0][0].isupper():
        return False
    return all(w[0].isupper() or w.lower() in _CONNECTORS for w in words)


def _tidy_place(place: str) -> str:
    """``MOSCOW`` -> ``Moscow``; mixed-case names stay as written."""
    if not place.isupper():
        return place
    return " ".join(
        w.capitalize() if w.lower() not in _CONNECTORS else w.lower() for w in place.split()
    )


def _agency(raw: str | None) -> str | None:
    """The agency's name: anything in parentheses or slashes, else an all-caps word."""
    if not raw:
        return None
    if raw[0] in "(/":
        return raw[1:-1].strip() or None
    return raw if raw.isupper() and len(raw) >= 2 else None


def _resolve(match: re.Match[str], anchor: date | None) -> date | None:
    month_name = match["m1"] or match["m2"]
    day_text = match["d1"] or match["d2"]
    if not month_name or not day_text:
        return None
    month, day = _MONTH_OF[month_name.lower()], int(day_text)
    if match["year"]:
        return _date_or_none(int(match["year"]), month, day)
    if anchor is None:
        return None
    candidates = [
        d
        for y in (anchor.year - 1, anchor.year, anchor.year + 1)
        if (d := _date_or_none(y, month, day)) is not None
    ]
    return min(candidates, key=lambda d: abs(d - anchor), default=None)


def _date_or_none(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None
