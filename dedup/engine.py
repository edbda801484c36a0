"""Run the rules over a document, and fix it to a fixed point."""

from __future__ import annotations

import gc
from bisect import bisect_left, bisect_right
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from dedup.config import Config
from dedup.fixer import FixResult, Skipped, apply_fixes
from dedup.model import Document, Edit, Finding, Span
from dedup.normalize import matching_texts
from dedup.rules.base import Context, Dirty

__all__ = ["CheckResult", "CleanResult", "check_document", "clean_document"]


@dataclass
class CheckResult:
    """Findings on one document."""

    doc: Document
    findings: list[Finding]

    @property
    def stats(self) -> dict[str, Any]:
        by_kind = Counter(f.kind for f in self.findings)
        by_severity = Counter(f.severity.value for f in self.findings)
        return {
            "characters": len(self.doc.text),
            "blocks": len(self.doc.blocks),
            "findings": len(self.findings),
            "fixable": sum(1 for f in self.findings if f.fix is not None and f.fix.safe),
            "by_kind": dict(sorted(by_kind.items())),
            "by_severity": dict(sorted(by_severity.items())),
        }


@dataclass
class CleanResult(CheckResult):
    """Findings, and the corrected text with what was applied and skipped."""

    text: str = ""
    applied: list[Finding] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    passes: int = 1
    #: fixes applied by the passes after the first (the findings and ``applied`` describe the first)
    later_fixes: int = 0

    @property
    def changed(self) -> bool:
        return self.text != self.doc.text

    @property
    def stats(self) -> dict[str, Any]:
        stats = super().stats
        stats.update(
            {
                "applied": len(self.applied),
                "skipped": len(self.skipped),
                "characters_removed": max(0, len(self.doc.text) - len(self.text)),
                "paragraphs_joined": sum(1 for f in self.applied if f.kind == "broken-paragraph"),
                "passes": self.passes,
                "later_fixes": self.later_fixes,
            }
        )
        return stats


def _set_fingerprints(doc: Document, findings: list[Finding]) -> None:
    """Each finding's fingerprint: its rule, matched text and twins' text in matching form.

    All spans are folded in batches (one call per span cost 4 ms a MB of input).
    """
    text = doc.text
    spans = [s for f in findings for s in (f.span, *f.related)]
    folded = iter(matching_texts([s.slice(text) for s in spans]))
    for finding in findings:
        matched = next(folded)
        twins = "|".join(next(folded) for _ in finding.related)
        finding.fingerprint = f"{finding.rule}:{matched}:{twins}"


def check_document(doc: Document, config: Config | None = None, *, fixable_only: bool = False,
                   dirty: Dirty | None = None, memo: dict[str, Any] | None = None) -> CheckResult:
    """All enabled rules over ``doc``; findings sorted by position.

    ``fixable_only`` skips the rules that never fix anything, and the findings' fingerprints (a
    later pass of :func:`clean_document` only needs what it could apply; no fixable rule reads
    their findings, see :func:`_validate`).  ``dirty`` and ``memo`` are a later pass's: where the
    text changed, and the caches kept across passes (see :class:`Context`).
    """
    config = (config or Config()).for_path(doc.path)
    rules = config.enabled_rules()
    ctx = Context(doc=doc, config=config, enabled=frozenset(r.code for r in rules), dirty=dirty, memo=memo)
    for rule_cls in rules:
        if fixable_only and not rule_cls.fixable:
            continue
        rule = rule_cls()
        for finding in rule.check(ctx):
            _validate(doc, finding, rule_cls.fixable)
            ctx.findings.append(finding)
    if not fixable_only:
        # a later pass of clean reports nothing: its findings need no fingerprint
        _set_fingerprints(doc, ctx.findings)
    findings = sorted(ctx.findings, key=lambda f: f.sort_key)
    return CheckResult(doc, findings)


def _validate(doc: Document, finding: Finding, fixable: bool = True) -> None:
    if not fixable and finding.fix is not None and finding.fix.safe:
        # later passes skip rules that are not fixable: a safe fix from one would be lost there
        raise AssertionError(f"{finding.rule} is declared not fixable but proposed a safe fix")
    n = len(doc.text)
    spans = [finding.span, *finding.related]
    if finding.fix is not None:
        spans.extend(e.span for e in finding.fix.edits)
    for span in spans:
        if span.end > n:
            raise AssertionError(f"{finding.rule} produced a span past the end of the text: {span}")


def _position_map(edits: Sequence[Edit]) -> Callable[[int, bool], int]:
    """Where an offset of the text before ``edits`` (sorted, non-overlapping) lands after them.

    An offset inside a replaced range lands on the replacement's start (``end=False``) or its end.
    """
    starts = [e.start for e in edits]
    shifts: list[int] = []
    shift = 0
    for e in edits:
        shifts.append(shift)
        shift += len(e.replacement) - (e.end - e.start)

    def moved(offset: int, end: bool) -> int:
        i = bisect_right(starts, offset) - 1
        if i < 0:
            return offset
        e = edits[i]
        if offset >= e.end and not (offset == e.start == e.end):
            return offset + shifts[i] + len(e.replacement) - (e.end - e.start)
        new_start = e.start + shifts[i]
        return new_start + len(e.replacement) if end else new_start

    return moved


def _edits(step: FixResult) -> list[Edit]:
    return sorted((e for f in step.applied if f.fix is not None for e in f.fix.edits), key=lambda e: (e.start, e.end))


def changed_places(step: FixResult, starts: Sequence[int] | None = None) -> Dirty:
    """Where the text after ``step`` differs from the text before it, where the fixes it had to
    skip lie (the next pass must look at them again), and the twins its fixes kept, in offsets of
    the text after it.  :attr:`Dirty.edited` leaves out the kept twins (unchanged text).

    With ``starts``, the block starts of the text before ``step``, the points where its fixes
    deleted whole blocks are told apart for :meth:`Dirty.unseen_by`.
    """
    from dedup.rules import registry

    edits = _edits(step)
    moved = _position_map(edits)
    phase_of: dict[int, int] = {}
    if starts is not None:
        phases = {rule.code: rule.phase for rule in registry.all()}
        for f in step.applied:
            if f.fix is not None:
                phase_of.update((id(e), phases[f.rule]) for e in f.fix.edits)
    ranges: list[tuple[int, int]] = []
    points: list[tuple[int, int]] = []
    for e in edits:
        start = moved(e.start, False)
        if starts is not None and not e.replacement:
            i = bisect_left(starts, e.start)
            if i + 1 < len(starts) and starts[i] == e.start and starts[i + 1] == e.end:
                points.append((start, phase_of[id(e)]))
                continue
        ranges.append((start, start + len(e.replacement)))
    spans: list[Span] = []
    for skipped in step.skipped:
        f = skipped.finding
        spans.extend((f.span, *f.related))
        if f.fix is not None:
            spans.extend(e.span for e in f.fix.edits)
            spans.extend(f.fix.keeps)
    ranges.extend((moved(s.start, False), moved(s.end, True)) for s in spans)
    edited = Dirty([*ranges, *((p, p) for p, _ in points)], seen=(ranges, points) if points else None)
    kept = [(moved(k.start, False), moved(k.end, True)) for f in step.applied if f.fix is not None for k in f.fix.keeps]
    if not kept:
        return edited
    return Dirty([*ranges, *((p, p) for p, _ in points), *kept], edited=edited)


def clean_document(doc: Document, config: Config | None = None, *, incremental: bool = True) -> CleanResult:
    """Check ``doc`` and apply the safe fixes; repeat on the output until nothing changes.

    The report describes the first pass (its offsets refer to the input).  Later
    passes exist as a safety net and are capped by ``config.max_passes``.  They look only
    at what the pass before changed or could not fix (``incremental``; ``False`` re-checks
    the whole text every time, the reference the incremental passes are tested against).
    """
    config = config or Config()
    memo: dict[str, Any] | None = {} if incremental else None
    first = check_document(doc, config, memo=memo)
    fixed: FixResult = apply_fixes(doc.text, first.findings)
    result = CleanResult(doc, first.findings, text=fixed.text, applied=fixed.applied, skipped=fixed.skipped)
    if fixed.text == doc.text or config.max_passes < 2:
        return result
    # the later passes make little garbage and no lasting cycles, while everything pass 1 made
    # (findings, blocks, the memo) lives until the end: the collector waits until they are done
    # instead of walking all that again and again (a gen-2 collection costs 10-25 ms on a 10 MB
    # text).  Whatever they leave is collected as usual afterwards
    paused = gc.isenabled()
    if paused:
        gc.disable()
    try:
        result.text = _later_passes(result, fixed, config, memo, incremental)
    finally:
        if paused:
            gc.enable()
    return result


def _later_passes(result: CleanResult, fixed: FixResult, config: Config, memo: dict[str, Any] | None,
                  incremental: bool) -> str:
    """Passes 2.. of :func:`clean_document`: the text they end with."""
    doc = result.doc
    text = fixed.text
    step = fixed
    current = doc
    for _ in range(config.max_passes - 1):
        if text == doc.text:
            break
        if incremental:
            dirty: Dirty | None = changed_places(step, current.block_starts)
            current = current.edited(text, _edits(step))
        else:
            dirty = None
            current = Document(text, doc.path, doc.encoding, doc.bom, doc.newline)
        again = check_document(current, config, fixable_only=True, dirty=dirty, memo=memo)
        step = apply_fixes(text, again.findings)
        if not step.applied or step.text == text:
            break
        result.passes += 1
        result.later_fixes += len(step.applied)
        text = step.text
    return text
