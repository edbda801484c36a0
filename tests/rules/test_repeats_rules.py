"""REP001–REP003: examples, options, helpers, interplay with earlier phases, property tests."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

import dedup
from dedup.config import Config
from dedup.engine import check_document
from dedup.fixer import apply_fixes
from dedup.model import Block, Document, Span
from dedup.rules import registry
from dedup.rules._repeats import DeletionGuard, fold, scan_block, sep_class
from dedup.rules.base import Context

REP_CODES = ("REP001", "REP002", "REP003")


def _only(code: str, **rules: dict[str, object]) -> Config:
    return Config(select=(code,), rules=rules)


@pytest.mark.parametrize("code", REP_CODES)
def test_rule_metadata_and_docs(code: str) -> None:
    rule = registry.get(code)
    assert rule.phase == 40
    assert rule.kind == rule.name
    doc = rule.__doc__ or ""
    assert "Anti-pattern:" in doc and "Best practice:" in doc
    assert rule.examples_bad and rule.examples_good


def _examples(kind: str) -> list[object]:
    out = []
    for code in REP_CODES:
        rule = registry.get(code)
        if kind == "bad":
            out += [pytest.param(code, t, f, id=f"{code}-bad-{i}") for i, (t, f) in enumerate(rule.examples_bad)]
        else:
            out += [pytest.param(code, t, id=f"{code}-good-{i}") for i, t in enumerate(rule.examples_good)]
    return out


@pytest.mark.parametrize(("code", "text", "fixed"), _examples("bad"))
def test_examples_bad_are_flagged_and_fixed_as_documented(code: str, text: str, fixed: str | None) -> None:
    findings = dedup.check_text(text, _only(code))
    assert findings, f"{code} does not flag its own example"
    result = apply_fixes(text, findings).text
    assert result == (fixed if fixed is not None else text)


@pytest.mark.parametrize(("code", "text"), _examples("good"))
def test_examples_good_are_not_flagged(code: str, text: str) -> None:
    assert dedup.check_text(text, _only(code)) == []


# --- options --------------------------------------------------------------------------------


def test_stutter_allow_option_accepts_the_word_or_the_doubling() -> None:
    text = "做好赛事活动组织、应急演练演练、城市形象宣传等工作。"
    assert dedup.check_text(text, _only("REP002"))
    assert dedup.check_text(text, _only("REP002", stutter={"allow": ["演练"]})) == []
    assert dedup.check_text(text, _only("REP002", REP002={"allow": ["演练演练"]})) == []
    english = "They met in the the city hall."
    assert dedup.check_text(english, _only("REP002", stutter={"allow": ["the the"]})) == []
    assert dedup.check_text(english, _only("REP002", stutter={"allow": ["The"]})) == []


def test_repeated_phrase_allow_and_near_options() -> None:
    text = "加快建设金甬铁路、象山湾疏港高速一期、六横二期、象山湾疏港高速一期、六横二期等项目。"
    assert dedup.check_text(text, _only("REP001"))
    assert dedup.check_text(text, _only("REP001", REP001={"allow": ["象山湾疏港高速一期、六横二期"]})) == []
    near = "完善交通网络、城市基础设施建设、城市基础设旎建设、公共服务设施。"
    assert dedup.check_text(near, _only("REP001"))
    assert dedup.check_text(near, _only("REP001", REP001={"near": False})) == []


def test_repeated_phrase_max_items_bounds_the_copy() -> None:
    items = "、".join(("金甬铁路", "杭甬高速复线", "象山湾疏港高速", "六横公路", "甬舟高速", "梅山支线"))
    text = f"推进{items}、{items}。"
    assert dedup.check_text(text, _only("REP001"))
    assert dedup.check_text(text, _only("REP001", REP001={"max_items": 3})) == []
    with pytest.raises(ValueError):
        dedup.check_text(text, _only("REP001", REP001={"max_items": 0}))


def test_repeated_name_thresholds_are_options() -> None:
    text = "加快建设金甬铁路、甬舟高速复线北仑段等项目。加快推进铁路梅山支线、甬舟高速复线北仑段前期。"
    assert dedup.check_text(text, _only("REP003"))
    assert dedup.check_text(text, _only("REP003", REP003={"min_cjk": 10})) == []
    assert dedup.check_text(text, _only("REP003", REP003={"max_sentences": 0})) == []
    assert dedup.check_text(text, _only("REP003", REP003={"allow": ["甬舟高速复线北仑段"]})) == []


def test_allow_must_be_strings() -> None:
    with pytest.raises(ValueError):
        dedup.check_text("应急演练演练。", _only("REP002", stutter={"allow": [1]}))


# --- interplay with earlier phases ------------------------------------------------------------


def test_text_in_blocks_deleted_by_earlier_phases_is_skipped() -> None:
    para = (
        "全力做好赛事活动组织、应急演练演练、城市形象宣传等工作，"
        "加快建设金甬铁路、象山湾疏港高速一期、六横二期、象山湾疏港高速一期、六横二期等项目。"
    )
    text = f"{para}\n\n其他内容在这里说明，并无重复。\n\n{para}"
    alone = dedup.check_text(text, Config(select=("REP001", "REP002")))
    assert len(alone) == 4  # two in each copy of the paragraph
    both = dedup.check_text(text, Config(select=("DUP001", "REP001", "REP002")))
    dup = [f for f in both if f.rule == "DUP001"]
    assert dup and dup[0].fix is not None
    removed = dup[0].fix.edits[0].span
    reps = [f for f in both if f.rule.startswith("REP")]
    assert len(reps) == 2
    assert not any(removed.overlaps(f.span) for f in reps)
    cleaned = dedup.clean_text(text, Config(select=("DUP001", "REP001", "REP002"))).text
    assert cleaned.count("应急演练、") == 1 and "演练演练" not in cleaned
    assert cleaned.count("象山湾疏港高速一期") == 1


def test_stutter_defers_to_repeated_phrase() -> None:
    text = "做好应急演练演练、演练演练、城市形象宣传等工作。"
    config = Config(select=("REP001", "REP002"))
    findings = dedup.check_text(text, config)
    # the doubled words inside the repeated item are left to the second pass, not fixed twice
    assert [f.rule for f in findings] == ["REP001"]
    assert not apply_fixes(text, findings).skipped
    assert dedup.clean_text(text, config).text == "做好应急演练、城市形象宣传等工作。"


# --- helpers ----------------------------------------------------------------------------------


def test_fold_keeps_length_and_unifies_variants() -> None:
    raw = "Ａ，Ｂ、ｃ；ＩＳ。É“x”"
    assert len(fold(raw)) == len(raw)
    assert fold(raw) == 'a,b,c;is。é"x"'


def test_sep_class() -> None:
    assert sep_class(fold("、")) == sep_class(fold("，")) == sep_class(", ")
    assert sep_class(fold("。")) == sep_class(". ") != sep_class(",")
    assert sep_class(" \n ") == " "


def test_deletion_guard() -> None:
    guard = DeletionGuard([Span(10, 20), Span(15, 30), Span(40, 41)])
    assert guard.hits(29, 35) and guard.hits(0, 11) and guard.hits(40, 41)
    assert not guard.hits(30, 40) and not guard.hits(0, 10) and not guard.hits(41, 50)


def test_scan_block_offsets_are_original_offsets() -> None:
    text = "前言。\n\n加快建设金甬铁路、Ｘ线一期、六横二期、Ｘ线一期、六横二期等项目。"
    doc = Document(text)
    block = doc.blocks[1]
    [repeat] = scan_block(block)
    assert repeat.drop.slice(text) == "、Ｘ线一期、六横二期"
    assert repeat.keep.slice(text) == "Ｘ线一期、六横二期"


def test_context_cache_shares_the_phrase_scan() -> None:
    doc = Document("加快建设金甬铁路、象山湾疏港高速一期、象山湾疏港高速一期等项目。")
    ctx = Context(doc=doc, config=Config())
    from dedup.rules._repeats import block_repeats, phrase_repeats

    first = phrase_repeats(ctx)
    assert phrase_repeats(ctx)[0] is first[0] is block_repeats(ctx, ctx.blocks[0])
    assert len(first[0]) == 1


# --- properties -------------------------------------------------------------------------------

_HAN = st.characters(min_codepoint=0x4E00, max_codepoint=0x4FFF)
_ITEM = st.text(_HAN, min_size=3, max_size=6)


@given(
    items=st.lists(_ITEM, min_size=3, max_size=8, unique=True),
    data=st.data(),
)
def test_injected_item_run_is_removed_exactly(items: list[str], data: st.DataObject) -> None:
    # items that contain one another could form a legitimate partial repeat: keep them apart
    if any(a != b and (a in b) for a in items for b in items):
        return
    if any(a[-1] == b[0] for a in items for b in items):
        return
    if any(re.search(r"(.+)\1", item) for item in items):
        return  # an item that is itself doubled (丁一丁一) is a stutter of its own
    k = data.draw(st.integers(1, min(3, len(items))))
    at = data.draw(st.integers(k, len(items)))
    original = "推进" + "、".join(items) + "。"
    copy = "、".join(items[at - k : at])
    prefix = "推进" + "、".join(items[:at])
    doubled = prefix + "、" + copy + original[len(prefix) :]
    result = dedup.clean_text(doubled, Config(select=("REP001", "REP002")))
    assert result.text == original
    assert dedup.clean_text(original, Config(select=REP_CODES)).text == original


@given(st.text(st.sampled_from("甲乙丙丁、，。人天干净研究一个 \n"), max_size=60))
def test_fixes_never_remove_unique_text(text: str) -> None:
    result = dedup.clean_text(text, Config(select=REP_CODES))
    for finding in result.applied:
        assert finding.fix is not None
        for keep in finding.fix.keeps:
            # the retained twin reads like the removed copy
            removed = "".join(e.expected for e in finding.fix.edits)
            assert fold(keep.slice(text)).strip() in fold(removed) or fold(removed).strip(" ,.;:") in fold(
                keep.slice(text)
            )
    assert dedup.clean_text(result.text, Config(select=REP_CODES)).text == result.text


def test_check_document_runs_on_empty_and_tiny_inputs() -> None:
    for text in ("", "\n", "、", "a", "中中", "the the", "、、、"):
        check_document(Document(text), Config(select=REP_CODES))


def test_block_helper_signature() -> None:
    # a Block built by hand (not from a Document) scans too
    text = "甲乙丙丁、甲乙丙丁。"
    assert scan_block(Block(0, 0, len(text), text))


_WORD = st.text(st.sampled_from("abcdefghijklmnopqrstuvwxyz"), min_size=4, max_size=8)


@given(words=st.lists(_WORD, min_size=4, max_size=12, unique=True), data=st.data())
def test_injected_latin_words_are_removed_exactly(words: list[str], data: st.DataObject) -> None:
    if any(re.search(r"(.+)\1", w) for w in words):
        return
    k = data.draw(st.integers(1, min(4, len(words))))
    at = data.draw(st.integers(k, len(words)))
    sep = data.draw(st.sampled_from([" ", "\n"]))
    original = "We saw " + " ".join(words) + " today."
    head = "We saw " + " ".join(words[:at])
    doubled = head + sep + " ".join(words[at - k : at]) + original[len(head) :]
    result = dedup.clean_text(doubled, Config(select=REP_CODES)).text
    # a copy across a line break keeps the break: compare the words
    assert result.split() == original.split()
    assert dedup.clean_text(original, Config(select=REP_CODES)).text == original
