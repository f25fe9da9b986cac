"""The language stage: short sentences, per-paragraph languages and the mixed-language flag."""

from __future__ import annotations

import pickle

import pytest

from storyline.language import (
    MIN_PARAGRAPH_LETTERS,
    Detector,
    LangidDetector,
    LinguaDetector,
    default_detector,
    detect_language,
)
from storyline.records import Article

SENTENCES = {
    "en": "The government announced new measures to support small businesses.",
    "es": "El ayuntamiento aprobó ayer el nuevo presupuesto para el próximo año.",
    "ru": "Правительство объявило о новых мерах поддержки малого бизнеса.",
    "de": "Die Regierung hat am Montag neue Hilfen für kleine Betriebe beschlossen.",
}

DETECTORS = [LinguaDetector(), LangidDetector()]


def _article(title: str, *paragraphs: str, lang: str | None = None) -> Article:
    return Article(
        id="t1", raw_sha256="0" * 64, source="test", title=title, paragraphs=paragraphs, lang=lang
    )


ENGLISH_BODY = (
    "The city council of Leeds approved a new budget on Tuesday evening after a long debate.",
    "Council leader Mary Jones said the plan would protect libraries and bus routes next year.",
    "Opposition members argued that the increase in local taxes was larger than necessary.",
    "The budget will be published in full on the council's website later this week.",
)
# A sidebar headline in Russian that the cleaner left in the body.
CYRILLIC_SIDEBAR = (
    "Главные новости дня: в Москве открылась выставка современной архитектуры, "
    "а в Санкт-Петербурге начался международный кинофестиваль документального кино."
)


@pytest.mark.parametrize("detector", DETECTORS, ids=lambda d: d.name)
@pytest.mark.parametrize("lang", sorted(SENTENCES))
def test_short_sentences(detector: Detector, lang: str) -> None:
    assert detector.detect(SENTENCES[lang]) == lang


@pytest.mark.parametrize("detector", DETECTORS, ids=lambda d: d.name)
@pytest.mark.parametrize("text", ["", "   ", "1680", "28.01 05:35", "OK"])
def test_too_short_or_no_letters_is_none(detector: Detector, text: str) -> None:
    assert detector.detect(text) is None


def test_detector_names_carry_version_and_mode() -> None:
    assert LinguaDetector().name.startswith("lingua-2.")
    assert "/high/" in LinguaDetector().name
    assert "/low/" in LinguaDetector(low_accuracy=True).name
    assert LangidDetector().name.startswith("py3langid-")


def test_default_detector_is_cached_lingua() -> None:
    assert default_detector() is default_detector()
    assert isinstance(default_detector(), LinguaDetector)


def test_detectors_pickle_after_use() -> None:
    # Dask ships stage arguments to workers: a used detector must not drag its model along.
    detector = LinguaDetector()
    detector.detect(SENTENCES["en"])
    clone = pickle.loads(pickle.dumps(detector))
    assert clone.detect(SENTENCES["de"]) == "de"


def test_english_article_with_cyrillic_sidebar_is_en_and_mixed() -> None:
    article = _article(
        "Leeds council approves budget for next year", *ENGLISH_BODY, CYRILLIC_SIDEBAR
    )
    out = detect_language(article)
    assert out.lang == "en"
    assert out.mixed_lang is True
    assert len(out.paragraph_langs) == len(article.paragraphs)
    assert out.paragraph_langs == ("en", "en", "en", "en", "ru")
    # A new record, the input untouched.
    assert article.lang is None
    assert article.paragraph_langs == ()


def test_monolingual_article_is_not_mixed() -> None:
    out = detect_language(_article("Leeds council approves budget", *ENGLISH_BODY))
    assert out.lang == "en"
    assert out.mixed_lang is False


def test_one_short_foreign_line_does_not_make_it_mixed() -> None:
    # A stray "Войти" (log in) survives cleaning: too short to detect, not counted.
    article = _article("Leeds council approves budget", *ENGLISH_BODY, "Войти", "1680")
    out = detect_language(article)
    assert out.paragraph_langs[-2:] == (None, None)
    assert out.lang == "en"
    assert out.mixed_lang is False


def test_paragraph_langs_match_paragraphs_and_short_ones_are_none() -> None:
    short = "Read more"
    assert sum(ch.isalpha() for ch in short) < MIN_PARAGRAPH_LETTERS
    article = _article("Presupuesto", SENTENCES["es"] + " " + SENTENCES["es"], short)
    out = detect_language(article)
    assert len(out.paragraph_langs) == len(article.paragraphs) == 2
    assert out.paragraph_langs == ("es", None)
    assert out.lang == "es"


def test_sidebar_cannot_outvote_body() -> None:
    # Two Cyrillic sidebar lines against a longer English body: the letters decide.
    article = _article("Leeds budget", *ENGLISH_BODY, CYRILLIC_SIDEBAR, CYRILLIC_SIDEBAR)
    out = detect_language(article)
    assert out.lang == "en"
    assert out.mixed_lang is True


def test_short_article_falls_back_to_whole_text_then_declared_lang() -> None:
    out = detect_language(_article("Hola", "Buenos días a todos."))
    assert out.lang == "es"
    assert out.paragraph_langs == (None,)
    assert detect_language(_article("", "1680", lang="pl")).lang == "pl"


def test_light_detector_gives_the_same_answer() -> None:
    article = _article("Leeds council approves budget", *ENGLISH_BODY, CYRILLIC_SIDEBAR)
    out = detect_language(article, LangidDetector())
    assert (out.lang, out.mixed_lang) == ("en", True)
