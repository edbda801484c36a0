"""The rule contract and the per-document context rules share."""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Iterator, Mapping, Sequence
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


class Dirty:
    """Where the text changed since the previous pass of ``clean``: sorted, merged, closed ranges
    of code-point offsets in the current text (a deletion leaves a point, ``start == end``).

    A later pass only has to find what involves these places: everything else was decided by the
    previous pass on the same text (see :attr:`Context.dirty`).
    """

    __slots__ = ("_edited", "_seen", "_unseen", "ends", "starts")

    def __init__(self, ranges: Iterable[tuple[int, int]], edited: Dirty | None = None, *,
                 seen: tuple[list[tuple[int, int]], list[tuple[int, int]]] | None = None) -> None:
        self._edited = edited
        # (the places but whole-block deletion points, [(point, phase of the rule that deleted)]):
        # see unseen_by
        self._seen = seen
        self._unseen: dict[int, Dirty] = {}
        starts: list[int] = []
        ends: list[int] = []
        for start, end in sorted(ranges):
            if starts and start <= ends[-1]:
                ends[-1] = max(ends[-1], end)
            else:
                starts.append(start)
                ends.append(end)
        self.starts = starts
        self.ends = ends

    def __bool__(self) -> bool:
        return bool(self.starts)

    @property
    def edited(self) -> Dirty:
        """These places less the retained twins of the fixes the previous pass applied: where the
        text changed, and everything of the fixes it skipped.

        Enough for a rule whose evidence is the text within a reach of its finding (and the
        findings of earlier phases there): a twin that a fix kept is unchanged, and so is the text
        around it unless another place is near (its safe findings were decided by the previous
        pass).  A rule that follows twins or document-wide counts (the duplicate rules, LAY007,
        LAY003) needs every place; so does a rule whose findings such a rule reads.
        """
        return self if self._edited is None else self._edited

    def unseen_by(self, phase: int) -> Dirty:
        """:attr:`edited` less the points where the previous pass deleted a whole block (with the
        blank lines after it) by a fix of a rule of an earlier phase than ``phase``.

        Enough for a rule of that phase that treats the blocks earlier phases delete as gone
        (:meth:`Context.removed_blocks`) and otherwise reads only the blocks near its finding:
        on the previous pass it already met the blocks around such a point as neighbours, with
        the texts they have now (a block that changed since has a place of its own).
        """
        edited = self.edited
        if edited._seen is None:
            return edited
        found = edited._unseen.get(phase)
        if found is None:
            rest, points = edited._seen
            found = edited._unseen[phase] = Dirty([*rest, *((p, p) for p, ph in points if ph >= phase)])
        return found

    def __len__(self) -> int:
        return len(self.starts)

    def __repr__(self) -> str:
        return f"Dirty({list(zip(self.starts, self.ends, strict=True))})"

    def touches(self, start: int, end: int, reach: int = 0) -> bool:
        """Whether ``[start - reach, end + reach]`` (closed) meets a changed place."""
        i = bisect_left(self.ends, start - reach)
        return i < len(self.starts) and self.starts[i] <= end + reach

    def block_indices(self, blocks: Sequence[Block], reach: int = 0, *,
                      starts: Sequence[int] | None = None) -> list[int]:
        """Indices of the blocks meeting a changed place (a block's trailing separator counts as
        its own), widened by ``reach`` blocks on each side; sorted.  ``starts``: the blocks'
        starts, if the caller has them (``Document.block_starts``)."""
        n = len(blocks)
        out: list[int] = []
        if not n:
            return out
        if starts is None and len(self.starts) >= 64:
            # many places (a second pass of a long clean has thousands) are located in a list of
            # the block starts, bisected in C; a few through the blocks (a key bisection calls the
            # key some thirty times a place, building the list costs a pass over every block)
            starts = [b.start for b in blocks]
        last = -1  # the places are sorted, so are the runs of blocks they meet: merged as they come
        for start, end in zip(self.starts, self.ends, strict=True):
            # the last block starting at or before each end of the range
            if starts is None:
                lo = bisect_right(blocks, start, key=_block_start) - 1
                hi = bisect_right(blocks, end, key=_block_start) - 1
            else:
                lo = bisect_right(starts, start) - 1
                hi = bisect_right(starts, end) - 1
            lo = max(lo - reach, 0, last + 1)
            hi = min(max(hi, 0) + reach, n - 1)
            if lo <= hi:
                out.extend(range(lo, hi + 1))
                last = hi
        return out


def _block_start(block: Block) -> int:
    return block.start


#: ``unseen_by`` this phase: the places where a block's own text changed (no whole-block deletion's
#: point: the blocks around it kept their texts), for a rule asking which blocks may newly be
#: something on their own text alone
ALTERED = 1 << 30

#: changed places in at least this share of the blocks are "all over the text": the rules take
#: their whole-text path (already the cheaper one there), without locating each place
DIRTY_ALL_OVER = 4


def covered_blocks(blocks: Sequence[Block], spans: Iterable[tuple[int, int]]) -> set[int]:
    """Indices of blocks lying inside one of ``spans``.

    Blocks are in document order and do not overlap, so the blocks inside a span are a
    run starting at the first block that starts in it: a bisection per span, no pass
    over all blocks.
    """
    out: set[int] = set()
    n = len(blocks)
    for start, end in spans:
        i = bisect_left(blocks, start, key=_block_start)
        while i < n and blocks[i].end <= end:
            out.add(blocks[i].index)
            i += 1
    return out


@dataclass
class Context:
    """What a rule sees: the document, its options, and the findings of earlier phases."""

    doc: Document
    config: Config
    findings: list[Finding] = field(default_factory=list)
    #: shared analyses computed once per document (keyed by name), e.g. the block duplicate runs
    cache: dict[str, Any] = field(default_factory=dict)
    enabled: frozenset[str] = frozenset()
    #: ``None`` on a full check.  On a later pass of ``clean``: where the previous pass changed the
    #: text.  A rule may then skip work whose outcome cannot involve a changed place, but it must
    #: still return every finding with a safe fix that a full run would return and whose evidence
    #: (the text it looked at to decide) meets a changed place; everything else was decided, on the
    #: same text, by the previous pass.  It must not propose a safe fix a full run would not (it
    #: would be applied); extra unfixed findings are harmless.  Earlier-phase findings far from
    #: the changes are missing from ``findings`` in this mode, unfixed ones included: a rule that
    #: reads them must not decide anything far from the changes.
    dirty: Dirty | None = None
    #: caches that live across the passes of one ``clean`` (``None`` on a plain check).  Keys must
    #: be content (text, not offsets or block indices): the text moves between passes.
    memo: dict[str, Any] | None = None

    @property
    def text(self) -> str:
        return self.doc.text

    @property
    def blocks(self) -> Sequence[Block]:
        """The document's blocks (on a later pass of ``clean``, each made when first read)."""
        return self.doc.block_list

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
        blocks = self.blocks
        if len(deletions) * 64 < len(blocks):
            # few deletions (a later pass of clean): a bisection each, no pass over every block
            return covered_blocks(blocks, [(d.start, d.end) for d in deletions])
        # both lists are sorted by start: a block is covered by one of the deletions starting at or
        # before it, and of those the one reaching furthest decides
        reach = -1
        d = 0
        for block in blocks:
            while d < len(deletions) and deletions[d].start <= block.start:
                reach = max(reach, deletions[d].end)
                d += 1
            if block.end <= reach:
                removed.add(block.index)
        return removed

    def dirty_blocks(self, reach: int = 0, *, edited: bool = False, unseen_by: int | None = None) -> list[int] | None:
        """On a later pass of ``clean``: the indices of the blocks meeting a changed place (of
        :attr:`Dirty.edited` with ``edited``, for a rule whose evidence is the text near its
        finding; of :meth:`Dirty.unseen_by` with ``unseen_by``, a rule's phase), widened by
        ``reach`` blocks, sorted; located once per pass for every rule.  None on a full run, and
        when the places number a ``1 / DIRTY_ALL_OVER`` share of the blocks or more (a rule then
        looks at the whole text, as on a full run).
        """
        if self.dirty is None:
            return None
        if len(self._places(edited, unseen_by)) * DIRTY_ALL_OVER >= len(self.blocks):
            return None
        return self.changed_blocks(reach, edited=edited, unseen_by=unseen_by)

    def changed_blocks(self, reach: int = 0, *, edited: bool = False, unseen_by: int | None = None) -> list[int]:
        """:meth:`dirty_blocks` however many the places are (a later pass of ``clean`` only)."""
        key = f"_dirty_blocks.{edited}.{unseen_by}.{reach}"
        found: list[int] | None = self.cache.get(key)
        if found is None:
            places = self._places(edited, unseen_by)
            found = self.cache[key] = places.block_indices(self.blocks, reach, starts=self.doc.block_starts)
        return found

    def _places(self, edited: bool, unseen_by: int | None) -> Dirty:
        assert self.dirty is not None
        if unseen_by is not None:
            return self.dirty.unseen_by(unseen_by)
        return self.dirty.edited if edited else self.dirty

    def live_blocks(self) -> Iterator[Block]:
        """Blocks that survive the deletions planned so far."""
        removed = self.removed_blocks()
        return (b for b in self.blocks if b.index not in removed)
