"""The decode stage: BOM, declared charset, UTF-8, detection; never a crash on bad bytes."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from storyline.decode import MAX_REPLACED_RATIO, binary_reason, decode
from storyline.errors import DocumentError
from storyline.pipeline import clean
from storyline.read import read
from storyline.records import RawDoc

RU = "Путин и Макрон обсудили по телефону ситуацию вокруг Украины. Встреча в Москве."
FR = "Le président français a téléphoné à son homologue russe. Ça a duré deux heures."


def html(body: str, head: str = "") -> str:
    return f"<html><head>{head}<title>t</title></head><body><p>{body}</p></body></html>"


def test_plain_utf8() -> None:
    result = decode(RU.encode())
    assert (result.text, result.encoding, result.method, result.replaced) == (
        RU,
        "utf-8",
        "utf-8",
        0,
    )


@pytest.mark.parametrize(
    ("data", "encoding"),
    [
        (b"\xef\xbb\xbf" + RU.encode(), "utf-8"),
        (("\ufeff" + RU).encode("utf-16-le"), "utf-16-le"),
        (("\ufeff" + RU).encode("utf-16-be"), "utf-16-be"),
        (("\ufeff" + RU).encode("utf-32-le"), "utf-32-le"),
    ],
)
def test_bom_wins(data: bytes, encoding: str) -> None:
    result = decode(data, declared="text/html; charset=iso-8859-1")
    assert (result.text, result.encoding, result.method) == (RU, encoding, "bom")


def test_utf16_with_bom_has_no_bom_in_text() -> None:
    result = decode(RU.encode("utf-16"))
    assert result.text == RU and result.encoding.startswith("utf-16")


def test_utf16_without_bom_is_text_not_binary() -> None:
    result = decode(html("Macron spoke to Putin").encode("utf-16-le"))
    assert "Macron spoke" in result.text and result.encoding == "utf-16-le"


def test_meta_charset_cp1251() -> None:
    data = html(RU, "<meta charset='windows-1251'>").encode("cp1251")
    result = decode(data)
    assert RU in result.text and result.encoding == "cp1251" and result.method == "meta"


def test_http_equiv_latin1_decodes_as_windows_1252() -> None:
    head = '<meta http-equiv="Content-Type" content="text/html; charset=ISO-8859-1">'
    data = html(FR + " \u201cquoted\u201d", head).encode("cp1252")
    result = decode(data)
    assert FR in result.text and "\u201cquoted\u201d" in result.text
    assert result.encoding == "cp1252" and result.method == "meta"


def test_declared_content_type_beats_meta() -> None:
    data = html(RU, "<meta charset='utf-8'>").encode("koi8-r")
    result = decode(data, declared="text/html; charset=KOI8-R")
    assert RU in result.text and result.encoding == "koi8-r" and result.method == "declared"


def test_bare_charset_and_unknown_labels() -> None:
    assert decode(RU.encode("cp1251"), declared="windows-1251").text == RU
    assert decode(RU.encode(), declared="text/html; charset=no-such-charset").text == RU


def test_valid_utf8_beats_a_wrong_single_byte_label() -> None:
    data = html(FR, "<meta charset='iso-8859-1'>").encode()
    result = decode(data)
    assert FR in result.text and result.encoding == "utf-8"


def test_wrong_utf8_label_falls_back_to_detection() -> None:
    data = html(RU * 3, "<meta charset='utf-8'>").encode("cp1251")
    result = decode(data)
    assert RU in result.text and result.method == "detected"


def test_undeclared_cp1251_is_detected() -> None:
    result = decode((RU + " " + RU).encode("cp1251"))
    assert RU in result.text and result.method == "detected"


def test_mildly_damaged_utf8_is_kept_and_flagged() -> None:
    good = (RU + "\n") * 40
    data = good.encode() + b"\xff\xfe broken \xc3" + good.encode()
    result = decode(data)
    assert result.encoding == "utf-8" and result.replaced == 3
    assert result.text.count(RU) == 80
    assert result.replaced <= MAX_REPLACED_RATIO * len(data)


def test_ascii_with_a_stray_byte_is_read() -> None:
    result = decode(b"Putin and Macron spoke on 28 January \x81 by phone. " * 3)
    assert "Putin and Macron" in result.text


def test_literal_replacement_characters_are_not_counted() -> None:
    assert decode("text with \ufffd in it".encode()).replaced == 0


@pytest.mark.parametrize(
    ("data", "what"),
    [
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(200), "PNG image"),
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "PDF document"),
        (b"\x1f\x8b\x08\x00" + bytes(50), "gzip data"),
        (random.Random(1).randbytes(3000), "control bytes"),
        (bytes(1000), "control bytes"),
    ],
)
def test_binary_is_refused(data: bytes, what: str) -> None:
    with pytest.raises(DocumentError, match="binary content") as caught:
        decode(data)
    assert what in caught.value.reason
    assert caught.value.reason.endswith("not a text document")
    assert caught.value.stage == "decode"


def test_a_few_stray_control_bytes_are_still_text() -> None:
    assert binary_reason(("Hello \x00 world. " + FR).encode()) is None


def test_invalid_utf8_that_no_encoding_explains() -> None:
    """High bytes at random: Latin-1 would 'decode' them, but to noise; the detector rejects."""
    rng = random.Random(7)
    data = bytes(rng.randrange(0x80, 0x100) for _ in range(4000))
    with pytest.raises(DocumentError, match="no other encoding fits") as caught:
        decode(data)
    assert caught.value.reason.startswith("invalid UTF-8 at byte ")


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "empty document (0 bytes)"),
        (b" \r\n\t  \n", "empty after decoding: 7 bytes of whitespace only"),
        (b"\xef\xbb\xbf\n", "empty after decoding: 4 bytes of whitespace only"),
    ],
)
def test_empty(data: bytes, reason: str) -> None:
    with pytest.raises(DocumentError) as caught:
        decode(data)
    assert caught.value.reason == reason


def test_never_crashes_on_random_input() -> None:
    rng = random.Random(0)
    for size in (1, 2, 3, 10, 100, 1000):
        for _ in range(30):
            data = rng.randbytes(size)
            try:
                result = decode(data, declared=rng.choice([None, "utf-8", "utf-16", "x"]))
            except DocumentError:
                continue
            assert isinstance(result.text, str) and result.text.strip()


NOT_CHARSETS = [
    "rot13",
    "base64",
    "hex",
    "zlib",
    "bz2",
    "uu",
    "quopri",
    "idna",
    "punycode",
    "undefined",
    "unicode_escape",
    "raw_unicode_escape",
    "utf-7",
    "no-such-charset",
    "",
]


@pytest.mark.parametrize("label", NOT_CHARSETS)
def test_meta_naming_a_non_charset_falls_through(label: str) -> None:
    data = html(FR, f'<meta charset="{label}">').encode("utf-8")
    result = decode(data)
    assert FR in result.text and result.encoding == "utf-8" and result.method == "utf-8"


@pytest.mark.parametrize("label", NOT_CHARSETS)
def test_content_type_naming_a_non_charset_falls_through(label: str) -> None:
    data = html(RU, "<meta charset='windows-1251'>").encode("cp1251")
    result = decode(data, declared=f"text/html; charset={label}")
    assert RU in result.text and result.encoding == "cp1251" and result.method == "meta"


def test_non_charset_labels_on_undecodable_bytes_still_decode_or_refuse() -> None:
    data = bytes(range(0x80, 0x100)) * 4
    for label in NOT_CHARSETS:
        try:
            decode(html("x").encode() + data, declared=label)
        except DocumentError as error:
            assert error.stage == "decode"


FR_SHORT = "Le président français a été reçu à l'Élysée."


def test_short_latin1_french_without_a_label_is_not_cp1257() -> None:
    result = decode(FR_SHORT.encode("latin-1"))
    assert result.text == FR_SHORT and result.method == "detected"


@pytest.mark.parametrize(
    ("text", "charset"),
    [
        ("Sąd Najwyższy orzekł, że źródła są wiarygodne.", "cp1250"),
        ("Sąd Najwyższy orzekł, że źródła są wiarygodne.", "iso-8859-2"),
        ("Türkiye'nin başkenti Ankara'da gösteri yapıldı.", "cp1254"),
        ("Путин и Макрон обсудили ситуацию.", "koi8-r"),
        ("Fünf Surfer vor Rügen gerettet.", "cp1252"),
    ],
)
def test_short_legacy_texts_decode_exactly(text: str, charset: str) -> None:
    assert decode(text.encode(charset)).text == text


def test_double_encoded_utf8_is_repaired_and_recorded() -> None:
    mojibake = FR_SHORT.encode().decode("cp1252").encode()
    result = decode(mojibake)
    assert result.text == FR_SHORT
    assert result.repaired is not None and "decode utf-8" in result.repaired


def test_only_the_double_encoded_lines_are_repaired() -> None:
    good = "Ceci est correct : déjà vu."
    bad = FR_SHORT.encode().decode("cp1252")
    result = decode(f"{good}\n{bad}\n".encode())
    assert result.text == f"{good}\n{FR_SHORT}\n"
    assert result.repaired is not None and result.repaired.startswith("1 line:")


@pytest.mark.parametrize(
    "text",
    [
        FR_SHORT,
        "Ã is a letter in Portuguese: São Paulo, NÃO.",
        "Mojibake looks like \u201cfranÃ§ais\u201d — see the FAQ.",
        "ПРИВЕТ и «кавычки» — 100 ₽",
    ],
)
def test_correct_text_is_never_repaired(text: str) -> None:
    result = decode(text.encode())
    if "franÃ§ais" in text:
        # ftfy may read a quoted example as mojibake; what matters is that it says so.
        assert result.text == text or result.repaired is not None
    else:
        assert result.text == text and result.repaired is None


def test_double_encoded_page_is_stored_clean_and_in_its_language(tmp_path: Path) -> None:
    """Issue 11 §8: mojibake was stored as garbage and tagged with the wrong language."""
    body = " ".join([FR_SHORT, FR] * 3)
    page = html(body, "<meta charset='utf-8'>").encode().decode("cp1252").encode()
    path = tmp_path / "page.html"
    path.write_bytes(page)
    [raw] = [doc for doc in read([path]) if isinstance(doc, RawDoc)]
    article = clean(raw)
    assert FR_SHORT in article.text and "Ã" not in article.text
    assert article.lang == "fr"
