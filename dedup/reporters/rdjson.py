"""reviewdog Diagnostic Format (rdjson), for ``reviewdog -f=rdjson``.

Columns are UTF-8 bytes, 1-based, end exclusive, as reviewdog expects; fixes
become ``suggestions`` (one per edit; deletions have empty text) that reviewdog
posts as suggested changes in pull-request reviews.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from dedup.model import Severity, Span
from dedup.records import FileRecord
from dedup.reporters import Reporter, ReportOptions, register
from dedup.reporters._units import line_col

_SEVERITY = {Severity.ERROR: "ERROR", Severity.WARNING: "WARNING", Severity.INFO: "INFO"}
SOURCE = {"name": "dedup", "url": "https://pypi.org/project/ocr-dedup/"}


def byte_range(record: FileRecord, span: Span) -> dict[str, Any]:
    start_line, start_col = line_col(record, span.start, "utf8")
    end_line, end_col = line_col(record, span.end, "utf8")
    return {"start": {"line": start_line, "column": start_col}, "end": {"line": end_line, "column": end_col}}


@register
class RdjsonReporter(Reporter):
    name = "rdjson"
    description = "reviewdog diagnostics (rdjson), columns in UTF-8 bytes, fixes as suggestions"

    def render(self, records: Sequence[FileRecord], options: ReportOptions) -> str:
        diagnostics: list[dict[str, Any]] = []
        for record in records:
            if record.error is not None:
                diagnostics.append(
                    {
                        "message": f"cannot check: {record.error}",
                        "location": {"path": record.path},
                        "severity": "ERROR",
                        "source": SOURCE,
                    }
                )
                continue
            for f in record.findings:
                code: dict[str, Any] = {"value": f.rule}
                if options.help_uri:
                    code["url"] = options.help_uri.format(code=f.rule)
                diagnostic: dict[str, Any] = {
                    "message": f.message,
                    "location": {"path": record.path, "range": byte_range(record, f.span)},
                    "severity": _SEVERITY[f.severity],
                    "source": SOURCE,
                    "code": code,
                }
                if f.fix is not None:
                    diagnostic["suggestions"] = [
                        {"range": byte_range(record, e.span), "text": e.replacement} for e in f.fix.edits
                    ]
                if f.related:
                    diagnostic["related_locations"] = [
                        {"message": "twin", "location": {"path": record.path, "range": byte_range(record, r)}}
                        for r in f.related
                    ]
                diagnostics.append(diagnostic)
        report = {"source": SOURCE, "diagnostics": diagnostics}
        return json.dumps(report, ensure_ascii=False, indent=2) + "\n"
