"""The duplicate rules (DUP001/DUP002/DUP003) on a later pass of ``clean``, told where the text changed.

A later pass analyses only the units of duplicate pairs reached from the changed places and from
the texts whose copies or LSH buckets changed (``dedup.rules._duplicates._analyse_dirty``).  These
tests build documents long enough for the linear (sketch) path, change them the way a pass of
``clean`` does, and compare the duplicate findings of the run told where the text changed with a
full run on the same text:

* a change at one copy decides a finding whose removed copy lies far from it;
* a change that makes a new copy must be found against the whole document;
* a change next to a copy changes which copy is kept;
* a change that removes one of three copies leaves a pair of untouched blocks to report;
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
from dedup.rules import registry
from dedup.rules._duplicates import _STATE, _Index
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


def _dup_findings(text: str, dirty: Dirty | None = None, memo: dict[str, object] | None = None) -> list[Finding]:
    doc = Document(text)
    ctx = Context(doc=doc, config=CONFIG, enabled=frozenset(r.code for r in CONFIG.enabled_rules()),
                  dirty=dirty, memo=memo)
    out: list[Finding] = []
    for code in DUP_CODES:
        found = list(registry.get(code)().check(ctx))
        ctx.findings.extend(found)
        out.extend(found)
    return out


def _fixes(findings: list[Finding]) -> set[tuple[str, tuple[tuple[int, int, str], ...], tuple[tuple[int, int], ...]]]:
    return {
        (f.rule, tuple((e.start, e.end, e.replacement) for e in f.fix.edits),
         tuple((k.start, k.end) for k in f.fix.keeps))
        for f in findings
        if f.fix is not None and f.fix.safe
    }


def _later_pass(before: list[str], after: list[str], changed: list[int]) -> tuple[set, set, dict[str, object]]:
    """Run pass 1 on ``before`` (with a memo), then the duplicate rules on ``after`` told that the
    paragraphs ``changed`` (indices into ``after``) changed, and in full; return both fix sets."""
    memo: dict[str, object] = {}
    _dup_findings(_join(before), memo=memo)
    ranges = [(_offset(after, i), _offset(after, i) + len(after[i])) for i in changed]
    text = _join(after)
    told = _fixes(_dup_findings(text, Dirty(ranges), memo))
    full = _fixes(_dup_findings(text))
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


def test_a_change_at_the_complete_copy_decides_a_finding_far_from_it() -> None:
    # paragraph 10 is a truncated copy of what paragraph 650 becomes: the complete copy is kept, so
    # the finding removes paragraph 10, which no change touched
    before = _paragraphs(2)
    after = list(before)
    complete = before[10] + after[11]
    before[10] = complete[: len(complete) * 3 // 5]
    after[10] = before[10]
    after[650] = complete
    told, full, memo = _later_pass(before, after, [650])
    assert isinstance(memo[_STATE], _Index)
    assert _removed(full, after) == {10}
    assert told == full


def test_a_change_that_makes_a_copy_is_found_against_the_whole_document() -> None:
    before = _paragraphs(3)
    after = list(before)
    after[690] = before[5]
    told, full, memo = _later_pass(before, after, [690])
    assert isinstance(memo[_STATE], _Index)
    assert _removed(full, after) == {690}
    assert told == full


def test_a_change_next_to_a_copy_changes_which_copy_is_kept() -> None:
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
    told, full, memo = _later_pass(before, after, [601])
    assert isinstance(memo[_STATE], _Index)
    assert _removed(full, after) == {30}
    assert told == full


def test_removing_one_of_three_copies_leaves_a_pair_of_untouched_blocks() -> None:
    # copies at 20, 300 and 680; pass 1 sees all three; the one at 300 is rewritten: 20 and 680 are
    # still a pair (neither was touched), and only the changed count of their text leads there
    before = _paragraphs(5)
    before[300] = before[680] = before[20]
    after = list(before)
    after[300] = _paragraphs(6)[0]
    told, full, memo = _later_pass(before, after, [300])
    assert isinstance(memo[_STATE], _Index)
    assert _removed(full, after) == {680}
    assert told == full


@pytest.mark.parametrize("seed", range(6))
def test_a_copy_leaving_an_lsh_bucket_changes_the_pairs_of_the_others(seed: int) -> None:
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
    told, full, memo = _later_pass(before, after, [places[2]])
    assert isinstance(memo[_STATE], _Index)
    assert full and told == full


def test_an_unrelated_change_finds_nothing_and_costs_little() -> None:
    before = _paragraphs(7)
    after = list(before)
    after[350] = _paragraphs(8)[1]
    told, full, memo = _later_pass(before, after, [350])
    assert isinstance(memo[_STATE], _Index)
    assert told == full == set()


def _passes_agree(text: str) -> int:
    """On every later pass of clean, the duplicate rules told where the text changed propose every
    safe fix a full run of them proposes; return how many later passes took the incremental path."""
    incremental = 0
    for later in later_passes(text, CONFIG):
        dup_told = _fixes([f for f in later.told if f.rule in DUP_CODES])
        dup_full = _fixes([f for f in later.full if f.rule in DUP_CODES])
        assert dup_full <= dup_told, sorted(dup_full - dup_told)[:3]
        incremental += isinstance(later.memo.get(_STATE), _Index)
    return incremental


@pytest.mark.parametrize("seed", [1, 5])
def test_long_generated_documents_clean_alike_on_the_incremental_path(seed: int) -> None:
    text = big_document(1_000_000, seed=seed)
    assert _passes_agree(text) >= 1
    fast = clean_document(Document(text), CONFIG)
    slow = clean_document(Document(text), CONFIG, incremental=False)
    assert fast.text == slow.text
    assert fast.passes == slow.passes
