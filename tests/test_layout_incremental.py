"""The layout rules on a later pass of ``clean``: told where the text changed (``ctx.dirty``).

Each rule looks only at the blocks a change can affect, widened by how far its decision
reaches; whatever it reads document-wide stays exact (the column width and LAY003's
furniture candidates through ``ctx.memo``; LAY001/LAY002's junction counts by keeping
their analysis whole).  These tests build the situations where that could go wrong: a
change next to a finding, a deletion planned by an earlier phase that opens a new seam
far from any change, a new copy that makes an old line a repeated header, and a changed
place whose reach is a neighbouring block.
"""

from __future__ import annotations

import random
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dedup.config import Config
from dedup.model import Block, Document, Finding
from dedup.rules import registry
from dedup.rules._layout import (
    _open_lasts,
    ends_sentence,
    layout_width,
    line_width,
    removed_blocks,
)
from dedup.rules.base import Context, Dirty

sys.path.insert(0, str(Path(__file__).parent))
from gen_docs import big_document

CONFIG = Config()
WORDS = ("harbour", "granary", "lantern", "orchard", "quarry", "meadow", "tannery", "foundry", "ferry", "chapel")


def _filler(n: int, tag: str = "") -> list[str]:
    return [f"Block {tag}{i} tells of the {WORDS[i % len(WORDS)]} and nothing else at all." for i in range(n)]


def _zh_filler(n: int) -> list[str]:
    rng = random.Random(n)
    han = "经济发展改革开放建设城市乡村科技创新教育医疗交通环境保护"
    return ["".join(rng.choice(han) for _ in range(18)) + "。" for _ in range(n)]


def _context(text: str, dirty: Dirty | None = None, memo: dict[str, object] | None = None) -> Context:
    enabled = frozenset(r.code for r in CONFIG.enabled_rules())
    return Context(doc=Document(text), config=CONFIG, enabled=enabled, dirty=dirty, memo=memo)


def _run(ctx: Context, *codes: str) -> list[Finding]:
    """The given rules in phase order, each seeing the findings of those before it."""
    out: list[Finding] = []
    for rule_cls in sorted((registry.get(c) for c in codes), key=lambda r: (r.phase, r.code)):
        found = list(rule_cls().check(ctx))
        ctx.findings.extend(found)
        out.extend(found)
    return out


def _safe(findings: list[Finding], code: str) -> set[tuple[tuple[int, int, str], ...]]:
    return {
        tuple((e.start, e.end, e.replacement) for e in f.fix.edits)
        for f in findings
        if f.rule == code and f.fix is not None and f.fix.safe
    }


def _block_with(doc: Document, needle: str) -> Block:
    return next(b for b in doc.blocks if needle in b.text)


def _at(block: Block, offset: int = 0) -> Dirty:
    point = block.start + offset
    return Dirty([(point, point)])


# --- LAY006 boundary-overlap -------------------------------------------------------------------

SEAM_A = "The mayor opened the new bridge on the river."
SEAM_B = "opened the new bridge on the river. Crowds cheered."


def test_lay006_change_in_the_second_copy_finds_the_seam() -> None:
    text = "\n\n".join([*_filler(30), SEAM_A, SEAM_B, *_filler(30, "z")])
    doc = Document(text)
    full = _safe(_run(_context(text), "LAY006"), "LAY006")
    assert full  # the seam is there
    told = _run(_context(text, _at(_block_with(doc, "Crowds"), 3)), "LAY006")
    assert _safe(told, "LAY006") == full
    # a change far away looks at its own blocks only
    far = _run(_context(text, _at(doc.blocks[2], 1)), "LAY006")
    assert not _safe(far, "LAY006")


def test_lay006_seam_opened_by_a_deletion_of_this_pass_far_from_any_change() -> None:
    # the marker between the copies is deleted by LAY004 (phase 10): the copies become neighbours,
    # though no change of the previous pass lies near them
    text = "\n\n".join([*_filler(30), SEAM_A, "(Continued on page 4)", SEAM_B, *_filler(30, "z")])
    doc = Document(text)
    full = _safe(_run(_context(text), "LAY004", "LAY006"), "LAY006")
    assert full
    ctx = _context(text, _at(doc.blocks[1], 2))
    ctx.findings.extend(_run(_context(text), "LAY004"))  # as a full run of phase 10 decides it
    assert _safe(_run(ctx, "LAY006"), "LAY006") == full


# --- LAY004 page-marker -----------------------------------------------------------------------


def test_lay004_marker_block_beside_a_change_is_found() -> None:
    text = "\n\n".join([*_filler(20), "The council met on Monday.", "(Continued on page 4)"])
    doc = Document(text)
    full = _safe(_run(_context(text), "LAY004"), "LAY004")
    assert full
    before = doc.blocks[-2]
    # a change at the end of the block before the last one: the last block's deletion starts there
    told = _run(_context(text, Dirty([(before.end, before.end)])), "LAY004")
    assert _safe(told, "LAY004") == full
    assert not _run(_context(text, _at(doc.blocks[0], 1)), "LAY004")


# --- LAY003 running-header --------------------------------------------------------------------


def test_lay003_new_copy_makes_a_far_line_a_repeated_header() -> None:
    body = _zh_filler(40)
    first = [*body[:5], "东海晚报 第3版", *body[5:]]
    second = [*first[:35], "东海晚报 第4版", *first[35:]]
    memo: dict[str, object] = {}
    assert not _run(_context("\n\n".join(first), memo=memo), "LAY003")  # one copy: no header
    text = "\n\n".join(second)
    doc = Document(text)
    full = _safe(_run(_context(text), "LAY003"), "LAY003")
    assert len(full) == 2  # both copies, the far one too (its group grew)
    told = _run(_context(text, _at(_block_with(doc, "第4版"), 1), memo), "LAY003")
    assert _safe(told, "LAY003") == full


def test_lay003_headers_appearing_where_there_were_none() -> None:
    body = _zh_filler(40)
    memo: dict[str, object] = {}
    assert not _run(_context("\n\n".join(body), memo=memo), "LAY003")
    text = "\n\n".join([*body[:10], "- 12 -", *body[10:30], "- 13 -", *body[30:]])
    doc = Document(text)
    full = _safe(_run(_context(text), "LAY003"), "LAY003")
    assert len(full) == 2
    places = [(b.start, b.start) for b in doc.blocks if b.text.startswith("- 1")]
    told = _run(_context(text, Dirty(places), memo), "LAY003")
    assert _safe(told, "LAY003") == full
    # the memo now says the text had candidates: the next pass scans every block again
    assert memo["LAY003.no_candidates"] is None


def test_column_width_from_the_changed_blocks_is_exact() -> None:
    plain = _filler(30)
    wrapped = [
        "the council voted late on\nmonday night to approve the\nnew bridge over the river\nafter a long debate.",
        "crowds gathered on the bank\nof the river to watch the\nfirst carts cross the new\nbridge in the morning.",
    ]
    memo: dict[str, object] = {}
    ctx = _context("\n\n".join(plain), memo=memo)
    assert layout_width(ctx) is None
    text = "\n\n".join([*plain[:10], wrapped[0], *plain[10:20], wrapped[1], *plain[20:]])
    doc = Document(text)
    places = [(b.start + 1, b.start + 1) for b in doc.blocks if "\n" in b.text]
    told = _context(text, Dirty(places), memo)
    assert layout_width(told) == line_width(doc.blocks) is not None
    # the previous text now had wrapped blocks: the next pass weighs every block again
    again = _context(text, Dirty(places[:1]), memo)
    assert layout_width(again) == line_width(doc.blocks)


# --- LAY001 / LAY002 ---------------------------------------------------------------------------


def test_break_analysis_stays_whole_far_from_any_change() -> None:
    # the junction evidence counts words across the whole document: a change anywhere can decide a
    # cut anywhere, so the analysis is not restricted (and finds what a full run finds)
    splice = (
        "The council voted to\n\nThe storm sank two boats.\n\n"
        "approve the new bridge. The vote to approve was close."
    )
    text = "\n\n".join([*_filler(25), splice, "The town was glad to\n\nsee the bridge open.", *_filler(25, "z")])
    doc = Document(text)
    full = _run(_context(text), "LAY001", "LAY002")
    assert _safe(full, "LAY002") and _safe(full, "LAY001")
    told = _run(_context(text, _at(doc.blocks[0], 1)), "LAY001", "LAY002")
    for code in ("LAY001", "LAY002"):
        assert _safe(told, code) == _safe(full, code)


# --- the helpers ------------------------------------------------------------------------------


@pytest.mark.parametrize("seed", [1, 2])
def test_dirty_blocks_and_removed_blocks_agree_with_the_context(seed: int) -> None:
    text = big_document(120_000, seed=seed)
    doc = Document(text)
    rng = random.Random(seed)
    for count in (3, len(doc.blocks) // 5):  # a few places (bisected by block), many (by a start list)
        places = []
        for _ in range(count):
            start = rng.randrange(len(text))
            places.append((start, min(len(text), start + rng.choice((0, 0, 5, 400)))))
        dirty = Dirty(places)
        for reach in (0, 1, 2):
            ctx = _context(text, dirty)
            assert ctx.dirty_blocks(reach) == dirty.block_indices(doc.blocks, reach)
    ctx = _context(text)
    ctx.findings.extend(_run(_context(text), "LAY004", "DUP001", "DUP002", "DUP003", "LAY003"))
    assert ctx.removed_blocks()  # the generated document has copies to delete
    assert removed_blocks(ctx) == ctx.removed_blocks()
    assert ctx.dirty_blocks() is None  # a full run: the whole text
    everywhere = Dirty([(b.start, b.start) for b in doc.blocks[::3]])
    assert _context(text, everywhere).dirty_blocks() is None  # changes all over: the whole text too


def test_open_blocks_hold_every_block_that_does_not_end_a_sentence() -> None:
    texts = [big_document(60_000, seed=3), big_document(60_000, seed=4, lang="en")]
    texts.append("a”\n\nb。\n\nc.\u200b\n\n  d !  \n\ne：\n\nf)\n\ng")
    for text in texts:
        blocks = Document(text).blocks
        flagged = set(_open_lasts(Document(text).block_lasts))
        wanted = {b.index for b in blocks if not ends_sentence(b.text.strip())}
        assert wanted <= flagged
        assert len(flagged) < len(blocks) or len(blocks) < 10  # it does skip the plain endings


# --- Latin junction counts on the lowered corpus ------------------------------------------------


@pytest.mark.parametrize("seed", range(4))
def test_word_pairs_counted_on_the_lowered_corpus_as_case_insensitively(seed: int) -> None:
    from dedup.rules._layout import junction_score, lowered_corpus

    rng = random.Random(seed)
    words = ["the", "THE", "tHe", "cat", "Cat", "xthe", "the_", "thecat", "cat1", "_the", "é", "\u00c9"]
    gaps = [" ", "\t", "\n", " \n ", "\n\n", "  ", "", "-", "'", "\u00a0"]
    counted = 0
    for _ in range(3000):
        corpus = "".join(rng.choice(words) + rng.choice(gaps) for _ in range(rng.randrange(12)))
        prev, nxt = "so " + rng.choice(["the", "The", "THE", "cat"]), rng.choice(["cat", "Cat", "the"]) + " now"
        lowered = lowered_corpus(corpus)
        assert lowered is not None
        score = junction_score(corpus, prev, nxt)
        assert junction_score(corpus, prev, nxt, lowered=lowered) == score
        counted += score > 0
    assert counted > 100
    # characters that match an ASCII letter case-insensitively keep the case-folding search
    for special in ("\u0130", "\u0131", "\u017f", "\u212a"):
        assert lowered_corpus(f"the {special}at") is None


# --- whole cleans of documents full of layout faults ----------------------------------------------


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_layout_fault_documents_keep_the_contract_on_every_later_pass(lang: str) -> None:
    from gen_layout import corpus_docs, wrapped_doc
    from test_incremental import _passes_agree, _same_result

    texts = [d.text for d in corpus_docs(11, lang, 30)]
    texts += [wrapped_doc(random.Random(seed), lang).text for seed in range(3)]
    looked = 0
    for text in texts:
        looked += _passes_agree(text)
        _same_result(text)
    assert looked >= 10  # most of them need a second pass: the comparison means something


def test_lay006_does_not_look_at_a_twin_kept_by_the_last_pass() -> None:
    seam = "The mayor opened the new bridge on the river.\n\nopened the new bridge on the river. Crowds cheered."
    text = "\n\n".join([seam, *_filler(40), "The end of the page."])
    doc = Document(text)
    second = _block_with(doc, "Crowds")
    far = _block_with(doc, "The end").start
    full = _safe(_run(_context(text), "REP001", "REP002", "LAY006"), "LAY006")
    assert len(full) == 1
    # the seam's second block as changed text, then as the twin a fix kept (unchanged text)
    changed = Dirty([(second.start, second.end), (far, far)])
    assert _safe(_run(_context(text, changed), "REP001", "REP002", "LAY006"), "LAY006") == full
    kept = Dirty([(second.start, second.end), (far, far)], edited=Dirty([(far, far)]))
    assert not _safe(_run(_context(text, kept), "REP001", "REP002", "LAY006"), "LAY006")


def test_lay004_does_not_look_at_a_twin_kept_by_the_last_pass() -> None:
    text = "\n\n".join(["The council met on Monday.", "(Continued on page 4)", *_filler(40), "The end of the page."])
    doc = Document(text)
    marker = _block_with(doc, "Continued")
    far = _block_with(doc, "The end").start
    full = _safe(_run(_context(text), "LAY004"), "LAY004")
    assert len(full) == 1
    changed = Dirty([(marker.start, marker.end), (far, far)])
    assert _safe(_run(_context(text, changed), "LAY004"), "LAY004") == full
    kept = Dirty([(marker.start, marker.end), (far, far)], edited=Dirty([(far, far)]))
    assert not _run(_context(text, kept), "LAY004")


@settings(max_examples=500, deadline=None)
@given(st.integers(0, 30), st.lists(st.integers(0, 29), max_size=8), st.lists(st.integers(-35, 35), max_size=10))
def test_blocks_without_a_few_read_through(n: int, gone: list[int], reads: list[int]) -> None:
    """_Without (LAY001's live blocks on a later pass of clean) is the list of the blocks left."""
    from dedup.rules._layout import _Without

    doc = Document("\n\n".join(f"b{i}" for i in range(n)))
    blocks = doc.blocks
    out = sorted({g for g in gone if g < len(blocks)})
    view = _Without(blocks, out)
    left = [b for b in blocks if b.index not in out]
    assert len(view) == len(left) and list(view) == left
    for k in reads:
        if -len(left) <= k < len(left):
            assert view[k] is left[k]
        else:
            with pytest.raises(IndexError):
                view[k]
    assert view[1:4] == tuple(left[1:4]) and view[::-1] == tuple(left[::-1])
