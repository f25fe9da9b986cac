"""Property tests for decode: any bytes, any text, any legacy charset with its label."""

from __future__ import annotations

import codecs

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from storyline.decode import decode
from storyline.errors import DocumentError

PROPERTY = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])

LABELS = st.sampled_from(
    [None, "utf-8", "utf-16", "windows-1251", "latin-1", "koi8-r", "rot13", "base64", "idna",
     "punycode", "undefined", "utf-7", "x-unknown", "text/html; charset=hex", "\x00", "é"]
)  # fmt: skip

LEGACY = ["cp1252", "cp1250", "cp1251", "cp1253", "cp1254", "cp1256", "iso8859-2", "koi8-r"]


def _alphabet(charset: str) -> list[str]:
    """Every printable, non-space character that ``charset`` can encode."""
    out = []
    for byte in range(0x20, 0x100):
        try:
            ch = bytes([byte]).decode(charset)
        except UnicodeDecodeError:
            continue
        if ch.isprintable() and not ch.isspace():
            out.append(ch)
    return out


@PROPERTY
@given(st.binary(max_size=3000), LABELS)
def test_any_bytes_decode_or_raise_document_error(data: bytes, label: str | None) -> None:
    try:
        result = decode(data, declared=label)
    except DocumentError as error:
        assert error.stage == "decode" and error.reason
        return
    assert isinstance(result.text, str) and result.text.strip()
    codecs.lookup(result.encoding)  # a real codec name


@PROPERTY
@given(st.text(min_size=1, max_size=500))
def test_utf8_text_round_trips(text: str) -> None:
    assume(text.replace("\x00", "").strip() and not text.startswith("\ufeff"))
    try:
        result = decode(text.encode("utf-8"))
    except DocumentError as error:
        # Only text that really looks binary (control characters) or UTF-16 may be refused.
        assert "binary content" in error.reason or "empty" in error.reason
        return
    # Exact, unless it was repaired as mojibake: then the repair says so.
    assert result.text == text or result.repaired is not None
    assert result.encoding.startswith("utf")


@PROPERTY
@given(st.data(), st.sampled_from(LEGACY))
def test_legacy_text_with_its_meta_charset_round_trips(data: st.DataObject, charset: str) -> None:
    words = st.text(alphabet=_alphabet(charset), min_size=1, max_size=12)
    text = " ".join(data.draw(st.lists(words, min_size=1, max_size=40)))
    page = f'<html><head><meta charset="{charset}"><title>t</title></head><body><p>{text}</p>'
    raw = page.encode(charset)
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError:
        pass
    else:
        assume(raw.isascii())  # bytes that are valid UTF-8 too are read as UTF-8 (by design)
    result = decode(raw)
    assert result.text == page or result.repaired is not None
    assert result.method == "meta" or raw.isascii()
