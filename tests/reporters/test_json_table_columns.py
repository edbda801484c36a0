"""The json report and the table count columns in code points, on Chinese lines too."""

from __future__ import annotations

import json

from dedup.reporters import get_reporter


def test_json_positions_are_code_points(page_record, make_astral, opts):
    report = json.loads(get_reporter("json").render([page_record, make_astral()], opts))
    page, astral = report["documents"]
    doc = page_record.doc
    assert doc is not None
    for f in page["findings"]:
        assert doc.line_starts[f["line"] - 1] + f["column"] - 1 == f["start"]
        assert doc.line_starts[f["end_line"] - 1] + f["end_column"] - 1 == f["end"]
        assert page_record.text[f["start"] : f["end"]] == f["text"]
    [f] = astral["findings"]
    assert (f["line"], f["column"], f["end_column"]) == (3, 10, 19)


def test_table_line_col_are_code_points(make_astral, opts):
    out = get_reporter("table").render([make_astral()], opts)
    assert "3:10" in out and "REP001" in out
