"""The publication date of a plain-text dump: a short date line next to the headline.

A scraper's dump keeps the page's visible byline ("September 4, 2025", "Published Jun 4,
2025", "By Jane Doe Published: Jan 29, 2025") a few lines around the headline, but none of its
markup. ``date_line`` reads the first such line with ``parse_published`` (no anchor: a yearless
"Apr 12" is not guessed). Lines that announce an update ("Updated August 14, 2025") are
skipped: the publication date beats the modified one. Calibrated with ``python -m
bench.published`` on the first half of the dated wcxb-dev pages (by sorted name).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from storyline.extract.when import When, parse_published

# Lines looked at above and below the headline (or the body's first line): bylines sit
# near it, after category, author and share lines. Sweep on the tuning half (328 dated
# pages; right / wrong days): 2+3 lines 96/6, 3+4 113/6, 5+6 125/7, 8+10 132/7, 10+12
# 136/8, 15+20 145/8. 8+10 kept: still "next to the headline", gains flatten beyond it.
DATE_LINES_ABOVE = 8
DATE_LINES_BELOW = 10
# A date line is short: a label, the date, maybe a time or an author's name.
MAX_DATE_LINE_CHARS = 60

_YEAR = re.compile(r"\b(?:19|20)\d{2}\b")
_LABEL = re.compile(
    r"^.*?\b(?:published|posted|publié|veröffentlicht|publicado|pubblicato|gepubliceerd"
    r"|opublikowano|опубликовано)\b(?:\s+(?:on|le|am|el|il|op))?[\s:,.-]*",
    re.I,
)
_UPDATED = re.compile(
    r"\b(?:updated|modified|last\s+update|mis\s+à\s+jour|aktualisiert|actualizado"
    r"|aggiornato|bijgewerkt|zaktualizowano|обновлено)\b",
    re.I,
)


def date_line(lines: Sequence[str], center: int) -> When | None:
    """The first date line among the lines around ``lines[center]`` (the headline)."""
    first, last = max(0, center - DATE_LINES_ABOVE), min(len(lines), center + DATE_LINES_BELOW + 1)
    for index in range(first, last):
        found = _date_of(lines[index]) if index != center else None
        if found is not None:
            return found
    return None


def _date_of(line: str) -> When | None:
    text = line.strip()
    if len(text) > MAX_DATE_LINE_CHARS or not _YEAR.search(text) or _UPDATED.search(text):
        return None
    labelled = _LABEL.sub("", text, count=1)
    return parse_published(labelled, "text dump date line") if labelled else None
