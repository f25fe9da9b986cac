"""Statements, clauses, alignment and caps of ``storyline.compare`` on hand-made articles, with
the real encoder (USE multilingual) and the real entity linker."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import numpy as np
import pytest

from storyline import compare as cmp
from storyline.embed import load_encoder
from storyline.pipeline import annotate, link_entities
from storyline.records import Article
from storyline.timeline import StoryArticle

DAY = datetime(2026, 3, 2, tzinfo=UTC)


def article(
    article_id: str, paragraphs: tuple[str, ...], lang: str = "en", days: int = 0, **more: str
) -> Article:
    a = Article(
        article_id,
        f"sha-{article_id}",
        f"{article_id}.txt",
        more.pop("title", ""),
        paragraphs,
        published=DAY + timedelta(days=days),
        site=f"{article_id}.example",
        lang=lang,
        copy_of=more.pop("copy_of", None),
    )
    return annotate(a)  # the real mentions stage: entities and dates


@pytest.fixture(scope="module")
def encode() -> cmp.Encode:
    return load_encoder("use").encode


def test_long_sentences_split_into_clauses_short_ones_do_not() -> None:
    short = "The bridge reopened on Monday, the city said."
    assert cmp.clauses(short) == [(0, len(short))]
    long = (
        "The main topic of the call was security guarantees, including against the background "
        "of recent Russian-American talks in Geneva and a meeting of the Russia-NATO Council "
        "in Brussels"
    )
    spans = cmp.clauses(long)
    parts = [long[b:e] for b, e in spans]
    assert parts == [
        "The main topic of the call was security guarantees,",
        "including against the background of recent Russian-American talks in Geneva and a "
        "meeting of the Russia-NATO Council in Brussels",
    ]
    # a piece too short for a clause stays with the one before it
    listing = (
        "The council approved the budget for the schools of the north district, the roads, "
        "and the new tram line that will link the harbour with the university campus by 2030."
    )
    parts = [listing[b:e] for b, e in cmp.clauses(listing)]
    assert all(len(p) >= cmp.MIN_CLAUSE_CHARS for p in parts)
    assert "".join(parts).replace(" ", "") == listing.replace(" ", "")


def test_junk_and_fragments_are_no_statements() -> None:
    a = article(
        "a",
        (
            "1680",
            "The minister signed the agreement in Paris on Tuesday. .",
            "He said the plan protects the security of all. at the expense of nobody else.",
            "Moscow. January 28. INTERFAX - The talks lasted three hours.",
        ),
        title="Minister signs agreement",
    )
    found = cmp.statements(StoryArticle(a))
    texts = [s.text for s in found]
    assert texts == [
        "Minister signs agreement",
        "The minister signed the agreement in Paris on Tuesday. .",
        "He said the plan protects the security of all. at the expense of nobody else.",
        "Moscow. January 28. INTERFAX - The talks lasted three hours.",
    ]
    for s in found[1:]:
        assert a.text[s.start : s.end] == s.text and s.field == "text"
    assert found[0].field == "title"


def test_translations_align_and_a_conflicting_date_does_not(encode: cmp.Encode) -> None:
    en = article(
        "en",
        (
            "Chancellor Scholz met President Macron in Berlin on January 28.",
            "They agreed to build a new fighter jet together.",
        ),
    )
    de = article(
        "de",
        (
            "Bundeskanzler Scholz traf Präsident Macron am 28. Januar in Berlin.",
            "Die Bauern protestierten vor dem Rathaus gegen neue Steuern.",
        ),
        lang="de",
        days=1,
    )
    other = article(
        "other", ("Chancellor Scholz met President Macron in Berlin on January 31.",), days=2
    )
    items = [StoryArticle(a) for a in (en, de, other)]
    result = cmp.compare("s1", items, encode, link=link_entities)
    meeting = next(f for f in result.facts if any("Bundeskanzler" in s.text for s in f.statements))
    assert set(meeting.sources) == {"en", "de"}  # the 31 January meeting is another one
    assert meeting.missing == ("other",)
    farmers = next(f for f in result.facts if any("Bauern" in s.text for s in f.statements))
    assert farmers.sources == ("de",)
    assert farmers in result.only("de")


def test_reprints_fold_into_their_original(encode: cmp.Encode) -> None:
    text = ("The harbour bridge reopened to traffic on Monday after two years of repairs.",)
    original = article("orig", text)
    reprint = article("copy", text, days=1, copy_of="orig")
    other = article("other", ("The bridge is open again after two years of work on it.",), days=2)
    result = cmp.compare("s1", [StoryArticle(a) for a in (reprint, original, other)], encode)
    assert result.articles == ("orig", "other")
    (fact,) = [f for f in result.facts if "harbour" in f.text or len(f.sources) == 2]
    assert {s.article for s in fact.statements} <= {"orig", "other"}
    assert all(s.copies == ("copy",) for s in fact.statements if s.article == "orig")


def test_a_huge_story_is_capped(encode: cmp.Encode) -> None:
    many = [
        article(
            f"a{k:03d}", (f"Report number {k} says the bridge opened on Monday morning.",), days=k
        )
        for k in range(cmp.MAX_ARTICLES + 3)
    ]
    many.reverse()  # the order given does not matter: the earliest are compared
    result = cmp.compare("s1", [StoryArticle(a) for a in many], encode)
    assert result.capped
    assert result.articles == tuple(f"a{k:03d}" for k in range(cmp.MAX_ARTICLES))
    assert set(result.left_out) == {f"a{k:03d}" for k in range(cmp.MAX_ARTICLES, len(many))}
    long = article(
        "long",
        tuple(f"Sentence number {k} of a very long report." for k in range(cmp.MAX_STATEMENTS + 5)),
    )
    result = cmp.compare("s2", [StoryArticle(long)], encode)
    assert result.cut == ("long",)
    assert sum(len(f.statements) for f in result.facts) == cmp.MAX_STATEMENTS


def test_an_empty_story_has_no_facts(encode: cmp.Encode) -> None:
    result = cmp.compare("s1", [StoryArticle(article("a", ("1680", "-1")))], encode)
    assert result.facts == () and result.articles == ("a",) and not result.capped


def _grouped_by_block_means(
    owner: list[int], score: np.ndarray, threshold: float
) -> list[list[int]]:
    """Average linkage by its definition: each candidate join takes the mean of the two
    groups' cross-article block anew (what ``group``'s running sums must equal)."""
    own = np.asarray(owner)
    cross = own[:, None] != own[None, :]
    members = {k: [k] for k in range(len(owner))}
    root = list(range(len(owner)))
    upper = np.triu(cross & (score >= threshold), 1)
    pairs = sorted(zip(*np.nonzero(upper), strict=True), key=lambda p: -score[p[0], p[1]])
    for i, j in pairs:
        a, b = root[int(i)], root[int(j)]
        if a == b:
            continue
        block = np.ix_(members[a], members[b])
        if float(score[block][cross[block]].mean()) < threshold:
            continue
        keep, gone = (a, b) if len(members[a]) >= len(members[b]) else (b, a)
        members[keep] = members[keep] + members.pop(gone)
        for k in members[keep]:
            root[k] = keep
    return sorted(members.values(), key=min)


@pytest.mark.parametrize("seed", range(12))
def test_grouping_is_average_linkage_over_cross_article_pairs(seed: int) -> None:
    rng = np.random.default_rng(seed)
    n = int(rng.integers(5, 160))
    owner = [int(x) for x in rng.integers(0, int(rng.integers(2, 10)), n)]
    score = rng.random((n, n)).astype(np.float32)
    score = (score + score.T) / 2
    for threshold in (0.3, 0.5, 0.7):
        groups = cmp.group(owner, score, threshold)
        assert groups == _grouped_by_block_means(owner, score, threshold)
        assert sorted(k for g in groups for k in g) == list(range(n))
