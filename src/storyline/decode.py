"""The decode stage: raw bytes -> text. Never crashes on bad bytes; flags what it had to replace.

Order, first that fits wins (the WHATWG "encoding sniffing" order, plus a detector at the end)::

    BOM (UTF-8, UTF-16, UTF-32)
    declared charset   the HTTP Content-Type the reader saw, else <meta charset> / http-equiv
                       in the first 4 KB (a declared single-byte charset loses to bytes that
                       are valid, non-ASCII UTF-8: that mislabel is common and UTF-8 is
                       almost never valid by chance)
    strict UTF-8
    mildly damaged UTF-8   a handful of invalid sequences in a page that is otherwise UTF-8
    charset-normalizer whose single-byte answer (or, on short texts, East Asian multi-byte
                       answer) competes with the legacy charsets of our languages on how
                       plausible the decoded text is (``plausibility.py``)
    lossy UTF-8        mostly ASCII with a few stray bytes that no detector explains

Then double-encoded UTF-8 ("franÃ§ais") is repaired line by line with ftfy, and
``Decoded.repaired`` says so. A label that names no charset (rot13, base64, idna, an unknown
name) is ignored like a missing one.

A document that is not text at all raises ``DocumentError("decode", reason)``: binary data,
nothing but whitespace, or bytes that no encoding turns into plausible text.
"""

from __future__ import annotations

import codecs
import dataclasses
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from charset_normalizer import from_bytes

from storyline.errors import DocumentError
from storyline.plausibility import SINGLE_BYTE_CANDIDATES, most_plausible

# The <meta charset> must sit in the first 1024 bytes per the HTML spec; real pages put it
# later (after long <script> blocks), so look a little further, as the brief asks.
META_SNIFF_BYTES = 4096

# The binary check looks at this many leading bytes: enough to be representative, cheap on
# a 20 MB page.
BINARY_SAMPLE_BYTES = 64 * 1024

# Share of C0 control bytes (except tab, LF, VT, FF, CR and ESC) plus DEL above which a
# document is binary. Calibrated on: random or compressed bytes (PNG/JPEG bodies, gzip) ~11%
# (28 of 256 byte values), UTF-8 / legacy-encoded news pages 0%, text with a few stray NULs or
# control bytes from a bad scrape well under 1%. 5% sits between with a wide margin on both
# sides. Re-check with tests/test_decode.py when changing it.
MAX_CONTROL_RATIO = 0.05

# Share of the bytes that may be replaced by U+FFFD for a lossy UTF-8 decode to be accepted.
# A UTF-8 page with a few broken sequences (a truncated multi-byte char at a chunk boundary, a
# pasted cp1252 quote) has far below 1%; a latin-1 or cp1251 page misread as UTF-8 has 2-50%
# (every accented or Cyrillic letter), and random high bytes ~70%. Re-check with
# tests/test_decode.py when changing it.
MAX_REPLACED_RATIO = 0.01

_CONTROL_BYTES = bytes([*range(0x00, 0x09), 0x0E, *range(0x10, 0x1B), *range(0x1C, 0x20), 0x7F])

_BOMS: tuple[tuple[bytes, str], ...] = (
    # UTF-32 LE first: its BOM starts with the UTF-16 LE BOM.
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)

# Magic numbers of binary formats that turn up in crawls, so the reason can name them.
_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", "PNG image"),
    (b"\xff\xd8\xff", "JPEG image"),
    (b"GIF87a", "GIF image"),
    (b"GIF89a", "GIF image"),
    (b"%PDF-", "PDF document"),
    (b"PK\x03\x04", "ZIP archive (or docx/xlsx/epub)"),
    (b"\x1f\x8b", "gzip data"),
    (b"BZh", "bzip2 data"),
    (b"\xfd7zXZ\x00", "xz data"),
    (b"\x7fELF", "ELF executable"),
    (b"wOFF", "WOFF font"),
    (b"wOF2", "WOFF2 font"),
)

# WHATWG encoding labels that mean a superset of what they say: browsers decode "latin-1"
# pages as windows-1252 (so 0x80-0x9F are curly quotes, not C1 controls), and so on.
_WHATWG_SUPERSETS = {  # keyed by Python's codec name
    "iso8859-1": "cp1252",
    "ascii": "cp1252",
    "iso8859-9": "cp1254",
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "shift_jis": "cp932",
    "euc_kr": "cp949",
    "big5": "big5hkscs",
}

# Text codecs Python has that are not charsets a page can be written in: they raise on
# ``errors="replace"`` (idna, punycode, undefined), interpret backslashes (unicode-escape) or
# are a known XSS vector that WHATWG bans (utf-7). Names as ``codecs.lookup(...).name``.
_NOT_CHARSETS = frozenset(
    {
        "idna",
        "punycode",
        "undefined",
        "unicode-escape",
        "raw-unicode-escape",
        "charmap",
        "utf-7",
    }
)

# Up to this many bytes, even a multi-byte answer of charset-normalizer (GB18030, Big5, ...)
# competes with the single-byte candidates: on a short Spanish text it answered GB18030
# ("avi鏮"). Set from the dev half of bench/decoding.py, whose longest texts (2,000 chars)
# still showed it; real CJK pages are far longer and win on plausibility anyway.
SHORT_TEXT_BYTES = 4096

# The multi-byte answers of charset-normalizer that compete on short texts (Python names).
_EAST_ASIAN_MULTI_BYTE = frozenset(
    {
        "gb2312",
        "gbk",
        "gb18030",
        "big5",
        "big5hkscs",
        "cp950",
        "shift_jis",
        "shift_jis_2004",
        "shift_jisx0213",
        "cp932",
        "euc_jp",
        "euc_jis_2004",
        "euc_jisx0213",
        "euc_kr",
        "cp949",
        "johab",
        "hz",
        "iso2022_jp",
        "iso2022_kr",
    }
)

# Single-byte codecs charset-normalizer may answer besides SINGLE_BYTE_CANDIDATES: its answer
# is then re-ranked too (it is one candidate among them).
_SINGLE_BYTE_DETECTED = frozenset(
    {
        "cp1257",
        "cp1258",
        "cp437",
        "cp775",
        "hp-roman8",
        "cp850",
        "cp852",
        "cp855",
        "cp866",
        "iso8859-3",
        "iso8859-4",
        "iso8859-10",
        "iso8859-13",
        "iso8859-14",
        "iso8859-16",
        "mac-roman",
        "mac-cyrillic",
        "mac-latin2",
        "mac-greek",
        "mac-turkish",
        "koi8-u",
        "kz1048",
        "ptcp154",
        "iso8859-1",
    }
)


@lru_cache(maxsize=1)
def _ftfy() -> tuple[Any, Any, Any]:
    """ftfy's ``fix_and_explain``, ``is_bad`` and a config limited to undoing wrong decodings
    (every other fix would alter correct text). Imported on first use: ftfy costs ~90 ms to
    import, and ``import storyline`` stays fast."""
    from ftfy import TextFixerConfig, fix_and_explain
    from ftfy.badness import is_bad

    config = TextFixerConfig(
        unescape_html=False,
        remove_terminal_escapes=False,
        fix_encoding=True,
        restore_byte_a0=False,  # "Ã " is also Portuguese capital A-tilde before a space
        replace_lossy_sequences=False,
        decode_inconsistent_utf8=True,
        fix_c1_controls=False,
        fix_latin_ligatures=False,
        fix_character_width=False,
        uncurl_quotes=False,
        fix_line_breaks=False,
        fix_surrogates=False,
        remove_control_chars=False,
        normalization=None,
        explain=True,
    )
    return fix_and_explain, is_bad, config


def _mojibake_hint() -> re.Pattern[str]:
    """A UTF-8 lead byte followed by a continuation byte, as the codecs that misread UTF-8 show
    them ("Ã©", "Ð¿", "Рї"). A cheap gate before ftfy's slower badness check (a 20 MB line:
    0.1 s instead of 7 s)."""

    def sloppy(data: bytes, codec: str) -> str:  # ftfy's "sloppy-<codec>": latin-1 for holes
        return "".join(bytes([b]).decode(codec, errors="ignore") or chr(b) for b in data)

    leads, continuations = bytes(range(0xC2, 0xF5)), bytes(range(0x80, 0xC0))
    classes = []
    for codec in ("cp1252", "cp1251", "latin-1"):
        lead, cont = sloppy(leads, codec), sloppy(continuations, codec)
        classes.append(f"[{re.escape(lead)}][{re.escape(cont)}]")
    return re.compile("|".join(classes))


_MOJIBAKE_HINT = _mojibake_hint()

_META_CHARSET = re.compile(rb"""<meta[^>]{0,300}?charset\s*=\s*["']?\s*([A-Za-z0-9._:-]+)""", re.I)
_CONTENT_TYPE_CHARSET = re.compile(r"""charset\s*=\s*["']?\s*([A-Za-z0-9._:-]+)""", re.I)


@dataclass(frozen=True, slots=True)
class Decoded:
    """Decoded text and how it was obtained.

    ``encoding`` is the Python codec name; ``method`` says which rule chose it (``bom``,
    ``declared``, ``meta``, ``utf-8``, ``detected``); ``replaced`` counts the invalid byte
    sequences that became U+FFFD (0 for a clean decode); ``repaired`` says what mojibake was
    undone, e.g. ``"2 lines: encode sloppy-windows-1252, decode utf-8"`` (None: nothing).
    """

    text: str
    encoding: str
    method: str
    replaced: int = 0
    repaired: str | None = None


def decode(data: bytes, declared: str | None = None) -> Decoded:
    """Decode ``data`` to text; ``declared`` is a charset or a Content-Type header value."""
    if not data:
        raise DocumentError("decode", "empty document (0 bytes)")
    result = _repair_mojibake(_decode(data, declared))
    if not result.text.replace("\ufeff", "").replace("\x00", "").strip():
        raise DocumentError("decode", f"empty after decoding: {len(data)} bytes of whitespace only")
    return result


def binary_reason(data: bytes) -> str | None:
    """Why ``data`` looks binary (``"PNG image"``, ``"11% control bytes"``), or None if text.

    Text in UTF-16/32 is text: a BOM, or NULs at every other position, is recognised first.
    """
    if _bom(data) is not None or _utf16_without_bom(data) is not None:
        return None
    for magic, what in _MAGIC:
        if data.startswith(magic):
            return what
    sample = data[:BINARY_SAMPLE_BYTES]
    if not sample:
        return None
    controls = len(sample) - len(sample.translate(None, _CONTROL_BYTES))
    ratio = controls / len(sample)
    if ratio > MAX_CONTROL_RATIO:
        return f"{ratio:.0%} control bytes in the first {len(sample):,} bytes"
    return None


def _decode(data: bytes, declared: str | None) -> Decoded:
    bom = _bom(data)
    if bom is not None:
        mark, encoding = bom
        text, replaced = _lossy(data[len(mark) :], encoding)
        return Decoded(text, encoding, "bom", replaced)

    binary = binary_reason(data)
    if binary is not None:
        raise DocumentError("decode", f"binary content ({binary}), not a text document")

    utf16 = _utf16_without_bom(data)
    if utf16 is not None:
        text, replaced = _lossy(data, utf16)
        return Decoded(text, utf16, "detected", replaced)

    for method, label in (
        ("declared", _charset_from_content_type(declared)),
        ("meta", _meta(data)),
    ):
        found = _try_declared(data, label, method)
        if found is not None:
            return found

    try:
        return Decoded(data.decode("utf-8"), "utf-8", "utf-8")
    except UnicodeDecodeError as error:
        first_bad = error.start

    lossy, replaced = _lossy(data, "utf-8")
    few_bad = replaced <= MAX_REPLACED_RATIO * len(data)
    # More valid multi-byte characters than broken ones: a UTF-8 page with some damage,
    # not a legacy-encoded page (whose every non-ASCII letter would be "broken").
    non_ascii = len(lossy) - len(lossy.encode("ascii", errors="ignore"))
    valid_non_ascii = non_ascii - lossy.count("\ufffd")
    if few_bad and valid_non_ascii >= replaced:
        return Decoded(lossy, "utf-8", "utf-8", replaced)

    best = from_bytes(data).best()
    if best is not None:
        encoding = codecs.lookup(best.encoding).name
        if encoding in SINGLE_BYTE_CANDIDATES or encoding in _SINGLE_BYTE_DETECTED:
            encoding = most_plausible(data, (*SINGLE_BYTE_CANDIDATES, encoding))
        elif encoding in _EAST_ASIAN_MULTI_BYTE and len(data) <= SHORT_TEXT_BYTES:
            encoding = most_plausible(data, (encoding, *SINGLE_BYTE_CANDIDATES))
        if encoding != codecs.lookup(best.encoding).name:
            return Decoded(data.decode(encoding, errors="replace"), encoding, "detected")
        return Decoded(str(best), encoding, "detected")
    if few_bad:
        return Decoded(lossy, "utf-8", "utf-8", replaced)
    raise DocumentError(
        "decode",
        f"invalid UTF-8 at byte {first_bad} and no other encoding fits "
        f"({replaced:,} of {len(data):,} bytes undecodable); not a text document?",
    )


def _repair_mojibake(result: Decoded) -> Decoded:
    """Undo double encoding ("franÃ§ais" -> "français") line by line, where ftfy explains it.

    Only ftfy's encoding fixes run (no quote uncurling, no normalisation, no HTML unescaping),
    on lines its badness check flags, and a line is changed only when the fix is a real
    re-decoding as UTF-8 (an ``encode`` + ``decode utf-8`` step), so correct
    text is never touched: bench/decoding.py checks that every correct UTF-8 case is unchanged.
    """
    if not _MOJIBAKE_HINT.search(result.text):
        return result
    fix_and_explain, is_bad, config = _ftfy()
    lines = result.text.splitlines(keepends=True)
    steps: dict[str, None] = {}
    fixed_lines = 0
    for i, line in enumerate(lines):
        if line.isascii() or not _MOJIBAKE_HINT.search(line) or not is_bad(line):
            continue
        fixed = fix_and_explain(line, config)
        explanation = fixed.explanation or []
        # Only re-decodings as UTF-8 (double encoding), not e.g. C1 controls read as cp1252.
        if fixed.text == line or not any(
            action == "decode" and what.startswith("utf-8") for action, what in explanation
        ):
            continue
        lines[i] = fixed.text
        fixed_lines += 1
        steps.update(dict.fromkeys(f"{action} {what}" for action, what in explanation))
    if not fixed_lines:
        return result
    what = f"{fixed_lines} line{'s' * (fixed_lines > 1)}: {', '.join(steps)}"
    return dataclasses.replace(result, text="".join(lines), repaired=what)


def _bom(data: bytes) -> tuple[bytes, str] | None:
    for mark, encoding in _BOMS:
        if data.startswith(mark):
            return mark, encoding
    return None


def _utf16_without_bom(data: bytes) -> str | None:
    """``utf-16-le``/``-be`` when NULs sit at every other byte (ASCII-heavy UTF-16), else None."""
    sample = data[: min(len(data), BINARY_SAMPLE_BYTES) & ~1]
    if len(sample) < 8:
        return None
    even, odd = sample[0::2], sample[1::2]
    even_nul, odd_nul = even.count(0) / len(even), odd.count(0) / len(odd)
    if odd_nul > 0.5 and even_nul < 0.01:
        return "utf-16-le"
    if even_nul > 0.5 and odd_nul < 0.01:
        return "utf-16-be"
    return None


def _lossy(data: bytes, encoding: str) -> tuple[str, int]:
    """Decode with replacement; count only the U+FFFD the decoder added, not ones in the text."""
    text = data.decode(encoding, errors="replace")
    already = data.decode(encoding, errors="ignore").count("\ufffd")
    return text, text.count("\ufffd") - already


def _codec(label: str | None) -> str | None:
    """The Python codec for a charset label (WHATWG supersets applied), None if not a charset.

    ``codecs.lookup`` also knows transforms (rot13, base64, hex, zlib, bz2, uu, quopri) and
    Python-only text codecs (idna, punycode, unicode-escape, ...) that no page is written in;
    a label naming one of them is ignored like an unknown one, so the next rule decides.
    """
    if not label:
        return None
    try:
        info = codecs.lookup(label.strip().strip("\"'"))
    except (LookupError, ValueError):  # unknown name; ValueError: a NUL in the label
        return None
    if not info._is_text_encoding or info.name in _NOT_CHARSETS:
        return None
    return _WHATWG_SUPERSETS.get(info.name, info.name)


def _charset_from_content_type(declared: str | None) -> str | None:
    """``text/html; charset=KOI8-R`` -> ``KOI8-R``; a bare ``koi8-r`` is taken as the charset."""
    if not declared:
        return None
    match = _CONTENT_TYPE_CHARSET.search(declared)
    if match:
        return match.group(1)
    return None if "/" in declared else declared


def _meta(data: bytes) -> str | None:
    match = _META_CHARSET.search(data[:META_SNIFF_BYTES])
    return match.group(1).decode("ascii") if match else None


def _try_declared(data: bytes, label: str | None, method: str) -> Decoded | None:
    codec = _codec(label)
    if codec is None:
        return None
    if codec.startswith(("utf_16", "utf_32", "utf-16", "utf-32")) and method == "meta":
        # The page was readable as ASCII to find the tag, so it is not UTF-16 (WHATWG rule).
        return None
    if codec != "utf-8" and _is_non_ascii_utf8(data):
        return Decoded(data.decode("utf-8"), "utf-8", "utf-8")
    try:
        text, replaced = _lossy(data, codec)
    except (UnicodeError, LookupError):  # a codec that refuses errors="replace"
        return None
    if replaced > MAX_REPLACED_RATIO * len(data):
        return None  # the label is wrong; let UTF-8 and the detector try
    return Decoded(text, codec, method, replaced)


def _is_non_ascii_utf8(data: bytes) -> bool:
    if data.isascii():
        return False
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True
