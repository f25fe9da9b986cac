"""Issue 7 §1-4: publication dates keep the page's offset and their granularity, published beats
modified, and relative, ambiguous and numeric values are resolved or rejected, never against
the clock."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta, timezone

import pytest

from storyline.cluster import order_key
from storyline.extract import extract
from storyline.extract.html import extract_html
from storyline.extract.when import When, parse_published
from storyline.records import DAY, TIME, RawDoc

BODY = "The central bank raised its main interest rate by a quarter point on Thursday. " * 6
MOSCOW = timezone(timedelta(hours=3))
ANCHOR = datetime(2022, 2, 4, 10, 0, tzinfo=UTC)


def page(head: str, url: str = "") -> str:
    og = f'<meta property="og:url" content="{url}">' if url else ""
    return (
        f"<html><head><title>Rates rise</title>{og}{head}</head>"
        f"<body><article><h1>Rates rise</h1><p>{BODY}</p></article></body></html>"
    )


def test_the_pages_offset_is_kept() -> None:
    meta = '<meta property="article:published_time" content="2022-02-03T17:05:00+03:00">'
    found = extract_html(page(meta))
    assert found is not None and found.published == datetime(2022, 2, 3, 17, 5, tzinfo=MOSCOW)
    assert found.published.utcoffset() == timedelta(hours=3)
    assert found.published_granularity == TIME


def test_a_day_in_the_url_does_not_hide_the_markups_time() -> None:
    meta = '<meta property="article:published_time" content="2022-02-03T17:05:00+03:00">'
    found = extract_html(page(meta, "https://news.example/2022/02/03/rates"))
    assert found is not None and found.published == datetime(2022, 2, 3, 17, 5, tzinfo=MOSCOW)


def test_a_date_without_a_time_is_a_day_not_midnight() -> None:
    found = extract_html(page('<meta property="article:published_time" content="2022-02-03">'))
    assert found is not None and found.published_granularity == DAY
    assert found.published == datetime(2022, 2, 3, tzinfo=UTC)


def test_published_beats_modified() -> None:
    head = (
        '<meta property="article:modified_time" content="2022-02-09T08:00:00+00:00">'
        '<meta property="article:published_time" content="2022-02-03T18:10:00+00:00">'
    )
    found = extract_html(page(head))
    assert found is not None and found.published == datetime(2022, 2, 3, 18, 10, tzinfo=UTC)


@pytest.mark.parametrize(
    ("value", "expected", "granularity"),
    [
        ("2022-02-03T18:10:00+03:00", datetime(2022, 2, 3, 18, 10, tzinfo=MOSCOW), TIME),
        ("Thu, 03 Feb 2022 18:10:00 +0300", datetime(2022, 2, 3, 18, 10, tzinfo=MOSCOW), TIME),
        ("2022-02-03", datetime(2022, 2, 3, tzinfo=UTC), DAY),
        ("3 February 2022", datetime(2022, 2, 3, tzinfo=UTC), DAY),
        ("1643911800", datetime(2022, 2, 3, 18, 10, tzinfo=UTC), TIME),
        ("1643911800000", datetime(2022, 2, 3, 18, 10, tzinfo=UTC), TIME),
    ],
)
def test_absolute_values(value: str, expected: datetime, granularity: str) -> None:
    found = parse_published(value)
    assert found == When(expected, granularity)
    assert found is not None and found.value.utcoffset() == expected.utcoffset()


@pytest.mark.parametrize(("value", "lang"), [("yesterday", "en"), ("hier", "fr"), ("вчера", "ru")])
def test_relative_values_need_an_anchor(
    value: str, lang: str, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING, logger="storyline.extract.when"):
        assert parse_published(value, lang=lang) is None
    assert "relative" in caplog.text
    found = parse_published(value, lang=lang, anchor=ANCHOR)
    assert found == When(datetime(2022, 2, 3, tzinfo=UTC), DAY)


def test_a_day_without_its_year_takes_the_anchors() -> None:
    assert parse_published("3 February") is None
    found = parse_published("3 February", anchor=ANCHOR)
    assert found == When(datetime(2022, 2, 3, tzinfo=UTC), DAY)


@pytest.mark.parametrize(
    ("lang", "site", "expected"),
    [
        ("fr", None, datetime(2022, 2, 3, tzinfo=UTC)),
        ("en", "news.co.uk", datetime(2022, 2, 3, tzinfo=UTC)),
        ("en-US", None, datetime(2022, 3, 2, tzinfo=UTC)),
        ("en", "news.com", None),
        (None, None, None),
    ],
)
def test_numeric_days_follow_the_language_or_site(
    lang: str | None, site: str | None, expected: datetime | None, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING, logger="storyline.extract.when"):
        found = parse_published("03/02/2022", lang=lang, site=site)
    assert (found.value if found else None) == expected
    if expected is None:
        assert "ambiguous" in caplog.text


def test_an_unambiguous_numeric_day_needs_no_language() -> None:
    assert parse_published("25/12/2021") == When(datetime(2021, 12, 25, tzinfo=UTC), DAY)


def record(**fields: str) -> RawDoc:
    return RawDoc(b"x", "r.jsonl:1", "ab" * 32, "record", fields={"text": BODY, **fields})


def test_a_records_relative_date_is_resolved_against_its_fetch_time() -> None:
    raw = record(published="yesterday", lang="en")
    assert extract(raw).published is None
    fetched = RawDoc(
        raw.data, raw.source, raw.sha256, raw.fmt, fetched_at=ANCHOR, fields=raw.fields
    )
    article = extract(fetched)
    assert article.published == datetime(2022, 2, 3, tzinfo=UTC)
    assert article.published_granularity == DAY and article.published_iso == "2022-02-03"


def test_a_feed_items_relative_date_is_resolved_against_the_feeds_date() -> None:
    article = extract(record(published="2 hours ago", feed_date="2022-02-04T10:00:00Z"))
    assert article.published == datetime(2022, 2, 4, 8, 0, tzinfo=UTC)


def test_a_numeric_record_date_is_read_with_the_records_language() -> None:
    assert extract(record(published="03/02/2022", lang="de")).published_iso == "2022-02-03"
    assert extract(record(published="03/02/2022", lang="en")).published is None


def test_a_day_never_sorts_before_a_timed_article_of_that_day() -> None:
    day = order_key(datetime(2022, 2, 3, tzinfo=UTC), "a" * 64, DAY)
    timed = order_key(datetime(2022, 2, 3, 13, 20, tzinfo=UTC), "b" * 64, TIME)
    next_day = order_key(datetime(2022, 2, 4, 0, 1, tzinfo=UTC), "c" * 64, TIME)
    assert timed < day < next_day


def test_a_text_dump_takes_the_date_line_next_to_its_headline() -> None:
    from storyline.extract.textdump import clean_dump

    dump = "\n".join(
        ["Home", "News", "Sport", "Bridge to close for urgent repairs", "Published Jan 29, 2022",
         BODY, BODY, "Updated February 9, 2022", "Leave a Reply"]
    )  # fmt: skip
    found = clean_dump(dump)
    assert found.published == datetime(2022, 1, 29, tzinfo=UTC)
    assert found.published_granularity == DAY
    assert (
        clean_dump(dump.replace("Published Jan 29, 2022", "Updated Jan 29, 2022")).published is None
    )


def test_hostile_markup_gives_no_declared_date() -> None:
    from storyline.extract.markup import declared_dates

    for html in ("<div " * 50_000, '"datePublished": "' * 10_000, "<meta content='x'>" * 1000):
        assert declared_dates(html).published is None
