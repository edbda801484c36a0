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


# --- blocks derived after edits (later passes of clean) ---------------------------------------

import pytest  # noqa: E402
from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from dedup.model import Document, Edit, blocks_after_edits  # noqa: E402

_PIECES = st.sampled_from(["a", "b c", "\n", "\n\n", " \n", "\r\n", "\r", "\t", "  ", "。", "\n \n\n", "xy"])


@st.composite
def _edited(draw: st.DrawFn) -> tuple[str, list[Edit]]:
    text = "".join(draw(st.lists(_PIECES, max_size=30)))
    cuts = sorted(draw(st.lists(st.integers(0, len(text)), max_size=8)))
    edits: list[Edit] = []
    pos = 0
    for a, b in zip(cuts[::2], cuts[1::2], strict=False):
        if a < pos:
            continue
        edits.append(Edit.replace(text, a, b, "".join(draw(st.lists(_PIECES, max_size=3)))))
        pos = b if b > a else b + 1
    return text, edits


@settings(max_examples=3000, deadline=None)
@given(_edited())
def test_blocks_after_edits_equal_a_fresh_split(case: tuple[str, list[Edit]]) -> None:
    from dedup.fixer import apply_edits

    text, edits = case
    new_text = apply_edits(text, edits)
    old = Document(text)
    derived = old.edited(new_text, edits)
    assert "blocks" in derived.__dict__ or not edits or "blocks" not in old.__dict__
    _ = old.blocks
    derived = old.edited(new_text, edits)
    assert derived.blocks == tuple(split_blocks(new_text))
    assert blocks_after_edits(old.blocks, len(text), new_text, edits) == derived.blocks


@st.composite
def _blocks_deleted(draw: st.DrawFn) -> tuple[str, list[Edit]]:
    """Edits as the rules make them: whole blocks deleted with the blank lines after them (the last
    block with those before it), some next to each other, among edits anywhere."""
    text = "".join(draw(st.lists(_PIECES, max_size=40)))
    blocks = Document(text).blocks
    wanted: list[Edit] = []
    for k, block in enumerate(blocks):
        choice = draw(st.integers(0, 3))
        if choice == 1 and k + 1 < len(blocks):
            wanted.append(Edit.replace(text, block.start, blocks[k + 1].start, ""))
        elif choice == 1 and k:
            wanted.append(Edit.replace(text, blocks[k - 1].end, block.end, ""))
        elif choice == 2:
            a = draw(st.integers(max(0, block.start - 2), min(len(text), block.end + 2)))
            b = draw(st.integers(a, min(len(text), a + 4)))
            wanted.append(Edit.replace(text, a, b, "".join(draw(st.lists(_PIECES, max_size=2)))))
    edits: list[Edit] = []
    for e in sorted(wanted, key=lambda e: (e.start, e.end)):
        if not edits or (e.start >= edits[-1].end and (e.start > edits[-1].end or e.end > e.start)):
            edits.append(e)
    return text, edits


@settings(max_examples=3000, deadline=None)
@given(_blocks_deleted())
def test_blocks_after_block_deletions_equal_a_fresh_split(case: tuple[str, list[Edit]]) -> None:
    from dedup.fixer import apply_edits

    text, edits = case
    new_text = apply_edits(text, edits)
    old = Document(text)
    _ = old.blocks
    assert old.edited(new_text, edits).blocks == tuple(split_blocks(new_text))


@settings(max_examples=1000, deadline=None)
@given(_blocks_deleted(), st.lists(st.integers(-12, 12), max_size=12), st.integers(-3, 12), st.integers(-3, 12))
def test_blocks_of_a_derived_document_are_made_as_read(case: tuple[str, list[Edit]], reads: list[int],
                                                       lo: int, hi: int) -> None:
    """A derived document's blocks, read one by one, by slices and whole, are the fresh split's;
    a block read before the rest were made is the same object afterwards."""
    import bisect

    from dedup.fixer import apply_edits
    from dedup.model import BlockSequence

    text, edits = case
    new_text = apply_edits(text, edits)
    old = Document(text)
    _ = old.block_lasts  # bounds and last characters known, blocks not made: enough to derive
    derived = old.edited(new_text, edits)
    assert "block_lasts" in derived.__dict__  # carried over, not read again
    assert derived.block_lasts == "".join(new_text[b.end - 1] for b in split_blocks(new_text))
    expected = tuple(split_blocks(new_text))
    lazy = derived.block_list
    assert isinstance(lazy, BlockSequence) and len(lazy) == len(expected)
    handed = {}
    for i in reads:
        if -len(expected) <= i < len(expected):
            handed[i % len(expected)] = lazy[i]
            assert lazy[i] == expected[i]
        else:
            with pytest.raises(IndexError):
                lazy[i]
    assert lazy[lo:hi] == expected[lo:hi]
    starts = [b.start for b in expected]
    for x in (0, len(new_text) // 2, len(new_text)):
        assert bisect.bisect_right(lazy, x, key=lambda b: b.start) == bisect.bisect_right(starts, x)
    assert derived.blocks == expected and tuple(lazy) == expected and derived.block_list is derived.blocks
    assert all(derived.blocks[i] is block for i, block in handed.items())
    assert derived.block_starts == [b.start for b in expected] and derived.block_ends == [b.end for b in expected]
