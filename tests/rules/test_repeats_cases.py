"""Per-rule data-file cases of REP001–REP003 (tests/data/rules/<rule>.json).

Each case has ``text`` and ``findings`` (how many findings the rule reports) and
optionally ``fixed`` (the text once the rule's safe fixes are applied; default:
unchanged), ``proposed`` (the text once its unsafe fixes are applied too),
``severity`` (of every finding), ``span``/``related`` (of the first finding).
Negative cases (``findings: 0``) include every ``must_not_change`` item of the
example page.
"""

from __future__ import annotations

from typing import Any

import pytest
from rule_cases import check_case_files, load_cases

import dedup
from dedup.config import Config
from dedup.fixer import apply_fixes
from dedup.rules import registry

RULES = ("repeated-phrase", "stutter", "repeated-name")
KNOWN_FIELDS = {"id", "text", "findings", "fixed", "proposed", "severity", "span", "related", "note"}


CASES = load_cases(RULES)


def test_case_files_are_well_formed() -> None:
    check_case_files(CASES, RULES, KNOWN_FIELDS)


@pytest.mark.parametrize(("rule", "case"), CASES)
def test_case(rule: str, case: dict[str, Any]) -> None:
    code = registry.get(rule).code
    text = case["text"]
    findings = [f for f in dedup.check_text(text, Config(select=(code,))) if f.rule == code]
    shown = [(f.span, f.span.slice(text), f.severity.value, f.fix is not None) for f in findings]
    assert len(findings) == case["findings"], shown
    for finding in findings:
        assert finding.kind == rule
        assert 0.0 < finding.confidence <= 1.0
        if "severity" in case:
            assert finding.severity.value == case["severity"]
        if finding.fix is not None:
            # the removed copy is the finding's span and the kept copy is named
            assert finding.fix.keeps, "a deletion must name its retained twin"
            assert finding.related and finding.related[0] == finding.fix.keeps[0]
    if "span" in case:
        assert [findings[0].span.start, findings[0].span.end] == case["span"]
    if "related" in case:
        assert [findings[0].related[0].start, findings[0].related[0].end] == case["related"]
    fixed = apply_fixes(text, findings).text
    assert fixed == case.get("fixed", text)
    if "proposed" in case:
        assert apply_fixes(text, findings, only_safe=False).text == case["proposed"]
    # applying the fixes leaves nothing more for the rule to fix
    again = dedup.check_text(fixed, Config(select=(code,)))
    assert not [f for f in again if f.fix is not None and f.fix.safe]
