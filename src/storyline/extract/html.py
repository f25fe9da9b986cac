"""Main text and metadata of an HTML news page, with trafilatura.

trafilatura finds the article body, headline, date, author and site name; storyline adds two
things: the publication date comes from htmldate *without* its extensive search (which reads
"the positions of 1997" in a body as the publication date), and the first paragraphs are
searched for an agency dateline. Settings were chosen with ``python -m bench.extraction``
(token F1 on wcxb-dev-articles, scrapinghub held out).
"""

from __future__ import annotations

from typing import Any

import trafilatura
from trafilatura.settings import Document

from storyline.extract.dateline import first_dateline
from storyline.extract.markup import declared_dates
from storyline.extract.when import When, parse_published
from storyline.records import DAY, TIME, Extraction

EXTRACTOR = f"trafilatura-{trafilatura.__version__}"

# Token F1 on the first 300 wcxb-dev pages: defaults 0.932, favor_recall 0.933 (same within
# noise), favor_precision 0.923 (recall drops 0.94 -> 0.92). Defaults kept.
FAVOR_PRECISION = False
FAVOR_RECALL = False
# Reader comments are not the article.
INCLUDE_COMMENTS = False
# htmldate: the first date in the markup that it trusts, never a guess from the body text,
# the original (published) date over a modified one, and the whole timestamp with its offset
# (its default output format is the day only).
DATE_FORMAT = "%Y-%m-%dT%H:%M:%S%z"
DATE_PARAMS: dict[str, Any] = {
    "extensive_search": False,
    "original_date": True,
    "outputformat": DATE_FORMAT,
}
# What htmldate answers with DATE_FORMAT for a date found without a time: midnight, no offset.
_DAY_ONLY_SUFFIX = "T00:00:00"
# Datelines are looked for in the first paragraphs (a standfirst may come first).
DATELINE_PARAGRAPHS = 3


def extract_html(html: str, url: str | None = None) -> Extraction | None:
    """Title, body paragraphs and metadata of one HTML page; None when it has no main text."""
    doc = trafilatura.bare_extraction(
        html,
        url=url,
        with_metadata=True,
        favor_precision=FAVOR_PRECISION,
        favor_recall=FAVOR_RECALL,
        include_comments=INCLUDE_COMMENTS,
        date_extraction_params=dict(DATE_PARAMS),
    )
    if not isinstance(doc, Document):  # None: no main text (a dict only with as_dict=True)
        return None
    title = (doc.title or "").strip()
    paragraphs = tuple(p.strip() for p in (doc.text or "").splitlines() if p.strip())
    if paragraphs and paragraphs[0] == title:
        paragraphs = paragraphs[1:]
    if not paragraphs:
        return None
    published = _published(html, htmldate_when(doc.date))
    anchor = published.value.date() if published else None
    dateline = first_dateline(paragraphs, anchor, within=DATELINE_PARAGRAPHS)
    return Extraction(
        title=title,
        paragraphs=paragraphs,
        published=published.value if published else None,
        published_granularity=published.granularity if published else None,
        site=doc.sitename or None,
        author=doc.author or None,
        url=doc.url or url,
        dateline=dateline,
        extractor=EXTRACTOR,
    )


def _published(html: str, guess: When | None) -> When | None:
    """htmldate's answer, unless the page declares a publication date and htmldate gave a
    date the page declares as *modified*, or only the day of the declared moment (a day from
    the URL): then the declared publication date."""
    declared = declared_dates(html)
    if declared.published is None or guess is None:
        return guess or declared.published
    if guess.value in declared.modified:
        return declared.published
    same_day = guess.value.date() == declared.published.value.date()
    if guess.granularity == DAY and same_day and declared.published.granularity == TIME:
        return declared.published
    return guess


def htmldate_when(value: str | None) -> When | None:
    """htmldate's answer (``DATE_FORMAT``) as a ``When``: a bare midnight without an offset is
    what it gives for a date without a time, so it is a day."""
    if value and value.endswith(_DAY_ONLY_SUFFIX):
        value = value.removesuffix(_DAY_ONLY_SUFFIX)
    return parse_published(value, "htmldate date")
