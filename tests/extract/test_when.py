"""Issue 11 §2 at the edge: implausible dates are dropped with a warning where they enter, and
every date storyline produces is timezone-aware UTC, so no stored value can break a later run."""

from __future__ import annotations

import io
import logging
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

import storyline
from storyline.extract.when import MAX_YEAR, MIN_YEAR, parse_when, sane_utc
from storyline.read import read
from storyline.records import RawDoc

HOSTILE = [
    "0001-01-01T00:00:00+14:00",
    "9999-12-31T23:59:59-14:00",
    "Fri, 31 Dec 9999 23:59:59 +0000",
]


@pytest.mark.parametrize("value", [*HOSTILE, "1899-12-31", "2101-01-01T00:00:00Z", "0000-00-00"])
def test_implausible_dates_are_dropped_with_a_warning(
    value: str, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING, logger="storyline.extract.when"):
        assert parse_when(value) is None
    if value != "0000-00-00":  # not a date at all: nothing to warn about
        assert caplog.records and "dropped" in caplog.records[0].getMessage()


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2020-01-28T08:00:00+03:00", datetime(2020, 1, 28, 5, 0, tzinfo=UTC)),
        ("2020-01-28", datetime(2020, 1, 28, tzinfo=UTC)),
        ("Tue, 28 Jan 2020 08:00:00 GMT", datetime(2020, 1, 28, 8, 0, tzinfo=UTC)),
        ("2020-01-28T08:00:00Z", datetime(2020, 1, 28, 8, 0, tzinfo=UTC)),
    ],
)
def test_plausible_dates_come_out_in_utc(value: str, expected: datetime) -> None:
    parsed = parse_when(value)
    assert parsed == expected and parsed is not None and parsed.utcoffset() == timedelta(0)


def test_the_bounds_are_inclusive() -> None:
    east = timezone(timedelta(hours=14))
    assert sane_utc(datetime(MIN_YEAR, 1, 2, tzinfo=east)) is not None
    assert sane_utc(datetime(MAX_YEAR, 12, 31, 0, 0)) is not None
    assert sane_utc(datetime(MIN_YEAR, 1, 1, 5, tzinfo=east)) is None  # 1899 in UTC


def test_a_kilobyte_date_is_not_parsed() -> None:
    assert parse_when("28 January 2020 " * 100) is None


def test_a_warc_date_in_year_9999_is_dropped(tmp_path: Path) -> None:
    buffer = io.BytesIO()
    writer = WARCWriter(buffer, gzip=False)
    headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html")], protocol="HTTP/1.1")
    record = writer.create_warc_record(
        "https://a.example/", "response", payload=io.BytesIO(b"<p>hi</p>"), http_headers=headers,
        warc_headers_dict={"WARC-Date": "9999-12-31T23:59:59-14:00"},
    )  # fmt: skip
    writer.write_record(record)
    (tmp_path / "a.warc").write_bytes(buffer.getvalue())
    (doc,) = read([tmp_path / "a.warc"])
    assert isinstance(doc, RawDoc) and doc.fetched_at is None


def test_hostile_dates_neither_break_ingest_nor_a_later_one(tmp_path: Path) -> None:
    body = "The council voted on Monday to close the old bridge for urgent repairs."
    lines = [
        f'{{"id": "d{i}", "title": "Bridge {i}", "text": "{body}", "published": "{value}"}}'
        for i, value in enumerate(HOSTILE)
    ]
    (tmp_path / "dates.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    feed = (
        '<?xml version="1.0"?><rss version="2.0"><channel><title>Feed</title>'
        "<item><title>Far future</title><link>https://f.example/1</link>"
        "<pubDate>Fri, 31 Dec 9999 23:59:59 -1400</pubDate>"
        f"<description>{body} Again.</description></item></channel></rss>"
    )
    (tmp_path / "feed.xml").write_text(feed, encoding="utf-8")
    (tmp_path / "later.txt").write_text(body + " Later that week.\n", encoding="utf-8")
    with storyline.open(tmp_path / "ws.db") as ws:
        report = ws.ingest([tmp_path / "dates.jsonl", tmp_path / "feed.xml"])
        assert (report.new, report.failed) == (4, 0), report.errors
        assert all(a.published is None for a in ws.articles())
        assert ws.ingest(tmp_path / "later.txt").new == 1
        assert sum(s.size for s in ws.stories()) == 5
