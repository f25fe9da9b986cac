"""Timeline of a story: dated sentences that name someone become events, merged across reports.

Pure functions over records (no file, no database): the workspace hands in each article of a
story with its stored sentence vectors and the mentions of its title.

* **Events of one article**: every sentence of the text (and the title) holding a resolved date
  mention and at least one entity mention is an event candidate, one per date value in it. A
  dated sentence that names nobody ("the Russian president and his French counterpart agreed
  on January 31") takes the entities of the article's title: news text refers to the
  headline's subjects by their roles. Without a title entity it is no event.
* **Merging** (``merge``): candidates on the same date (same value and granularity) from any
  articles and languages are one event when they share an entity (ids linked across the story by
  ``entities.link``) and their sentences say the same thing: cosine of their stored sentence
  vectors (the multilingual encoder of the embed stage) at least ``SAME_EVENT_COSINE``; a title
  has no stored vector, so a title joins on entities alone (``TITLE_ENTITY_SHARE``). Every
  candidate's sentence stays as evidence.
* **Order** (``order_key``): by value (a year before its months, a month before its days);
  events whose year is unknown (``--01-28``) come after those, ordered by month and day
  around the calendar starting after the largest gap between them, so a story told from
  December to February reads December first. No year is ever guessed.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date

import numpy as np

from storyline.embed import split_sentences
from storyline.records import (
    Article,
    DateMention,
    Embedding,
    EntityMention,
    Evidence,
    TimelineEvent,
    Vector,
)

# Cosine between two event sentences' stored vectors from which they tell the same event
# (given the same date value and a shared entity, which carry most of the decision). Calibrated
# on the seeds' cross-source pair (`python -m bench.timeline`, USE encoder, dates and entities
# stages of issue 7): the two reports of the 1997 Founding Act score 0.66, those of the
# 28 January call 0.42 (one is a dateline sentence, the other a back-reference); pairs of
# *different* events in the same story score 0.24-0.57 (median 0.40) but sit on different
# dates, so they are never compared. 0.40 keeps both true pairs. On MEANTIME translations
# (12 English articles + es/it/nl) 84.1 % of English events are joined by a translation at any
# threshold from 0.30 to 0.60 (translations score higher), 19.6 % with no sentence merges at
# all: that data cannot separate thresholds, so with two true pairs this value is provisional;
# re-run the benchmark when event gold (MEANTIME event instances) is wired in.
SAME_EVENT_COSINE = 0.40
# Share of a title candidate's entities (linked ids) that a body sentence must also name for the
# two to be one event (titles have no stored vector): a title names few entities, all central.
TITLE_ENTITY_SHARE = 0.5
# Sentence "pieces" shorter than this join the sentence after them: a dateline ("Moscow.
# January 28. INTERFAX - ...") or an abbreviation cut by the splitter is not a sentence, and its
# date belongs to the sentence it opens. 20 characters: longer than any dateline place or date
# piece in the seeds and MEANTIME ("Moscow.", "January 28."), shorter than any real sentence
# naming an entity and a date.
MIN_EVENT_SENTENCE_CHARS = 20
# Characters of a paragraph that are split into sentences for events (bounded cost: a 20 MB
# "paragraph" without full stops is not segmented whole; the embed stage caps the same way).
MAX_EVENT_PARAGRAPH_CHARS = 20_000

Link = Callable[[Iterable[EntityMention]], dict[str, str]]


@dataclass(frozen=True, slots=True)
class StoryArticle:
    """One article of a story as the timeline needs it: the article (with its mentions), its
    stored vectors, and the mentions found in its title (offsets into ``article.title``)."""

    article: Article
    embedding: Embedding | None = None
    title_entities: tuple[EntityMention, ...] = ()
    title_dates: tuple[DateMention, ...] = ()


@dataclass(slots=True)
class Candidate:
    """A dated sentence naming entities, before merging."""

    date: DateMention
    evidence: Evidence
    entities: tuple[EntityMention, ...]
    vector: Vector | None
    ids: set[str] = field(default_factory=set)


def story_timeline(items: Sequence[StoryArticle], link: Link | None = None) -> list[TimelineEvent]:
    """The timeline of one story: its articles' events, merged and in order.

    ``link`` (``entities.link``) maps each entity id to one representative id across the
    story's mentions (Poutine / Putin); ``None`` keeps the ids as stored."""
    candidates = [c for item in items for c in article_events(item)]
    everything = [m for c in candidates for m in c.entities]
    canonical = link(everything) if link is not None and everything else {}
    for c in candidates:
        c.ids = {canonical.get(m.id, m.id) for m in c.entities}
    events = merge(candidates, canonical)
    return sorted(events, key=order_key(events))


def article_events(item: StoryArticle) -> list[Candidate]:
    """The event candidates of one article: dated sentences of its title and text that name
    at least one entity."""
    a = item.article
    out = _candidates(
        a, "title", [(0, len(a.title), a.title)], item.title_entities, item.title_dates, None
    )
    if not a.dates or not a.entities:
        return out
    vectors = vector_lookup(item.embedding)
    return out + _candidates(
        a, "text", _sentences(a), a.entities, a.dates, vectors, item.title_entities
    )


def _candidates(
    a: Article,
    where: str,
    sentences: Iterable[tuple[int, int, str]],
    found_entities: Sequence[EntityMention],
    found_dates: Sequence[DateMention],
    vectors: Callable[[str], Vector | None] | None,
    topic: tuple[EntityMention, ...] = (),
) -> list[Candidate]:
    out: list[Candidate] = []
    if not found_dates or not (found_entities or topic):
        return out
    for start, end, sentence in sentences:
        named = tuple(m for m in found_entities if start <= m.start and m.end <= end)
        if not named and not any(start <= d.start and d.end <= end for d in found_dates):
            continue
        named = named or topic  # "the Russian president": the headline's subjects, by role
        if not named:
            continue
        seen: set[tuple[str, str]] = set()
        for d in found_dates:
            if not (start <= d.start and d.end <= end) or (d.value, d.granularity) in seen:
                continue
            seen.add((d.value, d.granularity))
            evidence = Evidence(a.id, a.site, a.lang, sentence, start, end, where, d.planned)
            vector = vectors(sentence) if vectors is not None else None
            out.append(Candidate(d, evidence, named, vector))
    return out


def dated_paragraphs(a: Article) -> list[tuple[int, int, int]]:
    """(index, start, end) of the paragraphs that hold a date mention, offsets into
    ``a.text``: where the events of an article are looked for, and the sentence vectors a
    lone article keeps (``clustering``)."""
    out: list[tuple[int, int, int]] = []
    at = 0
    for i, paragraph in enumerate(a.paragraphs):
        end = at + len(paragraph)
        if any(at <= d.start < end for d in a.dates):
            out.append((i, at, end))
        at = end + 2  # the blank line between paragraphs
    return out


def _sentences(a: Article) -> list[tuple[int, int, str]]:
    """(start, end, sentence) of every sentence of the paragraphs that hold a date mention,
    offsets into ``a.text``."""
    out: list[tuple[int, int, str]] = []
    for i, at, _ in dated_paragraphs(a):
        langs = a.paragraph_langs
        lang = (langs[i] if i < len(langs) else None) or a.lang
        head = a.paragraphs[i][:MAX_EVENT_PARAGRAPH_CHARS]
        pieces = split_sentences(head, lang)
        out += [(at + b, at + e, t) for b, e, t in sentence_spans(head, pieces)]
    return out


def sentence_spans(paragraph: str, pieces: list[str]) -> list[tuple[int, int, str]]:
    """(start, end, sentence) of ``pieces`` in ``paragraph``, a piece shorter than
    ``MIN_EVENT_SENTENCE_CHARS`` joined to the one after it."""
    out: list[tuple[int, int, str]] = []
    cursor, opened = 0, None
    for piece in pieces:
        found = paragraph.find(piece, cursor)
        if found < 0:  # the splitter changed the text (it should not): skip the piece
            continue
        cursor = found + len(piece)
        start = found if opened is None else opened
        if cursor - start < MIN_EVENT_SENTENCE_CHARS:
            opened = start
            continue
        out.append((start, cursor, paragraph[start:cursor]))
        opened = None
    if opened is not None:
        out.append((opened, cursor, paragraph[opened:cursor]))
    return out


def vector_lookup(embedding: Embedding | None) -> Callable[[str], Vector | None]:
    """The stored vector of a sentence: the stored sentence equal to it, else one containing
    it or contained in it (the embed stage splits the same paragraphs the same way)."""
    if embedding is None or not len(embedding.sentences):
        return lambda sentence: None
    index = {s: i for i, s in enumerate(embedding.sentences)}

    def vector(sentence: str) -> Vector | None:
        i = index.get(sentence)
        if i is None:
            i = next(
                (j for j, s in enumerate(embedding.sentences) if sentence in s or s in sentence),
                None,
            )
        return None if i is None else embedding.sentence_vectors[i]

    return vector


def same_event(a: Candidate, b: Candidate) -> bool:
    """Whether two candidates on the same date tell the same event (see the module doc)."""
    shared = a.ids & b.ids
    if not shared:
        return False
    if a.vector is not None and b.vector is not None:
        return float(np.dot(a.vector, b.vector)) >= SAME_EVENT_COSINE
    smaller = min(len(a.ids), len(b.ids))
    return len(shared) / smaller >= TITLE_ENTITY_SHARE


def merge(candidates: Sequence[Candidate], canonical: dict[str, str]) -> list[TimelineEvent]:
    """Candidates grouped by date, joined (single link) when ``same_event``; one event each."""
    groups: dict[tuple[str, str, bool], list[Candidate]] = {}
    for c in candidates:
        groups.setdefault((c.date.value, c.date.granularity, c.date.year_known), []).append(c)
    events: list[TimelineEvent] = []
    for group in groups.values():
        events.extend(_event(members, canonical) for members in _clusters(group))
    return events


def _clusters(group: list[Candidate]) -> list[list[Candidate]]:
    """``group`` split into the connected parts of the ``same_event`` graph (union-find)."""
    parent = list(range(len(group)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i in range(len(group)):
        for j in range(i + 1, len(group)):
            if root(i) != root(j) and same_event(group[i], group[j]):
                parent[root(j)] = root(i)
    clusters: dict[int, list[Candidate]] = {}
    for i, c in enumerate(group):
        clusters.setdefault(root(i), []).append(c)
    return list(clusters.values())


def _event(members: list[Candidate], canonical: dict[str, str]) -> TimelineEvent:
    first = members[0]
    entities: dict[str, EntityMention] = {}
    for c in members:
        for m in c.entities:
            key = canonical.get(m.id, m.id)
            entities.setdefault(key, _as(m, key))
    return TimelineEvent(
        date=first.date.value,
        granularity=first.date.granularity,
        # Planned when any report speaks of it as still to come: later reports of the same
        # event may not say so, but the order of reports is not the order of knowledge.
        planned=any(c.date.planned for c in members),
        year_known=first.date.year_known,
        text=first.evidence.text,
        entities=tuple(entities.values()),
        evidence=tuple(c.evidence for c in members),
    )


def _as(m: EntityMention, entity_id: str) -> EntityMention:
    if m.id == entity_id:
        return m
    return EntityMention(m.text, m.start, m.end, m.type, entity_id, m.name, m.country, m.lat, m.lon)


_KNOWN = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?|-W(\d{2}))?$")
_YEARLESS = re.compile(r"^--(\d{2})(?:-(\d{2}))?$")
# Positions of a yearless date on a circle of 12 months x 31 days (month alone: its start).
_CIRCLE = 12 * 31


def calendar_key(value: str) -> tuple[int, int, int] | None:
    """(year, month, day) of a value with a year (0 for a coarser part); a week is its Monday."""
    m = _KNOWN.match(value)
    if m is None:
        return None
    year, month, day, week = m.groups()
    if week is not None:
        try:
            monday = date.fromisocalendar(int(year), int(week), 1)
        except ValueError:
            return (int(year), 0, 0)
        return (monday.year, monday.month, monday.day)
    return (int(year), int(month or 0), int(day or 0))


def yearless_position(value: str) -> int | None:
    """Place of a ``--MM-DD`` / ``--MM`` value on the month-day circle."""
    m = _YEARLESS.match(value)
    if m is None:
        return None
    return (int(m.group(1)) - 1) * 31 + int(m.group(2) or 0)


def order_key(
    events: Sequence[TimelineEvent],
) -> Callable[[TimelineEvent], tuple[int, int, int, int, int, str]]:
    """A sort key for ``events``: dated ones by value, then yearless ones around the circle
    from after the largest gap between them, then anything unreadable by its text."""
    positions = sorted(
        {p for e in events if (p := yearless_position(e.date)) is not None and not e.year_known}
    )
    start = 0
    if positions:
        gaps = [
            ((positions[(i + 1) % len(positions)] - p) % _CIRCLE or _CIRCLE, i)
            for i, p in enumerate(positions)
        ]
        widest = max(gaps, key=lambda g: (g[0], -g[1]))[1]
        start = positions[(widest + 1) % len(positions)]

    def key(e: TimelineEvent) -> tuple[int, int, int, int, int, str]:
        known = calendar_key(e.date) if e.year_known else None
        if known is not None:
            return (0, *known, -len(e.articles), e.text)
        position = yearless_position(e.date)
        if position is not None:
            return (1, (position - start) % _CIRCLE, 0, 0, -len(e.articles), e.text)
        return (2, 0, 0, 0, -len(e.articles), e.date + e.text)

    return key
