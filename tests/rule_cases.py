"""Loading per-rule data-file cases (tests/data/rules/<rule-name>.json) into readable test ids."""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pytest

DATA = Path(__file__).resolve().parent / "data" / "rules"
#: the layout rules (LAY001-LAY007) whose cases live in DATA
LAYOUT_RULES = (
    "broken-paragraph",
    "splice",
    "running-header",
    "page-marker",
    "orphan-fragment",
    "boundary-overlap",
    "scan-overlap",
)


def load_cases(rules: Iterable[str]) -> list[Any]:
    """One ``pytest.param(rule, case, id="rule:case-id")`` per case of each rule's file."""
    params = []
    for rule in rules:
        data = json.loads((DATA / f"{rule}.json").read_text(encoding="utf-8"))
        assert data["rule"] == rule
        for case in data["cases"]:
            params.append(pytest.param(rule, case, id=f"{rule}:{case['id']}"))
    return params


def check_case_files(cases: list[Any], rules: Iterable[str], known_fields: set[str]) -> None:
    """Unique ids, known fields, and for every rule both cases to flag and hard negatives."""
    ids = [p.id for p in cases]
    assert len(ids) == len(set(ids)), "case ids must be unique"
    for param in cases:
        _, case = param.values
        assert set(case) <= known_fields, f"{param.id}: unknown fields {set(case) - known_fields}"
        assert isinstance(case["findings"], int)
    for rule in rules:
        positives = [p for p in cases if p.values[0] == rule and p.values[1]["findings"] > 0]
        negatives = [p for p in cases if p.values[0] == rule and p.values[1]["findings"] == 0]
        assert positives and negatives, f"{rule} needs cases that must be flagged and cases that must not"
