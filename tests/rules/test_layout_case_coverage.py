"""Every layout rule's data-file cases include the hard negatives issue #4 names.

Issue #4: "Each rule has its data-file test cases, including negatives: a legitimately
short paragraph, a heading without punctuation, a sentence ending in a closing quote
or bracket, a list item without punctuation, poetry lines."  A negative is a case with
``findings: 0``; its id says which of these it is.
"""

from __future__ import annotations

import json

import pytest
from rule_cases import DATA, LAYOUT_RULES

RULES = LAYOUT_RULES
#: each required negative, and the words in a case id that name it
REQUIRED = {
    "a legitimately short paragraph": ("short", "one-sentence"),
    "a heading without punctuation": ("heading", "headline", "title"),
    "a sentence ending in a closing quote or bracket": ("quote", "bracket"),
    "a list item without punctuation": ("list",),
    "poetry lines": ("poetry",),
}


@pytest.mark.parametrize("rule", RULES)
def test_rule_has_every_required_negative(rule: str) -> None:
    cases = json.loads((DATA / f"{rule}.json").read_text(encoding="utf-8"))["cases"]
    negatives = [c["id"] for c in cases if c["findings"] == 0]
    missing = [what for what, words in REQUIRED.items() if not any(w in i for i in negatives for w in words)]
    assert not missing, f"{rule} lacks negatives: {missing}"
