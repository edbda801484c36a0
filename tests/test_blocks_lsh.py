"""Differential tests of the MinHash/LSH block kernel against its references.

* the numpy signatures equal the pure-Python reference bit for bit;
* duplicate detection through LSH candidates finds what all-pairs comparison finds
  (recall >= 0.95 over generated documents) and nothing it does not;
* leader clustering keeps the candidate count linear in the number of copies.
"""

from __future__ import annotations

import random

import numpy as np
import pytest
from gen_docs import make_document, ocr_noise, paragraph

from dedup.model import Document
from dedup.normalize import normalize
from dedup.rules import _duplicates
from dedup.rules._duplicates import brute_force_pairs, find_pairs
from dedup.similarity.blocks import (
    block_signatures,
    block_signatures_reference,
    candidate_pairs_from_signatures,
    near_duplicate_candidates,
    shingle_hashes_of_blocks,
)
from dedup.similarity.lsh import optimal_params


def _texts(rng: random.Random, n: int) -> list[str]:
    out = [normalize(paragraph(rng, rng.choice(("zh", "en", "mixed")))).text for _ in range(n)]
    out += ["", "a", "abcd", "abcde", "ab\udcffcdefgh", "\U00020000" * 7]
    return out


@pytest.mark.parametrize("seed", range(5))
def test_numpy_signatures_equal_the_pure_python_reference(seed: int) -> None:
    texts = _texts(random.Random(seed), 40)
    assert np.array_equal(block_signatures(texts), block_signatures_reference(texts))


def test_signatures_of_a_block_longer_than_one_chunk_equal_the_reference() -> None:
    rng = random.Random(9)
    texts = ["".join(rng.choice("甲乙丙丁戊己庚辛壬癸") for _ in range(20_000)), "short text here"]
    assert np.array_equal(block_signatures(texts), block_signatures_reference(texts))


def test_batches_give_the_same_signatures(monkeypatch: pytest.MonkeyPatch) -> None:
    from dedup.similarity import blocks

    rng = random.Random(4)
    texts = ["".join(rng.choice("abcdefgh中文") for _ in range(rng.randrange(0, 120))) for _ in range(300)]
    texts += ["ab", "", "abcd"]
    whole = block_signatures(texts)
    monkeypatch.setattr(blocks, "_BATCH_CHARS", 50)
    assert np.array_equal(block_signatures(texts), whole)
    assert np.array_equal(whole, block_signatures_reference(texts))
    assert np.array_equal(block_signatures(["ab"]), block_signatures_reference(["ab"]))


def test_shingle_offsets_partition_the_hashes() -> None:
    texts = ["abcdefg", "", "abc", "xyzxyzxyz"]
    hashes, offsets = shingle_hashes_of_blocks(texts)
    assert offsets.tolist() == [0, 3, 3, 4, 9]
    assert len(hashes) == 9
    # the same 5-gram hashes the same wherever it occurs
    again, _ = shingle_hashes_of_blocks(["zzabcdefg"])
    assert set(hashes[:3].tolist()) <= set(again.tolist())


def _doc_with_many_copies(seed: int, blocks: int = 260) -> Document:
    rng = random.Random(seed)
    lang = rng.choice(("zh", "en"))
    paras = [paragraph(rng, lang) + f" {i}" for i in range(blocks)]
    for _ in range(blocks // 8):
        src = rng.randrange(len(paras))
        copy = paras[src] if rng.random() < 0.3 else ocr_noise(rng, paras[src], 0.02)
        paras.insert(rng.randint(src + 1, len(paras)), copy)
    return Document("\n\n".join(paras))


@pytest.mark.parametrize("seed", range(6))
def test_lsh_path_recalls_what_all_pairs_finds(seed: int, monkeypatch: pytest.MonkeyPatch) -> None:
    doc = _doc_with_many_copies(seed)
    norms = [normalize(b.text).text for b in doc.blocks]
    reference = {p.key for p in find_pairs(norms, doc.blocks)}
    monkeypatch.setattr(_duplicates, "ALL_PAIRS_LIMIT", 0)
    lsh = {p.key for p in find_pairs(norms, doc.blocks)}
    assert lsh <= reference, "LSH candidates are verified: they cannot add pairs"
    recall = len(lsh & reference) / max(1, len(reference))
    assert recall >= 0.95, f"recall {recall:.3f} over {len(reference)} pairs"
    # and every block the reference finds a twin for has one through LSH
    covered = {i for pair in reference for i in pair}
    found = {i for pair in lsh for i in pair}
    assert len(found & covered) / max(1, len(covered)) >= 0.95


def test_lsh_path_agrees_with_brute_force_on_generated_documents(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_duplicates, "ALL_PAIRS_LIMIT", 0)
    rng = random.Random(11)
    missed = total = 0
    for _ in range(30):
        gen = make_document(rng, lang=rng.choice(("zh", "en", "mixed")), paragraphs=12,
                            faults=("duplicate-paragraph", "near-duplicate-paragraph", "duplicate-section"))
        doc = Document(gen.text)
        norms = [normalize(b.text).text for b in doc.blocks]
        reference = {p.key for p in brute_force_pairs(norms)}
        lsh = {p.key for p in find_pairs(norms, doc.blocks) if p.how != "heading"}
        total += len(reference)
        missed += len(reference - lsh)
    assert total > 30
    assert 1 - missed / total >= 0.95


def test_leader_clustering_keeps_candidates_linear() -> None:
    n = 2000
    texts = ["the same paragraph printed again and again"] * n
    pairs = list(near_duplicate_candidates(texts))
    bands, _ = optimal_params(0.5, 64)
    assert len(pairs) <= 2 * n
    assert len(pairs) >= n - 1
    assert bands >= 1


def test_candidates_from_signatures_are_sorted_unique_and_ordered() -> None:
    sigs = block_signatures(["abcdefghij", "xyzxyzxyzq", "abcdefghij", "abcdefghij"])
    pairs = candidate_pairs_from_signatures(sigs, *optimal_params(0.5, 64)).tolist()
    assert pairs == [list(p) for p in sorted({tuple(p) for p in pairs})]
    assert all(a < b for a, b in pairs)
    assert [0, 2] in pairs and [2, 3] in pairs and [0, 3] in pairs
    assert not any(1 in p for p in pairs)


def test_ids_map_back_and_empty_texts_are_left_out() -> None:
    got = list(near_duplicate_candidates(["", "same text again here", "", "same text again here"], ids=[5, 6, 7, 8]))
    assert got == [(6, 8)]
    with pytest.raises(ValueError):
        list(near_duplicate_candidates(["a", "b"], ids=[1]))
