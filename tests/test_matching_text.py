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


_CJK_HEAVY = st.lists(
    st.one_of(st.characters(min_codepoint=0x4E00, max_codepoint=0x4E40), _SPECIAL, st.characters()),
    max_size=60,
).map("".join)


@settings(max_examples=2000, deadline=None)
@given(_CJK_HEAVY, st.integers(1, 7))
def test_table_path_equals_the_reference(text: str, chunk: int) -> None:
    """The numpy code-unit table (long texts), chunk edges anywhere, or its fallback (None)."""
    import numpy  # noqa: F401  (the table path is taken when numpy is loaded)

    old = normalize_module._CHUNK
    normalize_module._CHUNK = chunk
    try:
        folded = normalize_module._matching_text_table(text)
    finally:
        normalize_module._CHUNK = old
    expected = normalize_reference(text).text
    assert folded is None or folded == expected
    if all(ord(c) < 0x10000 and not 0xD800 <= ord(c) < 0xE000 and len(normalize_reference(c).text) <= 1
           and all(ord(f) < 0x10000 for f in normalize_reference(c).text) for c in text):
        assert folded == expected  # the fallback only for what the table cannot hold


def test_long_texts_take_the_table_path(monkeypatch: pytest.MonkeyPatch) -> None:
    import numpy  # noqa: F401
    from gen_docs import big_document

    text = big_document(120_000, seed=3) + big_document(20_000, seed=4, lang="en")
    calls: list[int] = []
    original = normalize_module._fold_chunk
    monkeypatch.setattr(normalize_module, "_fold_chunk", lambda t: calls.append(len(t)) or original(t))
    assert matching_text(text) == normalize_reference(text).text
    assert calls
    assert matching_text(text.encode("ascii", "ignore").decode()) == normalize_reference(
        text.encode("ascii", "ignore").decode()).text


def test_offsets_on_a_fresh_table(monkeypatch: pytest.MonkeyPatch) -> None:
    """normalize() reads the translate table for offsets: the ASCII byte path must not leave it empty."""
    monkeypatch.setattr(normalize_module, "_TABLE", {})
    monkeypatch.setattr(normalize_module, "_SEEN", set())
    monkeypatch.setattr(normalize_module, "_MULTI", set())
    for text in ("ab  cd\tEF", "Ｘ y\u3000中 文"):
        assert normalize(text) == normalize_reference(text)


def test_unified_ideographs_fold_to_themselves() -> None:
    """The translate table takes U+4E00-U+9FFF as identity without asking fold_char: true for every one."""
    from dedup.normalize import fold_char

    assert all(fold_char(chr(o)) == chr(o) for o in range(0x4E00, 0xA000))


@settings(max_examples=2000, deadline=None)
@given(st.lists(st.text(max_size=12), max_size=8))
def test_matching_texts_equals_one_call_per_text(texts: list[str]) -> None:
    # NUL joins the batch: a text holding one must still come back on its own
    from dedup.normalize import matching_texts

    assert matching_texts(texts) == [matching_text(t) for t in texts]
