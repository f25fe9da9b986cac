"""storyline: raw, noisy, multilingual news pages in; stories out.

    >>> import storyline
    >>> ws = storyline.open("news.db")
    >>> ws.ingest(["pages/"])
    >>> ws.stories()
    >>> storyline.similarity(text_a, text_b)  # same-story score of two texts, in [0, 1]

Importing the package loads no model: encoders and detectors load on first use. Nor does it
import the workspace (store, matcher, clusterer) until ``open`` or ``Workspace`` is first used,
so a command that needs neither (``storyline extract``) starts fast.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from storyline.records import Article, Dateline, DocError, Embedding, RawDoc, Story

if TYPE_CHECKING:
    from storyline.pipeline import Pipeline
    from storyline.workspace import IngestReport, Workspace, open

# Names served by ``storyline.workspace``, imported on first access (PEP 562).
_FROM_WORKSPACE = frozenset({"IngestReport", "Workspace", "open"})

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


def __getattr__(name: str) -> Any:
    if name in _FROM_WORKSPACE:
        from storyline import workspace

        value = getattr(workspace, name)
        globals()[name] = value  # later lookups skip this function
        return value
    raise AttributeError(f"module 'storyline' has no attribute {name!r}")


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
