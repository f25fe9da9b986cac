"""A workspace built from real files whose titles, texts, URLs and paths hold everything that
breaks terminals and markup parsers: rich markup, ANSI escapes, CR, NUL, C1, bidi controls,
right-to-left text and combining characters."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from odd_text import BODY, ODD, SAMPLE, SECOND, Odd

import storyline


@pytest.fixture(scope="session")
def odd(tmp_path_factory: pytest.TempPathFactory) -> Odd:
    root = tmp_path_factory.mktemp("odd")
    folder = root / "odd[" / "x]"  # the path odd[/x]/
    folder.mkdir(parents=True)
    record_id = "odd[/x]\x1b[2J\u202e-1"  # ids come from the input: untrusted too
    record = {
        "id": record_id,
        "title": f"Bridge reopens {ODD}",
        "text": BODY.format(odd=ODD) + "\n\n" + SECOND,
        "url": "https://example.org/[bold]news[/bold]/\x1b[31mred",
        "site": "example[/x].org",
        "published": "2026-01-27T10:00:00+03:00",
        "lang": "en",
    }
    jsonl = folder / "records[sic].jsonl"
    jsonl.write_text(json.dumps(record) + "\n", encoding="utf-8")
    html = folder / "page [bold].html"
    odd_html = ODD.replace("&", "&amp;").replace("<", "&lt;")
    html.write_text(
        "<!doctype html><html><head><meta charset='utf-8'>"
        f"<title>Council approves budget {odd_html}</title></head><body><article>"
        f"<h1>Council approves budget {odd_html}</h1>"
        + "".join(
            f"<p>{p}</p>"
            for p in (
                "The city council approved next year's budget on Monday evening after a long "
                f"debate about spending on schools and public transport, {odd_html}.",
                "Members of the opposition voted against the plan, arguing that it raised fees "
                "for residents while leaving the repair of roads and bridges underfunded.",
                "The mayor said the budget was balanced and promised to publish every line of "
                "it online before the end of the week so that residents could read it.",
            )
        )
        + "</article></body></html>",
        encoding="utf-8",
    )
    (folder / "empty [bold]\x1b[2J.txt").write_bytes(b"")  # an error row with an odd source
    db = root / "odd.db"
    with storyline.open(db) as ws:
        ws.ingest([folder])
    return Odd(db=db, root=root, jsonl=jsonl, html=html, record_id=record_id)


@pytest.fixture(scope="session")
def sample_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A workspace of the bundled sample pages (five languages, four sites, three stories)."""
    db = tmp_path_factory.mktemp("sample") / "sample.db"
    with storyline.open(db) as ws:
        ws.ingest(SAMPLE)
    return db
