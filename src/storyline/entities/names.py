"""Names in languages without an NER model here (de, it, pl, pt, nl, tr, ar, uk, ...).

Places: runs of capitalised words (any token sequence in scripts without case, such as Arabic)
looked up in the gazetteer and the alias table, longest first. People and organisations: a
general rule on what is left of a capitalised run — two or more capitalised words that are
not the language's function words (justext's stop lists) and do not merely open a sentence;
an organisation when a word says so (Bank, Partei, Ministero, Inc ...) or it is an acronym in
capitals, a person otherwise. Precision is modest (German capitalises every noun); the
cross-lingual benchmark (bench/entities.py) measures what it finds against the English model.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from storyline.entities.aliases import lookup_alias
from storyline.entities.gazetteer import Place, find_place
from storyline.entities.spans import MAX_TEXT_CHARS, Span, stopwords

_TOKEN = re.compile(r"\w(?:[\w’'.-]*\w)?\.?")
_SENTENCE_END = re.compile(r"[.!?:;»”\"]\s*$|^\s*$|[-–—•*|]\s*$")
# Lower-case words allowed inside a name between capitalised ones (Charles de Gaulle, Van der
# Bellen, Abu Bakr al-Baghdadi).
_PARTICLES = frozenset(
    [
        "de",
        "da",
        "di",
        "del",
        "della",
        "der",
        "den",
        "van",
        "von",
        "le",
        "la",
        "du",
        "dos",
        "das",
        "do",
        "al",
        "bin",
        "ibn",
        "y",
        "e",
    ]
)
# Longest gazetteer candidate tried inside a run, in words ("Bosnia and Herzegovina" is 3).
MAX_PLACE_WORDS = 4
# A city known only by an alternate name is matched in running text only if it is at least
# this populous: GeoNames' alternate names include many words of some language (a city called
# "Man", "Bar", "Mosca" in Italian is also "fly"). Set by hand on the MEANTIME it/nl articles
# of the airbus and apple topics (dev): 100k keeps every capital and big city there.
ALT_NAME_MIN_POPULATION = 100_000
# In scripts without case every word is a candidate, so a city known by an alternate name must
# be bigger still (Arabic فلاديمير is Vladimir the man far more often than Vladimir the city).
UNCASED_ALT_NAME_MIN_POPULATION = 1_000_000
# Titles trimmed from the front of a person's name (Präsident Wladimir Putin) and that
# separate two names inside a run (Apple CEO Steve Jobs).
_TITLES = frozenset(
    [
        "ceo",
        "cfo",
        "coo",
        "topman",
        "directeur",
        "direttore",
        "chairman",
        "woordvoerder",
        "portavoce",
        "sprecher",
        "rzecznik",
        "president",
        "präsident",
        "presidente",
        "président",
        "prezydent",
        "prezes",
        "başkan",
        "cumhurbaşkanı",
        "voorzitter",
        "minister",
        "ministro",
        "ministre",
        "premier",
        "premiê",
        "kanzler",
        "kanzlerin",
        "chancellor",
        "cancelliere",
        "bondskanselier",
        "kanclerz",
        "king",
        "könig",
        "koning",
        "re",
        "rei",
        "rey",
        "papst",
        "paus",
        "papa",
        "pope",
        "dr",
        "prof",
        "herr",
        "frau",
        "signor",
        "signora",
        "sig",
        "sr",
        "sra",
        "senhor",
        "senhora",
        "mr",
        "mrs",
        "ms",
        "heer",
        "mevrouw",
        "pan",
        "pani",
        "bay",
        "bayan",
        "general",
        "generale",
        "generał",
        "senator",
        "senatore",
        "senador",
    ]
)
# Words that make a capitalised run an organisation (several languages; case-insensitive).
_ORG_WORDS = frozenset(
    [
        "computer",
        "computers",
        "electric",
        "energy",
        "software",
        "pictures",
        "records",
        "studios",
        "media",
        "ag",
        "airlines",
        "airways",
        "association",
        "associazione",
        "asociación",
        "autorità",
        "bank",
        "banca",
        "banco",
        "banque",
        "bundestag",
        "commissie",
        "commission",
        "commissione",
        "comisión",
        "company",
        "compagnia",
        "companhia",
        "consiglio",
        "corp",
        "corporation",
        "council",
        "federazione",
        "fondazione",
        "foundation",
        "gmbh",
        "group",
        "groep",
        "gruppe",
        "gruppo",
        "grupo",
        "holding",
        "inc",
        "institut",
        "instituut",
        "institute",
        "istituto",
        "kommission",
        "ltd",
        "ministerie",
        "ministerio",
        "ministero",
        "ministerium",
        "motors",
        "nv",
        "n.v.",
        "parlament",
        "parlamento",
        "parlement",
        "partei",
        "partij",
        "partido",
        "partito",
        "party",
        "raad",
        "sa",
        "s.a.",
        "spa",
        "s.p.a.",
        "systems",
        "technologies",
        "universität",
        "università",
        "universiteit",
        "university",
        "verband",
        "vereniging",
    ]
)
# Capitalised words that are not names in any of these languages when they stand alone (title
# words, days, months are handled by the stop lists where present).
# A single capitalised word mid-sentence is a name (an organisation, or a surname of a person
# named in full elsewhere in the text) when it comes back at least this often and is this
# long. Not in languages that capitalise every noun. Set on MEANTIME nl/it airbus + apple (dev).
MIN_SINGLE_REPEATS = 2
MIN_SINGLE_CHARS = 3
NOUN_CAPITALISING = frozenset({"de", "lb"})
_SINGLE = "ONE"  # candidate types internal to this module
_SINGLE_OPENING = "ONE-OPENING"  # ... opening a sentence: kept only if kept elsewhere
MIN_PERSON_WORDS = 2
MAX_PERSON_WORDS = 3


@dataclass(frozen=True, slots=True)
class _Token:
    start: int
    end: int
    text: str
    opens_sentence: bool
    # Only spaces between this token and the previous one (a comma or bracket ends a name).
    joined: bool


def rule_spans(text: str, lang: str | None) -> list[Span]:
    """Places, people and organisations found by rule in ``text``."""
    stop = stopwords(lang or "")
    tokens = _tokens(text[:MAX_TEXT_CHARS])
    found: list[Span] = []
    for run in _runs(tokens, stop):
        found.extend(_spans_of_run(run, stop))
    return _singles(text, found, lang)


def _singles(text: str, found: list[Span], lang: str | None) -> list[Span]:
    """One-word names kept when repeated mid-sentence: a person's when it ends a person's
    name found in the text, an organisation's otherwise (Airbus, Boeing, Apple)."""
    words = Counter(text[s.start : s.end] for s in found if s.type == _SINGLE)
    surnames = {text[s.start : s.end].split()[-1] for s in found if s.type == "PER"}
    out: list[Span] = []
    for span in found:
        if span.type not in (_SINGLE, _SINGLE_OPENING):
            out.append(span)
            continue
        word = text[span.start : span.end]
        if word in surnames:
            out.append(Span(span.start, span.end, "PER", ""))
        elif words[word] >= MIN_SINGLE_REPEATS and lang not in NOUN_CAPITALISING:
            out.append(Span(span.start, span.end, "ORG", ""))
    return out


def _tokens(text: str) -> list[_Token]:
    out: list[_Token] = []
    previous_end = 0
    for match in _TOKEN.finditer(text):
        between = text[previous_end : match.start()]
        opens = not out or "\n" in between or bool(_SENTENCE_END.search(text[: match.start()][-3:]))
        word = match.group()
        end = match.end()
        if word.endswith(".") and not _dotted(word):
            end -= 1
            word = word[:-1]
        out.append(_Token(match.start(), end, word, opens, not between.strip()))
        previous_end = end
    return out


def _dotted(word: str) -> bool:
    return word.count(".") >= 2  # U.S., S.p.A.


def _capitalised(token: _Token) -> bool:
    first = token.text[0]
    return first.isupper() or (first.isalpha() and not first.islower() and not first.isupper())


def _runs(tokens: list[_Token], stop: frozenset[str]) -> list[list[_Token]]:
    """Maximal runs of capitalised tokens (particles allowed inside); uncased scripts give
    every token as its own run-able word."""
    runs: list[list[_Token]] = []
    current: list[_Token] = []
    for index, token in enumerate(tokens):
        if current and (token.opens_sentence or not token.joined):
            runs.append(current)
            current = []
        if _capitalised(token) and not token.text[0].isupper():
            # A script without case (Arabic): every word is its own candidate; places of up to
            # MAX_PLACE_WORDS words are looked up from each one.
            if current:
                runs.append(current)
            current = []
            runs.append(tokens[index : index + MAX_PLACE_WORDS])
        elif _capitalised(token) or (
            current and token.text in _PARTICLES and _next_capitalised(tokens, index)
        ):
            current.append(token)
        elif current:
            runs.append(current)
            current = []
    if current:
        runs.append(current)
    return runs


def _next_capitalised(tokens: list[_Token], index: int) -> bool:
    return index + 1 < len(tokens) and _capitalised(tokens[index + 1])


def _spans_of_run(run: list[_Token], stop: frozenset[str]) -> list[Span]:
    """Places (longest first) and, between them, people and organisations."""
    spans: list[Span] = []
    rest: list[_Token] = []
    index = 0
    if not run[0].text[0].isupper():
        matched = _place_at(run, 0, stop, single=True)
        return [Span(run[0].start, run[matched[0] - 1].end, matched[1], "")] if matched else []
    while index < len(run):
        matched = _place_at(run, index, stop)
        if matched is None:
            rest.append(run[index])
            index += 1
            continue
        width, kind = matched
        spans.extend(_name_spans(rest, stop))
        rest = []
        spans.append(Span(run[index].start, run[index + width - 1].end, kind, ""))
        index += width
    spans.extend(_name_spans(rest, stop))
    return spans


def _place_at(
    run: list[_Token], index: int, stop: frozenset[str], single: bool = False
) -> tuple[int, str] | None:
    """(words, type) of the longest place or table name starting at ``run[index]``."""
    for width in range(min(MAX_PLACE_WORDS, len(run) - index), 0, -1):
        words = run[index : index + width]
        if words[-1].text in _PARTICLES:
            continue
        name = " ".join(token.text for token in words)
        alias = lookup_alias(name)
        if alias is not None:
            return width, alias[1]
        place = find_place(name)
        if place is None:
            continue
        # A function word is not a city known by an alternate name ("Der" for Győr); the
        # stop lists also hold real places ("london"), kept by their own name.
        if width == 1 and place.alternate and words[0].text.lower() in stop:
            continue
        content = 1 if single else sum(1 for token in run if token.text.lower() not in stop)
        if _credible(place, words, content):
            return width, "LOC"
    return None


def _credible(place: Place, words: list[_Token], run_length: int) -> bool:
    """Whether a gazetteer hit in running text is the place and not a word or a name."""
    if place.id.startswith("loc:gn:"):
        if len(words) == 1 and run_length > 1:
            return False  # "Vladimir" in "Vladimir Putin", "Bank" in "Deutsche Bank"
        if len(words) == 1 and words[0].opens_sentence and place.alternate:
            return False  # a capitalised common word opening a sentence
    floor = (
        ALT_NAME_MIN_POPULATION if words[0].text[0].isupper() else UNCASED_ALT_NAME_MIN_POPULATION
    )
    return not place.alternate or place.population >= floor


def _name_spans(words: list[_Token], stop: frozenset[str]) -> list[Span]:
    """People and organisations among capitalised words no place took; a title or a word
    with digits inside separates two names ("Apple CEO Steve Jobs", "Airbus A380")."""
    spans: list[Span] = []
    part: list[_Token] = []
    for token in words:
        if token.text.lower() in _TITLES or any(ch.isdigit() for ch in token.text):
            spans.extend(_name_part(part, stop))
            part = []
        else:
            part.append(token)
    return spans + _name_part(part, stop)


def _name_part(words: list[_Token], stop: frozenset[str]) -> list[Span]:
    while words and (
        words[0].text.lower() in stop
        or words[0].text.lower() in _TITLES
        or words[0].text in _PARTICLES
    ):
        words = words[1:]
    while words and (words[-1].text.lower() in stop or words[-1].text in _PARTICLES):
        words = words[:-1]
    if not words or not words[0].text[0].isupper():
        return []  # scripts without case (Arabic): places only
    lowered = {token.text.lower() for token in words}
    if lowered & _ORG_WORDS:
        return [Span(words[0].start, words[-1].end, "ORG", "")]
    if len(words) == 1:
        word = words[0].text
        if 3 <= len(word) <= 6 and word.isupper() and word.isalpha():
            return [Span(words[0].start, words[0].end, "ORG", "")]
        if len(word) >= MIN_SINGLE_CHARS:
            kind = _SINGLE_OPENING if words[0].opens_sentence else _SINGLE
            return [Span(words[0].start, words[0].end, kind, "")]
        return []
    if any(token.text.lower() in stop for token in words):
        return []
    if words[0].opens_sentence and len(words) == MIN_PERSON_WORDS:
        return []
    if MIN_PERSON_WORDS <= len(words) <= MAX_PERSON_WORDS:
        return [Span(words[0].start, words[-1].end, "PER", "")]
    return [Span(words[0].start, words[-1].end, "ORG", "")]
