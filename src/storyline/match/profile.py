"""What the matcher knows of one article (``Profile``) and of a group of them (``Group``).

A profile is everything the match stage compares, taken from the records other stages made:
the encoder's document, title, lead and sentence vectors (``Embedding``), entity and place keys
that agree across languages (``EntityMention`` ids; people by the consonant skeleton of their
surname, so Putin, Poutine and Путин meet), the numbers written in the text, the calendar
values of its date mentions, its publication time, language and length.

A group is a story as the clusterer holds it: sums and counts over its members' profiles, so
that adding an article is O(1) and a story of any size is compared with an article in constant
time. A group of one article carries that article's sentence vectors; larger groups do not.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np

from storyline.embed import unit
from storyline.entities.fold import fold, skeleton
from storyline.records import Article, Embedding, EntityMention, Vector
from storyline.timestamps import timestamp

# Characters of text scanned for numbers: bounds the cost on huge inputs (articles are far
# shorter: the longest gold article of the extraction sets has 53,372 characters).
MAX_NUMBER_CHARS = 100_000
# Numbers as written: digits with thousands separators or a decimal part ("40", "1,300",
# "20.1", "3 000"); a lone digit says little and is skipped.
_NUMBER = re.compile(
    r"(?<![\w.,])\d{1,3}(?:[ ,.\u00a0\u202f]\d{3})+(?!\d)|(?<![\w.,])\d+(?:[.,]\d+)?"
)
# Distinct keys a story keeps per counter (entities, places, numbers, dates, names, languages):
# bounds a story's memory and stored size however many articles it gathers.
MAX_GROUP_KEYS = 2_000
_COUNTERS = ("entities", "places", "numbers", "dates", "names", "langs")
_SEPARATORS = re.compile(r"[ ,.\u00a0\u202f](?=\d{3}(?!\d))")
# Words of the text for the lexical signals: runs of letters (any script), less those that
# start with an ASCII lower-case letter (most words of Latin-script text), which the regex
# engine skips faster than Python can test them.
_WORD = re.compile(r"(?<![^\W\d_])[^\W\d_a-z][^\W\d_]*")
# A word starts a sentence when only spaces, quotes or brackets separate it from the start of
# the text or from one of these: its capital says nothing about it being a name.
_SENTENCE_ENDS = frozenset(".!?:…\n")
_OPENERS = frozenset(" \t\"'«»„“”([-–—")


@dataclass(frozen=True, slots=True)
class Profile:
    """One article as the matcher sees it."""

    doc: Vector
    title: Vector | None
    lead: Vector | None
    sentences: Vector  # (n, dim); n may be 0
    entities: frozenset[str]  # people and organisations, cross-lingual keys
    places: frozenset[str]  # place ids (CLDR territories, GeoNames cities, alias table)
    numbers: frozenset[str]  # normalised numbers of the text ("1300", "20.1")
    dates: frozenset[str]  # ISO values of date mentions with a known year (day or month)
    published: float  # UTC timestamp; NaN when unknown
    lang: str | None
    chars: int
    has_mentions: bool = True  # False when the mentions stage did not run (or has no model)
    # A lexical signal that needs no model (de, pl, tr, ar have no NER model here): consonant
    # skeletons of the capitalised words not starting a sentence (names; in German also nouns),
    # which meet across languages and scripts (``fold`` transliterates).
    names: frozenset[str] = frozenset()


def entity_key(mention: EntityMention) -> str:
    """A key two languages agree on: places and table organisations by id; people by the
    skeleton of their surname (``per~ptn``), which spelling and script do not change."""
    if mention.type == "PER":
        words = fold(mention.name).split()
        if words and len(skeleton(words[-1])) >= 2:
            return "per~" + skeleton(words[-1])
    return mention.id


def numbers_of(text: str) -> frozenset[str]:
    """Numbers written in ``text``, normalised: thousands separators dropped, decimal comma
    as a point; lone digits skipped."""
    out = set()
    for match in _NUMBER.finditer(text[:MAX_NUMBER_CHARS]):
        value = _SEPARATORS.sub("", match.group()).replace(",", ".")
        if len(value.replace(".", "")) >= 2:
            out.add(value)
    return frozenset(out)


def names_of(text: str) -> frozenset[str]:
    """``names`` of ``text`` (see ``Profile``), from its first ``MAX_NUMBER_CHARS`` characters."""
    text = text[:MAX_NUMBER_CHARS]
    names: set[str] = set()
    for match in _WORD.finditer(text):
        word = match.group()
        if word[0].isupper() and not _starts_sentence(text, match.start()):
            key = _name_key(word)
            if len(key) >= 2:
                names.add(key)
    return frozenset(names)


@lru_cache(maxsize=65_536)
def _name_key(word: str) -> str:
    # names repeat within and across articles: transliterating each once is a third of the
    # article page's matcher features (100,000-article web bench)
    return skeleton(fold(word).replace(" ", ""))


def _starts_sentence(text: str, start: int) -> bool:
    at = start - 1
    while at >= 0 and text[at] in _OPENERS and start - at < 8:
        at -= 1
    return at < 0 or text[at] in _SENTENCE_ENDS


def profile(article: Article, embedding: Embedding, has_mentions: bool | None = None) -> Profile:
    """The profile of a stored or fresh article. ``has_mentions``: whether the mentions stage
    ran on it (default: ``article.mentions`` names a version); without it, an article without
    entities is no evidence of "no shared entities"."""
    if has_mentions is None:
        has_mentions = bool(article.mentions)
    people = frozenset(entity_key(m) for m in article.entities if m.type != "LOC")
    places = frozenset(m.id for m in article.entities if m.type == "LOC")
    dates = frozenset(d.value for d in article.dates if d.year_known and d.granularity != "week")
    return Profile(
        doc=embedding.doc,
        title=embedding.title,
        lead=embedding.lead,
        sentences=embedding.sentence_vectors.reshape(-1, embedding.doc.shape[0]),
        entities=people,
        places=places,
        numbers=numbers_of(article.text),
        dates=dates,
        published=timestamp(article.published),
        lang=article.lang,
        chars=len(article.text),
        has_mentions=has_mentions,
        names=names_of(article.title + "\n\n" + article.text),
    )


@dataclass(slots=True)
class Group:
    """Sums and counts over the profiles of a story's members."""

    dim: int
    size: int = 0
    doc_sum: Vector = field(init=False)
    title_sum: Vector = field(init=False)
    titled: int = 0  # members with a title vector
    entities: Counter[str] = field(default_factory=Counter)
    places: Counter[str] = field(default_factory=Counter)
    numbers: Counter[str] = field(default_factory=Counter)
    dates: Counter[str] = field(default_factory=Counter)
    names: Counter[str] = field(default_factory=Counter)
    langs: Counter[str] = field(default_factory=Counter)
    with_mentions: int = 0  # members whose mentions stage ran
    first: float = math.nan  # earliest and latest publication times (NaN: none dated)
    last: float = math.nan
    chars: int = 0
    only: Profile | None = None  # the member itself while the group has exactly one

    def __post_init__(self) -> None:
        self.doc_sum = np.zeros(self.dim, dtype=np.float32)
        self.title_sum = np.zeros(self.dim, dtype=np.float32)

    @classmethod
    def of(cls, profiles: Iterable[Profile]) -> Group:
        members = list(profiles)
        if not members:
            raise ValueError("a group needs at least one profile")
        group = cls(dim=members[0].doc.shape[0])
        for member in members:
            group.add(member)
        return group

    def add(self, member: Profile) -> None:
        self.only = member if self.size == 0 else None
        self.size += 1
        self.doc_sum += member.doc
        if member.title is not None:
            self.title_sum += member.title
            self.titled += 1
        self.entities.update(member.entities)
        self.places.update(member.places)
        self.numbers.update(member.numbers)
        self.dates.update(member.dates)
        self.names.update(member.names)
        if member.lang:
            self.langs[member.lang] += 1
        self.with_mentions += member.has_mentions
        self.first = float(np.fmin(self.first, member.published))
        self.last = float(np.fmax(self.last, member.published))
        self.chars += member.chars
        self._bound()

    def merge(self, other: Group) -> None:
        """Fold ``other``'s members into this group."""
        self.only = None if self.size + other.size != 1 else (self.only or other.only)
        self.size += other.size
        self.doc_sum += other.doc_sum
        self.title_sum += other.title_sum
        self.titled += other.titled
        for name in _COUNTERS:
            getattr(self, name).update(getattr(other, name))
        self.with_mentions += other.with_mentions
        self.first = float(np.fmin(self.first, other.first))
        self.last = float(np.fmax(self.last, other.last))
        self.chars += other.chars
        self._bound()

    def without(self, member: Profile) -> Group:
        """A new group: this one with ``member`` (one of its members) taken out, what the story
        is to that member. Exact for every feature while no counter was cut (``_bound``); the
        span (first, last) stays the whole story's, and a group left with one member does not
        know it (``only`` stays None)."""
        if self.size < 2:
            raise ValueError("a group needs at least one profile")
        out = Group(dim=self.dim)
        out.size = self.size - 1
        out.doc_sum = self.doc_sum - member.doc
        out.title_sum = self.title_sum.copy()
        out.titled = self.titled
        if member.title is not None:
            out.title_sum -= member.title
            out.titled -= 1
        for name in _COUNTERS:
            counter: Counter[str] = Counter(getattr(self, name))
            keys: Iterable[str] = getattr(member, name) if name != "langs" else [member.lang or ""]
            counter.subtract(keys)
            setattr(out, name, +counter)  # unary + drops the keys at zero (and "")
        out.with_mentions = self.with_mentions - member.has_mentions
        out.first, out.last = self.first, self.last
        out.chars = self.chars - member.chars
        return out

    def as_profile(self) -> Profile:
        """The group as one pseudo-article, to compare two stories: mean vectors, and the keys
        at least half of its members share (all of them for a group of one)."""
        if self.only is not None:
            return self.only
        quorum = max(1, self.size // 2)

        def common(counter: Counter[str]) -> frozenset[str]:
            return frozenset(key for key, n in counter.items() if n >= quorum)

        return Profile(
            doc=unit(self.doc_sum),
            title=unit(self.title_sum) if self.titled else None,
            lead=None,
            sentences=np.zeros((0, self.dim), dtype=np.float32),
            entities=common(self.entities),
            places=common(self.places),
            numbers=common(self.numbers),
            dates=common(self.dates),
            names=common(self.names),
            published=self.last,
            lang=self.langs.most_common(1)[0][0] if self.langs else None,
            chars=self.chars // max(1, self.size),
            has_mentions=self.with_mentions * 2 >= self.size,
        )

    def _bound(self) -> None:
        """Keep each counter under ``MAX_GROUP_KEYS``: a big story's rare keys go first (ties
        in first-seen order, so the same input keeps the same keys)."""
        for name in _COUNTERS:
            counter: Counter[str] = getattr(self, name)
            if len(counter) > MAX_GROUP_KEYS:
                setattr(self, name, Counter(dict(counter.most_common(MAX_GROUP_KEYS // 2))))
