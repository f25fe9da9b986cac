"""The story list, the story page and the comparison of a story's sources (their data).

Each view returns JSON-ready data; ``respond.twin`` renders it as a page or returns it as the
JSON twin. The story page's heavy part (timeline, entities, sources) and the comparison are
cached per story and data version (``site.Site``).
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from starlette.requests import Request

from storyline.query import Filters, bound
from storyline.records import Article, Comparison, Story
from storyline.web import params
from storyline.web.params import PAGE_SIZE
from storyline.web.site import Site
from storyline.web.svg import timeline_chart
from storyline.workspace import Workspace


def story_row(story: Story, title: str | None = None) -> dict[str, Any]:
    """A story as one row of a listing: its record without the member ids."""
    row = story.to_dict()
    row.pop("articles")
    row["display_title"] = title or story.title
    return row


def story_list(site: Site, request: Request) -> dict[str, Any]:
    """``/``: the newest (or biggest) stories, 50 a page, filtered."""
    ws = site.workspace()
    page, sort = params.page(request), params.sort(request)
    filters = {k: params.text(request, k) for k in ("since", "until", "lang", "site", "entity")}
    entity = filters["entity"]
    entities = None if entity is None else ws.entity_ids(entity)
    where = Filters(
        lang=filters["lang"],
        site=filters["site"],
        since=bound(filters["since"]),
        until=bound(filters["until"], end=True),
        limit=PAGE_SIZE + 1,  # one more tells whether there is a next page
        order=params.SORTS[sort],
        offset=(page - 1) * PAGE_SIZE,
        entities=None if entities is None else tuple(entities),
    )
    found = ws.find_stories(where, members=False)
    shown = found[:PAGE_SIZE]
    hl = params.reader_language(request)
    titles = ws.store.titles_in([s.id for s in shown], hl) if hl else {}
    return {
        "stories": [story_row(s, titles.get(s.id)) for s in shown],
        "page": page,
        "per_page": PAGE_SIZE,
        "has_next": len(found) > PAGE_SIZE,
        "sort": sort,
        "hl": hl,
        "filters": filters,
        "entity_ids": entities,
    }


# Stories up to this many articles get their page data (the timeline runs NER on every title)
# within the request: about 20 ms cold on the 100,000-article bench (bench/web.py); a bigger
# one is computed in the background while its page says so (400 articles: ~35 s).
SYNC_STORY_ARTICLES = 60
# Stories up to this many articles are compared within the request (a few hundred ms with
# stored sentence vectors); a bigger one (up to ``compare.MAX_ARTICLES`` sources, seconds) in
# the background worker, its page saying so: a request thread of the server is not held for
# seconds (each process has ``web.app.REQUEST_THREADS`` of them).
SYNC_COMPARE_ARTICLES = 12
# Characters of a title standing in for an article's outlet when it has no site.
LABEL_CHARS = 48


def label(a: Article) -> str:
    """How an article is named where its outlet is meant: its site, else its title (cut)."""
    if a.site:
        return a.site
    title = " ".join(a.title.split())
    return (title if len(title) <= LABEL_CHARS else title[: LABEL_CHARS - 1] + "…") or a.id


def article_row(a: Article) -> dict[str, Any]:
    """An article as one row of a story's listing."""
    return {
        "id": a.id,
        "title": a.title,
        "site": a.site,
        "lang": a.lang,
        "published": a.published_iso,
        "url": a.url,
        "link": params.safe_url(a.url),
        "country": params.country_of(a.url, a.site),
        "copy_of": a.copy_of,
        "label": label(a),
    }


def _sources(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Articles grouped by language, then by the outlet's country (None last)."""
    groups: dict[tuple[str, str], list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        groups[(row["lang"] or "", row["country"] or "")].append(row)
    return [
        {"lang": lang or None, "country": country or None, "articles": members}
        for (lang, country), members in sorted(
            groups.items(), key=lambda kv: (kv[0][0] == "", kv[0][0], kv[0][1] == "", kv[0][1])
        )
    ]


def _story_data(ws: Workspace, story: Story) -> dict[str, Any]:
    """The cached part of a story page: everything but the reader's language."""
    articles = ws.articles(story.id)
    events = [e.to_dict() for e in ws.timeline(story.id, members=articles)]
    entities = [e.to_dict() for e in ws.entities(story.id)]
    rows = [article_row(a) for a in articles]
    labels = {r["id"]: r["label"] for r in rows}
    return {
        "story": story.to_dict(),
        "timeline": events,
        "chart": timeline_chart(events, labels),
        "entities": [e for e in entities if e["type"] != "LOC"],
        "places": [e for e in entities if e["type"] == "LOC"],
        "sources": _sources(rows),
        "articles": rows,
    }


_APART: dict[str, Workspace] = {}


def _apart(path: str) -> Workspace:
    """The worker process's own read-only workspace of ``path`` (``Site.soon`` jobs)."""
    if path not in _APART:
        _APART[path] = Workspace(path, create=False, readonly=True)
    return _APART[path]


def story_data_apart(path: str, story_id: str) -> dict[str, Any]:
    """``_story_data`` in the worker process (``Site.soon``)."""
    ws = _apart(path)
    return _story_data(ws, ws.story(story_id))


def story_page(site: Site, request: Request) -> dict[str, Any]:
    """``/stories/{id}``: timeline, sources by language and country, entities, articles. A
    story of more than ``SYNC_STORY_ARTICLES`` articles not computed yet answers at once with
    ``pending`` true (and only the story record): its data is computed in the background."""
    ws = site.workspace()
    story = ws.story(request.path_params["story_id"])
    key = (story.id, site.data_version())
    hl = params.reader_language(request)
    if story.size <= SYNC_STORY_ARTICLES:
        data = site.stories.get(key, lambda: _story_data(ws, story))
    else:
        ready = site.soon(site.stories, key, story_data_apart, str(site.path), story.id)
        if ready is None:
            return {"story": story.to_dict(), "pending": True, "display_title": story.title}
        data = ready
    title = story.title
    if hl:
        title = next((a["title"] for a in data["articles"] if a["lang"] == hl), title)
    return data | {"display_title": title, "hl": hl, "pending": False}


def compare_page(site: Site, request: Request) -> dict[str, Any]:
    """``/stories/{id}/compare``: ``Comparison.to_dict()`` — facts × sources. A story of more
    than ``SYNC_COMPARE_ARTICLES`` articles not compared yet answers at once with ``story``
    and ``pending`` true: it is compared in the background."""
    story = site.workspace().story(request.path_params["story_id"])
    key = (story.id, site.data_version())
    if story.size > SYNC_COMPARE_ARTICLES:
        ready = site.soon(site.comparisons, key, compare_apart, str(site.path), story.id)
        if ready is None:
            return {"story": story.id, "pending": True, "size": story.size}
        return ready.to_dict()

    def compute() -> Any:
        return site.with_encoder().compare(story.id)

    comparison = site.comparisons.get(key, compute)
    return comparison.to_dict()


def compare_apart(path: str, story_id: str) -> Comparison:
    """``Workspace.compare`` in the worker process (``Site.soon``)."""
    return _apart(path).compare(story_id)


def compare_extra(site: Site, data: dict[str, Any]) -> dict[str, Any]:
    """What the comparison page shows besides ``Comparison.to_dict()``: the story's title and
    each source's name and language (the JSON twin stays exactly the comparison)."""
    ws = site.workspace()
    story = ws.story(data["story"])
    if data.get("pending"):
        return {"title": story.title, "sources": {}}
    found = {a.id: a for a in ws.store.articles(ids=data["articles"])}
    sources = {
        i: {"label": label(a), "lang": a.lang, "title": a.title, "site": a.site}
        for i, a in found.items()
    }
    return {"title": story.title, "sources": sources}
