"""Similarity kernels: shingles, MinHash, LSH banding and rapidfuzz verification.

Pure functions and small value objects, reusable by the per-document rules and the
corpus layer alike::

    from dedup.similarity import MinHasher, LSHIndex, shingles, verify
    m = MinHasher(num_perm=128, seed=1)
    sig = m.signature(shingles(text, n=3))
    index = LSHIndex(threshold=0.5, num_perm=128)
    index.insert("doc-1", sig)
    for key in index.query(other_sig):
        ...  # candidates: confirm with verify(text, other) or align(text, other)

numpy is imported with this package; rapidfuzz is loaded by the verification helpers.
"""

from __future__ import annotations

from dedup.similarity.lsh import LSHIndex, band_keys, candidate_probability, optimal_params
from dedup.similarity.minhash import MinHasher, jaccard_estimate, window_bounds
from dedup.similarity.shingles import ShingleSpec, Tokens, hash_tokens, shingle_hashes, shingles, tokenize
from dedup.similarity.verify import Alignment, align, align_normalized, containment, fast_normalize, verify

__all__ = [
    "Alignment",
    "LSHIndex",
    "MinHasher",
    "ShingleSpec",
    "Tokens",
    "align",
    "align_normalized",
    "band_keys",
    "candidate_probability",
    "containment",
    "fast_normalize",
    "hash_tokens",
    "jaccard_estimate",
    "optimal_params",
    "shingle_hashes",
    "shingles",
    "tokenize",
    "verify",
    "window_bounds",
]
