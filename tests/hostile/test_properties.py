"""Property tests (hypothesis): the text-dump cleaner, date parsing, fragments and the readers
never raise anything but their documented errors, and their outputs are well-formed."""

from __future__ import annotations

import os
import tempfile
from datetime import UTC, datetime, timedelta, timezone

from hypothesis import given, settings
from hypothesis import strategies as st

from storyline.embed import cut
from storyline.extract.fragment import fragment_text
from storyline.extract.textdump import clean_dump
from storyline.extract.when import MAX_YEAR, MIN_YEAR, parse_when, sane_utc
from storyline.read import FORMATS, read, sniff
from storyline.read.jsonl import NotJSON, load_json
from storyline.records import DocError, RawDoc

# Deterministic (the same examples on every run) and bounded: the whole file runs in seconds.
PROPERTY = settings(max_examples=150, deadline=None, derandomize=True)

LINES = st.lists(
    st.one_of(
        st.text(max_size=120),
        st.sampled_from(["Home | About", "Leave a Reply", "© 2020", "28.01 05:35", "Войти"]),
        st.text(alphabet="abcdefghij klmnop.,", min_size=40, max_size=300),
    ),
    max_size=30,
)
OFFSETS = st.integers(min_value=-14 * 60, max_value=14 * 60).map(
    lambda m: timezone(timedelta(minutes=m))
)


def _well_formed_utc(value: datetime | None) -> bool:
    return value is None or (
        value.utcoffset() == timedelta(0) and MIN_YEAR <= value.year <= MAX_YEAR
    )


@PROPERTY
@given(LINES)
def test_clean_dump_keeps_only_lines_of_its_input(lines: list[str]) -> None:
    text = "\n".join(lines)
    found = clean_dump(text)
    stripped = {line.strip() for line in text.splitlines()}
    assert found.extractor
    assert all(p and p in stripped for p in found.paragraphs)
    assert found.title == "" or found.title in stripped


@settings(max_examples=50, deadline=None, derandomize=True)  # dateparser: ~40 ms a string
@given(st.text(max_size=80))
def test_parse_when_returns_none_or_a_sane_utc_datetime(value: str) -> None:
    assert _well_formed_utc(parse_when(value))


@PROPERTY
@given(st.datetimes(min_value=datetime(1, 1, 1), max_value=datetime(9999, 12, 31)), OFFSETS)
def test_any_iso_date_with_any_offset_is_utc_or_dropped(moment: datetime, zone: timezone) -> None:
    aware = moment.replace(tzinfo=zone)
    parsed = parse_when(aware.isoformat())
    assert _well_formed_utc(parsed)
    if parsed is not None:
        assert parsed == aware
    direct = sane_utc(aware)
    assert direct == parsed
    if MIN_YEAR + 1 <= moment.year <= MAX_YEAR - 1:
        assert direct == aware.astimezone(UTC)


@PROPERTY
@given(st.text(max_size=300))
def test_fragment_text_gives_clean_paragraphs(html: str) -> None:
    paragraphs = fragment_text(html)
    assert all(p and "\n" not in p and p == p.strip() for p in paragraphs)


@PROPERTY
@given(st.text(max_size=3000), st.integers(min_value=2, max_value=500))
def test_cut_respects_the_limit_and_keeps_the_words(text: str, limit: int) -> None:
    pieces = cut(text, limit)
    assert all(0 < len(p) <= limit for p in pieces)
    assert "".join("".join(pieces).split()) == "".join(text.split())


@PROPERTY
@given(st.binary(max_size=400))
def test_load_json_raises_only_not_json(data: bytes) -> None:
    try:
        load_json(data)
    except NotJSON as error:
        assert error.reason


NAMES = st.sampled_from(["x.txt", "x.html", "x.jsonl", "x.json", "x.xml", "x.warc", "x.gz", "x"])
HEADS = st.sampled_from([b"", b"{", b'{"text": "', b"[{", b"<rss>", b"<html>", b"WARC/1.0\r\n"])


@PROPERTY
@given(HEADS, st.binary(max_size=600), NAMES)
def test_readers_turn_any_bytes_into_documents_or_error_rows(
    head: bytes, data: bytes, name: str
) -> None:
    assert sniff(head + data, name) in FORMATS
    with tempfile.TemporaryDirectory() as directory:
        path = os.path.join(directory, name)
        with open(path, "wb") as f:
            f.write(head + data)
        for item in read([path]):
            assert isinstance(item, RawDoc | DocError)
            item.source.encode("utf-8")
            if isinstance(item, DocError):
                assert item.reason and item.stage == "read"
            else:
                assert item.fmt in ("html", "text", "record")
                assert all(isinstance(v, str) for v in item.fields.values())
                for value in item.fields.values():
                    value.encode("utf-8")
