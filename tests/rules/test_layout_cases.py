"""Per-rule data-file cases of LAY001-LAY007 (tests/data/rules/<rule-name>.json).

Each case has ``text`` and ``findings`` (how many findings of the rule), and
optionally ``fixed`` (the text ``clean`` gives with the rule, and the rules named
in ``with``, selected; default: unchanged) and ``note``.  Every rule has cases it
must flag and hard negatives it must leave alone: a legitimately short paragraph,
a heading without punctuation, a sentence ending in a closing quote or bracket, a
list item without punctuation, poetry lines.
"""

from __future__ import annotations

from typing import Any

import pytest
from rule_cases import LAYOUT_RULES, check_case_files, load_cases

import dedup
from dedup.config import Config
from dedup.rules import registry

RULES = LAYOUT_RULES
KNOWN_FIELDS = {"id", "text", "findings", "fixed", "with", "note"}
#: LAY007 reports a run read twice inside one block as a repeated phrase
KINDS = {"scan-overlap": ("duplicate-section", "repeated-phrase")}


CASES = load_cases(RULES)


def test_case_files_are_well_formed() -> None:
    check_case_files(CASES, RULES, KNOWN_FIELDS)


@pytest.mark.parametrize(("rule", "case"), CASES)
def test_case(rule: str, case: dict[str, Any]) -> None:
    code = registry.get(rule).code
    config = Config(select=(code, *case.get("with", ())))
    text = case["text"]
    findings = [f for f in dedup.check_text(text, config) if f.rule == code]
    shown = [(f.span, f.span.slice(text), f.message) for f in findings]
    assert len(findings) == case["findings"], shown
    for finding in findings:
        assert finding.kind in KINDS.get(rule, (rule,))
        assert 0.0 < finding.confidence <= 1.0
        assert finding.message
    result = dedup.clean_text(text, config)
    assert result.text == case.get("fixed", text)
    # clean is idempotent: the corrected text has nothing more to fix
    assert dedup.clean_text(result.text, config).text == result.text


def test_rule_classes_document_themselves() -> None:
    for rule in RULES:
        cls = registry.get(rule)
        doc = cls.__doc__ or ""
        assert "Anti-pattern" in doc and "Best practice" in doc, rule
        assert cls.examples_bad and cls.examples_good, rule
        assert cls.description() and not cls.description().endswith(":")


@pytest.mark.parametrize("rule", RULES)
def test_class_examples(rule: str) -> None:
    cls = registry.get(rule)
    config = Config(select=(cls.code, "LAY001", "LAY003"))
    for bad, fixed in cls.examples_bad:
        findings = [f for f in dedup.check_text(bad, config) if f.rule == cls.code]
        assert findings, f"{cls.code} misses its own bad example {bad!r}"
        if fixed is not None:
            assert dedup.clean_text(bad, config).text == fixed
    for good in cls.examples_good:
        findings = [f for f in dedup.check_text(good, config) if f.rule == cls.code]
        assert not findings, f"{cls.code} flags its own good example {good!r}: {findings}"
