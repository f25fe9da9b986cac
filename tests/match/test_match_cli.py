"""``storyline similarity --pairs``: real SemEval dev pairs in, one score line per pair out."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

pytestmark = pytest.mark.data


def _dev_rows(shared_data: Path, n: int) -> list[dict[str, object]]:
    path = shared_data / "semeval2022-pairs" / "dev.jsonl"
    with path.open(encoding="utf-8") as lines:
        rows = [json.loads(line) for line, _ in zip(lines, range(200), strict=False)]
    same = [r for r in rows if float(r["overall"]) <= 1.5][: n // 2]
    different = [r for r in rows if float(r["overall"]) >= 3.5][: n - len(same)]
    return same + different


def test_pairs_file(
    tmp_path: Path,
    shared_data: Path,
    run_cli: Callable[..., subprocess.CompletedProcess[str]],
) -> None:
    rows = _dev_rows(shared_data, 4)
    keep = ("pair_id", "text1", "text2", "lang1", "lang2")
    lines = [json.dumps({k: r[k] for k in keep}, ensure_ascii=False) for r in rows]
    lines.insert(1, "{not json")
    lines.insert(3, json.dumps({"pair_id": "no-text2", "text1": "Some text."}))
    lines.insert(4, "")
    pairs = tmp_path / "pairs.jsonl"
    pairs.write_text("\n".join(lines) + "\n", encoding="utf-8")
    done = run_cli(tmp_path / "unused.db", "similarity", "--pairs", str(pairs))
    assert done.returncode == 10, done.stderr  # some lines failed, the rest were scored
    out = [json.loads(line) for line in done.stdout.splitlines()]
    assert [o["pair_id"] for o in out] == [r["pair_id"] for r in rows]
    assert all(0.0 <= o["score"] <= 1.0 for o in out)
    same, different = [o["score"] for o in out[:2]], [o["score"] for o in out[2:]]
    assert min(same) > max(different)
    errors = [json.loads(line) for line in done.stderr.splitlines() if line.startswith("{")]
    assert [e["pair_id"] for e in errors] == ["line 2", "no-text2"]
    assert "not valid JSON" in errors[0]["error"] and "'text2'" in errors[1]["error"]
    assert not (tmp_path / "unused.db").exists()  # no workspace made or needed
