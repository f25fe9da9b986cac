"""Entities stage: people, organisations and places named in a text, with canonical ids.

Routed by language (an English model on Russian text produces garbage); every model ships
inside a registry package. Interface used by the rest of storyline::

    find_entities(text, lang) -> tuple[EntityMention, ...]   offsets into ``text``
    VERSION                                                  stored with every article
"""

from __future__ import annotations

from storyline.records import EntityMention

VERSION = "entities-0"


def find_entities(text: str, lang: str | None) -> tuple[EntityMention, ...]:
    """Every PER/ORG/LOC mention in ``text`` (language ``lang``), with canonical ids."""
    raise NotImplementedError("the entities stage is being built (issue 7)")
