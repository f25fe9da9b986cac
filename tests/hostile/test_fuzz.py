"""A bounded fuzz harness over read + decode + extract (``atheris`` is not installed here, so
hypothesis drives it with a fixed budget): real documents of every format, mutated byte-wise
(flips, insertions of hostile snippets, deletions, truncation), must each come out as an
Article or a documented error — ``DocumentError`` from a stage, ``DocError`` from a reader —
and nothing else may escape. Deterministic (``derandomize``) and ~10-20 s in the suite."""

from __future__ import annotations

import gzip
import json
import os
import tempfile

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tests.hostile.make_corpus import BODY, _item, _rss, _warc

from storyline.errors import DocumentError
from storyline.extract import extract
from storyline.read import read
from storyline.records import Article, DocError

# Examples per run: the budget that keeps this file well under 30 s on 2 shared cores.
FUZZ_EXAMPLES = 300

SEEDS: dict[str, bytes] = {
    "page.html": (
        "<!DOCTYPE html><html><head><title>Bridge</title><meta charset='utf-8'></head><body>"
        f"<nav>Home | About</nav><article><h1>Bridge closed</h1><p>{BODY}</p><p>{BODY}</p>"
        "</article><footer>© 2020</footer></body></html>"
    ).encode(),
    "dump.txt": f"Home\nLogin\nBridge closed\n{BODY}\n{BODY}\nLeave a Reply\n".encode(),
    "lines.jsonl": b"".join(
        json.dumps({"id": f"j{n}", "title": "T", "text": BODY, "published": "2020-01-28"}).encode()
        + b"\n"
        for n in range(3)
    ),
    "records.json": json.dumps([{"maintext": BODY, "date_publish": "2020-01-28"}]).encode(),
    "feed.xml": _rss(_item(1, BODY) + _item(2, f"&lt;p&gt;{BODY}&lt;/p&gt;")),
    "crawl.warc.gz": _warc(2),
    "dump.txt.gz": gzip.compress(f"Bridge closed\n{BODY}\n".encode(), mtime=0),
}
# Charset labels that name transforms, not text encodings (issue 11 §3): v1's decode raised on them.
SNIPPETS = [
    b"\x00", b"\xff\xfe", b"\xef\xbb\xbf", b"\\udfff", b"\xed\xa0\x80", b"\x1b[2J", b"\r",
    b"<!DOCTYPE rss [<!ENTITY a 'x'>]>", b"&a;", b"0001-01-01T00:00:00+14:00", b"9" * 5000,
    b"[" * 2000, b"<meta charset='rot13'>", b"<meta charset='base64'>", b"<meta charset='zlib'>",
    b"<p>", b"</p>", b"<![CDATA[", b"]]>", b'"', b"\n", b"{", b"}", b"WARC/1.0\r\n",
]  # fmt: skip


@st.composite
def mutated(draw: st.DrawFn) -> tuple[str, bytes]:
    name = draw(st.sampled_from(sorted(SEEDS)))
    data = bytearray(SEEDS[name])
    for _ in range(draw(st.integers(min_value=1, max_value=6))):
        at = draw(st.integers(min_value=0, max_value=len(data)))
        action = draw(st.sampled_from(["flip", "insert", "delete", "truncate", "repeat"]))
        if action == "flip" and at < len(data):
            data[at] ^= draw(st.integers(min_value=1, max_value=255))
        elif action == "insert":
            data[at:at] = draw(st.sampled_from(SNIPPETS) | st.binary(max_size=16))
        elif action == "delete":
            del data[at : at + draw(st.integers(min_value=1, max_value=64))]
        elif action == "truncate":
            del data[at:]
        elif action == "repeat":
            data[at:at] = data[at : at + 32] * draw(st.integers(min_value=2, max_value=50))
    return name, bytes(data)


@settings(
    max_examples=FUZZ_EXAMPLES,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(mutated())
def test_read_decode_extract_never_raise_an_undocumented_error(case: tuple[str, bytes]) -> None:
    name, data = case
    with tempfile.TemporaryDirectory() as directory:
        path = os.path.join(directory, name)
        with open(path, "wb") as f:
            f.write(data)
        for item in read([path]):
            if isinstance(item, DocError):
                assert item.reason and item.source
                continue
            try:
                article = extract(item)
            except DocumentError as error:
                assert error.reason and error.stage
                continue
            assert isinstance(article, Article) and article.paragraphs
            article.text.encode("utf-8")
            article.title.encode("utf-8")
            if article.published is not None:
                assert article.published.utcoffset() is not None
