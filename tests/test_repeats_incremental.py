"""REP001 and REP002 on the later passes of ``clean`` (``Context.dirty``).

A later pass tells the rules where the text changed; they look at the blocks there (a repeat
and a doubling lie in one block), at the blocks holding a CJK doubling whose 20 000-character
words-meet window (``stutter._words_meet``) reaches a change, and at the blocks an earlier
phase newly plans to cut into.  The contract (:class:`dedup.rules.base.Context`): every safe
fix a full run proposes and whose evidence meets a change is proposed.  Checked here on
purpose-built documents, on both the reference path (short texts) and the numpy prefilter
over the joined changed blocks (long texts).
"""

from __future__ import annotations

import random
from collections.abc import Iterator

import pytest

from dedup.config import Config
from dedup.engine import check_document, clean_document
from dedup.model import Document, Edit, Finding, Fix, Span
from dedup.rules import _repeats
from dedup.rules.base import Context, Dirty
from dedup.rules.repeated_phrase import RepeatedPhrase
from dedup.rules.stutter import Stutter

REP = Config(select=("REP001", "REP002"))


@pytest.fixture(params=["reference", "prefilter", "prefilter-small-windows"])
def path(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """Force the reference scans, or the numpy prefilter on any text and any number of changed
    blocks (small windows make the joined windows split, and a long block take the whole-block
    fallback)."""
    if request.param == "reference":
        monkeypatch.setattr(_repeats, "FAST_MIN_CHARS", 1 << 62)
    else:
        monkeypatch.setattr(_repeats, "FAST_MIN_CHARS", 0)
        monkeypatch.setattr(_repeats, "SCOPE_FAST_MIN_CHARS", 0)
        if request.param == "prefilter-small-windows":
            monkeypatch.setattr(_repeats, "WINDOW_CHARS", 1000)
    yield request.param


def _filler(rng: random.Random, chars: int, avoid: str = "") -> list[str]:
    """Generated Chinese paragraphs (no doubled words of ``avoid``'s characters) of about
    ``chars`` characters in all."""
    from gen_docs import chinese_paragraph

    out: list[str] = []
    size = 0
    while size < chars:
        para = chinese_paragraph(rng)
        if any(ch in para for ch in avoid):
            continue
        out.append(para)
        size += len(para) + 2
    return out


def _run(text: str, dirty: Dirty | None, memo: dict[str, object] | None = None) -> list[Finding]:
    return check_document(Document(text), REP, fixable_only=True, dirty=dirty, memo=memo).findings


def _safe(findings: list[Finding]) -> set[tuple[str, tuple[tuple[int, int, str], ...]]]:
    return {
        (f.rule, tuple((e.start, e.end, e.replacement) for e in f.fix.edits))
        for f in findings
        if f.fix is not None and f.fix.safe
    }


def _point_in(text: str, needle: str) -> Dirty:
    at = text.index(needle)
    return Dirty([(at, at)])


# --- the changed blocks ------------------------------------------------------------------------


def _faulty_documents() -> list[str]:
    from gen_docs import big_document
    from gen_repeats import generate

    zh = "\n\n".join(d.text for d in generate(("items", "inline", "word", "near"), 12, seed=3))
    en = "\n\n".join(d.text for d in generate(("en-phrase", "en-word", "en-near"), 12, seed=3))
    # one block of several thousand characters: bigger than two small windows
    long_block = "".join(zh.split("\n\n")[:12])
    return [zh, en, "\n\n".join([en, long_block, zh]), big_document(20000, seed=3)]


def test_every_block_changed_gives_the_findings_of_a_full_run(path: str, gov_reports_dir: object) -> None:
    for text in _faulty_documents():
        full = _run(text, None)
        everywhere = Dirty((b.start, b.start) for b in Document(text).blocks)
        assert _run(text, everywhere) == full
    # the documents are full of faults: the comparison is not between two empty lists
    assert len(_safe(_run(_faulty_documents()[2], None))) >= 30, path


def test_a_changed_block_is_looked_at_and_a_far_one_is_not(path: str) -> None:
    rng = random.Random(8)
    near = "推进建设、沿江快速路一期、滨海大道二期、沿江快速路一期、滨海大道二期，完善配套。"
    far = "做好赛事活动组织、安全检查检查、城市形象宣传等工作。"
    latin = "The council met in the city hall in the city hall on Monday and voted."
    blocks = [near, latin, *_filler(rng, 30000, "检查"), far]
    text = "\n\n".join(blocks)
    full = _safe(_run(text, None))
    told_near = _safe(_run(text, _point_in(text, near[:4])))
    assert {rule for rule, _ in told_near} == {"REP001"}
    assert told_near <= full
    # the far block's doubling is 30 000 characters away: a pass that changed only the first
    # block does not look at it (the work is restricted), one that changed it does
    told_far = _safe(_run(text, _point_in(text, far[:4])))
    assert {rule for rule, _ in told_far} == {"REP002"}
    assert told_far <= full
    told_latin = _safe(_run(text, _point_in(text, "council")))
    assert {rule for rule, _ in told_latin} == {"REP001"}
    both = Dirty([(text.index(near), text.index(near)), (text.index(far), text.index(far))])
    assert _safe(_run(text, both)) == told_near | told_far


def test_a_twin_kept_by_the_last_pass_is_not_looked_at(path: str) -> None:
    rng = random.Random(9)
    twin = "推进建设、沿江快速路一期、滨海大道二期、沿江快速路一期、滨海大道二期，完善配套。"
    text = "\n\n".join([twin, *_filler(rng, 30000, "检查"), "结尾一段文字。"])
    at_twin = (text.index(twin), text.index(twin) + len(twin))
    far = text.index("结尾")
    full = _safe(_run(text, None))
    assert {rule for rule, _ in full} == {"REP001"}
    # the same places, once as changed text and once as the twin a fix kept: only changed text
    # can hold a finding the last pass did not decide
    assert _safe(_run(text, Dirty([at_twin, (far, far)]))) == full
    assert not _run(text, Dirty([at_twin, (far, far)], edited=Dirty([(far, far)])))


# --- REP002's words-meet window reaches across blocks -------------------------------------------

_DOUBLED = "加强湿地保护，建设鹤溪鹤溪公园步道。"
# the rotation 溪鹤 used more than 鹤溪 around the doubling: words meeting, not a doubled word
_ROTATIONS = "此处溪鹤渡口，那边溪鹤古桥，还有溪鹤茶园。"
_PLAIN = "此处渡口，那边古桥，还有茶园。"


@pytest.mark.parametrize("size", [12000, 60000])
@pytest.mark.parametrize("with_memo", [True, False])
def test_a_change_in_the_words_meet_window_is_caught(path: str, size: int, with_memo: bool) -> None:
    rng = random.Random(size)
    filler = _filler(rng, size, "鹤溪")
    half = len(filler) // 2
    # the doubling in the middle, the rotations about 5 000 characters after it (other blocks)
    after = _filler(rng, 5000, "鹤溪")
    before_text = "\n\n".join([*filler[:half], _DOUBLED, *after, _ROTATIONS, *filler[half:]])
    after_text = before_text.replace(_ROTATIONS, _PLAIN)
    doubling = ("REP002", ((after_text.index("鹤溪鹤溪") + 2, after_text.index("鹤溪鹤溪") + 4, ""),))
    assert doubling[1][0][0] - 2 > 0
    memo: dict[str, object] | None = {} if with_memo else None
    first = _run(before_text, None, memo)
    assert not any(f.rule == "REP002" and "鹤溪" in f.message for f in first)
    full = _safe(_run(after_text, None))
    assert doubling in full
    # what the pass changed: the rotations' block, thousands of characters from the doubling
    changed = after_text.index(_PLAIN)
    told = _safe(_run(after_text, Dirty([(changed, changed + len(_PLAIN))]), memo))
    assert doubling in told
    if with_memo:
        # the first pass recorded the doubling it found words meeting; the later pass found it again
        assert memo is not None
        recorded = memo[_repeats.WORDS_MEET_MEMO]
        assert isinstance(recorded, set) and any("鹤溪鹤溪" in s for s in recorded)


def test_a_change_beyond_the_words_meet_window_is_not_looked_at(path: str) -> None:
    rng = random.Random(3)
    text = "\n\n".join([_DOUBLED, *_filler(rng, 30000, "鹤溪"), _PLAIN])
    doubling = ("REP002", ((text.index("鹤溪鹤溪") + 2, text.index("鹤溪鹤溪") + 4, ""),))
    assert doubling in _safe(_run(text, None))
    changed = text.index(_PLAIN)
    assert doubling not in _safe(_run(text, Dirty([(changed, changed + len(_PLAIN))]), {}))


# --- REP002 reads REP001's findings, which read the earlier phases' deletions ---------------------


def test_an_earlier_deletion_that_lifts_a_phrase_finding_is_followed(path: str) -> None:
    rng = random.Random(4)
    block = "推进建设、检查检查站、滨江路、检查检查站、滨江路、等项目。"
    text = "\n\n".join([block, *_filler(rng, 30000, "检查"), "结尾一段文字。"])
    # a deletion an earlier phase plans inside the repeat's second copy: REP001 drops the repeat,
    # so REP002 reports the doublings that the repeat had covered
    cut = text.index("滨江路", text.index("滨江路") + 1)
    earlier = Finding(
        "LAY004", "page-marker", "warning", 0.9, "m", Span(cut, cut + 1), fix=Fix((Edit.delete(text, cut, cut + 1),))
    )
    far = text.index("结尾")

    def run(dirty: Dirty | None) -> set[tuple[str, tuple[tuple[int, int, str], ...]]]:
        doc = Document(text)
        ctx = Context(doc=doc, config=REP, findings=[earlier], enabled=frozenset(("REP001", "REP002")), dirty=dirty)
        for rule in (RepeatedPhrase(), Stutter()):
            ctx.findings.extend(rule.check(ctx))
        return _safe(ctx.findings[1:])

    full = run(None)
    assert {rule for rule, _ in full} == {"REP002"}
    assert run(Dirty([(far, far)])) == full


# --- end to end ----------------------------------------------------------------------------------


@pytest.mark.parametrize("size", [0, 60000])
def test_a_doubling_left_by_a_removed_repeat_is_fixed_on_the_next_pass(size: int) -> None:
    rng = random.Random(6)
    faulty = "加强日常管理、应急检查、应急检查检查站建设，提升服务。"
    text = "\n\n".join([*_filler(rng, size // 2, "检查"), faulty, *_filler(rng, size // 2, "检查")]) + "\n"
    fast = clean_document(Document(text), Config())
    slow = clean_document(Document(text), Config(), incremental=False)
    assert fast.text == slow.text
    assert fast.passes == slow.passes >= 2
    assert "加强日常管理、应急检查站建设" in fast.text


@pytest.mark.parametrize("with_memo", [True, False])
@pytest.mark.parametrize("side", ["change-before", "change-after"])
def test_a_change_at_the_edge_of_the_words_meet_window_is_caught(path: str, side: str, with_memo: bool) -> None:
    # a doubled four-character unit with a partial third copy (its periodic run is 11 long): the
    # longest a doubling reaches; its rotation stands exactly at the far end of its window
    from dedup.rules.stutter import _WINDOW

    head, tail = "加强湿地保护建设工作推进", "公园步道建设全面完成验收"
    doubled = head + "鹤溪峰岭鹤溪峰岭鹤溪峰" + tail
    rotated, plain = "前面溪峰岭鹤。", "前面。"
    rng = random.Random(9)
    alphabet = "".join(sorted(set("".join(_filler(rng, 3000, "鹤溪峰岭"))) - set("，、。；：！？\n")))
    s = len(head)  # where the doubling starts in its block
    if side == "change-before":
        # the rotation (at 2 in its block) is the first thing the window before the doubling reads
        filler_len = (2 + _WINDOW) - s - len(rotated) - 4
        parts = [rotated, None, doubled]
    else:
        # the rotation ends exactly where the window after the doubling's run ends
        filler_len = (s + 11 + _WINDOW - 6) - len(doubled) - 4
        parts = [doubled, None, rotated]
    filler = "".join(rng.choice(alphabet) for _ in range(filler_len))
    before_text = "\n\n".join(p if p is not None else filler for p in parts)
    start = before_text.index("鹤溪峰岭鹤溪峰岭")
    window = before_text[start - _WINDOW : start] if side == "change-before" else before_text[start + 11 :][:_WINDOW]
    assert "溪峰岭鹤" in window and "溪峰岭鹤" not in window[1:-1]
    after_text = before_text.replace(rotated, plain)
    at = after_text.index("鹤溪峰岭鹤溪峰岭")
    doubling = ("REP002", ((at + 4, at + 8, ""),))
    memo: dict[str, object] = {}
    # before the change the rotation makes it words meeting: no fix, but the memo records it
    assert ("REP002", ((start + 4, start + 8, ""),)) not in _safe(_run(before_text, None, memo))
    recorded = memo[_repeats.WORDS_MEET_MEMO]
    assert isinstance(recorded, set) and any("鹤溪峰岭鹤溪峰岭鹤溪峰" in r for r in recorded)
    assert doubling in _safe(_run(after_text, None))
    changed = after_text.index(plain)
    told = _run(after_text, Dirty([(changed, changed + len(plain))]), memo if with_memo else None)
    assert doubling in _safe(told)


def test_the_first_pass_starts_the_record_even_without_doublings() -> None:
    memo: dict[str, object] = {}
    _run("没有任何重复的一段文字。\n\nNothing doubled here.\n", None, memo)
    assert memo[_repeats.WORDS_MEET_MEMO] == set()
    # a plain check keeps no record, and a later pass does not start one (it sees only a part)
    told: dict[str, object] = {}
    _run("没有任何重复的一段文字。\n", Dirty([(0, 0)]), told)
    assert _repeats.WORDS_MEET_MEMO not in told
