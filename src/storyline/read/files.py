"""Input paths -> files to read, and the reader for a plain file that holds one document.

``expand`` turns what the user typed (files, directories, globs, ``-``) into an ordered list
of files; it is the only place that can raise (``InputError``, before anything is read).
``open_input`` opens one of them and reads its head for sniffing without losing it, so the
same code serves regular files, pipes and stdin.
"""

from __future__ import annotations

import contextlib
import fnmatch
import glob
import gzip
import hashlib
import io
import os
import re
import stat
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import BinaryIO, Protocol

from storyline.decode import binary_reason
from storyline.errors import InputError
from storyline.records import DocError, RawDoc

# One document (a page, a JSONL line, a WARC payload, a feed) above this size is refused.
# Real news pages are 50 KB - 3 MB even with inline scripts and SVG; 20 MB leaves a wide margin
# yet bounds memory per worker, since the extract stage's lxml tree costs ~10-20x the input.
# Containers (WARC, JSONL) are streamed, so only their units are bounded, not the file.
MAX_DOCUMENT_BYTES = 20 * 1024 * 1024

# Leading bytes read to sniff the format: room for a long <head> before <html>'s first tags,
# or for several JSONL lines.
SNIFF_BYTES = 64 * 1024

STDIN = "-"
# The metadata file beside an input ``NAME`` (read/sidecar.py).
SIDECAR_SUFFIX = ".meta.json"
STDIN_SOURCE = "<stdin>"
GZIP_MAGIC = b"\x1f\x8b"

# Tags (from _HTML_TAG) that make a file without <html> or a doctype HTML: fragments and
# malformed pages have dozens; a plain-text dump may quote one or two.
MIN_HTML_TAGS = 3

_HTML_START = re.compile(rb"<!doctype\s+html|<html[\s>]", re.I)
_HTML_TAG = re.compile(
    rb"</?(?:p|div|span|a|b|i|u|br|hr|img|body|head|title|meta|link|script|style|table|tr|td"
    rb"|th|ul|ol|li|h[1-6]|article|section|header|footer|nav|main|aside|strong|em|form"
    rb"|iframe|figure|blockquote|noscript)[\s/>]",
    re.I,
)
_GLOB_CHARS = frozenset("*?[")
_MIB = 1024 * 1024


class _Readable(Protocol):
    def read(self, size: int = -1, /) -> bytes: ...


@dataclass(frozen=True, slots=True)
class Opened:
    """An input opened for reading: ``stream`` replays ``head`` first. ``size`` is None when
    unknown (stdin, pipes, gzip content)."""

    stream: BinaryIO
    head: bytes
    source: str
    size: int | None


@dataclass(frozen=True, slots=True)
class Selection:
    """Which files of a directory are read: ``include`` globs (none: all), ``exclude`` globs,
    and ``skip``, paths never read wherever they come from (the workspace's own files).

    A glob matches a file's path relative to the directory walked, or its name
    (``--exclude README.md``, ``--include '*.html'``, ``--exclude 'drafts/*'``).
    """

    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    skip: frozenset[str] = frozenset()

    def wants(self, path: str, relative: str) -> bool:
        name = os.path.basename(relative)
        if self.include and not any(_matches(relative, name, g) for g in self.include):
            return False
        return not any(_matches(relative, name, g) for g in self.exclude)

    def skips(self, path: str) -> bool:
        return bool(self.skip) and os.path.realpath(path) in self.skip


def _matches(relative: str, name: str, pattern: str) -> bool:
    return fnmatch.fnmatchcase(relative, pattern) or fnmatch.fnmatchcase(name, pattern)


def selection(
    include: Iterable[str] = (), exclude: Iterable[str] = (), skip: Iterable[str] = ()
) -> Selection:
    """A ``Selection``; ``skip`` paths are resolved, so any spelling of them is skipped."""
    return Selection(tuple(include), tuple(exclude), frozenset(os.path.realpath(p) for p in skip))


def expand(inputs: Iterable[str | os.PathLike[str]], chosen: Selection = Selection()) -> list[str]:
    """Files to read, in order: directories walked recursively (sorted, hidden entries skipped,
    ``chosen.include`` / ``chosen.exclude`` applied), globs expanded (sorted), ``-`` kept for
    stdin, duplicates and ``chosen.skip`` dropped."""
    found: list[str] = []
    for item in inputs:
        path = os.fspath(item)
        if path == STDIN:
            found.append(path)
        elif os.path.isdir(path):
            found.extend(_walk(path, chosen))
        elif os.path.lexists(path):
            found.append(path)
        elif _GLOB_CHARS & set(path):
            matches = sorted(glob.glob(path, recursive=True))
            if not matches:
                raise InputError(f"no files match {path!r}: check the pattern and the directory")
            for match in matches:
                found.extend(_walk(match, chosen) if os.path.isdir(match) else [match])
        else:
            raise InputError(
                f"no such file or directory: {path!r} (check the path; '-' reads stdin)"
            )
    unique: dict[str, None] = {}
    for path in found:
        if path != STDIN and is_sidecar(path):
            continue  # NAME.meta.json describes NAME (read/sidecar.py); it is no document
        if path == STDIN or not chosen.skips(path):
            unique.setdefault(path if path == STDIN else os.path.normpath(path), None)
    return list(unique)


def is_sidecar(path: str) -> bool:
    """Whether ``path`` is a sidecar ``NAME.meta.json`` with a file ``NAME`` beside it."""
    return path.endswith(SIDECAR_SUFFIX) and os.path.isfile(path.removesuffix(SIDECAR_SUFFIX))


def _walk(directory: str, chosen: Selection) -> list[str]:
    found: list[str] = []
    for root, dirs, names in os.walk(directory):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(names):
            path = os.path.join(root, name)
            # Regular files, and broken links so they get an error row; skip sockets and
            # FIFOs, which would block the reader.
            if name.startswith(".") or not (os.path.isfile(path) or not os.path.exists(path)):
                continue
            if chosen.wants(path, os.path.relpath(path, directory)):
                found.append(path)
    return found


@contextlib.contextmanager
def open_input(path: str, stdin: BinaryIO) -> Iterator[Opened]:
    """Open a file (or stdin for ``-``, left open) and read its head. Raises ``OSError``."""
    if path == STDIN:
        yield _replayed(stdin, STDIN_SOURCE, None)
        return
    with open(path, "rb") as raw:
        info = os.fstat(raw.fileno())
        size = info.st_size if stat.S_ISREG(info.st_mode) else None
        yield _replayed(raw, display_path(path), size)


def display_path(path: str) -> str:
    """``path`` as a ``source`` string that can be stored (UTF-8) and printed.

    A name that is not valid UTF-8 comes from ``os`` with its bad bytes as lone surrogates
    (``os.fsdecode``); here they are written ``\\xe9``, so the string is storable and its bytes
    can still be told from it (``os.fsencode(path)`` is the exact name).
    """
    if path == STDIN:
        return STDIN_SOURCE
    try:
        path.encode("utf-8")
    except UnicodeEncodeError:
        return os.fsencode(path).decode("utf-8", "backslashreplace")
    return path


def gunzip(opened: Opened) -> Opened:
    """The gzip-compressed ``opened`` as its decompressed content (size unknown)."""
    stream = gzip.GzipFile(fileobj=opened.stream, mode="rb")
    try:
        head = _read_up_to(stream, SNIFF_BYTES)
    except (OSError, EOFError, zlib.error):
        head = b""  # damaged: whoever reads the stream next meets the error and reports it
    return Opened(io.BufferedReader(_Replay(head, stream)), head, opened.source, None)


def _replayed(raw: BinaryIO, source: str, size: int | None) -> Opened:
    head = _read_up_to(raw, SNIFF_BYTES)
    return Opened(io.BufferedReader(_Replay(head, raw)), head, source, size)


def read_document(opened: Opened, fmt: str) -> RawDoc | DocError:
    """A plain file holding one document (``fmt`` ``html`` or ``text``) as a RawDoc."""
    data = read_bounded(opened)
    if isinstance(data, DocError):
        return data
    return document(data, opened.source, fmt)


def read_bounded(opened: Opened) -> bytes | DocError:
    """All of ``opened``, or a DocError if it is over ``MAX_DOCUMENT_BYTES`` or unreadable.

    A regular file's size is checked before reading; a stream is read to one byte past the
    limit at most, so a huge input never sits in memory.
    """
    if opened.size is not None and opened.size > MAX_DOCUMENT_BYTES:
        return DocError(opened.source, too_large(opened.size), "read")
    try:
        data = _read_up_to(opened.stream, MAX_DOCUMENT_BYTES + 1)
    except (OSError, EOFError, zlib.error) as error:
        return DocError(opened.source, f"cannot read file: {error}", "read")
    if len(data) > MAX_DOCUMENT_BYTES:
        return DocError(opened.source, too_large(None), "read")
    return data


def looks_like_html(head: bytes, name: str) -> bool:
    """An HTML start (``<!doctype html``, ``<html``) or several common HTML tags in ``head``.

    A file named ``.html`` needs only one tag: a fragment like ``<p>text`` is still HTML.
    """
    if _HTML_START.search(head):
        return True
    tags = len(_HTML_TAG.findall(head, 0, SNIFF_BYTES))
    if tags >= MIN_HTML_TAGS:
        return True
    return tags >= 1 and name.lower().endswith((".html", ".htm", ".xhtml", ".shtml"))


def document(
    data: bytes,
    source: str,
    fmt: str,
    *,
    url: str | None = None,
    content_type: str | None = None,
    fetched_at: datetime | None = None,
) -> RawDoc | DocError:
    """``data`` as a RawDoc, or a DocError when it is empty, too large or binary."""
    digest = hashlib.sha256(data).hexdigest()
    if not data:
        return DocError(source, "empty file (0 bytes)", "read", sha256=digest)
    if len(data) > MAX_DOCUMENT_BYTES:
        return DocError(source, too_large(None), "read")
    binary = binary_reason(data)
    if binary is not None:
        return DocError(
            source, f"binary content ({binary}), not a text document", "read", sha256=digest
        )
    return RawDoc(
        data=data,
        source=source,
        sha256=digest,
        fmt=fmt,
        url=url,
        content_type=content_type,
        fetched_at=fetched_at,
    )


def too_large(size: int | None) -> str:
    """The reason for a unit over ``MAX_DOCUMENT_BYTES`` (``size`` None: only known to be over)."""
    what = f"{size / _MIB:.1f} MB" if size is not None else "over the limit"
    return (
        f"too large: {what}; the limit is {MAX_DOCUMENT_BYTES / _MIB:.0f} MB per document "
        "(MAX_DOCUMENT_BYTES): split the input or raise the limit"
    )


def _read_up_to(stream: _Readable, limit: int) -> bytes:
    """Read until ``limit`` bytes or EOF (one ``read`` may return less on pipes)."""
    chunks: list[bytes] = []
    remaining = limit
    while remaining > 0:
        chunk = stream.read(min(remaining, 1024 * 1024))
        if not chunk:
            break
        chunks.append(chunk)
        remaining -= len(chunk)
    return b"".join(chunks)


class _Replay(io.RawIOBase):
    """Reads ``head`` (already consumed from ``rest``) and then the rest of ``rest``.

    Closing it leaves ``rest`` open: its owner (``open_input``, or the caller's stdin) closes it.
    """

    def __init__(self, head: bytes, rest: _Readable) -> None:
        self._head = memoryview(head)
        self._rest = rest

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        if self._head:
            n = min(len(buffer), len(self._head))
            buffer[:n] = self._head[:n]
            self._head = self._head[n:]
            return n
        data = self._rest.read(len(buffer))
        if not data:
            return 0
        buffer[: len(data)] = data
        return len(data)
