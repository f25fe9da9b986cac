"""Dates stage: every date expression in a text, resolved against the article's anchor.

Interface used by the rest of storyline::

    anchor_of(article) -> Anchor | None     dateline date > publication date > supplied date
    find_dates(text, lang, anchor) -> tuple[DateMention, ...]   offsets into ``text``
    VERSION                                  stored with every article

Never resolved against the clock: without an anchor, day and month are kept and the year is
marked unknown.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from storyline.records import Article, DateMention

VERSION = "dates-0"


@dataclass(frozen=True, slots=True)
class Anchor:
    """The day relative dates are resolved against, and where it came from."""

    day: date
    source: str  # "dateline", "published", "fetched" or "supplied"


def anchor_of(article: Article) -> Anchor | None:
    """The article's anchor: its dateline's date, else its publication date."""
    raise NotImplementedError("the dates stage is being built (issue 7)")


def find_dates(text: str, lang: str | None, anchor: Anchor | None) -> tuple[DateMention, ...]:
    """Every date expression in ``text`` (language ``lang``), resolved against ``anchor``."""
    raise NotImplementedError("the dates stage is being built (issue 7)")
