"""Text of a short HTML fragment: an RSS ``description`` that is one ``<p>``, a JSONL ``html``
field with a single element, a bare sentence.

trafilatura looks for a main-content block among many and returns nothing for a fragment of
one element, whatever its length (DEPENDENCIES.md); this takes the fragment's visible text
instead, one paragraph per block element. Only used for fragments, never for a whole page,
where menus and footers would come along.
"""

from __future__ import annotations

import re

import lxml.html  # type: ignore[import-untyped]  # lxml ships no stubs
from lxml import etree

VERSION = "0.1"
EXTRACTOR = f"storyline-fragment-{VERSION}"

# Elements that start a new paragraph; the text of the ones in _HIDDEN is never visible.
_BLOCKS = frozenset(
    {
        *("p", "div", "br", "hr", "li", "ul", "ol", "dl", "dd", "dt", "pre", "blockquote"),
        *("h1", "h2", "h3", "h4", "h5", "h6", "table", "tr", "td", "th", "address"),
        *("section", "article", "header", "footer", "aside", "nav", "main", "figure"),
        "figcaption",
    }
)
_HIDDEN = frozenset(
    ("script", "style", "noscript", "template", "head", "object", "embed", "svg", "iframe")
)
# A whole page (rather than a fragment) has one of these near its start.
_PAGE = re.compile(r"<!doctype\s+html|<html[\s>]|<body[\s>]", re.I)
_PAGE_SNIFF_CHARS = 4096

# No network, no DTD, no entities beyond HTML's own: scraped markup is data, not instructions.
_PARSER = lxml.html.HTMLParser(
    remove_comments=True, remove_pis=True, no_network=True, default_doctype=False
)


def is_fragment(html: str) -> bool:
    """Whether ``html`` is a fragment (no doctype, ``<html>`` or ``<body>`` near its start)."""
    return _PAGE.search(html, 0, _PAGE_SNIFF_CHARS) is None


def _visible_text(root: etree._Element) -> list[str]:
    """The text of ``root`` with a line break around each block element, hidden ones left out.

    Walks the tree without modifying it (lxml refuses to set text holding control characters
    that its parser let through) and without recursion (nesting can be thousands deep).
    """
    out: list[str] = []
    hidden = 0
    for event, element in etree.iterwalk(root, events=("start", "end")):
        tag = element.tag if isinstance(element.tag, str) else ""
        if event == "start":
            hidden += tag in _HIDDEN
            if hidden == 0:
                out.append("\n" if tag in _BLOCKS else "")
                out.append(element.text or "")
            continue
        hidden -= tag in _HIDDEN
        if hidden == 0:
            out.append("\n" if tag in _BLOCKS else "")
            if element is not root:
                out.append(element.tail or "")
    return out


def fragment_text(html: str) -> tuple[str, ...]:
    """The visible text of ``html`` as paragraphs (whitespace collapsed, empty ones dropped)."""
    if not html.strip():
        return ()
    try:
        root = etree.fromstring(html, parser=_PARSER)
    except (etree.ParserError, etree.XMLSyntaxError, ValueError):
        return ()
    if root is None:  # only a comment, or nothing lxml could make an element of
        return ()
    text = "".join(_visible_text(root))
    lines = (" ".join(line.split()) for line in text.split("\n"))
    return tuple(line for line in lines if line)
