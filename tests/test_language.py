"""The language stage: short sentences, per-paragraph languages and the mixed-language flag."""

from __future__ import annotations

import json
import pickle
from collections.abc import Sequence
from pathlib import Path

import pytest

from storyline.language import (
    EMBEDDED_LANGUAGES,
    LANGUAGES,
    MIN_PARAGRAPH_LETTERS,
    SHORT_TEXT_LETTERS,
    Detector,
    LangidDetector,
    LinguaDetector,
    article_language,
    default_detector,
    detect_language,
    is_supported,
    name_language,
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


# Hand-written news sentences in languages storyline names but does not embed.
UNSUPPORTED = {
    "el": "Ο πρωθυπουργός συναντήθηκε σήμερα με τον πρόεδρο της Γαλλίας στην Αθήνα για να "
    "συζητήσουν την ενεργειακή κρίση.",
    "bg": "Министър-председателят се срещна днес с президента на Франция в София, за да "
    "обсъдят енергийната криза и войната.",
    "he": "ראש הממשלה נפגש היום עם נשיא צרפת בירושלים כדי לדון במשבר האנרגיה ובמלחמה.",
    "hi": "प्रधानमंत्री ने आज नई दिल्ली में फ्रांस के राष्ट्रपति से मुलाकात की और ऊर्जा संकट पर चर्चा की।",
    "uk": "Прем'єр-міністр сьогодні зустрівся з президентом Франції у Києві, щоб обговорити "
    "енергетичну кризу та війну.",
}


@pytest.mark.parametrize("lang", sorted(UNSUPPORTED))
def test_unsupported_languages_are_named_and_marked(lang: str) -> None:
    out = detect_language(_article("", UNSUPPORTED[lang]))
    assert out.lang == lang
    assert out.supported is False and not is_supported(lang)
    assert out.mixed_lang is False


SUPPORTED = {
    **SENTENCES,
    "pl": "Rada miasta przyjęła wczoraj nowy budżet na przyszły rok.",
    "tr": "Belediye meclisi dün gelecek yılın yeni bütçesini onayladı.",
    "fr": "Le conseil municipal a adopté hier le nouveau budget pour l'année prochaine.",
    "ar": "وافق المجلس البلدي أمس على الميزانية الجديدة للعام المقبل.",
}


@pytest.mark.parametrize("lang", sorted(SUPPORTED))
def test_supported_languages_keep_the_restricted_detector(lang: str) -> None:
    out = detect_language(_article("", SUPPORTED[lang] + " " + SUPPORTED[lang]))
    assert out.lang == lang and out.supported is True


def test_embedded_languages_are_the_encoders_sixteen() -> None:
    assert len(EMBEDDED_LANGUAGES) == 15  # zh-CN and zh-TW are both "zh"
    assert "uk" not in EMBEDDED_LANGUAGES and EMBEDDED_LANGUAGES.issubset(LANGUAGES)
    assert not is_supported(None)


def test_name_language_abstains_on_short_text() -> None:
    assert name_language("Καλημέρα") is None


def test_the_hindi_text_in_semeval_is_named(shared_data: Path) -> None:
    """SemEval labels one Hindi text "en"; restricted to LANGUAGES no detector can say "hi"."""
    named = []
    for line in (shared_data / "semeval2022-pairs" / "dev.jsonl").read_text().splitlines():
        pair = json.loads(line)
        for side in ("1", "2"):
            text = pair[f"text{side}"]
            if sum("\u0900" <= ch <= "\u097f" for ch in text) > len(text) / 3:
                named.append(detect_language(_article("", text)).lang)
    assert named and set(named) == {"hi"}


class Counting:
    """A detector that records what it was asked: which texts ``article_language`` skips."""

    def __init__(self, inner: Detector) -> None:
        self.inner = inner
        self.name = inner.name
        self.languages = getattr(inner, "languages", LANGUAGES)
        self.asked: list[str] = []

    def detect(self, text: str) -> str | None:
        self.asked.append(text)
        return self.inner.detect(text)

    def detect_many(self, texts: Sequence[str]) -> list[str | None]:
        self.asked.extend(texts)
        return self.inner.detect_many(texts)


def _letters(text: str) -> int:
    return sum(ch.isalpha() for ch in text)


LONG_GERMAN = (
    "Nach neun Jahren Entwicklung ist die Marssonde der Europäischen Weltraumorganisation "
    "unterwegs. Im Kontrollzentrum in Darmstadt war die Erleichterung am Abend groß."
)
SHORT_ENGLISH = "Council leader Mary Jones said the plan would protect libraries."
ARTICLES = {
    "settled by the long paragraphs": _article(SHORT_ENGLISH, *ENGLISH_BODY[:1], LONG_GERMAN),
    "short paragraphs outvote the long one": _article(
        "Leeds council approves budget for next year", LONG_GERMAN, *ENGLISH_BODY
    ),
    "only short texts": _article("Leeds council approves budget", *ENGLISH_BODY),
    "cyrillic sidebar": _article("Leeds budget", *ENGLISH_BODY, CYRILLIC_SIDEBAR),
    "nothing long enough": _article("Hola", "Buenos días a todos."),
    "declared only": _article("", "1680", lang="pl"),
    "unsupported language": _article("", UNSUPPORTED["el"]),
}


@pytest.mark.parametrize("detector", DETECTORS, ids=lambda d: d.name)
@pytest.mark.parametrize("name", sorted(ARTICLES))
def test_article_language_is_detect_language_lang(detector: Detector, name: str) -> None:
    article = ARTICLES[name]
    assert article_language(article, detector) == detect_language(article, detector).lang


def test_article_language_skips_short_texts_that_cannot_change_the_vote() -> None:
    assert _letters(LONG_GERMAN) >= SHORT_TEXT_LETTERS > _letters(SHORT_ENGLISH)
    # 2 x ~130 German letters against a ~55-letter English title: the title cannot win.
    article = _article(SHORT_ENGLISH, LONG_GERMAN, LONG_GERMAN)
    counting = Counting(LinguaDetector())
    assert article_language(article, counting) == "de"
    assert counting.asked == [LONG_GERMAN, LONG_GERMAN]
    # The same title against one German paragraph and enough English ones: it is detected.
    close = _article(SHORT_ENGLISH, LONG_GERMAN, SHORT_ENGLISH, SHORT_ENGLISH)
    counting = Counting(LinguaDetector())
    assert article_language(close, counting) == detect_language(close).lang == "en"
    assert sorted(counting.asked) == sorted([LONG_GERMAN, SHORT_ENGLISH, *[SHORT_ENGLISH] * 2])
