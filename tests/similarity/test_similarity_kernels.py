"""Shingles, MinHash (differential against datasketch 2.x), LSH banding and verification."""

from __future__ import annotations

import doctest
import importlib
import random

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dedup.normalize import normalize
from dedup.similarity import (
    LSHIndex,
    MinHasher,
    align,
    band_keys,
    candidate_probability,
    containment,
    fast_normalize,
    hash_tokens,
    jaccard_estimate,
    optimal_params,
    shingles,
    tokenize,
    verify,
    window_bounds,
)

CJK = st.characters(min_codepoint=0x4E00, max_codepoint=0x4FFF)
LATIN_WORD = st.text(alphabet="abcdefghijklmnopqrstuvwxyz", min_size=1, max_size=8)


@pytest.mark.parametrize("module", ["dedup.similarity.shingles", "dedup.similarity.minhash",
                                    "dedup.similarity.lsh", "dedup.similarity.verify",
                                    "dedup.corpus.scheme", "dedup.corpus.passages", "dedup.corpus.rewrite"])
def test_doctests(module: str) -> None:
    failures, tried = doctest.testmod(importlib.import_module(module))
    assert tried > 0 and failures == 0


# --- tokens and shingles -------------------------------------------------------------------

def test_tokens_cjk_characters_latin_words_and_offsets() -> None:
    text = "Ｈｅｌｌｏ，世界 and　ＯＣＲ-text 2022年"
    toks = tokenize(text)
    pieces = [text[s:e] for s, e in zip(toks.starts.tolist(), toks.ends.tolist(), strict=True)]
    assert pieces == ["Ｈｅｌｌｏ", "世", "界", "and", "ＯＣＲ", "text", "2022", "年"]
    assert toks.hashes[0] == tokenize("hello").hashes[0]  # width and case folded
    assert toks.hashes[4] == tokenize("ocr").hashes[0]


def test_text_whose_lowercase_grows_still_maps_offsets() -> None:
    text = "İstanbul news today"
    toks = tokenize(text)
    pieces = [text[s:e] for s, e in zip(toks.starts.tolist(), toks.ends.tolist(), strict=True)]
    assert pieces == ["İstanbul", "news", "today"]


@given(st.lists(LATIN_WORD, min_size=1, max_size=30), st.sampled_from([" ", "\n", "  ", " ,", "\t"]))
def test_shingles_ignore_layout_and_case(words: list[str], sep: str) -> None:
    assert np.array_equal(shingles(" ".join(words)), shingles(sep.join(w.upper() for w in words)))


@given(st.text(alphabet=CJK, min_size=1, max_size=60), st.integers(1, 10))
def test_cjk_shingles_are_character_ngrams_and_survive_wrapping(text: str, width: int) -> None:
    wrapped = "\n".join(text[i : i + width] for i in range(0, len(text), width))
    assert np.array_equal(shingles(text, n=3), shingles(wrapped, n=3))
    assert len(shingles(text, n=3)) == len({text[i : i + 3] for i in range(max(1, len(text) - 2))})


def test_shingle_count_and_order_sensitivity() -> None:
    h = hash_tokens(tokenize("a b c d e").hashes, 3)
    assert len(h) == 3
    assert not np.array_equal(shingles("a b c"), shingles("c b a"))
    assert len(hash_tokens(tokenize("").hashes, 3)) == 0
    assert len(hash_tokens(tokenize("one two").hashes, 3)) == 1


# --- MinHash ------------------------------------------------------------------------------

def _sets_with_jaccard(rng: random.Random, j: float, size: int = 400) -> tuple[list[str], list[str]]:
    common = round(2 * size * j / (1 + j))
    shared = [f"s{rng.random()}" for _ in range(common)]
    a = shared + [f"a{rng.random()}" for _ in range(size - common)]
    b = shared + [f"b{rng.random()}" for _ in range(size - common)]
    return a, b


def _our_hashes(items: list[str]) -> np.ndarray:
    return np.concatenate([tokenize(x.replace(".", "x")).hashes for x in items])


@pytest.mark.parametrize("target", [0.1, 0.3, 0.5, 0.7, 0.9])
def test_jaccard_estimates_agree_with_datasketch(target: float) -> None:
    """Differential test: same shingle sets, our numpy MinHash vs datasketch 2.x MinHash, 256 permutations."""
    from datasketch import MinHash

    rng = random.Random(int(target * 100))
    ours_err, theirs_err, diffs = [], [], []
    for _ in range(5):
        a, b = _sets_with_jaccard(rng, target)
        true = len(set(a) & set(b)) / len(set(a) | set(b))
        m = MinHasher(num_perm=256, seed=rng.randrange(1000))
        ours = jaccard_estimate(m.signature(_our_hashes(a)), m.signature(_our_hashes(b)))
        da, db = MinHash(num_perm=256, seed=1), MinHash(num_perm=256, seed=1)
        da.update_batch([x.encode() for x in a])
        db.update_batch([x.encode() for x in b])
        theirs = da.jaccard(db)
        ours_err.append(abs(ours - true))
        theirs_err.append(abs(theirs - true))
        diffs.append(abs(ours - theirs))
    # standard error at 256 permutations is at most 0.031: both are unbiased and equally tight
    assert np.mean(ours_err) < 0.05 and max(ours_err) < 0.1
    assert np.mean(diffs) < 0.06 and max(diffs) < 0.12
    assert np.mean(ours_err) < np.mean(theirs_err) + 0.03


def test_signature_is_deterministic_and_seeded() -> None:
    h = tokenize(" ".join(f"w{i}" for i in range(50))).hashes
    assert np.array_equal(MinHasher(64, 3).signature(h), MinHasher(64, 3).signature(h))
    assert not np.array_equal(MinHasher(64, 3).signature(h), MinHasher(64, 4).signature(h))
    empty = MinHasher(8).signature(np.zeros(0, dtype=np.uint64))
    assert (empty == np.iinfo(np.uint64).max).all()
    with pytest.raises(ValueError, match="num_perm"):
        MinHasher(0)
    with pytest.raises(ValueError, match="seed"):
        MinHasher(8, -1)


@given(st.integers(0, 300), st.integers(1, 40))
@settings(max_examples=60)
def test_window_signatures_equal_signatures_of_the_window_slices(count: int, stride: int) -> None:
    rng = np.random.default_rng(count * 41 + stride)
    hashes = rng.integers(0, 2**63, count, dtype=np.uint64)
    m = MinHasher(num_perm=16, seed=5)
    sigs = m.window_signatures(hashes, stride)
    bounds = window_bounds(count, stride)
    assert len(sigs) == len(bounds)
    for sig, (s, e) in zip(sigs, bounds, strict=True):
        assert np.array_equal(sig, m.signature(hashes[s:e]))
    if count:
        assert bounds[0][0] == 0 and bounds[-1][1] == count


# --- LSH ----------------------------------------------------------------------------------

@pytest.mark.parametrize(("threshold", "num_perm"), [(0.3, 64), (0.5, 64), (0.5, 128), (0.8, 128), (0.9, 256)])
def test_optimal_params_match_datasketch(threshold: float, num_perm: int) -> None:
    from datasketch.lsh import _optimal_param

    assert optimal_params(threshold, num_perm) == _optimal_param(threshold, num_perm, 0.5, 0.5)


def test_optimal_params_validates() -> None:
    with pytest.raises(ValueError, match="threshold"):
        optimal_params(1.0, 64)
    with pytest.raises(ValueError, match="num_perm"):
        optimal_params(0.5, 1)


def test_band_collision_rate_follows_the_s_curve() -> None:
    rng = random.Random(4)
    m = MinHasher(num_perm=64, seed=2)
    bands, rows = optimal_params(0.5, 64)
    for j in (0.2, 0.5, 0.8):
        hits = 0
        trials = 200
        for _ in range(trials):
            a, b = _sets_with_jaccard(rng, j, size=60)
            ka = band_keys(m.signature(_our_hashes(a)), bands, rows)
            kb = band_keys(m.signature(_our_hashes(b)), bands, rows)
            hits += bool((ka == kb).any())
        expected = candidate_probability(j, bands, rows)
        assert abs(hits / trials - expected) < 0.12, (j, hits / trials, expected)


def test_lsh_index_insert_query_remove() -> None:
    m = MinHasher(num_perm=128, seed=1)
    base = [f"w{i}" for i in range(200)]
    idx = LSHIndex(threshold=0.6, num_perm=128)
    idx.insert("base", m.signature(shingles(" ".join(base))))
    idx.insert("other", m.signature(shingles(" ".join(f"z{i}" for i in range(200)))))
    near = base[:]
    near[50] = "changed"
    assert idx.query(m.signature(shingles(" ".join(near)))) == ["base"]
    assert list(idx.candidate_pairs()) == []
    idx.insert("copy", m.signature(shingles(" ".join(near))))
    assert list(idx.candidate_pairs()) == [("base", "copy")]
    with pytest.raises(ValueError, match="already"):
        idx.insert("copy", m.signature(shingles("x")))
    idx.remove("base")
    assert "base" not in idx and len(idx) == 2
    assert idx.query(m.signature(shingles(" ".join(base)))) == ["copy"]


# --- verification and alignment -----------------------------------------------------------

@given(st.text(min_size=0, max_size=80), st.integers(0, 1000))
def test_fast_normalize_equals_normalize(text: str, base: int) -> None:
    assert fast_normalize(text, base) == normalize(text, base)


def test_verify_and_containment() -> None:
    a = "The quick brown fox jumps over the lazy dog."
    assert verify(a, a.upper().replace(" ", "\n")) == 1.0
    assert verify(a, "Completely different words here.") < 0.5
    assert containment("brown fox jumps", a) == 1.0
    assert containment(a, "brown fox jumps") == 1.0


@given(st.text(alphabet=CJK, min_size=40, max_size=120), st.text(alphabet="abcxyz ", min_size=0, max_size=30),
       st.text(alphabet="abcxyz ", min_size=0, max_size=30))
@settings(max_examples=50)
def test_align_finds_an_embedded_passage_with_its_offsets(passage: str, before: str, after: str) -> None:
    host = f"{before}\n{passage}\n{after}"
    found = align(passage, host, min_length=30, min_score=0.9)
    assert found
    best = found[0]
    assert best.a_start == 0 and best.a_end == len(passage)
    assert (best.b_start, best.b_end) == (len(before) + 1, len(before) + 1 + len(passage))


def test_align_survives_ocr_noise_and_rewrapping() -> None:
    words = [f"word{i}" for i in range(120)]
    a = "HEADER LINE\n" + " ".join(words) + "\nFOOTER"
    noisy = [w.replace("o", "0") if i % 9 == 0 else w for i, w in enumerate(words)]
    b = "other stuff\n" + "\n".join(" ".join(noisy[i : i + 7]) for i in range(0, 120, 7)) + "\nmore"
    [al] = align(a, b)
    # "w0rd0" starts the noisy copy: the match may begin a character or two into it
    assert a.index("word0") <= al.a_start <= a.index("word0") + 2
    assert a[al.a_start : al.a_end].endswith("word119")
    assert b.index("w0rd0") <= al.b_start <= b.index("w0rd0") + 2
    assert b[al.b_start : al.b_end].endswith("word119")
    assert al.score > 0.9


def test_align_reports_two_separate_passages() -> None:
    p1 = " ".join(f"alpha{i}" for i in range(40))
    p2 = " ".join(f"omega{i}" for i in range(40))
    filler_a = " ".join(f"xa{i}" for i in range(60))
    filler_b = " ".join(f"yb{i}" for i in range(60))
    found = align(f"{p1} {filler_a} {p2}", f"{p2} {filler_b} {p1}")
    assert len(found) == 2


def test_unrelated_texts_do_not_align() -> None:
    rng = random.Random(1)
    a = " ".join(rng.choice(["the", "of", "and", "a", "in"]) + str(rng.randrange(99)) for _ in range(200))
    b = " ".join(rng.choice(["the", "of", "and", "a", "in"]) + str(rng.randrange(99)) for _ in range(200))
    assert align(a, b) == []
