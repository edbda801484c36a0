"""SARIF 2.1.0, for GitHub code scanning and other SARIF viewers.

Columns are code points (``columnKind: unicodeCodePoints``), the unit of the
findings' offsets.  Every registered rule is listed with its metadata so that
``ruleIndex`` is stable; each result carries ``partialFingerprints`` built from
the finding's fingerprint (rule, matched text, twin text) plus an occurrence
number, so results survive edits elsewhere in the document.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from dedup.baseline import occurrences
from dedup.model import Finding, Severity, Span
from dedup.records import FileRecord
from dedup.reporters import Reporter, ReportOptions, RuleMeta, register
from dedup.reporters._units import line_col

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
FINGERPRINT_KEY = "dedupFingerprint/v1"
_LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}
_SNIPPET = 200


def artifact_location(path: str) -> dict[str, Any]:
    """A relative path against ``%SRCROOT%`` (the working directory); an absolute one as a file URI."""
    p = Path(path)
    if path == "-":
        return {"uri": "stdin"}
    if p.is_absolute():
        return {"uri": p.as_uri()}
    return {"uri": p.as_posix(), "uriBaseId": "%SRCROOT%"}


def region(record: FileRecord, span: Span, *, snippet: bool = True) -> dict[str, Any]:
    start_line, start_col = line_col(record, span.start)
    end_line, end_col = line_col(record, span.end)
    out: dict[str, Any] = {
        "startLine": start_line,
        "startColumn": start_col,
        "endLine": end_line,
        "endColumn": end_col,
        "charOffset": span.start,
        "charLength": len(span),
    }
    if snippet:
        text = span.slice(record.text)
        out["snippet"] = {"text": text if len(text) <= _SNIPPET else text[: _SNIPPET - 1] + "…"}
    return out


def _rule_descriptor(meta: RuleMeta, options: ReportOptions) -> dict[str, Any]:
    descriptor: dict[str, Any] = {
        "id": meta.code,
        "name": meta.name,
        "shortDescription": {"text": meta.description},
        "fullDescription": {"text": meta.help or meta.description},
        "help": {"text": meta.help or meta.description},
        "defaultConfiguration": {"level": _LEVEL[Severity.parse(meta.default_severity)]},
        "properties": {"tags": [meta.kind, *meta.groups], "kind": meta.kind, "fixable": meta.fixable},
    }
    if options.help_uri:
        descriptor["helpUri"] = options.help_uri.format(code=meta.code)
    return descriptor


def _result(record: FileRecord, finding: Finding, key: str, nth: int, rule_index: dict[str, int]) -> dict[str, Any]:
    location = artifact_location(record.path)
    result: dict[str, Any] = {
        "ruleId": finding.rule,
        "level": _LEVEL[finding.severity],
        "kind": "fail",
        "message": {"text": finding.message},
        "locations": [{"physicalLocation": {"artifactLocation": location, "region": region(record, finding.span)}}],
        "partialFingerprints": {FINGERPRINT_KEY: f"{key}:{nth}"},
        "properties": {"kind": finding.kind, "confidence": finding.confidence},
    }
    if finding.rule in rule_index:
        result["ruleIndex"] = rule_index[finding.rule]
    if finding.related:
        result["relatedLocations"] = [
            {
                "id": i,
                "message": {"text": "the retained twin" if finding.fix is not None and span in finding.fix.keeps
                            else "related text"},
                "physicalLocation": {"artifactLocation": location, "region": region(record, span)},
            }
            for i, span in enumerate(finding.related, start=1)
        ]
    if finding.fix is not None:
        result["fixes"] = [
            {
                "description": {"text": ("fix applied by `dedup clean`" if finding.fix.safe
                                         else "proposed fix (not applied automatically: review it)")},
                "artifactChanges": [
                    {
                        "artifactLocation": location,
                        "replacements": [
                            {
                                "deletedRegion": region(record, edit.span, snippet=False),
                                "insertedContent": {"text": edit.replacement},
                            }
                            for edit in finding.fix.edits
                        ],
                    }
                ],
            }
        ]
    return result


@register
class SarifReporter(Reporter):
    name = "sarif"
    description = "SARIF 2.1.0 (GitHub code scanning), columns in code points"

    def render(self, records: Sequence[FileRecord], options: ReportOptions) -> str:
        metas = list(options.rule_meta)
        known = {m.code for m in metas}
        # a finding of a rule the caller did not describe still gets a descriptor
        for record in records:
            for f in record.findings:
                if f.rule not in known:
                    name, description, kind = options.rules.get(f.rule, (f.rule.lower(), f.rule, f.kind))
                    metas.append(RuleMeta(f.rule, name, kind, description))
                    known.add(f.rule)
        rule_index = {m.code: i for i, m in enumerate(metas)}
        results: list[dict[str, Any]] = []
        notifications: list[dict[str, Any]] = []
        artifacts: list[dict[str, Any]] = []
        for record in records:
            if record.error is not None:
                notifications.append(
                    {
                        "level": "error",
                        "message": {"text": f"{record.path}: {record.error}"},
                        "locations": [{"physicalLocation": {"artifactLocation": artifact_location(record.path)}}],
                    }
                )
                continue
            artifact: dict[str, Any] = {"location": artifact_location(record.path)}
            if record.encoding:
                artifact["encoding"] = record.encoding
            artifacts.append(artifact)
            for finding, key, nth in occurrences(record.findings):
                results.append(_result(record, finding, key, nth, rule_index))
        run: dict[str, Any] = {
            "tool": {
                "driver": {
                    "name": "dedup",
                    "informationUri": "https://pypi.org/project/ocr-dedup/",
                    "rules": [_rule_descriptor(m, options) for m in metas],
                }
            },
            "invocations": [
                {"executionSuccessful": not notifications, "toolExecutionNotifications": notifications}
            ],
            "originalUriBaseIds": {"%SRCROOT%": {"uri": Path.cwd().as_uri() + "/"}},
            "artifacts": artifacts,
            "columnKind": "unicodeCodePoints",
            "results": results,
        }
        if options.tool_version:
            run["tool"]["driver"]["version"] = options.tool_version
            run["tool"]["driver"]["semanticVersion"] = options.tool_version
        report = {"$schema": SARIF_SCHEMA, "version": "2.1.0", "runs": [run]}
        return json.dumps(report, ensure_ascii=False, indent=2) + "\n"
