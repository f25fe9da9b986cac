"""The SemEval-2022 Task 8 dev pairs as the matcher sees them: profiles of both texts, a
target, the language pair; shared by ``bench.train_match`` (fit) and ``bench.match`` (report).

Building the 1,433 profiles runs the whole pipeline (clean, language, mentions, embed) and
takes minutes on 2 cores, so the table is cached under ``.cache/`` in the project (not in git),
keyed by the sha256 of ``dev.jsonl``, the code of the stages that make a profile and the
encoder's name: a change in any of them rebuilds it.
"""

from __future__ import annotations

import hashlib
import json
import pickle
from dataclasses import dataclass
from pathlib import Path

from storyline.match.profile import Profile

ROOT = Path(__file__).resolve().parents[1]
CACHE = ROOT / ".cache"
PAIRS = Path("semeval2022-pairs") / "dev.jsonl"
# The code a profile depends on: a change in any of these files invalidates the cache.
_STAGES = ("extract", "entities", "dates", "language.py", "embed.py", "pipeline.py", "match")


@dataclass(frozen=True, slots=True)
class DevPair:
    pair_id: str
    a: Profile
    b: Profile
    overall: float  # 1 = same story ... 4 = unrelated (mean of the annotators)
    langs: str  # "en-en", "de-en", ...

    @property
    def target(self) -> float:
        """The training target in [0, 1], 1 = same story."""
        return (4.0 - self.overall) / 3.0


def _code_digest() -> str:
    digest = hashlib.sha256()
    src = ROOT / "src" / "storyline"
    for name in _STAGES:
        path = src / name
        files = sorted(path.rglob("*.py")) if path.is_dir() else [path]
        for file in files:
            if file.name in ("model.py", "features.py", "weights.json"):
                continue  # the fit, not the profile
            digest.update(file.relative_to(src).as_posix().encode())
            digest.update(file.read_bytes())
    return digest.hexdigest()[:16]


def rows(data: Path) -> list[dict[str, object]]:
    with (data / PAIRS).open(encoding="utf-8") as lines:
        return [json.loads(line) for line in lines if line.strip()]


def dev_pairs(data: Path, cache: bool = True) -> list[DevPair]:
    """Every dev pair with both profiles, in file order (cached, see the module doc)."""
    from storyline.embed import load_encoder

    pairs_file = data / PAIRS
    key = hashlib.sha256(pairs_file.read_bytes()).hexdigest()[:16]
    key = f"{key}-{_code_digest()}-{load_encoder().name}"
    path = CACHE / f"match-dev-{key}.pickle"
    if cache and path.exists():
        with path.open("rb") as handle:
            loaded: list[DevPair] = pickle.load(handle)
        return loaded
    built = _build(rows(data))
    if cache:
        CACHE.mkdir(exist_ok=True)
        tmp = path.with_suffix(".tmp")
        with tmp.open("wb") as handle:
            pickle.dump(built, handle)
        tmp.replace(path)
    return built


def _build(table: list[dict[str, object]]) -> list[DevPair]:
    from storyline.match.pairs import profile_of, side
    from storyline.pipeline import Pipeline

    pipeline = Pipeline.default()
    profiles: dict[str, Profile] = {}
    out = []
    for row in table:
        ids = str(row["pair_id"]).split("_")
        for doc_id, which in zip(ids, "12", strict=True):
            if doc_id not in profiles:
                profiles[doc_id] = profile_of(side(row, which), pipeline)
        out.append(
            DevPair(
                pair_id=str(row["pair_id"]),
                a=profiles[ids[0]],
                b=profiles[ids[1]],
                overall=float(str(row["overall"])),
                langs=f"{row['lang1']}-{row['lang2']}",
            )
        )
    return out
