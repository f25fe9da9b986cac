"""Per-document isolation: whatever one document raises, in any stage, becomes its error row.

Each failure is real: a stage function raises for one specific input (monkeypatched at the
module the pipeline calls it from), or a real SQLite binding error on a string it cannot store.
The real encoder and a real SQLite file run everything else.
"""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import Any

import pytest

import storyline
import storyline.embed
import storyline.extract
import storyline.language
import storyline.read
from storyline.cluster import StoryIndex
from storyline.pipeline import Pipeline

TOPICS = [
    "The harbour authority said the ferry service between the two islands would resume next "
    "week after repairs to the northern pier. Engineers replaced twelve concrete pillars.",
    "The city council approved a new budget for public libraries on Monday, adding evening "
    "hours and funding for children's reading programmes across every district.",
    "Scientists at the observatory reported a bright comet visible to the naked eye this month, "
    "best seen just after sunset low on the western horizon.",
]


def _write(folder: Path, name: str, body: str) -> None:
    (folder / name).write_text(f"{body}\n\n{body} More details followed in the afternoon.\n")


def _patch_failures(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make one document fail in each stage, by a real exception from that stage's module."""
    real_read_document = storyline.read.read_document

    def read_document(opened: Any, fmt: str) -> Any:
        if opened.source.endswith("read-boom.txt"):
            raise OSError("simulated unreadable device")
        return real_read_document(opened, fmt)

    real_clean_dump = storyline.extract.clean_dump

    def clean_dump(text: str) -> Any:
        if "EXPLODE-EXTRACT" in text:
            raise RecursionError("maximum recursion depth exceeded")
        return real_clean_dump(text)

    real_letters = storyline.language._letters

    def letters(text: str) -> int:
        if "EXPLODE-LANGUAGE" in text:
            raise ValueError("simulated detector bug")
        return real_letters(text)

    real_split = storyline.embed.split_sentences

    def split_sentences(text: str, lang: str | None) -> list[str]:
        if "EXPLODE-EMBED" in text:
            raise MemoryError("simulated encoder exhaustion")
        return real_split(text, lang)

    real_process = Pipeline.process

    def process(self: Pipeline, raw: Any) -> Any:
        article, embedding = real_process(self, raw)
        if "EXPLODE-STORE" in article.text:  # a lone surrogate: SQLite cannot bind it
            article = dataclasses.replace(article, author="bad \ud800 author")
        return article, embedding

    real_join = StoryIndex.join

    def join(self: StoryIndex, key: str, member: Any, **options: Any) -> Any:
        if key == CLUSTER_VICTIM[0]:
            raise FloatingPointError("simulated clustering bug")
        return real_join(self, key, member, **options)

    monkeypatch.setattr(storyline.read, "read_document", read_document)
    monkeypatch.setattr(storyline.extract, "clean_dump", clean_dump)
    monkeypatch.setattr(storyline.language, "_letters", letters)
    monkeypatch.setattr(storyline.embed, "split_sentences", split_sentences)
    monkeypatch.setattr(Pipeline, "process", process)
    monkeypatch.setattr(StoryIndex, "join", join)


CLUSTER_VICTIM = [""]


def test_each_stage_failure_costs_one_document(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import hashlib

    batch = tmp_path / "batch"
    batch.mkdir()
    for i, body in enumerate(TOPICS):
        _write(batch, f"good-{i}.txt", body)
    _write(batch, "read-boom.txt", "Unreadable for now. " + TOPICS[0])
    for stage in ("extract", "language", "embed", "store"):
        _write(batch, f"{stage}-boom.txt", f"EXPLODE-{stage.upper()} {TOPICS[1]}")
    _write(batch, "cluster-boom.txt", "A different cluster victim. " + TOPICS[2])
    victim = (batch / "cluster-boom.txt").read_bytes()
    CLUSTER_VICTIM[0] = hashlib.sha256(victim).hexdigest()
    _patch_failures(monkeypatch)

    ws = storyline.open(tmp_path / "w.db")
    report = ws.ingest(batch)

    stages = {Path(e.source).name: e.stage for e in ws.errors()}
    assert stages == {
        "read-boom.txt": "read",
        "extract-boom.txt": "extract",
        "language-boom.txt": "language",
        "embed-boom.txt": "embed",
        "store-boom.txt": "store",
        "cluster-boom.txt": "cluster",
    }
    reasons = {Path(e.source).name: e.reason for e in ws.errors()}
    assert reasons["extract-boom.txt"].startswith("RecursionError: maximum recursion")
    assert reasons["embed-boom.txt"].startswith("MemoryError: simulated")
    assert reasons["store-boom.txt"].startswith("UnicodeEncodeError")
    assert report.read == 9 and report.new == 3 and report.failed == 6
    articles = ws.articles()
    assert sorted(Path(a.source).name for a in articles) == [f"good-{i}.txt" for i in range(3)]
    assert all(a.story_id for a in articles)  # the rest of the chunk was clustered
    assert ws.store.counts()["raw_docs"] == 3  # nothing half-stored for the failed ones
    # a rerun without the faults stores the documents that failed for a passing reason
    monkeypatch.undo()
    again = ws.ingest(batch)
    assert again.new == 6 and again.failed == 0


def test_lone_surrogate_in_a_jsonl_title_costs_only_its_line(tmp_path: Path) -> None:
    path = tmp_path / "items.jsonl"
    lines = [
        json.dumps({"id": f"ok-{i}", "title": f"Report {i}", "text": t})
        for i, t in enumerate(TOPICS)
    ]
    lines.insert(1, '{"id": "bad", "title": "\\udfff broken", "text": "' + TOPICS[0] + '"}')
    path.write_text("\n".join(lines) + "\n")
    ws = storyline.open(tmp_path / "w.db")
    report = ws.ingest(path)
    ids = {a.id for a in ws.articles()}
    assert {"ok-0", "ok-1", "ok-2"} <= ids
    # the odd line is either stored (surrogate made storable upstream) or one error row
    assert report.read == 4 and report.new + report.failed == 4
    assert ("bad" in ids) != (report.failed == 1)
