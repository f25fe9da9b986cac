"""Record niceties: short reprs, escaped notebook HTML, field names that match the JSON."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from storyline.records import Article, Story

HOSTILE = "<script>alert('x')</script> & [bold]"


def _article(paragraph: str = "word " * 2000) -> Article:
    return Article(
        id="a1",
        raw_sha256="0" * 64,
        source="page.html",
        title=HOSTILE + " a long title " * 10,
        paragraphs=(paragraph, "second"),
        published=datetime(2026, 1, 28, 10, tzinfo=UTC),
        site="example.org",
        lang="en",
    )


def test_article_repr_is_short_and_names_the_article() -> None:
    text = repr(_article())
    assert len(text) < 200
    assert "'a1'" in text and "lang='en'" in text and "2026-01-28" in text and "example.org" in text


def test_notebook_html_is_escaped() -> None:
    for record in (_article(HOSTILE), _story()):
        html = record._repr_html_()
        assert "<script>" not in html and "&lt;script&gt;" in html


def _story() -> Story:
    return Story(
        id="s1",
        title=HOSTILE,
        size=2,
        languages=("de", "en"),
        sources=("a.example", "b.example"),
        first_date=None,
        last_date=None,
        articles=("a1", "a2"),
    )


def test_story_fields_match_the_json_and_old_names_warn() -> None:
    story = _story()
    data = story.to_dict()
    assert data["sources"] == list(story.sources) and data["articles"] == list(story.articles)
    with pytest.deprecated_call():
        assert story.sites == story.sources
    with pytest.deprecated_call():
        assert story.article_ids == story.articles
    assert len(repr(story)) < 200
