"""Accepted findings: a baseline file records them so that CI reports only new ones.

Plain-text OCR documents have no comment syntax for ``noqa``-style suppressions,
so accepted findings live here (or in the config's ``ignore``), never in the
document.  A finding is identified by its fingerprint: the rule, the normalised
matched text and the text of its twin(s), never offsets, so an edit elsewhere in
the document does not invalidate the baseline.  The same fingerprint may occur
several times in one document (three copies of a paragraph make two findings
with the same texts); the baseline stores how many times, and a later run
reports only the occurrences beyond that count.

The file (schema ``dedup-baseline/1``) is JSON keyed by document path relative to
the baseline file's folder, so it stays valid wherever the check runs from::

    {"schema": "dedup-baseline/1",
     "documents": {"docs/page.txt": [{"fingerprint": "…", "rule": "DUP001", "count": 1, "text": "…"}]}}
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from dedup.model import Finding
from dedup.records import FileRecord

__all__ = ["SCHEMA", "Baseline", "BaselineError", "fingerprint_key", "occurrences"]

SCHEMA = "dedup-baseline/1"
_EXCERPT = 40


class BaselineError(ValueError):
    """A baseline file that cannot be read; the message is one line."""


def fingerprint_key(finding: Finding) -> str:
    """A short stable hash of the finding's fingerprint (rule, matched text, twin text).

    >>> from dedup.model import Finding, Severity, Span
    >>> f = Finding("DUP001", "duplicate-paragraph", Severity.WARNING, 1.0, "m", Span(0, 1), fingerprint="DUP001:a:a")
    >>> fingerprint_key(f)
    'ec2ef0780a4b9a31e7d5a3517cbe5a2b'
    """
    source = finding.fingerprint or f"{finding.rule}:{finding.kind}:{finding.message}"
    return hashlib.sha256(source.encode("utf-8", "surrogatepass")).hexdigest()[:32]


def occurrences(findings: Iterable[Finding]) -> Iterator[tuple[Finding, str, int]]:
    """Each finding with its fingerprint key and how many earlier findings (in order) share it."""
    seen: Counter[str] = Counter()
    for finding in findings:
        key = fingerprint_key(finding)
        yield finding, key, seen[key]
        seen[key] += 1


@dataclass
class _Entry:
    rule: str
    count: int
    text: str


@dataclass
class Baseline:
    """Accepted findings per document: fingerprint key -> entry with its count."""

    root: Path
    documents: dict[str, dict[str, _Entry]] = field(default_factory=dict)

    # --- building and storing ---------------------------------------------------------------

    @classmethod
    def from_records(cls, records: Sequence[FileRecord], path: str | Path) -> Baseline:
        """The baseline accepting every finding of ``records``, to be stored at ``path``."""
        baseline = cls(Path(path).resolve().parent)
        for record in records:
            if record.error is not None:
                continue
            entries: dict[str, _Entry] = {}
            for finding, key, _ in occurrences(record.findings):
                if key in entries:
                    entries[key].count += 1
                else:
                    excerpt = " ".join(finding.span.slice(record.text).split())[:_EXCERPT]
                    entries[key] = _Entry(finding.rule, 1, excerpt)
            if entries:
                baseline.documents[baseline.document_key(record.path)] = entries
        return baseline

    @classmethod
    def load(cls, path: str | Path) -> Baseline:
        """Read a baseline file.

        Raises:
            BaselineError: missing, not JSON, or not a ``dedup-baseline/1`` file.
        """
        file = Path(path)
        try:
            data = json.loads(file.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise BaselineError(f"{file}: no such baseline file (create it with --write-baseline)") from None
        except OSError as exc:
            raise BaselineError(f"{file}: {exc.strerror or exc}") from None
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            raise BaselineError(f"{file}: not a JSON baseline: {exc}") from None
        if not isinstance(data, dict) or data.get("schema") != SCHEMA:
            raise BaselineError(f"{file}: not a {SCHEMA} file")
        documents = data.get("documents")
        if not isinstance(documents, dict):
            raise BaselineError(f"{file}: 'documents' must be an object")
        baseline = cls(file.resolve().parent)
        for name, items in documents.items():
            if not isinstance(items, list):
                raise BaselineError(f"{file}: documents.{name} must be a list")
            entries: dict[str, _Entry] = {}
            for item in items:
                try:
                    entries[str(item["fingerprint"])] = _Entry(
                        str(item.get("rule", "")), int(item.get("count", 1)), str(item.get("text", ""))
                    )
                except (KeyError, TypeError, ValueError):
                    raise BaselineError(f"{file}: documents.{name}: an entry lacks a fingerprint or count") from None
            baseline.documents[name] = entries
        return baseline

    def to_dict(self, tool_version: str = "") -> dict[str, Any]:
        return {
            "schema": SCHEMA,
            "tool": {"name": "dedup", "version": tool_version},
            "documents": {
                name: [
                    {"fingerprint": key, "rule": e.rule, "count": e.count, "text": e.text}
                    for key, e in sorted(entries.items(), key=lambda kv: (kv[1].rule, kv[0]))
                ]
                for name, entries in sorted(self.documents.items())
            },
        }

    def dumps(self, tool_version: str = "") -> str:
        return json.dumps(self.to_dict(tool_version), ensure_ascii=False, indent=2) + "\n"

    # --- using --------------------------------------------------------------------------------

    def document_key(self, path: str) -> str:
        """How a document is named in the file: relative to the baseline's folder when under it."""
        if path == "-":
            return path
        resolved = Path(path).resolve()
        try:
            return resolved.relative_to(self.root).as_posix()
        except ValueError:
            return resolved.as_posix()

    def new_findings(self, record: FileRecord) -> tuple[list[Finding], int]:
        """The findings of ``record`` the baseline does not accept, and how many it accepts.

        When a fingerprint occurs more often than the baseline counts, the first
        occurrences (in document order) count as accepted and the rest as new.
        """
        entries = self.documents.get(self.document_key(record.path), {})
        if not entries:
            return list(record.findings), 0
        new = [f for f, key, nth in occurrences(record.findings) if key not in entries or nth >= entries[key].count]
        return new, len(record.findings) - len(new)

    def apply(self, records: Iterable[FileRecord]) -> int:
        """Drop accepted findings from ``records`` (setting ``baselined``); return how many were dropped."""
        dropped = 0
        for record in records:
            if record.error is not None:
                continue
            record.findings, record.baselined = self.new_findings(record)
            _restate(record)
            dropped += record.baselined
        return dropped


def _restate(record: FileRecord) -> None:
    """Recount the record's stats over the findings left, so the report agrees with itself."""
    if not record.baselined or not record.stats:
        return
    stats = record.stats
    stats["findings"] = len(record.findings)
    stats["fixable"] = sum(1 for f in record.findings if f.fix is not None and f.fix.safe)
    stats["by_kind"] = dict(sorted(Counter(f.kind for f in record.findings).items()))
    stats["by_severity"] = dict(sorted(Counter(f.severity.value for f in record.findings).items()))
    stats["baselined"] = record.baselined
