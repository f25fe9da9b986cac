"""Golden test: the two seed pages, read through storyline's own ``extract``, yield their dates.

Anchors as the issue gives them: 2022-02-01 for ``000_…`` and 2022-01-28 for ``002_…``;
without anchors the same days and months with the year unknown (1997 stays known).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from storyline.dates import Anchor, find_dates
from storyline.extract import extract
from storyline.read import read
from storyline.records import Article, DocError

ANCHORS = {"000_": date(2022, 2, 1), "002_": date(2022, 1, 28)}
EXPECTED = {
    "000_": {
        ("January 31", "2022-01-31", "day"),
        ("January 28", "2022-01-28", "day"),
        ("mid-December", "2021-12", "month"),
        ("1997", "1997", "year"),
    },
    "002_": {
        ("January 28", "2022-01-28", "day"),  # the dateline "Moscow. January 28. INTERFAX"
        ("January 26", "2022-01-26", "day"),
        ("1997", "1997", "year"),
    },
}


@pytest.fixture(scope="module")
def seeds(seeds_dir: Path) -> dict[str, Article]:
    """The seeds as ``storyline extract`` cleans them (its reader and extractor, in-process)."""
    out: dict[str, Article] = {}
    for item in read(sorted(seeds_dir.glob("00[02]_*.txt"))):
        assert not isinstance(item, DocError), item
        out[Path(item.source).name[:4]] = extract(item)
    return out


@pytest.mark.parametrize("seed", sorted(EXPECTED))
def test_seed_dates_with_anchor(seeds: dict[str, Article], seed: str) -> None:
    article = seeds[seed]
    anchor = Anchor(ANCHORS[seed], "supplied")
    found = find_dates(article.text, article.lang, anchor)
    assert {(m.text, m.value, m.granularity) for m in found} == EXPECTED[seed]
    assert not any(m.planned for m in found)
    for m in found:
        assert article.text[m.start : m.end] == m.text
    if seed == "002_":  # the dateline's "January 28" is a mention in the text
        assert article.dateline is not None and "January 28" in article.dateline.text
        assert any(m.start < 200 and m.value == "2022-01-28" for m in found)


def test_title_meeting_is_planned(seeds: dict[str, Article]) -> None:
    title = seeds["000_"].title
    (meeting,) = find_dates(title, "en", Anchor(ANCHORS["000_"], "supplied"))
    assert (meeting.text, meeting.value, meeting.planned) == ("February 7", "2022-02-07", True)
    (unanchored,) = find_dates(title, "en", None)
    assert (unanchored.value, unanchored.year_known, unanchored.planned) == ("--02-07", False, True)
    assert find_dates(seeds["002_"].title, "en", Anchor(ANCHORS["002_"], "supplied")) == ()


@pytest.mark.parametrize("seed", sorted(EXPECTED))
def test_seed_dates_without_anchor(seeds: dict[str, Article], seed: str) -> None:
    found = find_dates(seeds[seed].text, seeds[seed].lang, None)
    expected = {
        (text, value if granularity == "year" else "--" + value[5:], granularity)
        for text, value, granularity in EXPECTED[seed]
    }
    assert {(m.text, m.value, m.granularity) for m in found} == expected
    assert all(m.year_known == (m.granularity == "year") for m in found)
    assert not any(m.planned for m in found)


@pytest.mark.parametrize("seed", sorted(EXPECTED))
def test_raw_page_sidebars_yield_nothing_more(seeds_dir: Path, seed: str) -> None:
    """The whole raw page, menus and sidebar stamps ("28.01 05:35") and counters ("1680",
    "13798") included: the same dates as the clean text, the title's meeting, nothing else."""
    (path,) = seeds_dir.glob(f"{seed}*.txt")
    raw = path.read_text(encoding="utf-8")
    found = {(m.text, m.value) for m in find_dates(raw, "en", Anchor(ANCHORS[seed], "supplied"))}
    expected = {(text, value) for text, value, _ in EXPECTED[seed]}
    if seed == "000_":
        expected.add(("February 7", "2022-02-07"))
    assert found == expected
