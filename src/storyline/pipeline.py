"""The per-document stages chained: RawDoc -> Article (clean, language) -> Embedding.

Pure apart from the models it holds; the same ``Pipeline.process`` runs in the CLI, the API and
on distributed partitions. Clustering is not here: it needs the workspace's open stories.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import BinaryIO

from storyline.embed import Encoder, embed, load_encoder
from storyline.errors import DocumentError
from storyline.extract import extract
from storyline.language import Detector, default_detector, detect_language
from storyline.read import read
from storyline.records import Article, DocError, Embedding, RawDoc


@dataclass
class Pipeline:
    encoder: Encoder
    detector: Detector

    @classmethod
    def default(cls, encoder: str = "use") -> Pipeline:
        return cls(encoder=load_encoder(encoder), detector=default_detector())

    def process(self, raw: RawDoc) -> tuple[Article, Embedding]:
        article = clean(raw, self.detector)
        return article, embed(article, self.encoder)


def clean(raw: RawDoc, detector: Detector | None = None) -> Article:
    """Extract and detect language (no vectors): what ``storyline extract`` prints."""
    article = extract(raw)
    given = article.lang
    article = detect_language(article, detector or default_detector())
    if given:  # the input said which language it is in: trust it over the detector
        article = dataclasses.replace(article, lang=given)
    return article


def clean_documents(
    inputs: Iterable[str | os.PathLike[str]],
    stdin: BinaryIO | None = None,
    published: str | None = None,
) -> Iterator[Article | DocError]:
    """Every document in ``inputs``, cleaned, or the error that stopped it. Stores nothing.
    ``published`` (ISO 8601) dates every document that has no date of its own."""
    for item in read(inputs, stdin=stdin, published=published):
        if isinstance(item, DocError):
            yield item
            continue
        try:
            yield clean(item)
        except DocumentError as exc:
            yield DocError(item.source, exc.reason, exc.stage, item.sha256)
