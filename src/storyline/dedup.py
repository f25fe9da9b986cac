"""Dedup stage: reprints of the same wire copy, found by MinHash/LSH over word shingles.

A reprint is the same copy again — under another headline, with a trimmed or extended ending,
an agency credit, other boilerplate lines, a few words changed. Different reports of the same
story share facts and names but hardly any run of ``SHINGLE_WORDS`` words, so the Jaccard
similarity of word-shingle *sets* tells the two apart where an embedding cosine cannot (both
are "the same story" to the encoder). Only the clean text is shingled: the headline is what
reprints change most.

Pure functions over records, in pipeline order::

    shingles(text) -> set of word n-grams    signature(article) -> Signature (MinHash)
    band_keys(signature) -> LSH bucket keys  similarity(a, b) -> estimated Jaccard

``ReprintIndex`` is the in-memory index (datasketch ``MinHashLSH``) for pure use — a batch, a
benchmark, a Dask partition. A workspace does not hold one: its ``reprint_bands`` rows are the
same buckets (``band_keys`` uses the band split and the band hash of ``MinHashLSH``), looked
up by SQLite, because ``MinHashLSH`` costs ≈ 8 KB of Python objects per article (measured with
tracemalloc on 50,000 signatures, 128 permutations, 25 bands): 8 GB for a million.

Bytes per article in a workspace: the signature ``PERMUTATIONS`` × 4 = 512 bytes, plus one
``reprint_bands`` row per band (``bands()`` = 37: an 8-byte key and the article id). Measured
on the 12,184 benchmark texts stored as articles (32-character ids): 2.7 KB per article on
disk for both tables (1.9 KB of bands), ≈ 2 KB with 16-character ids: 2-3 GB on disk for a
million, and *nothing* per article in memory (SQLite's page cache only; the measuring process
stayed at 131 MB RSS). Cost per stored article there: 0.6 ms to fingerprint, 1.1 ms to store
and link (medians; p99 9 ms). A lookup is ``bands()`` primary-key probes plus one signature
comparison per candidate (at most ``store.reprints.MAX_CANDIDATES``).

A copy group links to its *earliest* article (``cluster.order_key``: publication time, then the
raw bytes' sha256): see ``earliest``.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any, TypeVar

import numpy as np
import numpy.typing as npt

from storyline.records import Article

VERSION = "dedup-1"

# Words per shingle. Calibrated with `python -m bench.dedup --calibrate` on the SemEval-2022
# dev tune half (MEANTIME and the report half are the out-of-sample check): 3 to 6 words all
# reach F1 0.99+ there; shorter shingles raise the negatives (the top negative's exact
# Jaccard in the tune half: 3 words 0.31, 4 words 0.27, 5 words 0.24, 6 words 0.24; mean
# 0.018 / 0.013 / 0.010 / 0.008): same-story reports of other outlets share names and short
# quotes, hardly any 5-word run. 6 words buys little more margin and loses recall on edits.
SHINGLE_WORDS = 5
# MinHash permutations: the Jaccard estimate's standard error is sqrt(J(1-J)/128) ≈ 0.043 at
# J = 0.4; 128 uint32 values are 512 bytes per article.
PERMUTATIONS = 128
# Seed of the permutations: part of the stage version (other seeds give other signatures).
SEED = 1
# Estimated Jaccard similarity from which an article is a copy of another. Calibrated with
# `python -m bench.dedup --calibrate` on the SemEval dev tune half: F1 is flat (0.996 -> 0.994)
# from 0.2 to 0.4 and falls beyond (0.5: 0.987, 0.6: 0.970, reprints with every variant at
# once drop out); 0.4, the top of the plateau, keeps the widest margin over the hardest
# negatives seen (estimated Jaccard 0.27 in the tune half; 0.29 in the report half, an Arabic
# same-story pair).
SIMILARITY_THRESHOLD = 0.4
# The threshold the LSH band split is chosen for (datasketch's ``MinHashLSH`` optimum: 37 bands
# of 3 rows). Under SIMILARITY_THRESHOLD so that nearly every pair above it is a candidate: a
# pair at J = 0.4 shares a bucket with probability 1 - (1 - 0.4^3)^37 ≈ 0.91, at 0.5 0.99.
# Candidates are then checked against SIMILARITY_THRESHOLD on the whole signature. Same sweep:
# a split for 0.4 (32 × 4) loses 0.5 points of recall, one for 0.5 (25 × 5) 2 points.
LSH_THRESHOLD = 0.3
# Texts with fewer shingles than this are never linked (a one-line caption or "read more"
# stub is the same as many others without being a reprint of them).
MIN_SHINGLES = 8

_WORD = re.compile(r"\w+")
_MAX_HASH = np.uint32(2**32 - 1)

Signature = npt.NDArray[np.uint32]
K = TypeVar("K", bound=Hashable)


@dataclass(frozen=True, slots=True)
class Fingerprint:
    """What the dedup stage keeps of one article: its MinHash signature and shingle count."""

    signature: Signature
    shingles: int
    version: str = VERSION

    @property
    def linkable(self) -> bool:
        """Long enough to be linked to others (``MIN_SHINGLES``)."""
        return self.shingles >= MIN_SHINGLES


def words(text: str) -> list[str]:
    """The words of ``text``, normalised so that typography is not an edit: NFKC, case-folded,
    punctuation and whitespace dropped."""
    return _WORD.findall(unicodedata.normalize("NFKC", text).casefold())


def shingles(text: str, size: int | None = None) -> set[str]:
    """The set of ``size``-word runs (``SHINGLE_WORDS``) of ``text`` (a shorter text is one
    shingle of all its words; an empty one has none)."""
    size = size or SHINGLE_WORDS
    found = words(text)
    if len(found) <= size:
        return {" ".join(found)} if found else set()
    return {" ".join(found[i : i + size]) for i in range(len(found) - size + 1)}


def fingerprint(article: Article) -> Fingerprint:
    """The dedup stage on one article: the MinHash of its clean text's shingles."""
    return text_fingerprint(article.text)


def text_fingerprint(text: str) -> Fingerprint:
    """``fingerprint`` of a bare text (the benchmark's variants have no Article)."""
    found = shingles(text)
    minhash = _minhash()
    minhash.update_batch([s.encode("utf-8") for s in found])
    return Fingerprint(np.asarray(minhash.hashvalues, dtype=np.uint32), len(found))


def similarity(a: Signature, b: Signature) -> float:
    """Estimated Jaccard similarity of two signatures: the share of equal MinHash values (0
    when either text had no shingle)."""
    if np.all(a == _MAX_HASH) or np.all(b == _MAX_HASH):
        return 0.0
    return float(np.count_nonzero(a == b)) / len(a)


def band_keys(signature: Signature, threshold: float = LSH_THRESHOLD) -> list[int]:
    """The LSH bucket of each band of ``signature`` as a signed 64-bit integer (a SQLite
    INTEGER): the keys ``MinHashLSH(threshold)`` would file it under with
    ``hashfunc=band_hash``. Two signatures are LSH candidates when one key is equal."""
    return [
        band_hash(bytes(signature[start:end].byteswap().data))
        for start, end in band_ranges(threshold)
    ]


def band_hash(data: bytes) -> int:
    """A band's values as one signed 64-bit key (blake2b: stable across runs and machines,
    unlike ``hash``)."""
    return int.from_bytes(hashlib.blake2b(data, digest_size=8).digest(), "big", signed=True)


def bands() -> int:
    """Bands of the LSH split (datasketch's optimum for ``LSH_THRESHOLD``)."""
    return len(band_ranges(LSH_THRESHOLD))


def to_blob(signature: Signature) -> bytes:
    return np.ascontiguousarray(signature, dtype="<u4").tobytes()


def from_blob(blob: bytes) -> Signature:
    return np.frombuffer(blob, dtype="<u4").astype(np.uint32)


def is_copy(a: Signature, b: Signature) -> float | None:
    """The estimated similarity when ``a`` and ``b`` are copies of one text, else None."""
    score = similarity(a, b)
    return score if score >= SIMILARITY_THRESHOLD else None


def earliest(keys: Iterable[K], order: Mapping[K, tuple[bool, float, str]]) -> K:
    """The key whose ``cluster.order_key`` comes first: the original of a copy group."""
    return min(keys, key=lambda k: order[k])


class ReprintIndex:
    """Signatures in memory (datasketch ``MinHashLSH``) answering "which earlier article is
    this a copy of". ≈ 8 KB per article: for batches, not for a whole workspace (see the module
    docstring). Keys are ordered by the ``order`` given with each (``cluster.order_key``)."""

    def __init__(self) -> None:
        from datasketch import MinHashLSH

        self._lsh = MinHashLSH(threshold=LSH_THRESHOLD, num_perm=PERMUTATIONS, hashfunc=band_hash)
        self._signatures: dict[Hashable, Signature] = {}
        self._order: dict[Hashable, tuple[bool, float, str]] = {}

    def __len__(self) -> int:
        return len(self._signatures)

    def add(self, key: Hashable, print_: Fingerprint, order: tuple[bool, float, str]) -> None:
        """File ``key`` (unlinkable texts are remembered but never found)."""
        self._signatures[key] = print_.signature
        self._order[key] = order
        if print_.linkable:
            self._lsh.insert(key, _lean(print_.signature), check_duplication=False)

    def candidates(self, print_: Fingerprint) -> list[Hashable]:
        """Indexed keys sharing an LSH bucket with ``print_`` (not yet checked)."""
        if not print_.linkable:
            return []
        return list(self._lsh.query(_lean(print_.signature)))

    def copies(self, print_: Fingerprint) -> dict[Hashable, float]:
        """Every indexed key ``print_`` is a copy of, with the estimated similarity."""
        found = {}
        for key in self.candidates(print_):
            score = is_copy(print_.signature, self._signatures[key])
            if score is not None:
                found[key] = score
        return found

    def original(
        self, print_: Fingerprint, order: tuple[bool, float, str]
    ) -> tuple[Hashable, float] | None:
        """The earliest indexed article that ``print_`` (at ``order``) is a copy of and that
        comes before it, with the similarity; None when it is an original."""
        found = {k: s for k, s in self.copies(print_).items() if self._order[k] < order}
        if not found:
            return None
        first = earliest(found, self._order)
        return first, found[first]


@cache
def _template() -> Any:
    from datasketch import MinHash

    return MinHash(num_perm=PERMUTATIONS, seed=SEED, scheme="affine32")


def _minhash() -> Any:
    from datasketch import MinHash

    template = _template()
    return MinHash(
        num_perm=PERMUTATIONS,
        seed=SEED,
        permutations=template.permutations,
        scheme="affine32",
    )


def _lean(signature: Signature) -> Any:
    from datasketch import LeanMinHash

    return LeanMinHash(seed=SEED, hashvalues=signature, scheme="affine32")


@cache
def band_ranges(threshold: float = LSH_THRESHOLD) -> tuple[tuple[int, int], ...]:
    """The signature slices of each band: datasketch's optimal split for ``threshold``."""
    from datasketch import MinHashLSH

    lsh = MinHashLSH(threshold=threshold, num_perm=PERMUTATIONS)
    return tuple((int(a), int(b)) for a, b in lsh.hashranges)
