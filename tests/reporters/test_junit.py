"""JUnit XML: a test case per document, a failure per finding at or above fail-on."""

from __future__ import annotations

from xml.etree import ElementTree as ET

from dedup.model import Severity
from dedup.reporters import get_reporter


def _parse(records, opts) -> ET.Element:
    return ET.fromstring(get_reporter("junit").render(records, opts))


def test_one_testcase_per_document_and_one_failure_per_finding(page_record, make_astral, unreadable, opts):
    root = _parse([page_record, make_astral(), unreadable], opts)
    suite = root.find("testsuite")
    assert suite is not None
    cases = suite.findall("testcase")
    assert [c.get("name") for c in cases] == [page_record.path, "docs/astral.txt", "docs/broken.txt"]
    assert len(cases[0].findall("failure")) == len(page_record.failing())
    assert [f.get("type") for f in cases[0].findall("failure")] == [f.rule for f in page_record.failing()]
    assert cases[2].find("error") is not None
    assert (suite.get("tests"), suite.get("failures"), suite.get("errors")) == ("3", "2", "1")
    assert root.get("failures") == "2"


def test_findings_below_fail_on_are_listed_not_failed(page_record, make_astral, opts):
    page_record.fail_on = Severity.ERROR
    astral = make_astral(Severity.ERROR)
    astral.fail_on = Severity.ERROR
    root = _parse([page_record, astral], opts)
    page_case, astral_case = root.findall("testsuite/testcase")
    assert page_case.findall("failure") == []
    out = page_case.find("system-out")
    assert out is not None and out.text is not None
    assert out.text.count(page_record.path + ":") == len(page_record.findings)
    assert len(astral_case.findall("failure")) == 1
    assert root.get("failures") == "1"


def test_control_characters_do_not_break_the_xml(make_astral, opts):
    record = make_astral()
    record.findings[0].message = "start\x01of heading and NUL\x00"
    root = _parse([record], opts)
    failure = root.find("testsuite/testcase/failure")
    assert failure is not None
    assert failure.get("message") == "start\ufffdof heading and NUL\ufffd"


def test_failure_text_points_at_line_and_column(make_astral, opts):
    case = _parse([make_astral()], opts).find("testsuite/testcase")
    assert case is not None
    failure = case.find("failure")
    assert failure is not None and failure.text is not None
    assert failure.text.startswith("docs/astral.txt:3:10: REP001 repeated-phrase [warning")
    assert "𠮷野家的菜单很长。" in failure.text
