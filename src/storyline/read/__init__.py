"""The read stage: paths and streams -> ``RawDoc`` (or ``DocError`` for a bad unit).

``read`` expands what the user named (files, directories, globs, ``-`` for stdin), sniffs each
file's format from its content (the name only breaks ties) and hands it to the reader for that
container::

    html, text   files.py   one document per file (gzip-compressed too)
    jsonl        jsonl.py   one document per line
    json         jsonl.py   one document per record of a JSON array (other tools' output)
    warc         warc.py    one document per HTML / text record (warcio; .warc.gz too)
    feed         feeds.py   one document per RSS / Atom item (feedparser)

Bad input never stops a batch: an empty, binary, oversized or unreadable file, a line that is
not JSON, a damaged WARC each become one DocError and the next unit is read. Only a path that
does not exist raises (``InputError``), when ``read`` is called, before anything is read.
"""

from __future__ import annotations

import codecs
import hashlib
import os
import sys
import zlib
from collections.abc import Iterable, Iterator
from typing import BinaryIO

from storyline.read.feeds import looks_like_feed, read_feed
from storyline.read.files import (
    GZIP_MAGIC,
    MAX_DOCUMENT_BYTES,
    SNIFF_BYTES,
    Opened,
    display_path,
    expand,
    gunzip,
    looks_like_html,
    open_input,
    read_bounded,
    read_document,
    selection,
)
from storyline.read.jsonl import looks_like_json_records, looks_like_jsonl, read_json, read_jsonl
from storyline.read.sidecar import sidecar_published, supplied, with_published
from storyline.read.warc import read_warc
from storyline.records import DocError, RawDoc

__all__ = ["FORMATS", "MAX_DOCUMENT_BYTES", "read", "sniff"]

FORMATS = ("html", "text", "jsonl", "json", "warc", "feed")

_EMPTY_SHA256 = hashlib.sha256(b"").hexdigest()
_WIDE_BOMS = (codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
_WIDE_CODECS = ("utf-32-le", "utf-32-be", "utf-16-le", "utf-16-be")


def read(
    inputs: Iterable[str | os.PathLike[str]],
    stdin: BinaryIO | None = None,
    *,
    include: Iterable[str] = (),
    exclude: Iterable[str] = (),
    skip: Iterable[str | os.PathLike[str]] = (),
    published: str | None = None,
) -> Iterator[RawDoc | DocError]:
    """Every document in ``inputs``, in order, as a RawDoc or a DocError.

    ``-`` reads ``stdin`` (default: the process's standard input, as bytes). In directories,
    only files matching an ``include`` glob (when any is given) and no ``exclude`` glob are
    read (a glob matches the path below the directory or the file name); ``skip`` paths are
    never read, however they are named (``Workspace.ingest`` passes its own database files).
    ``published`` is the publication date of every document without one (a file's
    ``NAME.meta.json`` sidecar wins; see ``read/sidecar.py``). Raises ``InputError`` at once,
    before reading, for a path that does not exist, a glob that matches nothing or a
    ``published`` that is not a date.
    """
    default = supplied(published)
    chosen = selection(include, exclude, (os.fspath(p) for p in skip))
    paths = expand(inputs, chosen)
    return _read_all(paths, stdin, default)


def sniff(data: bytes, name: str) -> str:
    """The format of a file from its first bytes: ``html``, ``text``, ``jsonl``, ``json`` (an
    array of records), ``warc`` or ``feed``. Content decides; ``name`` only breaks ties (an
    undecidable gzip, a tag or two, a ``.jsonl`` with many broken lines)."""
    if data.startswith(GZIP_MAGIC):
        inner = _gunzip_head(data)
        stem = name[:-3] if name.lower().endswith(".gz") else name
        if inner.lstrip().startswith(b"WARC/"):
            return "warc"
        if not inner:  # damaged: trust the name; the reader then reports the damage
            return "warc" if stem.lower().endswith(".warc") else "text"
        return sniff(inner, stem)
    head, wide = _ascii_compatible(data[:SNIFF_BYTES])
    if head.lstrip().startswith(b"WARC/"):
        return "warc"
    # JSON Lines are UTF-8 by definition; a UTF-16 file starting with "{" is text.
    if not wide and looks_like_jsonl(head, truncated=len(data) >= SNIFF_BYTES, name=name):
        return "jsonl"
    if not wide and looks_like_json_records(head):
        return "json"
    if looks_like_feed(head):
        return "feed"
    if looks_like_html(head, name):
        return "html"
    return "text"


def _read_all(
    paths: list[str], stdin: BinaryIO | None, published: str | None
) -> Iterator[RawDoc | DocError]:
    for path in paths:
        source = display_path(path)
        value = (sidecar_published(path) if path != "-" else None) or published
        try:
            with open_input(path, stdin if stdin is not None else sys.stdin.buffer) as opened:
                for item in _dispatch(opened):
                    yield with_published(item, value)
        except OSError as error:
            yield DocError(source, f"cannot read file: {error.strerror or error}", "read")


def _dispatch(opened: Opened) -> Iterator[RawDoc | DocError]:
    if not opened.head:
        yield DocError(opened.source, "empty file (0 bytes)", "read", sha256=_EMPTY_SHA256)
        return
    fmt = sniff(opened.head, opened.source)
    if fmt == "warc":  # warcio reads .warc.gz itself, one gzip member per record
        yield from read_warc(opened.stream, opened.source)
        return
    if opened.head.startswith(GZIP_MAGIC):
        opened = gunzip(opened)
    if fmt == "jsonl":
        yield from read_jsonl(opened.stream, opened.source)
    elif fmt in ("feed", "json"):
        data = read_bounded(opened)
        if isinstance(data, DocError):
            yield data
        elif fmt == "feed":
            yield from read_feed(data, opened.source)
        else:
            yield from read_json(data, opened.source)
    else:
        yield read_document(opened, fmt)


def _gunzip_head(data: bytes) -> bytes:
    """The first decompressed bytes of gzip ``data`` (which may be cut anywhere), or b""."""
    try:
        return zlib.decompressobj(16 + zlib.MAX_WBITS).decompress(data, SNIFF_BYTES)
    except zlib.error:
        return b""


def _ascii_compatible(head: bytes) -> tuple[bytes, bool]:
    """``head`` without a UTF-8 BOM, or re-encoded as UTF-8 if it is UTF-16/32 (and a flag)."""
    if head.startswith(codecs.BOM_UTF8):
        return head[len(codecs.BOM_UTF8) :], False
    for bom, codec in zip(_WIDE_BOMS, _WIDE_CODECS, strict=True):
        if head.startswith(bom):
            return head[len(bom) :].decode(codec, errors="ignore").encode("utf-8"), True
    return head, False
