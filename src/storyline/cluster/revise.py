"""The periodic pass: after each settled run, stories that drifted are split and stories that
grew together are merged.

Online assignment decides one article at a time, so a story can go wrong in two ways that only
show later: it *drifts* (a chain of articles, each close to the last, carries it to another
event: its early and late members no longer report the same story) or two stories *grow
together* (the articles that would have joined them arrived out of step). The pass looks at
the stories a run touched:

- **split**: each member is scored against the rest of its story (leave-one-out, the
  matcher's story head); the few members farthest from the rest by document cosine are
  checked, and one that scores below ``split_threshold`` leaves and is assigned again (to
  another story or a new one; never back to the one it left). The founder stays: the story's
  id is its id.
- **merge**: ``StoryIndex.merge_grown``.

Stable ids: a split never renames the story it leaves; a merge keeps the older id and the
other redirects to it. Both are returned as ``Change`` rows for the store's history.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

import numpy as np

from storyline.cluster.online import StoryIndex
from storyline.match.profile import Group, Profile

# Members checked per story: the ones whose document vector is farthest from the rest of the
# story (cosine); the matcher then decides. Bounds the pass at a few scores per story.
SPLIT_CHECKED = 3
# Stories of more members than this are not split (a story that large is a long-running one,
# and loading its members on every run would cost more than a split can win).
SPLIT_MAX_MEMBERS = 500


@dataclass(frozen=True, slots=True)
class Member:
    """One article of a story as the pass sees it."""

    article: str  # article id
    key: str  # raw sha256 (what a re-founded story's id derives from)
    profile: Profile


@dataclass(frozen=True, slots=True)
class Change:
    """``merged``: ``other`` folded into ``story``; ``split``: ``article`` left ``story`` for
    ``other`` (``new``: founding it)."""

    kind: str
    story: str
    other: str
    article: str | None
    score: float | None  # the score the decision was made on
    new: bool = False
    joined: float | None = None  # split: the article's score with the story it joined


def drifted(
    story_id: str, members: list[Member], index: StoryIndex, threshold: float
) -> list[tuple[Member, float]]:
    """The members of ``story_id`` that no longer belong: scored against the rest below
    ``threshold`` (the founder, whose bytes named the story, always stays)."""
    scorer = index.scorer
    if scorer is None or not 3 <= len(members) <= SPLIT_MAX_MEMBERS:
        return []
    docs = np.stack([m.profile.doc for m in members])
    total = docs.sum(axis=0)
    rest = (total[None, :] - docs) / (len(members) - 1)
    closeness = np.einsum("ij,ij->i", docs, rest)
    out = []
    for k in np.argsort(closeness, kind="stable")[:SPLIT_CHECKED]:
        member = members[int(k)]
        if "s" + member.key[:11] == story_id[:12]:
            continue
        others = Group.of(m.profile for j, m in enumerate(members) if j != int(k))
        score = scorer.score_group(member.profile, others)
        if score < threshold:
            out.append((member, score))
    return out


def revise(
    index: StoryIndex,
    touched: Iterable[str],
    members_of: Callable[[str], list[Member]],
    merge_threshold: float,
    split_threshold: float,
) -> list[Change]:
    """Split the drifted members out of the ``touched`` stories, then merge the stories that
    grew together; returns every change, in order. ``members_of`` gives a story's members."""
    if index.scorer is None:  # v1 neither split nor merged
        return []
    changes: list[Change] = []
    grown = set(touched)
    for story_id in sorted(touched):
        if story_id not in index:
            continue
        members = members_of(story_id)
        leaving = drifted(story_id, members, index, split_threshold)
        if not leaving:
            continue
        gone = {m.article for m, _ in leaving}
        index.regroup(story_id, Group.of(m.profile for m in members if m.article not in gone))
        for member, score in leaving:
            decision = index.join(member.key, member.profile, avoid=story_id)
            changes.append(
                Change(
                    "split",
                    story_id,
                    decision.story_id,
                    member.article,
                    score,
                    decision.new,
                    decision.score,
                )
            )
            grown.add(decision.story_id)
    for survivor, other, score in index.merge_grown(grown, merge_threshold):
        changes.append(Change("merged", survivor, other, None, score))
    return changes
