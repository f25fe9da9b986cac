"""Golden timeline of the seeds' story (issue 7 §7), with and without supplied dates.

The two seed pages are cleaned by storyline's own extract, written as JSONL records (with
``published`` 2022-01-28 for ``002_…`` and 2022-02-01 for ``000_…``, or none) and ingested;
their one story's timeline must hold the events both pages report.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

import storyline
from storyline.pipeline import clean_documents
from storyline.records import Article, TimelineEvent

pytestmark = pytest.mark.data

PUBLISHED = {"000": "2022-02-01", "002": "2022-01-28"}
# The sidebar's yearless time stamps ("28.01 05:35"): never a date of an event.
STAMP = re.compile(r"\b\d{2}\.\d{2}\s+\d{2}:\d{2}\b")


def _timeline(seeds: Path, tmp_path: Path, published: bool) -> list[TimelineEvent]:
    records = []
    for article in clean_documents(sorted(seeds.glob("*.txt"))):
        assert isinstance(article, Article), article
        name = Path(article.source).name[:3]
        record = {"id": name, "title": article.title, "text": article.text, "lang": article.lang}
        record["site"] = f"seed-{name}.example"
        if published:
            record["published"] = PUBLISHED[name]
        records.append(record)
    jsonl = tmp_path / "seeds.jsonl"
    jsonl.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    with storyline.open(tmp_path / "w.db") as ws:
        assert ws.ingest(jsonl).new == 2
        (story,) = ws.stories()
        return ws.timeline(story.id)


def _one(events: list[TimelineEvent], value: str) -> TimelineEvent:
    found = [e for e in events if e.date == value]
    assert found, (value, [e.date for e in events])
    return max(found, key=lambda e: len(e.articles))


def _no_stamps(events: list[TimelineEvent]) -> None:
    for event in events:
        assert not any(STAMP.search(e.text) for e in event.evidence), event


def test_seeds_timeline_with_publication_dates(seeds_dir: Path, tmp_path: Path) -> None:
    events = _timeline(seeds_dir, tmp_path, published=True)
    assert _one(events, "1997").granularity == "year"
    assert _one(events, "2021-12").granularity == "month"
    assert _one(events, "2022-01-26").granularity == "day"
    call = _one(events, "2022-01-28")
    assert set(call.articles) == {"000", "002"}
    assert set(call.sources) == {"seed-000.example", "seed-002.example"}
    assert len({e.text for e in call.evidence}) >= 2  # each page's own sentence
    assert not _one(events, "2022-01-31").planned
    meeting = _one(events, "2022-02-07")
    assert meeting.planned and meeting.year_known
    _no_stamps(events)
    dated = [e.date for e in events]
    assert dated == sorted(dated, key=lambda v: (v[:4], v)), dated


def test_seeds_timeline_without_dates_keeps_day_and_month_in_order(
    seeds_dir: Path, tmp_path: Path
) -> None:
    events = _timeline(seeds_dir, tmp_path, published=False)
    expected = ["1997", "--12", "--01-26", "--01-28", "--01-31", "--02-07"]
    order = [e.date for e in events]
    positions = [order.index(value) for value in expected]
    assert positions == sorted(positions), order
    assert all(not _one(events, v).year_known for v in expected[1:])
    assert set(_one(events, "--01-28").articles) == {"000", "002"}
    assert _one(events, "--02-07").planned
    _no_stamps(events)
