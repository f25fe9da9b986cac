"""Match stage: how likely two articles (or an article and a story) report the same story.

- ``match.profile``: ``Profile`` (one article as the matcher sees it) and ``Group`` (a story's
  members summed, O(1) to grow).
- ``match.features``: ``FEATURES`` and ``features(profile, group)``, the matcher's inputs.
- ``match.model``: ``Matcher`` (``score``, ``score_group``, ``explain``) from the shipped
  ``weights.json``, pure numpy; ``default_matcher()`` loads it once.
- ``match.pairs``: texts to profiles through the ingest pipeline; ``storyline similarity``.
"""

from storyline.match.features import FEATURES, STORY_FEATURES, features, pair_features
from storyline.match.model import VERSION, Explanation, Matcher, default_matcher
from storyline.match.profile import Group, Profile, entity_key, numbers_of, profile

__all__ = [
    "FEATURES",
    "STORY_FEATURES",
    "VERSION",
    "Explanation",
    "Group",
    "Matcher",
    "Profile",
    "default_matcher",
    "entity_key",
    "features",
    "numbers_of",
    "pair_features",
    "profile",
]
