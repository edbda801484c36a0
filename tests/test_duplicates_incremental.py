"""The duplicate rules (DUP001/DUP002/DUP003) on a later pass of ``clean``, told where the text changed.

A later pass with a few changed blocks analyses only the units of duplicate pairs reached from the
changed places and from the texts whose copies or LSH buckets changed; one with many runs the full
analysis with every per-text quantity (forms, band keys, end hashes, probe and verify verdicts)
from the memo (``dedup.rules._duplicates._analyse_dirty``).  These tests build documents long
enough for the linear (sketch) path, change them the way a pass of ``clean`` does, and compare the
duplicate findings of the run told where the text changed with a full run on the same text, each
scenario both ways (the ``way`` fixture forces one):

* a change at one copy decides a finding whose removed copy lies far from it;
* a change that makes a new copy must be found against the whole document;
* a change next to a copy changes which copy is kept;
* a change that removes one of three copies leaves a pair of untouched blocks to report;
* a near copy rewritten leaves no stale pair behind, and the others still pair;
* the first copy of a text printed many times goes: the next copy leads, and the copies of its
  near twin now pair with every copy (the expansion limit no longer applies);
* a member of a group sharing their first characters goes: two members come within the
  group's window and are compared;
* blocks deleted before every pair shift every row and block number (nothing kept by position);
* whole cleans of long generated documents agree with the whole-text loop, and take the
  incremental path.
"""

from __future__ import annotations

import random
import sys
from pathlib import Path

import pytest

from dedup.config import Config
from dedup.engine import clean_document
from dedup.model import Document, Finding
from dedup.rules import _duplicates, registry
from dedup.rules._duplicates import _MAX_EXPANSION, _STATE, KEY_CHARS, Pair, _Index, matching_forms
from dedup.rules.base import Context, Dirty

sys.path.insert(0, str(Path(__file__).parent))
from gen_docs import big_document, chinese_paragraph, ocr_noise
from later_passes import later_passes

CONFIG = Config()
DUP_CODES = ("DUP001", "DUP002", "DUP003")
#: unique paragraphs: enough characters (> 50,000) for the sketch path the later passes work on
PARAGRAPHS = 700


def _paragraphs(seed: int) -> list[str]:
    rng = random.Random(seed)
    out = []
    while len(out) < PARAGRAPHS:
        text = chinese_paragraph(rng, 4)
        if len(text) >= 60:
            out.append(text)
    return out


def _join(paragraphs: list[str]) -> str:
    return "\n\n".join(paragraphs) + "\n"


def _offset(paragraphs: list[str], index: int) -> int:
    return sum(len(p) + 2 for p in paragraphs[:index])


def _dup_findings(text: str, dirty: Dirty | None = None, memo: dict[str, object] | None = None,
                  pairs: list[Pair] | None = None) -> list[Finding]:
    """The findings of the duplicate rules on ``text``; ``pairs`` receives the analysis' pairs."""
    doc = Document(text)
    ctx = Context(doc=doc, config=CONFIG, enabled=frozenset(r.code for r in CONFIG.enabled_rules()),
                  dirty=dirty, memo=memo)
    out: list[Finding] = []
    for code in DUP_CODES:
        found = list(registry.get(code)().check(ctx))
        ctx.findings.extend(found)
        out.extend(found)
    if pairs is not None:
        pairs.extend(ctx.shared("duplicates", _duplicates.analyse).pairs)
    return out


def _fixes(findings: list[Finding]) -> set[tuple[str, tuple[tuple[int, int, str], ...], tuple[tuple[int, int], ...]]]:
    return {
        (f.rule, tuple((e.start, e.end, e.replacement) for e in f.fix.edits),
         tuple((k.start, k.end) for k in f.fix.keeps))
        for f in findings
        if f.fix is not None and f.fix.safe
    }


@pytest.fixture(params=["units", "memo"])
def way(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Which way later passes go: the unit search (whatever the number of changes) or the memoised
    full analysis (whenever a block changed)."""
    if request.param == "units":
        monkeypatch.setattr(_duplicates, "_MANY_CHANGES", 1)
        monkeypatch.setattr(_duplicates, "_MANY_SEEDS", 1)
    else:
        monkeypatch.setattr(_duplicates, "_MANY_CHANGES", 10**9)
    return str(request.param)


def _later_pass(before: list[str], after: list[str], changed: list[int], way: str | None = None,
                deleted: tuple[int, ...] = ()) -> tuple[set, set, dict[str, object]]:
    """Run pass 1 on ``before`` (with a memo), then the duplicate rules on ``after`` told that the
    paragraphs ``changed`` (indices into ``after``) changed, and in full; return both fix sets.
    ``deleted``: indices into ``after`` where a paragraph of ``before`` was deleted (a point).
    ``way``: the way the told run must have gone."""
    memo: dict[str, object] = {}
    _dup_findings(_join(before), memo=memo)
    ranges = [(_offset(after, i), _offset(after, i) + len(after[i])) for i in changed]
    ranges += [(_offset(after, i), _offset(after, i)) for i in deleted]
    text = _join(after)
    told_pairs: list[Pair] = []
    full_pairs: list[Pair] = []
    told = _fixes(_dup_findings(text, Dirty(ranges), memo, told_pairs))
    full = _fixes(_dup_findings(text, pairs=full_pairs))
    if way is not None:
        state = memo[_STATE]
        assert isinstance(state, _Index) and state.last_way == way
    if way == "memo":
        # the memoised full analysis finds every pair the full run finds, scored alike
        assert told_pairs == full_pairs
    return told, full, memo


def _removed(fixes: set, paragraphs: list[str]) -> set[int]:
    """Indices of the paragraphs the fixes delete."""
    starts = {_offset(paragraphs, i): i for i in range(len(paragraphs))}
    return {starts[edits[0][0]] for _, edits, _ in fixes}


def test_full_runs_are_on_the_sketch_path() -> None:
    # the incremental path only runs where all pairs are not compared: make sure these documents are there
    memo: dict[str, object] = {}
    _dup_findings(_join(_paragraphs(1)), memo=memo)
    assert memo[_STATE] is not None


def test_a_change_at_the_complete_copy_decides_a_finding_far_from_it(way: str) -> None:
    # paragraph 10 is a truncated copy of what paragraph 650 becomes: the complete copy is kept, so
    # the finding removes paragraph 10, which no change touched
    before = _paragraphs(2)
    after = list(before)
    complete = before[10] + after[11]
    before[10] = complete[: len(complete) * 3 // 5]
    after[10] = before[10]
    after[650] = complete
    told, full, memo = _later_pass(before, after, [650], way)
    assert isinstance(memo[_STATE], _Index)
    assert _removed(full, after) == {10}
    assert told == full


def test_a_change_that_makes_a_copy_is_found_against_the_whole_document(way: str) -> None:
    before = _paragraphs(3)
    after = list(before)
    after[690] = before[5]
    told, full, memo = _later_pass(before, after, [690], way)
    assert isinstance(memo[_STATE], _Index)
    assert _removed(full, after) == {690}
    assert told == full


def test_a_change_next_to_a_copy_changes_which_copy_is_kept(way: str) -> None:
    # two copies (30 and 600) cut off mid-sentence, each followed by a numbered heading: equally
    # complete, the first is kept.  Then the heading after the second copy becomes the rest of its
    # sentence: that copy is kept, and the finding removes paragraph 30, far from the change
    paragraphs = _paragraphs(4)
    before = list(paragraphs)
    before[30] = before[600] = paragraphs[30].rstrip("。") + "，并且"
    before[31], before[601] = "（三）加强城乡规划工作", "（五）推进科技创新发展"
    after = list(before)
    after[601] = paragraphs[601]
    _, full_before, _ = _later_pass(before, before, [])
    assert _removed(full_before, before) == {600}
    told, full, memo = _later_pass(before, after, [601], way)
    assert isinstance(memo[_STATE], _Index)
    assert _removed(full, after) == {30}
    assert told == full


def test_removing_one_of_three_copies_leaves_a_pair_of_untouched_blocks(way: str) -> None:
    # copies at 20, 300 and 680; pass 1 sees all three; the one at 300 is rewritten: 20 and 680 are
    # still a pair (neither was touched), and only the changed count of their text leads there
    before = _paragraphs(5)
    before[300] = before[680] = before[20]
    after = list(before)
    after[300] = _paragraphs(6)[0]
    told, full, memo = _later_pass(before, after, [300], way)
    assert isinstance(memo[_STATE], _Index)
    assert _removed(full, after) == {680}
    assert told == full


@pytest.mark.parametrize("seed", range(6))
def test_a_copy_leaving_an_lsh_bucket_changes_the_pairs_of_the_others(seed: int, way: str) -> None:
    # five OCR-damaged copies of one paragraph share LSH buckets, where a member pairs only with the
    # bucket's first member and the one before it.  One copy is rewritten: the others (untouched,
    # and their texts as often as before) may gain pairs, and are looked at again
    rng = random.Random(seed)
    before = _paragraphs(9 + seed)
    original = chinese_paragraph(rng, 6)
    places = [40, 200, 330, 480, 640]
    for place in places:
        before[place] = ocr_noise(rng, original, 0.03)
    after = list(before)
    after[places[2]] = _paragraphs(20 + seed)[0]
    told, full, memo = _later_pass(before, after, [places[2]], way)
    assert isinstance(memo[_STATE], _Index)
    assert full and told == full


def test_an_unrelated_change_finds_nothing_and_costs_little(way: str) -> None:
    before = _paragraphs(7)
    after = list(before)
    after[350] = _paragraphs(8)[1]
    told, full, memo = _later_pass(before, after, [350], way)
    assert isinstance(memo[_STATE], _Index)
    assert told == full == set()


def test_a_near_copy_rewritten_leaves_no_stale_pair(way: str) -> None:
    # three OCR readings of one paragraph; the middle one is rewritten: the two others still pair,
    # and nothing pairs with what it became (its verdicts were kept by the texts they were about)
    rng = random.Random(11)
    before = _paragraphs(31)
    original = chinese_paragraph(rng, 6)
    for place in (60, 360, 620):
        before[place] = ocr_noise(rng, original, 0.015)
    after = list(before)
    after[360] = before[360][: len(before[360]) // 2] + _paragraphs(32)[0]
    told, full, _ = _later_pass(before, after, [360], way)
    assert _removed(full, after) == {60}  # the reading whose words recur elsewhere is kept
    assert told == full


@pytest.mark.parametrize("count", [9, 10])
def test_the_first_copy_of_a_many_copy_text_goes(count: int, way: str) -> None:
    # ``count`` copies of a paragraph and eight of an OCR reading of it: more pairs of copies than
    # the expansion limit, so only the first copies pair across.  The first copy is rewritten: the
    # second leads; with nine copies, 8 x 8 = 64 pairs are now all made (every pair of the
    # untouched copies changes), with ten the new leader alone pairs across
    rng = random.Random(12)
    before = _paragraphs(33)
    original = chinese_paragraph(rng, 5)
    misread = ocr_noise(rng, original, 0.02)
    copies, readings = [100 + 40 * k for k in range(count)], [115 + 50 * k for k in range(8)]
    assert len(copies) * len(readings) > _MAX_EXPANSION
    assert ((len(copies) - 1) * len(readings) > _MAX_EXPANSION) == (count == 10)
    for place in copies:
        before[place] = original
    for place in readings:
        before[place] = misread
    after = list(before)
    after[copies[0]] = _paragraphs(34)[0]
    told, full, _ = _later_pass(before, after, [copies[0]], way)
    assert _removed(full, after) >= set(readings[1:])
    assert told == full


#: twelve characters (and one more) the members of one group of the first-characters key share
_SHARED_START = "关于进一步加强和改进工作的"


def test_a_group_member_going_brings_two_members_within_the_window(way: str) -> None:
    # twenty paragraphs open alike; the 18th is a truncated copy of the 1st, too short a share of
    # it for the LSH bands to meet (checked: pass 1 does not find it) and 17 members after it in
    # the group, one beyond the window.  The 6th member is rewritten: the two are 16 apart now
    rng = random.Random(13)
    before = _paragraphs(41)
    members = list(range(100, 300, 10))
    for place in members:
        before[place] = _SHARED_START + chinese_paragraph(rng, 8)
    before[members[17]] = before[members[0]][: len(before[members[0]]) * 34 // 100]
    after = list(before)
    after[members[5]] = _paragraphs(91)[3]
    assert _removed(_fixes(_dup_findings(_join(before))), before) == set()
    told, full, _ = _later_pass(before, after, [members[5]], way)
    assert _removed(full, after) == {members[17]}
    assert told == full


def test_deleted_blocks_shift_every_row(way: str) -> None:
    # near copies, exact copies and a truncated copy; two unique paragraphs before all of them are
    # deleted (every block and row number after them shifts), and the paragraph after each later
    # copy is rewritten (so the unit search looks at every pair too)
    rng = random.Random(14)
    before = _paragraphs(35)
    original = chinese_paragraph(rng, 6)
    # a reading damaged near both ends: only the LSH bands make it a candidate
    reading = ocr_noise(rng, original, 0.015)
    reading = reading[:2] + "甲" + reading[3:-4] + "乙" + reading[-3:]
    forms = matching_forms([original, reading])
    assert forms[0][:KEY_CHARS] != forms[1][:KEY_CHARS] and forms[0][-KEY_CHARS:] != forms[1][-KEY_CHARS:]
    before[200], before[420] = original, reading
    before[300] = before[520] = before[250]
    before[600] = before[150][: len(before[150]) * 2 // 3]
    after = [p for k, p in enumerate(before) if k not in (10, 11)]
    fresh = _paragraphs(36)
    changed = [299, 419, 519, 599]
    for k, place in enumerate(changed):
        after[place] = fresh[k]
    told, full, _ = _later_pass(before, after, changed, way, deleted=(10,))
    assert _removed(full, after) == {298, 418, 518, 598}
    assert told == full


def _passes_agree(text: str, way: str) -> int:
    """On every later pass of clean, the duplicate rules told where the text changed propose the
    safe fixes a full run of them proposes, no more, no fewer; return how many later passes went
    ``way``."""
    went = 0
    for later in later_passes(text, CONFIG):
        dup_told = _fixes([f for f in later.told if f.rule in DUP_CODES])
        dup_full = _fixes([f for f in later.full if f.rule in DUP_CODES])
        assert dup_full <= dup_told, sorted(dup_full - dup_told)[:3]
        assert dup_told <= dup_full, sorted(dup_told - dup_full)[:3]
        state = later.memo.get(_STATE)
        went += isinstance(state, _Index) and state.last_way == way
    return went


@pytest.mark.parametrize("seed", [1, 5])
def test_long_generated_documents_clean_alike_on_the_incremental_path(seed: int, way: str) -> None:
    text = big_document(1_000_000, seed=seed)
    assert _passes_agree(text, way) >= 1
    fast = clean_document(Document(text), CONFIG)
    slow = clean_document(Document(text), CONFIG, incremental=False)
    assert fast.text == slow.text
    assert fast.passes == slow.passes


def test_heading_keys_of_many_blocks_are_those_of_each() -> None:
    # the later passes find the numbered-heading key of many new blocks through one search of their
    # first characters: the same keys as block by block
    from dedup.rules._duplicates import _heading_key, _heading_keys

    raws = ["（一）加强城乡规划工作", "  第三章 总则与目标", "\u3000１．目标任务和要求", "普通段落，没有编号。",
            "12. Introduction to the plan", "\xa0（二）推进科技创新发展", "三、深化改革开放", "x", "\t(4) Budget lines"]
    raws = raws * 700  # more than one batch of first characters
    keys = _heading_keys(raws)
    assert keys == [_heading_key(r) for r in raws]
    assert sum(k is not None for k in keys[:9]) >= 4


def _edges_of(text: str) -> tuple[list[int], list[int]]:
    blocks = Document(text).blocks
    return [b.start for b in blocks], [b.end for b in blocks]


@pytest.mark.parametrize(("old", "new", "changed", "expected"), [
    # the stretch after the changed first block stands 3 characters further on
    ("AAAA\n\nBBBB\n\nCCCC", "XXXXXXX\n\nBBBB\n\nCCCC", [0], [(1, 3, 1, 3)]),
    # found in the old text, but inside an old block (its start is no block start there)
    ("AAAA\nBBBB\n\nCCCC", "XX\n\nBBBB\n\nCCCC", [0], []),
    # found, but its last block went on in the old text (no block end where the stretch ends)
    ("AAAA\n\nBBCD\n\nZ", "AAAA\n\nBB\n\nZZ", [1, 2], [(0, 1, 0, 0)]),
    ("AAAA\n\nBB CD\n\nZ", "AAAA\n\nBB\n\nZZ", [2], []),
    # a stretch whose first characters (more than are searched for) stand earlier too: the whole
    # stretch is compared, and found further on
    ("ZZ\n\n" + "Q" * 300 + "\n\nSS\n\n" + "Q" * 300 + "\n\nRR", "Z\n\n" + "Q" * 300 + "\n\nRR", [0],
     [(1, 3, 3, 3 - 310)]),
    # ... or whose last characters stand in a deleted copy after it: found where it starts
    ("X\n\n" + "ab" * 200 + "\n\n" + "ab" * 200 + "\n\nZZ", "X\n\n" + "ab" * 200 + "\n\nZY", [2],
     [(0, 2, 0, 0)]),
])
@pytest.mark.parametrize("both_ways", [0, 10**9], ids=["compared-whole", "from-both-ends"])
def test_carried_stretches_stand_block_for_block_in_the_old_text(
        old: str, new: str, changed: list[int], expected: list[tuple[int, int, int, int]], both_ways: int,
        monkeypatch: pytest.MonkeyPatch) -> None:
    # a later pass takes the forms of unchanged blocks from the pass before by stretches, located
    # from both ends when they are few, and checks only the block edges at each stretch's two ends
    # (the same text between two block edges splits into the same blocks)
    import numpy as np

    from dedup.rules._duplicates import _carried

    monkeypatch.setattr(_duplicates, "_CARRY_BOTH_WAYS", both_ways)

    old_starts, old_ends = _edges_of(old)
    doc = Document(new)
    marks = [(c, c + 1) for c in changed]
    first, stop, old_first, shift = _carried(old, np.array(old_starts), np.array(old_ends), new, doc.blocks,
                                             doc.block_starts, marks)
    assert list(zip(first.tolist(), stop.tolist(), old_first.tolist(), shift.tolist(), strict=True)) == expected


def test_a_block_deleted_splits_the_carried_stretches_without_reading_a_block_again() -> None:
    # a deleted block leaves a point at the start of the block after it: that block is as it was,
    # so the stretches break there and every block is carried (a pass of many deletions reads none)
    import numpy as np

    from dedup.rules._duplicates import _carried, _carry_marks

    old = "AAAA\n\nBBBB\n\nCCCC\n\nDDDD\n\nEEEE"
    new = "AAAA\n\nCCCC\n\nDDDD\n\nEEXE"
    doc = Document(new)
    starts = doc.block_starts
    # the point where BBBB went, and EEXE rewritten
    places = Dirty([(6, 6), (20, 24)])
    marks = _carry_marks(places, starts)
    assert marks == [(1, 1), (3, 4)]
    assert _carry_marks(places, starts, np.array(starts)) == marks
    old_starts, old_ends = _edges_of(old)
    first, stop, old_first, shift = _carried(old, np.array(old_starts), np.array(old_ends), new, doc.blocks,
                                             starts, marks)
    assert list(zip(first.tolist(), stop.tolist(), old_first.tolist(), shift.tolist(), strict=True)) == [
        (0, 1, 0, 0), (1, 3, 2, -6)]


@pytest.mark.parametrize("seed", range(6))
def test_carry_marks_located_one_by_one_and_all_at_once_agree(seed: int) -> None:
    import numpy as np

    from dedup.rules._duplicates import _carry_marks

    rng = random.Random(seed)
    text = "".join(rng.choice(["ab", "\n", "\n\n", "c d", " "]) for _ in range(400))
    starts = Document(text).block_starts
    places = Dirty((x, x + rng.choice([0, 0, 1, 5])) for x in (rng.randrange(len(text) + 1) for _ in range(80)))
    assert _carry_marks(places, starts) == _carry_marks(places, starts, np.array(starts, dtype=np.int64))


@pytest.mark.parametrize("way", ["units", "memo"], indirect=True)
def test_a_text_of_pass_one_read_again_keeps_its_one_id(way: str) -> None:
    # pass 1's texts are found through its own dict of texts (not registered one by one): a block
    # rewritten into a copy of one of them, or a block read again unchanged, takes that text's id
    before = _paragraphs(41)
    after = list(before)
    after[100] = before[400]
    after[200] = before[200] + "。"
    _, _, memo = _later_pass(before, after, [100, 200, 300], way)
    index = memo[_STATE]
    assert isinstance(index, _Index)
    assert len(set(index.forms)) == len(index.forms)
    assert index.block_form[100] == index.block_form[400]


def test_a_memoised_pass_leaves_the_partners_a_unit_search_reads(monkeypatch: pytest.MonkeyPatch) -> None:
    # pass 2 (many changes) takes the memoised full analysis, pass 3 (one change, next to the later
    # of two near copies) the unit search: the near pair of two untouched texts comes from the
    # partners pass 2 left
    rng = random.Random(21)
    paragraphs = _paragraphs(43)
    original = chinese_paragraph(rng, 6)
    reading = original[:30] + "某" + original[31:]
    assert len(set(matching_forms([original, reading]))) == 2
    paragraphs[200], paragraphs[500] = original, reading
    memo: dict[str, object] = {}
    _dup_findings(_join(paragraphs), memo=memo)
    fresh = _paragraphs(44)
    mid = list(paragraphs)
    changed = [k for k in range(3, 700, 9) if k not in (200, 500, 501)]
    for k in changed:
        mid[k] = fresh[k]
    monkeypatch.setattr(_duplicates, "_MANY_CHANGES", 10**9)
    _dup_findings(_join(mid), Dirty((_offset(mid, k), _offset(mid, k) + len(mid[k])) for k in changed), memo)
    index = memo[_STATE]
    assert isinstance(index, _Index) and index.last_way == "memo"
    monkeypatch.setattr(_duplicates, "_MANY_CHANGES", 1)
    monkeypatch.setattr(_duplicates, "_MANY_SEEDS", 1)
    after = list(mid)
    after[501] = fresh[501]
    told = _fixes(_dup_findings(_join(after), Dirty([(_offset(after, 501), _offset(after, 501) + len(after[501]))]),
                                memo))
    full = _fixes(_dup_findings(_join(after)))
    assert index.last_way == "units"
    assert _removed(full, after) & {200, 500}
    assert told == full


def _passes(texts: list[list[str]], changed: list[list[int]], monkeypatch: pytest.MonkeyPatch) -> list[set]:
    """Pass 1 on ``texts[0]``, then a unit search on each later text told that the paragraphs
    ``changed[k]`` changed; each later pass's safe fixes must be the full run's (returned)."""
    monkeypatch.setattr(_duplicates, "_MANY_CHANGES", 1)
    monkeypatch.setattr(_duplicates, "_MANY_SEEDS", 1)
    memo: dict[str, object] = {}
    _dup_findings(_join(texts[0]), memo=memo)
    out = []
    for after, places in zip(texts[1:], changed, strict=True):
        dirty = Dirty((_offset(after, k), _offset(after, k) + len(after[k])) for k in places)
        told = _fixes(_dup_findings(_join(after), dirty, memo))
        full = _fixes(_dup_findings(_join(after)))
        index = memo[_STATE]
        assert isinstance(index, _Index) and index.last_way == "units"
        assert told == full
        out.append(full)
    return out


@pytest.mark.parametrize("cut", ["both-ends-damaged", "truncated"])
def test_a_text_made_by_a_later_pass_is_a_bucket_mate_on_the_next(cut: str, monkeypatch: pytest.MonkeyPatch) -> None:
    # pass 2 writes a copy of paragraph 100 at 300 (a new text, held apart from pass 1's buckets
    # until many are), pass 3 rewrites paragraph 100: its candidates are found among the new texts
    # too (a copy damaged near both ends only through the LSH bands; a truncated one through its
    # first characters)
    rng = random.Random(23)
    first = _paragraphs(45)
    original = chinese_paragraph(rng, 6)
    first[100] = original
    if cut == "truncated":
        copy = original[: len(original) * 3 // 4]
    else:
        copy = original[:2] + "甲" + original[3:-4] + "乙" + original[-3:]
        forms = matching_forms([original, copy])
        assert forms[0][:KEY_CHARS] != forms[1][:KEY_CHARS] and forms[0][-KEY_CHARS:] != forms[1][-KEY_CHARS:]
    second = list(first)
    second[300] = copy
    third = list(second)
    third[100] = original[:40] + "丙" + original[41:]
    fixes = _passes([first, second, third], [[300], [100]], monkeypatch)
    assert _removed(fixes[-1], third) & {100, 300}


@pytest.mark.parametrize("merge_share", [0, 10**9], ids=["held-apart", "merged"])
def test_buckets_find_the_forms_held_since_their_last_merge(merge_share: int, monkeypatch: pytest.MonkeyPatch
                                                            ) -> None:
    # forms a later pass adds are kept in small tables of their own until they are many: a look-up
    # finds what it finds in tables made of all the forms at once
    import numpy as np

    from dedup.rules._duplicates import _Buckets

    monkeypatch.setattr(_duplicates, "_MERGE_SHARE", merge_share)
    texts = _paragraphs(47)[:240]
    # copies that share bands, first or last characters with texts held before them
    texts += [t[:2] + "甲" + t[3:] for t in texts[:30]] + [t[: len(t) // 2] for t in texts[30:60]]
    texts += [t[len(t) // 2 :] for t in texts[60:90]]
    index = _Index()
    index.form_ids(matching_forms(texts))
    forms = np.arange(len(texts), dtype=np.int64)
    order = np.random.default_rng(47).permutation(forms)
    held = _Buckets.of(index, np.sort(order[:200]))
    for lo in range(200, len(order), 40):
        held.hold(index, order[lo : lo + 40])
    whole = _Buckets.of(index, forms)
    assert (held.recent is None) == (merge_share > 0)
    queries = _distinct_of(_Buckets.buckets_of(index, forms).ravel())

    def found(at: np.ndarray, got: np.ndarray) -> set[tuple[int, int]]:
        return set(zip(at.tolist(), got.tolist(), strict=True))

    assert found(*held.band_mates(queries)) == found(*whole.band_mates(queries))
    for end, hashes in enumerate((index.heads, index.tails)):
        keys = _distinct_of(hashes[forms])
        assert found(*held.end_mates(end, keys)) == found(*whole.end_mates(end, keys))
        assert len(found(*whole.end_mates(end, keys))) > len(keys)  # some groups of several


def _distinct_of(values: object) -> object:
    from dedup.rules._duplicates import _distinct

    return _distinct(values)


def test_the_buckets_read_the_band_tables_pass_one_keeps() -> None:
    # pass 1's band tables are the buckets' table once joined: a form id in the same bits as a row
    from dedup.similarity import blocks

    assert _duplicates._FORM_BITS == blocks.TABLE_ROW_BITS
