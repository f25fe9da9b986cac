"""The layout of a story's timeline chart: positions and labels, rendered as inline SVG.

Pure over the events' JSON (``TimelineEvent.to_dict()``): one row per event down a vertical
axis, a dot for what happened and a ring for what is planned, the date on the left and the
event with its sources on the right. A long silence between two events (``GAP_DAYS``) gets a
break row saying how long, so 1997 and January 2022 do not sit side by side as if adjacent.
The template (``templates/_timeline.svg.html``) writes every label as an escaped text node.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

# Geometry in SVG user units (the chart scales to the page's width; CSS sets the fonts).
WIDTH = 960
AXIS_X = 132
TEXT_X = 152
TOP = 24
ROW = 46
GAP_ROW = 26
# Characters of an event's text on its row (Cyrillic runs wider than Latin: 90 fit both);
# the whole text is in the row's tooltip and in the event list under the chart.
TEXT_CHARS = 90
# Events drawn at most: past this, those reported by the most articles (then the earliest),
# in date order; the list under the chart has them all. A 400-article story has ~500.
CHART_EVENTS = 60
# Days between two events from which the chart breaks the axis and says how long it was.
GAP_DAYS = 45

_MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
_DAY = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_WEEK = re.compile(r"^(\d{4})-W(\d{2})$")
_YEAR = re.compile(r"^(\d{4})$")
_YEARLESS = re.compile(r"^--(\d{2})(?:-(\d{2}))?$")


def day_of(value: str) -> date | None:
    """The first day an ISO value (``DateMention.value``) can mean; None without a year."""
    try:
        if m := _DAY.match(value):
            return date(int(m[1]), int(m[2]), int(m[3]))
        if m := _WEEK.match(value):
            return date.fromisocalendar(int(m[1]), int(m[2]), 1)
        if m := _MONTH.match(value):
            return date(int(m[1]), int(m[2]), 1)
        if m := _YEAR.match(value):
            return date(int(m[1]), 1, 1)
    except ValueError:
        return None
    return None


def date_label(value: str) -> str:
    """``2022-01-28`` -> ``28 Jan 2022``; ``2021-12`` -> ``Dec 2021``; ``--01-28`` ->
    ``28 Jan (year?)``; anything else as it is."""
    if m := _DAY.match(value):
        return f"{int(m[3])} {_MONTHS[int(m[2]) - 1]} {m[1]}" if 1 <= int(m[2]) <= 12 else value
    if m := _MONTH.match(value):
        return f"{_MONTHS[int(m[2]) - 1]} {m[1]}" if 1 <= int(m[2]) <= 12 else value
    if m := _WEEK.match(value):
        return f"week {int(m[2])}, {m[1]}"
    if (m := _YEARLESS.match(value)) and 1 <= int(m[1]) <= 12:
        month = _MONTHS[int(m[1]) - 1]
        return f"{int(m[2])} {month} (year?)" if m[2] else f"{month} (year?)"
    return value


def gap_label(days: int) -> str:
    if days >= 730:
        return f"{days // 365} years later"
    if days >= 60:
        return f"{days // 30} months later"
    return f"{days} days later"


def _cut(text: str, width: int = TEXT_CHARS) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


def timeline_chart(events: list[dict[str, Any]], labels: dict[str, str]) -> dict[str, Any]:
    """Rows (``kind`` ``"event"`` or ``"gap"``) with their ``y``, and the chart's size;
    ``labels`` name the articles (their outlet) in each event's line of sources. At most
    ``CHART_EVENTS`` events are drawn (``shown`` of ``total``)."""
    total = len(events)
    if total > CHART_EVENTS:
        ranked = sorted(range(total), key=lambda i: (-len(events[i]["articles"]), i))
        events = [events[i] for i in sorted(ranked[:CHART_EVENTS])]
    rows: list[dict[str, Any]] = []
    y = TOP
    previous: date | None = None
    for i, event in enumerate(events):
        day = day_of(event["date"])
        if previous is not None and day is not None and (day - previous).days >= GAP_DAYS:
            rows.append(
                {"kind": "gap", "y": y + GAP_ROW // 2, "label": gap_label((day - previous).days)}
            )
            y += GAP_ROW
        previous = day or previous
        sources = list(dict.fromkeys(labels.get(a, a) for a in event["articles"]))
        meta = f"{len(sources)} source{'s' * (len(sources) != 1)}: " + ", ".join(sources)
        if event["languages"]:
            meta += " · " + ", ".join(event["languages"])
        rows.append(
            {
                "kind": "event",
                "index": i + 1,
                "y": y + ROW // 2,
                "date": event["date"],
                "date_label": date_label(event["date"]),
                "planned": event["planned"],
                "text": _cut(event["text"]),
                "full_text": event["text"],
                "meta": _cut(meta),
                "shared": len(event["articles"]) > 1,
            }
        )
        y += ROW
    height = y + TOP // 2
    return {
        "width": WIDTH,
        "height": height,
        "axis_x": AXIS_X,
        "text_x": TEXT_X,
        "axis_top": TOP // 2,
        "axis_bottom": height - TOP // 2,
        "rows": rows,
        "shown": len(events),
        "total": total,
    }
