"""A table of findings and a summary, for people at a terminal."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from dedup.records import FileRecord
from dedup.reporters import Reporter, ReportOptions, register

_MAX_MESSAGE = 90


def _short(text: str, limit: int = _MAX_MESSAGE) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


@register
class TableReporter(Reporter):
    name = "table"
    description = "a table of findings (file, line, kind, severity, message) and a summary"

    def render(self, records: Sequence[FileRecord], options: ReportOptions) -> str:
        rows = []
        errors = []
        for record in records:
            if record.error is not None:
                errors.append(f"{record.path}: error: {record.error}")
                continue
            if options.quiet:
                continue  # only the summary is shown: no positions to compute
            applied = {id(f) for f in record.applied}
            for f in record.findings:
                pos = record.position(f.span)
                action = ""
                if record.corrected is not None:
                    action = "fixed" if id(f) in applied else ("skipped" if f.fix and f.fix.safe else "review")
                elif f.fix is not None and f.fix.safe:
                    action = "fixable"
                rows.append(
                    [
                        record.path,
                        f"{pos.line}:{pos.column}",
                        f.rule,
                        f.kind,
                        f.severity.value,
                        f"{f.confidence:.2f}",
                        action,
                        _short(f.message),
                    ]
                )
        out: list[str] = []
        if rows and not options.quiet:
            from tabulate import tabulate  # ~15 ms: only when there is a table to print

            out.append(
                tabulate(rows, headers=["file", "line:col", "rule", "kind", "severity", "conf", "action", "message"])
            )
        out.extend(errors)
        counts = Counter(f.severity.value for r in records for f in r.findings)
        n_docs = sum(1 for r in records if r.error is None)
        n_find = sum(counts.values())
        parts = [
            f"{n_docs} document{'s' if n_docs != 1 else ''} checked",
            f"{n_find} finding{'s' if n_find != 1 else ''}",
        ]
        if n_find:
            parts.append(", ".join(f"{counts[s]} {s}" for s in ("error", "warning", "info") if counts[s]))
        fixed = sum(len(r.applied) for r in records)
        if any(r.corrected is not None for r in records):
            later = sum(int(r.stats.get("later_fixes", 0) or 0) for r in records)
            # what the later passes of clean fixed is not among the findings: say so
            parts.append(f"{fixed} fixed" + (f" ({later} more found and fixed on later passes)" if later else ""))
        else:
            fixable = sum(1 for r in records for f in r.findings if f.fix is not None and f.fix.safe)
            if fixable:
                parts.append(f"{fixable} fixable with `dedup clean`")
        baselined = sum(r.baselined for r in records)
        if baselined:
            parts.append(f"{baselined} more accepted by the baseline")
        if errors:
            parts.append(f"{len(errors)} file{'s' if len(errors) != 1 else ''} could not be read")
        out.append("; ".join(parts) + ".")
        return "\n\n".join(out) + "\n"
