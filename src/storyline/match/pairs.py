"""Pairs of texts scored as "same story": the work behind ``storyline similarity --pairs``.

A text becomes a ``Profile`` through the pipeline a workspace runs on a JSON Lines record
(extract the record's fields, detect the language, find the mentions, embed), so the features
the matcher was trained on (``bench/train_match.py`` uses these same functions) are the features
it sees at inference. A pair scorer must score any text: a text the extract stage would refuse
as an article (a cookie notice, boilerplate only) is still profiled, from its paragraphs as
given; an empty text gets a profile with no vectors and scores low against anything.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass

from storyline.errors import DocumentError
from storyline.match.profile import Profile, profile
from storyline.pipeline import Pipeline, annotate
from storyline.read.jsonl import NotJSON, load_json, record_doc, record_fields
from storyline.records import Article, Embedding

# Keys of one input line of ``storyline similarity --pairs``.
PAIR_KEYS = ("pair_id", "text1", "text2")
_PARAGRAPH_BREAK = re.compile(r"\n\s*\n|\n")


@dataclass(frozen=True, slots=True)
class PairResult:
    """One scored pair (``score`` in [0, 1], 1 = same story) or why it could not be scored."""

    pair_id: str
    score: float | None = None
    error: str | None = None

    def to_dict(self) -> dict[str, object]:
        if self.error is not None:
            return {"pair_id": self.pair_id, "error": self.error}
        return {"pair_id": self.pair_id, "score": self.score}


def article_of(record: Mapping[str, object], pipeline: Pipeline) -> Article:
    """The clean, annotated article of a record ``{text, title?, lang?, published?, ...}``,
    as a workspace ingest makes it; a text the extract stage refuses is kept as given."""
    data = json.dumps(record, sort_keys=True, ensure_ascii=False).encode("utf-8", "replace")
    digest = hashlib.sha256(data).hexdigest()
    fields = record_fields(record)
    raw = record_doc(data, "pair", digest, fields)
    try:
        from storyline.pipeline import clean

        return clean(raw, pipeline.detector)
    except DocumentError:
        pass
    from storyline.language import detect_language

    text = fields.get("text", "")
    paragraphs = tuple(p.strip() for p in _PARAGRAPH_BREAK.split(text) if p.strip())
    title = fields.get("title", "").strip()
    article = Article(
        id=digest[:16],
        raw_sha256=digest,
        source="pair",
        title=title or " ".join((paragraphs[0] if paragraphs else "").split()[:12]),
        paragraphs=paragraphs,
        lang=(fields.get("lang") or "").split("-")[0].lower() or None,
    )
    given = article.lang
    article = detect_language(article, pipeline.detector)
    if given:
        article = dataclasses.replace(article, lang=given)
    return annotate(article)


def profile_of(record: Mapping[str, object], pipeline: Pipeline) -> Profile:
    """The matcher's profile of one text record (see ``article_of``)."""
    article = article_of(record, pipeline)
    return profile(article, _embed(article, pipeline))


def _embed(article: Article, pipeline: Pipeline) -> Embedding:
    from storyline.embed import embed

    return embed(article, pipeline.encoder)


def side(row: Mapping[str, object], which: str) -> dict[str, object]:
    """Side ``which`` ("1" or "2") of a pair line as a text record."""
    record: dict[str, object] = {"text": row.get("text" + which) or ""}
    for key in ("lang", "title", "published"):
        value = row.get(key + which)
        if value is not None:
            record[key] = value
    return record


def check_pair(row: object) -> str | None:
    """Why a parsed pair line cannot be scored, or None."""
    if not isinstance(row, dict):
        return "not a JSON object"
    missing = [key for key in PAIR_KEYS if key not in row]
    if missing:
        return "missing " + ", ".join(repr(key) for key in missing)
    for key in ("text1", "text2", "lang1", "lang2", "title1", "title2"):
        if row.get(key) is not None and not isinstance(row[key], str):
            return f"{key!r} is not a string"
    return None


def score_lines(lines: Iterable[bytes], pipeline: Pipeline | None = None) -> Iterator[PairResult]:
    """One ``PairResult`` per non-blank line of a pairs file, in order; a bad line yields an
    error result (``pair_id`` "line N" when it has none) and the rest go on."""
    from storyline.match.model import default_matcher

    matcher = default_matcher()
    for number, line in enumerate(lines, start=1):
        data = line.strip()
        if not data:
            continue
        try:
            row = load_json(data)
        except NotJSON as error:
            yield PairResult(f"line {number}", error=error.reason)
            continue
        pair_id = str(row.get("pair_id")) if isinstance(row, dict) and "pair_id" in row else ""
        pair_id = pair_id or f"line {number}"
        problem = check_pair(row)
        if problem is not None:
            yield PairResult(pair_id, error=f"line {number}: {problem}")
            continue
        assert isinstance(row, dict)
        pipeline = pipeline or Pipeline.default()
        try:
            a = profile_of(side(row, "1"), pipeline)
            b = profile_of(side(row, "2"), pipeline)
        except DocumentError as error:  # a stage refused a text: this pair only
            yield PairResult(pair_id, error=f"line {number}: {error.stage}: {error.reason}")
            continue
        yield PairResult(pair_id, score=round(matcher.score(a, b), 6))


def similarity(
    a: str | Article,
    b: str | Article,
    *,
    lang1: str | None = None,
    lang2: str | None = None,
    title1: str | None = None,
    title2: str | None = None,
    pipeline: Pipeline | None = None,
) -> float:
    """Same-story score of two texts or two Articles, in [0, 1] (1 = same story). A text goes
    through the pipeline of a JSON Lines record (``profile_of``); an Article is taken as it is
    (annotated first if its mentions stage has not run) and embedded."""
    from storyline.match.model import default_matcher

    pipeline = pipeline or Pipeline.default()
    one = _profile(a, lang1, title1, pipeline)
    two = _profile(b, lang2, title2, pipeline)
    return default_matcher().score(one, two)


def _profile(
    item: str | Article, lang: str | None, title: str | None, pipeline: Pipeline
) -> Profile:
    if isinstance(item, Article):
        article = item if item.mentions else annotate(item)
        return profile(article, _embed(article, pipeline))
    record: dict[str, object] = {"text": item}
    if lang:
        record["lang"] = lang
    if title:
        record["title"] = title
    return profile_of(record, pipeline)
