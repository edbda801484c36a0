"""split_blocks (one regular expression) finds the blocks the line-by-line definition finds."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from dedup.model import split_blocks, split_blocks_reference

_PIECES = ["a", "中", " ", "\t", "\u3000", "\x0c", "\x0b", "\x85", "\u2028", "\x1c", "\r", "\n", "\r\n", "\n\n", " \n"]


@settings(max_examples=5000, deadline=None)
@given(st.one_of(st.lists(st.sampled_from(_PIECES), max_size=30).map("".join), st.text(max_size=30)))
def test_blocks_equal_the_line_by_line_definition(text: str) -> None:
    assert list(split_blocks(text)) == list(split_blocks_reference(text))


def test_a_long_blank_line() -> None:
    # rescanning a blank line from each of its positions would take hours here, not milliseconds
    text = "a\n" + " " * 300_000 + "\nb\n\n  \t"
    assert [b.text for b in split_blocks(text)] == ["a", "b"]


@settings(max_examples=5000, deadline=None)
@given(st.one_of(st.lists(st.sampled_from(_PIECES), max_size=30).map("".join), st.text(max_size=30)))
def test_line_starts_equal_the_line_break_scan(text: str) -> None:
    from dedup.model import _LINE_BREAK, Document

    assert Document(text).line_starts == [0, *(m.end() for m in _LINE_BREAK.finditer(text))]
