"""Apply fixes to the original text: all-or-nothing, non-overlapping, twins verified."""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from dedup.model import Edit, Finding, Fix, Span

__all__ = ["FixResult", "Skipped", "apply_edits", "apply_fixes"]


@dataclass(frozen=True, slots=True)
class Skipped:
    """A fix that was not applied, and why."""

    finding: Finding
    reason: str


@dataclass
class FixResult:
    """The corrected text with the fixes applied and skipped."""

    text: str
    applied: list[Finding] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.applied)


# Deletions of duplicated content win over joins and in-sentence edits when they collide:
# the kinds later in this tuple yield to the ones before.
_PRIORITY = (
    "duplicate-section",
    "splice",
    "duplicate-paragraph",
    "page-marker",
    "running-header",
    "boundary-overlap",
    "repeated-phrase",
    "stutter",
    "broken-paragraph",
)


def _priority(finding: Finding) -> tuple[int, int, int, str]:
    rank = _PRIORITY.index(finding.kind) if finding.kind in _PRIORITY else len(_PRIORITY)
    return (rank, finding.span.start, finding.span.end, finding.rule)


def _conflicts(edit: Edit, taken: Sequence[Edit]) -> bool:
    for other in taken:
        if edit.start < other.end and other.start < edit.end:
            return True
        # two insertions (or an insertion at a deletion's edge) at one point: order would matter
        if edit.start == other.start and (edit.start == edit.end or other.start == other.end):
            return True
    return False


def _twin_survives(keep: Span, taken: Sequence[Edit]) -> bool:
    """The retained twin stays in the output: untouched, or only mended inside (a doubled word
    fixed within it), never cut at its edges nor shortened by more than a tenth."""
    inside = 0
    for e in taken:
        if e.start < keep.end and keep.start < e.end:
            if e.start < keep.start or e.end > keep.end:
                return False
            inside += (e.end - e.start) - len(e.replacement)
    return inside <= 0.1 * len(keep)


class _Taken:
    """The edits taken so far, sorted by position, for overlap queries in log time.

    Taken edits never overlap, so sorted by start their ends never decrease either: the
    edits meeting a range are one contiguous slice of the list.
    """

    def __init__(self) -> None:
        self.edits: list[Edit] = []
        self.starts: list[int] = []
        self.ends: list[int] = []

    def add(self, edit: Edit) -> None:
        i = bisect_right(self.starts, edit.start)
        while i > 0 and self.starts[i - 1] == edit.start and self.ends[i - 1] > edit.end:
            i -= 1  # (start, end) order for edits starting at one point
        self.edits.insert(i, edit)
        self.starts.insert(i, edit.start)
        self.ends.insert(i, edit.end)

    def remove(self, edit: Edit) -> None:
        i = bisect_left(self.starts, edit.start)
        while self.edits[i] is not edit:
            i += 1
        del self.edits[i], self.starts[i], self.ends[i]

    def near(self, start: int, end: int) -> list[Edit]:
        """The edits that could conflict with ``[start, end)``: overlapping it or sharing its start."""
        lo = bisect_left(self.ends, start)
        hi = bisect_right(self.starts, max(start, end))
        return self.edits[lo:hi]


def apply_fixes(text: str, findings: Iterable[Finding], *, only_safe: bool = True) -> FixResult:
    """Apply the fixes of ``findings`` to ``text``.

    Fixes are taken in a fixed priority order (kind, then position), so the result
    does not depend on the order findings arrive in.  A fix is skipped whole when
    any edit's expected text differs from ``text``, an edit overlaps an edit
    already taken, or a twin it names as retained would be touched.
    """
    with_fix = [f for f in findings if f.fix is not None]
    with_fix.sort(key=_priority)
    taken = _Taken()
    result = FixResult(text)
    for finding in with_fix:
        fix = finding.fix
        assert fix is not None
        if only_safe and not fix.safe:
            continue
        reason = _check(text, fix, taken)
        if reason:
            result.skipped.append(Skipped(finding, reason))
            continue
        for edit in fix.edits:
            taken.add(edit)
        result.applied.append(finding)
    # a retained twin must still be untouched once every fix is in (later fixes could hit it)
    for finding in list(result.applied):
        fix = finding.fix
        assert fix is not None
        own = {id(e) for e in fix.edits}
        if not all(_twin_survives(k, [e for e in taken.near(k.start, k.end) if id(e) not in own]) for k in fix.keeps):
            result.applied.remove(finding)
            for edit in fix.edits:
                taken.remove(edit)
            result.skipped.append(Skipped(finding, "its retained twin is changed by another fix"))
    result.text = apply_edits(text, taken.edits)
    result.applied.sort(key=lambda f: f.sort_key)
    return result


def _check(text: str, fix: Fix, taken: _Taken) -> str:
    for edit in fix.edits:
        if edit.end > len(text) or text[edit.start : edit.end] != edit.expected:
            return "the text it expects is not there"
        if _conflicts(edit, taken.near(edit.start, edit.end)):
            return "overlaps a fix already applied"
    for keep in fix.keeps:
        if keep.end > len(text):
            return "its retained twin is outside the text"
        if not _twin_survives(keep, [*taken.near(keep.start, keep.end), *fix.edits]):
            return "its retained twin would be changed"
    return ""


def apply_edits(text: str, edits: Iterable[Edit]) -> str:
    """Splice non-overlapping ``edits`` into ``text`` (built from slices of the original).

    >>> apply_edits("abcdef", [Edit(1, 3, "X", "bc"), Edit(4, 4, "-", "")])
    'aXd-ef'
    """
    parts: list[str] = []
    pos = 0
    for edit in sorted(edits, key=lambda e: (e.start, e.end)):
        if edit.start < pos:
            raise ValueError("overlapping edits")
        parts.append(text[pos : edit.start])
        parts.append(edit.replacement)
        pos = edit.end
    parts.append(text[pos:])
    return "".join(parts)
