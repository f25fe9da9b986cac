"""storyline: raw, noisy, multilingual news pages in; stories out.

    >>> import storyline
    >>> ws = storyline.open("news.db")
    >>> ws.ingest(["pages/"])
    >>> ws.stories()

Importing the package loads no model: encoders and detectors load on first use.
"""

from __future__ import annotations

from storyline.records import Article, Dateline, DocError, Embedding, RawDoc, Story
from storyline.workspace import IngestReport, Workspace, open

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
]
