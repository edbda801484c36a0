"""The fixer's interval index takes exactly the fixes the original list scan took (differential test)."""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Sequence

from hypothesis import given, settings
from hypothesis import strategies as st

from dedup.fixer import FixResult, Skipped, _conflicts, _priority, _twin_survives, apply_edits, apply_fixes
from dedup.model import Edit, Finding, Fix, Severity, Span

KINDS = ["duplicate-section", "duplicate-paragraph", "page-marker", "stutter", "broken-paragraph", "splice"]


# --- the fixer as it was before the index (list scans, quadratic): the reference ---------------
# the same predicates as the fixer's, asked of every taken edit instead of the index's near ones
_ref_conflicts, _ref_twin_survives = _conflicts, _twin_survives


def reference_apply_fixes(text: str, findings: Iterable[Finding], *, only_safe: bool = True) -> FixResult:
    """Apply the fixes of ``findings`` to ``text``.

    Fixes are taken in a fixed priority order (kind, then position), so the result
    does not depend on the order findings arrive in.  A fix is skipped whole when
    any edit's expected text differs from ``text``, an edit overlaps an edit
    already taken, or a twin it names as retained would be touched.
    """
    with_fix = [f for f in findings if f.fix is not None]
    with_fix.sort(key=_priority)
    taken: list[Edit] = []
    result = FixResult(text)
    for finding in with_fix:
        fix = finding.fix
        assert fix is not None
        if only_safe and not fix.safe:
            continue
        reason = _ref_check(text, fix, taken)
        if reason:
            result.skipped.append(Skipped(finding, reason))
            continue
        taken.extend(fix.edits)
        result.applied.append(finding)
    # a retained twin must still be untouched once every fix is in (later fixes could hit it)
    for finding in list(result.applied):
        fix = finding.fix
        assert fix is not None
        others = [e for e in taken if e not in fix.edits]
        if not all(_ref_twin_survives(k, others) for k in fix.keeps):
            result.applied.remove(finding)
            taken = [e for e in taken if e not in fix.edits]
            result.skipped.append(Skipped(finding, "its retained twin is changed by another fix"))
    result.text = apply_edits(text, taken)
    result.applied.sort(key=lambda f: f.sort_key)
    return result


def _ref_check(text: str, fix: Fix, taken: Sequence[Edit]) -> str:
    for edit in fix.edits:
        if edit.end > len(text) or text[edit.start : edit.end] != edit.expected:
            return "the text it expects is not there"
        if _ref_conflicts(edit, taken):
            return "overlaps a fix already applied"
    for keep in fix.keeps:
        if keep.end > len(text):
            return "its retained twin is outside the text"
        if not _ref_twin_survives(keep, [*taken, *fix.edits]):
            return "its retained twin would be changed"
    return ""


# --------------------------------------------------------------------------------------------


@st.composite
def fix_sets(draw: st.DrawFn) -> tuple[str, list[Finding]]:
    text = draw(st.text(alphabet="abcdefgh \n", min_size=10, max_size=80))
    n = len(text)
    findings = []
    for k in range(draw(st.integers(0, 14))):
        edits = []
        for _ in range(draw(st.integers(1, 2))):
            a = draw(st.integers(0, n))
            b = draw(st.integers(a, min(n, a + draw(st.integers(0, 12)))))
            edits.append(Edit(a, b, draw(st.sampled_from(["", "x", "yz"])), text[a:b]))
        keeps = []
        for _ in range(draw(st.integers(0, 1))):
            a = draw(st.integers(0, n))
            keeps.append(Span(a, draw(st.integers(a, n))))
        edits.sort(key=lambda e: (e.start, e.end))
        if any(x.end > y.start or (x.start == y.start) for x, y in itertools.pairwise(edits)):
            edits = edits[:1]  # a fix's own edits never overlap
        findings.append(Finding(rule=f"T{k:03d}", kind=draw(st.sampled_from(KINDS)), severity=Severity.WARNING,
                                confidence=0.9, message="m", span=Span(edits[0].start, edits[0].end),
                                fix=Fix(tuple(edits), keeps=tuple(keeps), safe=draw(st.booleans()))))
    return text, findings


@settings(max_examples=3000, deadline=None)
@given(fix_sets())
def test_index_takes_what_the_list_scan_took(case: tuple[str, list[Finding]]) -> None:
    text, findings = case
    new, old = apply_fixes(text, findings), reference_apply_fixes(text, findings)
    assert new.text == old.text
    assert [f.rule for f in new.applied] == [f.rule for f in old.applied]
    skipped = sorted((s.finding.rule, s.reason) for s in new.skipped)
    assert skipped == sorted((s.finding.rule, s.reason) for s in old.skipped)
