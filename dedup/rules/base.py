"""The rule contract and the per-document context rules share."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar

from dedup.model import Block, Document, Finding, Fix, Severity, Span

if TYPE_CHECKING:
    from dedup.config import Config


class Rule:
    """Base class of every rule.

    Subclasses set the class attributes and implement :meth:`check`.  The first
    line of the docstring is the user-facing description; the sections
    ``Anti-pattern`` and ``Best practice`` feed ``dedup explain``.

    Rules run in ascending ``phase`` (then code) whatever order the user selects
    them in, so a rule may read the findings of earlier phases through
    :attr:`Context.findings` (e.g. which blocks are about to be removed).
    """

    code: ClassVar[str]
    name: ClassVar[str]
    kind: ClassVar[str]
    groups: ClassVar[tuple[str, ...]] = ()
    fixable: ClassVar[bool] = False
    phase: ClassVar[int] = 50
    default_severity: ClassVar[Severity] = Severity.WARNING
    #: option name -> default value; users override under [tool.dedup.rules.<code or name>]
    options: ClassVar[Mapping[str, Any]] = {}
    #: (flagged text, expected fix or None) examples for ``dedup explain`` and the meta-tests.
    examples_bad: ClassVar[tuple[tuple[str, str | None], ...]] = ()
    examples_good: ClassVar[tuple[str, ...]] = ()

    def check(self, ctx: Context) -> Iterable[Finding]:
        raise NotImplementedError

    @classmethod
    def description(cls) -> str:
        doc = (cls.__doc__ or "").strip()
        return doc.splitlines()[0] if doc else cls.name

    def finding(
        self,
        ctx: Context,
        span: Span,
        message: str,
        *,
        confidence: float,
        related: Iterable[Span] = (),
        evidence: Mapping[str, Any] | None = None,
        fix: Fix | None = None,
        severity: Severity | None = None,
        kind: str | None = None,
    ) -> Finding:
        """Build a finding with this rule's code, kind and configured severity."""
        return Finding(
            rule=self.code,
            kind=kind or self.kind,
            severity=severity or ctx.severity_for(self),
            confidence=round(confidence, 3),
            message=message,
            span=span,
            related=tuple(related),
            evidence=dict(evidence or {}),
            fix=fix,
        )


@dataclass
class Context:
    """What a rule sees: the document, its options, and the findings of earlier phases."""

    doc: Document
    config: Config
    findings: list[Finding] = field(default_factory=list)
    #: shared analyses computed once per document (keyed by name), e.g. the block duplicate runs
    cache: dict[str, Any] = field(default_factory=dict)
    enabled: frozenset[str] = frozenset()

    @property
    def text(self) -> str:
        return self.doc.text

    @property
    def blocks(self) -> tuple[Block, ...]:
        return self.doc.blocks

    def option(self, rule: type[Rule] | Rule, name: str) -> Any:
        return self.config.rule_option(rule, name)

    def severity_for(self, rule: type[Rule] | Rule) -> Severity:
        return self.config.rule_severity(rule)

    def shared(self, key: str, compute: Any) -> Any:
        """Memoise a per-document analysis that several rules read."""
        if key not in self.cache:
            self.cache[key] = compute(self)
        return self.cache[key]

    def is_enabled(self, code: str) -> bool:
        return code in self.enabled

    # --- what earlier phases decided -------------------------------------------------

    def planned_deletions(self) -> list[Span]:
        """Ranges that safe fixes of earlier phases delete outright (replacement empty)."""
        spans = [
            e.span
            for f in self.findings
            if f.fix is not None and f.fix.safe
            for e in f.fix.edits
            if not e.replacement and e.end > e.start
        ]
        spans.sort()
        return spans

    def removed_blocks(self) -> set[int]:
        """Indices of blocks whose whole text a safe fix of an earlier phase deletes."""
        key = len(self.findings)
        cached = self.cache.get("_removed_blocks")
        if cached is not None and cached[0] == key:
            return set(cached[1])
        removed = self._removed_blocks()
        self.cache["_removed_blocks"] = (key, frozenset(removed))
        return removed

    def _removed_blocks(self) -> set[int]:
        deletions = self.planned_deletions()
        removed: set[int] = set()
        if not deletions:
            return removed
        # both lists are sorted by start: a block is covered by one of the deletions starting at or
        # before it, and of those the one reaching furthest decides
        reach = -1
        d = 0
        for block in self.blocks:
            while d < len(deletions) and deletions[d].start <= block.start:
                reach = max(reach, deletions[d].end)
                d += 1
            if block.end <= reach:
                removed.add(block.index)
        return removed

    def live_blocks(self) -> Iterator[Block]:
        """Blocks that survive the deletions planned so far."""
        removed = self.removed_blocks()
        return (b for b in self.blocks if b.index not in removed)
