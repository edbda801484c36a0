"""GitHub workflow commands: one annotation per finding, UTF-16 columns, escaping, a summary line."""

from __future__ import annotations

import re

from dedup.model import Severity
from dedup.reporters import get_reporter
from dedup.reporters.github import ANNOTATION_LIMIT

_ANNOTATION = re.compile(r"^::(error|warning|notice) (?P<props>[^:]*)::(?P<message>.*)$")


def _annotations(output: str) -> list[tuple[str, dict[str, str], str]]:
    found = []
    for line in output.splitlines():
        m = _ANNOTATION.match(line)
        if m:
            props = dict(p.split("=", 1) for p in m["props"].split(","))
            found.append((m[1], props, m["message"]))
    return found


def test_one_annotation_per_finding_then_a_summary(page_record, opts):
    output = get_reporter("github").render([page_record], opts)
    annotations = _annotations(output)
    assert len(annotations) == len(page_record.findings)
    last = output.rstrip("\n").splitlines()[-1]
    assert last.startswith(f"dedup: {len(page_record.findings)} findings")
    assert "in 1 of 1 document" in last
    if len(page_record.findings) > ANNOTATION_LIMIT:
        assert f"first {ANNOTATION_LIMIT} annotations" in last
    # the plain list in a collapsible group carries every finding too
    assert output.count("::group::") == 1
    commands = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}
    for (level, props, _), finding in zip(annotations, page_record.findings, strict=True):
        assert level == commands[finding.severity]
        assert props["file"] == page_record.path
        assert props["title"].split()[0] in {f.rule for f in page_record.findings}


def test_columns_are_utf16_units_and_only_on_single_line_findings(page_record, make_astral, opts):
    output = get_reporter("github").render([make_astral(), page_record], opts)
    annotations = _annotations(output)
    _, props, message = annotations[0]
    # 𠮷 counts 2 UTF-16 units: the second copy starts at unit 11 (code point 10)
    assert (props["line"], props["col"], props["endLine"], props["endColumn"]) == ("3", "11", "3", "21")
    # the message's comma and newline are escaped; properties escape ':' and ','
    assert message == "sentence printed twice: 'x', then%0Aa second line"
    assert props["title"] == "REP001 repeated-phrase" or props["title"].startswith("REP001")
    for (_, props, _), finding in zip(annotations[1:], page_record.findings, strict=True):
        pos = page_record.position(finding.span)
        assert props["line"] == str(pos.line)
        if pos.line == pos.end_line:
            # no character outside the BMP on the page: UTF-16 units equal code points there
            assert props["col"] == str(pos.column)
        else:
            assert "col" not in props and "endColumn" not in props


def test_severities_map_to_commands_and_errors_are_reported(make_astral, unreadable, opts):
    output = get_reporter("github").render(
        [make_astral(Severity.ERROR), make_astral(Severity.INFO, "b.txt"), unreadable], opts
    )
    levels = [a[0] for a in _annotations(output)]
    assert levels == ["error", "notice", "error"]
    assert "::error file=docs/broken.txt,title=dedup::cannot check: binary file" in output
    assert output.rstrip().endswith("1 file could not be checked.")


def test_escaping_of_properties():
    from dedup.reporters.github import escape_data, escape_property

    assert escape_property("dir,x/a:b.txt") == "dir%2Cx/a%3Ab.txt"
    assert escape_data("100%\r\n") == "100%25%0D%0A"


def test_quiet_drops_the_plain_list_but_not_the_annotations(page_record, opts):
    from dataclasses import replace

    output = get_reporter("github").render([page_record], replace(opts, quiet=True))
    assert "::group::" not in output
    assert len(_annotations(output)) == len(page_record.findings)
