"""LAY007 in a later pass of clean that searches the whole text again (many changes).

The first pass of clean keeps the matching form it searched (``Context.memo``); the next pass
searching the whole text looks for each stretch between its changed places in that text and cuts
the form of the stretches found from the kept form, folding only the rest (:func:`_splice`).
Folding is character by character, so the spliced form is the later text's own form, whatever
``dirty`` says; its offsets map back piece by piece.  These tests compare it with folding afresh.
"""

from __future__ import annotations

import random

import pytest
from test_scan_overlap_incremental import _document, _fix, _odd

from dedup.config import Config
from dedup.model import Document, Finding
from dedup.normalize import matching_text, normalize
from dedup.rules import scan_overlap as so
from dedup.rules.base import Context, Dirty

CONFIG = Config()


def _kept(text: str) -> so._KeptForm:
    form = so._matching_form(text, hold=True)
    assert isinstance(form.text, so._Pieces)
    return so._KeptForm(text, "".join(form.text.pieces), form.marks, form.step)


def _edited(rng: random.Random, text: str, count: int) -> tuple[str, Dirty]:
    """``text`` with ``count`` deletions, insertions and replacements (some of characters that fold to
    several or to none), and the changed places in the new text's offsets."""
    places = sorted(rng.sample(range(len(text)), count))
    out: list[str] = []
    changed: list[tuple[int, int]] = []
    last = 0
    size = 0
    for at in places:
        if at < last:
            continue
        out.append(text[last:at])
        size += at - last
        cut = rng.choice((0, 1, 3, 40, 700))
        new = rng.choice(("", "", "新的内容", "㈠ ", "\n\n", " x\u3000y ", "½"))
        out.append(new)
        changed.append((size, size + len(new)))
        size += len(new)
        last = min(len(text), at + cut)
    out.append(text[last:])
    return "".join(out), Dirty(changed)


def _check_offsets(spliced: so._Spliced, later: str, rng: random.Random) -> None:
    ref = normalize(later)
    assert spliced.text == ref.text
    size = len(ref.text)
    for q in [0, size - 1, *rng.sample(range(size), 300)]:
        assert spliced.to_original(q, q + 1) == ref.to_original(q, q + 1), q
        lo, hi = spliced.bounds(q)
        assert lo <= ref.offsets[q] < hi
    for q in rng.sample(range(size), 50):
        end = min(size, q + rng.randint(0, 300))
        assert spliced.to_original(q, end) == ref.to_original(q, end)
    for pos in [0, len(later), *rng.sample(range(len(later)), 200)]:
        assert spliced.map.form_offset(pos) == len(matching_text(later[:pos])), pos


@pytest.mark.parametrize("seed", range(6))
def test_a_spliced_form_is_the_fold_of_the_later_text(seed: int) -> None:
    rng = random.Random(seed)
    text = _document(rng, "zh" if seed % 2 else "en", 80_000, strips=4)
    if seed >= 4:
        text = _odd(rng, text)
    later, dirty = _edited(rng, text, rng.choice((5, 60, 200)))
    spliced = so._splice(_kept(text), later, dirty)
    assert spliced is not None
    assert any(spliced.map.matched) and not all(spliced.map.matched)
    _check_offsets(spliced, later, rng)


@pytest.mark.parametrize("told", ["nothing", "half", "shifted"])
def test_the_splice_trusts_the_text_not_the_changed_places(told: str) -> None:
    """Stretches are compared with the kept text, so changed places the splice is not told of (or
    told wrongly) cost a fold, never a wrong character."""
    rng = random.Random(11)
    text = _document(rng, "zh", 80_000, strips=3)
    later, dirty = _edited(rng, text, 40)
    pairs = list(zip(dirty.starts, dirty.ends, strict=True))
    wrong = {
        "nothing": Dirty([]),
        "half": Dirty(pairs[::2]),
        "shifted": Dirty([(min(len(later), s + 500), min(len(later), e + 500)) for s, e in pairs]),
    }[told]
    spliced = so._splice(_kept(text), later, wrong)
    assert spliced is not None
    _check_offsets(spliced, later, rng)


def test_a_text_mostly_unlike_the_kept_one_is_folded() -> None:
    rng = random.Random(12)
    text = _document(rng, "zh", 60_000, strips=2)
    other = _document(random.Random(13), "zh", 60_000, strips=2)
    assert so._splice(_kept(text), other, Dirty([(0, 0)])) is None


def _pass(text: str, memo: dict[str, object], dirty: Dirty | None) -> list[Finding]:
    ctx = Context(doc=Document(text), config=CONFIG, enabled=frozenset({"LAY007"}), dirty=dirty, memo=memo)
    return list(so.ScanOverlap().check(ctx))


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_later_pass_searching_the_whole_text_splices_and_finds_as_folding(
    lang: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    rng = random.Random(21 if lang == "zh" else 22)
    text = _document(rng, lang, 300_000, strips=10)
    memo: dict[str, object] = {}
    _pass(text, memo, None)  # the first pass of clean keeps its form
    kept = memo[so._FORM_KEY]
    assert isinstance(kept, so._KeptForm) and kept.text is text and kept.form == matching_text(text)
    later, dirty = _edited(rng, text, 30)
    dirty = Dirty([(0, 0), *zip(dirty.starts, dirty.ends, strict=True)])  # a change in the first lines
    folded_memo: dict[str, object] = {}
    folded = _pass(later, folded_memo, dirty)  # nothing kept: the whole text folded
    assert folded, "the strips are found again"

    def whole(*args: object, **kwargs: object) -> object:
        raise AssertionError("the whole text folded although a form was kept")

    monkeypatch.setattr(so, "_matching_form", whole)
    spliced = _pass(later, memo, dirty)
    assert [(f.span, f.related, _fix(f), f.message) for f in spliced] == [
        (f.span, f.related, _fix(f), f.message) for f in folded
    ]
    assert so._FORM_KEY not in memo, "the kept form is spliced from once, then let go"
    # the hashes kept for the passes after (boilerplate counts) place the text's offsets alike
    grams, flat = memo[so._GRAMS_KEY], folded_memo[so._GRAMS_KEY]
    assert isinstance(grams, so._Grams) and isinstance(flat, so._Grams)
    assert isinstance(grams.offsets, so._PieceMap)
    assert (grams.hashes == flat.hashes).all()
    for pos in rng.sample(range(len(later)), 200):
        assert grams.form_offset(pos) == flat.form_offset(pos)


def test_only_clean_keeps_a_form_and_a_pass_around_the_changes_lets_it_go() -> None:
    rng = random.Random(31)
    text = _document(rng, "zh", 120_000, strips=3)
    memo: dict[str, object] = {}
    ctx = Context(doc=Document(text), config=CONFIG, enabled=frozenset({"LAY007"}))
    assert ctx.memo is None
    list(so.ScanOverlap().check(ctx))  # check: no memo, nothing kept
    _pass(text, memo, None)
    assert so._FORM_KEY in memo
    mid = len(text) // 2
    _pass(text, memo, Dirty([(mid, mid)]))  # a few changes: stretches around them, no whole search
    assert so._FORM_KEY not in memo


@pytest.mark.parametrize("change", ["delete", "insert", "untold"])
def test_repetitive_text_found_a_little_off_is_spliced_right(change: str) -> None:
    """A run of one pattern: a stretch's first characters are found at many places, the right one
    or one a pattern further on; whichever is taken, the characters compared are the same."""
    text = "前言" * 100 + "一二三四五六七八" * 20_000 + "后记" * 100
    later = text[:500] + text[501:] if change == "delete" else text[:500] + "X" + text[500:]
    told = Dirty([]) if change == "untold" else Dirty([(500, 500 if change == "delete" else 501)])
    spliced = so._splice(_kept(text), later, told)
    assert spliced is not None and sum(spliced.map.matched) >= 1
    _check_offsets(spliced, later, random.Random(3))
