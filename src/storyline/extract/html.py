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
from storyline.extract.when import parse_when
from storyline.records import Extraction

EXTRACTOR = f"trafilatura-{trafilatura.__version__}"

# Token F1 on the first 300 wcxb-dev pages: defaults 0.932, favor_recall 0.933 (same within
# noise), favor_precision 0.923 (recall drops 0.94 -> 0.92). Defaults kept.
FAVOR_PRECISION = False
FAVOR_RECALL = False
# Reader comments are not the article.
INCLUDE_COMMENTS = False
# htmldate: the first date in the markup that it trusts, never a guess from the body text.
DATE_PARAMS: dict[str, Any] = {"extensive_search": False, "original_date": True}
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
    published = parse_when(doc.date, "htmldate date")
    anchor = published.date() if published else None
    dateline = first_dateline(paragraphs, anchor, within=DATELINE_PARAGRAPHS)
    return Extraction(
        title=title,
        paragraphs=paragraphs,
        published=published,
        site=doc.sitename or None,
        author=doc.author or None,
        url=doc.url or url,
        dateline=dateline,
        extractor=EXTRACTOR,
    )
