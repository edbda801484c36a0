"""The versioned JSON report (``dedup-report/1``)."""

from __future__ import annotations

import json
from collections.abc import Sequence

from dedup.records import SCHEMA, FileRecord
from dedup.reporters import Reporter, ReportOptions, register


@register
class JsonReporter(Reporter):
    name = "json"
    description = "the versioned JSON report (schema dedup-report/1)"

    def render(self, records: Sequence[FileRecord], options: ReportOptions) -> str:
        report = {
            "schema": SCHEMA,
            "tool": {"name": "dedup", "version": options.tool_version},
            "documents": [r.to_dict() for r in records],
        }
        return json.dumps(report, ensure_ascii=False, indent=2) + "\n"
