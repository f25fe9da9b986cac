"""Copy groups in a real SQLite store, whatever order their articles are stored in: every
group ends as a star around its earliest member (``cluster.order_key``)."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime, timedelta
from itertools import permutations
from pathlib import Path

import numpy as np
import pytest

from storyline import dedup
from storyline.records import Article, Embedding, RawDoc
from storyline.store import Store

pytestmark = pytest.mark.data

T0 = datetime(2008, 3, 1, 9, tzinfo=UTC)


def _texts(data: Path, n: int) -> list[str]:
    out = []
    for line in (data / "meantime" / "articles.jsonl").open(encoding="utf-8"):
        row = json.loads(line)
        if row["lang"] == "en" and 150 <= len(dedup.words(row["text"])) <= 250:
            out.append(row["text"])
        if len(out) == n:
            return out
    raise AssertionError("not enough MEANTIME articles")


def _store(store: Store, article_id: str, text: str, hours: float) -> None:
    """One article as the workspace stores it: raw row, article, signature and link."""
    data = f"{article_id}\n{text}".encode()
    raw = RawDoc(data, f"{article_id}.txt", hashlib.sha256(data).hexdigest(), "text")
    article = Article(
        id=article_id,
        raw_sha256=raw.sha256,
        source=raw.source,
        title=article_id,
        paragraphs=tuple(text.split("\n")),
        published=T0 + timedelta(hours=hours),
        lang="en",
    )
    vector = np.ones(4, dtype=np.float32) / 2
    with store.transaction():
        store.add_raw(raw)
        store.add_article(article, Embedding("m", vector, (), np.zeros((0, 4), np.float32)))
        print_ = dedup.fingerprint(article)
        store.save_fingerprint(article_id, print_)
        store.link_reprint(article_id, print_)


def _links(store: Store) -> dict[str, str | None]:
    return {a.id: a.copy_of for a in store.articles()}


def test_every_storing_order_ends_pointing_at_the_earliest(
    shared_data: Path, tmp_path: Path
) -> None:
    (text,) = _texts(shared_data, 1)
    copies = {
        "a": (text, 0.0),
        "b": ("(AFP) - " + text + "\nAdvertisement", 2.0),
        "c": ("\n".join(text.split("\n")[:-1]) + "\nRead more on our site", 5.0),
        "d": (text + "\nCopyright 2008 AP. All rights reserved.", 9.0),
    }
    for i, order in enumerate(permutations(copies)):
        with Store(tmp_path / f"ws{i}.db") as store:
            for key in order:
                _store(store, key, *copies[key])
            assert _links(store) == {"a": None, "b": "a", "c": "a", "d": "a"}, order


def test_an_article_carrying_two_copies_joins_their_groups(
    shared_data: Path, tmp_path: Path
) -> None:
    one, two = _texts(shared_data, 2)
    words = two.split(" ")
    # A round-up carrying one whole and most of two: a copy of each (Jaccard ≥ the threshold).
    both = one + "\n" + " ".join(words[: len(words) * 9 // 10])
    for text in (one, two):
        a, b = dedup.text_fingerprint(text), dedup.text_fingerprint(both)
        assert dedup.is_copy(a.signature, b.signature) is not None
    with Store(tmp_path / "ws.db") as store:
        _store(store, "one", one, 3.0)
        _store(store, "two", two, 1.0)
        _store(store, "one-again", one + "\nAdvertisement", 4.0)
        assert _links(store) == {"two": None, "one": None, "one-again": "one"}
        _store(store, "both", both, 6.0)  # one group now, led by the earliest
        links = _links(store)
        assert links["two"] is None
        assert {links[k] for k in ("one", "one-again", "both")} == {"two"}
