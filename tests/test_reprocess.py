"""A workspace made before the mentions stage gets entities and dates by ``reprocess`` (and by
the next ``ingest``), from its stored text, with the real finders."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from tests.test_store_mentions import old_workspace

import storyline
from storyline.pipeline import mentions_version


def test_reprocess_annotates_the_articles_of_an_older_workspace(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    old_workspace(path)
    with storyline.open(path) as ws:
        assert ws.article("old1").mentions == ""
        seen: list[tuple[int, int]] = []
        assert ws.reprocess(progress=lambda done, total: seen.append((done, total))) == 1
        assert seen[-1] == (1, 1)
        article = ws.article("old1")
        assert article.mentions == mentions_version()
        assert any(m.text == "Putin" for m in article.entities)
        assert any(d.text == "February 7" for d in article.dates)
        assert all(article.text[m.start : m.end] == m.text for m in article.entities)
        assert ws.reprocess() == 0  # nothing left with another version


def test_ingest_annotates_older_articles_at_its_end(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    old_workspace(path)
    page = tmp_path / "new.txt"
    page.write_text("Macron visited Berlin.\n\nHe met Scholz there on Tuesday.\n", "utf-8")
    with storyline.open(path) as ws:
        report = ws.ingest(page)
        assert report.reprocessed == 1 and report.to_dict()["reprocessed"] == 1
        assert ws.article("old1").mentions == mentions_version()


def test_titles_are_annotated_at_ingest_and_filled_in_for_older_articles(tmp_path: Path) -> None:
    """The mentions stage also annotates titles (offsets into the title), stored so that the
    timeline does not run NER on read; an article stored without them gets them from
    ``reprocess``, its body mentions untouched."""
    page = tmp_path / "call.txt"
    page.write_text(
        "Putin will meet Macron in Moscow on February 7\n\n"
        "The Kremlin said the two presidents spoke by phone on Monday.\n",
        "utf-8",
    )
    path = tmp_path / "ws.db"
    with storyline.open(path) as ws:
        ws.ingest(page, published="2022-01-31")
        (article,) = ws.articles()
        assert article.title.startswith("Putin will meet")
        assert article.title_entities is not None and article.title_dates is not None
        names = {article.title[m.start : m.end] for m in article.title_entities}
        assert {"Putin", "Macron"} <= names
        assert [d.value for d in article.title_dates] == ["2022-02-07"]
        body = article.entities
    conn = sqlite3.connect(path)  # as a workspace of the previous version has it
    conn.execute("DELETE FROM title_mentions")
    conn.commit()
    conn.close()
    with storyline.open(path) as ws:
        assert ws.article(article.id).title_entities is None
        assert ws.timeline(article.story_id or "")  # annotated on read meanwhile
        assert ws.reprocess() == 1
        again = ws.article(article.id)
        assert again.title_entities == article.title_entities
        assert again.title_dates == article.title_dates and again.entities == body
        assert ws.reprocess() == 0
