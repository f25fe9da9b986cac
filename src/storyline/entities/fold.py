"""Name folding: one spelling-independent key per name, in any script.

``fold`` transliterates (``anyascii``: Москва → Moskva, Poutine stays Poutine), drops
diacritics, case and punctuation; ``skeleton`` keeps the consonants of a folded word with the
spellings that vary between languages merged (c/k/q, w/v, ph/f), so Putin and Poutine, Macron
and Makron share one. Both are pure and cheap: they run on every mention.
"""

from __future__ import annotations

import re
from functools import lru_cache

from anyascii import anyascii

_NON_ALNUM = re.compile(r"[^a-z0-9]+")
_SKELETON_MAP = str.maketrans({"c": "k", "q": "k", "w": "v", "z": "s", "x": "ks", "j": "i"})
_VOWELS_AND_H = re.compile(r"[aeiouyh]")
_DOUBLES = re.compile(r"(.)\1+")


@lru_cache(maxsize=65536)
def fold(name: str) -> str:
    """Lower-case ASCII words separated by single spaces ("" when nothing is left)."""
    ascii_name = anyascii(name).lower().replace("'", "")
    return _NON_ALNUM.sub(" ", ascii_name).strip()


def slug(name: str) -> str:
    """``fold`` with hyphens: the tail of a person or organisation id."""
    return fold(name).replace(" ", "-")


def skeleton(word: str) -> str:
    """Consonant skeleton of one folded word: putin, poutine → ptn; macron, makron → mkrn."""
    word = word.replace("ph", "f").replace("ck", "k").translate(_SKELETON_MAP)
    return _DOUBLES.sub(r"\1", _VOWELS_AND_H.sub("", word))
