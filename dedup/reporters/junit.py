"""JUnit XML: one test case per document, one ``<failure>`` per finding that fails the check.

Findings below the document's ``fail-on`` severity do not fail the test case;
they are listed in its ``<system-out>``.  CI systems (GitLab, Jenkins, Azure)
show the failures in their test views.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from xml.etree import ElementTree as ET

from dedup.model import Finding
from dedup.records import FileRecord
from dedup.reporters import Reporter, ReportOptions, register

# characters XML 1.0 cannot carry at all (OCR output does contain stray control characters)
_INVALID_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_EXCERPT = 120


def _xml_text(text: str) -> str:
    return _INVALID_XML.sub("\ufffd", text)


def _describe(record: FileRecord, f: Finding) -> str:
    pos = record.position(f.span)
    excerpt = " ".join(f.span.slice(record.text).split())
    if len(excerpt) > _EXCERPT:
        excerpt = excerpt[: _EXCERPT - 1] + "…"
    return (f"{record.path}:{pos.line}:{pos.column}: {f.rule} {f.kind} [{f.severity.value}, "
            f"confidence {f.confidence:.2f}]\n{f.message}\ntext: {excerpt}")


@register
class JunitReporter(Reporter):
    name = "junit"
    description = "JUnit XML, one test case per document and a failure per finding"

    def render(self, records: Sequence[FileRecord], options: ReportOptions) -> str:
        suites = ET.Element("testsuites", name="dedup")
        suite = ET.SubElement(suites, "testsuite", name="dedup")
        failures = errors = 0
        for record in records:
            case = ET.SubElement(suite, "testcase", classname="dedup", name=_xml_text(record.path),
                                 file=_xml_text(record.path))
            if record.error is not None:
                errors += 1
                error = ET.SubElement(case, "error", type="InputError", message=_xml_text(record.error))
                error.text = _xml_text(f"{record.path}: {record.error}")
                continue
            failing = record.failing()
            if failing:
                failures += 1
            for f in failing:
                failure = ET.SubElement(case, "failure", type=f.rule, message=_xml_text(" ".join(f.message.split())))
                failure.text = _xml_text(_describe(record, f))
            failed = {id(f) for f in failing}
            below = [f for f in record.findings if id(f) not in failed]
            if below:
                out = ET.SubElement(case, "system-out")
                out.text = _xml_text("\n\n".join(_describe(record, f) for f in below))
        counts = {"tests": str(len(records)), "failures": str(failures), "errors": str(errors), "skipped": "0"}
        for element in (suites, suite):
            for key, value in counts.items():
                if key != "skipped" or element is suite:
                    element.set(key, value)
        ET.indent(suites)
        return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(suites, encoding="unicode") + "\n"
