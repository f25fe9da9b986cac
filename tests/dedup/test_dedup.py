"""The dedup stage on real text: reprints (another headline, boilerplate, an agency credit) are
linked to the earliest article of their copy group in a real workspace; different reports of
the same story, and the two seeds, are not."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from bench.dedup import SHARED_COPY_PAIRS

import storyline
from storyline import dedup

pytestmark = pytest.mark.data


def _meantime(data: Path, n: int) -> list[dict[str, Any]]:
    rows = []
    for line in (data / "meantime" / "articles.jsonl").open(encoding="utf-8"):
        row = json.loads(line)
        if row["lang"] == "en":
            rows.append(row)
        if len(rows) == n:
            break
    return rows


def _reprint(text: str, agency: str = "Reuters") -> str:
    """The same copy as an outlet reprints it: agency credit, boilerplate lines around it."""
    return (
        f"Advertisement\n({agency}) - {text}\n"
        f"Copyright 2008 {agency}. All rights reserved.\nFollow us on Twitter"
    )


def _jsonl(path: Path, records: list[dict[str, str]]) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), "utf-8")
    return path


def _copies(ws: storyline.Workspace) -> dict[str, str | None]:
    return {a.id: a.copy_of for a in ws.articles()}


def test_a_reprint_and_its_original_are_close_and_other_articles_are_not(
    shared_data: Path,
) -> None:
    first, second = _meantime(shared_data, 2)
    original = dedup.text_fingerprint(first["text"])
    reprint = dedup.text_fingerprint(_reprint(first["text"]))
    other = dedup.text_fingerprint(second["text"])
    assert dedup.is_copy(original.signature, reprint.signature) is not None
    assert dedup.similarity(original.signature, other.signature) < 0.05
    assert len(original.signature) == dedup.PERMUTATIONS
    assert dedup.from_blob(dedup.to_blob(original.signature)).tolist() == (
        original.signature.tolist()
    )


def test_same_story_reports_of_other_outlets_are_not_copies(shared_data: Path) -> None:
    """Every SemEval dev pair annotated as the same story (overall 1) that is not one copy by
    hand inspection stays unlinked."""
    checked = 0
    for line in (shared_data / "semeval2022-pairs" / "dev.jsonl").open(encoding="utf-8"):
        row = json.loads(line)
        if row["overall"] != 1.0 or row["pair_id"] in SHARED_COPY_PAIRS:
            continue
        a = dedup.text_fingerprint(row["text1"])
        b = dedup.text_fingerprint(row["text2"])
        assert dedup.is_copy(a.signature, b.signature) is None, row["pair_id"]
        checked += 1
    assert checked > 50


def test_a_reprint_under_another_headline_links_to_the_earliest(
    shared_data: Path, tmp_path: Path
) -> None:
    (story,) = _meantime(shared_data, 1)
    records = [
        {
            "id": "wire",
            "title": story["title"],
            "text": story["text"],
            "published": "2008-03-01T10:00:00+00:00",
            "site": "wire.example",
        },
        {
            "id": "reprint",
            "title": "Tanker deal: Boeing loses out",
            "text": _reprint(story["text"]),
            "published": "2008-03-01T15:00:00+00:00",
            "site": "daily.example",
        },
        {
            "id": "reprint2",
            "title": "Airbus parent wins the US tanker",
            "text": _reprint(story["text"], "AFP"),
            "published": "2008-03-02T08:00:00+00:00",
            "site": "weekly.example",
        },
    ]
    # Listed latest first: the links must not depend on the input order.
    path = _jsonl(tmp_path / "in.jsonl", records[::-1])
    with storyline.open(tmp_path / "ws.db") as ws:
        ws.ingest(path)
        assert _copies(ws) == {"wire": None, "reprint": "wire", "reprint2": "wire"}
        (only,) = ws.stories()
        assert (only.size, only.independent) == (3, 1)
        assert only.to_dict()["independent"] == 1
        row = ws.store.conn.execute(
            "SELECT stage, similarity FROM reprints WHERE article_id = 'reprint'"
        ).fetchone()
        assert row[0] == dedup.VERSION and row[1] >= dedup.SIMILARITY_THRESHOLD


def test_an_original_published_later_takes_the_group_over(
    shared_data: Path, tmp_path: Path
) -> None:
    """Reprints stored first (one run), their earlier-published original in a later run: the
    whole group ends pointing at the earliest."""
    (story,) = _meantime(shared_data, 1)
    later = [
        {"id": "b", "title": "B", "text": _reprint(story["text"]), "published": "2008-03-02"},
        {"id": "c", "title": "C", "text": _reprint(story["text"], "AP"), "published": "2008-03-03"},
    ]
    first = [{"id": "a", "title": "A", "text": story["text"], "published": "2008-03-01"}]
    with storyline.open(tmp_path / "ws.db") as ws:
        ws.ingest(_jsonl(tmp_path / "later.jsonl", later))
        assert _copies(ws) == {"b": None, "c": "b"}
        ws.ingest(_jsonl(tmp_path / "first.jsonl", first))
        assert _copies(ws) == {"a": None, "b": "a", "c": "a"}


def test_the_seeds_are_not_copies_of_each_other(seeds_dir: Path, tmp_path: Path) -> None:
    with storyline.open(tmp_path / "ws.db") as ws:
        ws.ingest(seeds_dir)
        articles = ws.articles()
        assert len(articles) == 2
        assert all(a.copy_of is None for a in articles)
        for story in ws.stories():
            assert story.independent == story.size


def test_the_in_memory_index_finds_the_buckets_the_store_keeps(shared_data: Path) -> None:
    """``ReprintIndex`` (datasketch ``MinHashLSH``) and the store's ``band_keys`` make the same
    candidates, and ``original`` answers with the earliest earlier copy."""
    rows = _meantime(shared_data, 6)
    prints = {r["id"]: dedup.text_fingerprint(r["text"]) for r in rows}
    first = rows[0]
    prints["copy1"] = dedup.text_fingerprint(_reprint(first["text"]))
    prints["copy2"] = dedup.text_fingerprint(_reprint(first["text"], "AP"))
    index = dedup.ReprintIndex()
    for i, (key, print_) in enumerate(prints.items()):
        index.add(key, print_, (False, float(i), key))
    assert len(index) == len(prints)
    probe = dedup.text_fingerprint(_reprint(first["text"], "dpa"))
    keys = set(dedup.band_keys(probe.signature))
    shared = {k for k, p in prints.items() if keys & set(dedup.band_keys(p.signature))}
    assert set(index.candidates(probe)) == shared
    assert set(index.copies(probe)) == {first["id"], "copy1", "copy2"}
    found = index.original(probe, (False, 99.0, "probe"))
    assert found is not None and found[0] == first["id"]
    assert index.original(prints[first["id"]], (False, 0.0, first["id"])) is None
