"""Data-file cases of the duplicate rules (tests/data/rules/duplicate-paragraph.json and
duplicate-section.json).

Each case has ``text``, ``findings`` (how many findings of the rule) and, when the rule fixes it,
``fixed`` (the text ``clean`` makes with the duplicate rules alone); a case without findings must
come out of ``clean`` unchanged.  Hard negatives: texts alike but for their numbers.
"""

from __future__ import annotations

from typing import Any

import pytest
from rule_cases import check_case_files, load_cases

import dedup
from dedup.config import Config

RULES = ("duplicate-paragraph", "duplicate-section")
CASES = load_cases(RULES)
CODES = {"duplicate-paragraph": "DUP001", "duplicate-section": "DUP002"}
CONFIG = Config(select=("DUP001", "DUP002", "DUP003"))


def test_case_files_are_well_formed() -> None:
    check_case_files(CASES, RULES, {"id", "text", "findings", "fixed", "note"})


@pytest.mark.parametrize(("rule", "case"), CASES)
def test_case(rule: str, case: dict[str, Any]) -> None:
    text = case["text"]
    findings = [f for f in dedup.check_text(text, CONFIG) if f.rule == CODES[rule]]
    assert len(findings) == case["findings"], [f.message for f in findings]
    assert dedup.clean_text(text, CONFIG).text == case.get("fixed", text)
