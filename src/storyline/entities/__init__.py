"""Entities stage: people, organisations and places named in a text, with canonical ids.

Routed by language (an English model on Russian text produces garbage); every model ships
inside a registry package. Interface used by the rest of storyline::

    find_entities(text, lang) -> tuple[EntityMention, ...]   offsets into ``text``
    search_keys(name, lang) -> tuple[str, ...]               lookup keys for `storyline entity`
    mention_keys(mention) -> tuple[str, ...]                 the keys a stored mention is under
    link(mentions) -> dict[str, str]                         one id per entity across a story
    VERSION                                                  stored with every article

Modules: ``models`` (spaCy en/fr/es, natasha ru), ``names`` (rule + gazetteer for the other
languages), ``gazetteer`` (CLDR territories, GeoNames cities), ``aliases`` (acronyms across
languages), ``canonical`` (ids), ``linking`` (fuzzy links, search keys), ``fold``, ``spans``.
"""

from __future__ import annotations

from storyline.entities.canonical import mentions_of
from storyline.entities.linking import link, mention_keys, search_keys
from storyline.entities.models import BORROWED_MODELS, has_model, model_name, model_spans
from storyline.entities.names import rule_spans
from storyline.entities.spans import Span
from storyline.records import EntityMention

VERSION = "entities-1"

__all__ = ["VERSION", "find_entities", "link", "mention_keys", "model_name", "search_keys"]


def find_entities(text: str, lang: str | None) -> tuple[EntityMention, ...]:
    """Every PER/ORG/LOC mention in ``text`` (language ``lang``), with canonical ids.

    en, fr, es: spaCy; ru: natasha; it: the French model plus gazetteer places; any other
    language (or ``None``): the gazetteer and a capitalisation rule (see ``names``). Reads at
    most ``spans.MAX_TEXT_CHARS`` characters.
    """
    if not text or not text.strip():
        return ()
    if lang in BORROWED_MODELS:
        # Gazetteer places win over the borrowed model's spans they overlap.
        places = [span for span in rule_spans(text, lang) if span.type == "LOC"]
        borrowed = model_spans(text, BORROWED_MODELS[lang])
        spans = places + [s for s in borrowed if not any(_overlap(s, p) for p in places)]
    elif lang and has_model(lang):
        spans = model_spans(text, lang)
    else:
        spans = rule_spans(text, lang)
    return mentions_of(text, spans)


def _overlap(a: Span, b: Span) -> bool:
    return a.start < b.end and b.start < a.end
