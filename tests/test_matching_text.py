"""The fast matching form (str.translate) is the matching form of normalize(), character for character."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dedup import normalize as normalize_module
from dedup.normalize import matching_text, normalize, normalize_reference

_SPECIAL = st.sampled_from(list("Ａ１，。、“”‘’（）【】—–…·•\u3000\u00a0\u200b\ufeff\u0301İß㈠ﬁ\ud800\udcff\r\n\t"))


@settings(max_examples=2000, deadline=None)
@given(st.lists(st.one_of(st.characters(), _SPECIAL)).map("".join))
def test_matching_text_equals_normalize(text: str) -> None:
    assert matching_text(text) == normalize_reference(text).text


@settings(max_examples=2000, deadline=None)
@given(st.lists(st.one_of(st.characters(), _SPECIAL)).map("".join), st.integers(0, 1000), st.booleans())
def test_fast_normalize_equals_the_reference(text: str, base: int, keep_space: bool) -> None:
    assert normalize(text, base, keep_space) == normalize_reference(text, base, keep_space)


def test_the_table_stays_right_when_it_is_cleared(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(normalize_module, "_TABLE_LIMIT", 8)
    for text in ("abcdef", "ghijkl", "Ａ，b  c 中文", "abcdef"):
        assert normalize(text) == normalize_reference(text)


def test_generated_document() -> None:

    from gen_docs import big_document

    text = big_document(50_000, seed=7, lang="mixed")
    assert matching_text(text) == normalize_reference(text).text
    assert normalize(text) == normalize_reference(text)
