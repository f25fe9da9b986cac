"""Reprint detection (the dedup stage) on real articles and realistic reprints made from them.

Positives: each real article against reprints of it made the way outlets reprint wire copy
(``VARIANTS``): under a new headline, with an agency credit, with boilerplate lines, with the
last paragraph dropped, with an extra closing paragraph, with light edits (a few words dropped
or doubled), and all of these at once. Negatives: real pairs of *different* articles —

- SemEval-2022 dev pairs (8 languages), both same-story reports of other outlets (``overall``
  ≤ 1.5, the hard ones) and other pairs (> 1.5); pairs in ``SHARED_COPY_PAIRS`` are left out:
  inspected by hand, their two texts *are* one copy (a wire story under two headlines, or two
  pages whose text is the same cookie / paywall / bot-check notice);
- MEANTIME English articles of one topic (every pair of the 30 airbus, apple or gm articles:
  same companies, different events).

A pair is detected when the two signatures share an LSH bucket (``dedup.band_keys``) and their
estimated Jaccard reaches ``SIMILARITY_THRESHOLD`` — what a workspace does. Anchor in the same
run: exact hash of the normalised text (``dedup.words``).

Parts: SemEval pairs are split by a hash of ``pair_id``; the **tune** half (and reprints of its
articles) chose ``SHINGLE_WORDS`` and ``SIMILARITY_THRESHOLD`` (``--calibrate`` prints the
sweep); the **report** half and all of MEANTIME were not looked at while tuning.

Run: ``python -m bench.dedup [--calibrate]``; ``run(data)`` returns the Markdown section.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import re
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from itertools import combinations
from pathlib import Path

from storyline import dedup

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DATA = ROOT.parent / "shared" / "data"

SAME_STORY_MAX = 1.5
# SemEval dev pairs whose texts are one copy (read by hand; ids only, no text): the same PAP
# wire story under two headlines (1483921880_1484016672); two pages that are the same bot
# check (1483934627_1483934630), cookie notice (1558913813_1556463214, 1574408746_1588489341),
# paywall form (1543560406_1543583268) or blog author box (1523685351_1631472801). Not
# negatives: at the text level they are copies. They are the six SemEval pairs whose 5-word
# shingle Jaccard exceeds 0.3; the next one (0.29, an Arabic same-story pair) is two reports.
SHARED_COPY_PAIRS = frozenset(
    {
        "1483921880_1484016672",
        "1483934627_1483934630",
        "1558913813_1556463214",
        "1574408746_1588489341",
        "1543560406_1543583268",
        "1523685351_1631472801",
    }
)

# Every pair of the 1,523 original articles (all SemEval dev texts and the 90 MEANTIME English
# ones: 1.16 million pairs) that dedup-1 links, read by hand (December 2026): all 30 are one
# copy — 5 wire or syndicated stories under two headlines or on two sites (PAP, AA, Notimex,
# two German local stories) and 25 pairs of pages whose text is the same notice (a Polish bot
# check, cookie and paywall notices, a site's "about us" box). None is two different texts.
# ``run`` counts the links of the current code that are not in this list.
READ_ALL_PAIRS = frozenset(
    {
        "1483792417_1483827510",
        "1483792417_1483849920",
        "1483792417_1483996182",
        "1483792417_1527743841",
        "1483827510_1483849920",
        "1483827510_1483996182",
        "1483827510_1527743841",
        "1483849920_1483996182",
        "1483849920_1527743841",
        "1483855447_1483882701",
        "1483855447_1483934627",
        "1483855447_1483934630",
        "1483855447_1484003508",
        "1483882701_1483934627",
        "1483882701_1483934630",
        "1483882701_1484003508",
        "1483921880_1484016672",
        "1483934627_1483934630",
        "1483934627_1484003508",
        "1483934630_1484003508",
        "1483979714_1483981480",
        "1483989254_1483994737",
        "1483996182_1527743841",
        "1484245306_1484266870",
        "1523685351_1631472801",
        "1543560406_1543583268",
        "1556463214_1558913813",
        "1558635921_1558639371",
        "1569847683_1587231302",
        "1574408746_1588489341",
    }
)

AGENCIES = ("Reuters", "AFP", "AP", "dpa", "EFE", "PAP", "ANSA", "AA")
BOILERPLATE = (
    "Copyright {year} {agency}. All rights reserved.",
    "Follow us on Facebook and Twitter for the latest news.",
    "Share this article",
    "Advertisement",
    "Read more: {title}",
    "This article was originally published by {agency}.",
    "Sign up for our newsletter",
    "Photo: {agency}",
)
# Share of words a light edit drops or doubles (one every ~40 words).
EDIT_RATE = 0.025


@dataclass(frozen=True)
class Pair:
    a: str
    b: str
    copy: bool
    kind: str  # the variant, or the kind of negative
    part: str  # "tune", "report" or "meantime"


def _part(pair_id: str) -> str:
    return "tune" if hashlib.sha1(pair_id.encode()).digest()[0] % 2 == 0 else "report"


def _blocks(text: str) -> list[str]:
    """Paragraphs, or sentences when the text is one paragraph (SemEval texts often are)."""
    paragraphs = [p for p in re.split(r"\n+", text) if p.strip()]
    if len(paragraphs) >= 3:
        return paragraphs
    return [s for s in re.split(r"(?<=[.!?])\s+", text.strip()) if s] or [text]


def _rng(key: str, kind: str) -> random.Random:
    return random.Random(hashlib.sha256(f"{key}/{kind}".encode()).digest())


def _credit(blocks: list[str], rng: random.Random) -> list[str]:
    agency = rng.choice(AGENCIES)
    return [f"({agency}) - {blocks[0]}", *blocks[1:], f"© {agency}"]


def _boilerplate(blocks: list[str], rng: random.Random, title: str) -> list[str]:
    lines = [
        line.format(year=rng.randint(2019, 2022), agency=rng.choice(AGENCIES), title=title)
        for line in rng.sample(BOILERPLATE, 3)
    ]
    return [lines[0], *blocks, *lines[1:]]


def _trimmed(blocks: list[str]) -> list[str]:
    """The last paragraph (or the last quarter of the sentences) dropped."""
    keep = max(1, len(blocks) - max(1, len(blocks) // 4))
    return blocks[:keep]


def _edited(blocks: list[str], rng: random.Random, rate: float = EDIT_RATE) -> list[str]:
    out = []
    for block in blocks:
        words = []
        for word in block.split(" "):
            roll = rng.random()
            if roll < rate / 2:
                continue  # dropped
            words.append(word)
            if roll < rate:
                words.append(word)  # doubled
        out.append(" ".join(words))
    return out


def variants(key: str, text: str, title: str, other: str) -> dict[str, str]:
    """Reprints of ``text``: kind -> reprinted text (``other`` is another article's text, the
    source of an extended ending)."""
    blocks = _blocks(text)
    extra = _blocks(other)[: max(1, len(blocks) // 4)]
    made = {
        "new headline": blocks,
        "agency credit": _credit(blocks, _rng(key, "credit")),
        "boilerplate lines": _boilerplate(blocks, _rng(key, "boiler"), title),
        "last paragraph dropped": _trimmed(blocks),
        "extended ending": [*blocks, *extra],
        "light edits": _edited(blocks, _rng(key, "edits")),
    }
    rng = _rng(key, "all")
    made["all of these"] = _edited(
        _boilerplate(_credit(_trimmed(blocks), rng), rng, title), rng, EDIT_RATE / 2
    )
    return {kind: "\n".join(b) for kind, b in made.items()}


def load(data: Path) -> tuple[dict[str, str], list[Pair]]:
    """Texts by key and the labelled pairs of every part."""
    texts: dict[str, str] = {}
    pairs: list[Pair] = []
    originals: dict[str, str] = {}  # article key -> its part (first pair it is seen in)
    for line in (data / "semeval2022-pairs" / "dev.jsonl").open(encoding="utf-8"):
        row = json.loads(line)
        a, b = (f"semeval-{i}" for i in row["pair_id"].split("_"))
        texts.setdefault(a, row["text1"])
        texts.setdefault(b, row["text2"])
        part = _part(row["pair_id"])
        for key in (a, b):
            originals.setdefault(key, part)
        if row["pair_id"] in SHARED_COPY_PAIRS:
            continue
        kind = "same story, other outlet" if row["overall"] <= SAME_STORY_MAX else "other story"
        pairs.append(Pair(a, b, False, kind, part))
    topics: dict[str, list[str]] = {}
    for line in (data / "meantime" / "articles.jsonl").open(encoding="utf-8"):
        row = json.loads(line)
        if row["lang"] != "en":
            continue
        texts[row["id"]] = row["text"]
        topics.setdefault(row["topic"], []).append(row["id"])
        originals[row["id"]] = "meantime"
    for members in topics.values():
        for a, b in combinations(sorted(members), 2):
            pairs.append(Pair(a, b, False, "same topic, other event", "meantime"))
    keys = sorted(originals)
    for i, key in enumerate(keys):
        if len(dedup.words(texts[key])) < 2 * dedup.SHINGLE_WORDS:
            continue  # a text too short to reprint (a stub page)
        other = texts[keys[(i + 1) % len(keys)]]
        for kind, text in variants(key, texts[key], key, other).items():
            texts[f"{key}#{kind}"] = text
            pairs.append(Pair(key, f"{key}#{kind}", True, kind, originals[key]))
    return texts, pairs


Detector = Callable[[str, str], bool]


def minhash_detector(
    prints: dict[str, dedup.Fingerprint],
    threshold: float = dedup.SIMILARITY_THRESHOLD,
    lsh_threshold: float = dedup.LSH_THRESHOLD,
) -> Detector:
    keys = {k: set(dedup.band_keys(p.signature, lsh_threshold)) for k, p in prints.items()}

    def detect(a: str, b: str) -> bool:
        pa, pb = prints[a], prints[b]
        if not (pa.linkable and pb.linkable and keys[a] & keys[b]):
            return False
        return dedup.similarity(pa.signature, pb.signature) >= threshold

    return detect


def exact_detector(texts: dict[str, str]) -> Detector:
    digests = {
        k: hashlib.sha256(" ".join(dedup.words(t)).encode()).hexdigest() for k, t in texts.items()
    }
    return lambda a, b: digests[a] == digests[b]


def prf(pairs: Iterable[Pair], detect: Detector) -> tuple[float, float, float]:
    tp = fp = fn = 0
    for p in pairs:
        hit = detect(p.a, p.b)
        tp += hit and p.copy
        fp += hit and not p.copy
        fn += p.copy and not hit
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def fingerprints(texts: dict[str, str]) -> tuple[dict[str, dedup.Fingerprint], float]:
    start = time.perf_counter()
    prints = {k: dedup.text_fingerprint(t) for k, t in texts.items()}
    return prints, (time.perf_counter() - start) / len(texts) * 1000


def scores(data: Path) -> dict[str, float]:
    """The figures the quality gate floors (tests/dedup/test_dedup_floor.py)."""
    texts, pairs = load(data)
    detect = minhash_detector(fingerprints(texts)[0])
    out = {}
    for part in ("tune", "report", "meantime"):
        p, r, f = prf([x for x in pairs if x.part == part], detect)
        out |= {f"{part}_precision": p, f"{part}_recall": r, f"{part}_f1": f}
    return out


def run(data: Path, calibrate: bool = False) -> str:
    texts, pairs = load(data)
    prints, ms = fingerprints(texts)
    ours, anchor = minhash_detector(prints), exact_detector(texts)
    parts = {"tune": "SemEval dev, tune half", "report": "SemEval dev, report half"}
    parts["meantime"] = "MEANTIME en, same topic"
    lines = [
        "## Reprints (dedup)",
        "",
        f"MinHash ({dedup.PERMUTATIONS} permutations) over {dedup.SHINGLE_WORDS}-word shingles "
        f"of the clean text; LSH {dedup.bands()} bands (split for J = {dedup.LSH_THRESHOLD}), "
        f"copy when the estimated Jaccard ≥ {dedup.SIMILARITY_THRESHOLD}. "
        f"{ms:.2f} ms per text to fingerprint; {dedup.PERMUTATIONS * 4} bytes of signature and "
        f"{dedup.bands()} band rows per article in a workspace. `{dedup.VERSION}`. Tuned on the "
        "SemEval tune half only (`python -m bench.dedup --calibrate`); the report half and "
        "MEANTIME are out of sample. Anchor: exact hash of the normalised text.",
        "",
        "| part | reprint pairs | negative pairs | ours P | R | F1 | exact hash P | R | F1 "
        "| top negative J |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for part, name in parts.items():
        chosen = [p for p in pairs if p.part == part]
        o, a = prf(chosen, ours), prf(chosen, anchor)
        pos = sum(p.copy for p in chosen)
        top = max(
            dedup.similarity(prints[p.a].signature, prints[p.b].signature)
            for p in chosen
            if not p.copy
        )
        lines.append(
            f"| {name} | {pos} | {len(chosen) - pos} | {o[0]:.3f} | {o[1]:.3f} | **{o[2]:.3f}** "
            f"| {a[0]:.3f} | {a[1]:.3f} | {a[2]:.3f} | {top:.2f} |"
        )
    lines += [
        "",
        "Top negative J: the highest estimated Jaccard of a negative pair (the margin under "
        "the threshold).",
    ]
    lines += ["", "Recall per reprint variant and false positives per negative kind (all parts):"]
    lines += ["", "| pairs | n | ours detected | exact hash detected |", "|---|---|---|---|"]
    for kind in dict.fromkeys(p.kind for p in pairs):
        chosen = [p for p in pairs if p.kind == kind]
        hits = sum(ours(p.a, p.b) for p in chosen)
        exact = sum(anchor(p.a, p.b) for p in chosen)
        label = "reprint: " + kind if chosen[0].copy else "negative: " + kind
        lines.append(f"| {label} | {len(chosen)} | {hits} | {exact} |")
    shared = [k for k in SHARED_COPY_PAIRS]
    found = sum(ours(*(f"semeval-{i}" for i in k.split("_"))) for k in shared)
    lines += [
        "",
        f"The {len(shared)} SemEval pairs that are one copy by hand inspection "
        f"(`SHARED_COPY_PAIRS`, not scored): {found} linked.",
        "",
    ]
    linked = all_pairs(texts)
    unread = sorted(linked - READ_ALL_PAIRS)
    lines += [
        f"Every pair of the {sum('#' not in k for k in texts):,} original articles (SemEval dev "
        f"+ MEANTIME en, {_pairs(texts):,} pairs) through the LSH index: {len(linked)} linked, "
        f"{len(linked & READ_ALL_PAIRS)} of them read by hand and all one copy "
        "(`READ_ALL_PAIRS`: wire stories under two headlines, pages that are the same notice); "
        f"{len(unread)} not read yet{': ' + ', '.join(unread) if unread else ''}.",
        "",
    ]
    if calibrate:
        lines += _sweep(texts, pairs)
    return "\n".join(lines)


def all_pairs(texts: dict[str, str]) -> set[str]:
    """The linked pairs (``pair``-style ids) among every original article, via the index."""
    index = dedup.ReprintIndex()
    linked = set()
    originals = [k for k in texts if "#" not in k]
    for i, key in enumerate(originals):
        print_ = dedup.text_fingerprint(texts[key])
        for other in index.copies(print_):
            linked.add("_".join(sorted(str(k).split("-")[-1] for k in (other, key))))
        index.add(key, print_, (False, float(i), key))
    return linked


def _pairs(texts: dict[str, str]) -> int:
    n = sum("#" not in k for k in texts)
    return n * (n - 1) // 2


def _sweep(texts: dict[str, str], pairs: list[Pair]) -> list[str]:
    tune = [p for p in pairs if p.part == "tune"]
    lines = ["Calibration (tune half):", "", "| shingle words | LSH J | threshold | P | R | F1 |"]
    lines.append("|---|---|---|---|---|---|")
    default = dedup.SHINGLE_WORDS
    try:
        for size in (3, 4, 5, 6):
            dedup.SHINGLE_WORDS = size
            prints, _ = fingerprints(texts)
            for lsh in (0.3, 0.4, 0.5):
                for t in (0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5, 0.6):
                    p, r, f = prf(tune, minhash_detector(prints, t, lsh))
                    lines.append(f"| {size} | {lsh} | {t} | {p:.3f} | {r:.3f} | {f:.3f} |")
    finally:
        dedup.SHINGLE_WORDS = default
    return [*lines, ""]


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--calibrate", action="store_true")
    args = parser.parse_args()
    print(run(args.data, args.calibrate))
