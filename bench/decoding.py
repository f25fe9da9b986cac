"""Decoding benchmark: exact-text accuracy on real article text re-encoded in legacy charsets.

Real pages in legacy charsets are rare in open data sets, so this makes them: real article text
(``../shared/data``) is cut into windows of 100, 200, 500 and 2,000 characters and written in the
legacy charsets of its language, as a bare text (no label), as an HTML page with a correct
``<meta charset>``, as UTF-8 (the control: nothing may be "repaired" in correct text) and as
double-encoded UTF-8 (UTF-8 bytes read as windows-1252 and saved as UTF-8 again: "franÃ§ais").
A case scores 1 when ``decode(data).text`` is exactly the text that was encoded.

Sources: MEANTIME (en, es, it, nl), both sides of the SemEval-2022 pairs (de, en, es, fr, pl, tr,
ar) and, for Russian, the Cyrillic paragraphs of the one Russian page of trafilatura-eval. Only
windows with a non-ASCII character are kept (pure ASCII is right under every rule).

Split: a document is **dev** when the first byte of sha1(its id) is even, else **test**. The
plausibility score in ``storyline/decode.py`` was tuned on dev only; the tables report test.

Decoders scored: charset-normalizer alone (``str(from_bytes(data).best())``, the anchor), the v1
decoder (``git show main:src/storyline/decode.py``, loaded as its own module; omitted when git
or the branch is missing) and the current ``storyline.decode``.

Run: ``python -m bench.decoding [DATA_DIR]``; ``run(data)`` returns the Markdown section.
``cases(data, split, per_language)`` is the corpus, also used by ``tests/test_decode_quality.py``.
"""

from __future__ import annotations

import gzip
import hashlib
import html
import json
import pathlib
import re
import subprocess
import sys
import types
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import ftfy.bad_codecs  # noqa: F401  (registers "sloppy-windows-1252")
from charset_normalizer import from_bytes

from storyline.decode import decode
from storyline.errors import DocumentError

ROOT = pathlib.Path(__file__).resolve().parent.parent
DEFAULT_DATA = ROOT.parent / "shared" / "data"

LENGTHS = (100, 200, 500, 2000)
# Legacy charsets each language was (and is) published in.
CHARSETS: dict[str, tuple[str, ...]] = {
    "en": ("cp1252", "iso-8859-1", "iso-8859-15"),
    "de": ("cp1252", "iso-8859-1", "iso-8859-15"),
    "es": ("cp1252", "iso-8859-1", "iso-8859-15"),
    "fr": ("cp1252", "iso-8859-1", "iso-8859-15"),
    "it": ("cp1252", "iso-8859-1", "iso-8859-15"),
    "nl": ("cp1252", "iso-8859-1", "iso-8859-15"),
    "pl": ("cp1250", "iso-8859-2"),
    "tr": ("cp1254", "iso-8859-9"),
    "ar": ("cp1256", "iso-8859-6"),
    "ru": ("cp1251", "koi8-r", "iso-8859-5"),
}
VARIANTS = ("bare", "meta", "utf-8", "double-encoded")
RUSSIAN_PAGE = "football.ua.podolski.html.gz"
_CYRILLIC_LINE = re.compile(r"[А-Яа-яЁё]")


@dataclass(frozen=True, slots=True)
class Case:
    doc: str
    lang: str
    charset: str  # "utf-8" for the utf-8 and double-encoded variants
    variant: str
    length: int
    data: bytes
    gold: str


def split_of(doc_id: str) -> str:
    return "dev" if hashlib.sha1(doc_id.encode()).digest()[0] % 2 == 0 else "test"


def documents(data: pathlib.Path) -> Iterator[tuple[str, str, str]]:
    """(doc id, language, text) of every source document."""
    for line in (data / "meantime" / "articles.jsonl").read_text(encoding="utf-8").splitlines():
        doc = json.loads(line)
        yield f"meantime:{doc['doc_id']}:{doc['lang']}", doc["lang"], doc["text"]
    pairs = (data / "semeval2022-pairs" / "dev.jsonl").read_text(encoding="utf-8").splitlines()
    for line in pairs:
        pair = json.loads(line)
        for side in ("1", "2"):
            yield f"semeval:{pair['pair_id']}:{side}", pair[f"lang{side}"], pair[f"text{side}"]
    page = data / "extraction" / "trafilatura-eval" / "html" / RUSSIAN_PAGE
    if page.exists():
        text = re.sub(r"<[^>]*>", "\n", gzip.decompress(page.read_bytes()).decode("utf-8"))
        lines = [html.unescape(t).strip() for t in text.splitlines()]
        russian = [t for t in lines if len(t) > 60 and len(_CYRILLIC_LINE.findall(t)) > len(t) / 2]
        for i in range(0, len(russian), 3):  # a few "documents" of three paragraphs
            yield f"trafilatura-eval:{RUSSIAN_PAGE}:{i}", "ru", "\n".join(russian[i : i + 3])


def window(text: str, length: int) -> str:
    """The first ``length`` characters of ``text``, cut back to a word boundary."""
    text = text.strip()
    if len(text) <= length:
        return text
    cut = text[:length]
    return cut[: cut.rfind(" ")] if " " in cut else cut


def page(text: str, charset: str) -> str:
    return (
        f'<html><head><meta charset="{charset}"><title>t</title></head>'
        f"<body><p>{text}</p></body></html>"
    )


def cases(data: pathlib.Path, split: str, per_language: int = 12) -> list[Case]:
    """The corpus: ``per_language`` documents per language from ``split`` ("dev"/"test")."""
    taken: dict[str, int] = defaultdict(int)
    out: list[Case] = []
    for doc, lang, text in documents(data):
        if lang not in CHARSETS or split_of(doc) != split or taken[lang] >= per_language:
            continue
        taken[lang] += 1
        for length in LENGTHS:
            cut = window(text, length)
            if cut.isascii() or len(cut) < length // 2:
                continue
            for charset in CHARSETS[lang]:
                gold = cut.encode(charset, errors="ignore").decode(charset)
                if gold.isascii():
                    continue
                out.append(Case(doc, lang, charset, "bare", length, gold.encode(charset), gold))
                marked = page(gold, charset)
                out.append(Case(doc, lang, charset, "meta", length, marked.encode(charset), marked))
            out.append(Case(doc, lang, "utf-8", "utf-8", length, cut.encode(), cut))
            double = cut.encode().decode("sloppy-windows-1252").encode()
            out.append(Case(doc, lang, "utf-8", "double-encoded", length, double, cut))
    return out


Decoder = Callable[[bytes], str | None]


def charset_normalizer_alone(data: bytes) -> str | None:
    best = from_bytes(data).best()
    return None if best is None else str(best)


def storyline_decoder(module: types.ModuleType | None = None) -> Decoder:
    function = decode if module is None else module.decode

    def run(data: bytes) -> str | None:
        try:
            return str(function(data).text)
        except DocumentError:
            return None

    return run


# The v1 decoder: main when this benchmark was written (kept fixed so "v1" stays v1 after merge).
V1_REV = "0d8e0d3c201348be2403b3d414cfdb000ad931c8"


def v1_module(rev: str = V1_REV) -> types.ModuleType | None:
    """The decoder at ``rev`` (v1) as a separate module, or None without git or that commit."""
    try:
        source = subprocess.run(
            ["git", "show", f"{rev}:src/storyline/decode.py"],
            capture_output=True,
            text=True,
            cwd=ROOT,
            check=True,
        ).stdout
    except (OSError, subprocess.CalledProcessError):
        return None
    module = types.ModuleType("storyline_decode_v1")
    sys.modules[module.__name__] = module  # dataclasses look their module up there
    exec(compile(source, f"{rev}:src/storyline/decode.py", "exec"), module.__dict__)
    return module


def decoders() -> dict[str, Decoder]:
    found: dict[str, Decoder] = {"charset-normalizer": charset_normalizer_alone}
    v1 = v1_module()
    if v1 is not None:
        found["v1"] = storyline_decoder(v1)
    found["now"] = storyline_decoder()
    return found


def score(corpus: list[Case], decoder: Decoder) -> list[bool]:
    return [decoder(case.data) == case.gold for case in corpus]


def _table(
    title: str, corpus: list[Case], results: dict[str, list[bool]], key: Callable[[Case], str]
) -> list[str]:
    names = list(results)
    groups: dict[str, list[int]] = defaultdict(list)
    for i, case in enumerate(corpus):
        groups[key(case)].append(i)
    lines = [
        f"{title}",
        "",
        "| " + " | ".join(["cases", "n", *names]) + " |",
        "|" + "---|" * (len(names) + 2),
    ]
    for group, indices in groups.items():
        cells = [f"{sum(results[n][i] for i in indices) / len(indices):.1%}" for n in names]
        lines.append(f"| {group} | {len(indices)} | " + " | ".join(cells) + " |")
    every = range(len(corpus))
    totals = [f"{sum(results[n][i] for i in every) / len(corpus):.1%}" for n in names]
    lines.append(f"| **all** | {len(corpus)} | " + " | ".join(f"**{t}**" for t in totals) + " |")
    return [*lines, ""]


def run(data: pathlib.Path, per_language: int = 30) -> str:
    """Score every decoder on both halves; returns the Markdown section for BENCHMARKS.md."""
    found = decoders()
    lines = [
        "## Decoding",
        "",
        "Exact-text accuracy of `decode()` on real article text re-encoded in the legacy "
        "charsets of its language (bare, with a correct `<meta charset>`, UTF-8, double-encoded "
        f"UTF-8), windows of {', '.join(map(str, LENGTHS))} characters, {per_language} documents "
        "per language and half. Tuned on the dev half (sha1 of the document id even); the "
        "tables are the test half. Command: `python -m bench.decoding`.",
        "",
    ]
    dev = cases(data, "dev", per_language)
    dev_results = {name: score(dev, decoder) for name, decoder in found.items()}
    test = cases(data, "test", per_language)
    results = {name: score(test, decoder) for name, decoder in found.items()}
    lines += _table(
        "By variant and length (test half):",
        test,
        results,
        lambda c: f"{c.variant}, {c.length} chars",
    )
    short = [i for i, c in enumerate(test) if c.variant == "bare" and c.length <= 500]
    lines += _table(
        "Bare legacy text of ≤ 500 characters, by charset (test half):",
        [test[i] for i in short],
        {n: [r[i] for i in short] for n, r in results.items()},
        lambda c: f"{c.lang} {c.charset}",
    )
    totals = ", ".join(f"{n} {sum(r) / len(r):.1%}" for n, r in dev_results.items())
    lines.append(f"Dev half ({len(dev)} cases): {totals}.")
    return "\n".join(lines)


if __name__ == "__main__":
    print(run(pathlib.Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_DATA))
