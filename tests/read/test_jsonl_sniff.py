"""Issue 11 §6: a JSON Lines file with many broken lines is still JSON Lines, and each bad line
is an error row (it used to become one text article titled '{"id": "g0", …' with exit 0)."""

from __future__ import annotations

from pathlib import Path

import pytest

from storyline.read import read, sniff
from storyline.records import DocError, RawDoc

SEVEN = (
    b'{"id": "g0", "text": "The council voted on Monday."}\n'
    b'{"id": "b1", "text": "cut off in the mid\n'
    b'{"id": "g2", "text": "Engineers found cracks in the beams."}\n'
    b'{"id": "b3", "text": "no closing brace"\n'
    b'{"id": "b4", "text": "a trailing comma",}\n'
    b'{"id": "g5", "text": "Residents protested on Tuesday."}\n'
    b"{'id': 'b6', 'text': 'single quotes are not JSON'}\n"
)


@pytest.mark.parametrize("name", ["broken.jsonl", "broken.txt", "broken"])
def test_four_broken_lines_of_seven_are_still_jsonl(name: str) -> None:
    assert sniff(SEVEN, name) == "jsonl"


def test_each_broken_line_is_an_error_row_and_the_good_ones_are_read(tmp_path: Path) -> None:
    path = tmp_path / "broken.jsonl"
    path.write_bytes(SEVEN)
    items = list(read([path]))
    assert [i.fields["id"] for i in items if isinstance(i, RawDoc)] == ["g0", "g2", "g5"]
    errors = [i for i in items if isinstance(i, DocError)]
    assert [e.source for e in errors] == [f"{path}:{n}" for n in (2, 4, 5, 7)]
    assert all("not valid JSON" in e.reason and e.sha256 for e in errors)


def test_a_jsonl_name_needs_only_one_good_line() -> None:
    data = b'{"id": "g", "text": "ok"}\n' + b"not json at all\n" * 5
    assert sniff(data, "x.jsonl") == "jsonl"
    assert sniff(data, "x.txt") == "text"


@pytest.mark.parametrize(
    "data",
    [
        b"{braces in a text file}\nand more text\n",
        b"Plain text.\nMore text about {things}.\n",
    ],
)
def test_text_with_braces_is_not_jsonl(data: bytes) -> None:
    assert sniff(data, "notes.jsonl") == "text"
