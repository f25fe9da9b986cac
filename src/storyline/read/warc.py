"""WARC / WARC.gz reader (warcio): one RawDoc per HTML or plain-text payload.

Kept: ``response`` records with a 2xx status and an HTML or plain-text Content-Type (or none,
when the payload sniffs as HTML), ``resource`` records with such a type, and ``conversion``
records (Common Crawl WET text). Skipped without a row, because they are not documents:
``request``, ``metadata``, ``revisit``, ``warcinfo`` records, redirects and error pages,
images, scripts and style sheets.

Damage: warcio stops silently on some truncations and raises on others, so this reader checks
each record's body was complete and that the records cover the whole file. Records before the
damage are kept; the damage becomes one DocError and the rest of the file is not read (a WARC
cannot be resynchronised reliably).
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Iterator
from datetime import datetime
from typing import Any, BinaryIO

from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed
from warcio.statusandheaders import StatusAndHeadersParserException

from storyline.extract.when import parse_when
from storyline.read.files import (
    GZIP_MAGIC,
    MAX_DOCUMENT_BYTES,
    document,
    looks_like_html,
    too_large,
)
from storyline.records import DocError, RawDoc

_KEPT_TYPES = ("response", "resource", "conversion")

# What warcio raises on a damaged file. AttributeError is among them because warcio (1.7, 1.8)
# fails with "'NoneType' object has no attribute 'startswith'" when a record is cut inside
# its header block; it only ever comes from parsing here, and becomes a DocError with its text.
_DAMAGE = (
    ArchiveLoadFailed,
    StatusAndHeadersParserException,
    AttributeError,
    ValueError,
    EOFError,
    OSError,
    zlib.error,
)

_DRAIN_CHUNK = 1024 * 1024
_UNPRINTABLE = re.compile(r"[^\x20-\x7e]+")


def read_warc(stream: BinaryIO, source: str) -> Iterator[RawDoc | DocError]:
    """Yield the documents of one WARC file (gzip or not), then a DocError if it is damaged."""
    tally = _Tally(stream)
    records = ArchiveIterator(tally)
    number = 0
    while True:
        number += 1
        where = f"{source}#record-{number}"
        try:
            record = next(records, None)
            if record is None:
                break
            unit = _unit(record, where)
            missing = _drain(record)
        except _DAMAGE as error:
            yield DocError(where, _damage(records.offset, number, _clean(error)), "read")
            return
        if missing:
            detail = f"the record is truncated ({missing:,} bytes of its body are missing)"
            yield DocError(where, _damage(records.offset, number, detail), "read")
            return
        if unit is not None:
            yield unit
    try:
        total = tally.drain()
    except _DAMAGE as error:
        yield DocError(where, f"cannot read further: {_clean(error)}", "read")
        return
    if records.offset < total:
        detail = f"{total - records.offset:,} trailing bytes are not a readable WARC record"
        yield DocError(where, _damage(records.offset, number, detail), "read")
    elif tally.inside_gzip_member:
        detail = "the file ends inside a gzip member (an interrupted download or copy?)"
        yield DocError(where, _damage(records.offset, number, detail), "read")


def _unit(record: Any, where: str) -> RawDoc | DocError | None:
    """The record as a document, an error for a bad payload, or None when it is no document."""
    if record.rec_type not in _KEPT_TYPES:
        return None
    if record.rec_type == "response":
        if record.http_headers is None or not str(record.http_headers.get_statuscode()).startswith(
            "2"
        ):
            return None
        content_type = record.http_headers.get_header("Content-Type")
    else:
        content_type = record.rec_headers.get_header("Content-Type")
    fmt = _fmt(record.rec_type, content_type)
    if fmt is None:
        return None
    try:
        payload: bytes = record.content_stream().read(MAX_DOCUMENT_BYTES + 1)
    except (zlib.error, ValueError, OSError, EOFError) as error:
        # A broken Content-Encoding or chunking in one payload; the record framing is intact.
        return DocError(where, f"cannot decode the HTTP payload: {_clean(error)}", "read")
    if len(payload) > MAX_DOCUMENT_BYTES:
        return DocError(where, too_large(None), "read")
    if fmt == "sniff":
        if not looks_like_html(payload[:65536], ""):
            return None
        fmt = "html"
    if not payload:
        return DocError(where, "empty payload (0 bytes)", "read")
    return document(
        payload,
        where,
        fmt,
        url=record.rec_headers.get_header("WARC-Target-URI"),
        content_type=content_type,
        fetched_at=_fetched_at(record),
    )


def _fetched_at(record: Any) -> datetime | None:
    """When the record was fetched: its ``WARC-Date``, else the HTTP response's ``Date``."""
    fetched = parse_when(record.rec_headers.get_header("WARC-Date"), "WARC-Date")
    if fetched is None and record.http_headers is not None:
        fetched = parse_when(record.http_headers.get_header("Date"), "HTTP Date header")
    return fetched


def _fmt(rec_type: str, content_type: str | None) -> str | None:
    """``html``, ``text``, ``sniff`` (no type given), or None for a non-document payload."""
    media = (content_type or "").split(";")[0].strip().lower()
    if rec_type == "conversion":
        return "text" if media in ("", "text/plain") else None
    if not media:
        return "sniff"
    if media in ("text/html", "application/xhtml+xml"):
        return "html"
    if media == "text/plain":
        return "text"
    return None


def _drain(record: Any) -> int:
    """Read what is left of the record's body; how many bytes its Content-Length promised but
    the file did not have (0 for a complete record)."""
    raw = record.raw_stream
    while raw.read(_DRAIN_CHUNK):
        pass
    return int(raw.limit)


def _damage(offset: int, number: int, detail: str) -> str:
    return (
        f"damaged or truncated WARC at record {number} (byte offset {offset:,}): {detail}; "
        f"the {number - 1} records before it were read"
    )


def _clean(error: BaseException) -> str:
    """The exception as one printable line (warcio quotes raw, often binary, bytes)."""
    text = str(error).strip().split("\n")[0] or type(error).__name__
    return _UNPRINTABLE.sub("?", f"{type(error).__name__}: {text}")[:160]


class _Tally:
    """Counts the bytes warcio reads, so a silent stop before the end can be told apart.

    For a gzip file it also follows the gzip members (decompressing a second time, ~1 s per GB,
    small beside extraction): warcio says nothing when the file ends inside a member's trailer.
    """

    def __init__(self, stream: BinaryIO) -> None:
        self._stream = stream
        self.count = 0
        self._member: Any = None  # zlib decompressobj of the current gzip member
        self._gzip: bool | None = None

    def read(self, size: int = -1) -> bytes:
        data = self._stream.read(size)
        self.count += len(data)
        if self._gzip is None and data:
            self._gzip = data.startswith(GZIP_MAGIC)
        if self._gzip and data:
            self._follow(data)
        return data

    def tell(self) -> int:
        return self.count

    def drain(self) -> int:
        """Read to the end; the total number of bytes in the stream."""
        while self.read(_DRAIN_CHUNK):
            pass
        return self.count

    @property
    def inside_gzip_member(self) -> bool:
        """Whether a gzip stream ended (so far) in the middle of a member."""
        return self._member is not None and not self._member.eof

    def _follow(self, data: bytes) -> None:
        try:
            while data:
                if self._member is None or self._member.eof:
                    self._member = zlib.decompressobj(16 + zlib.MAX_WBITS)
                while data and not self._member.eof:
                    self._member.decompress(data, _DRAIN_CHUNK)
                    data = self._member.unconsumed_tail
                data = self._member.unused_data if self._member.eof else b""
        except zlib.error:
            self._gzip = False  # warcio meets the same damage and reports it
