"""anchor_of: dateline date > publication date (its own offset's day) > fetch date > None."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

from storyline.dates import Anchor, anchor_of
from storyline.records import Article, Dateline


def article(**fields: object) -> Article:
    return Article(id="a", raw_sha256="", source="t", title="", paragraphs=(), **fields)  # type: ignore[arg-type]


def test_dateline_beats_published_beats_fetched() -> None:
    published = datetime(2022, 1, 29, 10, tzinfo=UTC)
    fetched = datetime(2022, 2, 3, tzinfo=UTC)
    dateline = Dateline(text="Moscow. January 28.", date=date(2022, 1, 28))
    assert anchor_of(article(dateline=dateline, published=published, fetched_at=fetched)) == (
        Anchor(date(2022, 1, 28), "dateline")
    )
    assert anchor_of(article(published=published, fetched_at=fetched)) == Anchor(
        date(2022, 1, 29), "published"
    )
    assert anchor_of(article(fetched_at=fetched)) == Anchor(date(2022, 2, 3), "fetched")
    assert anchor_of(article(dateline=Dateline(text="Moscow. INTERFAX"))) is None


def test_published_day_is_its_own_offsets_day() -> None:
    moscow = timezone(timedelta(hours=3))
    late = datetime(2022, 1, 28, 23, 30, tzinfo=moscow)  # 20:30 UTC, but the 28th in Moscow
    assert anchor_of(article(published=late)) == Anchor(date(2022, 1, 28), "published")
    early = datetime(2022, 1, 29, 1, 0, tzinfo=moscow)  # still the 28th in UTC
    assert anchor_of(article(published=early)) == Anchor(date(2022, 1, 29), "published")
