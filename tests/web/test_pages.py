"""The HTML pages of ``storyline serve``, in-process: what each page shows, that scraped text
is shown and never obeyed (no markup, no script, no link that is not http(s)), and the pure
building blocks behind them (timeline layout, marked text, URLs, languages, caches)."""

from __future__ import annotations

import threading
import time
from datetime import date
from pathlib import Path
from urllib.parse import quote

import pytest
from starlette.testclient import TestClient
from tests.web.fixtures_api import IMG, SCRIPT, SVG, api_db, audit, client, seeds_story

from storyline.records import Article, DateMention, EntityMention
from storyline.web import params, svg
from storyline.web.articles import original, segments
from storyline.web.search import snippet_parts
from storyline.web.site import Cache

__all__ = ["api_db", "client", "seeds_story"]  # fixtures, used by name


def _page(c: TestClient, url: str, status: int = 200) -> str:
    r = c.get(url)
    assert r.status_code == status, (url, r.text[:300])
    assert r.headers["content-type"].startswith("text/html")
    problems = audit(r.text)
    assert not problems, (url, problems)
    for payload in (SCRIPT, IMG, SVG, "<b onmouseover", '<p style="color:red">'):
        assert payload not in r.text, (url, payload)
    return r.text


@pytest.mark.data
def test_every_page_is_safe_and_answers(client: TestClient, seeds_story: str) -> None:
    story = client.get(f"/stories/{seeds_story}.json").json()
    urls = [
        "/",
        "/?sort=biggest&hl=ru",
        "/?entity=Макрон",
        f"/stories/{seeds_story}",
        f"/stories/{seeds_story}/compare",
        "/search?q=Macron",
        "/search?q=Макрон",
        "/search?q=alert",
        "/search",
        "/articles/hostile-1",
        "/articles/hostile-2",
        *(f"/articles/{quote(a['id'], safe='')}" for a in story["articles"]),
    ]
    for s in client.get("/stories.json").json()["stories"]:
        urls.append(f"/stories/{s['id']}")
    for url in urls:
        _page(client, url)


@pytest.mark.data
def test_hostile_text_is_shown_escaped(client: TestClient) -> None:
    html = _page(client, "/articles/hostile-1")
    assert "&lt;script&gt;alert(&#34;title&#34;)&lt;/script&gt;" in html
    assert "&lt;svg/onload=alert(2)&gt;" in html
    # Its javascript: URL is shown as text, never as a link.
    assert "javascript:alert(document.domain)" in html
    assert 'href="javascript' not in html.replace(" ", "")
    listing = _page(client, "/search?q=Quiet")
    assert "\u202e" in listing or "Quiet day" in listing
    error = _page(client, "/stories/%3Cscript%3Ealert(1)", 404)
    assert "no story &#39;&lt;script&gt;alert(1)&#39;" in error


@pytest.mark.data
def test_story_list_page(client: TestClient) -> None:
    html = _page(client, "/?hl=ru")
    assert "Банк Англии" in html and "Kestrel" in html
    assert 'rel="next"' not in html
    assert "No story matches" in _page(client, "/?lang=xx")


@pytest.mark.data
def test_story_page_has_the_timeline_chart(client: TestClient, seeds_story: str) -> None:
    data = client.get(f"/stories/{seeds_story}.json").json()
    html = _page(client, f"/stories/{seeds_story}")
    chart = html[html.index('<svg class="timeline"') : html.index("</svg>")]
    assert chart.count("<circle") == len(data["timeline"])
    planned = [e for e in data["timeline"] if e["planned"]]
    assert chart.count('class="event planned') == len(planned)
    assert planned and "PLANNED" in chart
    assert "Compare sources" in html and f"/stories/{seeds_story}/compare" in html
    assert "Putin" in html and "Moscow" in html


@pytest.mark.data
def test_compare_page_matrix(client: TestClient, seeds_story: str) -> None:
    data = client.get(f"/stories/{seeds_story}/compare.json").json()
    html = _page(client, f"/stories/{seeds_story}/compare")
    table = html[html.index('<table class="matrix">') : html.index("</table>")]
    cells = sum(len({s["article"] for s in f["statements"]}) for f in data["facts"])
    assert table.count('<td class="cell yes">') == cells
    assert table.count("<details>") == cells and table.count("<summary") == cells
    blanks = len(data["facts"]) * len(data["articles"]) - cells
    assert table.count('<td class="cell no"') == blanks
    assert "Only here" in html


@pytest.mark.data
def test_article_page_marks_and_original(client: TestClient, seeds_story: str) -> None:
    first = client.get(f"/stories/{seeds_story}.json").json()["articles"][0]["id"]
    html = _page(client, f"/articles/{first}")
    assert '<mark class="m-entity per"' in html and '<mark class="m-date' in html
    assert "<pre>" in html and "Why it is in its story" in html and "threshold" in html


# -- building blocks ----------------------------------------------------------------------


def test_timeline_layout_breaks_long_silences() -> None:
    def event(value: str, planned: bool = False) -> dict[str, object]:
        return {
            "date": value,
            "planned": planned,
            "text": "x " * 200,
            "articles": ["a", "b"],
            "languages": ["en"],
        }

    chart = svg.timeline_chart(
        [event("1997"), event("2022-01-28"), event("2022-02-07", True)], {"a": "A", "b": "B"}
    )
    kinds = [r["kind"] for r in chart["rows"]]
    assert kinds == ["event", "gap", "event", "event"]
    assert chart["rows"][1]["label"] == "25 years later"
    assert chart["rows"][3]["planned"] and chart["rows"][3]["date_label"] == "7 Feb 2022"
    assert len(chart["rows"][0]["text"]) == svg.TEXT_CHARS
    assert chart["rows"][0]["meta"].startswith("2 sources: A, B")
    ys = [r["y"] for r in chart["rows"]]
    assert ys == sorted(ys) and chart["height"] > ys[-1]
    assert chart["shown"] == chart["total"] == 3


def test_timeline_layout_draws_the_most_reported_events() -> None:
    many = [
        {
            "date": f"2022-01-{1 + i % 28:02d}",
            "planned": False,
            "text": f"event {i}",
            "articles": ["a"] * (1 + (i % 5 == 0)),
            "languages": [],
        }
        for i in range(svg.CHART_EVENTS * 2)
    ]
    chart = svg.timeline_chart(many, {})
    drawn = [r["text"] for r in chart["rows"] if r["kind"] == "event"]
    assert chart["total"] == len(many) and chart["shown"] == len(drawn) == svg.CHART_EVENTS
    shared = [f"event {i}" for i in range(len(many)) if i % 5 == 0]
    assert set(shared) <= set(drawn)  # every event of two articles is drawn
    assert drawn == [t for t in (e["text"] for e in many) if t in drawn]  # in date order


@pytest.mark.parametrize(
    ("value", "label", "day"),
    [
        ("2022-01-28", "28 Jan 2022", date(2022, 1, 28)),
        ("2021-12", "Dec 2021", date(2021, 12, 1)),
        ("2022-W04", "week 4, 2022", date(2022, 1, 24)),
        ("1997", "1997", date(1997, 1, 1)),
        ("--01-28", "28 Jan (year?)", None),
        ("--13", "--13", None),
        ("2022-13-01", "2022-13-01", None),
    ],
)
def test_date_labels(value: str, label: str, day: date | None) -> None:
    assert svg.date_label(value) == label
    assert svg.day_of(value) == day


def _article(text: str, **kwargs: object) -> Article:
    return Article(
        "a1",
        "sha",
        "src",
        "T",
        tuple(text.split("\n\n")),
        lang="en",
        **kwargs,  # type: ignore[arg-type]
    )


def test_segments_cover_the_text_exactly() -> None:
    text = "Putin met Macron.\n\nOn 7 February they meet <b>again</b>."
    people = (
        EntityMention("Putin", 0, 5, "PER", "per:putin", "Putin"),
        EntityMention("Macron", 10, 16, "PER", "per:macron", "Macron"),
        EntityMention("Macro", 10, 15, "PER", "per:x", "overlap, dropped"),
        EntityMention("wrong", 2, 7, "PER", "per:y", "offsets that do not match: dropped"),
    )
    when = (DateMention("7 February", 22, 32, "2022-02-07", "day", planned=True),)
    parts = segments(_article(text, entities=people, dates=when))
    assert ["".join(s["text"] for s in p) for p in parts] == text.split("\n\n")
    marked = [(s["text"], s["kind"]) for p in parts for s in p if s["kind"]]
    assert marked == [("Putin", "entity"), ("Macron", "entity"), ("7 February", "date")]
    assert parts[1][1]["planned"] is True


def test_original_reads_files_lines_and_nothing_else(tmp_path: Path) -> None:
    page = tmp_path / "page.html"
    page.write_bytes(b"<p>caf\xe9</p>")
    assert original(str(page))["text"] == "<p>caf\ufffd</p>"  # type: ignore[index]
    lines = tmp_path / "a.jsonl"
    lines.write_text('{"id": 1}\n{"id": 2}\n', encoding="utf-8")
    assert original(f"{lines}:2") == {
        "path": str(lines),
        "line": 2,
        "text": '{"id": 2}\n',
        "truncated": False,
    }
    assert original(f"{page}#item-1")["text"].startswith("<p>")  # type: ignore[index]
    assert original(str(tmp_path / "gone.html")) is None
    assert original(str(tmp_path)) is None  # a directory
    big = tmp_path / "big.txt"
    big.write_bytes(b"x" * (300 * 1024))
    read = original(str(big))
    assert read is not None and read["truncated"] and len(read["text"]) == 256 * 1024


@pytest.mark.parametrize(
    ("url", "link"),
    [
        ("https://example.com/a?b=1", "https://example.com/a?b=1"),
        ("HTTP://EXAMPLE.COM/", "HTTP://EXAMPLE.COM/"),
        ("javascript:alert(1)", None),
        ("JaVaScRiPt:alert(1)", None),
        ("java\nscript:alert(1)", None),
        (" https://example.com", None),
        ("data:text/html,<script>alert(1)</script>", None),
        ("//evil.example/x", None),
        ("/relative", None),
        ("https:///nohost", None),
        ("https://exa mple.com", None),
        ("https://example.com/\u0085", None),
        (None, None),
    ],
)
def test_only_http_urls_become_links(url: str | None, link: str | None) -> None:
    assert params.safe_url(url) == link


@pytest.mark.parametrize(
    ("url", "site", "country"),
    [
        ("https://lenta.ru/news/1", None, "RU"),
        ("https://www.bbc.co.uk/news", "BBC", "GB"),
        ("https://www.reuters.com/x", "reuters.com", None),
        (None, "spiegel.de", "DE"),
        (None, "Le Monde", None),
        ("https://techcrunch.io/x", None, None),
        ("https://x.example/y", None, None),
    ],
)
def test_country_of_an_outlet(url: str | None, site: str | None, country: str | None) -> None:
    assert params.country_of(url, site) == country


def test_snippet_parts() -> None:
    parts = snippet_parts("…before [Macron] and [Putin] <b>")
    assert [(p["text"], p["hit"]) for p in parts] == [
        ("…before ", False),
        ("Macron", True),
        (" and ", False),
        ("Putin", True),
        (" <b>", False),
    ]


def test_cache_computes_each_key_once_under_concurrency() -> None:
    cache: Cache[int] = Cache(2)
    calls: list[str] = []
    gate = threading.Event()

    def slow(key: str) -> int:
        gate.wait(5)
        calls.append(key)
        return len(calls)

    threads = [threading.Thread(target=cache.get, args=("a", lambda: slow("a"))) for _ in range(8)]
    for t in threads:
        t.start()
    gate.set()
    for t in threads:
        t.join(5)
    assert calls == ["a"] and cache.get("a", lambda: -1) == 1


def test_cache_keeps_what_is_costly_to_make_again() -> None:
    cache: Cache[int] = Cache(3)
    cache.put("big", 0, cost=30.0)  # a big story's timeline, made in the background
    for i in range(1_000):  # a stream of cheap pages, each asked once
        cache.put(i, i, cost=0.005)
    assert cache.peek("big") == 0 and len(cache) == 3
    # equal costs: the least recently used goes first
    cache.put("a", 1, cost=0.005)
    cache.put("b", 2, cost=0.005)
    assert cache.peek("a") == 1  # a use: "b" is now the older one
    cache.put("c", 3, cost=0.005)
    assert cache.peek("b") is None and cache.peek("a") == 1 and cache.peek("big") == 0
    # a value computed by get() is timed: a slow one outlives fast ones
    cache.get("slow", lambda: (time.sleep(0.05), 4)[1])
    for i in range(100):
        cache.get(("fast", i), lambda: 5)
    assert cache.get("slow", lambda: -1) == 4


def test_cache_of_pages_is_bounded_in_bytes() -> None:
    pages: Cache[bytes] = Cache(1_000, weigh=len)
    pages.put("big", b"x" * 600, cost=0.01)
    pages.put("small", b"x" * 100, cost=0.01)
    pages.put("other", b"x" * 400, cost=0.01)  # 1,100 bytes: the big one has the least per byte
    assert pages.peek("big") is None and len(pages) == 2
    pages.put("small", b"x" * 900, cost=0.01)  # the same key again weighs only its new value
    assert pages.peek("small") == b"x" * 900 and pages.peek("other") is None
