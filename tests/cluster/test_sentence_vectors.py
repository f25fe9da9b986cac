"""Vectors where a later stage reads them (issue 10): an article alone in its story keeps
only the sentence vectors of its dated paragraphs, and its story no copy of its document and
title vectors; an article that gains a companion gets them all back.

On the two seed pages (one story when ingested together): ingested one after the other, the
first is alone for a run, and must end with the very rows an ingest of both at once writes.
What reads the vectors of a lone article — its timeline, ``why`` between two articles — must
not see the difference.
"""

from __future__ import annotations

import shutil
import sqlite3
from contextlib import closing
from pathlib import Path

import numpy as np
import pytest

import storyline
from storyline.embed import embed, sentences_of
from storyline.match import default_matcher, profile
from storyline.store.rows import PARTIAL_SENTENCES

pytestmark = pytest.mark.data


def _rows(db: Path) -> dict[str, tuple[str, bytes, str]]:
    with closing(sqlite3.connect(db)) as conn:
        return {
            r[0]: (r[1], r[2], r[3])
            for r in conn.execute(
                "SELECT article_id, sentences, sentence_vectors, sentence_format FROM embeddings"
            )
        }


def _story_rows(db: Path) -> list[tuple[object, ...]]:
    with closing(sqlite3.connect(db)) as conn:
        return conn.execute(
            "SELECT size, centroid, title_sum, profile FROM stories ORDER BY id"
        ).fetchall()


@pytest.fixture(scope="module")
def seeds(seeds_dir: Path) -> list[Path]:
    pages = sorted(seeds_dir.glob("*.txt"))
    assert len(pages) == 2
    return pages


def test_a_lone_article_keeps_its_dated_sentences_and_gets_the_rest_back(
    seeds: list[Path], tmp_path: Path
) -> None:
    together, apart = tmp_path / "together.db", tmp_path / "apart.db"
    with storyline.open(together) as ws:
        assert ws.ingest(seeds).new == 2
        assert len(ws.stories()) == 1
    with storyline.open(apart) as ws:
        assert ws.ingest([seeds[0]]).new == 1
        (lone,) = ws.articles()
        stored = ws.store.embedding(lone.id)
        full = sentences_of(lone)
        # only the sentences of its dated paragraphs, each with its own vector
        assert 0 < len(stored.sentences) < len(full)
        assert set(stored.sentences) <= set(full)
        assert stored.sentence_vectors.shape == (len(stored.sentences), stored.doc.shape[0])
        assert _rows(apart)[lone.id][2] == "q6" + PARTIAL_SENTENCES
        # a story of one article reads its sums from that article's vectors, not a copy
        ((size, centroid, title_sum, _),) = _story_rows(apart)
        assert (size, centroid, title_sum) == (1, b"", b"")
        group = ws.store.story_group(lone.story_id)
        assert group is not None and group.size == 1
        assert np.array_equal(group.doc_sum, stored.doc)
        assert stored.title is not None and np.array_equal(group.title_sum, stored.title)
        # its timeline reads the vectors of its dated sentences: the same as with all of them
        alone = [e.to_dict() for e in ws.timeline(lone.story_id)]
    shutil.copy(apart, tmp_path / "lone.db")  # closed: its write-ahead log is in the file
    with storyline.open(apart) as ws:
        assert ws.ingest([seeds[1]]).new == 1
        assert len(ws.stories()) == 1
    # the companion brought every vector back: the rows of an ingest of both at once
    assert _rows(apart) == _rows(together)
    assert _story_rows(apart) == _story_rows(together)
    with storyline.open(tmp_path / "lone.db") as ws:
        emb = embed(lone, ws.pipeline.encoder)
        # what ``why`` encodes again is what ``embed`` gives
        assert ws._all_sentences(lone).sentences == emb.sentences
        with ws.store.transaction():  # as if it had kept every vector
            ws.store.put_sentences(lone.id, lone.text, emb.sentences, emb.sentence_vectors, False)
        assert [e.to_dict() for e in ws.timeline(lone.story_id)] == alone


def test_why_between_lone_articles_encodes_what_they_do_not_keep(
    seeds: list[Path], tmp_path: Path
) -> None:
    with storyline.open(tmp_path / "w.db") as ws:
        for name in ("join_threshold", "merge_threshold"):  # two stories of one article
            ws.configure(name, 1.0)
        assert ws.ingest(seeds).new == 2
        a, b = ws.articles()
        assert a.story_id != b.story_id
        assert all(fmt.endswith(PARTIAL_SENTENCES) for _, _, fmt in _rows(ws.path).values())
        why = ws.why(a.id, b.id)
        fresh = [profile(x, embed(x, ws.pipeline.encoder)) for x in (a, b)]
        expected = default_matcher().explain(*fresh)
        assert why.explanation.features["sentences"] > 0.0
        assert np.isclose(why.explanation.score, expected.score, atol=1e-6)
        assert why.explanation.features == pytest.approx(expected.features, abs=1e-6)
