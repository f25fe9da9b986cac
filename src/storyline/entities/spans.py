"""Raw name spans before linking: bounded windows of a text, and span cleaning.

A model never sees more than ``MAX_WINDOW_CHARS`` at once nor more than ``MAX_TEXT_CHARS`` of
one text, so a 20 MB page costs the same as a long article. Cleaning trims what models include
at a name's edges (quotes, a possessive 's, trailing punctuation) and drops spans that cannot
be names (one character, digits only).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache

# Characters of one text the entities stage reads (the rest is not searched for names). A long
# news article is 10-30k characters; 200k keeps whole books of text in reach and bounds a call
# to ~2 s with the spaCy small models on this machine (bench/entities.py measures ms/article).
MAX_TEXT_CHARS = 200_000
# Characters a model sees per call: paragraphs are packed up to this, longer ones are cut at
# a sentence end or space. spaCy's cost per call is linear, this only bounds memory.
MAX_WINDOW_CHARS = 5_000

_EDGE_JUNK = "\"'«»“”„‘’‚‹›()[]{}<>*_|/\\,.;:!?¿¡-–—•·"
_POSSESSIVE = re.compile(r"['’]s$|['’]$")
_CUT = re.compile(r"[.!?。！？]\s|\s")
# Articles and prepositions a model may take into a name's span ("La OTAN", "l'OTAN", "the
# United States", "en Estados Unidos"): trimmed when a capitalised word follows.
_LEADING_ARTICLE = re.compile(
    r"(?:(?:the|la|le|les|el|los|las|il|lo|gli|het|de|der|die|das|en|in|a|à|au|aux|dans|por"
    r"|para|con|desde)\s+|[ld]['’])(?=\w)",
    re.IGNORECASE,
)


@dataclass(frozen=True, slots=True)
class Span:
    """A name found in a text: offsets, type (PER/ORG/LOC) and its normal (lemma) form."""

    start: int
    end: int
    type: str
    normal: str


def windows(text: str) -> Iterator[tuple[int, str]]:
    """(offset, piece) pieces of at most ``MAX_WINDOW_CHARS`` covering ``text`` up to
    ``MAX_TEXT_CHARS``, cut at paragraph ends where possible."""
    limit = min(len(text), MAX_TEXT_CHARS)
    start = 0
    while start < limit:
        end = min(start + MAX_WINDOW_CHARS, limit)
        if end < limit:
            cut = text.rfind("\n", start + 1, end)
            if cut <= start:
                cut = _last_cut(text, start, end)
            end = cut if cut > start else end
        yield start, text[start:end]
        start = end


def _last_cut(text: str, start: int, end: int) -> int:
    last = -1
    for match in _CUT.finditer(text, start + MAX_WINDOW_CHARS // 2, end):
        last = match.end()
    return last


def clean(text: str, start: int, end: int) -> tuple[int, int] | None:
    """The span ``text[start:end]`` with junk trimmed from its edges, or None if what is left
    is no name (under two characters, no letter)."""
    while start < end and (text[start].isspace() or text[start] in _EDGE_JUNK):
        start += 1
    while start < end:
        piece = text[start:end]
        possessive = _POSSESSIVE.search(piece)
        if possessive and possessive.start() > 0:
            end = start + possessive.start()
        elif text[end - 1].isspace() or text[end - 1] in _EDGE_JUNK:
            # Keep the full stop of an abbreviation ("U.S.", "N.V."): dotted single letters.
            if text[end - 1] == "." and end - start >= 2 and _abbreviation(text[start:end]):
                break
            end -= 1
        else:
            break
    article = _LEADING_ARTICLE.match(text, start, end)
    while article and text[article.end() : end][:1].isupper():
        start = article.end()
        article = _LEADING_ARTICLE.match(text, start, end)
    piece = text[start:end]
    if len(piece) < 2 or not any(ch.isalpha() for ch in piece):
        return None
    return start, end


def _abbreviation(piece: str) -> bool:
    return len(piece) >= 3 and piece[-3] == "."


@cache
def stopwords(lang: str) -> frozenset[str]:
    """justext's stop list for ``lang`` (lower-case), empty when it has none."""
    import justext
    from babel import Locale, UnknownLocaleError

    try:
        english = Locale.parse(lang).english_name if lang else None
    except (ValueError, UnknownLocaleError):
        return frozenset()
    if english not in justext.get_stoplists():
        return frozenset()
    return frozenset(word.lower() for word in justext.get_stoplist(english))
