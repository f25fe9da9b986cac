"""The JSON API of ``storyline serve``, in-process: every route, its filters, its errors and
its headers, over a workspace the real CLI made (seeds, sample pages, hostile records)."""

from __future__ import annotations

import time
from dataclasses import replace
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from starlette.testclient import TestClient
from tests.web.fixtures_api import HOSTILE, JS_URL, api_db, client, seeds_story

import storyline
from storyline.query import Filters
from storyline.web.security import CONTENT_SECURITY_POLICY

__all__ = ["api_db", "client", "seeds_story"]  # fixtures, used by name

pytestmark = pytest.mark.data

# The background worker is a fresh process: it loads the encoder and the NER models first.
BACKGROUND_SECONDS = 240


def _ok(c: TestClient, url: str, **kwargs: Any) -> Any:
    r = c.get(url, **kwargs)
    assert r.status_code == 200, (url, r.text[:500])
    assert r.headers["content-type"].startswith("application/json")
    return r.json()


def _error(c: TestClient, url: str, status: int, **kwargs: Any) -> str:
    r = c.get(url, **kwargs)
    assert r.status_code == status, (url, r.text[:500])
    body = r.json()
    assert body["ok"] is False and body["status"] == status and body["error"], body
    return str(body["error"])


def test_story_list_rows_and_pages(client: TestClient) -> None:
    data = _ok(client, "/stories.json")
    assert data["sort"] == "newest" and data["page"] == 1 and data["per_page"] == 50
    assert data["has_next"] is False
    rows = data["stories"]
    assert len(rows) >= 5
    for row in rows:
        assert {"id", "title", "display_title", "size", "independent", "languages"} <= set(row)
        assert {"sources", "first_date", "last_date"} <= set(row)
        assert "articles" not in row  # a listing row: member ids are on the story page
    dated = [r["last_date"] or r["first_date"] for r in rows if r["last_date"] or r["first_date"]]
    assert dated == sorted(dated, reverse=True)  # newest first
    biggest = _ok(client, "/stories.json?sort=biggest")["stories"]
    assert [r["size"] for r in biggest] == sorted((r["size"] for r in biggest), reverse=True)
    assert biggest[0]["size"] == 4  # the Kestrel launch in de, en, es, fr
    assert _ok(client, "/stories.json?page=2")["stories"] == []


def test_listing_rows_summarise_what_the_members_say(api_db: Path) -> None:
    """A listing reads one summary row per story (``members=False``); it must say what the
    stories' members say, reprints counted once."""
    with storyline.open(api_db, readonly=True) as ws:
        for order in ("newest", "size"):
            where = Filters(order=order, limit=None)
            full = ws.find_stories(where)
            rows = ws.find_stories(where, members=False)
            assert [s.id for s in rows] == [s.id for s in full] and len(full) >= 5
            for row, story in zip(rows, full, strict=True):
                assert row.articles == () and story.articles
                assert replace(row, articles=story.articles) == story


def test_story_list_filters(client: TestClient) -> None:
    ru = _ok(client, "/stories.json?lang=ru")["stories"]
    assert ru and all("ru" in r["languages"] for r in ru)
    site = _ok(client, "/stories.json", params={"site": "neue isar-zeitung"})["stories"]
    assert [r["size"] for r in site] == [4]
    late = _ok(client, "/stories.json?since=2022-02-04")["stories"]
    assert late and all((r["last_date"] or "") >= "2022-02-04" for r in late)
    early = _ok(client, "/stories.json?until=2022-02-01")["stories"]
    assert early and all((r["first_date"] or "9") <= "2022-02-01T23:59:59+00:00" for r in early)
    # An entity by its name in another script: Макрон is Macron.
    macron = _ok(client, "/stories.json", params={"entity": "Макрон"})
    assert macron["entity_ids"] and macron["stories"]
    assert any("Russia" in r["title"] for r in macron["stories"])
    nobody = _ok(client, "/stories.json", params={"entity": "Nobody Atall"})
    assert nobody["stories"] == [] and nobody["entity_ids"] == []


def test_titles_in_the_readers_language(client: TestClient) -> None:
    def bank(data: dict[str, Any]) -> dict[str, Any]:
        return next(r for r in data["stories"] if "ru" in r["languages"])

    assert bank(_ok(client, "/stories.json?hl=ru"))["display_title"].startswith("Банк Англии")
    header = {"Accept-Language": "ru-RU,ru;q=0.9,en;q=0.8"}
    assert bank(_ok(client, "/stories.json", headers=header))["display_title"].startswith("Банк")
    english = bank(_ok(client, "/stories.json?hl=en", headers=header))  # ?hl= wins
    assert english["display_title"].startswith("Bank of England")
    # A language the story has no article in: its own title.
    assert bank(_ok(client, "/stories.json?hl=ja"))["display_title"] == english["title"]


def test_bad_input_is_400_with_the_error_shape(client: TestClient) -> None:
    assert "ISO 8601" in _error(client, "/stories.json?since=yesterday", 400)
    assert "page" in _error(client, "/stories.json?page=0", 400)
    assert "sort" in _error(client, "/stories.json?sort=random", 400)
    assert "hl" in _error(client, "/stories.json?hl=%3Cscript%3E", 400)
    assert "quote" in _error(client, '/search.json?q="unbalanced', 400)


def test_unknown_ids_are_404(client: TestClient) -> None:
    assert "no story" in _error(client, "/stories/zzz-nope.json", 404)
    assert "no story" in _error(client, "/stories/zzz-nope/compare.json", 404)
    assert "no article" in _error(client, "/articles/zzz-nope.json", 404)
    # Any request that asks for JSON gets the JSON shape, also on a page route or no route.
    _error(client, "/stories/zzz-nope", 404, headers={"Accept": "application/json"})
    _error(client, "/no/such/route", 404, headers={"Accept": "application/json"})


def test_story_page_data(client: TestClient, seeds_story: str, api_db: Path) -> None:
    data = _ok(client, f"/stories/{seeds_story[:6]}.json")  # a unique prefix works
    assert data["story"]["id"] == seeds_story and data["story"]["size"] == 2
    with storyline.open(api_db, create=False, readonly=True) as ws:
        events = [e.to_dict() for e in ws.timeline(seeds_story)]
        members = [a.id for a in ws.articles(seeds_story)]
    assert data["timeline"] == events and events
    assert len([r for r in data["chart"]["rows"] if r["kind"] == "event"]) == len(events)
    assert [a["id"] for a in data["articles"]] == members
    grouped = [a["id"] for g in data["sources"] for a in g["articles"]]
    assert sorted(grouped) == sorted(members)
    names = {e["name"] for e in data["entities"]}
    assert {"Putin", "Macron"} <= names
    assert "Moscow" in {p["name"] for p in data["places"]}
    # The JSON is the page's data: the same URL asking for JSON gets the same object.
    same = _ok(client, f"/stories/{seeds_story}", headers={"Accept": "application/json"})
    assert same == data | {"display_title": same["display_title"], "hl": None}


def test_compare_is_the_librarys_comparison(
    client: TestClient, seeds_story: str, api_db: Path
) -> None:
    data = _ok(client, f"/stories/{seeds_story}/compare.json")
    with storyline.open(api_db, create=False, readonly=True) as ws:
        assert data == ws.compare(seeds_story).to_dict()
    assert len(data["articles"]) == 2 and data["facts"]
    assert any(len(f["sources"]) == 2 for f in data["facts"])  # something both state
    assert _ok(client, f"/stories/{seeds_story}/compare.json") == data  # cached, the same


def test_big_stories_are_computed_in_the_background(
    api_db: Path, seeds_story: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Past ``SYNC_STORY_ARTICLES`` / ``SYNC_COMPARE_ARTICLES`` a story page and its comparison
    answer at once with ``pending`` (the HTML saying so and polling its JSON twin), and the
    worker process's result, once ready, is the library's."""
    from storyline.web import create_app, stories

    monkeypatch.setattr(stories, "SYNC_STORY_ARTICLES", 1)
    monkeypatch.setattr(stories, "SYNC_COMPARE_ARTICLES", 1)
    with TestClient(create_app(api_db)) as c:  # a fresh app: nothing cached yet
        first = _ok(c, f"/stories/{seeds_story}/compare.json")
        assert first == {"story": seeds_story, "pending": True, "size": 2}
        page = c.get(f"/stories/{seeds_story}/compare")
        assert page.status_code == 200 and 'id="pending"' in page.text
        assert f'data-poll="/stories/{seeds_story}/compare.json"' in page.text
        assert _ok(c, f"/stories/{seeds_story}.json")["pending"] is True
        found: dict[str, Any] = {}
        deadline = time.monotonic() + BACKGROUND_SECONDS
        while time.monotonic() < deadline and not found:
            data = _ok(c, f"/stories/{seeds_story}/compare.json")
            found = {} if data.get("pending") else data
            time.sleep(0.5)
        assert found, f"no comparison within {BACKGROUND_SECONDS} s"
        while _ok(c, f"/stories/{seeds_story}.json")["pending"]:
            assert time.monotonic() < deadline, "no story page data in time"
            time.sleep(0.5)
        story = _ok(c, f"/stories/{seeds_story}.json")
    with storyline.open(api_db, create=False, readonly=True) as ws:
        assert found == ws.compare(seeds_story).to_dict()
        assert [a["id"] for a in story["articles"]] == [a.id for a in ws.articles(seeds_story)]


def test_article_page_data(client: TestClient, seeds_story: str) -> None:
    story = _ok(client, f"/stories/{seeds_story}.json")
    first = story["articles"][0]["id"]
    data = _ok(client, f"/articles/{first}.json")
    a = data["article"]
    assert a["id"] == first and a["story_id"] == seeds_story
    # The segments are the clean text, cut at the mentions: nothing lost, nothing added.
    assert "\n\n".join("".join(s["text"] for s in p) for p in data["segments"]) == a["text"]
    kinds = {s["kind"] for p in data["segments"] for s in p}
    assert {"entity", "date", None} <= kinds
    assert data["original"] is not None and "Macron" in data["original"]["text"]
    assert data["why"] is not None
    assert data["why"]["threshold"] > 0 and 0 <= data["why"]["score"] <= 1
    assert data["why"]["contributions"]


def test_article_ids_that_are_urls(client: TestClient) -> None:
    # A feed item's id is its link: slashes and all, escaped into the path.
    rows = _ok(client, "/search.json", params={"q": "Standard"})["articles"]
    item = next(r["id"] for r in rows if r["id"].startswith("https://"))
    data = _ok(client, "/articles/" + quote(item, safe="") + ".json")
    assert data["article"]["id"] == item and data["link"] == item
    assert client.get("/articles/" + quote(item, safe="")).status_code == 200


def test_hostile_urls_never_become_links(client: TestClient) -> None:
    for record in HOSTILE:
        data = _ok(client, f"/articles/{record['id']}.json")
        assert data["article"]["url"] == record["url"]  # kept exactly, as data
        assert data["link"] is None
    assert _ok(client, "/articles/hostile-1.json")["article"]["title"].startswith("<script>")
    assert JS_URL not in client.get("/articles/hostile-1").text.split('href="')[1:]


def test_search_text_and_entity_names(client: TestClient, seeds_story: str) -> None:
    data = _ok(client, "/search.json?q=Macron")
    assert data["q"] == "Macron" and data["articles"]
    hit = data["articles"][0]
    assert hit["snippet_parts"] and any(p["hit"] for p in hit["snippet_parts"])
    assert "".join(p["text"] for p in hit["snippet_parts"]) == hit["snippet"].replace(
        "[", ""
    ).replace("]", "")
    cyrillic = _ok(client, "/search.json", params={"q": "Макрон"})
    assert "Macron" in {e["name"] for e in cyrillic["entities"]}
    assert seeds_story in {s["id"] for s in cyrillic["stories"]}
    empty = {"q": None, "articles": [], "entities": [], "stories": [], "page": 1}
    assert _ok(client, "/search.json") == empty | {"per_page": 20, "has_next": False}


def test_search_pages_are_slices_of_one_ranking(
    client: TestClient, api_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from storyline.web import search
    from storyline.workspace import Workspace

    monkeypatch.setattr(search, "HITS_PER_PAGE", 2)  # the fixture's few hits, on pages
    with Workspace(api_db, create=False, readonly=True) as ws:
        ranked = [a.id for a, _ in ws.search("the", limit=100)]
    assert len(ranked) > 4
    first = _ok(client, "/search.json", params={"q": "the"})
    second = _ok(client, "/search.json", params={"q": "the", "page": 2})
    assert first["has_next"] and (first["page"], second["page"]) == (1, 2)
    assert [h["id"] for h in first["articles"]] == ranked[:2]
    assert [h["id"] for h in second["articles"]] == ranked[2:4]
    assert second["has_next"] == (len(ranked) > 4)
    html = client.get("/search", params={"q": "the", "page": 2}).text
    assert 'rel="prev"' in html and "page=1" in html and 'rel="next"' in html
    assert "page must be a whole number" in _error(client, "/search.json?q=the&page=0", 400)


def test_openapi_schema_names_every_json_route(client: TestClient, seeds_story: str) -> None:
    schema = _ok(client, "/openapi.json")
    assert schema["openapi"].startswith("3.")
    paths = set(schema["paths"])
    assert paths == {
        "/stories.json",
        "/stories/{story_id}.json",
        "/stories/{story_id}/compare.json",
        "/articles/{article_id}.json",
        "/search.json",
    }
    refs = {
        op["responses"]["200"]["content"]["application/json"]["schema"]["$ref"].split("/")[-1]
        for item in schema["paths"].values()
        for op in item.values()
    }
    assert refs <= set(schema["components"]["schemas"])
    story = _ok(client, f"/stories/{seeds_story}.json")
    for key in schema["components"]["schemas"]["StoryPage"]["properties"]:
        assert key in story


@pytest.mark.parametrize(
    "url",
    ["/", "/stories.json", "/search?q=Macron", "/static/style.css", "/openapi.json", "/nope"],
)
def test_security_headers_on_every_response(client: TestClient, url: str) -> None:
    r = client.get(url)
    assert r.headers["content-security-policy"] == CONTENT_SECURITY_POLICY
    assert "script-src 'self'" in CONTENT_SECURITY_POLICY
    assert "'unsafe-inline'" not in CONTENT_SECURITY_POLICY
    assert r.headers["x-content-type-options"] == "nosniff"
    assert r.headers["referrer-policy"] == "no-referrer"
    assert r.headers["x-frame-options"] == "DENY"


def test_the_app_opens_the_workspace_read_only(api_db: Path, tmp_path: Path) -> None:
    from storyline.errors import WorkspaceMissing
    from storyline.web import create_app

    app = create_app(api_db)
    assert app.state.site.workspace().store.readonly
    with pytest.raises(WorkspaceMissing):
        create_app(tmp_path / "missing.db")
    assert not (tmp_path / "missing.db").exists()
