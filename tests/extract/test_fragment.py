"""Issue 11 §4: short fragments (an RSS description of one <p> or plain text, a JSONL html
field with one element) are article text; a feed with a DOCTYPE subset is read as a feed."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from storyline.errors import DocumentError
from storyline.extract import extract
from storyline.extract.fragment import fragment_text, is_fragment
from storyline.read import read, sniff
from storyline.records import DocError, RawDoc

# 10^9 "lol"s if expanded; expat refuses (amplification limit) and feedparser keeps it inert.
BILLION_LAUGHS = (
    '<!DOCTYPE rss [<!ENTITY l0 "lol">'
    + "".join(f'<!ENTITY l{i} "{f"&l{i - 1};" * 10}">' for i in range(1, 10))
    + "]>"
)
BODY = "The council voted on Monday to close the old bridge for repairs."


def feed(doctype: str = "", entity: str = "") -> bytes:
    items = [
        f"<description>{BODY}{entity}</description>",  # plain text
        f"<description>&lt;p&gt;{BODY} Second.&lt;/p&gt;</description>",  # one <p>, escaped
        f"<description><![CDATA[<p>{BODY} Third.</p>]]></description>",
        f"<description>&lt;div&gt;&lt;p&gt;{BODY}&lt;/p&gt;&lt;p&gt;Fourth.&lt;/p&gt;&lt;/div&gt;"
        "</description>",
    ]
    body = "".join(f"<item><title>Item {n}</title>{d}</item>" for n, d in enumerate(items, 1))
    return (
        f'<?xml version="1.0"?>{doctype}<rss version="2.0"><channel><title>Feed</title>'
        f"{body}</channel></rss>"
    ).encode()


@pytest.mark.parametrize(
    ("html", "paragraphs"),
    [
        (f"<p>{BODY}</p>", (BODY,)),
        (BODY, (BODY,)),
        (f"<div><p>{BODY}</p><p>Two &amp; three.<br>Four</p><script>x()</script></div>",
         (BODY, "Two & three.", "Four")),
        ("<!-- only a comment -->", ()),
        ("<style>p { color: red }</style>", ()),
        ("   ", ()),
    ],
)  # fmt: skip
def test_fragment_text(html: str, paragraphs: tuple[str, ...]) -> None:
    assert fragment_text(html) == paragraphs


def test_a_whole_page_is_not_a_fragment() -> None:
    assert not is_fragment("<!DOCTYPE html><html><body><p>x</p></body></html>")
    assert is_fragment(f"<p>{BODY}</p>")


def test_every_item_of_an_ordinary_rss_feed_becomes_an_article(tmp_path: Path) -> None:
    (tmp_path / "feed.xml").write_bytes(feed())
    articles = [extract(doc) for doc in read([tmp_path / "feed.xml"]) if isinstance(doc, RawDoc)]
    assert [a.title for a in articles] == ["Item 1", "Item 2", "Item 3", "Item 4"]
    assert [a.text for a in articles] == [
        BODY, f"{BODY} Second.", f"{BODY} Third.", f"{BODY}\n\nFourth."
    ]  # fmt: skip


def test_a_jsonl_html_field_with_one_element_is_article_text() -> None:
    fields = {"id": "j", "html": f"<p>{BODY}</p>"}
    data = json.dumps(fields).encode()
    article = extract(RawDoc(data, "x.jsonl:1", "0" * 64, "record", fields=fields))
    assert article.paragraphs == (BODY,)


def test_an_html_file_holding_a_fragment_is_article_text() -> None:
    data = f"<p>{BODY}</p>".encode()
    article = extract(RawDoc(data, "frag.html", "0" * 64, "html"))
    assert article.paragraphs == (BODY,)


def test_empty_items_are_still_rejected() -> None:
    fields = {"id": "e", "html": "<p>  </p>"}
    with pytest.raises(DocumentError):
        extract(RawDoc(b"{}", "x.jsonl:1", "0" * 64, "record", fields=fields))


@pytest.mark.parametrize(
    ("doctype", "entity"),
    [
        ('<!DOCTYPE rss [<!ENTITY site "Example">]>', " &site;"),
        ('<!DOCTYPE rss [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>', " &xxe;"),
        (BILLION_LAUGHS, " &l9;"),
    ],
    ids=["entity", "xxe", "billion-laughs"],
)
def test_a_feed_with_a_doctype_subset_is_read_as_a_feed_and_entities_stay_inert(
    tmp_path: Path, doctype: str, entity: str
) -> None:
    data = feed(doctype, entity)
    assert sniff(data, "feed.xml") == "feed"
    (tmp_path / "feed.xml").write_bytes(data)
    docs = list(read([tmp_path / "feed.xml"]))
    assert not [d for d in docs if isinstance(d, DocError)]
    articles = [extract(d) for d in docs if isinstance(d, RawDoc)]
    assert len(articles) == 4
    text = " ".join(a.text for a in articles)
    assert "root:" not in text and "lollollol" not in text
    assert len(text) < 1000
