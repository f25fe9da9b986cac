"""Match stage: how likely two articles (or an article and a story) report the same story.

- ``match.profile``: ``Profile`` (one article as the matcher sees it) and ``Group`` (a story's
  members summed, O(1) to grow).
"""

from storyline.match.profile import Group, Profile, entity_key, numbers_of, profile

__all__ = ["Group", "Profile", "entity_key", "numbers_of", "profile"]
