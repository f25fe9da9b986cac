"""Whether a date is spoken of as still to come: future cue in its sentence, after the anchor."""

from __future__ import annotations

import re
from datetime import date

from storyline.dates.lexicon import Lexicon
from storyline.dates.resolve import Value

# Sentence ends: terminal punctuation followed by a space, or a line break. Only this many
# characters either side of a mention are searched for a cue (a sentence rarely runs longer).
_SENTENCE_END = re.compile(r"[.!?;。！？]\s|\n")
SENTENCE_REACH = 300
# A cue after the date counts within its clause only ("received on January 26 ..., after which
# it will decide" is past; "announced Friday that it will give"), unless the date opens the
# sentence (then a comma right after it is skipped).
_CLAUSE_END = re.compile(
    r"[,;:\"«»“”()]|(?<!\w)(?:that|which|who|when|que|qui|dass|что|который|che|dat|że)(?!\w)",
    re.IGNORECASE,
)


# English: a past participle between a future cue and the date ties the date to that past act
# ("will study the responses received on January 26"), not to the future verb.
_PARTICIPLE = {"en": re.compile(r"(?<!\w)\w{3,}ed(?!\w)", re.IGNORECASE)}


def spoken_of_as_future(text: str, start: int, end: int, lex: Lexicon) -> bool:
    """Whether the sentence around ``text[start:end]`` (SENTENCE_REACH characters each side at
    most) speaks of the future: a cue after the date, or before it and not cut off by a past
    participle."""
    lo = max(0, start - SENTENCE_REACH)
    before = text[lo:start]
    cuts = [m.end() for m in _SENTENCE_END.finditer(before)]
    before = before[cuts[-1] if cuts else 0 :]
    after = text[end : end + SENTENCE_REACH]
    stop = _SENTENCE_END.search(after)
    after = after[: stop.start()] if stop else after
    if len(before.split()) <= 2:  # the date opens the sentence: "On February 7, they will ..."
        after = after.lstrip(" ,")
    after = _CLAUSE_END.split(after, maxsplit=1)[0]
    if lex.future.search(after):
        return True
    participle = _PARTICIPLE.get(lex.lang)
    for cue in lex.future.finditer(before):
        if participle is None or participle.search(before, cue.end()) is None:
            return True
    return False


def is_planned(value: Value, anchor: date | None, future: bool) -> bool:
    """Future cue and, when the anchor allows knowing it, a period that starts after the anchor."""
    if not future:
        return False
    if anchor is None or value.first is None:
        return True
    return value.first > anchor
