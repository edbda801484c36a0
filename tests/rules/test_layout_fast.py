"""Differential tests: the fast layout predicates against their character-by-character definitions.

Each fast predicate (C-level counting, cheap prefilters, anchored overlap search)
must give exactly what the plain definition gives, on mixed CJK / Latin /
punctuation / whitespace strings.
"""

from __future__ import annotations

import re

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from dedup.model import Block, Document
from dedup.normalize import fold_char, is_cjk, matching_text
from dedup.rules import _layout, boundary_overlap
from dedup.rules._layout import (
    _strip_closers,
    _words,
    ends_sentence,
    few_letters_impossible,
    has_sentence_punct,
    is_list_item,
    is_sentence_tail,
    match_marker,
    script_of,
    script_of_reference,
)
from dedup.rules.base import covered_blocks
from dedup.rules.boundary_overlap import (
    _best_length,
    _best_length_reference,
    _producer_re,
    _seams,
    _seams_reference,
    starts_in,
)
from dedup.rules.orphan_fragment import MAX_CJK_LETTERS, MAX_LATIN_WORDS, _fragment_like

# characters that exercise every branch: CJK (incl. compatibility and kana), Latin of both
# cases, digits (ASCII, full-width, circled), sentence ends, closers, openers, particles,
# whitespace of several kinds, invisible marks
_ALPHABET = (
    "的了们起区高新科创金融一二三十日月"
    "豈兀あア가"
    "abcxyzABCXYZéß"
    "0129０１①½²"
    "。！？!?；;….．：:，,、"
    "”’」』）)]】》〉\"'“‘（(《「【"
    " \t\n\u3000\u00a0\u200b\ufeff"
    "-_|·—~"
)
texts = st.text(alphabet=_ALPHABET, max_size=40)
short_texts = st.text(alphabet=_ALPHABET, max_size=8)


def _old_is_sentence_tail(text: str) -> bool:
    """The definition before the prefilter (kept verbatim as the reference)."""
    body = text.strip()
    if not body or not ends_sentence(body) or "\n" in body:
        return False
    core = _strip_closers(body)
    if core and core[-1] in "！？!?：:":
        return False
    if script_of_reference(body) == "cjk":
        letters = [ch for ch in core if is_cjk(ch) or ch.isalnum()]
        return 0 < len(letters) <= 3 and not has_sentence_punct(core[:-1])
    words = _words(core)
    return 0 < len(words) <= 3 and body[0].islower()


def _old_fragment_like(text: str) -> bool:
    """LAY005's fragment test before the prefilter and the reordering (the reference)."""
    body = text.strip()
    if not body or "\n" in body or is_list_item(body) or match_marker(body) is not None:
        return False
    if _old_is_sentence_tail(body):
        return True
    if ends_sentence(body):
        return False
    if script_of_reference(body) == "cjk":
        letters = sum(1 for ch in body if is_cjk(ch) or ch.isalnum())
        return letters <= MAX_CJK_LETTERS and body[0] in _layout.CJK_NON_INITIAL
    words = re.findall(r"[^\W\d_]+", body)
    return 0 < len(words) <= MAX_LATIN_WORDS and body[0].islower()


@settings(max_examples=600)
@given(texts)
@example("高新区")
@example("the end")
@example("")
@example("豈豈ab")
@example("区ab")
def test_script_of_matches_reference(text: str) -> None:
    assert script_of(text) == script_of_reference(text)
    # the regex count (texts past SHORT_TEXT), on the same texts
    short = _layout.SHORT_TEXT
    _layout.SHORT_TEXT = 0
    try:
        assert script_of(text) == script_of_reference(text)
    finally:
        _layout.SHORT_TEXT = short


def test_script_of_long_texts() -> None:
    for text in ("高新区" * 2000, "the end " * 1000 + "区" * 10, "区a" * 3000, "ab，" * 1500 + "区" * 3001):
        assert len(text) > _layout.SHORT_TEXT
        assert script_of(text) == script_of_reference(text)


@settings(max_examples=600)
@given(st.one_of(texts, short_texts))
@example("起。")
@example("各位代表！")
@example("ing the war.")
@example("ab。")
@example("①②③④。")
def test_is_sentence_tail_matches_reference(text: str) -> None:
    assert is_sentence_tail(text) == _old_is_sentence_tail(text)


@settings(max_examples=600)
@given(st.one_of(texts, short_texts))
@example("的")
@example("tion")
@example("- 3 -")
@example("（二）")
@example("起。")
def test_fragment_like_matches_reference(text: str) -> None:
    assert _fragment_like(text) == _old_fragment_like(text)


@settings(max_examples=300)
@given(texts.filter(lambda t: t.strip() != ""))
def test_few_letters_impossible_is_a_proof(text: str) -> None:
    # the prefilter may only reject: whatever it rejects is neither a tail nor a fragment
    body = text.strip()
    if few_letters_impossible(body):
        assert not _old_is_sentence_tail(body)
        assert not _old_fragment_like(body)


@settings(max_examples=300)
@given(texts)
def test_clean_chars_drops_exactly_whitespace(text: str) -> None:
    assert _layout._clean_chars(text) == "".join(ch for ch in text if not ch.isspace())


@settings(max_examples=300)
@given(
    st.lists(st.tuples(st.integers(0, 80), st.integers(0, 30)), max_size=8),
    st.lists(st.tuples(st.integers(1, 6), st.integers(1, 8)), max_size=12),
)
def test_covered_blocks_matches_brute_force(
    raw_spans: list[tuple[int, int]], raw_blocks: list[tuple[int, int]]
) -> None:
    # blocks as a document has them: in order, non-empty, apart
    blocks: list[Block] = []
    pos = 0
    for i, (gap, size) in enumerate(raw_blocks):
        start = pos + gap
        blocks.append(Block(i, start, start + size, "x" * size))
        pos = start + size
    spans = sorted((s, s + n) for s, n in raw_spans)
    expected = {b.index for b in blocks if any(s <= b.start and b.end <= e for s, e in spans)}
    assert covered_blocks(blocks, spans) == expected


def _old_is_furniture_text(text: str, width: int | None = None) -> bool:
    """``is_furniture_text`` before the length prefilter (the reference)."""
    body = text.strip()
    if not body or "\n" in body or "\r" in body or has_sentence_punct(body) or ends_sentence(body):
        return False
    if _layout.is_full_line(body, width) and not _layout.has_furniture_content(body):
        return False
    if _layout.is_page_number(body):
        return True
    if is_list_item(body):
        return False
    if script_of_reference(body) == "cjk":
        return len(body) <= _layout.FURNITURE_MAX_CJK
    return 0 < len(body.split()) <= _layout.FURNITURE_MAX_WORDS and len(body) <= 60


@settings(max_examples=500)
@given(
    st.one_of(texts, short_texts, st.text(alphabet=" -—–·0123456789第页pagePAGE\t", max_size=90)),
    st.sampled_from((None, 10, 30)),
)
@example("- 4 -", None)
@example("经济观察", None)
@example("-" * 70 + " 3 " + "-" * 10, None)
@example("\u0663" + " " * 70 + "-", None)
@example("Page" + " " * 70 + "12", None)
@example("第" + " " * 70 + "12页", None)
def test_is_furniture_text_matches_reference(text: str, width: int | None) -> None:
    assert _layout.is_furniture_text(text, width) == _old_is_furniture_text(text, width)


# --- LAY006: anchored overlap search against every length tried ---------------------------------

_OVERLAP_ALPHABET = "的了区高新科创金融一二。，abcde .,"


@st.composite
def seams(draw: st.DrawFn, longest: int = 80) -> tuple[str, str]:
    """Two matching-form texts where the end of the first often comes again, noisily, in the second."""
    alphabet = st.sampled_from(_OVERLAP_ALPHABET)
    head = draw(st.text(alphabet=_OVERLAP_ALPHABET, max_size=30))
    shortest = draw(st.sampled_from((0, 12, 30, longest // 2)))
    shared = draw(st.text(alphabet=_OVERLAP_ALPHABET, min_size=shortest, max_size=longest))
    tail = draw(st.text(alphabet=_OVERLAP_ALPHABET, min_size=4, max_size=30))
    copy = list(shared)
    for _ in range(draw(st.integers(0, 1 + len(shared) // 12))):
        if not copy:
            break
        i = draw(st.integers(0, len(copy) - 1))
        op = draw(st.sampled_from(("sub", "del", "ins")))
        if op == "sub":
            copy[i] = draw(alphabet)
        elif op == "del":
            del copy[i]
        else:
            copy.insert(i, draw(alphabet))
    return matching_text(head + shared), matching_text("".join(copy) + tail)


@settings(max_examples=800)
@given(seams(), st.sampled_from(("cjk", "latin")))
@example(("科创企业。精心搭建科创金融", "创金融服务链助力科创企业"), "cjk")
@example(("xxxxthe mayor opened the new bridge", "the mayor opened the new bridqe. crowds"), "latin")
def test_best_length_matches_reference(pair: tuple[str, str], script: str) -> None:
    fa, fb = pair
    assert _best_length(fa, fb, script) == _best_length_reference(fa, fb, script)


@settings(max_examples=150)
@given(seams(longest=360), st.sampled_from(("cjk", "latin")))
def test_best_length_matches_reference_long(pair: tuple[str, str], script: str) -> None:
    # overlaps up to and past MAX_OVERLAP, with up to 30 edits anywhere in them
    fa, fb = pair
    assert _best_length(fa, fb, script) == _best_length_reference(fa, fb, script)


@settings(max_examples=300)
@given(seams())
def test_cjk_minimums_are_a_necessary_condition(pair: tuple[str, str]) -> None:
    # LAY006 asks the CJK (lower) minimums first: no overlap under them means none under Latin's
    fa, fb = pair
    if _best_length_reference(fa, fb, "cjk") is None:
        assert _best_length_reference(fa, fb, "latin") is None


# --- LAY006 screens: necessary conditions, and the screened search equal to the plain one -------------


def _is_ideograph(ch: str) -> bool:
    return 0x4E00 <= ord(ch) <= 0x9FFF


_SKETCH_ALPHABET = "的了区高新科创金融一二。，、：“”（）aB1１ .,\n\u3000"


@st.composite
def raw_seams(draw: st.DrawFn) -> tuple[str, str]:
    """Two raw blocks (before folding) where the end of the first often comes again, noisily."""
    alphabet = st.sampled_from(_SKETCH_ALPHABET)
    head = draw(st.text(alphabet=_SKETCH_ALPHABET, max_size=30))
    shared = draw(st.text(alphabet=_SKETCH_ALPHABET, min_size=draw(st.sampled_from((0, 12, 40))), max_size=160))
    tail = draw(st.text(alphabet=_SKETCH_ALPHABET, min_size=4, max_size=30))
    copy = list(shared)
    for _ in range(draw(st.integers(0, 1 + len(shared) // 10))):
        if not copy:
            break
        i = draw(st.integers(0, len(copy) - 1))
        op = draw(st.sampled_from(("sub", "del", "ins")))
        if op == "sub":
            copy[i] = draw(alphabet)
        elif op == "del":
            del copy[i]
        else:
            copy.insert(i, draw(alphabet))
    return head + shared, "".join(copy) + tail


def test_producer_class_covers_every_producer() -> None:
    # every character other than an ideograph whose matching form holds an ideograph is in the
    # class starts_in falls back on (planes 0-2: beyond them nothing folds to an ideograph)
    producer = _producer_re()
    for cp in range(0x30000):
        ch = chr(cp)
        if 0xD800 <= cp <= 0xDFFF or _is_ideograph(ch):
            continue
        if any(_is_ideograph(c) for c in fold_char(ch)):
            assert producer.fullmatch(ch), hex(cp)


def test_producer_prefilter_never_misses_a_producer() -> None:
    producer = _producer_re()
    for cp in range(0x30000):
        ch = chr(cp)
        if not 0xD800 <= cp <= 0xDFFF and producer.fullmatch(ch):
            text = f"科创{ch}金融"
            assert boundary_overlap._may_hold_producer(text, 0, len(text)), hex(cp)
    plain = "加快建设科创金融“服务链”、助力科创企业。\n\nThe mayor, ½ and ﬁ"
    assert not boundary_overlap._may_hold_producer(plain, 0, len(plain))
    # U+3000-U+30FF is mostly punctuation: only the three producers there count
    assert not boundary_overlap._may_hold_producer("。、「」〇", 0, 5)
    assert boundary_overlap._may_hold_producer("。〹", 0, 2)


@settings(max_examples=800)
@given(raw_seams())
@example(("加快建设科创金融服务链", "科创金融服务链，助力企业"))
@example(("\uf900 科创", "豈科创"))
def test_starts_in_is_a_necessary_condition(pair: tuple[str, str]) -> None:
    a, b = pair
    if not starts_in(a, b):
        assert _best_length_reference(matching_text(a), matching_text(b), "cjk") is None


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_screened_seams_equal_every_pair_searched(lang: str, monkeypatch: pytest.MonkeyPatch) -> None:
    # stitched tiles (exact and noisy overlaps), mixed scripts, and windows of a few blocks
    from tests.gen_layout import corpus_docs

    docs = corpus_docs(11, lang, 60)
    text = "\n\n".join(d.text for d in docs) + "\n\nab中文\n\n中文ab\n\n豈科创\n\n\uf900 科创"
    doc = Document(text)
    assert len(text) >= boundary_overlap.SCREEN_MIN_CHARS
    live = list(doc.blocks)
    expected = list(_seams_reference(text, live))
    assert sum(found is not None for _, _, found in expected) > 10
    assert list(_seams(text, live)) == expected
    monkeypatch.setattr(boundary_overlap, "_SEAM_BATCH", 300)
    assert list(_seams(text, live)) == expected
