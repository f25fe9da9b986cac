"""Issue 11 §3 at the read level: hostile JSON and file names become one DocError (or are
sanitised), never an exception out of the reader; the good documents around them still come."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

import storyline
from storyline.read import read
from storyline.records import DocError, RawDoc

GOOD_LINE = b'{"id": "good", "text": "Putin and Macron spoke by phone on Tuesday."}\n'


def units(path: Path) -> list[RawDoc | DocError]:
    return list(read([path]))


def test_an_integer_over_4300_digits_is_one_error_row(tmp_path: Path) -> None:
    path = tmp_path / "huge-int.jsonl"
    path.write_bytes(b'{"id": ' + b"9" * 5000 + b', "text": "x"}\n' + GOOD_LINE)
    bad, good = units(path)
    assert isinstance(bad, DocError) and "4300 digits" in bad.reason
    assert bad.source.endswith(":1") and bad.stage == "read"
    assert isinstance(good, RawDoc) and good.fields["id"] == "good"


def test_json_nested_100k_deep_is_one_error_row(tmp_path: Path) -> None:
    path = tmp_path / "deep.jsonl"
    path.write_bytes(b'{"id": "d", "text": "x", "a": ' + b"[" * 100_000 + b"]" * 100_000 + b"}\n")
    path.write_bytes(path.read_bytes() + GOOD_LINE)
    bad, good = units(path)
    assert isinstance(bad, DocError) and "nested too deeply" in bad.reason
    assert isinstance(good, RawDoc)


def test_a_lone_surrogate_is_replaced_so_the_text_is_valid_utf8(tmp_path: Path) -> None:
    path = tmp_path / "surrogate.jsonl"
    line = b'{"id": "s", "title": "T \\udfff", "text": "bad \\udfff here \\ud83d\\ude00"}\n'
    path.write_bytes(line)
    (doc,) = units(path)
    assert isinstance(doc, RawDoc)
    assert doc.fields["text"] == "bad \ufffd here \U0001f600"  # a valid pair stays one emoji
    assert doc.fields["title"] == "T \ufffd"
    doc.fields["text"].encode("utf-8")


@pytest.mark.skipif(os.name != "posix", reason="POSIX file names are bytes")
def test_a_file_name_that_is_not_utf8_gets_an_escaped_storable_source(tmp_path: Path) -> None:
    directory = os.fsencode(tmp_path / "names")
    os.mkdir(directory)
    with open(os.path.join(directory, b"caf\xe9.txt"), "wb") as f:
        f.write(b"Putin and Macron spoke by phone on Tuesday about the war.\n")
    (doc,) = read([os.fsdecode(directory)])
    assert isinstance(doc, RawDoc)
    assert doc.source.endswith("caf\\xe9.txt")
    doc.source.encode("utf-8")  # storable and printable
    assert os.fsencode(os.fsdecode(directory) + "/caf\udce9.txt").endswith(b"caf\xe9.txt")


@pytest.mark.skipif(os.name != "posix", reason="POSIX file names are bytes")
def test_hostile_records_and_names_ingest_into_a_real_workspace(tmp_path: Path) -> None:
    pages = tmp_path / "pages"
    pages.mkdir()
    (pages / "mixed.jsonl").write_bytes(
        b'{"id": ' + b"1" * 4400 + b', "text": "x"}\n'
        b'{"id": "s", "text": "Lone surrogate \\udfff in a sentence long enough to keep."}\n'
        + GOOD_LINE
    )
    with open(os.path.join(os.fsencode(pages), b"r\xe9sum\xe9.txt"), "wb") as f:
        f.write(b"The council voted on Monday to close the old bridge for repairs.\n")
    with storyline.open(tmp_path / "ws.db") as ws:
        report = ws.ingest(pages)
        assert (report.new, report.failed) == (3, 1), report.errors
        sources = sorted(a.source for a in ws.articles())
        assert any(s.endswith("r\\xe9sum\\xe9.txt") for s in sources)
        texts = [a.text for a in ws.articles()]
        assert any("\ufffd" in t for t in texts)
        assert [e.source for e in ws.errors()] == [f"{pages}/mixed.jsonl:1"]
