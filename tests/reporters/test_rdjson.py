"""reviewdog rdjson: validates against DiagnosticResult.json; columns in UTF-8 bytes; fixes as suggestions."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from dedup.reporters import get_reporter


def _validate(report: dict[str, Any], schemas: Path) -> None:
    import jsonschema

    schema = json.loads((schemas / "rdjson" / "DiagnosticResult.json").read_text(encoding="utf-8"))
    validator_cls = jsonschema.validators.validator_for(schema)
    errors = list(validator_cls(schema).iter_errors(report))
    assert not errors, "\n".join(f"{list(e.path)}: {e.message}" for e in errors[:5])


def _render(records, opts) -> dict[str, Any]:
    return json.loads(get_reporter("rdjson").render(records, opts))


def _byte_offset(text: str, line: int, column: int) -> int:
    """The code-point offset of a 1-based line and 1-based UTF-8 byte column (the reviewdog unit)."""
    lines = text.split("\n")
    start = sum(len(x) + 1 for x in lines[: line - 1])
    prefix = lines[line - 1].encode("utf-8")[: column - 1].decode("utf-8")  # fails mid-character
    return start + len(prefix)


def test_example_page_validates_against_the_rdjson_schema(page_record, unreadable, make_astral, opts, schemas):
    report = _render([page_record, make_astral(), unreadable], opts)
    _validate(report, schemas)
    assert report["source"]["name"] == "dedup"
    assert len(report["diagnostics"]) == len(page_record.findings) + 2
    assert report["diagnostics"][-1]["severity"] == "ERROR"
    assert "binary file" in report["diagnostics"][-1]["message"]


def test_schema_rejects_a_wrong_severity(page_record, opts, schemas):
    report = _render([page_record], opts)
    report["diagnostics"][0]["severity"] = "SEVERE"
    with pytest.raises(AssertionError):
        _validate(report, schemas)


def test_ranges_are_utf8_bytes_on_chinese_lines(page_record, opts):
    report = _render([page_record], opts)
    differs = 0
    for diagnostic, finding in zip(report["diagnostics"], page_record.findings, strict=True):
        rng = diagnostic["location"]["range"]
        start = _byte_offset(page_record.text, rng["start"]["line"], rng["start"]["column"])
        end = _byte_offset(page_record.text, rng["end"]["line"], rng["end"]["column"])
        assert (start, end) == (finding.span.start, finding.span.end)
        assert diagnostic["code"]["value"] == finding.rule
        pos = page_record.position(finding.span)
        differs += rng["start"]["column"] != pos.column
    assert differs >= 1, "some finding starts after Chinese text, where bytes and code points differ"


def test_astral_columns_and_suggestion(make_astral, opts):
    diagnostic = _render([make_astral()], opts)["diagnostics"][0]
    rng = diagnostic["location"]["range"]
    # 𠮷 is 4 bytes, the 8 other characters 3 each: the second copy starts at byte 29
    assert rng == {"start": {"line": 3, "column": 29}, "end": {"line": 3, "column": 57}}
    assert diagnostic["suggestions"] == [{"range": rng, "text": ""}]
    assert diagnostic["related_locations"][0]["location"]["range"]["start"]["column"] == 1
    assert diagnostic["severity"] == "WARNING"


def test_every_fix_edit_becomes_a_suggestion(page_record, opts):
    report = _render([page_record], opts)
    for diagnostic, finding in zip(report["diagnostics"], page_record.findings, strict=True):
        edits = finding.fix.edits if finding.fix else ()
        assert len(diagnostic.get("suggestions", [])) == len(edits)
        for suggestion, edit in zip(diagnostic.get("suggestions", []), edits, strict=True):
            assert suggestion["text"] == edit.replacement
            start = suggestion["range"]["start"]
            assert _byte_offset(page_record.text, start["line"], start["column"]) == edit.start
