"""Data-file cases of NUM001 numbering-gap (tests/data/rules/numbering-gap.json).

Each case has ``text``, ``findings`` (how many NUM001 findings) and optionally ``message`` (a
text every finding's message holds) and ``note``.  NUM001 reports and never changes the text.
"""

from __future__ import annotations

from typing import Any

import pytest
from rule_cases import check_case_files, load_cases

import dedup
from dedup.config import Config

RULES = ("numbering-gap",)
CASES = load_cases(RULES)
CONFIG = Config(select=("NUM001",))


def test_case_file_is_well_formed() -> None:
    check_case_files(CASES, RULES, {"id", "text", "findings", "message", "note"})


@pytest.mark.parametrize(("rule", "case"), CASES)
def test_case(rule: str, case: dict[str, Any]) -> None:
    text = case["text"]
    findings = dedup.check_text(text, CONFIG)
    assert len(findings) == case["findings"], [f.message for f in findings]
    for finding in findings:
        assert finding.rule == "NUM001" and finding.fix is None
        assert case.get("message", "") in finding.message
    assert dedup.clean_text(text, CONFIG).text == text


def test_a_long_jump_names_its_ends_and_counts() -> None:
    from dedup.rules.numbering_gap import _label

    assert [_label("cn-paren", v) for v in (3, 12, 99, 100, 101, 119)] == [
        "（三）", "（十二）", "（九十九）", "（一百）", "（一百零一）", "（一百一十九）"
    ]
    heads = "\n\n".join(f"（{n}）第{n}项工作\n\n正文。" for n in ("一", "二", "十"))
    (finding,) = dedup.check_text(heads, CONFIG)
    assert finding.message.endswith("（三） to （九） are missing (7 numbers)")
