"""A workspace made before the mentions stage gets entities and dates by ``reprocess`` (and by
the next ``ingest``), from its stored text, with the real finders."""

from __future__ import annotations

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
