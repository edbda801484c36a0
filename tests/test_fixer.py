"""The fixer: all-or-nothing fixes, conflicts skipped and reported, twins verified, order-independent."""

from __future__ import annotations

import itertools

from dedup.fixer import apply_edits, apply_fixes
from dedup.model import Edit, Finding, Fix, Severity, Span

TEXT = "AAAA BBBB AAAA CCCC"


def _finding(kind: str, edits: list[Edit], keeps: tuple[Span, ...] = (), safe: bool = True) -> Finding:
    return Finding("T001", kind, Severity.WARNING, 0.9, "m", edits[0].span, fix=Fix(tuple(edits), keeps, safe))


def test_applies_non_conflicting_fixes() -> None:
    a = _finding("duplicate-paragraph", [Edit.delete(TEXT, 10, 15)], keeps=(Span(0, 4),))
    b = _finding("stutter", [Edit.replace(TEXT, 15, 19, "DDDD")])
    result = apply_fixes(TEXT, [a, b])
    assert result.text == "AAAA BBBB DDDD"
    assert len(result.applied) == 2 and not result.skipped


def test_overlapping_fix_is_skipped_whole_and_reported() -> None:
    a = _finding("duplicate-paragraph", [Edit.delete(TEXT, 10, 15)], keeps=(Span(0, 4),))
    b = _finding("stutter", [Edit.replace(TEXT, 0, 1, "x"), Edit.delete(TEXT, 12, 13)])
    result = apply_fixes(TEXT, [b, a])
    assert result.text == "AAAA BBBB CCCC"
    assert [s.finding for s in result.skipped] == [b]
    assert "overlaps" in result.skipped[0].reason


def test_deletion_whose_twin_would_change_is_refused() -> None:
    twin_edit = _finding("duplicate-paragraph", [Edit.delete(TEXT, 0, 5)], keeps=(Span(10, 14),))
    other = _finding("duplicate-paragraph", [Edit.delete(TEXT, 10, 15)], keeps=(Span(0, 4),))
    result = apply_fixes(TEXT, [twin_edit, other])
    # only one copy of AAAA may go
    assert result.text.count("AAAA") == 1
    assert len(result.skipped) == 1


def test_stale_expected_text_is_refused() -> None:
    bad = _finding("stutter", [Edit(0, 4, "", "ZZZZ")])
    result = apply_fixes(TEXT, [bad])
    assert result.text == TEXT and result.skipped


def test_unsafe_fixes_are_not_applied() -> None:
    f = _finding("splice", [Edit.delete(TEXT, 5, 10)], safe=False)
    assert apply_fixes(TEXT, [f]).text == TEXT


def test_result_does_not_depend_on_order() -> None:
    fixes = [
        _finding("duplicate-paragraph", [Edit.delete(TEXT, 10, 15)], keeps=(Span(0, 4),)),
        _finding("stutter", [Edit.replace(TEXT, 12, 13, "x")]),
        _finding("broken-paragraph", [Edit.replace(TEXT, 4, 5, "")]),
        _finding("page-marker", [Edit.delete(TEXT, 15, 19)]),
    ]
    outputs = {apply_fixes(TEXT, list(p)).text for p in itertools.permutations(fixes)}
    assert len(outputs) == 1


def test_apply_edits_insertion_and_replacement() -> None:
    assert apply_edits("abc", [Edit(3, 3, "!", ""), Edit(0, 1, "A", "a")]) == "Abc!"
