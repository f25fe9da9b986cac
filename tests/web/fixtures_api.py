"""Fixtures of the in-process API and page tests: a workspace made by the real CLI from the
seeds, ``sample/pages/`` and a JSON Lines file of hostile records, and a Starlette
``TestClient`` on ``create_app``. Also ``audit``: what a served page must never contain.

The test modules import these by name (``from tests.web.fixtures_api import ...``); the
browser tests' ``conftest.py`` beside them is not needed.
"""

from __future__ import annotations

import json
import subprocess
from collections.abc import Callable, Iterator
from html.parser import HTMLParser
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from storyline.web import create_app

ROOT = Path(__file__).resolve().parents[2]
SAMPLE_PAGES = ROOT / "sample" / "pages"

# Payloads in every field a page shows: title, text, URL, site. None may run or become markup.
SCRIPT = '<script>alert("title")</script>'
IMG = "<img src=x onerror=alert(1)>"
SVG = "<svg/onload=alert(2)>"
JS_URL = "javascript:alert(document.domain)"
HOSTILE = [
    {
        "id": "hostile-1",
        "title": f"{SCRIPT}{IMG} Emmanuel Macron in Paris",
        "text": (
            f"Emmanuel Macron said in Paris on 3 February 2022 that {SVG} was not a reply. "
            f'He added: "<a href=\\"{JS_URL}\\">click</a>" and </p><p style="color:red">. '
            "The French president will travel to Berlin on 10 February 2022."
        ),
        "url": JS_URL,
        "site": '<b onmouseover="alert(3)">evil</b>.example',
        "lang": "en",
        "published": "2022-02-03",
    },
    {
        "id": "hostile-2",
        "title": "Quiet day \u202eelbuod\u202c",
        "text": f"Nothing happened. {IMG} Really nothing: java\nscript:alert(4).",
        "url": "java\nscript:alert(4)",
        "site": "quiet.example.fr",
        "lang": "en",
        "published": "2022-03-01",
    },
]


@pytest.fixture(scope="session")
def api_db(
    tmp_path_factory: pytest.TempPathFactory,
    seeds_dir: Path,
    run_cli: Callable[..., subprocess.CompletedProcess[str]],
) -> Path:
    """A workspace of the seeds, ``sample/pages/`` and ``HOSTILE``, ingested by the CLI."""
    folder = tmp_path_factory.mktemp("web-api")
    hostile = folder / "hostile.jsonl"
    hostile.write_text("".join(json.dumps(r) + "\n" for r in HOSTILE), encoding="utf-8")
    db = folder / "api.db"
    result = run_cli(db, "ingest", "-q", str(seeds_dir), str(SAMPLE_PAGES), str(hostile))
    assert result.returncode == 0, result.stderr
    return db


@pytest.fixture(scope="session")
def client(api_db: Path) -> Iterator[TestClient]:
    """The app in-process (no server, no browser), over the seeded workspace."""
    with TestClient(create_app(api_db)) as c:
        yield c


@pytest.fixture(scope="session")
def seeds_story(client: TestClient) -> str:
    """The id of the seeds' one story (the one naming Macron)."""
    found = client.get("/stories.json", params={"entity": "Macron", "sort": "biggest"}).json()
    ids = [s["id"] for s in found["stories"] if s["size"] >= 2 and "Russia" in s["title"]]
    assert ids, found
    return str(ids[0])


class _Audit(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        names = dict(attrs)
        for name, value in attrs:
            if name.startswith("on"):
                self.problems.append(f"event handler attribute {name}={value!r} on <{tag}>")
            if name == "style":
                self.problems.append(f"inline style on <{tag}>: {value!r}")
        if tag == "script":
            if not (names.get("src") or "").startswith("/static/"):
                self.problems.append(f"script not from /static/: {names}")
            self._in_script = True
        if tag in {"iframe", "object", "embed", "base"}:
            self.problems.append(f"<{tag}> in a page")
        if tag == "form" and not (names.get("action") or "").startswith("/"):
            self.problems.append(f"form posting elsewhere: {names}")
        if tag == "img" and not (names.get("src") or "").startswith(("/static/", "data:")):
            self.problems.append(f"image from elsewhere: {names}")
        href = names.get("href")
        if href is not None:
            if not href.startswith(("/", "#", "http://", "https://", "?")):
                self.problems.append(f"link that is not http(s) or the app's: {href!r}")
            if href.startswith("http") and tag == "a":
                rel = set((names.get("rel") or "").split())
                if not {"noopener", "noreferrer", "nofollow"} <= rel:
                    self.problems.append(f"outside link without rel noopener...: {href!r}")

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._in_script = False

    def handle_data(self, data: str) -> None:
        if self._in_script and data.strip():
            self.problems.append(f"inline script: {data[:60]!r}")


def audit(html: str) -> list[str]:
    """What is wrong with a served page: inline script or style, ``on*`` attributes, links
    that are not http(s) or the app's own, outside links without ``rel=noopener...``."""
    checker = _Audit()
    checker.feed(html)
    checker.close()
    return checker.problems
