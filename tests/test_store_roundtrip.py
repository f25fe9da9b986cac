"""Property: any Article (arbitrary unicode incl. control characters and NUL, no surrogates;
dates from year 1 to 9999 with any offset) goes into a real SQLite store and comes back equal."""

from __future__ import annotations

import dataclasses
import hashlib
import tempfile
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from storyline.records import DAY, TIME, Article, Dateline, Embedding, RawDoc
from storyline.store import Store

# Any code point but surrogates (which no UTF-8 store can hold): control characters, NUL,
# right-to-left marks, combining characters, astral planes.
TEXT = st.text(st.characters(exclude_categories=("Cs",)), max_size=60)
OFFSETS = st.integers(min_value=-14 * 60, max_value=14 * 60).map(
    lambda m: timezone(timedelta(minutes=m))
)
DATES = st.one_of(
    st.none(),
    st.datetimes(timezones=st.one_of(st.none(), st.just(UTC), OFFSETS)),
)


@st.composite
def articles(draw: st.DrawFn) -> Article:
    paragraphs = tuple(draw(st.lists(TEXT, min_size=1, max_size=4)))
    dateline = draw(
        st.one_of(
            st.none(),
            st.builds(
                Dateline,
                text=TEXT,
                place=st.one_of(st.none(), TEXT),
                date=st.one_of(st.none(), st.dates()),
                agency=st.one_of(st.none(), TEXT),
            ),
        )
    )
    langs = tuple(
        draw(
            st.lists(st.one_of(st.none(), st.sampled_from(["en", "ja"])), max_size=len(paragraphs))
        )
    )
    published = draw(DATES)
    granularity = None if published is None else draw(st.sampled_from([DAY, TIME]))
    if granularity == DAY and published is not None:  # a day is stored as its midnight UTC
        published = datetime(published.year, published.month, published.day, tzinfo=UTC)
    return Article(
        id=draw(st.text(st.characters(exclude_categories=("Cs",)), min_size=1, max_size=20)),
        raw_sha256=hashlib.sha256(draw(st.binary(max_size=20))).hexdigest(),
        source=draw(TEXT),
        title=draw(TEXT),
        paragraphs=paragraphs,
        url=draw(st.one_of(st.none(), TEXT)),
        published=published,
        published_granularity=granularity,
        site=draw(st.one_of(st.none(), TEXT)),
        author=draw(st.one_of(st.none(), TEXT)),
        dateline=dateline,
        lang=draw(st.one_of(st.none(), st.sampled_from(["en", "fr", "ja", "zh"]))),
        paragraph_langs=langs,
        mixed_lang=draw(st.booleans()),
        extractor=draw(TEXT),
    )


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(article=articles())
def test_any_article_round_trips_through_the_store(article: Article) -> None:
    raw = RawDoc(b"x", article.source, article.raw_sha256, "record")
    vec = np.ones(4, dtype=np.float32) / 2
    embedding = Embedding("m", vec, ("s",), np.ones((1, 4), dtype=np.float32))
    with tempfile.TemporaryDirectory() as tmp, Store(Path(tmp) / "w.db") as store:
        with store.transaction():
            store.add_raw(raw)
            stored_as = store.add_article(article, embedding)
        assert stored_as == article.id
        back = store.article(article.id)
        if article.published is not None and article.published.tzinfo is None:
            # A naive datetime (only an older workspace or a direct caller has one) reads as UTC.
            article = dataclasses.replace(article, published=article.published.replace(tzinfo=UTC))
        assert back == article
        if article.published is not None and back.published is not None:
            assert back.published.utcoffset() == article.published.utcoffset()
