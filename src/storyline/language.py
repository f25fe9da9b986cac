"""Language stage: an article gets its language, one language per paragraph and a mixed flag.

Detection runs on the *cleaned* title and paragraphs, never on the raw page: on the raw second
seed, navigation and a Cyrillic sidebar make whole-page detectors answer ``ru`` for an English
article. Even after cleaning, leftovers survive, so the article language is a vote of the
paragraph languages weighted by their letters, not one call on the joined text; a few stray
sidebar lines cannot outvote the body.

Detectors follow one small protocol (``Detector``) and every derived row stores
``detector.name``, which includes the implementation's version and mode.

Which detector, and which lingua mode
-------------------------------------
Measured with ``python -m bench.language`` (2 cores; 1,804 texts = MEANTIME's 360 articles plus
both sides of the 722 SemEval-2022 pairs; every detector restricted to ``LANGUAGES``, each in a
fresh process whose RSS is 36 MB before the model loads):

====================  ========  ======  =========  ========  ========  ===========
detector              peak RSS  load    long       100 chr.  40 chr.   ms/doc long
====================  ========  ======  =========  ========  ========  ===========
lingua high accuracy  290 MB    2.0 s   99.94 %    99.4 %    96.8 %    1.0
lingua low accuracy   70 MB     0.1 s   99.94 %    98.5 %    89.5 %    1.2
py3langid             140 MB    0.7 s   99.94 %    99.5 %    93.3 %    0.5
====================  ========  ======  =========  ========  ========  ===========

(The one miss on long texts is a Hindi article labelled ``en`` in the SemEval data; Hindi is not
in ``LANGUAGES``, so an abstention or a wrong label is all any of them can give.) Long texts are
solved by all three. What decides is short text, because the mixed-language flag rests on
per-paragraph calls and sidebar lines are 30-100 characters: there lingua's high-accuracy mode
(trigram to fivegram models) is the most accurate, and its cost — about 220 MB more and 2 s to
load, once per process — is small next to the sentence encoder the pipeline loads anyway.
Low-accuracy mode (trigrams only) loses 7 points at 40 characters. So the default is lingua,
high accuracy, restricted; ``LinguaDetector(low_accuracy=True)`` is there for memory-starved
workers and ``LangidDetector`` (py3langid) as the light, fast alternative. At the stage level
(paragraph vote) lingua gets the article language of all these texts right (py3langid 99.94 %)
and flags 0.17 % of these monolingual texts as mixed. With language naming (below) the stage
scores 99.94 %: the one "miss" is the Hindi text, now named ``hi`` against its ``en`` label.

Naming languages storyline does not embed
-----------------------------------------
lingua stays restricted (memory, short-text accuracy), so it cannot say "Greek". The article's
whole text also goes to py3langid over all its 97 languages (``default_namer``); when that is
confident (``NAMING_MIN_CONFIDENCE``) of a language outside the restricted set, the article is
in that language, and ``is_supported`` / ``Article.supported`` tell it is not embedded. On the
1,804 texts above it names an unsupported language for the Hindi text only (whole texts and
first 100 characters alike), so supported articles keep lingua's answer.

Models are built on first use and cached per process, never at import time; detector objects
hold only their configuration, so they pickle cheaply to Dask workers.
"""

from __future__ import annotations

import dataclasses
import re
import threading
from collections import Counter
from collections.abc import Callable, Sequence
from functools import lru_cache
from importlib.metadata import PackageNotFoundError, version
from typing import Any, Protocol

from storyline.errors import MissingDependency
from storyline.records import Article

# Scripts written without spaces between words (Thai, Lao, Myanmar, Khmer, kana, CJK ideographs
# and compatibility forms, CJK extension B+; Hangul too, whose words run long): word counts and
# word tokenizers do not apply to them. Used by the "no article text" rule (about two characters
# a word) and by search (substring search in the trigram index, which holds only the articles
# that contain one of them). The class reads the same as a regex and as an SQLite GLOB.
UNSPACED_CLASS = (
    "[\u0e00-\u0eff\u1000-\u109f\u1780-\u17ff\u3040-\u30ff\u3400-\u4dbf"
    "\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff\uff66-\uff9f\U00020000-\U0003134f]"
)
UNSPACED_SCRIPTS = re.compile(UNSPACED_CLASS)

# ISO 639-1 codes storyline detects: the 16 languages of Google USE-multilingual (the default
# encoder; zh-CN and zh-TW are both "zh"), plus Ukrainian. Ukrainian is added because news in
# Cyrillic about the region is common, and a detector restricted to ru alone labels Ukrainian
# pages "ru", which would send them to Russian-only tools (natasha) and Russian date parsing.
# Restricting matters for memory (lingua over all 75 languages: 1.3 GB, 10 s to load) and for
# accuracy on short text (fewer look-alike candidates).
LANGUAGES: tuple[str, ...] = (
    "ar",
    "de",
    "en",
    "es",
    "fr",
    "it",
    "ja",
    "ko",
    "nl",
    "pl",
    "pt",
    "ru",
    "th",
    "tr",
    "zh",
    "uk",
)

# The languages the default encoder (Google USE-multilingual v3) embeds, i.e. the ones whose
# articles can be matched across languages: ``LANGUAGES`` without Ukrainian, which is detected
# (so it is named right) but not embedded. Any other language is still named (``name_language``)
# and stored, but its articles only group with articles in the same language, if at all.
EMBEDDED_LANGUAGES: frozenset[str] = frozenset(LANGUAGES) - {"uk"}

# A detector answers None below this many letters ("OK", "1680", "28.01 05:35").
MIN_DETECT_LETTERS = 4
# Per-paragraph detection needs this many letters, else the paragraph's language is None (it is
# neither inherited nor counted in the mixed share: "Войти" in an English page is not English).
# Calibrated with bench/language.py: restricted lingua is 96.8 % right on 40-character snippets
# (about 33 letters), 99.4 % on 100 (and 88 % on 20 in a one-off run on the same texts); re-run
# it before changing this.
MIN_PARAGRAPH_LETTERS = 30
# ``article_language`` detects texts of this many letters first and shorter ones only when they
# could still change the article's vote. 120 is where lingua's high-accuracy mode switches from
# 1- to 5-gram models to trigrams alone (its _HIGH_ACCURACY_MODE_MAX_TEXT_LENGTH, counted over
# the letters of its words), so the long texts load only the small trigram models. A cost
# setting only: any value gives the same languages.
SHORT_TEXT_LETTERS = 120
# Only the first this many characters of one text are scored: accuracy on long texts is
# saturated well before, and a run-away "paragraph" (a page that failed to split) stays cheap.
MAX_DETECT_CHARS = 3000
# An article is mixed when at least this share of its body letters lies in paragraphs detected
# in another language than the article's (an English report quoting a Russian paragraph, or a
# sidebar in another script that cleaning left in). 20 % keeps one misdetected short paragraph
# in a long article from raising the flag; check the false-positive rate on the monolingual
# MEANTIME articles with bench/language.py after changing it.
MIXED_SHARE = 0.20
# lingua returns None when the two best languages are closer than this (relative distance).
# Measured on bench/language.py's texts cut to 40 characters (one-off run): 0.0 answers 99.9 %
# at 97.4 % accuracy, 0.05 answers 98.6 % at 98.3 %, 0.1 answers 96.5 % at 99.0 %. 0.05 trades
# little recall for fewer false "other language" paragraphs, which would raise a false mixed flag.
LINGUA_MIN_RELATIVE_DISTANCE = 0.05
# py3langid (normalised probabilities) returns None below this confidence. Same one-off run, 40
# characters: 0.5 answers 94 % at 98.9 % accuracy; 0.8 answers 82 % at 99.8 %.
LANGID_MIN_CONFIDENCE = 0.5
# The naming detector (py3langid over all its 97 languages) overrides the restricted detector
# only at or above this confidence, and only with a language outside the restricted set.
# Calibrated with a one-off run on bench/language.py's 1,804 texts (all in supported languages
# but one Hindi text): on whole texts it names an unsupported language for exactly that Hindi
# text (0.999); on the first 100 characters 0.9 gives no false unsupported name (see
# RELIABILITY-decode.md for the figures).
NAMING_MIN_CONFIDENCE = 0.9


class Detector(Protocol):
    """Names the language of a text: an ISO 639-1 code, or None when unsure or too short."""

    name: str

    def detect(self, text: str) -> str | None: ...

    def detect_many(self, texts: Sequence[str]) -> list[str | None]:
        """``detect`` over many texts (an implementation may run them in parallel)."""
        ...


def _letters(text: str) -> int:
    return sum(ch.isalpha() for ch in text)


def _package_version(dist: str) -> str:
    try:
        return version(dist)
    except PackageNotFoundError:
        return "missing"


_BUILD_LOCK = threading.Lock()


class LinguaDetector:
    """lingua restricted to ``languages``; high-accuracy mode unless ``low_accuracy``.

    The lingua model is built on the first ``detect`` and shared by every detector with the same
    settings in this process.
    """

    def __init__(
        self,
        languages: Sequence[str] = LANGUAGES,
        *,
        low_accuracy: bool = False,
        min_relative_distance: float = LINGUA_MIN_RELATIVE_DISTANCE,
    ) -> None:
        self.languages = tuple(languages)
        self.low_accuracy = low_accuracy
        self.parallel = True
        self.min_relative_distance = min_relative_distance
        mode = "low" if low_accuracy else "high"
        self.name = (
            f"lingua-{_package_version('lingua-language-detector')}"
            f"/{mode}/{len(self.languages)}langs"
        )

    def detect(self, text: str) -> str | None:
        if _letters(text) < MIN_DETECT_LETTERS:
            return None
        model = _lingua_model(self.languages, self.low_accuracy, self.min_relative_distance)
        found = model.detect_language_of(text[:MAX_DETECT_CHARS])
        return None if found is None else str(found.iso_code_639_1.name).lower()

    def use_threads(self, threads: int) -> None:
        """One thread: ``detect_many`` stays in the calling thread. A forked pool worker needs
        it: lingua's thread pool (rayon) was the parent's and deadlocks in the child."""
        self.parallel = threads > 1

    def detect_many(self, texts: Sequence[str]) -> list[str | None]:
        """All of ``texts`` in one call: lingua spreads them over the cores (Rust threads)."""
        wanted = [i for i, t in enumerate(texts) if _letters(t) >= MIN_DETECT_LETTERS]
        out: list[str | None] = [None] * len(texts)
        if not wanted:
            return out
        model = _lingua_model(self.languages, self.low_accuracy, self.min_relative_distance)
        chosen = [texts[i][:MAX_DETECT_CHARS] for i in wanted]
        if self.parallel:
            found = model.detect_languages_in_parallel_of(chosen)
        else:
            found = [model.detect_language_of(text) for text in chosen]
        for i, language in zip(wanted, found, strict=True):
            out[i] = None if language is None else str(language.iso_code_639_1.name).lower()
        return out

    def __repr__(self) -> str:
        return f"LinguaDetector({self.name!r})"


@lru_cache(maxsize=4)
def _lingua_model(languages: tuple[str, ...], low_accuracy: bool, min_distance: float) -> Any:
    with _BUILD_LOCK:
        # A core dependency (pyproject), so no install hint: imported here only to keep
        # ``import storyline`` fast.
        from lingua import IsoCode639_1, LanguageDetectorBuilder

        codes = [getattr(IsoCode639_1, code.upper()) for code in languages]
        builder = LanguageDetectorBuilder.from_iso_codes_639_1(*codes)
        builder = builder.with_minimum_relative_distance(min_distance)
        if low_accuracy:
            builder = builder.with_low_accuracy_mode()
        return builder.build()


class LangidDetector:
    """py3langid (langid.py's model, numpy) restricted to ``languages``: small and fast.

    ``languages=None`` keeps all of py3langid's 97 languages: the naming detector.
    """

    def __init__(
        self,
        languages: Sequence[str] | None = LANGUAGES,
        *,
        min_confidence: float = LANGID_MIN_CONFIDENCE,
    ) -> None:
        self.languages = None if languages is None else tuple(languages)
        self.min_confidence = min_confidence
        count = "all" if self.languages is None else len(self.languages)
        self.name = f"py3langid-{_package_version('py3langid')}/{count}langs"

    def detect_many(self, texts: Sequence[str]) -> list[str | None]:
        return [self.detect(t) for t in texts]

    def detect(self, text: str) -> str | None:
        if _letters(text) < MIN_DETECT_LETTERS:
            return None
        classify = _langid_model(self.languages)
        lang, confidence = classify(text[:MAX_DETECT_CHARS])
        return str(lang) if confidence >= self.min_confidence else None

    def __repr__(self) -> str:
        return f"LangidDetector({self.name!r})"


@lru_cache(maxsize=4)
def _langid_model(languages: tuple[str, ...] | None) -> Callable[[str], tuple[str, float]]:
    with _BUILD_LOCK:
        try:
            from py3langid.langid import MODEL_FILE, LanguageIdentifier
        except ImportError as exc:
            raise MissingDependency(
                "py3langid", "langid", "Language detection with py3langid"
            ) from exc
        # Our own identifier, not py3langid's module-level one: set_languages on that would
        # change the answers of every other user of py3langid in the process.
        identifier = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
        if languages is not None:
            identifier.set_languages(list(languages))
        classify: Callable[[str], tuple[str, float]] = identifier.classify
        return classify


@lru_cache(maxsize=1)
def default_detector() -> Detector:
    """The detector the pipeline uses when none is given: restricted lingua, high accuracy."""
    return LinguaDetector()


@lru_cache(maxsize=1)
def default_namer() -> Detector:
    """The detector that names languages outside ``LANGUAGES``: py3langid, unrestricted."""
    return LangidDetector(None, min_confidence=NAMING_MIN_CONFIDENCE)


def is_supported(lang: str | None) -> bool:
    """True when articles in ``lang`` are embedded, so matched across languages."""
    return lang in EMBEDDED_LANGUAGES


def name_language(text: str, namer: Detector | None = None) -> str | None:
    """The language of ``text`` among ~100 (py3langid), or None when unsure or too short."""
    if _letters(text) < MIN_PARAGRAPH_LETTERS:
        return None
    return (namer or default_namer()).detect(text)


def detect_language(
    article: Article, detector: Detector | None = None, namer: Detector | None = None
) -> Article:
    """Return ``article`` with ``lang``, ``paragraph_langs`` and ``mixed_lang`` filled in.

    Each paragraph of at least ``MIN_PARAGRAPH_LETTERS`` letters gets its own language, shorter
    ones None. The article language is the language holding most letters among the title and
    paragraphs; when nothing is long enough to tell, the title and body are detected together,
    and when that fails too, the language the source declared (``article.lang``) is kept.
    ``mixed_lang`` is True when ``MIXED_SHARE`` or more of the body letters are in paragraphs
    of another language.

    ``detector`` only knows its own languages (``LANGUAGES`` for the default). When ``namer``
    (default: py3langid over 97 languages) is confident that the whole text is in a language
    outside them (Greek, Hindi, Bulgarian, Hebrew, ...), that language is the article's, so
    it is named even though it is not embedded (``is_supported``). Paragraph languages and the
    mixed flag stay the detector's.
    """
    detector = detector or default_detector()
    texts = (article.title, *article.paragraphs)
    found_langs: list[str | None] = [None] * len(texts)
    _detect_into(found_langs, texts, _long_enough(texts), detector)
    paragraph_langs = tuple(found_langs[1:])
    lang = _vote(article, texts, found_langs, detector)

    body_letters = sum(_letters(p) for p in article.paragraphs)
    other_letters = sum(
        _letters(p)
        for p, found in zip(article.paragraphs, paragraph_langs, strict=True)
        if found is not None and found != lang
    )
    mixed = body_letters > 0 and other_letters / body_letters >= MIXED_SHARE
    return dataclasses.replace(
        article,
        lang=_named(article, lang, detector, namer),
        paragraph_langs=paragraph_langs,
        mixed_lang=mixed,
    )


def article_language(
    article: Article, detector: Detector | None = None, namer: Detector | None = None
) -> str | None:
    """``detect_language(article, detector, namer).lang``, detecting only what decides it.

    Texts of ``SHORT_TEXT_LETTERS`` letters or more are detected first; the shorter ones (the
    title, as a rule) only when their letters could still change the vote. For lingua this
    matters: its high-accuracy mode scores a short text with 1- to 5-gram models, a long one
    with trigrams alone, and it loads each model on first use, so an article whose long
    paragraphs settle the vote never loads the big models (about 3 s). The answer is the same
    as ``detect_language``'s, whatever the detector: a text left out could not have moved the
    letters' majority (``_settled``).
    """
    detector = detector or default_detector()
    texts = (article.title, *article.paragraphs)
    found_langs: list[str | None] = [None] * len(texts)
    wanted = _long_enough(texts)
    first = [i for i in wanted if _letters(texts[i]) >= SHORT_TEXT_LETTERS]
    rest = [i for i in wanted if _letters(texts[i]) < SHORT_TEXT_LETTERS]
    _detect_into(found_langs, texts, first, detector)
    if not _settled(texts, found_langs, sum(_letters(texts[i]) for i in rest)):
        _detect_into(found_langs, texts, rest, detector)
    return _named(article, _vote(article, texts, found_langs, detector), detector, namer)


def _long_enough(texts: Sequence[str]) -> list[int]:
    """Indexes of the texts long enough to get a language of their own."""
    return [i for i, t in enumerate(texts) if _letters(t) >= MIN_PARAGRAPH_LETTERS]


def _detect_into(
    found_langs: list[str | None], texts: Sequence[str], indexes: list[int], detector: Detector
) -> None:
    if not indexes:
        return
    for i, found in zip(indexes, detector.detect_many([texts[i] for i in indexes]), strict=True):
        found_langs[i] = found


def _votes(texts: Sequence[str], found_langs: Sequence[str | None]) -> Counter[str]:
    """Letters per detected language, languages in order of first appearance."""
    votes: Counter[str] = Counter()
    for text, found in zip(texts, found_langs, strict=True):
        if found is not None:
            votes[found] += _letters(text)
    return votes


def _settled(texts: Sequence[str], found_langs: Sequence[str | None], undetected: int) -> bool:
    """True when ``undetected`` more letters, whatever their languages, cannot change the
    vote's winner: the leader is ahead of the runner-up (or of a language not yet seen) by
    more than that, so it stays the single most-voted language and no tie-break is needed."""
    ranked = [count for _, count in _votes(texts, found_langs).most_common(2)]
    if not ranked:
        return False
    runner_up = ranked[1] if len(ranked) > 1 else 0
    return ranked[0] > runner_up + undetected


def _vote(
    article: Article, texts: Sequence[str], found_langs: Sequence[str | None], detector: Detector
) -> str | None:
    """The language holding most letters; without any, the whole text's, else the declared."""
    votes = _votes(texts, found_langs)
    if votes:
        return votes.most_common(1)[0][0]
    return detector.detect(f"{article.title}\n\n{article.text}") or article.lang


def _named(
    article: Article, lang: str | None, detector: Detector, namer: Detector | None
) -> str | None:
    """``lang``, unless ``namer`` confidently names a language the detector does not know."""
    known = getattr(detector, "languages", LANGUAGES) or ()
    named = name_language(f"{article.title}\n\n{article.text}", namer)
    return named if named is not None and named not in known else lang
