"""The layout rules (LAY001-LAY007) on the example page: each expected finding, nothing else touched."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import dedup
from dedup.config import Config
from dedup.model import Finding

LAYOUT = ("LAY001", "LAY002", "LAY003", "LAY004", "LAY005", "LAY006", "LAY007")

#: (kind, span, action, edit range or None): what issue 4 expects of the layout rules on the page
EXPECTED = [
    ("page-marker", (2, 9), "remove", (2, 9)),
    ("broken-paragraph", (2434, 2436), "join", (2434, 2436)),
    ("running-header", (3829, 3835), "remove", (3829, 3837)),
    ("orphan-fragment", (3837, 3839), "flag", None),
    ("broken-paragraph", (4969, 4971), "join", (4969, 4971)),
    ("broken-paragraph", (7566, 7568), "join", (7566, 7568)),
    ("broken-paragraph", (7813, 7815), "join", (7813, 7815)),
    ("boundary-overlap", (8081, 8089), "flag", None),
    ("broken-paragraph", (8368, 8370), "join", (8368, 8370)),
]


@pytest.fixture(scope="module")
def findings(page_text: str) -> list[Finding]:
    return dedup.check_text(page_text)


@pytest.mark.parametrize(("kind", "span", "action", "edit"), EXPECTED, ids=[f"{k}@{s[0]}" for k, s, _, _ in EXPECTED])
def test_expected_layout_finding(
    findings: list[Finding], kind: str, span: tuple[int, int], action: str, edit: tuple[int, int] | None
) -> None:
    mine = [f for f in findings if f.rule in LAYOUT and f.kind == kind and (f.span.start, f.span.end) == span]
    assert len(mine) == 1, [(f.rule, f.kind, f.span) for f in findings if f.rule in LAYOUT]
    finding = mine[0]
    if action == "flag":
        assert finding.fix is None
    else:
        assert finding.fix is not None and finding.fix.safe
        assert [(e.start, e.end, e.replacement) for e in finding.fix.edits] == [(*edit, "")]  # type: ignore[misc]


def test_no_other_layout_findings(findings: list[Finding]) -> None:
    expected = {(kind, span) for kind, span, _, _ in EXPECTED}
    extra = [
        (f.rule, f.kind, f.span)
        for f in findings
        if f.rule in LAYOUT and (f.kind, (f.span.start, f.span.end)) not in expected
    ]
    assert not extra


def test_overlap_names_the_headline_copy(findings: list[Finding]) -> None:
    overlap = next(f for f in findings if f.kind == "boundary-overlap")
    assert [(r.start, r.end) for r in overlap.related] == [(8071, 8079)]
    assert overlap.evidence["starts_mid_word"] is True


def test_marker_keeps_the_page_it_refers_to(findings: list[Finding]) -> None:
    marker = next(f for f in findings if f.kind == "page-marker")
    assert marker.evidence["page"] == "3"
    assert marker.evidence["direction"] == "from"


def test_layout_rules_alone_never_touch_what_must_not_change(page_text: str, defects: dict) -> None:
    result = dedup.clean_text(page_text, Config(select=LAYOUT))
    for item in defects["must_not_change"]:
        start, end = item["span"]
        for finding in result.applied:
            assert finding.fix is not None
            for edit in finding.fix.edits:
                assert not (edit.start < end and start < edit.end), f"{finding.rule} edits {item['text']!r}"


def test_layout_rules_alone_leave_the_header_without_splice_evidence(page_text: str) -> None:
    # without the duplicate rules nothing shows the fragment around 政府工作报告 is spliced:
    # a lone short line with no date or page on it stays
    findings = dedup.check_text(page_text, Config(select=LAYOUT))
    assert not [f for f in findings if f.kind == "running-header"]
    # the joins and the marker do not depend on the duplicate rules
    joins = {(f.span.start, f.span.end) for f in findings if f.kind == "broken-paragraph"}
    assert {(2434, 2436), (4969, 4971), (7566, 7568), (7813, 7815), (8368, 8370)} <= joins


def test_expected_text_has_nothing_left_for_the_layout_rules(expected_text: str) -> None:
    findings = dedup.check_text(expected_text, Config(select=LAYOUT))
    assert all(f.fix is None for f in findings), [(f.rule, f.span) for f in findings if f.fix]


FORBIDDEN = (
    "象山湾", "六横", "政府工作报告", "紧接第3版", "陈君燕", "北仑",
    "演练演练", "中心中心", "通商银行", "生态圈", "基层治理场",
)  # fmt: skip
SOURCES = (
    "broken_paragraph", "splice", "running_header", "page_marker",
    "orphan_fragment", "boundary_overlap", "scan_overlap", "_layout",
)  # fmt: skip


@pytest.mark.parametrize("module", SOURCES)
def test_source_has_no_example_page_strings(module: str) -> None:
    path = Path(__file__).resolve().parents[2] / "dedup" / "rules" / f"{module}.py"
    text = path.read_text(encoding="utf-8")
    found = [s for s in FORBIDDEN if re.search(re.escape(s), text)]
    assert not found, f"{path.name} mentions {found}"
