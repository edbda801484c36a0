"""SARIF 2.1.0: validates against the official schema; columns in code points; stable fingerprints."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from dedup.config import Config
from dedup.engine import check_document
from dedup.model import Document
from dedup.records import build_record
from dedup.reporters import get_reporter
from dedup.rules import registry


def _validate(report: dict[str, Any], schemas: Path) -> None:
    import jsonschema

    schema = json.loads((schemas / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))
    validator_cls = jsonschema.validators.validator_for(schema)
    validator_cls.check_schema(schema)
    errors = sorted(validator_cls(schema).iter_errors(report), key=lambda e: list(e.path))
    assert not errors, "\n".join(f"{list(e.path)}: {e.message}" for e in errors[:5])


def _render(records, opts) -> dict[str, Any]:
    return json.loads(get_reporter("sarif").render(records, opts))


def test_example_page_validates_against_the_sarif_schema(page_record, unreadable, make_astral, opts, schemas):
    report = _render([page_record, make_astral(), unreadable], opts)
    _validate(report, schemas)
    run = report["runs"][0]
    assert report["version"] == "2.1.0"
    assert run["columnKind"] == "unicodeCodePoints"
    assert len(run["results"]) == len(page_record.findings) + 1
    # an unreadable file is a tool notification, and the run is marked unsuccessful
    invocation = run["invocations"][0]
    assert invocation["executionSuccessful"] is False
    assert "docs/broken.txt" in invocation["toolExecutionNotifications"][0]["message"]["text"]


def test_invalid_sarif_is_caught_by_the_schema(page_record, opts, schemas):
    report = _render([page_record], opts)
    report["runs"][0]["columnKind"] = "bytes"
    with pytest.raises(AssertionError):
        _validate(report, schemas)


def test_rules_metadata_lists_every_rule_and_indexes_match(page_record, opts):
    run = _render([page_record], opts)["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    assert [r["id"] for r in rules] == [r.code for r in registry.all()]
    for rule in rules:
        assert rule["shortDescription"]["text"]
        assert rule["defaultConfiguration"]["level"] in ("error", "warning", "note")
        assert rule["properties"]["kind"] in rule["properties"]["tags"]
    for result in run["results"]:
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]


def test_regions_are_code_points_on_chinese_lines(page_record, opts):
    run = _render([page_record], opts)["runs"][0]
    doc = page_record.doc
    assert doc is not None
    lines = page_record.text.split("\n")
    beyond_ascii = 0
    for result, finding in zip(run["results"], page_record.findings, strict=True):
        region = result["locations"][0]["physicalLocation"]["region"]
        start = doc.line_starts[region["startLine"] - 1] + region["startColumn"] - 1
        end = doc.line_starts[region["endLine"] - 1] + region["endColumn"] - 1
        assert (start, end) == (finding.span.start, finding.span.end)
        assert (region["charOffset"], region["charLength"]) == (finding.span.start, len(finding.span))
        prefix = lines[region["startLine"] - 1][: region["startColumn"] - 1]
        if len(prefix.encode("utf-8")) != len(prefix):
            beyond_ascii += 1
    # the page has findings in mid-line after Chinese text, where the units differ
    assert beyond_ascii >= 1


def test_columns_count_code_points_not_utf16_or_bytes(make_astral, opts):
    result = _render([make_astral()], opts)["runs"][0]["results"][0]
    region = result["locations"][0]["physicalLocation"]["region"]
    # the second copy follows 𠮷 + 8 characters: 9 code points (10 UTF-16 units, 28 bytes)
    assert (region["startLine"], region["startColumn"], region["endLine"], region["endColumn"]) == (3, 10, 3, 19)
    assert region["snippet"]["text"] == "𠮷野家的菜单很长。"
    twin = result["relatedLocations"][0]["physicalLocation"]["region"]
    assert (twin["startColumn"], twin["endColumn"]) == (1, 10)
    replacement = result["fixes"][0]["artifactChanges"][0]["replacements"][0]
    assert replacement["deletedRegion"]["startColumn"] == 10
    assert replacement["insertedContent"]["text"] == ""
    assert result["level"] == "warning"


def test_partial_fingerprints_survive_an_edit_elsewhere(page_text, opts):
    def fingerprints(text: str) -> list[str]:
        record = build_record(check_document(Document(text, path="page.txt"), Config()))
        results = _render([record], opts)["runs"][0]["results"]
        return [r["partialFingerprints"]["dedupFingerprint/v1"] for r in results]

    before = fingerprints(page_text)
    assert before
    assert len(set(before)) == len(before), "fingerprints must be unique within a run"
    first = Document(page_text).blocks[0]
    # an edit in front of everything shifts every offset and line
    shifted = fingerprints(page_text[: first.start] + "前言：本页为测试而加。\n\n" + page_text[first.start :])
    assert set(before) <= set(shifted)


def test_identical_findings_get_distinct_fingerprints(make_astral, opts):
    record = make_astral()
    twin = record.findings[0]
    from dataclasses import replace

    record.findings.append(replace(twin))
    results = _render([record], opts)["runs"][0]["results"]
    keys = [r["partialFingerprints"]["dedupFingerprint/v1"] for r in results]
    assert keys[0].rsplit(":", 1)[0] == keys[1].rsplit(":", 1)[0]
    assert keys[0] != keys[1]
