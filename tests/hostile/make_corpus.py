"""Generate the hostile-input corpus (issue 11): every case is made here, nothing is copied.

    python tests/hostile/make_corpus.py DIR        # writes the files, prints the cases

Pure Python and deterministic: the same bytes on every run. Each ``Case`` names its file(s)
and what ingesting them must give: how many articles, and a phrase each error row's reason
must contain. ``test_corpus.py`` checks every case against the real pipeline.
"""

from __future__ import annotations

import gzip
import io
import json
import os
import random
import sys
from dataclasses import dataclass
from pathlib import Path

BODY = (
    "The council voted on Monday to close the old bridge for repairs after engineers found "
    "cracks in its steel beams."
)
# Far over MAX_DOCUMENT_BYTES (20 MB) once decompressed; ~20 KB on disk.
BOMB_BYTES = 64 * 1024 * 1024
# Long enough to show the encoder caps at work, short enough for the test suite; the figures
# for 1, 5 and 19 MB are measured with a real `storyline ingest` (RELIABILITY-input.md).
LONG_LINE_CHARS = 600_000


@dataclass(frozen=True)
class Case:
    """One hostile input: ``path`` below the corpus directory, ``articles`` it must yield,
    ``errors``: a phrase for each error row it must yield (in order)."""

    name: str
    path: str
    articles: int
    errors: tuple[str, ...] = ()
    threat: str = ""


def long_paragraph(chars: int, *, seed: int = 11) -> str:
    rng = random.Random(seed)
    words = BODY.lower().rstrip(".").split()
    out: list[str] = []
    size = 0
    while size < chars:
        sentence = " ".join(rng.choice(words) for _ in range(rng.randint(8, 20))).capitalize()
        out.append(sentence + ".")
        size += len(out[-1]) + 1
    return " ".join(out)[:chars]


def _rss(items: str, doctype: str = "") -> bytes:
    return (
        f'<?xml version="1.0"?>{doctype}<rss version="2.0"><channel><title>Feed</title>'
        f"{items}</channel></rss>"
    ).encode()


def _item(n: int, description: str, date: str = "Tue, 28 Jan 2020 08:00:00 GMT") -> str:
    return (
        f"<item><title>Item {n}</title><link>https://f.example/{n}</link>"
        f"<pubDate>{date}</pubDate><description>{description}</description></item>"
    )


def _warc(pages: int) -> bytes:
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    buffer = io.BytesIO()
    writer = WARCWriter(buffer, gzip=True)
    for n in range(pages):
        html = f"<html><body><article><p>{BODY} Take {n}.</p>" * 3 + "</article></body></html>"
        headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html")], protocol="HTTP/1.1")
        record = writer.create_warc_record(
            f"https://w.example/{n}", "response", payload=io.BytesIO(html.encode()),
            http_headers=headers, warc_headers_dict={
                "WARC-Date": "2020-01-28T08:00:00Z",
                "WARC-Record-ID": f"<urn:uuid:00000000-0000-4000-8000-{n:012d}>",
            },
        )  # fmt: skip
        writer.write_record(record)
    return buffer.getvalue()


BILLION_LAUGHS = (
    '<!DOCTYPE rss [<!ENTITY l0 "lol">'
    + "".join(f'<!ENTITY l{i} "{f"&l{i - 1};" * 10}">' for i in range(1, 10))
    + "]>"
)

XXE = '<!DOCTYPE rss [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'


def make(directory: Path) -> list[Case]:
    """Write the corpus into ``directory`` (created if needed); the cases, in a stable order."""
    directory.mkdir(parents=True, exist_ok=True)
    cases: list[Case] = []

    def put(case: Case, data: bytes) -> None:
        (directory / case.path).parent.mkdir(parents=True, exist_ok=True)
        (directory / case.path).write_bytes(data)
        cases.append(case)

    good = json.dumps({"id": "good", "text": BODY}).encode() + b"\n"
    # --- issue 11 §3: one bad document must not lose its chunk --------------------------------
    put(Case("huge integer id", "huge-int.jsonl", 1, ("4300 digits",), "json.loads ValueError"),
        b'{"id": ' + b"7" * 5000 + b', "text": "x"}\n' + good)  # fmt: skip
    put(Case("JSON nested 100k deep", "deep.jsonl", 1, ("nested too deeply",), "RecursionError"),
        b'{"id": "d", "text": "x", "a": ' + b"[" * 100_000 + b"]" * 100_000 + b"}\n"
        + good.replace(b"good", b"good2"))  # fmt: skip
    put(Case("lone surrogate", "surrogate.jsonl", 1, (), "unencodable text"),
        b'{"id": "s", "text": "' + BODY.encode() + b' \\udfff"}\n')  # fmt: skip
    names = directory / "names"
    names.mkdir(exist_ok=True)
    with open(os.path.join(os.fsencode(names), b"caf\xe9-\xff.txt"), "wb") as f:
        f.write(BODY.encode() + b" Named badly.\n")
    cases.append(Case("file name not UTF-8", "names", 1, (), "unprintable source"))
    # --- issue 11 §2: dates --------------------------------------------------------------------
    dates = ["0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-14:00", "10000-01-01"]
    lines = [
        json.dumps({"id": f"date{i}", "text": f"{BODY} Date {i}.", "published": d})
        for i, d in enumerate(dates)
    ]
    put(Case("dates out of range", "dates.jsonl", 3, (), "year 0 / 10000 in UTC"),
        ("\n".join(lines) + "\n").encode())  # fmt: skip
    put(Case("RSS date in year 9999", "feed-9999.xml", 1, (), "year 10000 in UTC"),
        _rss(_item(1, BODY, "Fri, 31 Dec 9999 23:59:59 -1400")))  # fmt: skip
    # --- issue 11 §1: one long paragraph --------------------------------------------------------
    line = long_paragraph(LONG_LINE_CHARS)
    put(Case("one long line of text", "long-line.txt", 1, (), "encoder memory"),
        line.encode() + b"\n")  # fmt: skip
    put(Case("one long <p>", "long-p.html", 1, (), "encoder memory"),
        f"<html><body><p>{line}</p></body></html>".encode())  # fmt: skip
    # --- issue 11 §4 and §6: fragments, feeds, silent loss --------------------------------------
    descriptions = [BODY, f"&lt;p&gt;{BODY} Two.&lt;/p&gt;", f"<![CDATA[<p>{BODY} Three.</p>]]>"]
    items = "".join(_item(n, d) for n, d in enumerate(descriptions, 1))
    put(Case("RSS with one-sentence descriptions", "feed-short.xml", 3, (), "lost items"),
        _rss(items))  # fmt: skip
    put(Case("feed with a DOCTYPE subset", "feed-doctype.xml", 3, (), "taken for HTML"),
        _rss(items, '<!DOCTYPE rss [<!ENTITY site "Example">]>'))  # fmt: skip
    put(Case("XXE in a feed", "feed-xxe.xml", 1, (), "file disclosure"),
        _rss(_item(1, BODY + " &xxe;"), XXE))  # fmt: skip
    put(Case("billion laughs in a feed", "feed-laughs.xml", 1, (), "entity expansion"),
        _rss(_item(1, BODY + " &l9;"), BILLION_LAUGHS))  # fmt: skip
    broken = [
        good,
        b'{"id": "b1", "text": "cut off\n',
        good.replace(b"good", b"g2"),
        b'{"id": "b3", "text": "no brace"\n',
        b'{"id": "b4", "text": "comma",}\n',
        good.replace(b"good", b"g5"),
        b"{'id': 'b6'}\n",
    ]
    put(Case("JSONL with 4 broken lines of 7", "broken.jsonl", 3, ("not valid JSON",) * 4,
             "sniffed as text"), b"".join(broken))  # fmt: skip
    put(Case("HTML fragment in a JSONL html field", "fragment.jsonl", 1, (), "no main text"),
        json.dumps({"id": "f", "html": f"<p>{BODY}</p>"}).encode() + b"\n")  # fmt: skip
    # --- issue 6 §4: inputs without article text --------------------------------------------------
    put(Case("a menu", "menu.txt", 0, ("no article text found",), "menu as a story"),
        b"Home | About | Contact\n")  # fmt: skip
    put(Case("one word", "word.txt", 0, ("no article text found",), "a word as a story"),
        b"Subscribe\n")  # fmt: skip
    put(Case("cookie banner", "cookies.html", 0, ("no article text found",), "banner as story"),
        b"<p>We use cookies to improve your experience on our website. Accept all</p>")  # fmt: skip
    # --- already held in v1 --------------------------------------------------------------------
    put(Case("gzip bomb", "bomb.txt.gz", 0, ("too large",), "memory"),
        gzip.compress(b"a" * BOMB_BYTES, compresslevel=9, mtime=0))  # fmt: skip
    warc = _warc(3)
    put(Case("truncated WARC.gz", "cut.warc.gz", 2, ("truncated",), "lost records"),
        warc[: len(warc) * 5 // 6])  # fmt: skip
    text_gz = gzip.compress((BODY + "\n").encode() * 50, mtime=0)
    put(Case("truncated gzip text", "cut.txt.gz", 0, ("cannot read",), "traceback"),
        text_gz[: len(text_gz) // 2])  # fmt: skip
    put(Case("binary file", "image.txt", 0, ("binary",), "garbage article"),
        b"\x89PNG\r\n\x1a\n" + random.Random(5).randbytes(4096))  # fmt: skip
    put(Case("empty file", "empty.txt", 0, ("empty",), "garbage article"), b"")
    oversized = directory / "oversized.txt"
    with open(oversized, "wb") as f:
        f.truncate(21 * 1024 * 1024)  # sparse: costs no disk
    cases.append(Case("oversized file", "oversized.txt", 0, ("too large",), "memory"))
    loop = directory / "loop"
    loop.mkdir(exist_ok=True)
    for a, b in (("a.html", "b.html"), ("b.html", "a.html")):
        if not (loop / a).is_symlink():
            (loop / a).symlink_to(loop / b)
    cases.append(Case("symlink loop", "loop", 0, ("cannot read",) * 2, "hang"))
    return cases


if __name__ == "__main__":
    target = Path(sys.argv[1] if len(sys.argv) > 1 else "hostile-corpus")
    for case in make(target):
        print(f"{case.path:24} {case.articles} article(s), errors {list(case.errors)}: {case.name}")
