"""Issue 7 §4-5 at the readers: ``--published`` and ``NAME.meta.json`` date inputs without a
date of their own, a sidecar is never read as a document, and the fetch time (WARC-Date, else
the HTTP ``Date`` header) and a feed's own date anchor relative item dates."""

from __future__ import annotations

import io
import json
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

import storyline
from storyline.cli import cli
from storyline.errors import InputError
from storyline.extract import extract
from storyline.pipeline import clean_documents
from storyline.read import read
from storyline.records import Article, RawDoc

BODY = "The council voted on Monday to close the old bridge for urgent repairs, the mayor said."


@pytest.fixture
def pages(tmp_path: Path) -> Path:
    (tmp_path / "a.txt").write_text(f"Bridge closes\n\n{BODY}\n", encoding="utf-8")
    (tmp_path / "b.txt").write_text(f"Bridge shut\n\n{BODY} Again.\n", encoding="utf-8")
    (tmp_path / "b.txt.meta.json").write_text('{"published": "2022-01-30"}', encoding="utf-8")
    dated = {"id": "c", "text": BODY, "published": "2022-02-01T09:00:00+01:00"}
    (tmp_path / "c.jsonl").write_text(json.dumps(dated) + "\n", encoding="utf-8")
    return tmp_path


def cleaned(inputs: list[Path], published: str | None = None) -> dict[str, Article]:
    found = list(clean_documents(inputs, published=published))
    assert all(isinstance(a, Article) for a in found)
    return {Path(a.source).name.split(":")[0]: a for a in found if isinstance(a, Article)}


def test_published_dates_only_inputs_without_a_date(pages: Path) -> None:
    articles = cleaned([pages], published="2022-01-28")
    assert sorted(articles) == ["a.txt", "b.txt", "c.jsonl"]  # the sidecar is no document
    assert articles["a.txt"].published_iso == "2022-01-28"
    assert articles["a.txt"].published_granularity == "day"
    assert articles["b.txt"].published_iso == "2022-01-30"  # its sidecar wins
    assert articles["c.jsonl"].published_iso == "2022-02-01T09:00:00+01:00"  # its own wins


def test_without_published_only_the_sidecar_dates(pages: Path) -> None:
    articles = cleaned([pages / "a.txt", pages / "b.txt", pages / "b.txt.meta.json"])
    assert sorted(articles) == ["a.txt", "b.txt"]
    assert articles["a.txt"].published is None and articles["b.txt"].published_iso == "2022-01-30"


def test_a_bad_published_is_a_usage_error_and_a_bad_sidecar_a_warning(
    pages: Path, caplog: pytest.LogCaptureFixture
) -> None:
    with pytest.raises(InputError, match="not a date"):
        read([pages], published="yesterday")
    (pages / "b.txt.meta.json").write_text("{not json", encoding="utf-8")
    assert cleaned([pages / "b.txt"])["b.txt"].published is None
    assert "ignoring sidecar" in caplog.text


def test_cli_extract_and_ingest_take_published(pages: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    out = runner.invoke(cli, ["extract", str(pages / "a.txt"), "--published", "2022-01-28",
                              "--format", "jsonl"])  # fmt: skip
    assert out.exit_code == 0, out.output
    assert json.loads(out.stdout)["published"] == "2022-01-28"
    bad = runner.invoke(cli, ["extract", str(pages / "a.txt"), "--published", "soon"])
    assert bad.exit_code == 2
    db = tmp_path / "ws.db"
    with storyline.open(db) as ws:
        ws.ingest(pages / "a.txt", published="2022-01-28T10:00:00+01:00")
        ws.ingest(pages / "b.txt")  # its sidecar: a day
        frame = ws.to_pandas()
        a, b = ws.articles()
        ws.export(tmp_path / "out", "csv")
    assert a.published == datetime(2022, 1, 28, 9, 0, tzinfo=UTC)
    assert a.published_iso == "2022-01-28T10:00:00+01:00"
    assert (b.published_iso, b.published_granularity) == ("2022-01-30", "day")
    assert str(frame["published"].dt.tz) == "UTC"
    assert list(frame["published_local"]) == ["2022-01-28T10:00:00+01:00", "2022-01-30"]
    assert list(frame["published_granularity"]) == ["time", "day"]
    exported = pd.read_csv(tmp_path / "out" / "articles.csv")
    assert str(pd.to_datetime(exported["published"]).dt.tz) == "UTC"


def _warc(tmp_path: Path, warc_date: str | None, http_date: str) -> Path:
    buffer = io.BytesIO()
    writer = WARCWriter(buffer, gzip=False)
    headers = StatusAndHeaders(
        "200 OK", [("Content-Type", "text/plain"), ("Date", http_date)], protocol="HTTP/1.1"
    )
    extra = {"WARC-Date": warc_date} if warc_date else {}
    record = writer.create_warc_record(
        "https://a.example/b", "response", payload=io.BytesIO(BODY.encode()), http_headers=headers,
        warc_headers_dict=extra,
    )  # fmt: skip
    if warc_date is None:  # warcio stamps a record it creates with the current time
        record.rec_headers.remove_header("WARC-Date")
    writer.write_record(record)
    path = tmp_path / "crawl.warc"
    path.write_bytes(buffer.getvalue())
    return path


def test_the_http_date_header_is_the_fetch_time_without_a_warc_date(tmp_path: Path) -> None:
    path = _warc(tmp_path, None, "Fri, 04 Feb 2022 10:00:00 GMT")
    (doc,) = read([path])
    assert isinstance(doc, RawDoc) and doc.fetched_at == datetime(2022, 2, 4, 10, 0, tzinfo=UTC)
    (stamped,) = read([_warc(tmp_path, "2022-02-05T08:00:00Z", "Fri, 04 Feb 2022 10:00:00 GMT")])
    assert isinstance(stamped, RawDoc)
    assert stamped.fetched_at == datetime(2022, 2, 5, 8, 0, tzinfo=UTC)
    relative = RawDoc(b"x", "r", "cd" * 32, "record", fetched_at=doc.fetched_at,
                      fields={"text": BODY, "published": "yesterday"})  # fmt: skip
    assert extract(relative).published_iso == "2022-02-03"


def test_a_feed_item_dated_yesterday_takes_the_feeds_date(tmp_path: Path) -> None:
    feed = (
        '<?xml version="1.0"?><rss version="2.0"><channel><title>Feed</title>'
        "<lastBuildDate>Fri, 04 Feb 2022 10:00:00 +0000</lastBuildDate>"
        "<item><title>Bridge</title><link>https://f.example/1</link>"
        f"<pubDate>yesterday</pubDate><description>{BODY}</description></item>"
        "</channel></rss>"
    )
    (tmp_path / "feed.xml").write_text(feed, encoding="utf-8")
    (article,) = cleaned([tmp_path / "feed.xml"]).values()
    assert article.published_iso == "2022-02-03"
