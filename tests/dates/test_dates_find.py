"""find_dates on short synthetic sentences: shapes, values, granularity, what is not a date."""

from __future__ import annotations

from datetime import date

import pytest

from storyline.dates import MAX_SCAN_CHARS, Anchor, find_dates
from storyline.records import DateMention

FEB_1 = Anchor(date(2022, 2, 1), "supplied")


def values(text: str, lang: str | None = "en", anchor: Anchor | None = FEB_1) -> list[str]:
    return [m.value for m in find_dates(text, lang, anchor)]


def one(text: str, lang: str | None = "en", anchor: Anchor | None = FEB_1) -> DateMention:
    found = find_dates(text, lang, anchor)
    assert len(found) == 1, found
    return found[0]


@pytest.mark.parametrize(
    ("text", "value", "granularity"),
    [
        ("It was signed on 28 January 2022 in Paris.", "2022-01-28", "day"),
        ("It was signed on 2022-01-28 in Paris.", "2022-01-28", "day"),
        ("It was signed on 28.01.2022 in Paris.", "2022-01-28", "day"),
        ("It was signed on January 28, 2022.", "2022-01-28", "day"),
        ("It was signed on Friday, January 28, 2022.", "2022-01-28", "day"),
        ("It was signed on January 31.", "2022-01-31", "day"),
        ("MOSCOW, Jan. 28 (Reuters) - Talks went on.", "2022-01-28", "day"),
        ("It was signed on Sept. 5, 2021.", "2021-09-05", "day"),
        ("June 13, 2005\nEuropean planes", "2005-06-13", "day"),  # "Euro…" is no price
        ("Talks resumed in mid-December.", "2021-12", "month"),
        ("Sales fell in May 2010.", "2010-05", "month"),
        ("The act was signed in 1997.", "1997", "year"),
        ("They met last week.", "2022-W04", "week"),
        ("They spoke yesterday.", "2022-01-31", "day"),
        ("Prices rose earlier this month.", "2022-02", "month"),
        ("They met on Monday.", "2022-01-31", "day"),
        ("The plan was dropped last year.", "2021", "year"),
        ("The plan was dropped two weeks ago.", "2022-W03", "week"),
        ("The plan was dropped 3 days ago.", "2022-01-29", "day"),
    ],
)
def test_english_shapes(text: str, value: str, granularity: str) -> None:
    m = one(text)
    assert (m.value, m.granularity, m.year_known) == (value, granularity, True)
    assert text[m.start : m.end] == m.text


@pytest.mark.parametrize(
    ("lang", "text", "value"),
    [
        ("ru", "Разговор состоялся 31 января.", "2022-01-31"),
        ("ru", "Акт подписан в 1997 году.", "1997"),
        ("ru", "Об этом сообщили вчера.", "2022-01-31"),
        ("ru", "Отчёт за март 2021 года.", "2021-03"),
        ("ar", "وصل الوفد قبل يومين.", "2022-01-30"),
        ("de", "Das Treffen fand am 28. Januar 2022 statt.", "2022-01-28"),
        ("de", "Die Gespräche begannen Mitte Dezember.", "2021-12"),
        ("de", "Die Gespräche gehen morgen weiter.", "2022-02-02"),
        ("es", "La llamada fue el 28 de enero de 2022.", "2022-01-28"),
        ("es", "Las propuestas llegaron a mediados de diciembre.", "2021-12"),
        ("fr", "L'appel a eu lieu le 28 janvier.", "2022-01-28"),
        ("it", "La telefonata è avvenuta il 28 gennaio.", "2022-01-28"),
        ("pt", "A chamada foi em 28 de janeiro.", "2022-01-28"),
        ("nl", "Het gesprek was op 28 januari.", "2022-01-28"),
        ("nl", "01-Mar-08\nHet contract is getekend.", "2008-03-01"),
        ("it", "Gli aerei saranno consegnati entro il 2016.", "2016"),
        ("pl", "Rozmowa odbyła się 28 stycznia.", "2022-01-28"),
        ("tr", "Görüşme 28 Ocak tarihinde yapıldı.", "2022-01-28"),
        ("ar", "جرت المكالمة في 28 يناير.", "2022-01-28"),
        (None, "It was signed on January 31.", "2022-01-31"),
        ("xx", "It was signed on January 31.", "2022-01-31"),
    ],
)
def test_languages(lang: str | None, text: str, value: str) -> None:
    assert values(text, lang) == [value]


@pytest.mark.parametrize(
    "text",
    [
        "28.01 05:35 Markets open lower",  # a yearless sidebar stamp
        "The meeting starts at 05:35.",  # a time alone
        "Call +7 495 123-45-67 or 28-01-45.",  # phone numbers
        "The page was shared 1680 times by 13798 readers.",  # counters
        "Under Article 5 and Resolution 2231 of the council.",  # legal references
        "It costs $25.50, or 2010 dollars.",  # prices
        "We may go, and we will see.",  # words dateparser reads as dates
        "Die Frau mit dem Hund.",
        "Il a sept ans et vit à Paris.",  # French "sept" is seven
        "Die Sitzung begann am Morgen.",  # German "Morgen" is the morning, "morgen" tomorrow
    ],
)
def test_not_dates(text: str) -> None:
    lang = {"Die": "de", "Il ": "fr"}.get(text[:3], "en")
    assert find_dates(text, lang, FEB_1) == ()


def test_new_year_takes_the_nearest_year() -> None:
    assert values("It happened on December 30.", anchor=Anchor(date(2022, 1, 3), "x")) == [
        "2021-12-30"
    ]
    assert values("It is due on January 4.", anchor=Anchor(date(2021, 12, 29), "x")) == [
        "2022-01-04"
    ]


def test_a_month_alone_is_the_last_one_unless_to_come() -> None:
    anchor = Anchor(date(2005, 9, 7), "x")
    assert values("The Shuffle was introduced in January.", anchor=anchor) == ["2005-01"]
    assert values("The shop will open in January.", anchor=anchor) == ["2006-01"]


def test_without_an_anchor_the_year_stays_unknown() -> None:
    found = find_dates(
        "On January 31 they spoke; talks began in mid-December; the act of 1997; yesterday.",
        "en",
        None,
    )
    assert [(m.value, m.granularity, m.year_known) for m in found] == [
        ("--01-31", "day", False),
        ("--12", "month", False),
        ("1997", "year", True),
    ]
    assert one("It was signed on 28 January 2022.", anchor=None).year_known


def test_planned_needs_a_future_cue_and_a_later_date() -> None:
    title = "Presidents of Russia and France will meet in Moscow on February 7"
    assert one(title).planned
    assert not one("The presidents met in Moscow on January 28.").planned
    # A future cue in the sentence, but the date belongs to a past act.
    said = "Moscow will study the responses received on January 26 from NATO."
    assert not one(said).planned
    assert not one("Apple announced Friday that it will give refunds.").planned
    assert one("On February 7, the leaders will meet again.").planned
    assert one("Les présidents se rencontreront le 7 février.", "fr").planned
    assert one("Президенты встретятся 7 февраля.", "ru").planned
    assert one("Die Präsidenten werden sich am 7. Februar treffen.", "de").planned


def test_words_of_the_future_are_planned_by_themselves() -> None:
    assert [
        m.planned for m in find_dates("Talks resume tomorrow and end next week.", "en", FEB_1)
    ] == [
        True,
        True,
    ]
    assert not one("Talks resumed yesterday.").planned


def test_weekday_to_come_is_the_next_one() -> None:
    assert one("The leaders will meet on Monday.").value == "2022-02-07"
    assert one("The leaders met on Monday.").value == "2022-01-31"


@pytest.mark.parametrize(
    "text",
    [
        "",
        "\x00\x1b[31m\u202e",
        "on Auguſt 5, 2010 yeſterday, ſunday, İocak, ſix dayſ ago",
        "31" * 1000,
        "January " * 5000,
        "in " * 10000 + "1997",
    ],
)
def test_odd_text_never_raises(text: str) -> None:
    for m in find_dates(text, "en", FEB_1):
        assert text[m.start : m.end] == m.text


def test_huge_text_is_scanned_up_to_the_cap() -> None:
    text = ("Nothing here at all. " * 1_000_000)[:20_000_000] + " on January 31."
    assert find_dates(text, "en", FEB_1) == ()
    early = "It was signed on January 31. " + "x" * 20_000_000
    assert values(early) == ["2022-01-31"]
    assert len(early) > MAX_SCAN_CHARS


@pytest.mark.parametrize("day", [date.min, date.max, date(2000, 2, 29)])
def test_anchors_at_the_calendar_edges(day: date) -> None:
    text = "Yesterday, last week, next year, on Monday, on January 31 and in mid-December 2021."
    for m in find_dates(text, "en", Anchor(day, "supplied")):
        assert text[m.start : m.end] == m.text
