"""Entities stage: people, organisations and places named in a text, with canonical ids.

Routed by language (an English model on Russian text produces garbage); every model ships
inside a registry package. Interface used by the rest of storyline::

    find_entities(text, lang) -> tuple[EntityMention, ...]   offsets into ``text``
    search_keys(name, lang) -> tuple[str, ...]               lookup keys for `storyline entity`
    link(mentions) -> dict[str, str]                         one id per entity across a story
    VERSION                                                  stored with every article
"""

from __future__ import annotations

from collections.abc import Iterable

from storyline.records import EntityMention

VERSION = "entities-0"


def find_entities(text: str, lang: str | None) -> tuple[EntityMention, ...]:
    """Every PER/ORG/LOC mention in ``text`` (language ``lang``), with canonical ids."""
    raise NotImplementedError("the entities stage is being built (issue 7)")


def search_keys(name: str, lang: str | None = None) -> tuple[str, ...]:
    """The normalised keys under which an entity named ``name`` (any language, any case or
    inflection: "Путина", "poutine") is found among stored mentions (``storyline entity``)."""
    raise NotImplementedError("the entities stage is being built (issue 7)")


def link(mentions: Iterable[EntityMention]) -> dict[str, str]:
    """Ids of the same entity among ``mentions`` (e.g. one story's, across languages: the
    French "Poutine" and the English "Putin"): each id mapped to its representative id."""
    raise NotImplementedError("the entities stage is being built (issue 7)")
