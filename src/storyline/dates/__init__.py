"""Dates stage: every date expression in a text, resolved against the article's anchor.

Interface used by the rest of storyline::

    anchor_of(article) -> Anchor | None     dateline date > publication date > fetch date
    find_dates(text, lang, anchor) -> tuple[DateMention, ...]   offsets into ``text``
    VERSION                                  stored with every article

Never resolved against the clock: without an anchor, day and month are kept and the year is
marked unknown. The parts: ``lexicon`` (per-language words, from dateparser's locale data),
``find`` (candidate patterns and what is not a date), ``resolve`` (values and granularity),
``planned`` (future cues).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from storyline.dates.find import candidates
from storyline.dates.lexicon import Lexicon, known, lexicon
from storyline.dates.planned import is_planned, spoken_of_as_future
from storyline.dates.resolve import resolve
from storyline.records import Article, DateMention

VERSION = "dates-1"

# Only the first MAX_SCAN_CHARS characters of a text are scanned: a long news article is ~30k
# characters, so 200k covers every real article while a 20 MB page costs no more than 200k.
MAX_SCAN_CHARS = 200_000


@dataclass(frozen=True, slots=True)
class Anchor:
    """The day relative dates are resolved against, and where it came from."""

    day: date
    source: str  # "dateline", "published", "fetched" or "supplied"


def anchor_of(article: Article) -> Anchor | None:
    """Dateline date > publication date (its own offset's day) > fetch date > None."""
    if article.dateline is not None and article.dateline.date is not None:
        return Anchor(article.dateline.date, "dateline")
    if article.published is not None:
        return Anchor(article.published.date(), "published")
    if article.fetched_at is not None:
        return Anchor(article.fetched_at.date(), "fetched")
    return None


def _lexicon_for(lang: str | None) -> Lexicon:
    code = (lang or "en").replace("_", "-").split("-")[0].lower()
    return lexicon(code if code and known(code) else "en")


def find_dates(text: str, lang: str | None, anchor: Anchor | None) -> tuple[DateMention, ...]:
    """Every date expression in ``text`` (language ``lang``), resolved against ``anchor``."""
    lex = _lexicon_for(lang)
    day = anchor.day if anchor is not None else None
    scanned = text[:MAX_SCAN_CHARS]
    out: list[DateMention] = []
    for c in candidates(scanned, lex):
        # "tomorrow", "next week", "next Monday" speak of the future by themselves.
        ahead = c.kind in ("relative", "weekday") and c.offset > 0
        future = ahead or spoken_of_as_future(scanned, c.start, c.end, lex)
        value = resolve(c, day, future)
        if value is None:
            continue
        out.append(
            DateMention(
                text=scanned[c.start : c.end],
                start=c.start,
                end=c.end,
                value=value.value,
                granularity=value.granularity,
                planned=is_planned(value, day, future),
                year_known=value.year_known,
            )
        )
    return tuple(out)


__all__ = ["MAX_SCAN_CHARS", "VERSION", "Anchor", "anchor_of", "find_dates"]
