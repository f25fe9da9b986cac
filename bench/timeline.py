"""Timeline benchmark: the seeds' golden events, and how events merge across languages.

Data (``../shared/data`` and ``../shared/seeds``):

* **Seeds** (issue 7 §7): both pages ingested as JSONL records with ``published`` 2022-01-28
  (``002_…``) and 2022-02-01 (``000_…``); which of the six expected events the story's timeline
  holds, and whether the 28 January call is one event with both pages as sources. Also the
  cosine of the stored sentence vectors of every pair of same-date event candidates from the
  two pages: the pairs ``timeline.SAME_EVENT_COSINE`` decides on (its calibration).
* **MEANTIME translations** (dev-style: ``meantime/articles.jsonl``, the first ``DOCS`` English
  articles with their es/it/nl translations): each article and its three translations form one
  story; an English event is *joined* when the same event gathers evidence from a translation
  too. Reported per threshold of ``SAME_EVENT_COSINE`` (the merge needs the same date value and
  a shared linked entity as well), with the share of events whose evidence holds two sentences
  of one article (merges inside a page, not wrong by themselves but the first sign of
  over-merging).

Run: ``PYTHONPATH=src python -m bench.timeline [DATA_DIR]``; ``run(data)`` returns Markdown.
"""

from __future__ import annotations

import json
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import numpy as np

import storyline
from bench.compare import ingest as ingest_meantime
from storyline import timeline as tl
from storyline.pipeline import clean_documents, link_entities, title_mentions
from storyline.records import Article, TimelineEvent
from storyline.workspace import Workspace

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATA = ROOT.parent / "shared" / "data"
PUBLISHED = {"000": "2022-02-01", "002": "2022-01-28"}
EXPECTED = {
    "1997": "Russia-NATO Founding Act",
    "2021-12": "proposals made known in mid-December",
    "2022-01-26": "written responses received",
    "2022-01-28": "Putin-Macron call (both pages)",
    "2022-01-31": "call of 31 January",
    "2022-02-07": "meeting in Moscow (planned)",
}
DOCS = 12  # MEANTIME English articles (each with 3 translations): ~2 minutes here
# Cosine thresholds compared; the anchors: -1 merges on date and shared entity alone, 1.01
# never merges two body sentences (only titles join, on entities).
THRESHOLDS = (-1.0, 0.3, 0.35, 0.4, 0.45, 0.5, 0.6, 1.01)
ANCHORS = {-1.0: " (anchor: date + entity alone)", 1.01: " (anchor: no sentence merges)"}


def _items(ws: Workspace, ids: list[str]) -> list[tl.StoryArticle]:
    out = []
    for a in ws.store.articles(ids=ids):
        entities, dates = title_mentions(a)
        out.append(tl.StoryArticle(a, ws.store.embedding(a.id), entities, dates))
    return out


@contextmanager
def _threshold(value: float) -> Iterator[None]:
    kept = tl.SAME_EVENT_COSINE
    tl.SAME_EVENT_COSINE = value
    try:
        yield
    finally:
        tl.SAME_EVENT_COSINE = kept


def seeds(folder: Path, work: Path) -> list[str]:
    records = []
    for article in clean_documents(sorted(folder.glob("*.txt"))):
        assert isinstance(article, Article), article
        name = Path(article.source).name[:3]
        records.append(
            {
                "id": name,
                "title": article.title,
                "text": article.text,
                "lang": article.lang,
                "site": f"seed-{name}",
                "published": PUBLISHED[name],
            }
        )
    jsonl = work / "seeds.jsonl"
    jsonl.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    with storyline.open(work / "seeds.db") as ws:
        ws.ingest(jsonl)
        (story,) = ws.stories()
        events = ws.timeline(story.id)
        items = _items(ws, list(story.articles))
    lines = [
        "| expected event | date | found | sources |",
        "|---|---|---|---|",
    ]
    for value, what in EXPECTED.items():
        found = [e for e in events if e.date == value]
        best = max(found, key=lambda e: len(e.sources)) if found else None
        sources = ", ".join(best.sources) if best else "—"
        planned = " (planned)" if best and best.planned else ""
        lines.append(f"| {what} | {value} | {'yes' if best else 'no'}{planned} | {sources} |")
    lines += ["", f"{len(events)} events in all.", ""]
    candidates = [c for item in items for c in tl.article_events(item)]
    lines += ["| pair (same date, the two pages) | cosine |", "|---|---|"]
    for i, a in enumerate(candidates):
        for b in candidates[i + 1 :]:
            same = a.date.value == b.date.value and a.evidence.article != b.evidence.article
            if same and a.vector is not None and b.vector is not None:
                cosine = float(np.dot(a.vector, b.vector))
                lines.append(f"| {a.date.value}: {a.evidence.text[:50]}… | {cosine:.3f} |")
    return lines


def meantime(data: Path, work: Path) -> list[str]:
    rows = [json.loads(line) for line in (data / "meantime" / "articles.jsonl").open()]
    docs = sorted({r["doc_id"] for r in rows if r["lang"] == "en"})[:DOCS]
    chosen = [r for r in rows if r["doc_id"] in docs]
    with storyline.open(work / "meantime.db") as ws:
        ingest_meantime(chosen, ws, work)
        groups = {d: [r["id"] for r in chosen if r["doc_id"] == d] for d in docs}
        stories = {d: _items(ws, ids) for d, ids in groups.items()}
    lines = [
        "| SAME_EVENT_COSINE | English events | joined by a translation | events | with two sentences of one article |",
        "|---|---|---|---|---|",
    ]
    for threshold in THRESHOLDS:
        english = joined = total = inside = 0
        with _threshold(threshold):
            for items in stories.values():
                events = tl.story_timeline(items, link=link_entities)
                total += len(events)
                inside += sum(_inside(e) for e in events)
                for e in events:
                    langs = {x.lang for x in e.evidence}
                    if "en" in langs:
                        english += 1
                        joined += len(langs) > 1
        mark = " (used)" if threshold == tl.SAME_EVENT_COSINE else ANCHORS.get(threshold, "")
        lines.append(
            f"| {threshold:.2f}{mark} | {english} | {joined / max(english, 1):.1%} | {total} "
            f"| {inside / max(total, 1):.1%} |"
        )
    return lines


def _inside(event: TimelineEvent) -> bool:
    articles = [e.article for e in event.evidence]
    return len(articles) != len(set(articles))


def run(data: Path = DEFAULT_DATA) -> str:
    started = time.monotonic()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        seed_lines = seeds(data.parent / "seeds", work)
        meantime_lines = meantime(data, work)
    took = time.monotonic() - started
    return "\n".join(
        [
            "## Timeline",
            "",
            "Events of a story: dated sentences naming an entity, merged across articles and "
            "languages on the same date by shared (linked) entities and stored sentence-vector "
            f"cosine ≥ `SAME_EVENT_COSINE` ({tl.SAME_EVENT_COSINE}). Seeds: the issue's six "
            f"golden events; MEANTIME: the first {DOCS} English articles, each with its "
            "es/it/nl translations as one story.",
            "",
            "Command: `PYTHONPATH=src python -m bench.timeline`",
            "",
            "### Seeds",
            "",
            *seed_lines,
            "",
            "### MEANTIME translations",
            "",
            *meantime_lines,
            "",
            f"The run took {took:.0f} s (ingest of {4 * DOCS + 2} articles with every stage, "
            "then the timelines).",
            "",
        ]
    )


if __name__ == "__main__":
    print(run(Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_DATA))
