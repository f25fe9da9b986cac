"""`storyline why` and `show`'s join scores on the seeds and the bundled sample, a real
workspace made by a real ingest with the shipped matcher."""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from pathlib import Path
from subprocess import CompletedProcess

import pytest

import storyline

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory, seeds_dir: Path) -> Path:
    db = tmp_path_factory.mktemp("why") / "demo.db"
    with storyline.open(db) as ws:
        ws.ingest([seeds_dir, ROOT / "sample" / "pages"])
    return db


def _seed_ids(ws: storyline.Workspace) -> list[str]:
    return sorted(a.id for a in ws.articles() if a.source.endswith(".txt") and "_" in a.source)


def test_the_seeds_are_one_story_and_why_says_so(demo: Path) -> None:
    with storyline.open(demo, create=False, readonly=True) as ws:
        first, second = _seed_ids(ws)
        assert ws.article(first).story_id == ws.article(second).story_id
        pair = ws.why(first, second)
        assert pair.kind == "article" and pair.same
        e = pair.explanation
        assert e.head == "pair"
        logit = e.bias + sum(e.contributions.values())
        assert math.isclose(e.score, 1 / (1 + math.exp(-logit)), rel_tol=1e-9)
        assert pair.time_prior >= 0 and pair.score <= e.score + 1e-12
        assert e.contributions["doc"] > 0

        story = ws.article(first).story_id
        assert story is not None
        in_story = ws.why(first, story)
        assert in_story.kind == "story" and in_story.explanation.head == "story"
        assert in_story.same


def test_an_unrelated_article_is_not_the_seeds_story(demo: Path) -> None:
    with storyline.open(demo, create=False, readonly=True) as ws:
        first, _ = _seed_ids(ws)
        story = ws.article(first).story_id
        assert story is not None
        others = [a for a in ws.articles() if a.story_id != story and a.lang == "en"]
        assert others
        verdict = ws.why(others[0].id, story)
        assert not verdict.same
        assert verdict.explanation.score < verdict.threshold


def test_why_and_show_on_the_command_line(
    demo: Path, run_cli: Callable[..., CompletedProcess[str]]
) -> None:
    with storyline.open(demo, create=False, readonly=True) as ws:
        first, second = _seed_ids(ws)
        story = ws.article(first).story_id
    out = run_cli(demo, "why", first[:8], second[:8], "--format", "json")
    assert out.returncode == 0, out.stderr
    doc = json.loads(out.stdout)
    assert doc["same_story"] is True and doc["kind"] == "article"
    assert set(doc["features"]) == set(doc["contributions"])
    table = run_cli(demo, "why", first, str(story))
    assert table.returncode == 0, table.stderr
    assert "same story" in table.stdout and "doc\t" in table.stdout
    shown = run_cli(demo, "show", str(story))
    assert "founded the story" in shown.stdout and "joined 0." in shown.stdout
    missing = run_cli(demo, "why", first, "nosuchid")
    assert missing.returncode == 3 and "Traceback" not in missing.stderr


@pytest.mark.data
def test_why_against_a_story_reads_its_stored_group_as_its_members_give_it(
    shared_data: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The explanation against a story of 4 comes from the group the clusterer stored (O(1)
    in the story's size) and equals the one rebuilt from the members, member or not."""
    rows = [json.loads(line) for line in (shared_data / "meantime" / "articles.jsonl").open()]
    doc = rows[0]["doc_id"]
    chosen = [r for r in rows if r["doc_id"] == doc]
    chosen.append(next(r for r in rows if r["topic"] != rows[0]["topic"] and r["lang"] == "en"))
    jsonl = tmp_path / "m.jsonl"
    jsonl.write_text(
        "".join(
            json.dumps({k: r[k] for k in ("id", "title", "text", "lang")}) + "\n" for r in chosen
        ),
        encoding="utf-8",
    )
    with storyline.open(tmp_path / "w.db") as ws:
        ws.ingest(jsonl)
        by_story: dict[str | None, list[str]] = {}
        for a in ws.articles():
            by_story.setdefault(a.story_id, []).append(a.id)
        story, members = max(by_story.items(), key=lambda item: len(item[1]))
        assert story is not None and len(members) >= 3
        outsider = next(a.id for a in ws.articles() if a.story_id != story)
        assert ws.store.story_group(story) is not None
        stored = [ws.why(members[0], story), ws.why(outsider, story)]
        monkeypatch.setattr(ws.store, "story_group", lambda _story_id: None)
        rebuilt = [ws.why(members[0], story), ws.why(outsider, story)]
    for a, b in zip(stored, rebuilt, strict=True):
        assert a.explanation.head == b.explanation.head == "story"
        assert a.explanation.contributions.keys() == b.explanation.contributions.keys()
        for name, value in a.explanation.contributions.items():
            assert math.isclose(value, b.explanation.contributions[name], abs_tol=1e-5), name
        assert math.isclose(a.score, b.score, abs_tol=1e-6)
