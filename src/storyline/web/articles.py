"""The article page's data: clean text with its entities and dates marked, the original, its
reprints, and why it is in its story.

The marked text is a list of segments built from the mention offsets: each segment is plain
text the template escapes (stored text is never markup). The original is read back from the
``source`` file when it is still there (the store keeps no raw bytes), bounded in size.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from starlette.requests import Request

from storyline.errors import NotFound
from storyline.records import Article
from storyline.web import params
from storyline.web.site import Site
from storyline.web.stories import article_row

# Bytes of the original file shown beside the clean text: a long page's head is enough to see
# what cleaning removed, and a 100 MB crawl file must not become one page.
ORIGINAL_BYTES = 256 * 1024


def segments(a: Article) -> list[list[dict[str, Any]]]:
    """Each paragraph as segments ``{"text", "kind": None | "entity" | "date", ...}``: the
    article's mentions (offsets into ``Article.text``), overlaps dropped, in text order."""
    marks: list[tuple[int, int, dict[str, Any]]] = []
    text = a.text
    for e in a.entities:
        if text[e.start : e.end] == e.text:
            marks.append(
                (e.start, e.end, {"kind": "entity", "type": e.type, "id": e.id, "name": e.name})
            )
    for d in a.dates:
        if text[d.start : d.end] == d.text:
            marks.append((d.start, d.end, {"kind": "date", "value": d.value, "planned": d.planned}))
    marks.sort(key=lambda m: (m[0], -m[1]))
    out: list[list[dict[str, Any]]] = []
    at = 0
    for paragraph in a.paragraphs:
        start, end = at, at + len(paragraph)
        pos, parts = start, []
        for m_start, m_end, info in marks:
            if m_start < pos or m_end > end or m_start >= end:
                continue
            if m_start > pos:
                parts.append({"text": text[pos:m_start], "kind": None})
            parts.append({"text": text[m_start:m_end]} | info)
            pos = m_end
        if pos < end:
            parts.append({"text": text[pos:end], "kind": None})
        out.append(parts)
        at = end + 2  # the blank line between paragraphs
    return out


def original(source: str) -> dict[str, Any] | None:
    """The original document behind ``source`` as text (bounded, undecodable bytes replaced),
    when it is a readable file: ``path``, ``path:LINE`` (a JSONL record), ``path#item`` (a
    feed's item: the whole feed). None when it is gone or unreadable."""
    path, line = source.split("#", 1)[0], None
    head, _, tail = path.rpartition(":")
    if head and tail.isdigit() and not Path(path).is_file():
        path, line = head, int(tail)
    file = Path(path)
    try:
        if not file.is_file():
            return None
        with file.open("rb") as f:
            if line is None:
                data = f.read(ORIGINAL_BYTES + 1)
            else:
                data = b""
                for n, raw in enumerate(f, 1):
                    if n == line:
                        data = raw[: ORIGINAL_BYTES + 1]
                        break
    except OSError:
        return None
    return {
        "path": str(file),
        "line": line,
        "text": data[:ORIGINAL_BYTES].decode("utf-8", errors="replace"),
        "truncated": len(data) > ORIGINAL_BYTES,
    }


def article_page(site: Site, request: Request) -> dict[str, Any]:
    """``/articles/{id}``: metadata, marked text, original, reprints, why in its story."""
    ws = site.workspace()
    a = ws.article(request.path_params["article_id"])
    story = copy_of = None
    copies: list[dict[str, Any]] = []
    why: dict[str, Any] | None = None
    why_note = "not in a story"
    if a.story_id is not None:
        s = ws.store.story(a.story_id, members=False)
        story = {"id": s.id, "title": s.title, "size": s.size}
        links = ws.store.copy_links(s.id)
        copy_ids = [c for c, o in links.items() if o == a.id]
        copies = [article_row(c) for c in ws.store.articles(ids=copy_ids)] if copy_ids else []
        try:
            why = ws.why(a, s.id).to_dict()
        except NotFound as exc:
            why_note = str(exc)
    if a.copy_of is not None:
        try:
            copy_of = article_row(ws.article(a.copy_of))
        except NotFound:
            copy_of = {
                "id": a.copy_of,
                "title": None,
                "site": None,
                "lang": None,
                "published": None,
            }
    record = a.to_dict()
    return {
        "article": record,
        "link": params.safe_url(a.url),
        "country": params.country_of(a.url, a.site),
        "segments": segments(a),
        "original": original(a.source),
        "story": story,
        "copy_of": copy_of,
        "copies": copies,
        "why": why,
        "why_note": None if why else why_note,
    }
