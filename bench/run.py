"""Run every benchmark on ../shared/data and write BENCHMARKS.md (``make bench``)."""

from __future__ import annotations

import argparse
import os
import platform
import subprocess
import time
from datetime import UTC, datetime
from pathlib import Path

from bench import (
    clustering,
    coldstart,
    compare,
    dates,
    decoding,
    dedup,
    entities,
    extraction,
    language,
    match,
    prose,
    published,
    scale,
    throughput,
    timeline,
    web,
)

ROOT = Path(__file__).resolve().parents[1]
SECTIONS = {
    "extraction": extraction.run,
    "published": published.run,
    "decoding": decoding.run,
    "prose": prose.run,
    "language": language.run,
    "clustering": clustering.run,
    "match": match.run,
    "dedup": dedup.run,
    "dates": dates.run,
    "entities": entities.run,
    "timeline": timeline.run,
    "compare": compare.run,
    "throughput": throughput.run,
    "coldstart": coldstart.run,
    "scale": scale.run,
    "web": web.run,
}


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return f"{cpu}, {os.cpu_count()} cores, {mem:.0f} GiB RAM, Python {platform.python_version()}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    parser.add_argument("--only", choices=sorted(SECTIONS), action="append")
    parser.add_argument("--out", type=Path, default=ROOT / "BENCHMARKS.md")
    args = parser.parse_args()
    if not args.data.exists():
        raise SystemExit(f"{args.data} is missing: put shared/ beside the project")
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, cwd=ROOT
    ).stdout.strip()
    parts = [
        "# Benchmarks",
        "",
        "Made by `make bench` (`python -m bench.run`) on "
        f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC, commit `{commit or 'uncommitted'}`.  ",
        f"Machine: {machine()}.  ",
        "Data: `../shared/data` (see its README). Calibration used only dev splits "
        "(WCXB dev, SemEval dev); nothing was tuned on the sealed held-out set.",
        "",
    ]
    for name, section in SECTIONS.items():
        if args.only and name not in args.only:
            continue
        start = time.perf_counter()
        print(f"[bench] {name} …", flush=True)
        text = section(args.data)
        parts += [text.rstrip(), "", f"_({name}: {time.perf_counter() - start:.0f} s)_", ""]
        print(text, flush=True)
    args.out.write_text("\n".join(parts))
    print(f"[bench] wrote {args.out}")


if __name__ == "__main__":
    main()
