"""Compare sources: what each article of a story states, aligned across articles and languages.

Pure functions over records (no file, no database): the workspace hands in each article of a
story with its stored vectors and title mentions (``timeline.StoryArticle``), an encoder for the
statements it has no stored vector of, and ``entities.link`` to join entity ids across
languages.

* **Which articles** (``chosen``): reprints (``Article.copy_of`` another member) fold into the
  article they copy and count once; of the independent articles the ``MAX_ARTICLES`` earliest
  published are compared (undated ones last), each with at most ``MAX_STATEMENTS`` statements
  (its title first, then its text in order). ``Comparison.left_out`` / ``cut`` say what a cap
  dropped, so the cost of a 5,000-article story stays that of ``MAX_ARTICLES``.
* **Statements** (``statements``): the title and the sentences of the text (``sentencex``, any
  language); a piece too short to be a sentence ("Moscow.", a stray "."), or one that starts in
  lower case (the splitter cut "security. at the expense of ..."), joins the sentence before it.
  A sentence over ``LONG_STATEMENT_CHARS`` is split into clauses at commas, semicolons and
  colons (Latin and CJK punctuation), no clause under ``MIN_CLAUSE_CHARS``, so a sentence that
  packs several facts ("... security guarantees, including against the background of talks in
  Geneva and a meeting of the Russia-NATO Council in Brussels") states each on its own. What
  has fewer than ``MIN_STATEMENT_LETTERS`` letters ("1680", "-1") is no statement.
* **Alignment** (``scores``): the cosine of two statements' vectors (the multilingual encoder of
  the embed stage: stored sentence vectors where a statement is a stored sentence, the others
  encoded in one batch), or that of their whole sentences less ``SENTENCE_MARGIN`` when higher
  (clauses of two translated sentences), plus ``ENTITY_WEIGHT`` times the share of entities
  (ids linked across the story) they both name, plus ``ANCHOR_WEIGHT`` when they share a date
  or a number, minus ``DATE_CONFLICT_WEIGHT`` when both give dates of one granularity and share
  none (Jan 31 vs Jan 28), minus ``NUMBER_CONFLICT_WEIGHT`` when both give numbers and share
  none.
* **Facts** (``group``): average-linkage agglomeration over statements of *different* articles:
  the best-scoring pairs first, two groups join when the mean score of their cross-article
  pairs reaches ``SAME_FACT_SCORE``. A statement never joins through a statement of its own
  article alone, and one loose pair cannot chain two unrelated groups together.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime

import numpy as np
import numpy.typing as npt

from storyline.embed import split_sentences
from storyline.records import Article, Comparison, Fact, Statement, Vector
from storyline.timeline import Link, StoryArticle

VERSION = "compare-2"

# --- bounds ---------------------------------------------------------------------------------
# Independent articles compared (the earliest published): the score matrix is at most
# (MAX_ARTICLES * MAX_STATEMENTS)^2 = 3,200^2 float32 = 41 MB, and the statements not stored as
# sentences are encoded once (~1 minute on 2 cores at the cap). A story's first reports carry
# its facts; later ones mostly repeat them.
MAX_ARTICLES = 40
# Statements of one article (title first, text order): the 99th percentile of MEANTIME and the
# seeds is far below (MEANTIME's longest article: 48 sentences).
MAX_STATEMENTS = 80
# Characters of a paragraph split into statements (the timeline caps the same way).
MAX_PARAGRAPH_CHARS = 20_000

# --- statements -----------------------------------------------------------------------------
# A piece shorter than this (characters) is not a sentence of its own: a dateline place, an
# abbreviation cut by the splitter, a stray "." (the embed stage's MIN_SENTENCE_CHARS).
MIN_STATEMENT_CHARS = 20
# Letters a statement needs: "1680", "-1", "28.01 05:35" state nothing (sidebar counters).
MIN_STATEMENT_LETTERS = 12
# Sentences longer than this (characters) are split into clauses: the seeds' sentences that
# pack several facts are 230-440 characters. Translations cut into clauses differently are kept
# together by ``SENTENCE_MARGIN``.
LONG_STATEMENT_CHARS = 150
# The shortest clause: shorter pieces ("legally secured security guarantees") stay with the
# piece before them (or after, at a sentence's start).
MIN_CLAUSE_CHARS = 40

# --- alignment ------------------------------------------------------------------------------
# Tuned on MEANTIME corpus_airbus (dev; apple and gm held out), `python -m bench.compare`:
# recall = share of a version's statements aligned to another translation, precision check =
# share two different airbus articles align. With the values below: 97.8 % / 10.0 %. The
# sweep (2026-12-02): SAME_FACT_SCORE 0.5 / 0.55 / 0.6 gave 91.8 / 89.3 / 85.7 % recall and
# 13.9 / 9.9 / 6.9 % on different articles before SENTENCE_MARGIN; ENTITY_WEIGHT 0 / 0.05 /
# 0.15 at 0.55: 88.8 / 89.3 / 90.4 % against 8.4 / 9.9 / 13.9 % (articles of one topic name the
# same companies, so entities add little on top of the cosine); SENTENCE_MARGIN 0.1 / 0.15 /
# 0.2 / 0.3: 98.3 / 97.8 / 96.8 / 92.1 % recall at an unchanged 10 %. USE multilingual v3:
# translations of a sentence score 0.6-0.9, unrelated sentences of one story 0.1-0.4.
ENTITY_WEIGHT = 0.05  # times the share of the fewer entities that both statements name
ANCHOR_WEIGHT = 0.05  # a shared date value or number
# Both give dates of one granularity and none in common (Jan 31 vs Jan 28): resolved dates are
# reliable, so this outweighs the cosine of two sentences that differ only in their date
# (0.2 and 0.4 measure the same on MEANTIME, whose translations keep their dates).
DATE_CONFLICT_WEIGHT = 0.4
# Both give numbers and none in common: weaker, numbers are written in many ways ("40 billion",
# "40.000 millones": both read as 4 after dropping separators and trailing zeros, but "forty").
NUMBER_CONFLICT_WEIGHT = 0.1
# Clauses of two sentences that say the same as a whole (translations) score at least the
# sentences' cosine minus this: a sentence cut into clauses one way in one language and
# another way in the next stays one fact.
SENTENCE_MARGIN = 0.15
# Mean cross-article score from which statements state one fact.
SAME_FACT_SCORE = 0.55

Encode = Callable[[Sequence[str]], Vector]

_CLAUSE_END = re.compile(r"[,;:](?=\s)|[，；：、]")
_SENTENCE_END = re.compile(r"[.!?](?=\s)")
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
_FAR_FUTURE = datetime.max.replace(tzinfo=UTC)


@dataclass(frozen=True, slots=True)
class Said:
    """A statement with what alignment reads of it: its entities, dates and numbers."""

    statement: Statement
    sentence: str  # the whole sentence it is a clause of (itself when it is one)
    entities: frozenset[str]
    dates: frozenset[tuple[str, str]]  # (value, granularity)
    numbers: frozenset[str]


def chosen(
    articles: Sequence[Article], limit: int = MAX_ARTICLES
) -> tuple[list[Article], dict[str, list[str]], list[str]]:
    """(compared articles, reprint ids by the original they copy, independent articles left
    out by ``limit``). Compared: the earliest published independent articles, undated last."""
    ids = {a.id for a in articles}
    originals = [a for a in articles if not a.copy_of or a.copy_of not in ids]
    copies: dict[str, list[str]] = {}
    for a in articles:
        if a.copy_of and a.copy_of in ids:
            copies.setdefault(a.copy_of, []).append(a.id)
    originals.sort(key=lambda a: (a.published or _FAR_FUTURE, a.id))
    return originals[:limit], copies, [a.id for a in originals[limit:]]


def clauses(sentence: str) -> list[tuple[int, int]]:
    """(start, end) of the clauses of one sentence: itself when short, else its pieces between
    commas, semicolons, colons and sentence ends the splitter missed (inside quotes); a piece
    under ``MIN_CLAUSE_CHARS`` stays with the one before it (the first, with the next)."""
    if len(sentence) <= LONG_STATEMENT_CHARS:
        return [(0, len(sentence))]
    cuts = [m.end() for m in _CLAUSE_END.finditer(sentence)]
    cuts += [
        m.end()
        for m in _SENTENCE_END.finditer(sentence)
        if sentence[m.end() :].lstrip(" \"“”«»'").strip()[:1].isupper()
    ]
    out: list[tuple[int, int]] = []
    start = 0
    for at in [*sorted(set(cuts)), len(sentence)]:
        if at - start < MIN_CLAUSE_CHARS:
            if out:  # too short: the end of the clause before
                out[-1] = (out[-1][0], at)
                start = at
            continue  # else it opens the next one
        out.append((start, at))
        start = at
    return [_strip(sentence, b, e) for b, e in out]


def _strip(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def sentence_spans(paragraph: str, pieces: Sequence[str]) -> list[tuple[int, int]]:
    """(start, end) of the sentences of ``paragraph`` from the splitter's ``pieces``: a piece
    shorter than ``MIN_STATEMENT_CHARS`` or starting in lower case continues the sentence before
    it (the first of a paragraph opens the next one)."""
    out: list[tuple[int, int]] = []
    cursor, opened = 0, None
    for piece in pieces:
        found = paragraph.find(piece, cursor)
        if found < 0:  # the splitter changed the text (it should not): skip the piece
            continue
        cursor = found + len(piece)
        start = found if opened is None else opened
        loose = len(piece) < MIN_STATEMENT_CHARS or piece[0].islower()
        if loose and out and opened is None:
            out[-1] = (out[-1][0], cursor)
            continue
        if cursor - start < MIN_STATEMENT_CHARS:
            opened = start
            continue
        out.append((start, cursor))
        opened = None
    if opened is not None:
        if out:
            out[-1] = (out[-1][0], cursor)
        else:
            out.append((opened, cursor))
    return out


def statements(item: StoryArticle) -> list[Statement]:
    """The statements of one article: its title, then its text's, in order (uncapped)."""
    return [s for s, _ in _statements(item)]


def _statements(item: StoryArticle) -> list[tuple[Statement, str]]:
    """Each statement of ``item`` with the whole sentence it comes from."""
    a = item.article
    out: list[tuple[Statement, str]] = []
    if _worth(a.title):
        title = Statement(a.id, a.site, a.lang, a.title, 0, len(a.title), field="title")
        out.append((title, a.title))
    at = 0
    for i, paragraph in enumerate(a.paragraphs):
        langs = a.paragraph_langs
        lang = (langs[i] if i < len(langs) else None) or a.lang
        head = paragraph[:MAX_PARAGRAPH_CHARS]
        for b, e in sentence_spans(head, split_sentences(head, lang)):
            for cb, ce in clauses(head[b:e]):
                text = head[b + cb : b + ce]
                if _worth(text):
                    found = Statement(a.id, a.site, a.lang, text, at + b + cb, at + b + ce)
                    out.append((found, head[b:e]))
        at += len(paragraph) + 2  # the blank line between paragraphs
    return out


def _worth(text: str) -> bool:
    return (
        len(text) >= MIN_STATEMENT_CHARS and sum(c.isalpha() for c in text) >= MIN_STATEMENT_LETTERS
    )


def _read(item: StoryArticle, s: Statement, sentence: str, canonical: dict[str, str]) -> Said:
    """What alignment reads of statement ``s`` of ``item``: mentions inside its span."""
    a = item.article
    if s.field == "title":
        found_entities, found_dates = item.title_entities, item.title_dates
    else:
        found_entities, found_dates = a.entities, a.dates
    inside = [d for d in found_dates if s.start <= d.start and d.end <= s.end]
    spans = [(d.start - s.start, d.end - s.start) for d in inside]
    numbers = {
        m.group().replace(",", "").replace(".", "").rstrip("0") or "0"
        for m in _NUMBER.finditer(s.text)
        if not any(b <= m.start() < e for b, e in spans)
    }
    return Said(
        s,
        sentence,
        frozenset(
            canonical.get(m.id, m.id)
            for m in found_entities
            if s.start <= m.start and m.end <= s.end
        ),
        frozenset((d.value, d.granularity) for d in inside),
        frozenset(numbers),
    )


def vectors_of(items: Sequence[StoryArticle], texts: Sequence[str], encode: Encode) -> Vector:
    """One unit vector per text: the stored sentence vector of an equal sentence, the rest
    encoded in one batch."""
    stored: dict[str, Vector] = {}
    for item in items:
        e = item.embedding
        if e is not None and len(e.sentences):
            stored.update(zip(e.sentences, e.sentence_vectors, strict=True))
    todo = list(dict.fromkeys(t for t in texts if t not in stored))
    if todo:
        stored.update(zip(todo, encode(todo), strict=True))
    if not texts:
        return np.zeros((0, 0), dtype=np.float32)
    return np.stack([stored[t] for t in texts]).astype(np.float32)


def scores(said: Sequence[Said], vectors: Vector, sentences: Vector | None = None) -> Vector:
    """The alignment score of every pair of statements (see the module doc); ``sentences``:
    the vectors of their whole sentences."""
    out: Vector = (vectors @ vectors.T).astype(np.float32)
    if sentences is not None:
        out = np.maximum(out, sentences @ sentences.T - SENTENCE_MARGIN).astype(np.float32)
    entities = _incidence([s.entities for s in said])
    named = entities.sum(axis=1)
    fewer = np.minimum.outer(named, named)
    share = np.divide(entities @ entities.T, fewer, out=np.zeros_like(out), where=fewer > 0)
    same_date = _overlap([s.dates for s in said])
    same_granularity = _overlap([{g for _, g in s.dates} for s in said])
    same_number = _overlap([s.numbers for s in said])
    counted = np.array([bool(s.numbers) for s in said])
    extra = ENTITY_WEIGHT * share
    extra += np.where(
        same_granularity & ~same_date,
        -DATE_CONFLICT_WEIGHT,
        np.where(
            same_date | same_number,
            ANCHOR_WEIGHT,
            np.where(np.logical_and.outer(counted, counted), -NUMBER_CONFLICT_WEIGHT, 0.0),
        ),
    )
    result: Vector = (out + extra).astype(np.float32)
    return result


def _incidence(sets: Sequence[Iterable[object]]) -> Vector:
    """A 0/1 matrix: one row per set, one column per value of any of them."""
    columns: dict[object, int] = {}
    cells = [(i, columns.setdefault(v, len(columns))) for i, vs in enumerate(sets) for v in vs]
    out = np.zeros((len(sets), max(len(columns), 1)), dtype=np.float32)
    for i, j in cells:
        out[i, j] = 1.0
    return out


def _overlap(sets: Sequence[Iterable[object]]) -> npt.NDArray[np.bool_]:
    """Whether each two of ``sets`` have a value in common."""
    m = _incidence(sets)
    overlap: npt.NDArray[np.bool_] = (m @ m.T) > 0
    return overlap


def group(owner: Sequence[int], score: Vector, threshold: float) -> list[list[int]]:
    """Statements grouped by average linkage over cross-article pairs (see the module doc).

    The sum and the count of cross-article scores between every two groups are kept and
    updated on each join (a row and a column added), so testing a pair costs O(1) and a join
    O(n): O(n^2) in all, where taking each candidate pair's block mean anew cost up to
    O(n^2) per pair (a 40-article story of near-identical copies: 18 s)."""
    n = len(owner)
    own = np.asarray(owner)
    cross = own[:, None] != own[None, :]
    total = np.where(cross, score, 0.0).astype(np.float64)  # cross-pair score sums
    count = cross.astype(np.int32)  # cross-pair counts
    members: dict[int, list[int]] = {k: [k] for k in range(n)}
    root = list(range(n))
    upper = np.triu(cross & (score >= threshold), 1)
    pairs = sorted(zip(*np.nonzero(upper), strict=True), key=lambda p: -score[p[0], p[1]])
    for i, j in pairs:
        a, b = root[int(i)], root[int(j)]
        if a == b or total[a, b] < threshold * count[a, b]:
            continue
        keep, gone = (a, b) if len(members[a]) >= len(members[b]) else (b, a)
        total[keep] += total[gone]
        total[:, keep] = total[keep]
        count[keep] += count[gone]
        count[:, keep] = count[keep]
        members[keep] = members[keep] + members.pop(gone)
        for k in members[keep]:
            root[k] = keep
    return sorted(members.values(), key=min)


def compare(
    story_id: str,
    items: Sequence[StoryArticle],
    encode: Encode,
    link: Link | None = None,
    left_out: Sequence[str] = (),
) -> Comparison:
    """The comparison of one story's articles: its facts, most widely stated first.

    ``items`` are the story's members (reprints among them fold into their original; past
    ``MAX_ARTICLES`` independent ones the latest are left out); ``left_out`` names members the
    caller already left out (``chosen``), so the ``Comparison`` says it was capped."""
    by_id = {i.article.id: i for i in items}
    kept, copies, over = chosen([i.article for i in items])
    left_out = (*left_out, *over)
    picked = [by_id[a.id] for a in kept]
    mentions = [m for i in picked for m in (*i.article.entities, *i.title_entities)]
    canonical = link(mentions) if link is not None and mentions else {}
    said: list[Said] = []
    cut: list[str] = []
    for item in picked:
        found = _statements(item)
        if len(found) > MAX_STATEMENTS:
            cut.append(item.article.id)
        for s, sentence in found[:MAX_STATEMENTS]:
            s = replace(s, copies=tuple(copies.get(s.article, ())))
            said.append(_read(item, s, sentence, canonical))
    articles = tuple(a.id for a in kept)
    if not said:
        return Comparison(story_id, articles, (), tuple(left_out), tuple(cut))
    plain = [s.statement for s in said]
    texts = [s.text for s in plain]
    whole = [s.sentence for s in said]
    both = vectors_of(picked, texts + whole, encode)
    score = scores(said, both[: len(texts)], both[len(texts) :])
    owner = [articles.index(s.article) for s in plain]
    facts = []
    for members in group(owner, score, SAME_FACT_SCORE):
        block = score[np.ix_(members, members)]
        best = members[int(np.argmax(block.sum(axis=1)))]
        stated = tuple(plain[k] for k in sorted(members))  # article order, then text order
        have = {s.article for s in stated}
        missing = tuple(a for a in articles if a not in have)
        fact = Fact(plain[best].text, plain[best].lang, stated, missing)
        facts.append((min(members), fact))
    facts.sort(key=lambda f: (-len(f[1].sources), f[0]))
    return Comparison(story_id, articles, tuple(f for _, f in facts), tuple(left_out), tuple(cut))
