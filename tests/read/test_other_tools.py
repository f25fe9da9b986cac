"""Issue 6 §4: inputs from other tools — JSON arrays of records (storyline's own ``extract
--format json`` too), news-please and trafilatura records with all their fields, include /
exclude globs for directories, the workspace's own files never read, and pages without any
article text as error rows."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

import storyline
from storyline.errors import DocumentError
from storyline.extract import extract
from storyline.read import read, sniff
from storyline.records import DocError, RawDoc

BODY = (
    "The council voted on Monday to close the old bridge for repairs after engineers found cracks."
)
NEWS_PLEASE = {
    "maintext": BODY,
    "title": "Bridge closed",
    "date_publish": "2020-01-28 08:00:00",
    "source_domain": "news.example",
    "language": "en",
    "url": "https://news.example/bridge",
    "authors": ["Ann Smith", "Bo Li"],
}
TRAFILATURA = {
    "text": BODY + " Second report.",
    "title": "Bridge shut",
    "date": "2020-01-29",
    "hostname": "t.example",
    "source": "https://t.example/b",
    "source-hostname": "T Example News",
    "author": "Cy Doe",
}


def records(path: Path) -> list[RawDoc]:
    items = list(read([path]))
    assert not [i for i in items if isinstance(i, DocError)], items
    return [i for i in items if isinstance(i, RawDoc)]


def test_news_please_and_trafilatura_records_keep_every_field(tmp_path: Path) -> None:
    path = tmp_path / "crawl.json"
    path.write_text(json.dumps([NEWS_PLEASE, TRAFILATURA], indent=2), encoding="utf-8")
    assert sniff(path.read_bytes(), path.name) == "json"
    first, second = (extract(doc) for doc in records(path))
    assert (first.title, first.text, first.site, first.author, first.url, first.lang) == (
        "Bridge closed", BODY, "news.example", "Ann Smith, Bo Li", NEWS_PLEASE["url"], "en"
    )  # fmt: skip
    assert (
        first.published is not None and first.published.isoformat() == "2020-01-28T08:00:00+00:00"
    )
    assert (second.site, second.author, second.url) == (
        "T Example News",
        "Cy Doe",
        TRAFILATURA["source"],
    )
    assert second.published is not None and second.published.date().isoformat() == "2020-01-29"
    assert first.source == f"{path}#1" and second.source == f"{path}#2"


def test_one_pretty_printed_record_and_bad_elements(tmp_path: Path) -> None:
    (tmp_path / "one.json").write_text(json.dumps(NEWS_PLEASE, indent=2), encoding="utf-8")
    (doc,) = records(tmp_path / "one.json")
    assert doc.fields["text"] == BODY
    (tmp_path / "mixed.json").write_text(json.dumps([NEWS_PLEASE, 3, {"x": 1}]), encoding="utf-8")
    items = list(read([tmp_path / "mixed.json"]))
    assert [type(i).__name__ for i in items] == ["RawDoc", "DocError", "DocError"]
    assert "record 2: not a JSON object" in items[1].reason  # type: ignore[union-attr]


def test_storylines_own_extract_json_reads_back_as_the_same_articles(
    tmp_path: Path, seeds_dir: Path
) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "storyline", "extract", str(seeds_dir), "--format", "json"],
        capture_output=True, check=True, env={**os.environ, "PYTHONPATH": "src"},
    )  # fmt: skip
    (tmp_path / "seeds.json").write_bytes(done.stdout)
    before = json.loads(done.stdout)
    after = [extract(doc) for doc in records(tmp_path / "seeds.json")]
    assert [a.id for a in after] == [b["id"] for b in before]
    assert [a.title for a in after] == [b["title"] for b in before]
    assert [a.text for a in after] == [b["text"] for b in before]


def test_include_and_exclude_globs_choose_files_in_a_directory(tmp_path: Path) -> None:
    (tmp_path / "pages" / "drafts").mkdir(parents=True)
    for name in ("a.html", "b.txt", "README.md", "drafts/c.html"):
        (tmp_path / "pages" / name).write_text(f"<p>{BODY}</p>", encoding="utf-8")

    def names(**globs: list[str]) -> list[str]:
        found = read([tmp_path / "pages"], **globs)  # type: ignore[arg-type]
        return sorted(os.path.relpath(d.source, tmp_path / "pages") for d in found)

    assert names(exclude=["README.md"]) == ["a.html", "b.txt", "drafts/c.html"]
    assert names(include=["*.html"]) == ["a.html", "drafts/c.html"]
    assert names(include=["*.html"], exclude=["drafts/*"]) == ["a.html"]


def test_ingest_dot_never_reads_the_workspace_files(tmp_path: Path) -> None:
    (tmp_path / "page.txt").write_text(BODY + "\n", encoding="utf-8")
    db = tmp_path / "news.db"
    with storyline.open(db) as ws:
        ws.ingest(tmp_path / "page.txt")
        (tmp_path / "news.db-journal").write_bytes(b"stale")
        report = ws.ingest(tmp_path)
        assert (report.read, report.failed) == (1, 0), report.errors
        assert [a.source for a in ws.articles()] == [str(tmp_path / "page.txt")]


def test_cli_ingest_takes_include_and_exclude(tmp_path: Path) -> None:
    (tmp_path / "pages").mkdir()
    (tmp_path / "pages" / "README.md").write_text("# How to use this folder\n", encoding="utf-8")
    (tmp_path / "pages" / "story.txt").write_text(BODY + "\n", encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "storyline", "--db", str(tmp_path / "x.db"), "ingest", "-q",
         "--exclude", "*.md", "--format", "json", str(tmp_path / "pages")],
        capture_output=True, text=True, env={**os.environ, "PYTHONPATH": "src"},
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    summary = json.loads(done.stdout)
    summary = summary[0] if isinstance(summary, list) else summary
    assert (summary["read"], summary["new"], summary["failed"]) == (1, 1, 0)


@pytest.mark.parametrize(
    "text",
    [
        "Home | About",
        "Home | World news | Sport | Weather | Contact us",
        "Subscribe",
        "We use cookies to improve your experience on our site. Accept all",
    ],
)
def test_a_page_without_article_text_is_an_error(text: str) -> None:
    fields = {"id": "x", "text": text}
    with pytest.raises(DocumentError, match="no article text found"):
        extract(RawDoc(json.dumps(fields).encode(), "x:1", "0" * 64, "record", fields=fields))
    data = f"<html><body><nav>{text}</nav></body></html>".encode()
    with pytest.raises(DocumentError, match=r"no article text found|no main text"):
        extract(RawDoc(data, "menu.html", "0" * 64, "html"))


def test_a_one_sentence_description_is_still_an_article() -> None:
    fields = {"id": "x", "title": "Storm", "html": "<p>Storm closes schools in the north.</p>"}
    data = json.dumps(fields).encode()
    article = extract(RawDoc(data, "feed.xml#item-1", "0" * 64, "record", fields=fields))
    assert article.text == "Storm closes schools in the north."


def test_real_articles_pass_the_rule(shared_data: Path) -> None:
    from storyline.extract.prose import no_article_text

    truth = json.loads((shared_data / "extraction/scrapinghub/ground-truth.json").read_text())
    texts = [t["articleBody"] for t in truth.values() if t.get("articleBody")]
    lines = (shared_data / "meantime" / "articles.jsonl").read_text("utf-8").splitlines()
    texts += [json.loads(line)["text"] for line in lines]
    rejected = [t[:80] for t in texts if no_article_text(t.splitlines())]
    assert rejected == [] and len(texts) == 181 + 360
