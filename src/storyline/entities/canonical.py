"""Canonical ids: one id per entity, whatever the language, script, case or inflection.

- Places: the alias table, then CLDR territories (``loc:RU`` "Russia"), then GeoNames cities
  (``loc:gn:524901`` "Moscow", country, coordinates).
- Organisations: the alias table (``org:nato`` for NATO, OTAN, НАТО), else a slug.
- People: a slug of the folded, transliterated, lemmatised name (``per:vladimir-putin`` for
  Vladimir Putin and Владимира Путина); a surname alone takes the id of the full name
  mentioned in the same text ("Putin" → ``per:vladimir-putin``).

``linking.link`` then joins, within a set of mentions (one story, any languages), the ids
whose names differ only by spelling (Poutine ~ Putin, Makron ~ Macron).
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from storyline.entities.aliases import lookup_alias
from storyline.entities.fold import fold, slug
from storyline.entities.gazetteer import find_place
from storyline.entities.spans import Span
from storyline.records import EntityMention

# Leading articles a model may include in a place's span ("the United States", "l'Italia").
_ARTICLE = re.compile(r"^(?:the|la|le|les|el|los|las|il|lo|de|het)\s+|^[ld]['’]", re.IGNORECASE)
TYPE_PREFIX = {"PER": "per", "ORG": "org", "LOC": "loc"}
_TYPE_ORDER = {"PER": 0, "ORG": 1, "LOC": 2}


@dataclass(frozen=True, slots=True)
class Resolved:
    id: str
    name: str
    type: str
    country: str | None = None
    lat: float | None = None
    lon: float | None = None
    # True when the id comes from the alias table or the gazetteer, not from the name's slug.
    anchored: bool = False


def resolve(surface: str, normal: str, kind: str) -> Resolved | None:
    """The canonical entity a span names (None when its name folds to nothing)."""
    name = normal or surface
    for candidate in _unique((name, surface, _ARTICLE.sub("", name))):
        alias = lookup_alias(candidate)
        if alias is not None:
            country = alias[0][4:] if alias[0].startswith("loc:") else None
            return Resolved(alias[0], alias[2], alias[1], country, anchored=True)
    if kind != "PER":
        for candidate in _unique((name, _ARTICLE.sub("", name), surface)):
            place = find_place(candidate)
            if place is not None:
                return Resolved(
                    place.id, place.name, "LOC", place.country, place.lat, place.lon, True
                )
    tail = slug(name)
    if not tail:
        return None
    return Resolved(f"{TYPE_PREFIX[kind]}:{tail}", name, kind)


def _unique(names: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(name for name in names if name))


def mentions_of(text: str, spans: list[Span]) -> tuple[EntityMention, ...]:
    """Mentions with canonical ids for ``spans`` of ``text``, in text order, overlaps dropped
    (the longer span wins), one type per slug name, surnames linked to full names."""
    chosen: list[Span] = []
    for span in sorted(spans, key=lambda s: (s.start, -(s.end - s.start))):
        if chosen and span.start < chosen[-1].end:
            continue
        chosen.append(span)
    resolved: list[tuple[Span, Resolved]] = []
    for span in chosen:
        entity = resolve(text[span.start : span.end], span.normal, span.type)
        if entity is not None:
            resolved.append((span, entity))
    resolved = _one_type_per_name(resolved)
    resolved = _surnames(resolved)
    return tuple(
        EntityMention(
            text[span.start : span.end],
            span.start,
            span.end,
            entity.type,
            entity.id,
            entity.name,
            entity.country,
            entity.lat,
            entity.lon,
        )
        for span, entity in resolved
    )


def _one_type_per_name(resolved: list[tuple[Span, Resolved]]) -> list[tuple[Span, Resolved]]:
    """A name a model typed differently in one text ("Boeing" ORG twice, PER once) gets its
    most frequent type, so it has one id."""
    votes: dict[str, Counter[str]] = defaultdict(Counter)
    for _span, entity in resolved:
        if not entity.anchored:
            votes[slug(entity.name)][entity.type] += 1
    out: list[tuple[Span, Resolved]] = []
    for span, entity in resolved:
        counts = votes.get(slug(entity.name))
        if counts and len(counts) > 1 and not entity.anchored:
            kind = min(counts, key=lambda k: (-counts[k], _TYPE_ORDER[k]))
            tail = slug(entity.name)
            entity = Resolved(f"{TYPE_PREFIX[kind]}:{tail}", entity.name, kind)
        out.append((span, entity))
    return out


def _surnames(resolved: list[tuple[Span, Resolved]]) -> list[tuple[Span, Resolved]]:
    """One-word person names that are the last word of exactly one full name in the text."""
    full: dict[str, set[Resolved]] = defaultdict(set)
    for _span, entity in resolved:
        words = fold(entity.name).split()
        if entity.type == "PER" and len(words) >= 2:
            full[words[-1]].add(entity)
    out: list[tuple[Span, Resolved]] = []
    for span, entity in resolved:
        words = fold(entity.name).split()
        if entity.type == "PER" and len(words) == 1 and len(full.get(words[0], ())) == 1:
            entity = next(iter(full[words[0]]))
        out.append((span, entity))
    return out
