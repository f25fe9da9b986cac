"""No stored value can make a later run fail: odd dates written by SQL, as a v1 workspace had
them, then more input ingested into the same real workspace."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest

import storyline
from storyline.cluster import moment, order_key, timestamp

TEXTS = [
    "The harbour authority said the ferry service between the two islands would resume next "
    "week after repairs to the northern pier. Engineers replaced twelve concrete pillars.",
    "The city council approved a new budget for public libraries on Monday, adding evening "
    "hours and funding for children's reading programmes across every district.",
]
ODD_DATES = [
    "0001-01-01T00:00:00+14:00",
    "9999-12-31T23:59:59-14:00",
    "0001-01-01",
    "not a date at all",
    "2022-13-45T99:00:00",
    "",
]


def _jsonl(path: Path, prefix: str, texts: list[str], published: str | None = None) -> Path:
    with path.open("w") as f:
        for i, text in enumerate(texts):
            record = {"id": f"{prefix}-{i}", "title": f"{prefix} {i}", "text": text}
            if published is not None:
                record["published"] = published
            f.write(json.dumps(record) + "\n")
    return path


def test_odd_stored_dates_never_break_a_later_ingest(tmp_path: Path) -> None:
    ws = storyline.open(tmp_path / "w.db")
    ws.ingest(_jsonl(tmp_path / "a.jsonl", "first", TEXTS))
    conn = ws.store.conn
    template = conn.execute("SELECT * FROM articles LIMIT 1").fetchone()
    vector = conn.execute("SELECT * FROM embeddings LIMIT 1").fetchone()
    # As a v1 workspace could hold them: unassigned articles with dates from year 1 to 9999
    # (and strings that are no date at all), a story whose span is at the extremes.
    with ws.store.transaction():
        for i, published in enumerate(ODD_DATES):
            sha = f"{i:064x}"
            conn.execute(
                "INSERT INTO raw_docs VALUES (?, 'odd.jsonl', 'record', NULL, NULL, 1, ?)",
                (sha, template["ingested_at"]),
            )
            row = dict(template) | {
                "id": f"odd-{i}",
                "raw_sha256": sha,
                "published": published,
                "story_id": None,
                "story_score": None,
            }
            conn.execute(
                f"INSERT INTO articles ({', '.join(row)}) VALUES ({', '.join('?' * len(row))})",
                list(row.values()),
            )
            conn.execute(
                "INSERT INTO embeddings (article_id, model, doc, sentences, sentence_vectors) "
                "VALUES (?, ?, ?, ?, ?)",
                (f"odd-{i}", vector["model"], vector["doc"], "[]", b""),
            )
        conn.execute(
            "UPDATE stories SET first_date = '0001-01-01T00:00:00+14:00', "
            "last_date = '9999-12-31T23:59:59-14:00' WHERE rowid = 1"
        )
        conn.execute("UPDATE articles SET published = 'garbage' WHERE id = 'first-1'")

    # Later runs, with dated and undated input, and another date at an extreme.
    report = ws.ingest(_jsonl(tmp_path / "b.jsonl", "second", TEXTS[::-1], "2022-01-28"))
    assert report.new == 2 and report.failed == 0
    report = ws.ingest(
        _jsonl(tmp_path / "c.jsonl", "third", [TEXTS[0] + " Again."], "9999-12-31T23:59:59-14:00")
    )
    assert report.failed == 0
    articles = ws.articles()
    assert len(articles) == 2 + len(ODD_DATES) + 2 + 1
    assert all(a.story_id for a in articles)
    stories = ws.stories()
    assert sum(s.size for s in stories) == len(articles)
    assert all(s.size == len(s.articles) for s in stories)
    by_id = {a.id: a for a in articles}
    assert by_id["odd-3"].published is None  # unreadable: read back as no date
    assert by_id["odd-0"].published == datetime(1, 1, 1, tzinfo=timezone(timedelta(hours=14)))
    assert by_id["first-1"].published is None


@pytest.mark.parametrize(
    "when",
    [
        datetime(1, 1, 1, tzinfo=timezone(timedelta(hours=14))),
        datetime(9999, 12, 31, 23, 59, 59, tzinfo=timezone(timedelta(hours=-14))),
        datetime.min,
        datetime.max,
        datetime(2022, 1, 28, tzinfo=UTC),
    ],
)
def test_timestamps_of_extreme_dates_round_trip_clamped(when: datetime) -> None:
    t = timestamp(when)
    back = moment(t)
    assert back is not None and back.tzinfo is UTC
    assert abs(back - when.replace(tzinfo=when.tzinfo or UTC)) <= timedelta(days=3)
    assert order_key(when, "ab") < order_key(None, "00")  # undated after every date
