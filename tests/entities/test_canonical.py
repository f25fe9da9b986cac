"""Canonical ids, the gazetteer, linking across languages and search keys."""

from __future__ import annotations

import pytest

from storyline.entities import link, mention_keys, search_keys
from storyline.entities.fold import fold, skeleton
from storyline.entities.gazetteer import find_place
from storyline.records import EntityMention


@pytest.mark.parametrize("name", ["Россия", "Russia", "Rusia", "Russie", "Rusland", "Russland"])
def test_country_names_in_every_language(name: str) -> None:
    place = find_place(name)
    assert place is not None and (place.id, place.name, place.country) == ("loc:RU", "Russia", "RU")


@pytest.mark.parametrize("name", ["Moscou", "Москва", "Moscú", "Mosca", "Moskau"])
def test_cities_by_any_name(name: str) -> None:
    place = find_place(name)
    assert place is not None and (place.id, place.name, place.country) == (
        "loc:gn:524901",
        "Moscow",
        "RU",
    )


def test_most_populous_city_wins_a_shared_name() -> None:
    paris = find_place("Paris")
    washington = find_place("Washington")
    assert paris is not None and paris.country == "FR"
    assert washington is not None and washington.country == "US"


def test_fold_and_skeleton() -> None:
    assert fold("Vladímir  PUTIN") == "vladimir putin"
    assert fold("Эммануэль Макрон") == "emmanuel makron"
    assert skeleton("putin") == skeleton("poutine") == "ptn"
    assert skeleton("macron") == skeleton("makron")


def m(text: str, kind: str, entity_id: str, name: str | None = None) -> EntityMention:
    return EntityMention(text, 0, len(text), kind, entity_id, name or text)


def test_link_joins_spellings_of_one_person_across_languages() -> None:
    mentions = [
        m("Vladimir Putin", "PER", "per:vladimir-putin"),
        m("Vladimir Poutine", "PER", "per:vladimir-poutine"),
        m("Путина", "PER", "per:vladimir-putin", "Владимир Путин"),
        m("Макроном", "PER", "per:emmanuel-makron", "Эммануэль Макрон"),
        m("Emmanuel Macron", "PER", "per:emmanuel-macron"),
        m("Peskov", "PER", "per:peskov"),
        m("Dmitry Peskov", "PER", "per:dmitry-peskov"),
        m("Marco Rubio", "PER", "per:marco-rubio"),
        m("Mark Rutte", "PER", "per:mark-rutte"),
        m("Moscow", "LOC", "loc:gn:524901"),
        m("Moscow", "LOC", "loc:gn:5601538"),  # Moscow, Idaho: both ids are gazetteer ids
    ]
    rep = link(mentions)
    assert rep["per:vladimir-poutine"] == rep["per:vladimir-putin"] == "per:vladimir-putin"
    assert rep["per:emmanuel-makron"] == rep["per:emmanuel-macron"]
    assert rep["per:peskov"] == "per:dmitry-peskov"
    assert rep["per:marco-rubio"] != rep["per:mark-rutte"]
    assert rep["loc:gn:524901"] != rep["loc:gn:5601538"]


def test_link_keeps_types_apart() -> None:
    rep = link([m("Jordan", "PER", "per:jordan"), m("Jordan", "LOC", "loc:jordan")])
    assert rep["per:jordan"] == "per:jordan"


def test_search_keys_find_one_entity_by_any_name() -> None:
    stored = m("Putin", "PER", "per:vladimir-putin", "Vladimir Putin")
    keys = set(mention_keys(stored))
    for query, lang in [("Путина", "ru"), ("putin", None), ("Poutine", "fr"), ("PUTIN", "en")]:
        assert keys & set(search_keys(query, lang)), query
    assert not keys & set(search_keys("Macron"))
    assert "loc:RU" in search_keys("России", "ru")
    assert "org:nato" in search_keys("OTAN")
