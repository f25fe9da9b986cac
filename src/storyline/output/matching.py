"""What the story-matching commands show: a workspace's settings (``config``), and why two
articles, or an article and a story, are (not) one story (``why``)."""

from __future__ import annotations

from typing import Any

from storyline.output.listing import Column, emit
from storyline.settings import SETTINGS

CONFIG_COLUMNS = (
    Column("name", whole=True, style="cyan"),
    Column("value", width=8, right=True),
    Column("default", width=8, right=True),
    Column("help"),
)
CONFIG_FIELDS = ("name", "value", "default", "pinned", "help")


def config(values: dict[str, float], fmt: str) -> None:
    rows: list[dict[str, Any]] = [
        {
            "name": name,
            "value": _number(values[name]),
            "default": _number(spec.default),
            "pinned": values[name] != spec.default,
            "help": spec.help,
        }
        for name, spec in SETTINGS.items()
    ]
    emit(rows, fmt, CONFIG_COLUMNS, CONFIG_FIELDS, "settings (storyline config NAME VALUE)")


def _number(value: float) -> float | int:
    return int(value) if float(value).is_integer() else round(value, 6)
