"""An editor's decisions on proposed fixes: record them, save them, replay them.

The review page (``dedup report``), the terminal review (``dedup review``) and
``dedup clean --decisions FILE`` share one file format and one rule for turning
decisions into text, so that replaying a decisions file gives exactly the text
the editor downloaded.

File format (``dedup-decisions/1``, JSON)::

    {"schema": "dedup-decisions/1",
     "documents": [{"path": "page.txt", "sha256": "<hex of the UTF-8 text>",
                    "decisions": [{"fingerprint": "...", "rule": "DUP001", "kind": "duplicate-paragraph",
                                   "start": 130, "end": 197, "decision": "reject"}]}]}

A finding is identified by its rule, its fingerprint (the normalised matched
text and twin text, :attr:`dedup.model.Finding.fingerprint`) and its offsets;
when the offsets no longer match (the document was edited elsewhere) the
finding of that rule and fingerprint nearest to the recorded offset is taken.

How a decision turns into text:

* ``accept``: the fix is applied, even a fix not marked safe (the editor vouched for it);
* ``reject`` and ``skip``: the fix is not applied (``skip`` means "seen, left for later");
* a finding the file does not mention (a rule added since, a new finding): treated
  as ``dedup clean`` treats it, i.e. applied when its fix is safe.

The chosen fixes then go through :func:`dedup.fixer.apply_fixes` like any others:
a fix that overlaps a higher-priority chosen fix, or would touch a retained twin,
is still skipped and reported.  Replaying is a single pass: later passes of
``clean`` would apply fixes nobody reviewed.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from dedup.engine import CleanResult, check_document
from dedup.fixer import FixResult, apply_fixes
from dedup.model import Document, Finding

if TYPE_CHECKING:
    from dedup.config import Config

__all__ = [
    "ACCEPT",
    "DECISIONS_SCHEMA",
    "REJECT",
    "SKIP",
    "DecidedCleanResult",
    "Decision",
    "DecisionSet",
    "DecisionsError",
    "DocumentDecisions",
    "apply_decisions",
    "chosen_findings",
    "clean_with_decisions",
    "match_decisions",
    "text_digest",
]

DECISIONS_SCHEMA = "dedup-decisions/1"
ACCEPT = "accept"
REJECT = "reject"
SKIP = "skip"
_VALUES = (ACCEPT, REJECT, SKIP)


class DecisionsError(ValueError):
    """A decisions file that cannot be used; the message is one line."""


def text_digest(text: str) -> str:
    """SHA-256 of ``text`` as UTF-8 (surrogates escaped), used to recognise a document.

    >>> text_digest("")[:12]
    'e3b0c44298fc'
    """
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


@dataclass(frozen=True, slots=True)
class Decision:
    """What the editor decided about one finding's fix."""

    fingerprint: str
    rule: str
    start: int
    end: int
    decision: str
    kind: str = ""

    def __post_init__(self) -> None:
        if self.decision not in _VALUES:
            raise DecisionsError(f"decision must be one of {', '.join(_VALUES)}, not {self.decision!r}")

    @classmethod
    def of(cls, finding: Finding, decision: str) -> Decision:
        span = finding.span
        return cls(finding.fingerprint, finding.rule, span.start, span.end, decision, finding.kind)

    def to_dict(self) -> dict[str, Any]:
        return {
            "fingerprint": self.fingerprint,
            "rule": self.rule,
            "kind": self.kind,
            "start": self.start,
            "end": self.end,
            "decision": self.decision,
        }


@dataclass
class DocumentDecisions:
    """The decisions on one document."""

    path: str
    sha256: str
    decisions: list[Decision] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {"path": self.path, "sha256": self.sha256, "decisions": [d.to_dict() for d in self.decisions]}

    @classmethod
    def record(
        cls, doc: Document, findings: Iterable[Finding], states: Mapping[int, str]
    ) -> DocumentDecisions:
        """Decisions for every finding with a fix; ``states`` maps ``id(finding)`` to a decision.

        Fixes the editor did not reach are recorded as ``skip``, so replaying the
        file never applies a fix nobody saw.
        """
        out = cls(doc.path, text_digest(doc.text))
        for finding in findings:
            if finding.fix is not None:
                out.decisions.append(Decision.of(finding, states.get(id(finding), SKIP)))
        return out


@dataclass
class DecisionSet:
    """Decisions on one or more documents, as stored in a decisions file."""

    documents: list[DocumentDecisions] = field(default_factory=list)

    def for_document(self, doc: Document) -> DocumentDecisions | None:
        """The entry for ``doc``: same text first, then same path, then the only entry there is."""
        digest = text_digest(doc.text)
        for entry in self.documents:
            if entry.sha256 == digest:
                return entry
        for entry in self.documents:
            if entry.path == doc.path:
                return entry
        return self.documents[0] if len(self.documents) == 1 else None

    def to_dict(self) -> dict[str, Any]:
        return {"schema": DECISIONS_SCHEMA, "documents": [d.to_dict() for d in self.documents]}

    def dumps(self) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=2) + "\n"

    @classmethod
    def loads(cls, data: str) -> DecisionSet:
        """Parse a decisions file.

        Raises:
            DecisionsError: not JSON, another schema, or a malformed entry.
        """
        try:
            raw = json.loads(data)
        except json.JSONDecodeError as exc:
            raise DecisionsError(f"not JSON: {exc.msg} at line {exc.lineno}") from None
        if not isinstance(raw, dict) or raw.get("schema") != DECISIONS_SCHEMA:
            raise DecisionsError(f"not a decisions file (expected schema {DECISIONS_SCHEMA!r})")
        documents = raw.get("documents")
        if not isinstance(documents, list):
            raise DecisionsError("'documents' must be a list")
        out = cls()
        for i, entry in enumerate(documents):
            try:
                out.documents.append(
                    DocumentDecisions(
                        path=str(entry.get("path", "")),
                        sha256=str(entry.get("sha256", "")),
                        decisions=[
                            Decision(
                                fingerprint=str(d["fingerprint"]),
                                rule=str(d["rule"]),
                                start=int(d["start"]),
                                end=int(d["end"]),
                                decision=str(d["decision"]),
                                kind=str(d.get("kind", "")),
                            )
                            for d in entry["decisions"]
                        ],
                    )
                )
            except (KeyError, TypeError, ValueError, AttributeError) as exc:
                if isinstance(exc, DecisionsError):
                    raise DecisionsError(f"documents[{i}]: {exc}") from None
                cause = f"{type(exc).__name__}: {exc}"
                raise DecisionsError(f"documents[{i}]: malformed entry ({cause})") from None
        return out

    @classmethod
    def load(cls, path: str | Path) -> DecisionSet:
        """Read a decisions file.

        Raises:
            DecisionsError: unreadable or malformed.
        """
        try:
            data = Path(path).read_text(encoding="utf-8")
        except OSError as exc:
            raise DecisionsError(f"cannot read {path}: {exc.strerror or exc}") from None
        except UnicodeDecodeError:
            raise DecisionsError(f"cannot read {path}: not UTF-8") from None
        return cls.loads(data)


@dataclass
class Matched:
    """Decisions paired with findings: ``states`` by ``id(finding)``; decisions that found none."""

    states: dict[int, str] = field(default_factory=dict)
    unmatched: list[Decision] = field(default_factory=list)


def match_decisions(findings: Sequence[Finding], decisions: Iterable[Decision]) -> Matched:
    """Pair each decision with a finding: same rule, fingerprint and offsets; else the nearest of that
    rule and fingerprint not yet taken."""
    out = Matched()
    pending = list(decisions)
    taken: set[int] = set()
    exact = {(f.rule, f.fingerprint, f.span.start, f.span.end): f for f in findings}
    rest: list[Decision] = []
    for d in pending:
        hit = exact.get((d.rule, d.fingerprint, d.start, d.end))
        if hit is not None and id(hit) not in taken:
            taken.add(id(hit))
            out.states[id(hit)] = d.decision
        else:
            rest.append(d)
    for d in rest:
        candidates = [
            f for f in findings if f.rule == d.rule and f.fingerprint == d.fingerprint and id(f) not in taken
        ]
        if not candidates:
            out.unmatched.append(d)
            continue
        best = min(candidates, key=lambda f: (abs(f.span.start - d.start), f.span.start))
        taken.add(id(best))
        out.states[id(best)] = d.decision
    return out


def chosen_findings(findings: Iterable[Finding], states: Mapping[int, str]) -> list[Finding]:
    """The findings whose fixes the decisions ask for (see the module docstring)."""
    chosen = []
    for finding in findings:
        if finding.fix is None:
            continue
        state = states.get(id(finding))
        if state == ACCEPT or (state is None and finding.fix.safe):
            chosen.append(finding)
    return chosen


def apply_decisions(text: str, findings: Sequence[Finding], states: Mapping[int, str]) -> FixResult:
    """The corrected text under ``states`` (``id(finding)`` -> decision), through the fixer."""
    return apply_fixes(text, chosen_findings(findings, states), only_safe=False)


def clean_with_decisions(doc: Document, config: Config | None, decisions: DecisionSet) -> DecidedCleanResult:
    """``clean_document`` with an editor's decisions: one pass, only the chosen fixes.

    The result's stats gain ``decisions``: how many were accepted, rejected or
    skipped, and how many recorded decisions matched no finding.
    """
    checked = check_document(doc, config)
    entry = decisions.for_document(doc)
    matched = match_decisions(checked.findings, entry.decisions if entry else ())
    fixed = apply_decisions(doc.text, checked.findings, matched.states)
    return DecidedCleanResult(
        doc,
        checked.findings,
        text=fixed.text,
        applied=fixed.applied,
        skipped=fixed.skipped,
        matched=matched,
    )


@dataclass
class DecidedCleanResult(CleanResult):
    """A clean result that also says how the recorded decisions matched the findings."""

    matched: Matched = field(default_factory=lambda: Matched())

    @property
    def stats(self) -> dict[str, Any]:
        stats = super().stats
        values = list(self.matched.states.values())
        stats["decisions"] = {
            "accepted": values.count(ACCEPT),
            "rejected": values.count(REJECT),
            "skipped": values.count(SKIP),
            "unmatched": len(self.matched.unmatched),
        }
        return stats
