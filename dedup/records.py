"""Plain records that every reporter formats: one per document, one per finding.

Reporters never run rules or touch files; they read these records only.  The
JSON report (schema ``dedup-report/1``) is these records serialised as they are.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from dedup.model import Document, Finding, Severity, Span

if TYPE_CHECKING:
    from dedup.engine import CheckResult

__all__ = ["SCHEMA", "FileRecord", "Position", "build_record", "error_record"]

SCHEMA = "dedup-report/1"


@dataclass(frozen=True, slots=True)
class Position:
    """Where a span lies: code-point offsets and 1-based line/column (columns in code points)."""

    start: int
    end: int
    line: int
    column: int
    end_line: int
    end_column: int

    @classmethod
    def of(cls, doc: Document, span: Span) -> Position:
        line, column = doc.line_col(span.start)
        end_line, end_column = doc.line_col(span.end)
        return cls(span.start, span.end, line, column, end_line, end_column)


@dataclass
class FileRecord:
    """One document's results; ``error`` is set (and findings empty) when it could not be read."""

    path: str
    encoding: str | None = None
    newline: str | None = None
    bom: bool = False
    findings: list[Finding] = field(default_factory=list)
    stats: dict[str, Any] = field(default_factory=dict)
    error: str | None = None
    #: the original text, for reporters that show context or convert columns
    text: str = ""
    #: the corrected text when the run cleaned the document
    corrected: str | None = None
    #: findings whose fixes were applied by clean (a subset of ``findings``)
    applied: list[Finding] = field(default_factory=list)
    doc: Document | None = None
    #: the severity from which a finding fails the check, as configured for this document
    fail_on: Severity = Severity.WARNING
    #: findings left out because a baseline accepts them (their count only)
    baselined: int = 0

    def position(self, span: Span) -> Position:
        assert self.doc is not None
        return Position.of(self.doc, span)

    def failing(self) -> list[Finding]:
        """Findings at or above this document's ``fail_on`` severity."""
        return [f for f in self.findings if f.severity.rank >= self.fail_on.rank]

    def max_severity(self) -> Severity | None:
        if not self.findings:
            return None
        return max((f.severity for f in self.findings), key=lambda s: s.rank)

    def to_dict(self) -> dict[str, Any]:
        """The document object of the JSON report."""
        if self.error is not None:
            return {"path": self.path, "error": self.error, "findings": [], "stats": {}}
        applied = {id(f) for f in self.applied}
        return {
            "path": self.path,
            "encoding": self.encoding,
            "bom": self.bom,
            "newline": {"\n": "LF", "\r\n": "CRLF", "\r": "CR"}.get(self.newline or "\n", "LF"),
            "findings": [self.finding_dict(f, applied=id(f) in applied) for f in self.findings],
            "stats": self.stats,
        }

    def finding_dict(self, finding: Finding, *, applied: bool | None = None) -> dict[str, Any]:
        pos = self.position(finding.span)
        record: dict[str, Any] = {
            "rule": finding.rule,
            "kind": finding.kind,
            "severity": finding.severity.value,
            "confidence": finding.confidence,
            "message": finding.message,
            "start": pos.start,
            "end": pos.end,
            "line": pos.line,
            "column": pos.column,
            "end_line": pos.end_line,
            "end_column": pos.end_column,
            "text": finding.span.slice(self.text),
            "related": [
                {"start": r.start, "end": r.end, "line": p.line, "column": p.column}
                for r in finding.related
                for p in (self.position(r),)
            ],
            "evidence": dict(finding.evidence),
            "fix": (
                {"edits": [e.to_dict() for e in finding.fix.edits], "safe": finding.fix.safe}
                if finding.fix is not None
                else None
            ),
            "fingerprint": finding.fingerprint,
        }
        if applied is not None and self.corrected is not None:
            record["applied"] = applied
        return record


def build_record(result: CheckResult) -> FileRecord:
    """A record from a check or clean result."""
    from dedup.engine import CleanResult

    doc = result.doc
    record = FileRecord(
        path=doc.path,
        encoding=doc.encoding,
        newline=doc.newline,
        bom=doc.bom,
        findings=list(result.findings),
        stats=result.stats,
        text=doc.text,
        doc=doc,
    )
    if isinstance(result, CleanResult):
        record.corrected = result.text
        record.applied = list(result.applied)
    return record


def error_record(path: str, message: str) -> FileRecord:
    return FileRecord(path=path, error=message)
