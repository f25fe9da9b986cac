"""One entity across the languages of a story, and the keys a name is looked up under.

``link`` joins ids of the same type whose folded names differ only by spelling — Vladimir
Poutine and Vladimir Putin, Makron and Macron — and a surname alone with the one full name it
ends. Ids from the gazetteer or the alias table are already canonical and are never merged
with each other. ``search_keys`` gives the keys ``storyline entity NAME`` compares: the
canonical id when the name is a known place or acronym, the folded (and, for Russian,
lemmatised) name, its last word, and its consonant skeleton (``~ptn``).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable

from rapidfuzz import fuzz

from storyline.entities.aliases import ALIASES, lookup_alias
from storyline.entities.fold import fold, skeleton
from storyline.entities.gazetteer import find_place
from storyline.records import EntityMention

# Two names of the same type whose folded forms are at least this similar (rapidfuzz ratio,
# 0-100) are one entity; with equal consonant skeletons (Poutine / Putin) a lower similarity
# is enough. Set by hand on the MEANTIME airbus + apple translations (dev) and the seeds:
# 90 joins spelling variants (Nesbit / Nesbitt), 60 with a skeleton joins transliterations
# (vladimir poutine / vladimir putin) and not Mark / Marco.
LINK_MIN_RATIO = 90.0
SKELETON_MIN_RATIO = 60.0
# Distinct ids of one ``link`` call compared pairwise; beyond this only ids whose names share
# a first letter are compared, so a story with many entities stays near-linear.
LINK_PAIRWISE_MAX = 2_000
_CYRILLIC = range(0x0400, 0x0530)
_ALIAS_IDS = frozenset(entry[0] for entry in ALIASES)


def _skeleton(folded: str) -> str:
    return " ".join(skeleton(word) for word in folded.split())


def _anchored(entity_id: str) -> bool:
    """Ids from the gazetteer or the alias table (not slugs of a name)."""
    if entity_id.startswith("loc:") and (
        entity_id[4:].isupper() or entity_id.startswith("loc:gn:")
    ):
        return True
    return entity_id in _ALIAS_IDS


def _same(a: str, b: str, kind: str) -> bool:
    """Whether folded names ``a`` and ``b`` of type ``kind`` name one entity."""
    if a == b:
        return True
    wa, wb = a.split(), b.split()
    if kind == "PER" and (len(wa) == 1) != (len(wb) == 1):
        single, full = (wa, wb) if len(wa) == 1 else (wb, wa)
        return _same(single[0], full[-1], "")
    ratio = fuzz.ratio(a, b)
    if ratio >= LINK_MIN_RATIO:
        return True
    return ratio >= SKELETON_MIN_RATIO and _skeleton(a) == _skeleton(b) and len(_skeleton(a)) >= 3


def link(mentions: Iterable[EntityMention]) -> dict[str, str]:
    """Every id among ``mentions`` mapped to its entity's representative id: a gazetteer or
    table id, else the fullest name (Vladimir Putin over Putin), else the most mentioned."""
    counts: Counter[str] = Counter()
    names: dict[str, str] = {}
    kinds: dict[str, str] = {}
    for mention in mentions:
        counts[mention.id] += 1
        names.setdefault(mention.id, fold(mention.name))
        kinds.setdefault(mention.id, mention.type)
    parent = {entity_id: entity_id for entity_id in counts}

    def root(entity_id: str) -> str:
        while parent[entity_id] != entity_id:
            parent[entity_id] = parent[parent[entity_id]]
            entity_id = parent[entity_id]
        return entity_id

    anchored = {entity_id for entity_id in counts if _anchored(entity_id)}
    for group in _blocks(list(counts), names, kinds):
        for i, a in enumerate(group):
            for b in group[i + 1 :]:
                if a in anchored and b in anchored:
                    continue
                ra, rb = root(a), root(b)
                if ra == rb or (ra in anchored and rb in anchored):
                    continue
                if _same(names[a], names[b], kinds[a]):
                    keep, drop = sorted((ra, rb), key=lambda i: _rank(i, counts, names, anchored))
                    parent[drop] = keep
    return {entity_id: root(entity_id) for entity_id in counts}


def _rank(
    entity_id: str, counts: Counter[str], names: dict[str, str], anchored: set[str]
) -> tuple[bool, int, int, str]:
    name = names[entity_id]
    return (entity_id not in anchored, -len(name.split()), -counts[entity_id], entity_id)


def _blocks(ids: list[str], names: dict[str, str], kinds: dict[str, str]) -> list[list[str]]:
    by_kind: dict[str, list[str]] = defaultdict(list)
    for entity_id in ids:
        by_kind[kinds[entity_id]].append(entity_id)
    groups: list[list[str]] = []
    for members in by_kind.values():
        if len(members) <= LINK_PAIRWISE_MAX:
            groups.append(members)
            continue
        by_letter: dict[str, list[str]] = defaultdict(list)
        for entity_id in members:
            by_letter[names[entity_id][:1]].append(entity_id)
        groups.extend(by_letter.values())
    return groups


def search_keys(name: str, lang: str | None = None) -> tuple[str, ...]:
    """Lookup keys of ``name``: its canonical id when it is a known place or table name, its
    folded form (Russian lemmatised first: Путина → putin), its last word and the consonant
    skeleton of that word (``~ptn`` for Putin, Poutine, Путин)."""
    name = " ".join(name.split())[:200]
    forms = [name]
    if lang == "ru" or any(ord(ch) in _CYRILLIC for ch in name):
        forms.append(" ".join(_lemma_ru(word) for word in name.split()))
    keys: list[str] = []
    for form in forms:
        alias = lookup_alias(form)
        if alias is not None:
            keys.append(alias[0])
        place = find_place(form)
        if place is not None:
            keys.append(place.id)
    for form in forms:
        folded = fold(form)
        if not folded:
            continue
        last = folded.split()[-1]
        keys += [folded, last]
        if len(skeleton(last)) >= 2:
            keys.append("~" + skeleton(last))
    return tuple(dict.fromkeys(keys))


def mention_keys(mention: EntityMention) -> tuple[str, ...]:
    """Keys a stored mention is found under: its id and the ``search_keys`` of its name and
    its text. A query matches a mention when their keys share one."""
    keys = [mention.id, *search_keys(mention.name), *search_keys(mention.text)]
    return tuple(dict.fromkeys(keys))


def _lemma_ru(word: str) -> str:
    from storyline.entities.models import lemma_ru

    return lemma_ru(word)
