"""Measure, once, the real-data distributions ``bench.scale`` draws its synthetic stream from.

``python -m bench.scale_measure`` ingests the SemEval-2022 dev articles and MEANTIME into
throw-away workspaces (every stage: clean, embed, mentions) and prints, as JSON:

- document-vector cosines of article pairs by band: same story (SemEval ``overall`` <= 1.5),
  same topic (2.5 <= overall < 3.5; MEANTIME: same topic, different story, same language),
  unrelated (overall >= 3.5; MEANTIME: different topics, same language);
- per-article counts of entity keys, place ids and year-known date values, and the Jaccard
  overlap of entity and place sets by band;
- MEANTIME: how far the date values of an article lie from its publication day.

The numbers are copied, with this command as their source, into the constants of
``bench.scale``; this module is not run by ``make bench``.
"""

from __future__ import annotations

import json
import sys
import tempfile
from collections import defaultdict
from datetime import date
from itertools import combinations
from pathlib import Path

import numpy as np

from bench.clustering import _ingest, load_meantime, load_semeval
from storyline.match import profile

ROOT = Path(__file__).resolve().parents[1]


def _stats(values: list[float]) -> dict[str, float]:
    a = np.asarray(values, dtype=np.float64)
    if not len(a):
        return {"n": 0}
    q = np.quantile(a, [0.1, 0.25, 0.5, 0.75, 0.9])
    return {
        "n": len(a),
        "mean": round(float(a.mean()), 4),
        "std": round(float(a.std()), 4),
        "q10": round(float(q[0]), 4),
        "q25": round(float(q[1]), 4),
        "q50": round(float(q[2]), 4),
        "q75": round(float(q[3]), 4),
        "q90": round(float(q[4]), 4),
    }


def _jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    return len(a & b) / len(a | b) if a | b else 0.0


def _profiles(records: list[dict[str, str]]) -> dict[str, object]:
    with tempfile.TemporaryDirectory() as tmp:
        ws, _ = _ingest(records, Path(tmp))
        out = {a.id: (a, profile(a, ws.store.embedding(a.id))) for a in ws.articles()}
        ws.close()
    return out


def measure(data: Path) -> dict[str, object]:
    result: dict[str, object] = {}
    docs, _, scored = load_semeval(data)
    profs = _profiles(docs)
    bands: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for a, b, overall in scored:
        if a not in profs or b not in profs:
            continue
        band = (
            "same_story"
            if overall <= 1.5
            else "same_topic"
            if 2.5 <= overall < 3.5
            else "unrelated"
            if overall >= 3.5
            else "related"
        )
        bands[band].append((a, b))
    sem: dict[str, object] = {}
    for band, pairs in sorted(bands.items()):
        pa = [(profs[a][1], profs[b][1]) for a, b in pairs]
        sem[band] = {
            "cos": _stats([float(x.doc @ y.doc) for x, y in pa]),
            "entity_jaccard": _stats([_jaccard(x.entities, y.entities) for x, y in pa]),
            "place_jaccard": _stats([_jaccard(x.places, y.places) for x, y in pa]),
        }
    ps = [p for _, p in profs.values()]
    sem["per_article"] = {
        "entities": _stats([len(p.entities) for p in ps]),
        "places": _stats([len(p.places) for p in ps]),
        "dates": _stats([len(p.dates) for p in ps]),
        "chars": _stats([p.chars for p in ps]),
        "entity_count_hist": np.bincount([min(len(p.entities), 30) for p in ps]).tolist(),
        "place_count_hist": np.bincount([min(len(p.places), 30) for p in ps]).tolist(),
        "date_count_hist": np.bincount([min(len(p.dates), 30) for p in ps]).tolist(),
    }
    result["semeval_dev"] = sem

    records, gold = load_meantime(data)
    topic = {}
    for line in (data / "meantime" / "articles.jsonl").open(encoding="utf-8"):
        row = json.loads(line)
        topic[row["id"]] = row["topic"]
    mprofs = _profiles(records)
    mb: dict[str, list[float]] = defaultdict(list)
    ids = sorted(mprofs)
    for a, b in combinations(ids, 2):
        (aa, pa_), (ab, pb_) = mprofs[a], mprofs[b]
        cos = float(pa_.doc @ pb_.doc)
        if gold[a] == gold[b]:
            mb["translation"].append(cos)
        elif aa.lang == ab.lang:
            mb["same_topic" if topic[a] == topic[b] else "unrelated"].append(cos)
    offsets: list[float] = []
    for art, p in mprofs.values():
        if art.published is None:
            continue
        day = art.published.date()
        for value in p.dates:
            if len(value) == 10:
                offsets.append(float((date.fromisoformat(value) - day).days))
    result["meantime"] = {
        **{band: _stats(v) for band, v in sorted(mb.items())},
        "date_offset_days": _stats(offsets),
        "date_offset_abs_le": {
            str(k): round(float(np.mean(np.abs(offsets) <= k)), 3) for k in (0, 1, 7, 30, 365)
        },
        "dates_per_article": _stats([len(p.dates) for _, p in mprofs.values()]),
        "entities_per_article": _stats([len(p.entities) for _, p in mprofs.values()]),
    }
    return result


if __name__ == "__main__":
    data = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT.parent / "shared" / "data"
    print(json.dumps(measure(data), indent=1))
