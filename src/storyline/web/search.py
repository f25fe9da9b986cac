"""Search: full text over articles, and entities by their name in any language.

``Макрон`` finds the articles that contain the word and the entity Macron (its stories), as
``storyline search`` and ``storyline entity`` do.
"""

from __future__ import annotations

import re
from typing import Any

from starlette.requests import Request

from storyline.query import Filters
from storyline.web import params
from storyline.web.site import Site
from storyline.web.stories import story_row

# Article hits per page: each costs a join and an FTS5 snippet (~0.16 ms; 50 a page made the
# snippets a quarter of a search's cost on the 100,000-article bench), and readers look at
# the first few; ``?page=`` has the next ones.
HITS_PER_PAGE = 20
# Entities an entity hit lists (most mentioned first), and its newest stories shown (the
# story list's ``?entity=`` has them all).
ENTITIES_SHOWN = 10
ENTITY_STORIES = 20
# Mentions counted per entity before the page says "10,000+": counting stops there, so a
# name in every other article answers as fast as a rare one (issue 9 §5).
MENTIONS_COUNTED = 10_000
_HIT = re.compile(r"\[([^\[\]]*)\]")


def snippet_parts(snippet: str) -> list[dict[str, Any]]:
    """A search snippet (hits in ``[...]``) as parts ``{"text", "hit"}`` to escape one by one."""
    parts: list[dict[str, Any]] = []
    at = 0
    for m in _HIT.finditer(snippet):
        if m.start() > at:
            parts.append({"text": snippet[at : m.start()], "hit": False})
        parts.append({"text": m[1], "hit": True})
        at = m.end()
    if at < len(snippet):
        parts.append({"text": snippet[at:], "hit": False})
    return parts


def search_page(site: Site, request: Request) -> dict[str, Any]:
    """``/search?q=``: article hits (best first, ``HITS_PER_PAGE`` a page) and the entities of
    that name."""
    q = params.text(request, "q")
    page = params.page(request)
    out: dict[str, Any] = {
        "q": q,
        "articles": [],
        "entities": [],
        "stories": [],
        "page": page,
        "per_page": HITS_PER_PAGE,
        "has_next": False,
    }
    if q is None:
        return out
    ws = site.workspace()
    # one more tells whether there is a next page
    found = ws.search(q, limit=HITS_PER_PAGE + 1, offset=(page - 1) * HITS_PER_PAGE)
    hits = found[:HITS_PER_PAGE]
    out["has_next"] = len(found) > HITS_PER_PAGE
    out["articles"] = [
        {
            "id": a.id,
            "title": a.title,
            "site": a.site,
            "lang": a.lang,
            "published": a.published_iso,
            "story_id": a.story_id,
            "snippet": snippet,
            "snippet_parts": snippet_parts(snippet),
        }
        for a, snippet in hits
    ]
    ids = ws.entity_ids(q)
    if ids:
        counts = ws.store.entity_counts(ids, MENTIONS_COUNTED)[:ENTITIES_SHOWN]
        out["entities"] = [c.to_dict() for c in counts]
        newest = Filters(entities=tuple(ids), order="newest", limit=ENTITY_STORIES)
        out["stories"] = [story_row(s) for s in ws.find_stories(newest, members=False)]
    return out
