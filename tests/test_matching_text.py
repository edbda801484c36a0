"""The fast matching form (str.translate) is the matching form of normalize(), character for character."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from dedup.normalize import matching_text, normalize

_SPECIAL = st.sampled_from(list("Ａ１，。、“”‘’（）【】—–…·•\u3000\u00a0\u200b\ufeff\u0301İß㈠ﬁ\ud800\udcff\r\n\t"))


@settings(max_examples=2000, deadline=None)
@given(st.lists(st.one_of(st.characters(), _SPECIAL)).map("".join))
def test_matching_text_equals_normalize(text: str) -> None:
    assert matching_text(text) == normalize(text).text


def test_generated_document() -> None:

    from gen_docs import big_document

    text = big_document(50_000, seed=7, lang="mixed")
    assert matching_text(text) == normalize(text).text
