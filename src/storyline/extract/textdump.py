"""Clean a plain-text dump of a news page: keep the headline and the body, drop the rest.

A naive scraper saves every visible text node of a page one per line: menus, log-in prompts,
view counters, photo credits, the article, "Leave a Reply", sidebars with their time stamps,
footers. ``clean_dump`` classifies those lines without any site-specific rule:

1. **Per-line score** in [-1, 1] (jusText's ideas, made continuous): long lines, lines dense in
   the document language's stop words (jusText's stop lists, the language picked per document)
   and lines that end a sentence look like prose; digits, bullets, all-caps, UI vocabulary and
   copyright notices look like boilerplate. A line in another script than the body's dominant
   script (a Cyrillic sidebar around an English article) gets -1.
2. **Densest block** (Finn's body-text extraction, as in boilerpipe): the contiguous run of
   lines maximising the sum of ``score * max(words, WEIGHT_FLOOR)`` is the article body, plus
   the blocks nearly as dense (an article split by a table or a list); inside them only
   clearly bad lines (counters, credits, other script) are dropped, so short quotes and
   subheadings stay.
3. **Headline**: the longest headline-like line (no full stop) among the body's first line
   and the few above it; a standfirst under the headline stays in the body.
4. **Publication date**: a short date line next to the headline (``extract/dumpdate.py``).

Constants were calibrated with ``python -m bench.extraction`` on the wcxb-dev-articles split
(rendered with ``../shared/tools/page_to_text.py``); scrapinghub is the held-out check.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from functools import cache

from storyline.extract.dateline import first_dateline
from storyline.extract.dumpdate import date_line
from storyline.records import Extraction

VERSION = "0.1"
EXTRACTOR = f"storyline-textdump-{VERSION}"

# --- per-line score ---------------------------------------------------------------------------
# BIAS, the STOP_*, SENTENCE_END_BONUS, LENGTH_SATURATION, DIGIT_PENALTY, WEIGHT_FLOOR and
# KEEP_INSIDE come from a random search (50 settings) on the first 400 wcxb-dev pages, token
# F1 0.88 -> 0.90; SECONDARY_BLOCK_SHARE from a sweep 0.1-1.1 on all of wcxb-dev. The others
# are jusText-style round values, not tuned.
# Words at which the length term saturates (jusText's "long" paragraph is ~200 chars).
LENGTH_SATURATION = 40
LENGTH_WEIGHT = 1.0
# Stop-word density where a line turns from boilerplate to prose (jusText uses 0.30-0.32;
# a whole-list density over short web lines runs lower).
STOP_MIDPOINT = 0.15
STOP_WEIGHT = 1.0
# Bonus for a line that ends a sentence ("." "!" "?" "…", optionally followed by a quote).
SENTENCE_END_BONUS = 0.5
# Offset so that a 3-word line with no stop words and no full stop scores clearly negative.
BIAS = -0.8
# Penalties: share of digits among visible characters, bullets, shouting, UI words.
DIGIT_PENALTY = 3.0
BULLET_PENALTY = 0.4
UPPERCASE_PENALTY = 0.4
UI_PENALTY = 0.6
# --- block selection -------------------------------------------------------------------------
# A line weighs its word count in the block sum, but at least this much: a row of short
# boilerplate lines ("Leave a Reply", "Previous Story") must be able to cut the block.
WEIGHT_FLOOR = 8
# A block beside the densest one joins the body from this share of the densest one's sum.
SECONDARY_BLOCK_SHARE = 0.2
# Inside the densest block a line is dropped only when its score is below this.
KEEP_INSIDE = -0.8
# How many lines above the block are searched for the headline.
TITLE_LOOKBACK = 12
TITLE_MAX_WORDS = 40
# Headline length that counts as "long enough"; 10 picked the most wcxb-dev gold titles
# (311/790 exact, against 284 uncapped and 250 for the best-scoring line).
TITLE_SATURATION = 10
# Datelines are looked for in the first paragraphs (a standfirst may come first).
DATELINE_PARAGRAPHS = 3
# --- bounds ------------------------------------------------------------------------------------
# A line's features (script, stop words, digits, case, UI words) are read from its first this
# many characters and its word count is extrapolated from them, so a one-line 20 MB dump costs
# what a 32 KB line costs (it took ~1.6 s per MB of one line, 30 s for 19 MB, before). 32,000
# is above the longest paragraph of the extraction gold texts (29,951 chars, scrapinghub +
# wcxb-dev), so no real line is scored differently.
LINE_SAMPLE_CHARS = 32_000

_WORD = re.compile(r"\w+")
_SENTENCE_END = re.compile(r"[.!?…。！？]['\"’”»)\]]*$")
_BULLET = re.compile(r"^\s*[•·▪►▸*|>»–—-]\s")
_COPYRIGHT = re.compile(r"©|\(c\)\s*\d{4}|\bcopyright\b|all rights reserved", re.IGNORECASE)
# Interface words that make a short line a control rather than text. Kept short and
# multilingual on purpose: it only tips lines of <= UI_MAX_WORDS words.
# fmt: off
_UI_WORDS = frozenset((
    "login", "log", "sign", "signin", "register", "subscribe", "subscription", "newsletter",
    "share", "tweet", "email", "print", "reply", "comment", "comments", "menu", "search",
    "cookie", "cookies", "advertisement", "ad", "ads", "previous", "next", "more", "related",
    "tags", "tag", "home", "follow", "войти", "вход", "регистрация", "подписка", "подписаться",
    "поделиться", "комментарии", "комментарий", "реклама", "anmelden", "registrieren",
    "abonnieren", "teilen", "kommentare", "suche", "werbung", "iniciar", "sesión", "suscribirse",
    "compartir", "comentarios", "buscar", "publicidad", "connexion", "abonner", "partager",
    "commentaires", "rechercher", "publicité", "zaloguj", "zarejestruj", "subskrybuj",
    "udostępnij", "komentarze", "szukaj", "reklama", "accedi", "iscriviti", "condividi",
    "commenti", "cerca",
))
# fmt: on
UI_MAX_WORDS = 6
_SCRIPT_GROUPS = {"HIRAGANA": "CJK", "KATAKANA": "CJK", "HANGUL": "CJK", "CJK": "CJK"}


@dataclass(frozen=True, slots=True)
class _Line:
    text: str
    words: int
    script: str | None
    score: float


def clean_dump(text: str, anchor: date | None = None) -> Extraction:
    """Headline and body paragraphs of a plain-text page dump (one text node per line).

    ``anchor`` (e.g. the fetch date) resolves a yearless dateline date. The result always has
    an ``extractor``; ``title`` is ``""`` and ``paragraphs`` empty when the dump holds no prose.
    """
    raw_lines = [line for line in text.splitlines() if line.strip()]
    if not raw_lines:
        return Extraction(title="", paragraphs=(), extractor=EXTRACTOR)
    script = _dominant_script(raw_lines)
    stops = _stoplist_for(raw_lines)
    lines = [_score(raw, script, stops) for raw in raw_lines]
    values = [line.score * max(line.words, WEIGHT_FLOOR) for line in lines]
    blocks = _dense_blocks(values)
    if not blocks:
        return Extraction(title="", paragraphs=(), extractor=EXTRACTOR)
    start = blocks[0][0]
    body = [
        i for first, last in blocks for i in range(first, last + 1) if lines[i].score >= KEEP_INSIDE
    ]
    title_index = _title_index(lines, start)
    title = lines[title_index].text if title_index is not None else ""
    paragraphs = tuple(lines[i].text for i in body if i != title_index)
    dateline = first_dateline(paragraphs, anchor, within=DATELINE_PARAGRAPHS)
    published = date_line(raw_lines, start if title_index is None else title_index)
    return Extraction(
        title=title,
        paragraphs=paragraphs,
        published=published.value if published else None,
        published_granularity=published.granularity if published else None,
        dateline=dateline,
        extractor=EXTRACTOR,
    )


# --- features --------------------------------------------------------------------------------


@cache
def _char_script(char: str) -> str | None:
    if not char.isalpha():
        return None
    name = unicodedata.name(char, "")
    head = name.split(" ", 1)[0] if name else ""
    return _SCRIPT_GROUPS.get(head, head) or None


def _line_script(line: str) -> str | None:
    counts = Counter(s for s in map(_char_script, line) if s is not None)
    return counts.most_common(1)[0][0] if counts else None


def _sample(line: str) -> tuple[str, float]:
    """The part of ``line`` its features are read from, and how many times longer the line is."""
    if len(line) <= LINE_SAMPLE_CHARS:
        return line, 1.0
    return line[:LINE_SAMPLE_CHARS], len(line) / LINE_SAMPLE_CHARS


def _dominant_script(lines: Sequence[str]) -> str | None:
    """The script of the prose: letters weighted by line length, so long lines decide."""
    weight: Counter[str] = Counter()
    for line in lines:
        sample, scale = _sample(line)
        script = _line_script(sample)
        if script is not None:
            words = round(len(_WORD.findall(sample)) * scale)
            weight[script] += len(line) * words
    return weight.most_common(1)[0][0] if weight else None


@cache
def _stoplists() -> dict[str, frozenset[str]]:
    import justext  # jusText's stop lists: 100 languages, loaded once (about 0.1 s)

    return {name: frozenset(justext.get_stoplist(name)) for name in justext.get_stoplists()}


def _stoplist_for(lines: Iterable[str]) -> frozenset[str]:
    """The stop list that covers most of the document's words (its language, in effect)."""
    words = Counter(w.lower() for line in lines for w in _WORD.findall(_sample(line)[0]))
    if not words:
        return frozenset()
    best, best_hits = frozenset[str](), 0
    for stoplist in _stoplists().values():
        hits = sum(count for word, count in words.items() if word in stoplist)
        if hits > best_hits:
            best, best_hits = stoplist, hits
    return best


def _word_count(line: str, tokens: Sequence[str], script: str | None) -> int:
    if script == "CJK":  # no spaces between words: about two characters a word
        return max(len(tokens), sum(len(t) for t in tokens) // 2)
    return len(tokens)


def _score(raw: str, body_script: str | None, stops: frozenset[str]) -> _Line:
    text = raw.strip()
    sample, scale = _sample(text)
    script = _line_script(sample)
    tokens = _WORD.findall(sample)
    words = round(_word_count(sample, tokens, script) * scale)
    if script is None or (body_script is not None and script != body_script):
        return _Line(text, words, script, -1.0)
    if _COPYRIGHT.search(sample):
        return _Line(text, words, script, -1.0)
    lowered = [t.lower() for t in tokens]
    stop_density = sum(1 for t in lowered if t in stops) / len(tokens) if tokens else 0.0
    visible = [c for c in sample if not c.isspace()]
    digit_share = sum(c.isdigit() for c in visible) / len(visible)
    letters = [c for c in sample if c.isalpha()]
    upper_share = sum(c.isupper() for c in letters) / len(letters) if letters else 0.0
    score = (
        BIAS
        + LENGTH_WEIGHT * min(words, LENGTH_SATURATION) / LENGTH_SATURATION
        + STOP_WEIGHT * (stop_density - STOP_MIDPOINT) * min(words, 10) / 10
        + (SENTENCE_END_BONUS if _SENTENCE_END.search(text[-LINE_SAMPLE_CHARS:]) else 0.0)
        - DIGIT_PENALTY * digit_share
        - (BULLET_PENALTY if _BULLET.match(raw) else 0.0)
        - (UPPERCASE_PENALTY if upper_share > 0.8 and len(letters) > 3 else 0.0)
        - (UI_PENALTY if words <= UI_MAX_WORDS and _UI_WORDS.intersection(lowered) else 0.0)
    )
    return _Line(text, words, script, max(-1.0, min(1.0, score)))


# --- block and headline ------------------------------------------------------------------------


def _densest_block(values: Sequence[float], lo: int, hi: int) -> tuple[int, int, float]:
    """The run ``[start, end]`` within ``[lo, hi)`` with the largest sum (Kadane), and the sum."""
    best, best_start, best_end = 0.0, lo, lo - 1
    running, start = 0.0, lo
    for i in range(lo, hi):
        if running <= 0:
            running, start = values[i], i
        else:
            running += values[i]
        if running > best:
            best, best_start, best_end = running, start, i
    return best_start, best_end, best


def _dense_blocks(values: Sequence[float]) -> list[tuple[int, int]]:
    """The densest block, plus the blocks on either side that are nearly as dense.

    An article broken by a table or a list of short items splits into several blocks; a
    block joins the body when its sum reaches ``SECONDARY_BLOCK_SHARE`` of the main one's.
    """
    start, end, main = _densest_block(values, 0, len(values))
    if end < start:
        return []
    blocks = [(start, end)]
    pending = [(0, start), (end + 1, len(values))]
    while pending:
        lo, hi = pending.pop()
        first, last, total = _densest_block(values, lo, hi)
        if last >= first and total >= SECONDARY_BLOCK_SHARE * main:
            blocks.append((first, last))
            pending += [(lo, first), (last + 1, hi)]
    return sorted(blocks)


def _headline_like(line: _Line) -> bool:
    return (
        line.score > -1.0
        and 2 <= line.words <= TITLE_MAX_WORDS
        and not line.text.endswith(".")
        and not _BULLET.match(line.text)
    )


def _title_index(lines: Sequence[_Line], start: int) -> int | None:
    """The headline: the longest headline-like line among the body's first line and the few
    above it, length capped at ``TITLE_SATURATION`` words with ties going to the earlier line
    (so a headline beats the standfirst under it, and the standfirst stays in the body)."""
    window = range(max(0, start - TITLE_LOOKBACK), start + 1)
    candidates = [i for i in window if _headline_like(lines[i]) and lines[i].words >= 3]
    if not candidates:
        return None
    return max(candidates, key=lambda i: (min(lines[i].words, TITLE_SATURATION), -i))
