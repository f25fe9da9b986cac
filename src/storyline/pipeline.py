"""The per-document stages chained: RawDoc -> Article (clean, language, mentions) -> Embedding.

Pure apart from the models it holds; the same ``Pipeline.process`` runs in the CLI, the API and
on distributed partitions. Clustering is not here: it needs the workspace's open stories.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, BinaryIO

from storyline.errors import DocumentError
from storyline.extract import extract
from storyline.language import Detector, article_language, default_detector, detect_language
from storyline.read import read
from storyline.records import Article, DateMention, DocError, Embedding, EntityMention, RawDoc

# The encoder (numpy and a model), the entities stage (spaCy, natasha, the gazetteer) and the
# dates stage (dateparser's locale data) are imported where they are used: ``storyline
# extract`` in its text formats needs none of them (``tests/cli/test_cold_start.py``).
if TYPE_CHECKING:
    from storyline.embed import Encoder


@dataclass
class Pipeline:
    encoder: Encoder
    detector: Detector

    @classmethod
    def default(cls, encoder: str = "use") -> Pipeline:
        from storyline.embed import load_encoder

        return cls(encoder=load_encoder(encoder), detector=default_detector())

    def process(self, raw: RawDoc) -> tuple[Article, Embedding]:
        from storyline.embed import embed

        article = clean(raw, self.detector)
        return article, embed(article, self.encoder)


def clean(raw: RawDoc, detector: Detector | None = None, *, full: bool = True) -> Article:
    """Extract, detect language and find mentions (no vectors): what ``storyline extract``
    prints.

    ``full=False`` stops at what a listing of the article shows (``extract`` in its text and
    CSV formats): the article's language, found as ``detect_language`` finds it but from only
    the paragraphs the vote needs (``article_language``); ``paragraph_langs``, ``mixed_lang``
    and the mentions stay unset (``mentions == ""``), which spares the models only they need.
    """
    article = extract(raw)
    given = article.lang
    if not full:  # the input's own language wins below, so it needs no detector at all
        return dataclasses.replace(article, lang=given or article_language(article, detector))
    article = detect_language(article, detector or default_detector())
    if given:  # the input said which language it is in: trust it over the detector
        article = dataclasses.replace(article, lang=given)
    return annotate(article)


def mentions_version() -> str:
    """The mentions stage's version, stored with every article (``Article.mentions``)."""
    from storyline import dates, entities

    return f"{entities.VERSION}+{dates.VERSION}"


def annotate(article: Article) -> Article:
    """The mentions stage: entities and resolved dates of ``article.text`` (offsets into it)
    and of its title (offsets into that), dates resolved against the article's own anchor
    (dateline > published > supplied)."""
    from storyline import dates, entities

    text = article.text
    found_dates = dates.find_dates(text, article.lang, dates.anchor_of(article))
    found_entities = entities.find_entities(text, article.lang)
    title_entities, title_dates = find_title_mentions(article)
    return dataclasses.replace(
        article,
        entities=found_entities,
        dates=found_dates,
        mentions=mentions_version(),
        title_entities=title_entities,
        title_dates=title_dates,
    )


def clean_documents(
    inputs: Iterable[str | os.PathLike[str]],
    stdin: BinaryIO | None = None,
    published: str | None = None,
    *,
    full: bool = True,
) -> Iterator[Article | DocError]:
    """Every document in ``inputs``, cleaned, or the error that stopped it. Stores nothing.
    ``published`` (ISO 8601) dates every document that has no date of its own; ``full`` is
    ``clean``'s."""
    for item in read(inputs, stdin=stdin, published=published):
        if isinstance(item, DocError):
            yield item
            continue
        try:
            yield clean(item, full=full)
        except DocumentError as exc:
            yield DocError(item.source, exc.reason, exc.stage, item.sha256)


def entity_keys(article: Article) -> dict[str, set[str]]:
    """The lookup keys of every entity of ``article`` (``entities.search_keys`` of each spelling
    and of its name), by entity id: what ``storyline entity NAME`` matches against."""
    from storyline import entities

    keys: dict[str, set[str]] = {}
    seen: set[tuple[str, str, str]] = set()
    for m in article.entities:
        if (m.id, m.text, m.name) in seen:
            continue
        seen.add((m.id, m.text, m.name))
        found = keys.setdefault(m.id, set())
        found.update(entities.search_keys(m.text, article.lang), entities.search_keys(m.name))
    return keys


def title_mentions(article: Article) -> tuple[tuple[EntityMention, ...], tuple[DateMention, ...]]:
    """Entities and dates of ``article.title`` (offsets into it): a headline often carries the
    event ("will meet in Moscow on February 7"). The stored ones when the mentions stage
    annotated the title (``Article.title_entities``), else found now."""
    if article.title_entities is not None and article.title_dates is not None:
        return article.title_entities, article.title_dates
    return find_title_mentions(article)


def find_title_mentions(
    article: Article,
) -> tuple[tuple[EntityMention, ...], tuple[DateMention, ...]]:
    """The mentions stage over ``article.title`` (not what is stored: found now)."""
    from storyline import dates, entities

    if not article.title.strip():
        return (), ()
    return (
        entities.find_entities(article.title, article.lang),
        dates.find_dates(article.title, article.lang, dates.anchor_of(article)),
    )


def link_entities(mentions: Iterable[EntityMention]) -> dict[str, str]:
    """``entities.link``: one representative id per entity among ``mentions``."""
    from storyline import entities

    return entities.link(mentions)
