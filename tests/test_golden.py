"""Golden tests on the example page: the corrected text, every defect, nothing legitimate touched."""

from __future__ import annotations

from typing import Any

import pytest

import dedup
from dedup.fixer import apply_edits
from dedup.model import Edit


def _overlaps(a: tuple[int, int], b: tuple[int, int]) -> bool:
    # an empty or point-like span still counts when it touches the other
    return (a[0] < b[1] and b[0] < a[1]) or a == b


def test_clean_gives_expected_text_byte_for_byte(page_text: str, expected_text: str) -> None:
    result = dedup.clean_text(page_text)
    assert result.text == expected_text


def test_clean_is_idempotent_on_the_example(expected_text: str) -> None:
    assert dedup.clean_text(expected_text).text == expected_text


@pytest.mark.parametrize("index", range(17))
def test_every_defect_is_reported_with_its_kind_and_action(index: int, page_text: str, defects: dict) -> None:
    defect: dict[str, Any] = defects["defects"][index]
    findings = dedup.check_text(page_text)
    span = tuple(defect["span"])
    matching = [f for f in findings if f.kind == defect["kind"] and _overlaps((f.span.start, f.span.end), span)]
    if defect["kind"] == "broken-paragraph":
        # a join is reported on the break it removes
        matching = [
            f
            for f in findings
            if f.kind == "broken-paragraph"
            and f.fix is not None
            and any(e.start <= span[0] and span[1] <= e.end for e in f.fix.edits)
        ] or matching
    assert matching, f"{defect['kind']} at {span} ({defect['text'][:20]!r}) not reported"
    finding = matching[0]
    action = defect["action"]
    if action == "flag":
        assert finding.fix is None or not finding.fix.safe, "a flagged defect must not be changed"
    else:
        assert finding.fix is not None and finding.fix.safe, f"{defect['kind']} at {span} has no safe fix"
    if "related" in defect and defect["kind"] not in ("boundary-overlap",):
        related = [tuple(r) for r in defect["related"]]
        assert any(_overlaps((r.start, r.end), rel) for r in finding.related for rel in related)


def test_duplicate_section_explains_which_copy_is_removed(page_text: str, defects: dict) -> None:
    findings = [f for f in dedup.check_text(page_text) if f.kind == "duplicate-section"]
    assert len(findings) == 1, "one finding for the whole section, not one per paragraph"
    finding = findings[0]
    section = next(d for d in defects["defects"] if d["kind"] == "duplicate-section")
    assert (finding.span.start, finding.span.end) == tuple(section["span"])
    assert [(r.start, r.end) for r in finding.related] == [tuple(r) for r in section["related"]]
    assert "cut off mid-sentence" in finding.message


@pytest.mark.parametrize("index", range(11))
def test_must_not_change(index: int, page_text: str, defects: dict) -> None:
    item = defects["must_not_change"][index]
    start, end = item["span"]
    original = page_text[start:end]
    assert original == item["text"]
    result = dedup.clean_text(page_text)
    assert original in result.text, f"{item['text']!r} ({item['why']}) was changed"
    for finding in result.applied:
        assert finding.fix is not None
        for edit in finding.fix.edits:
            touches = edit.start < end and start < edit.end
            inserts_inside = edit.start == edit.end and start < edit.start < end
            if not (touches or inserts_inside):
                continue
            # the only legitimate edit over such a span removes a whole duplicate whose twin keeps it
            whole = edit.start <= start and end <= edit.end and not edit.replacement
            twin_has_it = any(original in page_text[k.start : k.end] for k in finding.fix.keeps)
            assert whole and twin_has_it, f"{finding.rule} edits inside {item['text']!r}"


def test_report_edits_replay_to_the_corrected_text(page_text: str) -> None:
    result = dedup.clean_text(page_text)
    if result.passes > 1:
        pytest.skip("needed a second pass; replay covers single-pass results")
    edits = [Edit(e.start, e.end, e.replacement, e.expected) for f in result.applied for e in f.fix.edits]  # type: ignore[union-attr]
    assert apply_edits(page_text, edits) == result.text
