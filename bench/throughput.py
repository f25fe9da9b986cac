"""Throughput and peak memory of ``storyline ingest`` end to end, next to trafilatura alone.

Both run in a fresh subprocess on the same extraction pages (Scrapinghub + WCXB dev, HTML), so
peak RSS (``ru_maxrss``) is each one's own. The ingest figure includes reading, decoding,
extraction, language detection, USE embedding (document + sentences), clustering and SQLite
writes, with model loading; the per-article rate excludes the load time.
"""

from __future__ import annotations

import gzip
import json
import subprocess
import sys
import tempfile
from pathlib import Path

# ru_maxrss survives fork and exec (the child would report the parent's peak); VmHWM belongs to
# the new address space that exec makes, so it is this process's own peak.
_PEAK = """
def peak_mb():
    for line in open("/proc/self/status"):
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")
"""

_INGEST = (
    _PEAK
    + """
import json, sys, time
import storyline
ws = storyline.open(sys.argv[1])
t0 = time.perf_counter()
pipeline = ws.pipeline  # load the models now, so the rate below excludes loading
pipeline.encoder.encode(["warm up"])
pipeline.detector.detect("warm up the language detector")
t1 = time.perf_counter()
report = ws.ingest([sys.argv[2]])
t2 = time.perf_counter()
print(json.dumps({"load": t1 - t0, "seconds": t2 - t1, "new": report.new,
                  "failed": report.failed, "rss_mb": peak_mb()}))
"""
)

_TRAFILATURA = (
    _PEAK
    + """
import json, sys, time, pathlib
import trafilatura
pages = sorted(pathlib.Path(sys.argv[1]).glob("*.html"))
t0 = time.perf_counter()
ok = sum(1 for p in pages if trafilatura.extract(p.read_text(errors="replace")))
t1 = time.perf_counter()
print(json.dumps({"load": 0.0, "seconds": t1 - t0, "new": ok, "failed": len(pages) - ok,
                  "rss_mb": peak_mb()}))
"""
)


def _pages(data: Path, out: Path) -> int:
    n = 0
    for folder in ("scrapinghub/html", "wcxb-dev-articles/html"):
        for page in sorted((data / "extraction" / folder).glob("*.html.gz")):
            (out / f"{n:05d}.html").write_bytes(gzip.decompress(page.read_bytes()))
            n += 1
    return n


def _measure(script: str, *args: str) -> dict[str, float]:
    done = subprocess.run(
        [sys.executable, "-c", script, *args], capture_output=True, text=True, check=True
    )
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def run(data: Path) -> str:
    with tempfile.TemporaryDirectory() as tmp:
        pages = Path(tmp) / "pages"
        pages.mkdir()
        n = _pages(data, pages)
        ours = _measure(_INGEST, str(Path(tmp) / "t.db"), str(pages))
        anchor = _measure(_TRAFILATURA, str(pages))
    rows = [
        ("`storyline ingest` end to end", ours),
        ("`trafilatura.extract` alone", anchor),
    ]
    lines = [
        "## Throughput and memory",
        "",
        f"{n} HTML pages (Scrapinghub + WCXB dev), one process, 2 cores.",
        "",
        "| what | articles/s | seconds | model load s | stored / extracted | failed | peak RSS MB |",
        "|---|---|---|---|---|---|---|",
    ]
    for name, m in rows:
        lines.append(
            f"| {name} | {n / m['seconds']:.1f} | {m['seconds']:.0f} | {m['load']:.1f} | "
            f"{m['new']:.0f} | {m['failed']:.0f} | {m['rss_mb']:.0f} |"
        )
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    print(run(Path(__file__).resolve().parents[1].parent / "shared" / "data"))
