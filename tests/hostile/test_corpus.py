"""The generated hostile corpus (``make_corpus.py``) through the real pipeline: each case gives
the articles and the error rows it must, nothing raises, and the workspace stays usable."""

from __future__ import annotations

from pathlib import Path

import pytest
from tests.hostile.make_corpus import Case, make

import storyline
from storyline.pipeline import clean_documents
from storyline.records import Article, DocError


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[Case]]:
    directory = tmp_path_factory.mktemp("hostile")
    return directory, make(directory)


def test_the_corpus_is_deterministic(tmp_path: Path, corpus: tuple[Path, list[Case]]) -> None:
    directory, cases = corpus
    again = make(tmp_path / "again")
    assert again == cases
    for case in cases:
        first, second = directory / case.path, tmp_path / "again" / case.path
        if first.is_file() and not first.is_symlink():
            assert first.read_bytes() == second.read_bytes(), case.name


def test_every_case_gives_its_articles_and_error_rows(corpus: tuple[Path, list[Case]]) -> None:
    directory, cases = corpus
    wrong: list[str] = []
    for case in cases:
        results = list(clean_documents([directory / case.path]))
        articles = [r for r in results if isinstance(r, Article)]
        errors = [r for r in results if isinstance(r, DocError)]
        reasons = [e.reason for e in errors]
        if len(articles) != case.articles or len(errors) != len(case.errors):
            wrong.append(f"{case.name}: {len(articles)} articles, errors {reasons}")
        elif not all(p in r for p, r in zip(case.errors, reasons, strict=True)):
            wrong.append(f"{case.name}: reasons {reasons}, expected {case.errors}")
        for article in articles:
            article.text.encode("utf-8")
            article.source.encode("utf-8")
            assert "root:" not in article.text and "lollol" not in article.text, case.name
            assert article.published is None or article.published.utcoffset() is not None
    assert wrong == []


def test_the_whole_corpus_ingests_and_the_workspace_stays_usable(
    tmp_path: Path, corpus: tuple[Path, list[Case]]
) -> None:
    directory, cases = corpus
    with storyline.open(tmp_path / "ws.db") as ws:
        report = ws.ingest(directory)
        # Same bytes in two cases (a good line, a feed item) are stored once.
        assert report.new + report.duplicates == sum(c.articles for c in cases), report.errors
        assert report.failed == sum(len(c.errors) for c in cases)
        assert len(ws.errors()) == report.failed
        dated = [a for a in ws.articles() if a.id.startswith("date")]
        assert len(dated) == 3 and all(a.published is None for a in dated)
        assert all(a.published is None or a.published.year == 2020 for a in ws.articles())
        assert sum(s.size for s in ws.stories()) == report.new
        later = tmp_path / "later.txt"
        later.write_text("A later report says the bridge will reopen next spring.\n", "utf-8")
        assert ws.ingest(later).new == 1  # a stored value never breaks a later run
        assert sum(s.size for s in ws.stories()) == report.new + 1
