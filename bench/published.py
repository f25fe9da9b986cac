"""Publication-date benchmark: storyline's ``published`` against the pages' gold day.

Data: ``../shared/data/extraction/wcxb-dev-articles``, the article pages whose ground truth has
a ``publish_date`` (a day). The pages are split by sorted name: the first half is where the
rules were tuned, the second half is the check.

Measured, per method, over the pages with a gold date: coverage (share that get a date), day
accuracy (share that get the gold calendar day, the page's own day in the offset it gave) and
errors (pages given another day). Methods:

- storyline on the HTML page (``extract_html``);
- storyline on the page's text dump (``page_to_text.py`` rendering, ``clean_dump``);
- the anchor: htmldate alone, ``find_date(html)`` with its defaults, and with
  ``extensive_search=False``.

Run alone with ``python -m bench.published``.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from htmldate import find_date

from bench.extraction import DEFAULT_DATA, Page, dump_text, wcxb_pages
from storyline.extract.html import extract_html
from storyline.extract.textdump import clean_dump

Method = Callable[[Page], date | None]


@dataclass
class Tally:
    """One method's answers on the pages with a gold date."""

    pages: int = 0
    dated: int = 0
    right: int = 0
    wrong: list[str] = field(default_factory=list)

    def add(self, name: str, found: date | None, gold: date) -> None:
        self.pages += 1
        if found is None:
            return
        self.dated += 1
        if found == gold:
            self.right += 1
        else:
            self.wrong.append(name)

    @property
    def coverage(self) -> float:
        return self.dated / self.pages if self.pages else 0.0

    @property
    def accuracy(self) -> float:
        return self.right / self.pages if self.pages else 0.0


def _htmldate(page: Page, **options: bool) -> date | None:
    found = find_date(page.html, **options)
    return date.fromisoformat(found) if found else None


def methods(data: Path) -> dict[str, Method]:
    """The measured methods by their row label."""
    render = dump_text(data)

    def html(page: Page) -> date | None:
        found = extract_html(page.html)
        return found.published.date() if found is not None and found.published else None

    def dump(page: Page) -> date | None:
        found = clean_dump(render(page.html))
        return found.published.date() if found.published else None

    return {
        "storyline `extract_html` (HTML page)": html,
        "storyline `clean_dump` (text dump)": dump,
        "htmldate `find_date(html)` defaults": _htmldate,
        "htmldate `find_date(html, extensive_search=False)`": lambda p: _htmldate(
            p, extensive_search=False
        ),
    }


def dated_pages(data: Path, limit: int | None = None) -> list[tuple[Page, date]]:
    """The wcxb-dev pages with a gold publication day, sorted by name (a gold month such as
    ``2015-11`` is no day: such pages are left out); the first ``limit`` of them."""
    pages: list[tuple[Page, date]] = []
    for page in wcxb_pages(data):
        if limit is not None and len(pages) >= limit:
            break
        try:
            pages.append((page, date.fromisoformat(page.published[:10])))
        except ValueError:
            continue
    return pages


def score(pages: list[tuple[Page, date]], chosen: dict[str, Method]) -> dict[str, Tally]:
    tallies = {label: Tally() for label in chosen}
    for page, gold in pages:
        for label, method in chosen.items():
            tallies[label].add(page.name, method(page), gold)
    return tallies


def halves(pages: list[tuple[Page, date]]) -> Iterator[tuple[str, list[tuple[Page, date]]]]:
    middle = len(pages) // 2
    yield "first half (tuned on)", pages[:middle]
    yield "second half (check)", pages[middle:]


def run(data: Path = DEFAULT_DATA) -> str:
    """The Markdown section for BENCHMARKS.md."""
    pages = dated_pages(data)
    chosen = methods(data)
    lines = [
        "### Publication dates",
        "",
        "wcxb-dev-articles pages with a gold `publish_date`, split by sorted name; rules "
        "were tuned on the first half only. Coverage: share of pages given a date; day "
        "accuracy: share given the gold day (the page's own calendar day); errors: pages "
        "given another day. htmldate alone is the anchor. Command: `python -m bench.published`.",
        "",
    ]
    for label, part in halves(pages):
        tallies = score(part, chosen)
        lines += [
            f"#### {label} ({len(part)} pages)",
            "",
            "| method | coverage | day accuracy | errors |",
            "|---|---|---|---|",
        ]
        lines += [
            f"| {name} | {t.coverage:.3f} | **{t.accuracy:.3f}** | {len(t.wrong)} |"
            for name, t in tallies.items()
        ]
        lines.append("")
    return "\n".join(lines)


if __name__ == "__main__":
    print(run(Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_DATA))
