"""The read stage on tiny real-format fixtures: every container, path expansion, sniffing."""

from __future__ import annotations

import gzip
import hashlib
import io
import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from storyline.errors import InputError
from storyline.read import read, sniff
from storyline.records import DocError, RawDoc

PAGE = (
    b"<!DOCTYPE html><html><head><meta charset='utf-8'><title>Putin and Macron</title></head>"
    b"<body><p>Vladimir Putin and Emmanuel Macron spoke by phone on 28 January.</p></body></html>"
)

RSS = b"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Example News</title><link>https://news.example</link>
<language>es</language>
<item><title>Putin y Macron hablan</title><link>https://news.example/a</link><guid>a-1</guid>
<pubDate>Fri, 28 Jan 2022 10:00:00 GMT</pubDate>
<description>&lt;p&gt;Los presidentes hablaron por tel\xc3\xa9fono.&lt;/p&gt;</description></item>
<item><title>Macron ir\xc3\xa1 a Mosc\xc3\xba</title><link>https://news.example/b</link></item>
</channel></rss>
"""

ATOM = b"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Wire</title>
<entry><title>Meeting planned</title><link href="https://wire.example/x"/><id>urn:x</id>
<updated>2022-02-07T09:00:00Z</updated>
<content type="html">&lt;p&gt;A meeting in Moscow is planned for 7 February.&lt;/p&gt;</content>
<summary>short</summary></entry></feed>
"""


def write_warc(path: Path, *, gz: bool = True) -> bytes:
    """A WARC with two HTML responses, a request, a 404 page and an image (the last three are
    not documents)."""
    buffer = io.BytesIO()
    writer = WARCWriter(buffer, gzip=gz)

    def response(uri: str, body: bytes, status: str = "200 OK", ctype: str = "text/html") -> None:
        headers = StatusAndHeaders(status, [("Content-Type", ctype)], protocol="HTTP/1.1")
        record = writer.create_warc_record(
            uri,
            "response",
            payload=io.BytesIO(body),
            http_headers=headers,
            warc_headers_dict={"WARC-Date": "2022-01-28T10:00:00Z"},
        )
        writer.write_record(record)

    response("https://a.example/1", PAGE.replace(b"28 January", b"28 January (one)"))
    request = writer.create_warc_record(
        "https://a.example/1",
        "request",
        payload=io.BytesIO(b""),
        http_headers=StatusAndHeaders("GET /1 HTTP/1.1", [], is_http_request=True),
    )
    writer.write_record(request)
    response("https://a.example/missing", b"<html><body>Not found</body></html>", "404 Not Found")
    response("https://a.example/logo.png", b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR", ctype="image/png")
    response(
        "https://a.example/2",
        PAGE.replace(b"28 January", b"7 February"),
        ctype="text/html; charset=utf-8",
    )
    path.write_bytes(buffer.getvalue())
    return buffer.getvalue()


def docs(items: list[RawDoc | DocError]) -> list[RawDoc]:
    assert not [i for i in items if isinstance(i, DocError)], items
    return [i for i in items if isinstance(i, RawDoc)]


def test_html_file_is_one_document_identified_by_sha256(tmp_path: Path) -> None:
    (tmp_path / "page.html").write_bytes(PAGE)
    [doc] = docs(list(read([tmp_path / "page.html"])))
    assert doc.fmt == "html"
    assert doc.data == PAGE
    assert doc.sha256 == hashlib.sha256(PAGE).hexdigest()
    assert doc.source == str(tmp_path / "page.html")


def test_text_file_and_gzipped_html(tmp_path: Path) -> None:
    (tmp_path / "dump.txt").write_bytes(b"Moscow. January 28. INTERFAX - Putin and Macron spoke.\n")
    (tmp_path / "page.html.gz").write_bytes(gzip.compress(PAGE))
    text, html = docs(list(read([tmp_path / "dump.txt", tmp_path / "page.html.gz"])))
    assert text.fmt == "text"
    assert html.fmt == "html" and html.data == PAGE


def test_directory_is_recursive_sorted_and_skips_hidden(tmp_path: Path) -> None:
    (tmp_path / "b").mkdir()
    (tmp_path / ".git").mkdir()
    (tmp_path / "b" / "z.html").write_bytes(PAGE)
    (tmp_path / "a.txt").write_bytes(b"first")
    (tmp_path / ".hidden.html").write_bytes(PAGE)
    (tmp_path / ".git" / "config").write_bytes(b"[core]")
    sources = [d.source for d in docs(list(read([tmp_path])))]
    assert sources == [str(tmp_path / "a.txt"), str(tmp_path / "b" / "z.html")]


def test_glob_and_duplicates(tmp_path: Path) -> None:
    for name in ("one.html", "two.html", "notes.txt"):
        (tmp_path / name).write_bytes(PAGE)
    found = docs(list(read([str(tmp_path / "*.html"), tmp_path / "one.html"])))
    assert [Path(d.source).name for d in found] == ["one.html", "two.html"]


def test_missing_path_raises_before_reading(tmp_path: Path) -> None:
    (tmp_path / "ok.html").write_bytes(PAGE)
    with pytest.raises(InputError, match="no such file or directory"):
        read([tmp_path / "ok.html", tmp_path / "missing.html"])
    with pytest.raises(InputError, match="no files match"):
        read([str(tmp_path / "*.warc")])


def test_stdin(tmp_path: Path) -> None:
    [doc] = docs(list(read(["-"], stdin=io.BytesIO(PAGE))))
    assert doc.source == "<stdin>" and doc.fmt == "html" and doc.data == PAGE
    lines = b'{"id": "1", "text": "one"}\n{"id": "2", "text": "two"}\n'
    assert [d.fields["id"] for d in docs(list(read(["-"], stdin=io.BytesIO(lines))))] == ["1", "2"]


def test_jsonl_lines_become_records(tmp_path: Path) -> None:
    lines = [
        {"id": "es-1", "url": "https://es.example/1", "title": "Putin", "html": "<p>Hola</p>"},
        {"id": 2, "text": "Путин и Макрон", "published": "2022-01-28", "lang": "ru", "x": [1]},
    ]
    raw = "\n".join(json.dumps(line, ensure_ascii=False) for line in lines).encode()
    path = tmp_path / "docs.jsonl"
    path.write_bytes(b"\n" + raw + b"\r\n\n")
    first, second = docs(list(read([path])))
    assert first.source == f"{path}:2" and second.source == f"{path}:3"
    assert first.fmt == "record" and first.url == "https://es.example/1"
    assert first.fields == {k: str(v) for k, v in lines[0].items()}
    assert second.fields == {
        "id": "2",
        "text": "Путин и Макрон",
        "published": "2022-01-28",
        "lang": "ru",
    }
    assert second.data == json.dumps(lines[1], ensure_ascii=False).encode()
    assert second.sha256 == hashlib.sha256(second.data).hexdigest()


@pytest.mark.parametrize("gz", [True, False])
def test_warc_keeps_html_responses_only(tmp_path: Path, gz: bool) -> None:
    path = tmp_path / ("crawl.warc.gz" if gz else "crawl.warc")
    write_warc(path, gz=gz)
    first, second = docs(list(read([path])))
    assert first.url == "https://a.example/1" and second.url == "https://a.example/2"
    assert first.source == f"{path}#record-1" and second.source == f"{path}#record-5"
    assert first.fmt == "html" and b"(one)" in first.data
    assert second.content_type == "text/html; charset=utf-8"
    assert first.fetched_at == datetime(2022, 1, 28, 10, tzinfo=UTC)
    assert first.sha256 == hashlib.sha256(first.data).hexdigest()


def test_rss_items(tmp_path: Path) -> None:
    path = tmp_path / "feed.xml"
    path.write_bytes(RSS)
    first, second = docs(list(read([path])))
    assert first.source == f"{path}#item-1" and first.fmt == "record"
    assert first.url == "https://news.example/a"
    assert first.fields["html"] == "<p>Los presidentes hablaron por teléfono.</p>"
    assert first.fields["title"] == "Putin y Macron hablan"
    assert first.fields["id"] == "a-1"
    assert first.fields["published"] == "Fri, 28 Jan 2022 10:00:00 GMT"
    assert first.fields["site"] == "Example News" and first.fields["lang"] == "es"
    assert second.fields["title"] == "Macron irá a Moscú" and "html" not in second.fields
    assert first.sha256 != second.sha256


def test_atom_entry_prefers_full_content(tmp_path: Path) -> None:
    path = tmp_path / "wire.atom"
    path.write_bytes(ATOM)
    [entry] = docs(list(read([path])))
    assert entry.fields["html"] == "<p>A meeting in Moscow is planned for 7 February.</p>"
    assert entry.fields["published"] == "2022-02-07T09:00:00Z"
    assert entry.url == "https://wire.example/x" and entry.fields["id"] == "urn:x"


@pytest.mark.parametrize(
    ("data", "name", "expected"),
    [
        (PAGE, "x.bin", "html"),
        (b"\xef\xbb\xbf<html><body>x</body></html>", "x", "html"),
        ("<html><body>x</body></html>".encode("utf-16"), "x", "html"),
        (b"<div><p>fragment <b>bold</b></p></div>", "x", "html"),
        (b"<p>one tag", "page.html", "html"),
        (b"<p>one tag", "page.txt", "text"),
        (b"Just words, 3 < 4 and 5 > 2.", "x.html", "text"),
        (b'{"text": "a"}\n{"text": "b"}\n', "x.txt", "jsonl"),
        (b'{"text": "a"}\n{not json\n{"text": "c"}\n', "x", "jsonl"),
        (b"{braces in a text file}\nand more text\n", "x.jsonl", "text"),
        (b"WARC/1.0\r\nWARC-Type: warcinfo\r\n", "x.html", "warc"),
        (gzip.compress(b"WARC/1.1\r\nWARC-Type: response\r\n"), "x", "warc"),
        (gzip.compress(b'{"text": "a"}\n'), "x.jsonl.gz", "jsonl"),
        (RSS, "x.html", "feed"),
        (ATOM, "x", "feed"),
        (b'<?xml version="1.0"?><!-- c --><rdf:RDF xmlns:rdf="x">', "x", "feed"),
        (b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR", "x.png", "text"),
    ],
)
def test_sniff_uses_content_first(data: bytes, name: str, expected: str) -> None:
    assert sniff(data, name) == expected


def test_sniff_reads_a_jsonl_whose_first_line_is_longer_than_the_head() -> None:
    line = json.dumps({"html": "<p>" + "x" * 100_000 + "</p>"}).encode()
    assert sniff(line + b"\n" + line, "dump") == "jsonl"
