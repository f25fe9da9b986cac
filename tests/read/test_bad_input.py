"""Bad input never stops a batch: each bad unit is exactly one DocError with a clear reason,
and every good document in the same batch still comes through."""

from __future__ import annotations

import gzip
import io
import os
import random
from pathlib import Path

import pytest
from warcio.archiveiterator import ArchiveIterator
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from storyline.decode import decode
from storyline.errors import DocumentError
from storyline.read import MAX_DOCUMENT_BYTES, read
from storyline.records import DocError, RawDoc

GOOD = b"<html><body><p>Putin and Macron spoke by phone.</p></body></html>"


def ingest(items: list[RawDoc | DocError]) -> tuple[list[RawDoc], list[DocError]]:
    """read, then decode the plain documents, as the ingest loop does."""
    good: list[RawDoc] = []
    bad: list[DocError] = []
    for item in items:
        if isinstance(item, DocError):
            bad.append(item)
            continue
        if item.fmt != "record":
            try:
                decode(item.data, item.content_type)
            except DocumentError as error:
                bad.append(DocError(item.source, error.reason, error.stage, item.sha256))
                continue
        good.append(item)
    return good, bad


def warc_bytes(pages: int, *, gz: bool) -> bytes:
    buffer = io.BytesIO()
    writer = WARCWriter(buffer, gzip=gz)
    for n in range(pages):
        body = GOOD.replace(b"phone", f"phone, take {n}".encode()) * 20
        headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html")], protocol="HTTP/1.1")
        record = writer.create_warc_record(
            f"https://a.example/{n}", "response", payload=io.BytesIO(body), http_headers=headers
        )
        writer.write_record(record)
    return buffer.getvalue()


def invalid_utf8() -> bytes:
    """Bytes that are text in no encoding: high bytes in random order, no ASCII at all."""
    rng = random.Random(7)
    return bytes(rng.randrange(0x80, 0x100) for _ in range(4000))


def write_batch(root: Path) -> dict[str, str]:
    """The bad input set beside good documents; returns file name -> expected reason."""
    (root / "good1.html").write_bytes(GOOD)
    (root / "good2.txt").write_bytes(b"Moscow. January 28. INTERFAX - The presidents spoke.")
    (root / "malformed.html").write_bytes(b"<html><body><div><p>Unclosed <b>tags <i>here</div>")
    (root / "empty.html").write_bytes(b"")
    (root / "image.png").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + os.urandom(2000))
    (root / "random.bin").write_bytes(random.Random(3).randbytes(5000))
    with open(root / "huge.html", "wb") as huge:
        huge.truncate(50 * 1024 * 1024)  # sparse: instant, no disk used
    (root / "invalid.txt").write_bytes(invalid_utf8())
    (root / "docs.jsonl").write_bytes(
        b'{"id": "a", "text": "fine"}\n{"id": "b", "text": "also fine"}\n'
        b"this line is not json\n"
        b'{"id": "d", "html": "<p>fine again</p>"}\n'
    )
    whole = warc_bytes(3, gz=True)
    (root / "cut.warc.gz").write_bytes(whole[: len(whole) * 5 // 6])
    return {
        "empty.html": "empty file (0 bytes)",
        "image.png": "binary content (PNG image), not a text document",
        "random.bin": "binary content (",
        "huge.html": "too large: 50.0 MB; the limit is 20 MB per document (MAX_DOCUMENT_BYTES)",
        "invalid.txt": "and no other encoding fits",
        "docs.jsonl:3": "line 3: not valid JSON: Expecting value at column 1",
        "cut.warc.gz#record-3": "damaged or truncated WARC at record 3",
    }


def test_each_bad_input_is_one_error_and_the_rest_goes_on(tmp_path: Path) -> None:
    expected = write_batch(tmp_path)
    good, bad = ingest(list(read([tmp_path])))

    by_name = {Path(e.source).name: e for e in bad}
    assert sorted(by_name) == sorted(expected), bad
    for name, reason in expected.items():
        assert reason in by_name[name].reason, (name, by_name[name].reason)
    assert by_name["invalid.txt"].stage == "decode"
    assert all(e.stage == "read" for n, e in by_name.items() if n != "invalid.txt")

    names = sorted(Path(d.source).name for d in good)
    assert names == [
        "cut.warc.gz#record-1",
        "cut.warc.gz#record-2",
        "docs.jsonl:1",
        "docs.jsonl:2",
        "docs.jsonl:4",
        "good1.html",
        "good2.txt",
        "malformed.html",  # reads fine: the extract stage decides what to make of it
    ]


@pytest.mark.parametrize("gz", [True, False])
# Not 0.25 / 0.5 / 0.75: a cut exactly between records leaves a valid, shorter WARC.
@pytest.mark.parametrize("fraction", [0.02, 0.1, 0.3, 0.45, 0.55, 0.7, 0.9, 0.97, 0.999])
def test_truncated_warc_keeps_records_before_the_damage(
    tmp_path: Path, gz: bool, fraction: float
) -> None:
    whole = warc_bytes(4, gz=gz)
    path = tmp_path / "cut.warc"
    path.write_bytes(whole[: int(len(whole) * fraction)])
    items = list(read([path]))
    errors = [i for i in items if isinstance(i, DocError)]
    assert len(errors) == 1, items
    assert errors[0] is items[-1]
    assert "damaged or truncated WARC" in errors[0].reason
    kept = [i for i in items if isinstance(i, RawDoc)]
    assert len(kept) < 4 or fraction > 0.99  # a cut in the last gzip trailer loses no text
    assert all(b"</html>" in doc.data for doc in kept)  # no half record slips through


@pytest.mark.parametrize("gz", [True, False])
def test_every_cut_of_a_warc_is_reported_unless_between_records(tmp_path: Path, gz: bool) -> None:
    whole = warc_bytes(3, gz=gz)
    records = ArchiveIterator(io.BytesIO(whole))
    boundaries = {records.get_record_offset() for _ in records}
    assert len(boundaries) == 3
    path = tmp_path / "cut.warc"
    for cut in range(8, len(whole), 7 if gz else 53):
        path.write_bytes(whole[:cut])
        items = list(read([path]))
        errors = [i for i in items if isinstance(i, DocError)]
        assert not errors or errors[0] is items[-1]
        if cut in boundaries:
            assert not errors, (cut, errors)
        elif gz or not any(0 < b - cut <= 4 for b in boundaries):
            assert len(errors) == 1, (cut, items)
        # else: only the blank lines between two records are cut off; nothing is lost


def test_corrupt_bytes_inside_a_gzip_warc(tmp_path: Path) -> None:
    whole = bytearray(warc_bytes(3, gz=True))
    middle = len(whole) // 2
    whole[middle : middle + 16] = b"\x00" * 16
    path = tmp_path / "corrupt.warc.gz"
    path.write_bytes(bytes(whole))
    items = list(read([path]))
    assert sum(isinstance(i, DocError) for i in items) == 1
    assert isinstance(items[0], RawDoc)


def test_bad_jsonl_lines(tmp_path: Path) -> None:
    path = tmp_path / "lines.jsonl"
    path.write_bytes(
        b'{"text": "ok"}\n'
        b"[1, 2]\n"
        b'{"text": "caf\xe9"}\n'
        b'{"url": "https://x.example"}\n'
        b'{"text": "ok again"}\n'
    )
    items = list(read([path]))
    reasons = [i.reason for i in items if isinstance(i, DocError)]
    assert reasons == [
        "line 2: not a JSON object but an array",
        "line 3: not valid UTF-8 at byte 13; JSON must be UTF-8 "
        "(re-encode the file, e.g. with iconv)",
        "line 4: no 'text', 'html' or 'title' to read (keys: url)",
    ]
    assert [i.fields["text"] for i in items if isinstance(i, RawDoc)] == ["ok", "ok again"]
    assert all(i.sha256 for i in items)


def test_oversized_stdin_and_gzip_are_refused_without_reading_everything(tmp_path: Path) -> None:
    big = b"a" * (MAX_DOCUMENT_BYTES + 10)
    [error] = list(read(["-"], stdin=io.BytesIO(big)))
    assert isinstance(error, DocError) and error.reason.startswith("too large: over the limit")
    (tmp_path / "bomb.txt.gz").write_bytes(gzip.compress(big))
    [error] = list(read([tmp_path / "bomb.txt.gz"]))
    assert isinstance(error, DocError) and "MAX_DOCUMENT_BYTES" in error.reason


def test_unreadable_entries_become_errors(tmp_path: Path) -> None:
    (tmp_path / "good.html").write_bytes(GOOD)
    (tmp_path / "dangling.html").symlink_to(tmp_path / "gone.html")
    (tmp_path / "broken.html.gz").write_bytes(gzip.compress(GOOD)[:-12])
    (tmp_path / "bad.xml").write_bytes(b'<?xml version="1.0"?><rss><channel><oops>&&&</rss>')
    items = list(read([tmp_path]))
    errors = {Path(i.source).name: i.reason for i in items if isinstance(i, DocError)}
    assert errors.keys() == {"dangling.html", "broken.html.gz", "bad.xml"}
    assert errors["dangling.html"] == "cannot read file: No such file or directory"
    assert errors["broken.html.gz"].startswith("cannot read file: ")
    assert errors["bad.xml"].startswith("not a readable RSS/Atom feed: ")
    assert [Path(i.source).name for i in items if isinstance(i, RawDoc)] == ["good.html"]


def test_feed_cut_off_keeps_items_and_reports_the_cut(tmp_path: Path) -> None:
    path = tmp_path / "cut.rss"
    path.write_bytes(
        b'<?xml version="1.0"?><rss version="2.0"><channel><title>T</title>'
        b"<item><title>First</title><description>one</description></item>"
        b"<item><title>Second</title><descrip"
    )
    items = list(read([path]))
    assert [i.fields["title"] for i in items if isinstance(i, RawDoc)] == ["First", "Second"]
    [error] = [i for i in items if isinstance(i, DocError)]
    assert error.source == f"{path}#item-3"
    assert error.reason.startswith("feed is cut off before its closing tag")


def test_malformed_but_complete_feed_is_read_without_error(tmp_path: Path) -> None:
    path = tmp_path / "loose.rss"
    path.write_bytes(
        b'<?xml version="1.0"?><rss version="2.0"><channel><title>T &amp; S</title>'
        b"<item><title>Tom & Jerry&nbsp;news</title><description>x</description></item>"
        b"</channel></rss>\n"
    )
    [doc] = list(read([path]))
    assert isinstance(doc, RawDoc) and doc.fields["title"].startswith("Tom")
