"""Whether a clean text holds any article text at all.

A page with nothing but a menu (``Home | About``), a word or two, or a cookie banner is not an
article: it must become an error row ("no article text found"), not a story of its own. The
rule is deliberately small, since a one-sentence RSS description *is* an article:

    some paragraph is prose — at least ``MIN_PROSE_WORDS`` words and not a menu (items split by
    ``|`` ``·`` ``•`` ``»`` ``/`` of at most ``MENU_ITEM_WORDS`` words each) — and the whole text
    is not a consent notice (at most ``NOTICE_MAX_WORDS`` words that speak of cookies/consent).

Calibrated with ``python -m bench.prose`` on the gold main texts of every extraction set and the
MEANTIME / SemEval-2022 articles: it rejects none of them (figures in RELIABILITY-input.md).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from storyline.language import UNSPACED_SCRIPTS

# The shortest real one-sentence descriptions are ~6 words ("Storm closes schools in the
# north."); menus and one-word pages have fewer words per item.
MIN_PROSE_WORDS = 5
# Menu items ("Home", "World news", "Contact us") are one to three words.
MENU_ITEM_WORDS = 3
# A consent banner is a sentence or two; an article that mentions cookies is longer.
NOTICE_MAX_WORDS = 60

_WORD = re.compile(r"\w+")
_MENU_SEPARATOR = re.compile(r"\s[|·•»/]\s|\s[|·•»]|[|·•»]\s")
_NOTICE = re.compile(
    r"\bcookies?\b|\bconsent\b|\baccept all\b|\bgdpr\b|\bcookie policy\b|\bprivacy settings\b",
    re.I,
)


def words(text: str) -> int:
    """Words in ``text``, counting about two characters a word in unspaced scripts (CJK, Thai)."""
    return max(len(_WORD.findall(text)), len(UNSPACED_SCRIPTS.findall(text)) // 2)


def no_article_text(paragraphs: Sequence[str]) -> str | None:
    """Why ``paragraphs`` hold no article text, or None when they do."""
    total = sum(words(p) for p in paragraphs)
    if not any(_is_prose(p) for p in paragraphs):
        what = "a menu or a few words" if total else "no words"
        return f"no article text found ({what}: {total} words, no paragraph of prose)"
    if total <= NOTICE_MAX_WORDS and _NOTICE.search(" ".join(paragraphs)):
        return f"no article text found (only a cookie / consent notice, {total} words)"
    return None


def _is_prose(paragraph: str) -> bool:
    if words(paragraph) < MIN_PROSE_WORDS:
        return False
    items = [item for item in _MENU_SEPARATOR.split(paragraph) if item.strip()]
    return len(items) < 2 or any(words(item) > MENU_ITEM_WORDS for item in items)
