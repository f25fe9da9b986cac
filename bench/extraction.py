"""Extraction benchmark: HTML extraction and text-dump cleaning against gold main text.

Data (``../shared/data/extraction``):

- ``wcxb-dev-articles``: 793 article pages with ``ground_truth.main_content`` (the one page
  without it is skipped). This is the dev split: the text-dump constants were tuned on it.
- ``scrapinghub``: 181 news pages with ``articleBody``: the held-out check, never tuned on.

Measured:

(a) HTML extraction: ``storyline.extract.extract_html`` against plain
    ``trafilatura.extract(html)`` with its defaults (the anchor);
(b) text-dump cleaning: each page is rendered as a naive scraper's dump with
    ``../shared/tools/page_to_text.py`` and cleaned with ``storyline.extract.clean_dump``; next
    to it, the whole dump ("no cleaning") and trafilatura on the page's HTML.

Scores are per-page token precision/recall averaged over pages, F1 of the averages
(``bench/scoring.py``): whitespace tokens, and the Scrapinghub benchmark's own 4-gram
shingles. Run alone with ``python -m bench.extraction``.
"""

from __future__ import annotations

import gzip
import importlib.util
import json
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

import trafilatura

from bench.scoring import mean_prf, shingle_prf, token_prf
from storyline.extract.html import extract_html
from storyline.extract.textdump import EXTRACTOR as TEXTDUMP_EXTRACTOR
from storyline.extract.textdump import clean_dump

DEFAULT_DATA = Path(__file__).resolve().parent.parent.parent / "shared" / "data"


@dataclass(frozen=True, slots=True)
class Page:
    name: str
    html: str
    gold: str
    title: str = ""
    published: str = ""


def _read_gz(path: Path) -> str:
    return gzip.decompress(path.read_bytes()).decode("utf-8", errors="replace")


def wcxb_pages(data: Path, limit: int | None = None) -> Iterator[Page]:
    """The wcxb-dev article pages that have gold main text, in file order."""
    root = data / "extraction" / "wcxb-dev-articles"
    count = 0
    for truth in sorted((root / "ground-truth").glob("*.json")):
        gold = json.loads(truth.read_text(encoding="utf-8")).get("ground_truth", {})
        if not gold.get("main_content"):
            continue
        if limit is not None and count >= limit:
            return
        count += 1
        html = _read_gz(root / "html" / f"{truth.stem}.html.gz")
        yield Page(
            truth.stem,
            html,
            gold["main_content"],
            gold.get("title") or "",
            gold.get("publish_date") or "",
        )


def scrapinghub_pages(data: Path) -> Iterator[Page]:
    root = data / "extraction" / "scrapinghub"
    truth = json.loads((root / "ground-truth.json").read_text(encoding="utf-8"))
    for key, item in sorted(truth.items()):
        yield Page(key, _read_gz(root / "html" / f"{key}.html.gz"), item.get("articleBody", ""))


def page_to_text(data: Path) -> ModuleType:
    """``../shared/tools/page_to_text.py``, imported from beside the data folder."""
    path = data.parent / "tools" / "page_to_text.py"
    spec = importlib.util.spec_from_file_location("page_to_text", path)
    if spec is None or spec.loader is None:
        raise FileNotFoundError(f"{path} not found: the shared/ folder must hold tools/")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def dump_text(data: Path) -> Callable[[str], str]:
    render: Callable[[str], str] = page_to_text(data).render
    return render


def cleaned_text(dump: str) -> str:
    return "\n".join(clean_dump(dump).paragraphs)


def ours_html_text(html: str) -> str:
    found = extract_html(html)
    return "\n".join(found.paragraphs) if found is not None else ""


def trafilatura_text(html: str) -> str:
    return trafilatura.extract(html) or ""


@dataclass
class Scores:
    """Per-page scores of one method on one data set, and the time it took."""

    tokens: list[tuple[float, float, float]]
    shingles: list[tuple[float, float, float]]
    seconds: float = 0.0

    def add(self, pred: str, gold: str) -> None:
        self.tokens.append(token_prf(pred, gold))
        self.shingles.append(shingle_prf(pred, gold))

    def row(self, name: str) -> str:
        p, r, f = mean_prf(self.tokens)
        sp, sr, sf = mean_prf(self.shingles)
        speed = len(self.tokens) / self.seconds if self.seconds else float("nan")
        return (
            f"| {name} | {p:.3f} | {r:.3f} | **{f:.3f}** | {sp:.3f} | {sr:.3f} | {sf:.3f} "
            f"| {speed:.0f} |"
        )


def _timed(fn: Callable[[str], str], arg: str, scores: Scores) -> str:
    start = time.perf_counter()
    out = fn(arg)
    scores.seconds += time.perf_counter() - start
    return out


def _empty() -> Scores:
    return Scores([], [])


def score_set(pages: Iterator[Page], render: Callable[[str], str]) -> dict[str, Scores]:
    """Score every method on one data set."""
    methods = ("ours_html", "trafilatura", "dump_raw", "dump_clean")
    scores = {name: _empty() for name in methods}
    for page in pages:
        scores["ours_html"].add(_timed(ours_html_text, page.html, scores["ours_html"]), page.gold)
        scores["trafilatura"].add(
            _timed(trafilatura_text, page.html, scores["trafilatura"]), page.gold
        )
        dump = _timed(render, page.html, scores["dump_raw"])
        scores["dump_raw"].add(dump, page.gold)
        scores["dump_clean"].add(_timed(cleaned_text, dump, scores["dump_clean"]), page.gold)
    return scores


HEADER = (
    "| method | P | R | F1 | P (4-shingle) | R (4-shingle) | F1 (4-shingle) | pages/s |\n"
    "|---|---|---|---|---|---|---|---|"
)


def _tables(label: str, n: int, scores: dict[str, Scores]) -> list[str]:
    return [
        f"#### {label} ({n} pages)",
        "",
        "(a) HTML extraction",
        "",
        HEADER,
        scores["ours_html"].row("storyline `extract_html`"),
        scores["trafilatura"].row("`trafilatura.extract(html)` defaults"),
        "",
        "(b) plain-text dump cleaning (dump = `page_to_text.py` rendering; pages/s of "
        "the rendering for 'no cleaning')",
        "",
        HEADER,
        scores["dump_raw"].row("no cleaning (whole dump)"),
        scores["dump_clean"].row(f"storyline `clean_dump` ({TEXTDUMP_EXTRACTOR})"),
        scores["trafilatura"].row("trafilatura on the HTML (reference)"),
        "",
    ]


def run(data: Path, limit: int | None = None) -> str:
    """The Markdown section for BENCHMARKS.md; ``limit`` caps the wcxb pages (for quick runs)."""
    render = dump_text(data)
    wcxb = score_set(wcxb_pages(data, limit), render)
    held_out = score_set(scrapinghub_pages(data), render)
    lines = [
        "### Extraction",
        "",
        "Token precision/recall per page, averaged over pages; F1 of the averages. Whitespace "
        "tokens, and the Scrapinghub benchmark's 4-gram shingles of `\\w+` words. An empty "
        "output scores precision 0. `clean_dump` was tuned on wcxb-dev; scrapinghub is held out."
        " Command: `python -m bench.extraction`.",
        "",
        *_tables("wcxb-dev-articles (dev)", len(wcxb["dump_clean"].tokens), wcxb),
        *_tables("scrapinghub (held out)", len(held_out["dump_clean"].tokens), held_out),
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    cap = int(sys.argv[1]) if len(sys.argv) > 1 else None
    print(run(DEFAULT_DATA, cap))
