"""Timeline events from hand-built records (the finders' output), merged and ordered."""

from __future__ import annotations

import numpy as np

from storyline.records import Article, DateMention, Embedding, EntityMention
from storyline.timeline import StoryArticle, story_timeline


def _find(text: str, word: str) -> tuple[int, int]:
    at = text.index(word)
    return at, at + len(word)


def _entity(text: str, word: str, entity_id: str, type_: str = "PER") -> EntityMention:
    return EntityMention(word, *_find(text, word), type_, entity_id, word)


def _date(text: str, word: str, value: str, **kw: bool) -> DateMention:
    granularity = {10: "day", 7: "month", 4: "year"}.get(len(value), "day")
    if value.startswith("--"):
        granularity = "day" if len(value) == 7 else "month"
    return DateMention(word, *_find(text, word), value, granularity, **kw)


def _unit(*xs: float) -> np.ndarray:
    v = np.array(xs, dtype=np.float32)
    return v / np.linalg.norm(v)


def _item(
    article_id: str,
    site: str,
    lang: str,
    paragraphs: tuple[str, ...],
    entities: list[tuple[str, str]],
    dates: list[tuple[str, str]],
    vectors: dict[str, np.ndarray],
    title: str = "",
    planned: tuple[str, ...] = (),
) -> StoryArticle:
    text = "\n\n".join(paragraphs)
    article = Article(
        id=article_id,
        raw_sha256=article_id,
        source=article_id,
        title=title,
        paragraphs=paragraphs,
        site=site,
        lang=lang,
        entities=tuple(_entity(text, w, i) for w, i in entities),
        dates=tuple(_date(text, w, v, planned=w in planned) for w, v in dates),
        mentions="e+d",
    )
    sentences = tuple(vectors)
    stack = np.stack(list(vectors.values())) if vectors else np.zeros((0, 3), np.float32)
    embedding = Embedding("m", _unit(1, 1, 1), sentences, stack)
    return StoryArticle(article, embedding)


CALL_EN = "Putin and Macron spoke by telephone on January 28."
CALL_FR = "Poutine et Macron se sont entretenus le 28 janvier."
OTHER = "Scholz visited Kyiv on 28 January."


def test_reports_of_one_call_in_two_languages_merge_into_one_event() -> None:
    en = _item(
        "en1",
        "a.com",
        "en",
        (CALL_EN + " " + OTHER, "No date here, Putin said."),
        [("Putin", "p:putin"), ("Macron", "p:macron"), ("Scholz", "p:scholz")],
        [("January 28", "2022-01-28"), ("28 January", "2022-01-28")],
        {
            CALL_EN: _unit(1, 0.1, 0),
            OTHER: _unit(0, 0, 1),
            "No date here, Putin said.": _unit(0, 1, 0),
        },
    )
    fr = _item(
        "fr1",
        "b.fr",
        "fr",
        (CALL_FR,),
        [("Poutine", "p:poutine"), ("Macron", "p:macron")],
        [("28 janvier", "2022-01-28")],
        {CALL_FR: _unit(1, 0, 0.1)},
    )
    events = story_timeline([en, fr], link=lambda ms: {"p:poutine": "p:putin"})
    assert len(events) == 2  # the call (two reports) and Scholz's visit (same day, own event)
    call = next(e for e in events if len(e.articles) == 2)
    assert (call.date, call.granularity, call.planned, call.year_known) == (
        "2022-01-28",
        "day",
        False,
        True,
    )
    assert call.sources == ("a.com", "b.fr") and call.languages == ("en", "fr")
    assert [e.text for e in call.evidence] == [CALL_EN, CALL_FR]
    assert {m.id for m in call.entities} == {"p:putin", "p:macron"}
    start, end = call.evidence[0].start, call.evidence[0].end
    assert en.article.text[start:end] == CALL_EN
    row = call.to_dict()
    assert row["sources"] == ["a.com", "b.fr"] and row["articles"] == ["en1", "fr1"]
    assert {"date", "granularity", "planned", "year_known", "text", "entities"} <= set(row)


def test_dissimilar_sentences_on_one_date_stay_apart_and_undated_or_unnamed_are_not_events() -> (
    None
):
    a = _item(
        "a",
        "a.com",
        "en",
        ("Putin spoke on January 28.", "On January 29 it rained.", "Macron flew home."),
        [("Putin", "p:putin"), ("Macron", "p:macron")],
        [("January 28", "2022-01-28"), ("January 29", "2022-01-29")],
        {"Putin spoke on January 28.": _unit(1, 0, 0)},
    )
    b = _item(
        "b",
        "b.com",
        "en",
        ("Putin fell ill on January 28.",),
        [("Putin", "p:putin")],
        [("January 28", "2022-01-28")],
        {"Putin fell ill on January 28.": _unit(0, 1, 0)},
    )
    events = story_timeline([a, b])
    assert sorted((e.date, e.articles) for e in events) == [
        ("2022-01-28", ("a",)),
        ("2022-01-28", ("b",)),
    ]


def test_a_title_is_an_event_and_joins_the_body_sentence_of_the_same_date() -> None:
    title = "Putin and Macron will meet in Moscow on February 7"
    body = "The leaders will meet on February 7, Peskov said about Putin and Macron."
    item = _item(
        "t",
        "c.com",
        "en",
        (body,),
        [("Putin", "p:putin"), ("Macron", "p:macron"), ("Peskov", "p:peskov")],
        [("February 7", "2022-02-07")],
        {body: _unit(1, 0, 0)},
        title=title,
    )
    title_entities = (_entity(title, "Putin", "p:putin"), _entity(title, "Macron", "p:macron"))
    title_dates = (_date(title, "February 7", "2022-02-07", planned=True),)
    item = StoryArticle(item.article, item.embedding, title_entities, title_dates)
    (event,) = story_timeline([item])
    assert event.planned and event.text == title
    assert [e.field for e in event.evidence] == ["title", "text"]


def test_dated_events_first_then_yearless_ones_from_december_to_february() -> None:
    values = ["--02-07", "--01-31", "1997", "--12", "--01-28", "--01-26"]
    paragraphs = tuple(f"Putin acted on day {i}." for i in range(len(values)))
    text = "\n\n".join(paragraphs)
    dates = []
    for i, v in enumerate(values):
        start, end = _find(text, f"day {i}")
        known = not v.startswith("--")
        granularity = "year" if v == "1997" else "month" if v == "--12" else "day"
        dates.append(DateMention(f"day {i}", start, end, v, granularity, year_known=known))
    entities = []
    at = 0
    for p in paragraphs:
        entities.append(EntityMention("Putin", at, at + 5, "PER", "p:putin", "Putin"))
        at += len(p) + 2
    article = Article(
        id="y",
        raw_sha256="y",
        source="y",
        title="",
        paragraphs=paragraphs,
        lang="en",
        entities=tuple(entities),
        dates=tuple(dates),
        mentions="e+d",
    )
    events = story_timeline([StoryArticle(article)])
    assert [e.date for e in events] == ["1997", "--12", "--01-26", "--01-28", "--01-31", "--02-07"]
    assert [e.year_known for e in events] == [True] + [False] * 5


def test_known_dates_order_by_value_years_before_months_before_days() -> None:
    values = ["2022-02-07", "2022-W04", "2021-12", "2022-01-26", "1997", "2022"]
    paragraphs = tuple(f"Putin acted on day {i}." for i in range(len(values)))
    text = "\n\n".join(paragraphs)
    grain = {4: "year", 7: "month", 8: "week", 10: "day"}
    dates = [
        DateMention(f"day {i}", *_find(text, f"day {i}"), v, grain[len(v)])
        for i, v in enumerate(values)
    ]
    at, entities = 0, []
    for p in paragraphs:
        entities.append(EntityMention("Putin", at, at + 5, "PER", "p:putin", "Putin"))
        at += len(p) + 2
    article = Article(
        "k", "k", "k", "", paragraphs, lang="en", entities=tuple(entities), dates=tuple(dates)
    )
    events = story_timeline([StoryArticle(article)])
    # 2022-W04 starts on Monday 24 January 2022
    assert [e.date for e in events] == [
        "1997",
        "2021-12",
        "2022",
        "2022-W04",
        "2022-01-26",
        "2022-02-07",
    ]


def test_odd_input_gives_no_event_and_no_error() -> None:
    empty = Article("e", "e", "e", "", (), lang=None)
    assert story_timeline([StoryArticle(empty)]) == []
    weird = Article(
        "w",
        "w",
        "w",
        "\x00",
        ("\x1b[31m Putin hmm --99-99",),
        entities=(EntityMention("Putin", 6, 11, "PER", "p", "Putin"),),
        dates=(DateMention("--99-99", 16, 23, "--99-99", "day", year_known=False),),
    )
    (event,) = story_timeline([StoryArticle(weird)])
    assert event.date == "--99-99"
