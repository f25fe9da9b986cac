"""Dates benchmark: detection and resolved values on MEANTIME's English TIMEX3 gold.

Data (``../shared/data/meantime/en-annotated/corpus_*/*.xml``): 90 Wikinews articles as tokens,
with TIMEX3 annotations (``type``, normalised ``value``, token span). The document's creation
time (``functionInDocument="CREATION_TIME"``) is the anchor. The text is rebuilt from the tokens
(one line per sentence, no space before closing punctuation), so offsets are exact; only the
annotated part is kept (title, date line and four sentences: MEANTIME annotates no further).

Measured, for ``storyline.dates.find_dates`` and for ``dateparser.search.search_dates`` alone
(``languages=["en"]``, ``RELATIVE_BASE`` = anchor, ``PREFER_DATES_FROM="current_period"``) in
the same run:

- precision: share of returned expressions that overlap any gold TIMEX3 (any type, and the
  date line that carries the creation time);
- recall: share of gold DATE expressions with a calendar value (``2008``, ``2008-03``,
  ``2008-03-01``, ``2008-W10``) that a returned expression overlaps;
- value accuracy: among those detected, the share whose value equals the gold value.
  dateparser returns a datetime with no granularity: it is written at the gold's granularity,
  which favours it.

Tuning used only the airbus and apple topics; gm is held out.

Run: ``python -m bench.dates [DATA_DIR]``; ``run(data)`` returns the Markdown section.
"""

from __future__ import annotations

import re
import sys
import xml.etree.ElementTree as ET
from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATA = ROOT.parent / "shared" / "data"
TUNED = ("corpus_airbus", "corpus_apple")
HELD_OUT = ("corpus_gm",)
# MEANTIME annotates the title (sentence 0), the date line and the next four sentences only:
# the text scored stops there, or everything after would count as false positives.
ANNOTATED_SENTENCES = 5
_CALENDAR = re.compile(r"^\d{4}(?:-\d{2}(?:-\d{2})?|-W\d{2})?$")
_NO_SPACE_BEFORE = {",", ".", ";", ":", "!", "?", ")", "%", "'s", "n't", "''", "'"}
_NO_SPACE_AFTER = {"(", "$", "``"}


@dataclass(frozen=True, slots=True)
class Timex:
    start: int
    end: int
    type: str
    value: str


@dataclass(frozen=True, slots=True)
class Doc:
    name: str
    topic: str
    text: str
    anchor: date
    gold: tuple[Timex, ...]


def load(data: Path) -> list[Doc]:
    docs = []
    for path in sorted((data / "meantime" / "en-annotated").glob("corpus_*/*.xml")):
        root = ET.parse(path).getroot()
        pieces: list[str] = []
        spans: dict[str, tuple[int, int]] = {}
        pos, sentence, previous = 0, None, ""
        for tok in root.iter("token"):
            if int(tok.get("sentence", "0")) > ANNOTATED_SENTENCES:
                break
            word = tok.text or ""
            if sentence is not None and tok.get("sentence") != sentence:
                sep = "\n"
            elif not pieces or word in _NO_SPACE_BEFORE or previous in _NO_SPACE_AFTER:
                sep = ""
            else:
                sep = " "
            pieces.append(sep + word)
            pos += len(sep)
            spans[tok.get("t_id", "")] = (pos, pos + len(word))
            pos += len(word)
            sentence, previous = tok.get("sentence"), word
        anchor, gold = None, []
        for t in root.iter("TIMEX3"):
            ids = [a.get("t_id", "") for a in t.iter("token_anchor")]
            kind = t.get("type", "")
            if t.get("functionInDocument") == "CREATION_TIME":
                anchor = _creation_day(t.get("value") or "")
                kind = "CREATION_TIME"  # the date line: a right find, but not scored as a value
            if ids:
                start, end = spans[ids[0]][0], spans[ids[-1]][1]
                gold.append(Timex(start, end, kind, t.get("value", "")))
        if anchor is not None:
            docs.append(Doc(path.stem, path.parent.name, "".join(pieces), anchor, tuple(gold)))
    return docs


def _creation_day(value: str) -> date:
    # One gm document writes its creation time "03-02-2009" (MM-DD-YYYY: its date line says
    # February 03, 2009); every other one is ISO.
    if m := re.match(r"^(\d{2})-(\d{2})-(\d{4})", value):
        return date(int(m[3]), int(m[1]), int(m[2]))
    return date.fromisoformat(value[:10])


def _at_granularity(moment: datetime, gold: str) -> str:
    if "-W" in gold:
        iso = moment.isocalendar()
        return f"{iso.year:04d}-W{iso.week:02d}"
    return moment.strftime("%Y-%m-%d")[: len(gold)]


def _storyline(doc: Doc) -> list[tuple[int, int, str | None]]:
    from storyline.dates import Anchor, find_dates

    return [(m.start, m.end, m.value) for m in find_dates(doc.text, "en", Anchor(doc.anchor, "x"))]


def _dateparser(doc: Doc) -> list[tuple[int, int, datetime]]:
    from dateparser.search import search_dates

    settings = {
        "RELATIVE_BASE": datetime.combine(doc.anchor, datetime.min.time()),
        "PREFER_DATES_FROM": "current_period",
    }
    found = search_dates(doc.text, languages=["en"], settings=settings) or []  # type: ignore[arg-type]
    out, pos = [], 0
    for fragment, moment in found:
        start = doc.text.find(fragment, pos)
        if start < 0:
            continue
        out.append((start, start + len(fragment), moment))
        pos = start + len(fragment)
    return out


@dataclass
class Score:
    returned: int = 0
    right_place: int = 0
    gold: int = 0
    detected: int = 0
    exact: int = 0

    def row(self, name: str) -> str:
        p = self.right_place / self.returned if self.returned else 0.0
        r = self.detected / self.gold if self.gold else 0.0
        acc = self.exact / self.detected if self.detected else 0.0
        return f"| {name} | {self.gold} | {self.returned} | {p:.3f} | {r:.3f} | {acc:.3f} |"


def _overlaps(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def score(docs: list[Doc], method: str, by_gran: Counter[str] | None = None) -> Score:
    """Scores of ``method`` on ``docs``; ``by_gran`` (if given) counts per gold granularity
    ("day gold", "day detected", "day right") and per returned one ("day returned")."""
    s = Score()
    count: Counter[str] = by_gran if by_gran is not None else Counter()
    for doc in docs:
        predicted = _storyline(doc) if method == "storyline" else _dateparser(doc)
        s.returned += len(predicted)
        for p in predicted:
            if isinstance(p[2], str):
                count[f"{_granularity(p[2])} returned"] += 1
        s.right_place += sum(
            any(_overlaps((p[0], p[1]), (g.start, g.end)) for g in doc.gold) for p in predicted
        )
        for g in doc.gold:
            if g.type != "DATE" or not _CALENDAR.match(g.value):
                continue
            s.gold += 1
            gran = _granularity(g.value)
            count[f"{gran} gold"] += 1
            hits = [p for p in predicted if _overlaps((p[0], p[1]), (g.start, g.end))]
            if not hits:
                continue
            s.detected += 1
            count[f"{gran} detected"] += 1
            values = {
                p[2] if isinstance(p[2], str) or p[2] is None else _at_granularity(p[2], g.value)
                for p in hits
            }
            right = g.value in values
            s.exact += right
            count[f"{gran} right"] += right
    return s


def _granularity(value: str) -> str:
    if "-W" in value:
        return "week"
    return {4: "year", 7: "month", 10: "day"}.get(len(value), "other")


def scores(data: Path) -> dict[str, dict[str, Score]]:
    """{"tuned"|"held out"|"all": {"storyline"|"dateparser": Score}}."""
    docs = load(data)
    splits = {
        "tuned (airbus, apple)": [d for d in docs if d.topic in TUNED],
        "held out (gm)": [d for d in docs if d.topic in HELD_OUT],
        "all": docs,
    }
    return {
        name: {m: score(part, m) for m in ("storyline", "dateparser")}
        for name, part in splits.items()
    }


def translations(data: Path) -> dict[str, tuple[int, int, int]]:
    """Per language: (English values, of them also found in the translation, translation values
    not in the English) over MEANTIME's es/it/nl translations, anchored on the creation day."""
    import json

    from storyline.dates import Anchor, find_dates

    by_doc: dict[str, dict[str, dict[str, str]]] = {}
    path = data / "meantime" / "articles.jsonl"
    for line in path.read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        by_doc.setdefault(row["doc_id"], {})[row["lang"]] = row
    out: dict[str, tuple[int, int, int]] = {}
    for lang in ("es", "it", "nl"):
        english = both = extra = 0
        for versions in by_doc.values():
            en, other = versions.get("en"), versions.get(lang)
            if en is None or other is None or not en.get("date"):
                continue
            anchor = Anchor(_creation_day(en["date"]), "x")
            ev = {m.value for m in find_dates(en["text"], "en", anchor)}
            ov = {m.value for m in find_dates(other["text"], lang, anchor)}
            english, both, extra = english + len(ev), both + len(ev & ov), extra + len(ov - ev)
        out[lang] = (english, both, extra)
    return out


def run(data: Path) -> str:
    docs = load(data)
    table = scores(data)
    by_gran: Counter[str] = Counter()
    score(docs, "storyline", by_gran)
    lines = [
        "## Dates",
        "",
        "Date expressions in MEANTIME's 90 English Wikinews articles (TIMEX3 gold), in the part",
        "MEANTIME annotates (title, date line, four sentences); the creation time is the anchor.",
        "Precision: returned expressions that overlap a gold TIMEX3 of any type or the date line.",
        "Recall: gold DATE expressions with a calendar value (`2008`, `2008-03`, `2008-03-01`,",
        "`2008-W10`) that a returned one overlaps. Value accuracy: exact ISO value among those",
        "detected; dateparser's datetime is written at the gold's granularity, which favours it.",
        "The anchor is `dateparser.search.search_dates` alone, in the same run. Rules were tuned",
        "on the airbus and apple topics only; gm is held out.",
        "",
        "Command: `PYTHONPATH=src python -m bench.dates`",
        "",
        "| split / method | gold DATE | returned | precision | recall | value accuracy |",
        "|---|---|---|---|---|---|",
    ]
    for split, methods in table.items():
        for method, s in methods.items():
            name = "storyline.dates" if method == "storyline" else "search_dates alone"
            lines.append(s.row(f"{split}: {name}"))
    lines += [
        "",
        "storyline.dates per granularity (all documents): gold DATE expressions, how many were",
        "detected and resolved to the exact value, and how many mentions it returned at that",
        "granularity (the 90 date lines included).",
        "",
        "| granularity | gold | detected | value right | returned |",
        "|---|---|---|---|---|",
    ]
    for gran in ("day", "week", "month", "year"):
        n = [by_gran[f"{gran} {k}"] for k in ("gold", "detected", "right", "returned")]
        lines.append(f"| {gran} | {n[0]} | {n[1]} | {n[2]} | {n[3]} |")
    lines += [
        "",
        "Across languages (no gold: consistency): the distinct values found in each English",
        "article (whole text, `meantime/articles.jsonl`) and how many of them are also found in",
        "its es / it / nl translation, with the same creation day as anchor.",
        "",
        "| translation | English values | also in translation | share | only in translation |",
        "|---|---|---|---|---|",
    ]
    for lang, (english, both, extra) in translations(data).items():
        share = both / english if english else 0.0
        lines.append(f"| {lang} | {english} | {both} | {share:.3f} | {extra} |")
    lines.append("")
    return "\n".join(lines)


if __name__ == "__main__":
    print(run(Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_DATA))
