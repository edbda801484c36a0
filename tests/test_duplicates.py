"""Duplicate paragraphs and sections on generated documents: recall, no false alarms, reference agreement."""

from __future__ import annotations

import random

import pytest
from corpora import chinese_paragraphs, english_paragraphs
from gen_dups import make_document
from hypothesis import given, settings
from hypothesis import strategies as st

import dedup
from dedup.model import Document
from dedup.normalize import normalize
from dedup.rules._duplicates import brute_force_pairs, find_pairs

DUP_KINDS = {"duplicate-paragraph", "duplicate-section", "splice"}


def _sample(lang: str, rng: random.Random, n: int) -> list[str]:
    pool = chinese_paragraphs() if lang == "zh" else english_paragraphs()
    if len(pool) < n:
        pytest.skip("source corpus not available")
    return rng.sample(pool, n)


def _covers(f_span: tuple[int, int], target: tuple[int, int]) -> bool:
    overlap = min(f_span[1], target[1]) - max(f_span[0], target[0])
    return overlap >= 0.5 * (target[1] - target[0])


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_injected_duplicates_are_found(lang: str) -> None:
    rng = random.Random(20221)
    found = total = 0
    for _ in range(60):
        paras = _sample(lang, rng, 12)
        doc = make_document(paras, rng, latin=lang == "en", faults=3)
        findings = [f for f in dedup.check_text(doc.text) if f.kind in DUP_KINDS]
        for injected in doc.injected:
            total += 1
            hit = any(
                (
                    _covers((f.span.start, f.span.end), injected.copy)
                    and any(_covers((r.start, r.end), injected.twin) for r in f.related)
                )
                or (
                    _covers((f.span.start, f.span.end), injected.twin)
                    and any(_covers((r.start, r.end), injected.copy) for r in f.related)
                )
                for f in findings
            )
            found += hit
    assert total > 100
    assert found / total >= 0.95, f"recall {found}/{total}"


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_no_findings_on_duplicate_free_originals(lang: str) -> None:
    rng = random.Random(7)
    false = 0
    for _ in range(40):
        paras = _sample(lang, rng, 15)
        findings = [f for f in dedup.check_text("\n\n".join(paras)) if f.kind in DUP_KINDS]
        false += len(findings)
    assert false == 0


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_cleaning_keeps_one_copy_of_every_injected_duplicate(lang: str) -> None:
    rng = random.Random(99)
    for _ in range(20):
        paras = _sample(lang, rng, 10)
        doc = make_document(paras, rng, latin=lang == "en", faults=2)
        cleaned = dedup.clean_text(doc.text).text
        folded = normalize(cleaned).text
        for p in paras:
            assert normalize(p).text in folded, "an original paragraph lost"


def test_a_short_line_repeated_on_its_own_is_not_a_duplicate() -> None:
    text = (
        "（完）\n\n今年要稳定粮食生产，保障重要农产品供给，加强农田水利建设。\n\n（完）\n\n"
        "第二篇文章讨论城市更新和老旧小区改造的安排。\n\n（完）"
    )
    assert [f for f in dedup.check_text(text) if f.kind in DUP_KINDS] == []


def test_three_copies_keep_one() -> None:
    p = "持续优化营商环境，深化放管服改革，进一步降低制度性交易成本，激发市场主体活力。"
    text = "\n\n".join(
        [p, "中间段落一，讲的是另外一件事情，与上文无关。", p, "中间段落二，仍然是不同的内容，继续推进工作。", p]
    )
    result = dedup.clean_text(text)
    assert result.text.count(p) == 1
    assert "中间段落一" in result.text and "中间段落二" in result.text


def test_truncated_copy_is_removed_and_complete_copy_kept() -> None:
    full = "加快建设现代化基础设施体系，推进重大交通项目，完善综合交通网络，提升城市运行效率和服务水平。"
    cut = full[:30]
    text = "\n\n".join(["开篇段落讲述总体要求和主要目标。", full, "其他内容，说明工作安排与措施。", cut])
    result = dedup.clean_text(text)
    assert full in result.text
    assert result.text.count(cut) == 1  # only inside the complete copy


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_fast_path_agrees_with_brute_force_reference(lang: str) -> None:
    rng = random.Random(3)
    for _ in range(15):
        paras = _sample(lang, rng, 14)
        doc = make_document(paras, rng, latin=lang == "en", faults=4)
        d = Document(doc.text)
        norms = [normalize(b.text).text for b in d.blocks]
        reference = {(p.a, p.b) for p in brute_force_pairs(norms)}
        fast = {(p.a, p.b) for p in find_pairs(norms, d.blocks) if p.how != "heading"}
        assert reference == fast


def test_a_complete_copy_is_never_removed_in_favour_of_a_truncated_twin() -> None:
    from dedup.rules._duplicates import Pair, Run, _covered_parts

    norms = ["aaaaaaaaaaaa", "bbbbbbbbbbbbbbbbbbbb", "aaaaaaaaaaaa", "bbbbbbbbbb"]
    # kept copy [0, 3] holds a truncated second block; removing [2, 1] would lose the end of block 1
    run = Run(removed=[2, 1], kept=[0, 3], pairs=[Pair(0, 2, 100.0, "exact"), Pair(1, 3, 95.0, "contained")],
              kind="duplicate-section")
    parts = _covered_parts(run, norms)
    assert [(p.removed, p.kept, p.kind) for p in parts] == [([2], [0], "duplicate-paragraph")]


def test_three_copies_with_a_truncated_leader_lose_nothing() -> None:
    full = (
        "加快建设现代化基础设施体系，推进重大交通项目，完善综合交通网络，"
        "提升城市运行效率和服务水平，促进区域协调发展。"
    )
    cut = full[:30]
    fillers = [
        "开篇段落讲述总体要求和主要目标。",
        "中间段落讲别的事情，与上文无关。",
        "另一段落说明措施和安排。",
        "结尾段落。",
    ]
    for order in ([cut, full, full], [full, cut, full], [full, full, cut]):
        blocks = [fillers[0], order[0], fillers[1], order[1], fillers[2], order[2], fillers[3]]
        result = dedup.clean_text("\n\n".join(blocks))
        assert full in result.text, order


_FIRSTS = "第（(一十两0９٣a中 \t\u3000\n。"


@settings(max_examples=300)
@given(st.lists(st.text(alphabet=_FIRSTS, min_size=1, max_size=6), min_size=1, max_size=12))
def test_numbered_candidates_are_those_of_the_first_character_test(texts: list[str]) -> None:
    from dedup.rules._duplicates import _may_be_numbered, _maybe_numbered

    doc = Document("\n\n".join(texts))
    blocks = doc.blocks
    assert _maybe_numbered(blocks) == [i for i, b in enumerate(blocks) if _may_be_numbered(b.text)]


def test_a_garbled_reading_a_few_characters_longer_is_no_complete_copy() -> None:
    from dedup.rules._duplicates import _verify, matching_forms

    clean, garbled = matching_forms(["New farmers that 、s that old agreed committee.",
                                     "New farmers thatg、s that old agreeddcxmmittes."])
    # two characters longer, and too unlike for a near copy: not a truncated copy of the other
    assert _verify(clean, garbled) is None
    cut = matching_forms(["New farmers that met on Monday agreed with the old committee on the new roads."])[0]
    assert _verify(cut[:40], cut) == (100.0, "contained")
    # the property tests' find: the clean reading stayed, not the garbled one
    text = ("New farmers that 、s that old agreed committee.\n\nNew oarmers that 、s that old agreed committee."
            "\n\nNew farmers thatg、s that old agreeddcxmmittes.\n")
    assert "old agreed committee." in dedup.clean_text(text).text
