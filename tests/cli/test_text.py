"""Properties of the terminal-safety helpers, for any string at all."""

from __future__ import annotations

import csv
import io
import json
import re

from hypothesis import given
from hypothesis import strategies as st

from storyline.output.listing import csv_value
from storyline.output.text import cell, dumps, visible

UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\u2028\u2029]")
# Mostly the characters that matter, mixed with any others.
HOSTILE = st.text(
    st.one_of(
        st.sampled_from(list("\x1b[]/\r\n\t\x00\x07\x85\x9b\u202e\u2066\u200f\u0301\u2028é")),
        st.characters(),
    )
)


@given(HOSTILE)
def test_visible_and_cell_leave_no_raw_control(text: str) -> None:
    assert UNSAFE.search(visible(text)) is None
    assert UNSAFE.search(cell(text)) is None and "\t" not in cell(text) and "\n" not in cell(text)


@given(HOSTILE)
def test_visible_keeps_every_other_character_in_order(text: str) -> None:
    shown = iter(visible(text))
    assert all(char in shown for char in UNSAFE.sub("", text))  # a subsequence of the view


@given(st.lists(HOSTILE, max_size=4))
def test_json_is_exact_and_cannot_drive_a_terminal(values: list[str]) -> None:
    for indent in (None, 2):
        out = dumps({"v": values}, indent=indent)
        assert UNSAFE.search(out.replace("\n", " ")) is None
        assert json.loads(out) == {"v": values}


@given(st.lists(HOSTILE, min_size=1, max_size=4))
def test_csv_and_tsv_round_trip_exactly(values: list[str]) -> None:
    for delimiter in (",", "\t"):
        buffer = io.StringIO()
        csv.writer(buffer, delimiter=delimiter).writerow([csv_value(v) for v in values])
        back = next(csv.reader(io.StringIO(buffer.getvalue(), newline=""), delimiter=delimiter))
        assert back == values
