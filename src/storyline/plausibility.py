"""Which single-byte charset turns these bytes into the most plausible text?

Without a label, the same bytes are valid in every single-byte charset: ``0xE7`` is "ç" in
windows-1252, "ē" in windows-1257, "з" in windows-1251. A byte-statistics detector
(charset-normalizer) picks well on long texts but, on a few hundred characters, often picks a
neighbour ("français" -> "franēais"). So the candidate decodings are compared on the text they
give, the way a reader would:

- **alphabet fit**: the share of letters that belong to one language's alphabet (ASCII letters
  count for every language: names and URLs appear in any news text); the best language counts;
- **odd symbols**: non-ASCII characters that are neither letters nor common punctuation
  ("¤", "¦", "±"), punctuation inside a word ("ver—ffentlicht") and combining marks that
  follow no letter (KOI8-R read as windows-1256 starts words with Arabic vowel signs), per
  letter; letters of two scripts in one word ("avi鏮") count per word;
- **case switches**: a capital right after a small letter inside a word ("пУТИН" is KOI8-R read
  as windows-1251), per word.

The alphabets are those of the languages storyline reads (``language.LANGUAGES``) plus the other
languages of the same legacy charsets that ``language.name_language`` can name (Czech,
Hungarian, Romanian, Croatian, Greek, Hebrew, Bulgarian, Serbian, ...). The Baltic languages are
left out on purpose: their alphabet (ē, ģ, ķ, ļ, ņ, ū) is what makes windows-1257 a plausible
reading of French and German, the very error this module exists to avoid.
"""

from __future__ import annotations

import codecs
import itertools
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable
from functools import lru_cache
from typing import Any

# Tried in this order; on a tie the earlier one wins (windows-1252 is by far the most common
# legacy charset on the web, then the other windows-125x, then ISO and KOI8).
SINGLE_BYTE_CANDIDATES: tuple[str, ...] = (
    "cp1252",
    "cp1250",
    "cp1251",
    "cp1254",
    "cp1256",
    "cp1253",
    "cp1255",
    "iso8859-15",
    "iso8859-2",
    "iso8859-5",
    "iso8859-6",
    "iso8859-7",
    "iso8859-8",
    "koi8-r",
    "koi8-u",
)

# Only the first this many bytes (= characters) of a candidate are scored: the charset choice
# is made long before, and a 20 MB page stays cheap (about 15 candidates x 20,000 characters).
SAMPLE_CHARS = 20_000
# Weight of one odd symbol per letter and of one case switch per word, against the alphabet
# fit (0..1). Tuned on the dev half of ``python -m bench.decoding``: 1.0 and 1.0 are right on
# every dev case that 0.5 gets right, and odd symbols never occur in the correct decodings.
ODD_SYMBOL_WEIGHT = 1.0
CASE_SWITCH_WEIGHT = 1.0

_ASCII_LETTERS = "abcdefghijklmnopqrstuvwxyz"
_CYRILLIC = "абвгдежзийклмнопрстуфхцчшщъыьэюя"
# Lower-case letters beyond ASCII of each language (upper case is derived).
_ALPHABETS: dict[str, str] = {
    "western": "àáâãäåæçèéêëìíîïñòóôõöøùúûüýÿßœšžðþªº",  # en de fr es it nl pt ca da sv no is
    "pl": "ąćęłńóśźż",
    "cs-sk": "áčďéěíňóřšťúůýžäĺľôŕ",
    "hu": "áéíóöőúüű",
    "ro": "ăâîșşțţ",
    "hr-sl": "čćđšž",
    "tr": "çğıöşüâîûi̇",
    "ru-bg": _CYRILLIC + "ё",
    "uk": _CYRILLIC.replace("ъ", "").replace("ы", "").replace("э", "") + "ґєії",
    "sr-mk": _CYRILLIC + "ђјљњћџѓќѕ",
    "el": "αβγδεζηθικλμνξοπρστυφχψωάέήίόύώϊϋΐΰς",
    "he": "אבגדהוזחטיכךלמםנןסעפףצץקרשת",
    "ar": "".join(chr(c) for c in range(0x0620, 0x064B)) + "پچژکگیٹڈڑںھہے",
}
# Non-ASCII, non-letter characters that real text uses.
_COMMON_SYMBOLS = frozenset(
    "\u00a0\u00ad«»„“”‘’‚‹›–—…·•°€£¥§©®™¡¿×½¼¾²µ№†‰¢،؛؟٪٫٬ـ\u200c\u200d\u200e\u200f"
)


_NON_LATIN = frozenset({"ru-bg", "uk", "sr-mk", "el", "he", "ar"})
# In a Latin-script language at most this share of the letters is non-ASCII (French and
# Portuguese news ~5 %, Polish ~9 %, Czech ~12 % on the dev half of bench/decoding.py;
# 0.4 leaves room for short all-accented titles); windows-1251 text read as windows-1252
# ("Ïóòèí") is ~100 % non-ASCII "Latin" letters.
LATIN_MAX_NON_ASCII_SHARE = 0.4
# Tags and entities are not text: a page's markup would make any decoding look Latin.
_MARKUP = re.compile(r"<[^>]{0,500}>|&#?\w{1,10};")

# py3langid code -> the key of its alphabet in _ALPHABETS (languages not listed: best alphabet).
_ALPHABET_OF = {
    **dict.fromkeys(
        ("en", "de", "fr", "es", "it", "nl", "pt", "ca", "da", "sv", "no", "nb", "is", "fi"),
        "western",
    ),
    **dict.fromkeys(("cs", "sk"), "cs-sk"),
    **dict.fromkeys(("hr", "sl", "bs"), "hr-sl"),
    **dict.fromkeys(("ru", "bg", "be"), "ru-bg"),
    **dict.fromkeys(("sr", "mk"), "sr-mk"),
    **dict.fromkeys(("ar", "fa", "ur"), "ar"),
    **{code: code for code in ("pl", "hu", "ro", "tr", "uk", "el", "he")},
}
# Candidates scoring within this of the best are told apart by the detected language's own
# alphabet ("Ouvrière" in windows-1252 and "Ouvričre" in windows-1250 both fit some alphabet
# fully; only the first fits English). Tuned on the dev half of bench/decoding.py.
TIE_MARGIN = 0.02
# Subtracted in a near-tie from a candidate whose detected language has no alphabet here
# ("Ó÷àñòèå", windows-1251 read as windows-1252, is "Latin" to the alphabets but no language).
UNKNOWN_LANGUAGE_PENALTY = 0.5
# Weight of py3langid's confidence (0..1) in a near-tie: small enough never to outvote a
# real plausibility difference (> TIE_MARGIN), enough to order the tied ones.
CONFIDENCE_WEIGHT = 0.01


@lru_cache(maxsize=1)
def _alphabet_sets() -> dict[str, frozenset[str]]:
    out = {}
    for key, letters in _ALPHABETS.items():
        full = letters + _ASCII_LETTERS
        out[key] = frozenset(full) | frozenset(full.upper()) | {"İ"}
    return out


def _is_east_asian(ch: str) -> bool:
    """Han, kana, hangul or Thai: scripts with no small alphabet to check against."""
    code = ord(ch)
    return (
        0x0E00 <= code <= 0x0E7F
        or 0x3040 <= code <= 0x30FF
        or 0x3400 <= code <= 0x9FFF
        or 0xAC00 <= code <= 0xD7AF
        or 0xF900 <= code <= 0xFAFF
    )


def _script(ch: str) -> str:
    code = ord(ch)
    if code < 0x0250 or 0x1E00 <= code <= 0x1EFF:
        return "latin"
    if _is_east_asian(ch):
        return "east-asian"
    return unicodedata.name(ch, "other").split()[0]


def plausibility(text: str, alphabet: str | None = None) -> float:
    """How much ``text`` looks like real text in one language: about 1.0 good, lower worse.

    ``alphabet`` (a key of the alphabets) scores against that one; by default the best fits.
    """
    sample = _MARKUP.sub(" ", text[:SAMPLE_CHARS])
    counts = Counter(sample)  # a few hundred distinct characters: score those, not the text
    letters = {ch: n for ch, n in counts.items() if ch.isalpha()}
    total = sum(letters.values())
    if not total:
        return 0.0
    sets = _alphabet_sets()
    keys = [alphabet] if alphabet in sets else list(sets)
    east_asian = sum(n for ch, n in letters.items() if _is_east_asian(ch))
    ascii_letters = sum(n for ch, n in letters.items() if ch.isascii())
    latin_ok = 1 - ascii_letters / total <= LATIN_MAX_NON_ASCII_SHARE
    fit = max(
        east_asian,
        *(
            sum(n for ch, n in letters.items() if ch in sets[key])
            if latin_ok or key in _NON_LATIN
            else ascii_letters
            for key in keys
        ),
    )
    suspects = {ch for ch in counts if ord(ch) > 0x7F and not ch.isalpha()}
    odd = sum(
        1
        for i, ch in enumerate(sample)
        if ch in suspects
        and (ch not in _COMMON_SYMBOLS or _inside_word(sample, i))
        and unicodedata.category(ch) not in ("Nd", "Zs")
        and not (unicodedata.category(ch) == "Mn" and i > 0 and sample[i - 1].isalpha())
    )
    words = sample.split()
    switches = sum(_case_switches(word) for word in words)
    mixed = sum(_mixed_script(word) for word in words if not word.isascii())
    return (
        fit / total
        - ODD_SYMBOL_WEIGHT * odd / total
        - CASE_SWITCH_WEIGHT * (switches + mixed) / max(1, len(words))
    )


def _inside_word(text: str, i: int) -> bool:
    """A symbol between two letters ("ver—ffentlicht", "Stra¿"): no real text has those."""
    return 0 < i < len(text) - 1 and text[i - 1].isalpha() and text[i + 1].isalpha()


def _case_switches(word: str) -> int:
    return sum(1 for a, b in itertools.pairwise(word) if a.islower() and b.isupper())


def _mixed_script(word: str) -> bool:
    """Letters of two scripts in one word ("aviйn", "avi鏮"): a wrong charset's signature."""
    scripts = {_script(ch) for ch in word if ch.isalpha() or unicodedata.category(ch) == "Mn"}
    return len(scripts) > 1


def most_plausible(data: bytes, candidates: Iterable[str]) -> str:
    """The candidate codec whose strict decoding of ``data`` scores best.

    Candidates are scored on the first ``SAMPLE_CHARS`` bytes (a single-byte charset maps byte
    to character, so that is the sample of the text); the winner must then decode all of
    ``data`` strictly, else the next best is taken. Near-ties (``TIE_MARGIN``) go to the
    candidate whose text fits the alphabet of the language py3langid names for it, then to
    the earlier candidate. The first candidate is returned when none decodes strictly.
    """
    ordered = list(dict.fromkeys(codecs.lookup(c).name for c in candidates))
    head = data[:SAMPLE_CHARS]
    scored: list[tuple[float, int, str]] = []
    for rank, name in enumerate(ordered):
        try:
            text = head.decode(name)
        except UnicodeDecodeError:
            continue
        scored.append((plausibility(text), rank, text))
    if not scored:
        return ordered[0]
    top = max(score for score, _, _ in scored)
    final: list[tuple[float, int]] = []
    for score, rank, text in scored:
        if score >= top - TIE_MARGIN:
            language, confidence = _language_of(text)
            alphabet = _ALPHABET_OF.get(language)
            # A text the detector places in none of the alphabets' languages is likely noise;
            # among the rest, the detector's confidence decides ("Путин" in KOI8-R also reads
            # as Arabic letters in windows-1256, but as no Arabic word).
            score = (
                plausibility(text, alphabet)
                - (UNKNOWN_LANGUAGE_PENALTY if alphabet is None else 0.0)
                + CONFIDENCE_WEIGHT * confidence
            ) + 1.0  # near-ties rank above every other candidate
        final.append((score, rank))
    for _, rank in sorted(final, key=lambda pair: (-pair[0], pair[1])):
        try:
            codecs.decode(data[SAMPLE_CHARS:], ordered[rank])
        except UnicodeDecodeError:
            continue
        return ordered[rank]
    return ordered[0]


def _language_of(text: str) -> tuple[str, float]:
    """py3langid's language and normalised confidence (unrestricted: 97 languages)."""
    found = _identifier().classify(_MARKUP.sub(" ", text[:SAMPLE_CHARS]))
    return str(found[0]), float(found[1])


@lru_cache(maxsize=1)
def _identifier() -> Any:
    # A core dependency; imported lazily to keep ``import storyline`` fast. Our own identifier:
    # py3langid's module-level one may have been restricted by another user.
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
