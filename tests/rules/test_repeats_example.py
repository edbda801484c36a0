"""REP001–REP003 on the example page: exactly the defects of the defects file, nothing else."""

from __future__ import annotations

from typing import Any

import pytest

import dedup
from dedup.config import Config
from dedup.fixer import apply_fixes
from dedup.model import Finding, Span

REP = Config(select=("REP001", "REP002", "REP003"))


@pytest.fixture(scope="module")
def rep_findings(page_text: str) -> list[Finding]:
    return dedup.check_text(page_text, REP)


def _defect(defects: dict[str, Any], kind: str, start: int) -> dict[str, Any]:
    [found] = [d for d in defects["defects"] if d["kind"] == kind and d["span"][0] == start]
    return found


def test_repeated_list_run_is_removed(rep_findings: list[Finding], defects: dict[str, Any], page_text: str) -> None:
    defect = _defect(defects, "repeated-phrase", 1681)
    [finding] = [f for f in rep_findings if f.rule == "REP001"]
    assert [finding.span.start, finding.span.end] == defect["span"]
    assert finding.span.slice(page_text) == defect["text"]
    assert finding.fix is not None and finding.fix.safe
    [edit] = finding.fix.edits
    assert [edit.start, edit.end] == defect["span"] and edit.replacement == ""
    # the retained copy is the first one, named by the fix and in related
    assert finding.fix.keeps == finding.related
    assert finding.related[0].slice(page_text) == defect["text"].lstrip("、")
    assert finding.related[0].end == defect["span"][0]


@pytest.mark.parametrize("start", [5675, 6277])
def test_doubled_words_are_fixed(start: int, rep_findings: list[Finding], defects: dict[str, Any]) -> None:
    defect = _defect(defects, "stutter", start)
    matching = [f for f in rep_findings if f.rule == "REP002" and f.span.start == start]
    assert len(matching) == 1
    finding = matching[0]
    assert [finding.span.start, finding.span.end] == defect["span"]
    assert finding.fix is not None and finding.fix.safe
    assert [(e.start, e.end, e.replacement) for e in finding.fix.edits] == [(*defect["span"], "")]


def test_single_character_doubling_is_reported_without_fix(
    rep_findings: list[Finding], defects: dict[str, Any]
) -> None:
    defect = _defect(defects, "stutter", 5690)
    [finding] = [f for f in rep_findings if f.rule == "REP002" and f.span.start == 5690]
    assert [finding.span.start, finding.span.end] == defect["span"]
    assert finding.fix is None
    assert finding.severity.value == "info"


def test_repeated_name_is_flagged_for_review(rep_findings: list[Finding], defects: dict[str, Any]) -> None:
    defect = _defect(defects, "repeated-name", 1726)
    [finding] = [f for f in rep_findings if f.rule == "REP003"]
    assert [finding.span.start, finding.span.end] == defect["span"]
    assert [[r.start, r.end] for r in finding.related] == defect["related"]
    assert finding.fix is None
    assert finding.severity.value == "warning"


def test_nothing_else_is_reported(rep_findings: list[Finding]) -> None:
    spans = sorted((f.rule, f.span.start, f.span.end) for f in rep_findings)
    assert spans == [
        ("REP001", 1681, 1696),
        ("REP002", 5675, 5677),
        ("REP002", 5690, 5691),
        ("REP002", 6277, 6279),
        ("REP003", 1726, 1735),
    ]


def test_every_finding_has_a_confidence_and_only_confident_ones_fix(rep_findings: list[Finding]) -> None:
    for finding in rep_findings:
        assert 0 < finding.confidence <= 1
        if finding.fix is not None:
            assert finding.confidence >= 0.8
        else:
            assert finding.confidence < 0.8


def test_must_not_change_survives_the_repeat_fixes(
    page_text: str, defects: dict[str, Any], rep_findings: list[Finding]
) -> None:
    edits = [e for f in rep_findings if f.fix is not None for e in f.fix.edits]
    for item in defects["must_not_change"]:
        span = Span(*item["span"])
        assert span.slice(page_text) == item["text"]
        assert not any(e.span.overlaps(span) for e in edits), item
        assert not any(f.span.overlaps(span) for f in rep_findings), item
    fixed = apply_fixes(page_text, rep_findings).text
    for item in defects["must_not_change"]:
        assert item["text"] in fixed


def test_clean_with_every_rule_removes_the_repeats(page_text: str) -> None:
    text = dedup.clean_text(page_text).text
    assert text.count("象山湾疏港高速一期") == 1
    assert "演练演练" not in text and "中心中心" not in text
    assert "中中医" in text  # reported, not changed
    assert text.count("甬舟高速复线北仑段") == 2  # reported, not changed
