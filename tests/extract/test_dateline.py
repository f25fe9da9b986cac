"""Agency datelines in several languages and styles."""

from __future__ import annotations

from datetime import date

import pytest

from storyline.extract.dateline import find_dateline, first_dateline

ANCHOR = date(2022, 1, 30)


@pytest.mark.parametrize(
    ("paragraph", "text", "place", "day", "agency"),
    [
        (
            "Moscow. January 28. INTERFAX - The talks lasted two hours.",
            "Moscow. January 28. INTERFAX",
            "Moscow",
            date(2022, 1, 28),
            "INTERFAX",
        ),
        (
            "MOSCOW, Jan 28 (Reuters) - Russia said on Friday it would reply.",
            "MOSCOW, Jan 28 (Reuters)",
            "Moscow",
            date(2022, 1, 28),
            "Reuters",
        ),
        ("PARIS (AFP) — France will host the meeting.", "PARIS (AFP)", "Paris", None, "AFP"),
        (
            "Берлин, 3 марта. /ТАСС/. Канцлер выступил в бундестаге.",
            "Берлин, 3 марта. /ТАСС/.",
            "Берлин",
            date(2022, 3, 3),
            "ТАСС",
        ),
        (
            "BERLIN, 3. März (dpa) - Die Regierung hat beschlossen.",
            "BERLIN, 3. März (dpa)",
            "Berlin",
            date(2022, 3, 3),
            "dpa",
        ),
        (
            "NEW YORK, Dec. 31 (AP) — Crowds gathered downtown.",
            "NEW YORK, Dec. 31 (AP)",
            "New York",
            date(2021, 12, 31),
            "AP",
        ),
        ("WASHINGTON — The Senate voted late.", "WASHINGTON", "Washington", None, None),
    ],
)
def test_datelines(
    paragraph: str, text: str, place: str, day: date | None, agency: str | None
) -> None:
    found, kept = find_dateline(paragraph, ANCHOR)
    assert kept == paragraph  # the paragraph is never cut
    assert found is not None
    assert (found.text, found.place, found.date, found.agency) == (text, place, day, agency)
    assert paragraph.startswith(found.text)


def test_year_unknown_without_anchor() -> None:
    found, _ = find_dateline("Moscow. January 28. INTERFAX - The talks lasted two hours.")
    assert found is not None
    assert found.date is None
    assert found.text == "Moscow. January 28. INTERFAX"


def test_written_year_wins_over_anchor() -> None:
    found, _ = find_dateline("LONDON, March 3, 2019 (Reuters) - Shares fell.", ANCHOR)
    assert found is not None
    assert found.date == date(2019, 3, 3)


@pytest.mark.parametrize(
    "paragraph",
    [
        "Putin noted that the Russian side - as before - would study the answers.",
        "Meanwhile - in other news - prices rose.",
        "The leaders exchanged views on the measures taken.",
        "Moscow will carefully study the written responses",
        "",
    ],
)
def test_no_dateline(paragraph: str) -> None:
    assert find_dateline(paragraph, ANCHOR) == (None, paragraph)


def test_first_dateline_looks_past_a_standfirst() -> None:
    paragraphs = (
        "A short standfirst without a dateline",
        "PARIS (AFP) — France will host the meeting.",
    )
    found = first_dateline(paragraphs)
    assert found is not None
    assert found.agency == "AFP"
