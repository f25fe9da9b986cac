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
    survivor, score = index.nearest_other(first.story_id)
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
