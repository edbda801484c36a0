"""Differential tests of the duplicate rules' large-document kernels against their pure-Python twins.

* one-permutation sketches and 5-gram fingerprints equal their references bit for bit;
* band buckets, shared-key groups, alignment and shift probes give the pairs their references give;
* the banding constants are what ``optimal_params`` chooses;
* the sketch path of ``find_pairs`` agrees with brute force on a generated long document;
* the keeper's support shortcut equals counting every token of the document;
* the batched matching form equals ``matching_text`` block by block.
"""

from __future__ import annotations

import random

import numpy as np
import pytest
from gen_docs import big_document, ocr_noise, paragraph
from hypothesis import given, settings
from hypothesis import strategies as st

from dedup.model import Block, Document
from dedup.normalize import matching_text
from dedup.rules import _duplicates
from dedup.rules._duplicates import _Keeper, _norm_texts, brute_force_pairs, find_pairs
from dedup.similarity import blocks
from dedup.similarity.blocks import (
    BANDS,
    ROWS,
    aligned_pairs,
    aligned_pairs_reference,
    band_pairs,
    block_sketches,
    block_sketches_reference,
    grams_reference,
    pairs_within_groups,
    pairs_within_groups_reference,
    probe_pairs,
    probe_pairs_reference,
    shifted_pairs,
    shifted_pairs_reference,
    sketch_candidates,
    sketch_candidates_reference,
    sketches_and_grams,
)
from dedup.similarity.lsh import band_keys, optimal_params

ALPHABET = "abcdefgh中文字国家\U00020000\udcff，。 "


def _texts(seed: int, n: int = 120) -> list[str]:
    rng = random.Random(seed)
    out = ["".join(rng.choice(ALPHABET) for _ in range(rng.randrange(0, 90))) for _ in range(n)]
    return [*out, "", "a", "abcd", "abcde", "abcdef", "\U00020000" * 7]


def _copies(seed: int) -> list[str]:
    """Paragraphs with exact, noisy, truncated and slid copies of each other, in matching form."""
    rng = random.Random(seed)
    base = [matching_text(paragraph(rng, rng.choice(("zh", "en")))) for _ in range(40)]
    out = list(base)
    for text in base:
        cut = rng.randrange(len(text) // 3, len(text) + 1)
        slide = rng.randrange(0, max(1, len(text) // 12))
        out += [ocr_noise(rng, text, 0.03), text[:cut], text[len(text) - cut :], text[slide:] + "尾巴" * (slide // 2)]
    return [t for t in out if len(t) >= 10]


@pytest.mark.parametrize("seed", range(4))
def test_sketches_equal_the_reference(seed: int) -> None:
    texts = _texts(seed)
    assert np.array_equal(block_sketches(texts), block_sketches_reference(texts))


@pytest.mark.parametrize("seed", range(3))
def test_sketches_of_short_texts_equal_the_reference(seed: int) -> None:
    # a few 5-grams leave most of the 64 bins empty: long runs of holes, some wrapping around
    rng = random.Random(seed)
    alphabet = "abcdefg中文数据的一是"
    texts = ["".join(rng.choice(alphabet) for _ in range(rng.randrange(0, 40))) for _ in range(300)]
    texts += ["", "abcd", "abcde", "abcdef"]
    assert np.array_equal(block_sketches(texts), block_sketches_reference(texts))


def test_sketches_and_fingerprints_do_not_depend_on_the_batch(monkeypatch: pytest.MonkeyPatch) -> None:
    texts = _texts(7, 200)
    whole, grams, starts = sketches_and_grams(texts)
    monkeypatch.setattr(blocks, "_BATCH_CHARS", 40)
    small, grams_small, starts_small = sketches_and_grams(texts)
    assert np.array_equal(whole, small)
    assert np.array_equal(starts, starts_small)
    for i, expected in enumerate(grams_reference(texts)):
        assert grams[starts[i] : starts[i] + len(expected)].tolist() == expected
        assert grams_small[starts[i] : starts[i] + len(expected)].tolist() == expected


def test_banding_is_what_optimal_params_chooses() -> None:
    assert optimal_params(0.5, blocks.SKETCH_BINS) == (BANDS, ROWS)


@pytest.mark.parametrize("seed", range(3))
@pytest.mark.parametrize("dtype", [np.uint64, np.uint32])  # uint32: what the duplicate rules band (packed sort)
def test_band_buckets_equal_the_reference(seed: int, dtype: type) -> None:
    texts = _copies(seed)
    keys = band_keys(block_sketches(texts).astype(np.uint64), BANDS, ROWS).astype(dtype)
    got = [tuple(p) for p in sketch_candidates(keys).tolist()]
    assert got == sketch_candidates_reference(keys)
    by_band = sorted({tuple(p) for part in band_pairs(keys) for p in part.tolist()})
    assert by_band == got
    assert len(got) >= len(texts) // 2  # the copies do meet


def test_packed_band_sort_keeps_buckets_in_row_order() -> None:
    # few distinct keys, big buckets: the leader and the member before each must be those of row order
    rng = np.random.default_rng(3)
    keys = (rng.integers(0, 5, size=(300, 3)) + np.array([0, 10, 20])).astype(np.uint32)  # bands apart
    keys[:, 2] = np.uint32(0xFFFFFFFF)  # the largest key: one bucket of every row
    packed = sorted({tuple(p) for part in band_pairs(keys) for p in part.tolist()})
    stable = sorted({tuple(p) for part in band_pairs(keys.astype(np.uint64)) for p in part.tolist()})
    assert packed == stable == sketch_candidates_reference(keys)


def test_band_buckets_stay_linear_in_the_copies() -> None:
    texts = ["the same paragraph printed again and again"] * 500
    keys = band_keys(block_sketches(texts).astype(np.uint64), BANDS, ROWS)
    assert len(texts) - 1 <= len(sketch_candidates(keys)) <= 2 * len(texts)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(min_value=-3, max_value=5), max_size=40), st.integers(min_value=1, max_value=9),
       st.integers(min_value=1, max_value=6))
def test_pairs_within_groups_equal_the_reference(keys: list[int], cap: int, window: int) -> None:
    arr = np.array(keys, dtype=np.int64)
    got = sorted(tuple(p) for part in pairs_within_groups(arr, cap, window) for p in part.tolist())
    assert got == pairs_within_groups_reference(arr, cap, window)


@pytest.mark.parametrize("few", [0, 10**9], ids=["probe-by-probe", "all-probes-at-once"])
@pytest.mark.parametrize("seed", range(3))
def test_alignment_probes_equal_the_reference(seed: int, few: int, monkeypatch: pytest.MonkeyPatch) -> None:
    # a few pairs (a later pass of clean) are probed with every probe and slip in one array, many
    # probe by probe: the same answers
    from dedup.similarity import blocks

    monkeypatch.setattr(blocks, "_FEW_PROBED", few)
    texts = _copies(seed)
    _, grams, starts = sketches_and_grams(texts)
    lengths = np.array([len(t) for t in texts], dtype=np.int64)
    rng = random.Random(seed)
    pairs = np.array(sorted({(a, b) for a in range(len(texts)) for b in range(a + 1, len(texts))
                             if b - a in (40, 80, 120, 160) or rng.random() < 0.02}), dtype=np.int64)
    aligned = aligned_pairs(pairs, lengths, grams, starts)
    assert aligned.tolist() == aligned_pairs_reference(pairs, lengths, grams, starts)
    both, anchored = probe_pairs(pairs, lengths, grams, starts)
    assert list(zip(both.tolist(), anchored.tolist(), strict=True)) == probe_pairs_reference(
        pairs, lengths, grams, starts)
    shifted = shifted_pairs(pairs, lengths, grams, starts)
    assert shifted.tolist() == shifted_pairs_reference(pairs, lengths, grams, starts)
    assert 0 < aligned.sum() < len(pairs) and shifted.any()


def test_alignment_passes_the_pairs_the_verifier_accepts() -> None:
    texts = _copies(11)
    _, grams, starts = sketches_and_grams(texts)
    lengths = np.array([len(t) for t in texts], dtype=np.int64)
    pairs = np.array([(a, b) for a in range(len(texts)) for b in range(a + 1, len(texts))], dtype=np.int64)
    accepted = [_duplicates._verify(texts[a], texts[b]) is not None for a, b in pairs.tolist()]
    aligned, anchored = probe_pairs(pairs, lengths, grams, starts)
    passed = aligned | (~anchored & shifted_pairs(pairs, lengths, grams, starts))
    true = sum(accepted)
    assert true > 100
    assert sum(a and p for a, p in zip(accepted, passed.tolist(), strict=True)) >= 0.97 * true
    # and it is a filter: most pairs never reach the verifier
    assert passed.sum() < 0.2 * len(pairs)


def test_sketch_path_agrees_with_brute_force_on_a_long_document(monkeypatch: pytest.MonkeyPatch) -> None:
    doc = Document(big_document(40_000, seed=5))
    norms = _norm_texts(doc.blocks)
    reference = {p.key for p in brute_force_pairs(norms)}
    monkeypatch.setattr(_duplicates, "ALL_PAIRS_LIMIT", 0)
    fast = {p.key for p in find_pairs(norms, doc.blocks) if p.how != "heading"}
    assert fast <= reference
    assert len(reference) > 20
    assert len(fast) >= 0.97 * len(reference)


def _keeper_doc(seed: int) -> Document:
    rng = random.Random(seed)
    paras = [paragraph(rng, rng.choice(("zh", "en", "mixed"))) for _ in range(30)]
    paras += ["ab中文ab中文混合 ÅΣσς İstanbul", "ab中文 cd"]
    for _ in range(8):
        src = rng.randrange(len(paras))
        paras.append(ocr_noise(rng, paras[src], 0.04))
    return Document("\n\n".join(paras))


@pytest.mark.parametrize("seed", range(4))
def test_keeper_support_shortcut_equals_counting_every_token(seed: int) -> None:
    doc = _keeper_doc(seed)
    rng = random.Random(seed)
    n = len(doc.blocks)
    for _ in range(40):
        first = sorted(rng.sample(range(n), rng.randint(1, 2)))
        second = sorted(rng.sample([i for i in range(n) if i not in first], rng.randint(1, 2)))
        fast = _Keeper(doc.blocks, set(), doc.text).supports(first, second)
        slow = _Keeper(doc.blocks, set(), doc.text)
        assert fast == (slow.support(first), slow.support(second))


def test_keeper_without_the_text_joins_its_blocks() -> None:
    doc = _keeper_doc(9)
    keeper = _Keeper(doc.blocks, set())
    assert keeper.supports([0], [len(doc.blocks) - 1]) == (keeper.support([0]), keeper.support([len(doc.blocks) - 1]))


def test_batched_matching_form_equals_matching_text(monkeypatch: pytest.MonkeyPatch) -> None:
    texts = ["Ａ，b  c", "中文。\n第二行", "", "nul\x00inside", "  ", "ＴＥＸＴ　全角", "㈠ 项"]
    bs = [Block(i, 0, len(t), t) for i, t in enumerate(texts)]
    expected = [matching_text(t) for t in texts]
    assert _norm_texts(bs) == expected
    monkeypatch.setattr(_duplicates, "_NORM_BATCH", 8)
    assert _norm_texts(bs) == expected
    assert _norm_texts(bs[:3]) == expected[:3]


def test_known_start_or_end_gives_the_same_answers() -> None:
    texts = _copies(5)
    _, grams, starts = sketches_and_grams(texts)
    lengths = np.array([len(t) for t in texts], dtype=np.int64)
    for known, key in (("start", lambda t: t[:_duplicates.KEY_CHARS]), ("end", lambda t: t[-_duplicates.KEY_CHARS:])):
        groups = np.array([hash(key(t)) for t in texts], dtype=np.int64)
        pairs = np.concatenate(list(pairs_within_groups(groups, 50, 16)))
        assert len(pairs) > 20
        full = probe_pairs(pairs, lengths, grams, starts)
        assert np.array_equal(probe_pairs(pairs, lengths, grams, starts, known)[0], full[0])
        assert full[1].all()


def test_band_keys_are_those_of_the_reference_sketches(monkeypatch: pytest.MonkeyPatch) -> None:
    texts = _texts(3, 150)
    expected = band_keys(block_sketches_reference(texts).astype(np.uint64), BANDS, ROWS).astype(np.uint32)
    monkeypatch.setattr(blocks, "_SKETCH_BATCH", 64)
    keys, grams, starts = blocks.band_keys_and_grams(texts)
    assert np.array_equal(keys, expected)
    _, grams_whole, starts_whole = sketches_and_grams(texts)
    assert np.array_equal(grams, grams_whole) and np.array_equal(starts, starts_whole)


@settings(max_examples=300)
@given(st.lists(st.sampled_from([0, 1, 3, 5, 10, 40]), max_size=30), st.sampled_from([1, 5, 10, 40, 100]))
def test_sketch_batches_are_batch_bounds(lengths: list[int], limit: int) -> None:
    from dedup.normalize import batch_bounds

    starts = np.zeros(len(lengths) + 1, dtype=np.int64)
    np.cumsum(lengths, out=starts[1:])
    assert list(blocks._batches(starts, limit)) == list(batch_bounds(lengths, limit))
