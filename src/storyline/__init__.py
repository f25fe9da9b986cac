"""storyline: raw, noisy, multilingual news pages in; stories out.

    >>> import storyline
    >>> ws = storyline.open("news.db")
    >>> ws.ingest(["pages/"])
    >>> ws.stories()
    >>> storyline.similarity(text_a, text_b)  # same-story score of two texts, in [0, 1]

Importing the package loads no model: encoders and detectors load on first use.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from storyline.records import Article, Dateline, DocError, Embedding, RawDoc, Story
from storyline.workspace import IngestReport, Workspace, open

if TYPE_CHECKING:
    from storyline.pipeline import Pipeline

__version__ = "0.1.0"
__all__ = [
    "Article",
    "Dateline",
    "DocError",
    "Embedding",
    "IngestReport",
    "RawDoc",
    "Story",
    "Workspace",
    "__version__",
    "open",
    "similarity",
]


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
    """How likely two texts (or two Articles) report the same story, in [0, 1].

    Texts run through the pipeline a workspace uses for JSON Lines records (clean, language,
    mentions, embed); the learned matcher (``storyline.match``) scores the pair. Loads the
    models on first use.

        >>> storyline.similarity(text_en, text_es, lang1="en", lang2="es")
    """
    from storyline.match.pairs import similarity as score

    return score(a, b, lang1=lang1, lang2=lang2, title1=title1, title2=title2, pipeline=pipeline)
