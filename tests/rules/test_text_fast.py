"""heading_number's first-character test never turns a numbered heading away (differential test)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

import dedup.rules._text as text_helpers
from dedup.rules._text import HeadingNumber, heading_number

_ALPHABET = list("第一二三四五六七八九十百千两零〇章节条、，,．.（()）123４٣ \t\u3000abc")


def _reference(text: str) -> HeadingNumber | None:
    stripped = text.lstrip(" \t\u3000")
    offset = len(text) - len(stripped)
    for style, pattern in text_helpers._NUMBER_PATTERNS:
        m = pattern.match(stripped)
        if not m:
            continue
        raw = m.group(1)
        value = int(raw) if raw.isdigit() else text_helpers.cn_number(raw)
        if value is None or value == 0:
            continue
        return HeadingNumber(style, value, offset + m.end())
    return None


@settings(max_examples=3000, deadline=None)
@given(st.one_of(st.lists(st.sampled_from(_ALPHABET), max_size=8).map("".join), st.text(max_size=8)))
def test_heading_number_equals_trying_every_pattern(text: str) -> None:
    assert heading_number(text) == _reference(text)
