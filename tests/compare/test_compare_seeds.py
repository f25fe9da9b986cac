"""Golden comparison of the seeds' story (issue 9), and a reprint folded into its original.

The two seed pages are cleaned by storyline's own extract and ingested as JSONL records (ids
``000`` and ``002``), with a reprint of ``002`` (same text, another site, a day later): one
story. ``ws.compare`` must find what both pages state, what only one of them does, and count
the reprint once.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

import storyline
from storyline.pipeline import clean_documents
from storyline.records import Article, Comparison, Fact

pytestmark = pytest.mark.data

PUBLISHED = {"000": "2022-02-01", "002": "2022-01-28"}
REPRINT = "002-reprint"
# Key phrases (case-insensitive) of the facts both pages state ...
SHARED = {
    "the US/NATO responses ignore Russia's fundamental concerns": "did not take into account such",
    "NATO expansion": "NATO expansion",
    "strike weapons near Russian borders": "strike weapons",
    "the 1997 Founding Act": "Founding Act",
}
# ... and of those only one page states.
ONLY = {
    "000": {
        "Peskov's statements": "Peskov",
        "the 31 January call": "January 31",
        "the 7 February meeting": "February 7",
    },
    "002": {
        "the coronavirus exchange": "coronavirus",
        "the Geneva talks": "Geneva",
        "the Russia-NATO Council meeting in Brussels": "Brussels",
    },
}


@pytest.fixture(scope="module")
def comparison(seeds_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Comparison]:
    work = tmp_path_factory.mktemp("compare-seeds")
    records: list[dict[str, str | None]] = []
    for article in clean_documents(sorted(seeds_dir.glob("*.txt"))):
        assert isinstance(article, Article), article
        name = Path(article.source).name[:3]
        record: dict[str, str | None] = {"id": name, "title": article.title, "text": article.text}
        record["lang"] = article.lang
        records.append(record | {"site": f"seed-{name}.example", "published": PUBLISHED[name]})
        if name == "002":
            reprint: dict[str, str | None] = {"id": REPRINT, "site": "reprint.example"}
            reprint["published"] = "2022-01-29"
            records.append(record | reprint)
    jsonl = work / "seeds.jsonl"
    jsonl.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    with storyline.open(work / "w.db") as ws:
        assert ws.ingest(jsonl).new == 3
        (story,) = ws.stories()
        assert ws.article(REPRINT).copy_of == "002"
        yield ws.compare(story.id)


def _facts(result: Comparison, phrase: str) -> list[Fact]:
    found = [f for f in result.facts if any(phrase.lower() in s.text.lower() for s in f.statements)]
    assert found, f"no fact states {phrase!r}"
    return found


@pytest.mark.parametrize("what", SHARED)
def test_facts_both_pages_state(comparison: Comparison, what: str) -> None:
    for fact in _facts(comparison, SHARED[what]):
        assert set(fact.sources) == {"000", "002"}, (what, fact)
        assert fact.missing == ()
        assert {s.lang for s in fact.statements} == {"en"}


@pytest.mark.parametrize(("page", "what"), [(p, w) for p, ws in ONLY.items() for w in ws])
def test_facts_only_one_page_states(comparison: Comparison, page: str, what: str) -> None:
    other = ({"000", "002"} - {page}).pop()
    for fact in _facts(comparison, ONLY[page][what]):
        assert fact.sources == (page,), (what, fact)
        assert fact.missing == (other,)
        assert fact in comparison.only(page)


def test_the_reprint_counts_once(comparison: Comparison) -> None:
    assert comparison.articles == ("002", "000")  # the earliest first; the reprint folded
    said = [s for f in comparison.facts for s in f.statements]
    assert REPRINT not in {s.article for s in said}
    assert all(s.copies == ((REPRINT,) if s.article == "002" else ()) for s in said)
    assert not comparison.capped


def test_statements_are_the_pages_own_words(comparison: Comparison, seeds_dir: Path) -> None:
    pages = {
        Path(a.source).name[:3]: a
        for a in clean_documents(sorted(seeds_dir.glob("*.txt")))
        if isinstance(a, Article)
    }
    for fact in comparison.facts:
        assert fact.text in {s.text for s in fact.statements}
        for s in fact.statements:
            page = pages[s.article]
            whole = page.title if s.field == "title" else page.text
            assert whole[s.start : s.end] == s.text
            # no junk: a lone "." or a sidebar counter is no statement
            assert sum(c.isalpha() for c in s.text) >= 12, s
    # the clause of the long 002 sentence: Geneva and Brussels, not the security guarantees
    (geneva,) = _facts(comparison, "Geneva")
    assert "main topic" not in geneva.text
