"""The web app in a real browser: headless Chromium on ``storyline serve`` over the seeds and
``sample/pages/``. An analyst's path — story list, the seeds' story with its timeline, the
comparison (click a cell, read the sentence), search in two scripts, an article — with a
screenshot of every page in ``build/screenshots/``."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import quote, urlsplit

import pytest

import storyline

if TYPE_CHECKING:
    from selenium.webdriver.chrome.webdriver import WebDriver
    from selenium.webdriver.remote.webelement import WebElement
    from tests.web.conftest import LiveServer

pytestmark = pytest.mark.usefixtures("live_server")

Shoot = Callable[["WebDriver", str], Path]
# Seconds a page element may take to appear (a cold story page runs NER over its titles).
WAIT = 60
# Dates as the timeline may write them: 2022-01-31, 31 January, January 31, Jan 31, 31.01.
DATE = re.compile(
    r"\b\d{4}-\d{2}(-\d{2})?\b|\b\d{1,2}\.\d{1,2}\.|"
    r"\b(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*\.? \d{1,2}\b|"
    r"\b\d{1,2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)"
)


def _seed_story(db: Path) -> tuple[str, list[str]]:
    """The seeds' story (its title names Putin and Macron) and its article ids."""
    with storyline.open(db, create=False, readonly=True) as ws:
        for story in ws.stories():
            if "Putin" in story.title or "Macron" in story.title:
                return story.id, list(ws.story(story.id).articles)
    raise AssertionError("the seeds' story is missing from the workspace")


def ws_articles(db: Path, story_id: str) -> list[str]:
    with storyline.open(db, create=False, readonly=True) as ws:
        return list(ws.story(story_id).articles)


def _wait(driver: WebDriver, css: str) -> list[WebElement]:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    WebDriverWait(driver, WAIT).until(lambda d: d.find_elements(By.CSS_SELECTOR, css))
    return list(driver.find_elements(By.CSS_SELECTOR, css))


def _open(driver: WebDriver, server: LiveServer, path: str) -> str:
    """Load ``path``; returns the page's visible text."""
    from selenium.webdriver.common.by import By

    driver.get(server.url + path)
    _wait(driver, "body")
    return str(driver.find_element(By.TAG_NAME, "body").text)


def test_story_list_shows_the_seeds_story(
    driver: WebDriver, live_server: LiveServer, shoot: Shoot
) -> None:
    text = _open(driver, live_server, "/")
    shoot(driver, "01-story-list")
    assert "Putin" in text or "Macron" in text
    assert "Kestrel" in text  # the sample pages' multilingual story
    links = [a.get_attribute("href") or "" for a in _wait(driver, "a[href*='/stories/']")]
    assert len({urlsplit(h).path for h in links if "/stories/" in h}) >= 3


def test_story_page_has_a_timeline_of_dated_events(
    driver: WebDriver, live_server: LiveServer, seeded_db: Path, shoot: Shoot
) -> None:
    from selenium.webdriver.common.by import By

    story_id, _ = _seed_story(seeded_db)
    _open(driver, live_server, "/")
    # The story's title is its most central headline; the seeds' name Putin and Macron.
    row = next(r for r in _wait(driver, "tr") if "Macron" in r.text or "Putin" in r.text)
    row.find_element(By.CSS_SELECTOR, "a[href*='/stories/']").click()
    _wait(driver, "svg")
    assert urlsplit(driver.current_url).path == f"/stories/{story_id}"
    shoot(driver, "02-story")
    svg = driver.find_elements(By.CSS_SELECTOR, "svg")
    labels = [t.text for s in svg for t in s.find_elements(By.CSS_SELECTOR, "text")]
    dated = [label for label in labels if DATE.search(label)]
    assert len(dated) >= 2, labels
    body = driver.find_element(By.TAG_NAME, "body").text
    listed = driver.find_elements(By.CSS_SELECTOR, "table.articles a[href*='/articles/']")
    assert len(listed) == len(ws_articles(seeded_db, story_id))
    assert all(a.text.strip() for a in listed)  # each article by its title
    assert "compare" in body.lower() or driver.find_elements(By.CSS_SELECTOR, "a[href$='/compare']")


def test_comparison_matrix_shows_a_sources_sentence_on_click(
    driver: WebDriver, live_server: LiveServer, seeded_db: Path, shoot: Shoot
) -> None:
    from selenium.webdriver.common.by import By

    story_id, articles = _seed_story(seeded_db)
    _open(driver, live_server, f"/stories/{story_id}")
    _wait(driver, "a[href$='/compare']")[0].click()
    _wait(driver, "table")
    assert urlsplit(driver.current_url).path == f"/stories/{story_id}/compare"
    shoot(driver, "03-compare")
    table = driver.find_element(By.CSS_SELECTOR, "table")
    cells = table.find_elements(By.CSS_SELECTOR, "td")
    stated = [c for c in cells if "✓" in c.text]
    assert stated, table.text
    assert any(c.text.strip() in {"—", "-", "–"} for c in cells) or len(articles) < 2
    cell = stated[0]
    hidden = _sentence_of(cell)
    assert not hidden.is_displayed()
    cell.find_element(By.CSS_SELECTOR, "summary, button, a").click()
    assert hidden.is_displayed()
    label = " ".join(e.text for e in hidden.find_elements(By.CSS_SELECTOR, ".lang"))
    sentence = " ".join(hidden.text.removeprefix(label).split())
    assert len(sentence) > 20, sentence
    shoot(driver, "04-compare-open")
    with storyline.open(seeded_db, create=False, readonly=True) as ws:
        found = [ws.article(a) for a in articles]
    texts = [" ".join(t.split()) for a in found for t in (a.text, a.title)]
    assert any(sentence in t for t in texts), sentence  # the source's own words (or title)


def _sentence_of(cell: WebElement) -> WebElement:
    """The element holding a matrix cell's sentence (``<details>`` body or a popover)."""
    from selenium.webdriver.common.by import By

    found = cell.find_elements(By.CSS_SELECTOR, "details > :not(summary), [hidden], .sentence")
    assert found, cell.get_attribute("outerHTML")
    return found[0]


@pytest.mark.parametrize("query", ["Macron", "Макрон"])
def test_search_finds_the_seeds_in_both_scripts(
    driver: WebDriver, live_server: LiveServer, seeded_db: Path, shoot: Shoot, query: str
) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    _, articles = _seed_story(seeded_db)
    _open(driver, live_server, "/")
    box = _wait(driver, "input[name='q']")[0]
    box.clear()
    box.send_keys(query, Keys.ENTER)
    _wait(driver, "a[href*='/articles/'], a[href*='/stories/']")
    assert urlsplit(driver.current_url).path == "/search"
    shoot(driver, "05-search-" + ("latin" if query.isascii() else "cyrillic"))
    hrefs = {
        urlsplit(a.get_attribute("href") or "").path
        for a in driver.find_elements(By.CSS_SELECTOR, "a[href]")
    }
    story_id, _ = _seed_story(seeded_db)
    found = {f"/articles/{quote(a)}" for a in articles} & hrefs
    assert found or f"/stories/{story_id}" in hrefs, sorted(hrefs)
    box = driver.find_element(By.CSS_SELECTOR, "input[name='q']")
    assert query in (box.get_attribute("value") or "")


def test_article_page_shows_clean_text_with_entities_marked(
    driver: WebDriver, live_server: LiveServer, seeded_db: Path, shoot: Shoot
) -> None:
    from selenium.webdriver.common.by import By

    story_id, articles = _seed_story(seeded_db)
    _open(driver, live_server, f"/stories/{story_id}")
    # The articles table (the same links also sit in the folded evidence list).
    _wait(driver, "table.articles a[href*='/articles/']")[0].click()
    _wait(driver, "section.clean mark")
    shoot(driver, "06-article")
    article_id = urlsplit(driver.current_url).path.removeprefix("/articles/")
    assert article_id in {quote(a) for a in articles}
    with storyline.open(seeded_db, create=False, readonly=True) as ws:
        article = ws.article(article_id)
    body = driver.find_element(By.TAG_NAME, "body").text
    assert article.title in body
    assert (
        article.paragraphs[-1][:60] in " ".join(body.split()) or article.paragraphs[-1][:60] in body
    )
    marked = {m.text for m in driver.find_elements(By.CSS_SELECTOR, "section.clean mark")}
    assert {"Putin", "Macron"} & marked, marked
