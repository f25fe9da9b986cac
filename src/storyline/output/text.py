"""Untrusted text made safe to show: visible control characters, JSON that cannot drive a tty.

Scraped titles, texts, URLs and file names may hold anything. Two rules, used by every view:

* **Terminal text** (tables, ``show``, ``article``) goes through ``visible``: control characters
  are replaced by their Python escape — ``\\x1b``, ``\\r``, ``\\x00``, ``\\x85`` (C1),
  ``\\u202e`` (bidi override) — so they are seen, never obeyed. Tabs and newlines are kept in
  running text and escaped inside table cells. Right-to-left text, combining characters and
  marks such as U+200F print as they are. Nothing is ever parsed as rich markup: views hand
  rich ``Text`` objects, never markup strings.
* **Machine output** (JSON, JSONL, CSV, TSV) carries the exact string. ``dumps`` additionally
  writes C1 controls, DEL, bidi overrides / isolates and U+2028 / U+2029 as ``\\uXXXX``
  escapes (``json.dumps`` with ``ensure_ascii=False`` leaves them raw), so ``cat out.json``
  cannot drive a terminal while ``json.loads`` still returns the exact string.
"""

from __future__ import annotations

import json
import re
from typing import Any

# C0 except tab and newline (so ESC, CR, NUL, BEL, backspace ...), DEL, C1, the bidi
# embeddings / overrides U+202A-U+202E and isolates U+2066-U+2069, and the Unicode line and
# paragraph separators (they break a terminal line without a newline).
_UNSAFE = "\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\u2028\u2029"
_CONTROL = re.compile(f"[{_UNSAFE}]")
_CELL_CONTROL = re.compile(f"[\t\n{_UNSAFE}]")
# What json.dumps(ensure_ascii=False) leaves raw among those (it escapes C0 itself).
_JSON_RAW = re.compile("[\x7f-\x9f\u202a-\u202e\u2066-\u2069\u2028\u2029]")


_NAMED = {"\t": "\\t", "\n": "\\n", "\r": "\\r"}


def _escape(match: re.Match[str]) -> str:
    char = match.group()
    if char in _NAMED:
        return _NAMED[char]
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def visible(text: str | None) -> str:
    """``text`` with every control character shown as its escape; tabs and newlines kept."""
    return _CONTROL.sub(_escape, text or "")


def cell(text: str | None) -> str:
    """``visible`` for one table cell or TSV field: tabs and newlines escaped too."""
    return _CELL_CONTROL.sub(_escape, text or "")


def dumps(value: Any, indent: int | None = None) -> str:
    """JSON with the exact strings, every terminal-driving character ``\\u``-escaped."""
    # Those characters can only occur inside JSON strings, where \uXXXX means the same.
    raw = json.dumps(value, ensure_ascii=False, indent=indent)
    return _JSON_RAW.sub(lambda m: f"\\u{ord(m.group()):04x}", raw)
