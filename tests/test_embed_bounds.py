"""Issue 11 §1: one long paragraph must not eat the machine. Every text the encoder sees is
capped, and normal articles encode exactly what they encoded before the caps."""

from __future__ import annotations

import json
import random
import re
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest

from storyline.embed import (
    MAX_PART_CHARS,
    MAX_SENTENCE_CHARS,
    MAX_SENTENCE_TEXT_CHARS,
    MAX_SENTENCES,
    MIN_SENTENCE_CHARS,
    USEEncoder,
    cut,
    embed,
    load_encoder,
    sentences_of,
)
from storyline.extract.textdump import clean_dump
from storyline.records import Article, Vector

VOCABULARY = (
    "the council voted on monday to close old bridge for repairs after engineers found cracks "
    "in its steel beams while residents protested and the mayor promised a new crossing"
)


def one_paragraph(chars: int, *, full_stops: bool = True) -> str:
    rng = random.Random(11)
    words_of = VOCABULARY.split()
    sentences: list[str] = []
    size = 0
    while size < chars:
        words = " ".join(rng.choice(words_of) for _ in range(rng.randint(8, 20)))
        sentences.append(words.capitalize() + ("." if full_stops else ""))
        size += len(sentences[-1]) + 1
    return " ".join(sentences)[:chars]


class Recording:
    """The real encoder, remembering what it was asked to encode."""

    def __init__(self, inner: USEEncoder) -> None:
        self.inner = inner
        self.name = inner.name
        self.dim = inner.dim
        self.calls: list[list[str]] = []

    def encode(self, texts: Sequence[str]) -> Vector:
        self.calls.append(list(texts))
        return self.inner.encode(texts)


@pytest.fixture(scope="module")
def encoder() -> USEEncoder:
    loaded = load_encoder("use")
    assert isinstance(loaded, USEEncoder)
    return loaded


def _article(*paragraphs: str) -> Article:
    return Article(
        id="a", raw_sha256="0" * 64, source="t", title="T", paragraphs=paragraphs, lang="en"
    )


def test_a_one_megabyte_paragraph_reaches_the_encoder_in_bounded_pieces(
    encoder: USEEncoder,
) -> None:
    recording = Recording(encoder)
    text = one_paragraph(1_000_000, full_stops=False)  # the worst case: no sentence ends
    embedding = embed(_article(text), recording)
    texts = [t for call in recording.calls for t in call]
    assert max(len(t) for t in texts) <= MAX_PART_CHARS
    assert len(embedding.sentences) <= MAX_SENTENCES
    assert all(len(s) <= MAX_SENTENCE_CHARS for s in embedding.sentences)
    assert len(texts) <= MAX_SENTENCES + 3
    assert sum(len(s) for s in embedding.sentences) <= MAX_SENTENCE_TEXT_CHARS + MAX_SENTENCE_CHARS
    assert np.isfinite(embedding.doc).all() and abs(np.linalg.norm(embedding.doc) - 1) < 1e-4
    assert embedding.sentence_vectors.shape == (len(embedding.sentences), encoder.dim)


@pytest.mark.parametrize("full_stops", [True, False])
def test_sentences_of_a_long_paragraph_are_capped(full_stops: bool) -> None:
    sentences = sentences_of(_article(one_paragraph(2_000_000, full_stops=full_stops)))
    assert 0 < len(sentences) <= MAX_SENTENCES
    assert all(MIN_SENTENCE_CHARS <= len(s) <= MAX_SENTENCE_CHARS for s in sentences)
    assert sum(map(len, sentences)) <= MAX_SENTENCE_TEXT_CHARS + MAX_SENTENCE_CHARS


def test_cut_keeps_every_word_and_respects_the_limit() -> None:
    text = one_paragraph(50_000, full_stops=False)
    pieces = cut(text, 2_000)
    assert all(0 < len(p) <= 2_000 for p in pieces)
    assert " ".join(pieces).split() == text.split()
    assert cut("短" * 5_000, 2_000) == ["短" * 2_000, "短" * 2_000, "短" * 1_000]
    assert cut("a short sentence", 2_000) == ["a short sentence"]


def test_a_one_line_dump_of_several_megabytes_is_kept_whole() -> None:
    line = one_paragraph(5_000_000)
    found = clean_dump("Home | News | About\n" + line + "\nLeave a Reply\n")
    assert found.paragraphs == (line.strip(),)


def test_normal_articles_encode_what_they_encoded_before_the_caps(shared_data: Path) -> None:
    """The caps sit above every real article: sentences are the plain sentencex output."""
    from sentencex import segment

    lines = (shared_data / "meantime" / "articles.jsonl").read_text("utf-8").splitlines()
    for line in lines[::9]:
        record = json.loads(line)
        paragraphs = tuple(p.strip() for p in re.split(r"\n+", record["text"]) if p.strip())
        article = Article(
            id="m", raw_sha256="0" * 64, source="m", title=record["title"],
            paragraphs=paragraphs, lang=record["lang"],
        )  # fmt: skip
        plain = [
            s.strip()
            for p in paragraphs
            for s in segment(record["lang"], p)
            if len(s.strip()) >= MIN_SENTENCE_CHARS
        ]
        assert sentences_of(article) == plain
