"""The "no article text found" rule (``storyline.extract.prose``) must reject no real article.

Counted over (a) the gold main texts of the extraction sets (scrapinghub ``articleBody``,
wcxb-dev ``main_content``) and the MEANTIME and SemEval-2022 article texts, split into
paragraphs at line breaks; (b) with ``--pages``, the real pipeline: ``storyline.extract`` on
every scrapinghub and wcxb-dev HTML page that has a gold main text (slow: ~1,000 pages of
trafilatura), counting pages rejected by the rule. Run with ``python -m bench.prose [--pages]``.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import sys
from collections.abc import Iterator
from pathlib import Path

from storyline.errors import DocumentError
from storyline.extract import extract
from storyline.extract.prose import no_article_text
from storyline.records import RawDoc

DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"
EXTRACTION = DATA / "extraction"


def gold_texts(data: Path = DATA) -> Iterator[tuple[str, str]]:
    """(set name, text) for every gold main text and article text."""
    extraction = data / "extraction"
    truth = json.loads((extraction / "scrapinghub" / "ground-truth.json").read_text("utf-8"))
    for item in truth.values():
        yield "scrapinghub", item.get("articleBody") or ""
    for path in sorted((extraction / "wcxb-dev-articles" / "ground-truth").glob("*.json")):
        gold = json.loads(path.read_text("utf-8"))["ground_truth"]
        if gold.get("main_content"):
            yield "wcxb-dev", gold["main_content"]
    for line in (data / "meantime" / "articles.jsonl").read_text("utf-8").splitlines():
        yield "meantime", json.loads(line)["text"]
    for line in (data / "semeval2022-pairs" / "dev.jsonl").read_text("utf-8").splitlines():
        pair = json.loads(line)
        yield "semeval2022", pair["text1"]
        yield "semeval2022", pair["text2"]


def pages() -> Iterator[tuple[str, Path]]:
    """(set name, page) for every HTML page with a gold main text."""
    truth = json.loads((EXTRACTION / "scrapinghub" / "ground-truth.json").read_text("utf-8"))
    for key, item in truth.items():
        if item.get("articleBody"):
            yield "scrapinghub", EXTRACTION / "scrapinghub" / "html" / f"{key}.html.gz"
    for path in sorted((EXTRACTION / "wcxb-dev-articles" / "ground-truth").glob("*.json")):
        if json.loads(path.read_text("utf-8"))["ground_truth"].get("main_content"):
            yield "wcxb-dev", EXTRACTION / "wcxb-dev-articles" / "html" / f"{path.stem}.html.gz"


def rejected_gold(data: Path = DATA) -> dict[str, list[int]]:
    """Per set: [texts, rejected by the rule]."""
    counts: dict[str, list[int]] = {}
    for name, text in gold_texts(data):
        paragraphs = [p.strip() for p in text.splitlines() if p.strip()]
        if not paragraphs:
            continue
        seen = counts.setdefault(name, [0, 0])
        seen[0] += 1
        if no_article_text(paragraphs) is not None:
            seen[1] += 1
            print(f"REJECTED gold text in {name}: {paragraphs[:2]}", file=sys.stderr)
    return counts


def run(data: Path) -> str:
    """The BENCHMARKS.md section (``make bench``): the rule on every real article text."""
    rows = [
        "## Pages without article text",
        "",
        "The rule `storyline.extract.prose.no_article_text` (a page whose clean text is a menu, one "
        'word or a cookie notice becomes the error row "no article text found") must reject no '
        "real article. Counted over the gold main texts of the extraction sets and the MEANTIME "
        "and SemEval-2022 article texts (paragraphs at line breaks); the rule was written on the "
        "hostile corpus, not tuned on these. `python -m bench.prose` (`--pages` also runs "
        "`extract` on every HTML page with a gold text).",
        "",
        "| set | texts | rejected |",
        "|---|---:|---:|",
    ]
    for name, (total, rejected) in rejected_gold(data).items():
        rows.append(f"| {name} | {total} | {rejected} |")
    return "\n".join(rows) + "\n"


def main(argv: list[str]) -> None:
    counts = rejected_gold()
    for name, (total, rejected) in counts.items():
        print(f"gold {name}: {total} texts, {rejected} rejected")
    if "--pages" not in argv:
        return
    outcome: dict[str, list[int]] = {}
    for name, path in pages():
        if not path.exists():
            continue
        data = gzip.decompress(path.read_bytes())
        raw = RawDoc(data, str(path), hashlib.sha256(data).hexdigest(), "html")
        seen = outcome.setdefault(name, [0, 0, 0])
        seen[0] += 1
        try:
            extract(raw)
        except DocumentError as error:
            seen[2 if error.reason.startswith("no article text found") else 1] += 1
            print(f"{name} {path.name}: {error.reason}")
    for name, (total, other, rejected) in outcome.items():
        print(f"pages {name}: {total} pages, {rejected} rejected by the rule, {other} other fails")


if __name__ == "__main__":
    main(sys.argv[1:])
