"""End to end on real parts: the real encoder, a real SQLite file, real pages."""

from __future__ import annotations

import gzip
import io
import json
import statistics
from collections import defaultdict
from pathlib import Path

import pytest

import storyline

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "sample" / "pages"


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory, seeds_dir: Path) -> storyline.Workspace:
    ws = storyline.open(tmp_path_factory.mktemp("demo") / "demo.db")
    ws.ingest([seeds_dir, SAMPLE])
    return ws


def test_seeds_form_one_story_apart_from_everything_else(
    demo: storyline.Workspace, seeds_dir: Path
) -> None:
    articles = demo.articles()
    seeds = [a for a in articles if Path(a.source).parent == seeds_dir]
    assert len(seeds) == 2
    assert seeds[0].story_id is not None and seeds[0].story_id == seeds[1].story_id
    story = demo.story(seeds[0].story_id)
    assert story.size == 2
    assert set(story.articles) == {a.id for a in seeds}
    for article in seeds:
        assert article.lang == "en"
        assert "Leave a Reply" not in article.text
        assert "Войти" not in article.text
        assert "28.01 05:35" not in article.text
        assert "Macron" in article.text


def test_sample_story_spans_languages(demo: storyline.Workspace) -> None:
    multi = [s for s in demo.stories() if len(s.languages) >= 3]
    assert multi, [(s.title, s.languages) for s in demo.stories()]
    assert all(s.size >= 3 for s in multi)


def test_reingesting_the_same_input_adds_nothing(
    demo: storyline.Workspace, seeds_dir: Path
) -> None:
    before = demo.store.counts()
    report = demo.ingest([seeds_dir, SAMPLE])
    assert report.new == 0 and report.failed == 0 and report.new_stories == 0
    assert report.duplicates == report.read > 0
    assert demo.store.counts() == before


def test_search_finds_the_seed_story(demo: storyline.Workspace) -> None:
    hits = demo.search("Macron")
    assert len(hits) >= 2
    assert all("Macron" in article.text or "Macron" in article.title for article, _ in hits)


def _write_bad_batch(folder: Path) -> int:
    """The issue's bad inputs, each of which must become exactly one error row."""
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    (folder / "empty.html").write_bytes(b"")
    (folder / "image.png").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 40)
    with (folder / "huge.txt").open("wb") as f:
        f.write(b"A line of text that goes on.\n" * (50 * 2**20 // 29 + 1))
    (folder / "latin.txt").write_bytes(bytes([0xC3, 0x28, 0xA0, 0xA1, 0xE2, 0x28, 0xA1]) * 300)
    (folder / "broken.html").write_bytes(b"<html><head><titl<<body><div><p></b></td></tr")
    (folder / "items.jsonl").write_text(
        json.dumps({"id": "good-1", "title": "Ferry service restored", "text": GOOD_TEXT})
        + "\n{not json at all\n"
    )
    buffer = io.BytesIO()
    writer = WARCWriter(buffer, gzip=True)
    for i in range(3):
        html = (
            f"<html><body><article><h1>Harbour {i}</h1><p>{GOOD_TEXT}</p></article></body></html>"
        )
        headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html")], protocol="HTTP/1.1")
        record = writer.create_warc_record(
            f"https://example.org/harbour/{i}",
            "response",
            payload=io.BytesIO(html.encode()),
            http_headers=headers,
        )
        writer.write_record(record)
    data = buffer.getvalue()
    (folder / "crawl.warc.gz").write_bytes(data[: len(data) - 200])
    return 7


GOOD_TEXT = (
    "The harbour authority said on Tuesday that the ferry service between the two islands would "
    "resume next week after repairs to the northern pier were finished ahead of schedule. "
    "Engineers replaced twelve concrete pillars damaged in the January storm."
)


def test_bad_input_becomes_error_rows_and_the_rest_goes_on(tmp_path: Path) -> None:
    batch = tmp_path / "batch"
    batch.mkdir()
    expected_errors = _write_bad_batch(batch)
    (batch / "good.html").write_text(
        "<html><head><title>Pier repairs done</title></head><body><article><h1>Pier repairs "
        f"done</h1><p>{GOOD_TEXT}</p><p>{GOOD_TEXT}</p></article></body></html>"
    )
    ws = storyline.open(tmp_path / "w.db")
    report = ws.ingest([batch])
    errors = ws.errors()
    sources = sorted(Path(e.source.split(":")[0].split("#")[0]).name for e in errors)
    assert report.failed == len(errors) == expected_errors, errors
    assert sources == sorted(
        [
            "empty.html",
            "image.png",
            "huge.txt",
            "latin.txt",
            "broken.html",
            "items.jsonl",
            "crawl.warc.gz",
        ]
    )
    assert all(e.reason for e in errors)
    stored = {a.id for a in ws.articles()}
    assert "good-1" in stored
    assert len(stored) >= 2 + 1  # good.html, the JSONL line, WARC records before the damage
    again = ws.ingest([batch])
    assert again.new == 0 and again.failed == 0


def test_meantime_stories_and_languages(tmp_path: Path, shared_data: Path) -> None:
    rows = [json.loads(line) for line in (shared_data / "meantime" / "articles.jsonl").open()]
    keep = sorted({r["doc_id"] for r in rows})[::8]  # 12 of the 90 stories, all 4 languages
    subset = [r for r in rows if r["doc_id"] in keep]
    path = tmp_path / "meantime.jsonl"
    with path.open("w") as f:
        for r in subset:
            record = {k: r[k] for k in ("id", "title", "text", "url", "site")}
            f.write(json.dumps(record | {"published": r["date"]}) + "\n")
    ws = storyline.open(tmp_path / "m.db")
    ws.ingest([path])
    gold = {r["id"]: r["lang"] for r in subset}
    articles = ws.articles()
    assert statistics.fmean(a.lang == gold[a.id] for a in articles) >= 0.95
    members = defaultdict(set)
    for a in articles:
        members[a.story_id].add(a.id)
    doc_of = {r["id"]: r["doc_id"] for r in subset}
    # B-cubed precision / recall over the subset
    precision = statistics.fmean(
        sum(doc_of[o] == doc_of[a.id] for o in members[a.story_id]) / len(members[a.story_id])
        for a in articles
    )
    recall = statistics.fmean(
        sum(doc_of[o] == doc_of[a.id] for o in members[a.story_id]) / 4 for a in articles
    )
    assert precision >= 0.85 and recall >= 0.85, (precision, recall)


def test_gzip_html_and_stdin(tmp_path: Path) -> None:
    page = f"<html><body><article><h1>Pier repairs</h1><p>{GOOD_TEXT}</p></article></body></html>"
    (tmp_path / "page.html.gz").write_bytes(gzip.compress(page.encode()))
    ws = storyline.open(tmp_path / "w.db")
    report = ws.ingest([tmp_path / "page.html.gz"])
    assert report.new == 1
    report = ws.ingest(["-"], stdin=io.BytesIO(GOOD_TEXT.encode() + b"\n\nSecond paragraph."))
    assert report.new == 1
