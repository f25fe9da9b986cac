"""Scraped text is untrusted: hostile pages, ingested by the real pipeline, in a real browser.

The pages are written here: ``<script>`` in the title and the text, ``<img onerror>``, SVG
``onload``, ``javascript:`` URLs (page URL, canonical link, og:url), payloads in the outlet
name, the author, the id, and next to entity names (NER takes one in: an entity called
``onerror="…``), template syntax and control characters. Every payload tries to set
``window.__pwned``, change ``document.title`` or open an ``alert``.

Each page of the app (list, story, compare, article, search — also a search *for* a payload)
is loaded in Chromium; none may run a payload, every payload must read as text, no injected
element or ``javascript:`` link may exist, the browser must report no Content-Security-Policy
violation (one would mean markup got through and only the CSP stopped it), and every response
carries the CSP and the other safety headers. The server binds 127.0.0.1 unless told otherwise.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import quote

import httpx
import pytest

import storyline

if TYPE_CHECKING:
    from selenium.webdriver.chrome.webdriver import WebDriver
    from tests.web.conftest import LiveServer

ROOT = Path(__file__).resolve().parents[2]
Serve = Callable[..., AbstractContextManager["LiveServer"]]
Shoot = Callable[["WebDriver", str], Path]

# What every payload does when it runs; TITLE is what it sets document.title to.
TITLE = "PWNED"
RUN = f"window.__pwned=1;document.title='{TITLE}';alert(1)"
SCRIPT = f"<script>{RUN}</script>"
IMG = f'<img src=x onerror="{RUN}">'
SVG = f'<svg onload="{RUN}"></svg>'
JS_URL = f"javascript:{RUN}"
TEMPLATE = "{{7*7}} ${7*7} {% raw %}"
BELL, ESC, NUL = "\x07", "\x1b", "\x00"

PAGE = """<!doctype html><html><head><meta charset="utf-8">
<title>Macron {script} meets Putin in Moscow</title>
<link rel="canonical" href="{js_url}">
<meta property="og:url" content="{js_url_attr}">
<meta property="og:site_name" content="Evil {img_attr} Times">
<meta name="author" content="{svg_attr}">
<meta property="article:published_time" content="2022-02-07T10:00:00+00:00">
</head><body><article>
<h1>Macron {script} meets Putin in Moscow</h1>
<p>President Emmanuel Macron{script_text} travelled to Moscow on Monday, February 7, 2022,
to meet Vladimir Putin{img_text} at the Kremlin for talks about security in Europe and the
situation at the border of Ukraine, officials in Paris said.</p>
<p>The two leaders spoke for more than five hours. An aide said {svg_text} that they would
meet again in Paris on February 20, 2022. {template} Control characters: bell{bell} escape{esc}[31m
red{esc}[0m and a right-to-left override \u202e end.</p>
<p>Officials in Berlin said on Tuesday that they welcomed the talks between Macron and Putin,
and that NATO would answer the Russian proposals in writing before the end of the month.</p>
</article></body></html>
"""


def _html_attr(text: str) -> str:
    return text.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;")


def _html_text(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


# A JSONL record gives every field verbatim: the id, URL and outlet name are payloads too.
RECORD = {
    "id": f"evil\"'>{IMG}",
    "url": JS_URL,
    "title": f"Putin {IMG} answers Macron",
    "text": (
        "Vladimir Putin told Emmanuel Macron on Monday, February 7, 2022, in Moscow that Russia "
        f"would study the proposals.</textarea></title>{SCRIPT}\n\n"
        f'The Kremlin said the talks with Macron in Moscow lasted five hours. <a href="{JS_URL}">'
        f"click</a> {TEMPLATE} {NUL}{ESC}[2J"
    ),
    "site": f'"><svg onload="{RUN}">',
    "published": "2022-02-07T20:00:00+00:00",
    "lang": "en",
}
# Visible text each kind of payload leaves on a page that shows it (escaped, not run).
VISIBLE = ("onerror=", "window.__pwned=1", "<img src=x")

# Lists every element carrying an event-handler attribute, javascript: link or inline script.
INJECTED_JS = """
const out = [];
for (const el of document.querySelectorAll('*')) {
  for (const a of el.attributes) {
    if (a.name.startsWith('on')) out.push(el.tagName + ' ' + a.name);
    if (/^\\s*javascript:/i.test(a.value) && ['href', 'src', 'action', 'formaction',
        'xlink:href'].includes(a.name)) out.push(el.tagName + ' ' + a.name + '=' + a.value);
  }
  if (el.tagName === 'SCRIPT' && !el.src) out.push('inline SCRIPT');
  if (el.tagName === 'IMG' && el.getAttribute('src') === 'x') out.push('IMG src=x');
}
return out;
"""


@pytest.fixture(scope="module")
def hostile_db(
    tmp_path_factory: pytest.TempPathFactory,
    run_cli: Callable[..., subprocess.CompletedProcess[str]],
) -> Path:
    folder = tmp_path_factory.mktemp("hostile")
    pages = folder / "pages"
    pages.mkdir()
    (pages / "evil.html").write_text(
        PAGE.format(
            script=SCRIPT,
            js_url=_html_attr(JS_URL),
            js_url_attr=_html_attr(JS_URL),
            img_attr=_html_attr(IMG),
            svg_attr=_html_attr(SVG),
            script_text=_html_text(SCRIPT),
            img_text=_html_text(IMG),
            svg_text=_html_text(SVG),
            template=TEMPLATE,
            bell=BELL,
            esc=ESC,
        ),
        encoding="utf-8",
    )
    (pages / "evil.jsonl").write_text(json.dumps(RECORD) + "\n", encoding="utf-8")
    db = folder / "hostile.db"
    result = run_cli(db, "ingest", "-q", str(pages))
    assert result.returncode == 0, result.stderr
    with storyline.open(db, create=False, readonly=True) as ws:
        assert len(ws.articles()) == 2, "both hostile documents must be stored"
    return db


@pytest.fixture(scope="module")
def hostile_server(hostile_db: Path, serve: Serve) -> Iterator[LiveServer]:
    with serve(hostile_db, hostile_db.with_name("serve.log")) as server:
        yield server


def _pages(db: Path) -> list[tuple[str, str]]:
    """(name, path) of every page that shows a hostile value."""
    pages = [("list", "/"), ("list-biggest", "/?sort=biggest")]
    with storyline.open(db, create=False, readonly=True) as ws:
        articles = ws.articles()
        for n, story in enumerate(ws.stories()):
            pages += [(f"story-{n}", f"/stories/{story.id}")]
            pages += [(f"compare-{n}", f"/stories/{story.id}/compare")]
        for n, article in enumerate(articles):
            pages += [(f"article-{n}", f"/articles/{quote(article.id, safe='')}")]
        names = {m.name for a in articles for m in a.entities}
    payload_entity = next((name for name in names if "onerror" in name or "<" in name), None)
    pages += [("search-macron", "/search?q=Macron"), ("search-cyrillic", "/search?q=Макрон")]
    # As typed it is not valid FTS5 syntax (a 400 page that echoes it); quoted, a phrase.
    pages += [("search-payload", "/search?q=" + quote(SCRIPT + IMG, safe=""))]
    pages += [("search-quoted", "/search?q=" + quote('"window.__pwned=1"', safe=""))]
    if payload_entity is not None:
        pages += [("search-entity", "/search?q=" + quote(payload_entity, safe=""))]
        pages += [("list-entity", "/?entity=" + quote(payload_entity, safe=""))]
    return pages


def _alert_text(driver: WebDriver) -> str | None:
    from selenium.common.exceptions import NoAlertPresentException

    try:
        alert = driver.switch_to.alert
    except NoAlertPresentException:
        return None
    text = str(alert.text)
    alert.dismiss()
    return text


def _console(driver: WebDriver) -> list[dict[str, object]]:
    """The browser console entries since the last call (Selenium's ``get_log`` is untyped)."""
    entries: list[dict[str, object]] = driver.get_log("browser")  # type: ignore[no-untyped-call]
    return entries


def _csp_violations(driver: WebDriver) -> list[str]:
    return [
        str(entry["message"])
        for entry in _console(driver)
        if "Content Security Policy" in str(entry.get("message", ""))
    ]


def test_no_payload_runs_on_any_page(
    driver: WebDriver, hostile_server: LiveServer, hostile_db: Path, shoot: Shoot
) -> None:
    from selenium.webdriver.common.by import By

    _console(driver)  # drop what earlier tests left
    shown: dict[str, str] = {}
    for name, path in _pages(hostile_db):
        driver.get(hostile_server.url + path)
        alert = _alert_text(driver)
        assert alert is None, f"{path}: an alert opened ({alert!r})"
        assert driver.execute_script("return typeof window.__pwned") == "undefined", path
        assert driver.title != TITLE, path
        assert driver.execute_script(INJECTED_JS) == [], path
        assert _csp_violations(driver) == [], path
        shown[path] = str(driver.find_element(By.TAG_NAME, "body").text)
        shoot(driver, f"hostile-{name}")
    # Each payload the app shows reads as text: somewhere, and on the article pages in full.
    everything = "\n".join(shown.values())
    for visible in VISIBLE:
        assert visible in everything, visible
    article_pages = [t for p, t in shown.items() if p.startswith("/articles/")]
    assert any(SCRIPT in " ".join(t.split()) or "<script>" in t for t in article_pages)
    assert any("<img src=x onerror=" in t for t in article_pages)


# C0 controls (but tab and newline) and bidi overrides: what a terminal or a reader's eye takes
# for something else. Scraped text must reach no page, HTML or JSON, carrying them.
CONTROLS = frozenset(chr(c) for c in range(32) if chr(c) not in "\t\n\r") | {"\u202e", "\u202d"}


def test_no_control_characters_reach_a_page(hostile_server: LiveServer, hostile_db: Path) -> None:
    paths = [p for _, p in _pages(hostile_db)]
    with storyline.open(hostile_db, create=False, readonly=True) as ws:
        paths += [f"/articles/{quote(a.id, safe='')}.json" for a in ws.articles()]
    for path in paths:
        body = httpx.get(hostile_server.url + path, timeout=60).text
        found = sorted({f"U+{ord(ch):04X}" for ch in body if ch in CONTROLS})
        assert found == [], (path, found)


def test_javascript_urls_never_become_links(hostile_server: LiveServer, hostile_db: Path) -> None:
    for _, path in _pages(hostile_db):
        html = httpx.get(hostile_server.url + path, timeout=60).text
        assert 'href="javascript:' not in html.lower(), path
        assert "href='javascript:" not in html.lower(), path


def test_every_response_carries_the_csp_and_safety_headers(
    hostile_server: LiveServer, hostile_db: Path
) -> None:
    json_twins = ["/stories.json", "/search.json?q=Macron", "/openapi.json"]
    missing = ["/stories/nope", "/articles/nope", "/nope"]
    for path in [p for _, p in _pages(hostile_db)] + json_twins + missing:
        response = httpx.get(hostile_server.url + path, timeout=60)
        assert response.status_code in {200, 400, 404}, (path, response.status_code)
        csp = response.headers.get("content-security-policy", "")
        for directive in ("default-src 'none'", "script-src 'self'", "frame-ancestors 'none'"):
            assert directive in csp, (path, csp)
        assert "unsafe-inline" not in csp and "unsafe-eval" not in csp, (path, csp)
        assert response.headers.get("x-content-type-options") == "nosniff", path
        assert response.headers.get("x-frame-options", "").upper() == "DENY", path
        assert response.headers.get("referrer-policy") == "no-referrer", path


def test_hostile_json_is_json_not_markup(hostile_server: LiveServer, hostile_db: Path) -> None:
    with storyline.open(hostile_db, create=False, readonly=True) as ws:
        ids = [a.id for a in ws.articles()]
    for article_id in ids:
        response = httpx.get(f"{hostile_server.url}/articles/{quote(article_id, safe='')}.json")
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("application/json")
        assert response.json()["article"]["id"] == article_id


def test_server_binds_loopback_by_default(hostile_server: LiveServer) -> None:
    env = os.environ | {"PYTHONPATH": str(ROOT / "src")}
    helped = subprocess.run(
        [sys.executable, "-m", "storyline", "serve", "--help"],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert helped.returncode == 0, helped.stderr
    assert "127.0.0.1" in helped.stdout
    started = hostile_server.output()
    assert f"127.0.0.1:{hostile_server.port}" in started, started
    assert "0.0.0.0" not in started, started
