"""Stories that grow together merge; a merged id keeps working; settings are per workspace."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pytest

import storyline
from storyline.cluster import AverageCosine, StoryIndex
from storyline.cluster.online import bare_profile
from storyline.errors import NotFound
from storyline.store import Store, StoryEvent

T0 = datetime(2022, 1, 28, tzinfo=UTC)


def unit(v: np.ndarray) -> np.ndarray:
    return (v / np.linalg.norm(v)).astype(np.float32)


def test_two_stories_that_grew_together_merge_into_the_older() -> None:
    rng = np.random.default_rng(7)
    a, b = unit(rng.normal(size=64)), unit(rng.normal(size=64))
    middle = unit(a + b)
    index = StoryIndex(dim=64, scorer=AverageCosine(), threshold=0.6)
    first = index.join("a" * 64, bare_profile(a, T0))
    second = index.join("b" * 64, bare_profile(b, T0))
    assert first.new and second.new  # a and b are far apart (random directions)
    # The middle article joins one of them; the stories, taken whole, now match each other.
    index.join("c" * 64, bare_profile(middle, T0))
    index.join("d" * 64, bare_profile(middle, T0))
    survivor, _ = index.nearest_other(first.story_id)
    assert survivor == second.story_id
    index.merge(first.story_id, second.story_id)
    assert second.story_id not in index and len(index) == 1
    assert index.group(first.story_id).size == 4
    assert index.span(first.story_id)[0] == 4
    # A merged story is never a candidate again.
    assert index.join("e" * 64, bare_profile(b, T0)).story_id == first.story_id


def test_merged_ids_redirect_in_chains_and_history_is_kept(tmp_path: Path) -> None:
    with Store(tmp_path / "w.db") as store, store.transaction():
        for sid in ("sa", "sb", "sc"):
            store.conn.execute(
                "INSERT INTO stories (id, title, size, centroid, model, clusterer, created_at, "
                "updated_at) VALUES (?, '', 1, x'', 'm', 'c', '', '')",
                (sid,),
            )
        store.delete_story("sc")
        store.redirect_story("sc", "sb")
        store.delete_story("sb")
        store.redirect_story("sb", "sa")
        store.record_story_event(StoryEvent("sa", "merged", "sb", None, 0.9, None, "c"))
        assert store.resolve_story("sc") == "sa"
        assert store.resolve_id("story", "sc") == "sa"
        assert store.resolve_id("story", "sb") == "sa"
        assert [e.kind for e in store.story_history("sb")] == ["merged"]
        with pytest.raises(NotFound):
            store.resolve_id("story", "zz")


def test_settings_are_pinned_per_workspace_and_checked(tmp_path: Path) -> None:
    path = tmp_path / "w.db"
    with storyline.open(path) as ws:
        default = ws.settings["window_days"]
        assert ws.configure("window_days", "3") == 3.0
        with pytest.raises(ValueError, match="within"):
            ws.configure("join_threshold", 2)
        with pytest.raises(KeyError, match="settings are"):
            ws.configure("no_such_thing", 1)
    with storyline.open(path) as ws:
        assert ws.settings["window_days"] == 3.0
        assert ws.configure("window_days", None) == default


def test_a_member_that_drifted_is_split_out_and_the_founder_stays() -> None:
    from storyline.cluster.revise import Member, revise

    rng = np.random.default_rng(11)
    a = unit(rng.normal(size=64))
    orth = unit(rng.normal(size=64) - (rng.normal(size=64) @ a) * a)
    orth = unit(orth - (orth @ a) * a)
    close = [unit(a + 0.2 * unit(rng.normal(size=64))) for _ in range(3)]
    stray = unit(0.45 * a + 0.89 * orth)  # cosine ≈ 0.45 with the story
    index = StoryIndex(dim=64, scorer=AverageCosine(), threshold=0.3)
    members: dict[str, list[Member]] = {}
    keys = ["0" * 64, "1" * 64, "2" * 64, "3" * 64, "f" * 64]
    for key, vector in zip(keys, [a, *close, stray], strict=True):
        p = bare_profile(vector, T0)
        decision = index.join(key, p)
        members.setdefault(decision.story_id, []).append(Member(key[:8], key, p))
    (story_id,) = members
    assert index.span(story_id)[0] == 5

    changes = revise(index, [story_id], lambda s: members[s], 0.99, 0.5)
    assert [(c.kind, c.story, c.article, c.new) for c in changes] == [
        ("split", story_id, "f" * 8, True)
    ]
    assert changes[0].other == "s" + "f" * 11
    assert index.span(story_id)[0] == 4 and index.span(changes[0].other)[0] == 1
    # The founder is never split out, however far the rest has moved.
    assert story_id == "s" + "0" * 11
