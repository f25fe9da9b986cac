"""Cold start: wall time of one ``storyline extract PAGE`` next to trafilatura's CLI on it.

Every command runs ``REPEAT`` times in a fresh subprocess (stdout to a pipe, so the text formats
print plain text); the table gives the best and the median wall time. The pages: the sample
page ``sample/pages/esa-orbiter.de.html`` and the median-sized page (by compressed size) of the
974 extraction pages (``extraction/scrapinghub`` + ``extraction/wcxb-dev-articles``), written
decompressed to a temporary file. The goal (issue 10) is ``storyline extract`` within 2x of
``trafilatura < PAGE``. The checkout's ``src`` comes first on ``PYTHONPATH``, so this measures
the code beside it. Run alone with ``python -m bench.coldstart``.
"""

from __future__ import annotations

import gzip
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DATA = ROOT.parent / "shared" / "data"
SAMPLE_PAGE = ROOT / "sample" / "pages" / "esa-orbiter.de.html"
REPEAT = 5
# The goal: storyline extract at most this many times trafilatura's CLI.
GOAL_RATIO = 2.0


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT / "src"), env.get("PYTHONPATH")]))
    return env


def wall(command: Sequence[str], stdin: Path | None = None) -> tuple[float, float]:
    """(best, median) wall seconds of ``REPEAT`` runs of ``command`` in fresh processes."""
    times = []
    for _ in range(REPEAT):
        with open(stdin or os.devnull, "rb") as feed:
            start = time.perf_counter()
            subprocess.run(command, stdin=feed, capture_output=True, check=True, env=_env())
            times.append(time.perf_counter() - start)
    return min(times), statistics.median(times)


def extraction_page(data: Path) -> Path:
    """The median-sized page (compressed bytes, then name) of the 974 extraction pages."""
    root = data / "extraction"
    found = [
        p for d in ("scrapinghub", "wcxb-dev-articles") for p in (root / d / "html").glob("*.gz")
    ]
    pages = sorted(found, key=lambda p: (p.stat().st_size, p.name))
    if not pages:
        raise SystemExit(f"no extraction pages under {root}: see ../shared/data/README.md")
    return pages[len(pages) // 2]


def _rows(page: Path, shown: str, json_too: bool) -> list[tuple[str, tuple[float, float], bool]]:
    python = sys.executable
    trafilatura = str(Path(python).parent / "trafilatura")
    rows = [
        (f"`trafilatura < {shown}`", wall([trafilatura], stdin=page), False),
        (
            f"`storyline extract {shown}`",
            wall([python, "-m", "storyline", "extract", str(page)]),
            True,
        ),
    ]
    if json_too:
        command = [python, "-m", "storyline", "extract", "--format", "json", str(page)]
        rows.append((f"`storyline extract --format json {shown}`", wall(command), True))
    return rows


def run(data: Path | None = None) -> str:
    data = data or DEFAULT_DATA
    source = extraction_page(data)
    lines = [
        "## Cold start",
        "",
        f"Wall time of one command in a fresh process, best and median of {REPEAT} runs; "
        f"goal: `storyline extract` within {GOAL_RATIO:g}x of trafilatura's CLI. "
        "`storyline extract` prints its default format (table); `--format json` adds "
        "paragraph languages and the mentions stage (entities, dates). Pages: the sample page and the median-sized page of the 974 extraction pages "
        f"(`{source.relative_to(data)}`, {source.stat().st_size // 1024} KiB gzipped).",
        "",
        "| command | best s | median s | best / trafilatura's |",
        "|---|---|---|---|",
    ]
    with tempfile.TemporaryDirectory() as tmp:
        page = Path(tmp) / source.name.removesuffix(".gz")
        page.write_bytes(gzip.decompress(source.read_bytes()))
        groups = [
            _rows(SAMPLE_PAGE, str(SAMPLE_PAGE.relative_to(ROOT)), json_too=True),
            _rows(page, page.name, json_too=False),
        ]
    for rows in groups:
        anchor = rows[0][1][0]
        for name, (best, median), compared in rows:
            ratio = f"{best / anchor:.1f}x" if compared else "1x"
            lines.append(f"| {name} | {best:.2f} | {median:.2f} | {ratio} |")
    best, median = wall([sys.executable, "-c", "import storyline"])
    lines.append(f'| `python -c "import storyline"` | {best:.2f} | {median:.2f} | |')
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    print(run())
