"""Per-language date vocabulary: month and weekday names, relative phrases, cue words.

Month and weekday names and relative phrases ("yesterday", "la semana pasada") come from
dateparser's CLDR-derived locale data, so every language dateparser knows has them; the cue
words (what may stand before a bare year, what marks a future) are ours, written for the
languages storyline embeds. A language without cues of its own borrows the English ones.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

MONTHS = (
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
)
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
UNITS = ("day", "week", "month", "year")

# Forms dateparser's data lacks (Russian prepositional "в марте", Italian/Spanish/Portuguese
# lowercase usage is already there).
_EXTRA_MONTHS: dict[str, tuple[str, ...]] = {
    "ru": (
        "январе",
        "феврале",
        "марте",
        "апреле",
        "мае",
        "июне",
        "июле",
        "августе",
        "сентябре",
        "октябре",
        "ноябре",
        "декабре",
    ),
}

# Words that may stand right before a bare year ("in 1997", "seit 2010", "в 1997"). A four-digit
# number with none of these before it (or a year word after it) is a counter, not a year.
_YEAR_BEFORE: dict[str, str] = {
    "en": "in since of by until till from before after during between and to through early late "
    "mid year fiscal spring summer autumn fall winter around circa the least than not",
    "es": "en desde de del hasta antes después durante entre y a año el al principios finales "
    "mediados",
    "fr": "en depuis de du jusqu'en avant après pendant entre et à année l'année dès fin début mi",
    "de": "im in seit von bis vor nach während zwischen und jahr jahres anfang ende mitte",
    "ru": "в с до после по к между и начале конце середине",
    "it": "nel dal del fino al entro prima dopo durante tra fra e anno di in il",
    "pt": "em desde de do até antes depois durante entre e a ano no o",
    "nl": "in sinds van tot voor na tijdens tussen en jaar begin eind medio",
    "pl": "w od do przed po między i z roku",
    "tr": "",
    "ar": "عام سنة في منذ حتى قبل بعد",
}
# Words that may follow a bare year ("1997 году", "1997 yılında", "2010 r.").
_YEAR_AFTER: dict[str, str] = {
    "ru": "г году года год",
    "pl": "r roku rok",
    "tr": "yılında yılı yılına yılından yılındaki",
}

# Month modifiers kept inside the span: "mid-December", "a mediados de diciembre", "Ende Januar".
_MODIFIERS: dict[str, str] = {
    "en": "mid|early|late|the end of|the beginning of|the start of|the middle of|end of|"
    "beginning of|start of",
    "es": "a mediados de|a principios de|a finales de|mediados de|principios de|finales de|"
    "a fines de|fines de",
    "fr": "à la mi|mi|début|fin|courant",
    "de": "Mitte|Anfang|Ende",
    "ru": "в середине|в начале|в конце|середине|начале|конце",
    "it": "a metà|metà|all'inizio di|inizio|alla fine di|fine",
    "pt": "em meados de|meados de|no início de|início de|no final de|final de|fim de",
    "nl": "medio|begin|eind|half",
    "pl": "w połowie|na początku|pod koniec|w środku",
    "tr": "",
    "ar": "منتصف|أوائل|أواخر|مطلع|نهاية",
}

# Words and endings that speak of the future. A date is planned only when it is also after the
# anchor, so these may be generous. Future-tense endings cover es/fr/it/pt/tr verbs.
_FUTURE: dict[str, str] = {
    "en": r"will|shall|'ll|going to|is to|are to|scheduled|due to|plans? to|planned|planning|"
    r"expected to|set to|upcoming|next|would|intends? to|to be held|is to be",
    "es": r"\w+(?:rá|rán|remos)|va a|van a|próxim[oa]s?|previst[oa]s?|programad[oa]s?",
    "fr": r"\w+(?:ra|ront|rons)|va|vont|prochaine?s?|prévue?s?|doit|doivent",
    "de": r"wird|werden|soll|sollen|will|wollen|geplant|nächsten?|kommenden?|bevorstehenden?",
    "ru": r"будет|будут|буду|состоится|состоятся|планиру\w*|намерен\w*|предстоящ\w*|"
    r"следующ\w*|пройд[её]т|собира\w*|ожида\w*|должн\w*|встретятся|проведут",
    "it": r"\w+(?:rà|ranno|remo)|prossim[oa]|previst[oa]|programmat[oa]",
    "pt": r"\w+(?:rá|rão|remos)|vai|vão|próxim[oa]s?|previst[oa]s?",
    "nl": r"zal|zullen|gaat|gaan|volgende|komende|gepland",
    "pl": r"będzie|będą|planuje\w*|przyszł\w*|następn\w*|zaplanowan\w*",
    "tr": r"\w+(?:ecek|acak|ecekler|acaklar|ecektir|acaktır)|gelecek|önümüzdeki|planlanan",
    "ar": r"سوف|سي\w+|المقبل|المقبلة|القادم|القادمة",
}

# Relative phrases dateparser's data lacks.
_EXTRA_RELATIVE: dict[str, dict[str, tuple[str, int]]] = {
    "nl": {"vorig jaar": ("year", -1), "vorige week": ("week", -1)},
    "de": {"letzten jahr": ("year", -1), "vergangenen jahr": ("year", -1)},
}

# "1 day ago", "in 1 week"; a key with neither ("2 day": Arabic "يومين", two days) is a length.
_REL_KEY = re.compile(r"^(?:(in) (\d+) (day|week|month|year)|(\d+) (day|week|month|year) (ago))$")


@dataclass(frozen=True, slots=True, eq=False)  # one per language (cached): hashed by identity
class Lexicon:
    """The date words of one language, lowercased."""

    lang: str
    months: dict[str, int]  # name -> 1..12
    weekdays: dict[str, int]  # name -> 0..6 (Monday = 0)
    relative: dict[str, tuple[str, int]]  # phrase -> (unit, offset): "last week" -> ("week", -1)
    year_before: frozenset[str]
    year_after: frozenset[str]
    modifiers: tuple[str, ...]
    future: re.Pattern[str]
    capitalised_months: bool  # English writes month and weekday names capitalised


def _abbreviation(name: str, names: list[str]) -> bool:
    """A prefix of a form at least two letters longer: "sept" (French for seven), "janv",
    "segunda", "wcz"; not an inflection one letter longer ("март" / "марта", "maj" / "maja")."""
    return any(len(other) >= len(name) + 2 and other.startswith(name) for other in names)


def _full_names(names: list[str]) -> list[str]:
    """Full names only: abbreviations ("mar", "ago", "mo", "sept") are common words elsewhere."""
    lowered = sorted({n.lower().rstrip(".") for n in names if n}, key=len, reverse=True)
    longest = len(lowered[0]) if lowered else 0
    return [
        n for n in lowered if (len(n) >= 4 or len(n) == longest) and not _abbreviation(n, lowered)
    ]


def _relative(info: dict[str, Any]) -> dict[str, tuple[str, int]]:
    out: dict[str, tuple[str, int]] = {}
    for key, phrases in info.get("relative-type", {}).items():
        m = _REL_KEY.match(key)
        if m is None or not phrases:
            continue
        count, unit = (m.group(2), m.group(3)) if m.group(1) else (m.group(4), m.group(5))
        offset = int(count) * (-1 if m.group(6) else 1)
        lowered = sorted({p.lower() for p in phrases}, key=len, reverse=True)
        # The longest phrase, and one-word phrases ("yesterday", "dün"); the rest are
        # abbreviations ("this wk", "sem ant").
        keep = [
            lowered[0],
            *(
                p
                for p in lowered[1:]
                if " " not in p and len(p) >= 3 and not _abbreviation(p, lowered)
            ),
        ]
        for phrase in keep:
            out.setdefault(phrase, (unit, offset))
    return out


@lru_cache(maxsize=64)
def lexicon(lang: str) -> Lexicon:
    """The lexicon of ``lang`` (a dateparser locale code); raises KeyError if unknown."""
    from dateparser.languages.loader import default_loader

    info: dict[str, Any] = default_loader.get_locale(lang).info
    months: dict[str, int] = {}
    for number, key in enumerate(MONTHS, start=1):
        for name in _full_names(list(info.get(key, []))):
            months.setdefault(name, number)
    for number, name in enumerate(_EXTRA_MONTHS.get(lang, ()), start=1):
        months.setdefault(name, number)
    weekdays: dict[str, int] = {}
    for number, key in enumerate(WEEKDAYS):
        for name in _full_names(list(info.get(key, []))):
            weekdays.setdefault(name, number)
    base = lang if lang in _FUTURE else "en"
    return Lexicon(
        lang=lang,
        months=months,
        weekdays=weekdays,
        relative=_relative(info) | _EXTRA_RELATIVE.get(lang, {}),
        year_before=frozenset(_YEAR_BEFORE.get(lang, _YEAR_BEFORE[base]).split()),
        year_after=frozenset(_YEAR_AFTER.get(lang, "").split()),
        modifiers=tuple(m for m in _MODIFIERS.get(lang, _MODIFIERS[base]).split("|") if m),
        future=re.compile(rf"(?<!\w)(?:{_FUTURE[base]})(?!\w)", re.IGNORECASE),
        capitalised_months=lang == "en",
    )


def known(lang: str) -> bool:
    """Whether dateparser has a locale for ``lang``."""
    try:
        lexicon(lang)
    except (KeyError, ValueError):
        return False
    return True
