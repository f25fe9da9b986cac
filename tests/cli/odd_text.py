"""What the CLI tests share besides fixtures (a module of its own: two ``conftest`` modules
cannot be imported by name side by side)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

SAMPLE = Path(__file__).resolve().parents[2] / "sample" / "pages"

# Each piece is one way scraped text has broken a view: rich markup (and a closing tag that
# raised MarkupError), an ANSI clear-screen, CR, NUL, a C1 control (NEL), a right-to-left
# override and isolate, an RLM, Arabic, and combining accents.
ODD = (
    "We was robbed [sic], [rocket]'s [/x] [bold]loud[/bold] \x1b[2J\r back\x00 nul \x85 "
    "\u202eevil\u202c \u2066iso\u2069 \u200fمرحبا café\u0301 Ω\u0303"
)
BODY = (
    "Officials in the city said on Tuesday that the old bridge over the river would reopen "
    "next week after three months of repairs, {odd}. The mayor told reporters that the work "
    "had cost far more than expected and that traffic would be diverted until the end of the "
    "month, while engineers finish testing the new supports and the lighting along the deck."
)
SECOND = (
    "Shop owners near the bridge welcomed the news, saying that the closure had cut the number "
    "of customers by half since the summer, and asked the council for help with their losses."
)


@dataclass(frozen=True)
class Odd:
    db: Path
    root: Path  # holds the input files, under a directory named odd[/x]
    jsonl: Path
    html: Path
    record_id: str
