"""Named settings a user can change per workspace (``storyline config``, ``ws.configure``).

Each setting has a calibrated default (where it was calibrated is said by the constant it
comes from); a workspace stores only the values a user changed (table ``settings``), so a
workspace keeps following improved defaults for everything it did not pin.
"""

from __future__ import annotations

from dataclasses import dataclass

from storyline.cluster import JOIN_THRESHOLD, SPLIT_THRESHOLD, WINDOW_DAYS


@dataclass(frozen=True, slots=True)
class Setting:
    name: str
    default: float
    low: float
    high: float
    help: str

    def parse(self, text: str) -> float:
        """A value as typed by a user, checked against the setting's range."""
        try:
            value = float(text)
        except ValueError:
            raise ValueError(f"{self.name} takes a number, not {text!r}") from None
        if not self.low <= value <= self.high:
            raise ValueError(f"{self.name} must be within [{self.low:g}, {self.high:g}]")
        return value


SETTINGS: dict[str, Setting] = {
    s.name: s
    for s in (
        Setting(
            "join_threshold",
            JOIN_THRESHOLD,
            0.0,
            1.0,
            "Score at or above which an article joins its best story (below: a new story).",
        ),
        Setting(
            "merge_threshold",
            JOIN_THRESHOLD,
            0.0,
            1.0,
            "Score at or above which two stories that grew together are merged.",
        ),
        Setting(
            "split_threshold",
            SPLIT_THRESHOLD,
            0.0,
            1.0,
            "Score below which a member that drifted from the rest of its story leaves it.",
        ),
        Setting(
            "window_days",
            WINDOW_DAYS,
            0.0,
            3650.0,
            "Days around a story's first and last article within which articles may join it.",
        ),
    )
}


def setting(name: str) -> Setting:
    try:
        return SETTINGS[name]
    except KeyError:
        known = ", ".join(SETTINGS)
        raise KeyError(f"no setting {name!r}; settings are: {known}") from None
