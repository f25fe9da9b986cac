"""What the story-matching commands show: a workspace's settings (``config``), and why two
articles, or an article and a story, are (not) one story (``why``)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rich.text import Text

from storyline.output.listing import Column, console, emit, emit_object
from storyline.output.text import cell
from storyline.settings import SETTINGS

if TYPE_CHECKING:  # browse pulls in the store and the matcher; the CLI loads this module always
    from storyline.browse import Why

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


WHY_COLUMNS = (
    Column("feature", width=24, style="cyan"),
    Column("value", width=8, right=True),
    Column("contribution", width=12, right=True),
)
WHY_FIELDS = ("feature", "value", "contribution")


def why(item: Why, fmt: str) -> None:
    """The score and the verdict, then each feature with its contribution (largest first);
    in JSON one object with every feature and contribution."""
    if fmt != "table":
        emit_object(item.to_dict(), fmt)
        return
    e = item.explanation
    verdict = "same story" if item.same else "not the same story"
    sign = "≥" if item.same else "<"
    console().print(
        Text.assemble(
            (cell(item.article), "bold cyan"),
            " vs ",
            (cell(item.other), "bold cyan"),
            f" ({item.kind}): score {item.score:.3f} {sign} join threshold {item.threshold:.2f}: ",
            (verdict, "bold"),
        )
    )
    ranked = sorted(e.contributions, key=lambda name: -abs(e.contributions[name]))
    rows: list[dict[str, Any]] = [
        {
            "feature": name,
            "value": round(e.features[name], 3),
            "contribution": f"{e.contributions[name]:+.3f}",
        }
        for name in ranked
    ]
    rows.append({"feature": "(bias)", "value": "", "contribution": f"{e.bias:+.3f}"})
    if item.time_prior:
        rows.append(
            {"feature": "(days apart)", "value": "", "contribution": f"{-item.time_prior:+.3f}"}
        )
    emit(rows, fmt, WHY_COLUMNS, WHY_FIELDS, f"{e.head} head, {e.version}")
