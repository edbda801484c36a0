"""Later passes of ``clean`` look only where the pass before changed the text.

The reference is the old loop, which re-checks the whole text on every pass
(``clean_document(..., incremental=False)``).  Two levels are compared:

* the rule contract (:class:`dedup.rules.base.Context`): on every later pass, the run that was
  told where the text changed proposes exactly the safe fixes a full run proposes;
* the result: the corrected text and the number of passes are the same.

Multi-pass documents come from the hypothesis strategy (about one in five needs a second pass),
real 1916 OCR pages (a few chain several passes deep) and long generated documents.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from later_passes import later_passes
from strategies import documents

from dedup.config import Config
from dedup.engine import changed_places, clean_document
from dedup.fixer import apply_fixes
from dedup.io import read_document
from dedup.model import Block, Document, Edit, Finding, Fix, Span
from dedup.rules.base import ALTERED, Context, Dirty

CONFIG = Config()
EXAMPLES = int(os.environ.get("DEDUP_PROPERTY_EXAMPLES", 2_000)) // 2
CHRONAM = Path(__file__).resolve().parents[1].parent / "shared" / "corpus" / "chronam-1916-01-01_07"


def _safe_fixes(findings: list[Finding]) -> set[tuple[str, tuple[tuple[int, int, str], ...]]]:
    return {
        (f.rule, tuple((e.start, e.end, e.replacement) for e in f.fix.edits))
        for f in findings
        if f.fix is not None and f.fix.safe
    }


def _passes_agree(text: str, config: Config = CONFIG) -> int:
    """Check the rule contract on each later pass of clean; return how many there were."""
    looked = 0
    for later in later_passes(text, config):
        assert later.doc.blocks == Document(later.doc.text).blocks
        missing = _safe_fixes(later.full) - _safe_fixes(later.told)
        assert not missing, f"a later pass missed safe fixes a full run proposes: {sorted(missing)[:5]}"
        # an extra safe fix would be applied: it is no more harmless than a missing one
        extra = _safe_fixes(later.told) - _safe_fixes(later.full)
        assert not extra, f"a later pass proposed safe fixes a full run does not: {sorted(extra)[:5]}"
        looked += 1
    return looked


def _same_result(text: str) -> None:
    fast = clean_document(Document(text), CONFIG)
    slow = clean_document(Document(text), CONFIG, incremental=False)
    assert fast.text == slow.text
    assert fast.passes == slow.passes


@settings(max_examples=EXAMPLES, deadline=None)
@given(documents())
def test_later_passes_find_every_safe_fix_of_a_full_run(text: str) -> None:
    _passes_agree(text)
    _same_result(text)


def _chronam_pages() -> list[Path]:
    return sorted(CHRONAM.rglob("*.txt"))[:150] if CHRONAM.is_dir() else []


@pytest.mark.skipif(not CHRONAM.is_dir(), reason="../shared/corpus is not beside the repository")
def test_real_ocr_pages_clean_alike_and_some_chain() -> None:
    looked = 0
    for path in _chronam_pages():
        text = read_document(path).text
        looked += _passes_agree(text)
        _same_result(text)
    # the comparison means something only if some pages need a second pass
    assert looked >= 3


def test_long_generated_documents_clean_alike() -> None:
    sys.path.insert(0, str(Path(__file__).parent))
    from gen_docs import big_document

    looked = 0
    for seed in range(6):
        text = big_document(60_000, seed=seed, lang="zh" if seed % 2 else "en")
        looked += _passes_agree(text)
        _same_result(text)
    assert looked >= 1


# --- where the text changed ---------------------------------------------------------------


def _finding(start: int, end: int, replacement: str, text: str, keeps: tuple[Span, ...] = ()) -> Finding:
    return Finding("DUP001", "duplicate-paragraph", "warning", 0.9, "m", Span(start, end),
                   fix=Fix((Edit.replace(text, start, end, replacement),), keeps))


def test_changed_places_are_in_offsets_of_the_new_text() -> None:
    text = "0123456789abcdefghij"
    step = apply_fixes(text, [_finding(2, 5, "", text), _finding(10, 12, "XYZ", text, keeps=(Span(15, 18),))])
    assert step.text == "0156789XYZcdefghij"
    dirty = changed_places(step)
    # the deletion leaves a point at 2; "XYZ" lies at 7..10; the kept twin 15..18 moved to 13..16
    assert dirty.starts == [2, 7, 13]
    assert dirty.ends == [2, 10, 16]
    # where the text changed, without the kept twin (unchanged text)
    assert (dirty.edited.starts, dirty.edited.ends) == ([2, 7], [2, 10])


def test_skipped_fixes_are_looked_at_again() -> None:
    text = "aaaa bbbb cccc"
    first = _finding(0, 5, "", text)
    clash = _finding(3, 8, "", text)
    step = apply_fixes(text, [first, clash])
    assert [s.finding for s in step.skipped] == [clash]
    dirty = changed_places(step)
    # the skipped fix's span 3..8 lies partly in the deleted range: it starts where that was
    assert dirty.touches(0, 0) and dirty.touches(3, 3)
    assert not dirty.touches(4, 9)
    # nothing kept by an applied fix: edited is every place
    assert dirty.edited is dirty


def test_twins_of_skipped_fixes_stay_among_the_edited_places() -> None:
    text = "aaaa bbbb cccc dddd"
    first = _finding(0, 5, "", text, keeps=(Span(15, 19),))
    clash = _finding(3, 8, "", text, keeps=(Span(10, 14),))
    step = apply_fixes(text, [first, clash])
    assert [s.finding for s in step.skipped] == [clash]
    edited = changed_places(step).edited
    # the applied fix's twin (now 10..14) is left out; the skipped fix's twin (now 5..9) is not
    assert edited.touches(5, 9) and not edited.touches(11, 13)
    assert changed_places(step).touches(11, 13)


def test_block_deletions_of_earlier_phases_are_unseen_by_later_rules() -> None:
    """LAY006 (phase 50) met the blocks around a block DUP001 (phase 20) deleted as neighbours on
    the pass before: that point is not new to it, nor to the REP rules that serve its seams; it is
    to any rule of phase 20 or less, and a deletion inside a block is a change for every rule."""
    text = "aaa\n\nbbb\n\nccc\n\nddd eee"
    doc = Document(text)
    b = doc.blocks
    whole = _finding(b[1].start, b[2].start, "", text, keeps=(b[0].span,))
    inside = _finding(b[3].start, b[3].start + 4, "", text)
    # a block deleted without the blank lines after it is not a block's deletion: its place stays
    partial = _finding(b[2].start, b[2].end, "", text)
    step = apply_fixes(text, [whole, inside, partial])
    assert step.text == "aaa\n\n\n\neee"
    # in the new text: the whole block's deletion and the emptied block leave points at 5, the
    # deletion inside the last block one at 7
    point, in_block = 5, 7
    dirty = changed_places(step, doc.block_starts)
    assert dirty.edited.touches(point, point) and dirty.edited.touches(in_block, in_block)
    late = dirty.unseen_by(50)
    assert late.touches(in_block, in_block) and late.touches(point, point)  # the emptied block's
    step2 = apply_fixes(text, [whole, inside])
    assert step2.text == "aaa\n\nccc\n\neee"
    late2 = changed_places(step2, doc.block_starts).unseen_by(50)
    assert not late2.touches(point, point) and late2.touches(10, 10)
    # the deleting rule's own phase and earlier ones see the point; without the old starts nothing
    # is told apart; the kept twin stays out of both
    assert changed_places(step2, doc.block_starts).unseen_by(20).touches(point, point)
    assert changed_places(step2).unseen_by(50).touches(point, point)
    assert not late2.touches(0, 3)
    # where a block's own text changed: no deletion point of any phase
    assert not changed_places(step2, doc.block_starts).unseen_by(ALTERED).touches(point, point)
    assert changed_places(step, doc.block_starts).unseen_by(ALTERED).touches(point, point)  # emptied


def test_dirty_touches_and_blocks() -> None:
    doc = Document("aa\n\nbb\n\ncc\n\ndd")
    dirty = Dirty([(5, 5), (0, 1)])
    assert (dirty.starts, dirty.ends) == ([0, 5], [1, 5])
    assert dirty.touches(5, 5) and dirty.touches(4, 6) and not dirty.touches(2, 3)
    assert dirty.touches(6, 9, reach=1) and not dirty.touches(7, 9, reach=1)
    assert dirty.block_indices(doc.blocks) == [0, 1]
    assert dirty.block_indices(doc.blocks, reach=1) == [0, 1, 2]
    assert not Dirty([])


def _meeting(blocks: tuple[Block, ...], dirty: Dirty, reach: int) -> list[int]:
    """Blocks ``i`` with a place in ``[start_i, start_{i+1})`` (the first block from the text's
    start, the last to any end), widened by ``reach``: the definition, block by block."""
    n = len(blocks)
    hit: set[int] = set()
    for start, end in zip(dirty.starts, dirty.ends, strict=True):
        for i in range(n):
            lo = blocks[i].start if i else -1
            hi = blocks[i + 1].start if i + 1 < n else float("inf")
            if start < hi and lo <= end:
                hit.update(range(max(0, i - reach), min(n, i + reach + 1)))
    return sorted(hit)


@settings(max_examples=300, deadline=None)
@given(
    layout=st.lists(st.tuples(st.integers(0, 3), st.integers(1, 4)), min_size=0, max_size=12),
    places=st.lists(st.tuples(st.integers(0, 80), st.integers(0, 6)), max_size=80),
    reach=st.integers(0, 3),
)
def test_block_indices_is_its_definition(layout: list[tuple[int, int]], places: list[tuple[int, int]],
                                         reach: int) -> None:
    """Every path of Dirty.block_indices (bisecting the blocks, or a list of starts, given or
    built for 64 places or more) against the definition."""
    text = "".join("\n" * (gap + 1) + "x" * size for gap, size in layout)
    doc = Document(text)
    blocks = doc.blocks
    few = Dirty((min(a, len(text)), min(a + w, len(text))) for a, w in places)
    # the same places and more past the text's end: the path that builds the list of starts
    many = Dirty([*zip(few.starts, few.ends, strict=True), *((len(text) + k, len(text) + k) for k in range(64))])
    for dirty in (few, many):
        expected = _meeting(blocks, dirty, reach)
        assert dirty.block_indices(blocks, reach) == expected
        assert dirty.block_indices(blocks, reach, starts=doc.block_starts) == expected


# --- blocks that earlier phases delete whole ---------------------------------------------------------


def _covered_reference(doc: Document, spans: list[Span]) -> set[int]:
    return {b.index for b in doc.blocks if any(s.start <= b.start and b.end <= s.end for s in spans)}


@settings(max_examples=300, deadline=None)
@given(st.integers(1, 400), st.lists(st.tuples(st.integers(0, 3000), st.integers(0, 300)), min_size=1, max_size=12),
       st.booleans())
def test_removed_blocks_few_deletions_and_many_agree_with_the_definition(
    blocks: int, cuts: list[tuple[int, int]], many: bool
) -> None:
    text = "\n\n".join(f"block {i}" + "x" * (i % 7) for i in range(blocks))
    if many:
        # as many deletions as blocks: the path that walks every block once
        cuts = cuts * (blocks // len(cuts) + 1)
    spans = sorted({Span(min(a, len(text)), min(a + n, len(text))) for a, n in cuts if n})
    doc = Document(text)
    ctx = Context(doc=doc, config=Config(), findings=[
        Finding("DUP001", "duplicate-paragraph", "warning", 0.9, "m", s, fix=Fix((Edit.delete(text, s.start, s.end),)))
        for s in spans
    ])
    assert ctx.removed_blocks() == _covered_reference(doc, spans)
