"""JSON Lines reader: one document per line, as a ``record`` RawDoc with its known fields.

A line is one unit: its bytes (without the line break and surrounding whitespace) are the
RawDoc's ``data``, so its sha256 identifies that record. A bad line becomes one DocError and
the next line is read. Blank lines are skipped. Lines longer than ``MAX_DOCUMENT_BYTES`` are
refused without holding them in memory.
"""

from __future__ import annotations

import hashlib
import json
import re
import zlib
from collections.abc import Iterator, Mapping
from typing import BinaryIO

from storyline.read.files import MAX_DOCUMENT_BYTES, too_large
from storyline.records import DocError, RawDoc

# File names that say "JSON Lines" (they break a tie in sniffing, never override content).
JSONL_SUFFIXES = (".jsonl", ".ndjson", ".jl", ".jsonl.gz", ".ndjson.gz")

KNOWN_KEYS = ("id", "url", "title", "text", "html", "published", "site", "lang", "author")

# Other tools' names for the known keys, tried in order after the key itself: news-please
# (maintext, date_publish, source_domain, language, authors) and trafilatura's JSON output
# (date, source-hostname, hostname, source: the page URL). storyline's own ``extract`` JSON
# uses the known keys.
ALIASES: dict[str, tuple[str, ...]] = {
    "text": ("maintext",),
    "published": ("date_publish", "date"),
    "site": ("source-hostname", "source_domain", "hostname", "sitename"),
    "lang": ("language",),
    "author": ("authors",),
    "url": ("source",),
}
_URL_START = ("http://", "https://")

# A record needs one of these to have anything for the extract stage to work on.
CONTENT_KEYS = ("text", "html", "title")

_CHUNK = 1024 * 1024
_SURROGATE = re.compile("[\ud800-\udfff]")


def read_jsonl(stream: BinaryIO, source: str) -> Iterator[RawDoc | DocError]:
    """Yield a RawDoc (``source`` ``path:LINE``) or a DocError for each non-blank line."""
    number = 0
    while True:
        number += 1
        where = f"{source}:{number}"
        try:
            line, complete = _next_line(stream)
        except (OSError, EOFError, zlib.error) as error:
            # A damaged compressed stream or a failing disk: nothing after this can be read.
            yield DocError(where, f"line {number}: cannot read further: {error}", "read")
            return
        if not line:
            return
        if not complete:
            yield DocError(where, f"line {number}: {too_large(None)}", "read")
            continue
        data = line.strip()
        if data:
            yield parse_line(data, where, number)


def parse_line(data: bytes, source: str, number: int) -> RawDoc | DocError:
    """One JSONL line (stripped) as a ``record`` RawDoc, or the DocError saying what is wrong."""
    try:
        value = load_json(data)
    except NotJSON as error:
        digest = hashlib.sha256(data).hexdigest()
        return DocError(source, f"line {number}: {error.reason}", "read", sha256=digest)
    return parse_value(value, data, source, f"line {number}")


def parse_value(value: object, data: bytes, source: str, where: str) -> RawDoc | DocError:
    """A parsed JSON value (``data`` its bytes) as a ``record`` RawDoc, or the DocError saying
    why it is none; ``where`` ("line 3", "record 3") starts the reason."""
    digest = hashlib.sha256(data).hexdigest()
    if not isinstance(value, dict):
        reason = f"{where}: not a JSON object but {_json_type(value)}"
        return DocError(source, reason, "read", sha256=digest)
    fields = record_fields(value)
    if not any(fields.get(key, "").strip() for key in CONTENT_KEYS):
        keys = ", ".join(sorted(str(key) for key in value)[:10]) or "none"
        reason = f"{where}: no 'text', 'html' or 'title' to read (keys: {keys})"
        return DocError(source, reason, "read", sha256=digest)
    return record_doc(data, source, digest, fields)


class NotJSON(ValueError):
    """Bytes that ``load_json`` cannot turn into a value; ``reason`` says why, for an error row."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def load_json(data: bytes) -> object:
    """``json.loads`` that raises only ``NotJSON``: besides syntax errors and bad UTF-8, the
    stdlib raises ``ValueError`` for an integer over 4,300 digits and ``RecursionError`` for
    deep nesting (~1,000 levels and more); both are hostile input, not a storyline failure."""
    try:
        return json.loads(data)
    except json.JSONDecodeError as error:
        raise NotJSON(f"not valid JSON: {error.msg} at column {error.colno}") from error
    except UnicodeDecodeError as error:
        raise NotJSON(
            f"not valid UTF-8 at byte {error.start}; JSON must be UTF-8 "
            "(re-encode the file, e.g. with iconv)"
        ) from error
    except RecursionError as error:
        raise NotJSON("not readable JSON: nested too deeply") from error
    except ValueError as error:  # int(): "Exceeds the limit (4300 digits) ..."
        raise NotJSON(f"not readable JSON: {str(error).split(';')[0]}") from error


def scrub(text: str) -> str:
    """``text`` with lone surrogates (JSON allows ``"\\udfff"``) replaced by U+FFFD, so it can
    be encoded as UTF-8 and stored; a valid escaped pair was already joined by the decoder."""
    return _SURROGATE.sub("\ufffd", text)


def looks_like_json_records(head: bytes) -> bool:
    """Whether ``head`` starts a JSON array of objects (``[ {``) or one pretty-printed object."""
    start = head.lstrip()
    if start.startswith(b"["):
        return start[1:].lstrip().startswith((b"{", b"]"))
    if not (start.startswith(b"{") and start[1:].lstrip().startswith(b'"')):
        return False
    return not _is_object(start.split(b"\n", 1)[0])  # a complete first line: JSON Lines-like


def read_json(data: bytes, source: str) -> Iterator[RawDoc | DocError]:
    """A JSON file holding an array of records (storyline's own ``extract --format json``,
    news-please or trafilatura output), or one record: one RawDoc per record
    (``source#N``), one DocError per element that is no record, or one for the whole file
    when it is not readable JSON."""
    try:
        value = load_json(data)
    except NotJSON as error:
        yield DocError(source, error.reason, "read", sha256=hashlib.sha256(data).hexdigest())
        return
    records = value if isinstance(value, list) else [value]
    for number, element in enumerate(records, start=1):
        where = f"{source}#{number}"
        canonical = json.dumps(element, sort_keys=True, ensure_ascii=False).encode(
            "utf-8", "surrogatepass"
        )
        yield parse_value(element, canonical, where, f"record {number}")


def record_doc(data: bytes, source: str, digest: str, fields: dict[str, str]) -> RawDoc:
    """A structured record (JSONL line, feed item): its canonical bytes and its fields."""
    return RawDoc(
        data=data,
        source=source,
        sha256=digest,
        fmt="record",
        url=fields.get("url"),
        content_type="application/json",
        fields=fields,
    )


def record_fields(value: Mapping[str, object]) -> dict[str, str]:
    """The known keys (or their ``ALIASES``) as strings: numbers and booleans as text, a list
    of strings (news-please ``authors``) joined with ", "; null and objects dropped."""
    fields: dict[str, str] = {}
    for key in KNOWN_KEYS:
        for name in (key, *ALIASES.get(key, ())):
            text = _as_text(value.get(name))
            if key == "url" and name == "source" and not text.startswith(_URL_START):
                continue  # storyline's own JSON: "source" is the input file, not a URL
            if text.strip():
                fields[key] = scrub(text)
                break
    return fields


def _as_text(item: object) -> str:
    if isinstance(item, str):
        return item
    if isinstance(item, bool):
        return "true" if item else "false"
    if isinstance(item, int | float):
        return str(item)
    if isinstance(item, list):
        return ", ".join(i.strip() for i in item if isinstance(i, str) and i.strip())
    return ""


def looks_like_jsonl(head: bytes, *, truncated: bool, name: str = "") -> bool:
    """Whether ``head`` (the first bytes of a file) reads as JSON Lines.

    Decided on the complete lines: at least one must be a JSON object, and most must look like
    one (start with ``{``) even if they do not parse, so a file with many broken lines is
    still read as JSON Lines and each bad line becomes an error row instead of the whole file
    turning into one text article. A ``.jsonl`` / ``.ndjson`` name needs only the one object.
    When even the first line does not fit in ``head`` (``truncated``), a start like ``{"`` is
    taken as enough.
    """
    lines = head.split(b"\n")
    if truncated:
        lines = lines[:-1]  # the last line was cut by the head limit
    lines = [line.strip() for line in lines if line.strip()]
    if not lines:
        return head.lstrip().startswith(b'{"')
    if not any(_is_object(line) for line in lines):
        return False
    if name.lower().endswith(JSONL_SUFFIXES):
        return True
    braced = sum(1 for line in lines if line.startswith(b"{"))
    return braced * 2 > len(lines)


def _is_object(line: bytes) -> bool:
    try:
        return isinstance(load_json(line), dict)
    except NotJSON:
        return False


def _next_line(stream: BinaryIO) -> tuple[bytes, bool]:
    """The next line and whether it is complete. An over-long line is consumed to its end but
    only its first ``MAX_DOCUMENT_BYTES + 1`` bytes are returned (never the whole of it)."""
    line = stream.readline(MAX_DOCUMENT_BYTES + 1)
    if len(line) <= MAX_DOCUMENT_BYTES or line.endswith(b"\n"):
        return line, True
    while True:
        rest = stream.readline(_CHUNK)
        if not rest or rest.endswith(b"\n"):
            return line, False


def _json_type(value: object) -> str:
    names = {
        list: "an array",
        str: "a string",
        bool: "a boolean",
        type(None): "null",
        dict: "an object",
    }
    return names.get(type(value), "a number")
