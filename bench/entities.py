"""Entities benchmark: English mentions against MEANTIME gold, cross-lingual id consistency on
the MEANTIME translations, and speed per language.

Data (``../shared/data``):

- ``meantime/en-annotated/corpus_*/*.xml``: ENTITY_MENTION spans (token anchors) whose
  REFERS_TO target ENTITY has ``ent_type`` PER, ORG or LOC (others ignored), restricted to
  names (``syntactic_type`` NAM and PRE.NAM: "Chrysler", the "US" of "US automaker"; pronouns
  and nominals such as "the firm" are no NER target). The tokens are aligned to the article's
  text in ``meantime/articles.jsonl`` (title, newline, text) and ``find_entities`` runs on that
  same text. Exact: same start, end and type; overlap: same type and overlapping characters,
  each gold span matched at most once.
- ``meantime/articles.jsonl``: for each English article, the share of its canonical ids that
  its es, it and nl translation (same ``doc_id``) also carries, per language and per type of
  the English id; "linked" first maps every id of the four versions through
  ``link`` over their union (as a story would).
- speed: ms per article of ``find_entities`` (models loaded beforehand) on the MEANTIME texts
  (en, es, it, nl) and the SemEval-2022 dev texts (fr, de, pl, tr, ar).

Tuned on topics airbus + apple (dev); gm is reported apart as held out. MEANTIME marks only the
mentions of entities that take part in its annotated events (most "Apple" mentions of an Apple
article are unmarked), so precision against it is a lower bound; recall is the figure to read.

Run: ``python -m bench.entities [DATA_DIR]``; ``run(data)`` returns the Markdown section.
"""

from __future__ import annotations

import json
import sys
import time
import xml.etree.ElementTree as ET
from collections import defaultdict
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from storyline.entities import find_entities, link, model_name
from storyline.records import EntityMention

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATA = ROOT.parent / "shared" / "data"
TYPES = ("PER", "ORG", "LOC")
GOLD_SYNTACTIC = frozenset({"NAM", "PRE.NAM"})
DEV_TOPICS = ("corpus_airbus", "corpus_apple")
HELD_OUT_TOPICS = ("corpus_gm",)
TRANSLATIONS = ("es", "it", "nl")
SPEED_PER_LANGUAGE = 30

Gold = tuple[int, int, str]


def load_articles(data: Path) -> list[dict[str, Any]]:
    path = data / "meantime" / "articles.jsonl"
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def article_text(article: dict[str, Any]) -> str:
    return f"{article['title']}\n{article['text']}"


def gold_mentions(xml_path: Path, text: str) -> list[Gold]:
    """(start, end, type) of the named PER/ORG/LOC mentions, as offsets into ``text``."""
    root = ET.parse(xml_path).getroot()
    offsets: dict[str, tuple[int, int]] = {}
    position = 0
    for token in root.iter("token"):
        word = token.text or ""
        found = text.find(word, position, position + 200 + len(word))
        if found >= 0:
            offsets[token.get("t_id", "")] = (found, found + len(word))
            position = found + len(word)
    types = {e.get("m_id"): e.get("ent_type") for e in root.iter("ENTITY")}
    refers: dict[str | None, str | None] = {}
    for relation in root.iter("REFERS_TO"):
        target = relation.find("target")
        for source in relation.findall("source"):
            refers[source.get("m_id")] = types.get(
                target.get("m_id") if target is not None else None
            )
    gold: list[Gold] = []
    for mention in root.iter("ENTITY_MENTION"):
        kind = refers.get(mention.get("m_id"))
        if kind not in TYPES or mention.get("syntactic_type") not in GOLD_SYNTACTIC:
            continue
        spans = [offsets.get(a.get("t_id", "")) for a in mention.findall("token_anchor")]
        if spans and all(spans):
            starts = [s[0] for s in spans if s]
            ends = [s[1] for s in spans if s]
            gold.append((min(starts), max(ends), str(kind)))
    return gold


def score_mentions(
    pairs: Iterable[tuple[list[Gold], tuple[EntityMention, ...]]],
) -> dict[str, dict[str, tuple[int, int, int]]]:
    """Per match mode and type (and "all"): (true positives, predicted, gold)."""
    out: dict[str, dict[str, list[int]]] = {
        mode: {kind: [0, 0, 0] for kind in (*TYPES, "all")} for mode in ("exact", "overlap")
    }
    for gold, found in pairs:
        predicted = [(m.start, m.end, m.type) for m in found]
        for kind in (*TYPES, "all"):
            g = [x for x in gold if kind in ("all", x[2])]
            p = [x for x in predicted if kind in ("all", x[2])]
            for mode in ("exact", "overlap"):
                tp = _matches(g, p, mode)
                cell = out[mode][kind]
                cell[0] += tp
                cell[1] += len(p)
                cell[2] += len(g)
    return {mode: {k: (v[0], v[1], v[2]) for k, v in by.items()} for mode, by in out.items()}


def _matches(gold: list[Gold], predicted: list[Gold], mode: str) -> int:
    used: set[int] = set()
    hits = 0
    for start, end, kind in predicted:
        for index, (gs, ge, gk) in enumerate(gold):
            if index in used or gk != kind:
                continue
            same = (gs, ge) == (start, end) if mode == "exact" else start < ge and gs < end
            if same:
                used.add(index)
                hits += 1
                break
    return hits


def prf(tp: int, predicted: int, gold: int) -> tuple[float, float, float]:
    p = tp / predicted if predicted else 0.0
    r = tp / gold if gold else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def english_scores(
    data: Path, topics: tuple[str, ...]
) -> dict[str, dict[str, tuple[int, int, int]]]:
    by_doc = {a["doc_id"]: a for a in load_articles(data) if a["lang"] == "en"}
    pairs = []
    for topic in topics:
        for xml_path in sorted((data / "meantime" / "en-annotated" / topic).glob("*.xml")):
            article = by_doc.get(xml_path.name.split("_", 1)[0])
            if article is None:
                continue
            text = article_text(article)
            pairs.append((gold_mentions(xml_path, text), find_entities(text, "en")))
    return score_mentions(pairs)


def consistency(
    data: Path, topics: tuple[str, ...], limit: int | None = None
) -> dict[tuple[bool, str, str], tuple[int, int]]:
    """(linked, language, type or "all") → (English ids found in that language, English ids)."""
    versions: dict[str, dict[str, tuple[EntityMention, ...]]] = defaultdict(dict)
    for article in load_articles(data):
        if article["topic"] in topics:
            versions[article["doc_id"]][article["lang"]] = ()
    doc_ids = sorted(versions)[:limit]
    for article in load_articles(data):
        if article["doc_id"] in doc_ids and article["topic"] in topics:
            versions[article["doc_id"]][article["lang"]] = find_entities(
                article_text(article), article["lang"]
            )
    out: dict[tuple[bool, str, str], list[int]] = defaultdict(lambda: [0, 0])
    for doc_id in doc_ids:
        by_lang = versions[doc_id]
        if "en" not in by_lang:
            continue
        rep = link(m for mentions in by_lang.values() for m in mentions)
        for linked in (False, True):
            english = _ids(by_lang["en"], rep if linked else None)
            for lang in TRANSLATIONS:
                other = {i for i, _k in _ids(by_lang.get(lang, ()), rep if linked else None)}
                for entity_id, kind in english:
                    for key in (kind, "all"):
                        cell = out[(linked, lang, key)]
                        cell[0] += entity_id in other
                        cell[1] += 1
    return {key: (v[0], v[1]) for key, v in out.items()}


def _ids(mentions: Iterable[EntityMention], rep: dict[str, str] | None) -> set[tuple[str, str]]:
    return {((rep or {}).get(m.id, m.id), m.type) for m in mentions}


def speed(data: Path) -> list[tuple[str, str, int, float, float]]:
    """(lang, NER, articles, mean chars, ms/article)."""
    texts: dict[str, list[str]] = defaultdict(list)
    for article in load_articles(data):
        if len(texts[article["lang"]]) < SPEED_PER_LANGUAGE:
            texts[article["lang"]].append(article_text(article))
    pairs = (data / "semeval2022-pairs" / "dev.jsonl").read_text(encoding="utf-8").splitlines()
    for line in pairs:
        pair = json.loads(line)
        for side in ("1", "2"):
            lang = pair[f"lang{side}"]
            if lang not in ("en", "es") and len(texts[lang]) < SPEED_PER_LANGUAGE:
                texts[lang].append(pair[f"text{side}"])
    rows = []
    for lang in sorted(texts):
        sample = texts[lang]
        find_entities(sample[0], lang)  # loads the model: not part of the per-article cost
        started = time.perf_counter()
        for text in sample:
            find_entities(text, lang)
        elapsed = time.perf_counter() - started
        mean_chars = sum(map(len, sample)) / len(sample)
        rows.append((lang, model_name(lang), len(sample), mean_chars, 1000 * elapsed / len(sample)))
    return rows


def _share(cell: tuple[int, int] | None) -> str:
    return f"{cell[0] / cell[1]:.3f}" if cell and cell[1] else "–"


def run(data: Path = DEFAULT_DATA) -> str:
    started = time.perf_counter()
    lines = [
        "## Entities",
        "",
        "Who and where: `find_entities` (spaCy en/fr/es, natasha ru, gazetteer + rule for the",
        "rest) and canonical ids. Tuned on MEANTIME airbus + apple (dev); gm is held out.",
        "MEANTIME marks only mentions of entities in its annotated events (most mentions of",
        '"Apple" in an Apple article are unmarked): precision is a lower bound, read recall.',
        "Command: `PYTHONPATH=src python -m bench.entities`.",
        "",
        "### English mentions against MEANTIME gold (named PER/ORG/LOC mentions)",
        "",
        "| topics | match | type | P | R | F1 | gold |",
        "|---|---|---|---|---|---|---|",
    ]
    for label, topics in (("dev (airbus, apple)", DEV_TOPICS), ("held out (gm)", HELD_OUT_TOPICS)):
        scores = english_scores(data, topics)
        for mode in ("exact", "overlap"):
            for kind in (*TYPES, "all"):
                tp, predicted, gold = scores[mode][kind]
                p, r, f = prf(tp, predicted, gold)
                lines.append(
                    f"| {label} | {mode} | {kind} | {p:.3f} | {r:.3f} | {f:.3f} | {gold} |"
                )
    lines += [
        "",
        "### Cross-lingual consistency: share of an English article's ids found in its translation",
        "",
        "| topics | link | lang | NER | PER | ORG | LOC | all |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for label, topics in (("dev", DEV_TOPICS), ("held out", HELD_OUT_TOPICS)):
        shares = consistency(data, topics)
        for linked in (False, True):
            for lang in TRANSLATIONS:
                cells = " | ".join(_share(shares.get((linked, lang, k))) for k in (*TYPES, "all"))
                lines.append(
                    f"| {label} | {'yes' if linked else 'no'} | {lang} | {model_name(lang)} | {cells} |"
                )
    lines += [
        "",
        "### Speed (models loaded beforehand; 2 cores shared)",
        "",
        "| lang | NER | articles | mean chars | ms/article |",
        "|---|---|---|---|---|",
    ]
    for lang, ner, count, chars, ms in speed(data):
        lines.append(f"| {lang} | {ner} | {count} | {chars:,.0f} | {ms:.1f} |")
    lines += ["", f"Run time: {time.perf_counter() - started:.0f} s.", ""]
    return "\n".join(lines)


if __name__ == "__main__":
    print(run(Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_DATA))
