"""Compare sources: what each article of a story states, aligned across articles and languages.

Pure functions over records (no file, no database): the workspace hands in each article of a
story with its stored vectors (``timeline.StoryArticle``) and an encoder for the statements it
has no stored vector of.

* **Statements**: the sentences of each article's text (``timeline.sentence_spans``), offsets
  into ``Article.text``.
* **Alignment**: two statements of *different* articles say the same thing when the cosine of
  their vectors (the multilingual encoder of the embed stage) reaches ``SAME_FACT_COSINE``.
* **Facts**: statements linked by alignment, transitively; each article's statements stay its
  own evidence. Reprints (``Article.copy_of`` another member) count once, with their original.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace

import numpy as np

from storyline.embed import split_sentences
from storyline.records import Comparison, Fact, Statement, Vector
from storyline.timeline import StoryArticle, sentence_spans

VERSION = "compare-1"
# Cosine of two statements' vectors from which they state the same fact (provisional).
SAME_FACT_COSINE = 0.6

Encode = Callable[[Sequence[str]], Vector]


def statements(item: StoryArticle) -> list[Statement]:
    """The statements of one article, in text order."""
    a = item.article
    out: list[Statement] = []
    at = 0
    for i, paragraph in enumerate(a.paragraphs):
        langs = a.paragraph_langs
        lang = (langs[i] if i < len(langs) else None) or a.lang
        for b, e, text in sentence_spans(paragraph, split_sentences(paragraph, lang)):
            out.append(Statement(a.id, a.site, a.lang, text, at + b, at + e))
        at += len(paragraph) + 2
    return out


def compare(story_id: str, items: Sequence[StoryArticle], encode: Encode) -> Comparison:
    """The comparison of one story's articles: its facts, most widely stated first."""
    originals = [i for i in items if not i.article.copy_of]
    copies: dict[str, list[str]] = {}
    for i in items:
        if i.article.copy_of:
            copies.setdefault(i.article.copy_of, []).append(i.article.id)
    said = [
        replace(s, copies=tuple(copies.get(s.article, ())))
        for item in originals
        for s in statements(item)
    ]
    articles = tuple(i.article.id for i in originals)
    if not said:
        return Comparison(story_id, articles, ())
    vectors = encode([s.text for s in said])
    owner = np.array([articles.index(s.article) for s in said])
    sims = vectors @ vectors.T
    parent = list(range(len(said)))

    def root(k: int) -> int:
        while parent[k] != k:
            parent[k] = parent[parent[k]]
            k = parent[k]
        return k

    for i, j in zip(*np.nonzero(np.triu(sims >= SAME_FACT_COSINE, 1)), strict=True):
        if owner[i] != owner[j]:
            parent[root(int(i))] = root(int(j))
    groups: dict[int, list[int]] = {}
    for k in range(len(said)):
        groups.setdefault(root(k), []).append(k)
    facts = []
    for members in groups.values():
        centre = vectors[members].mean(axis=0)
        best = members[int(np.argmax(vectors[members] @ centre))]
        stated = tuple(said[k] for k in members)
        have = {s.article for s in stated}
        missing = tuple(a for a in articles if a not in have)
        facts.append((min(members), Fact(said[best].text, said[best].lang, stated, missing)))
    facts.sort(key=lambda f: (-len(f[1].sources), f[0]))
    return Comparison(story_id, articles, tuple(f for _, f in facts))
