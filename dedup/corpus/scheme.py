"""The signature scheme of a corpus run or index, and per-document sketches.

A document is cut into overlapping windows of tokens (the passages it can share
with another document, whether or not it has blank-line paragraphs); each window
gets a MinHash signature and LSH band keys.  :class:`Scheme` holds every parameter
that changes the keys, and is recorded in an index so that keys made another way
(another hash, seed, shingle size, window or banding; datasketch 2.x's hashing) are
refused instead of silently never matching.
"""

from __future__ import annotations

import hashlib
from dataclasses import asdict, dataclass, field
from functools import cached_property
from typing import Any

import numpy as np
import numpy.typing as npt

from dedup.similarity.lsh import band_keys, optimal_params
from dedup.similarity.minhash import MinHasher, window_bounds
from dedup.similarity.shingles import ShingleSpec, hash_tokens, tokenize

__all__ = ["SCHEME_VERSION", "MatchParams", "Scheme", "SchemeMismatch", "Sketch", "content_hash", "sketch_text"]

#: bumped whenever tokenisation, hashing or windowing changes meaning
SCHEME_VERSION = 1

U64 = npt.NDArray[np.uint64]
I64 = npt.NDArray[np.int64]


class SchemeMismatch(ValueError):
    """An index was built with another scheme than the one asked for."""


@dataclass(frozen=True)
class Scheme:
    """Parameters of window signatures.

    Args:
        shingle_n: tokens per shingle (word n-grams, CJK character n-grams).
        num_perm: MinHash permutations per window.
        seed: MinHash seed.
        stride: tokens between window starts; a window is two strides of shingles.
        threshold: window Jaccard similarity the LSH banding is tuned for.
        bands: LSH bands (with ``rows``; chosen from ``threshold`` when 0).
        rows: rows per band.
    """

    shingle_n: int = 3
    num_perm: int = 64
    seed: int = 1
    stride: int = 25
    threshold: float = 0.3
    bands: int = 0
    rows: int = 0
    version: int = field(default=SCHEME_VERSION)

    def __post_init__(self) -> None:
        if self.stride < 1:
            raise ValueError("stride must be at least 1")
        if not self.bands or not self.rows:
            b, r = optimal_params(self.threshold, self.num_perm)
            object.__setattr__(self, "bands", b)
            object.__setattr__(self, "rows", r)
        if self.bands * self.rows > self.num_perm:
            raise ValueError("bands * rows exceeds num_perm")

    @cached_property
    def minhasher(self) -> MinHasher:
        return MinHasher(num_perm=self.num_perm, seed=self.seed)

    @property
    def spec(self) -> ShingleSpec:
        return ShingleSpec(self.shingle_n)

    def to_dict(self) -> dict[str, Any]:
        """The recorded form: parameters plus a description of the hash functions."""
        data: dict[str, Any] = asdict(self)
        data["hashing"] = {**self.spec.describe(), **self.minhasher.scheme(), "bands": "mix64-poly"}
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Scheme:
        known = {k: data[k] for k in ("shingle_n", "num_perm", "seed", "stride", "threshold", "bands", "rows",
                                      "version") if k in data}
        return cls(**known)

    def check_compatible(self, recorded: dict[str, Any]) -> None:
        """Raise :class:`SchemeMismatch` naming what differs between ``recorded`` and this scheme."""
        mine = self.to_dict()
        diffs = [f"{k}: index has {recorded.get(k)!r}, this run uses {mine.get(k)!r}"
                 for k in sorted(set(mine) | set(recorded)) if recorded.get(k) != mine.get(k)]
        if diffs:
            raise SchemeMismatch("incompatible MinHash scheme (" + "; ".join(diffs) + ")")


@dataclass(frozen=True)
class MatchParams:
    """How candidate windows are verified and extended into aligned passages.

    Args:
        min_length: shortest reported passage, in matching-form characters.
        min_score: lowest rapidfuzz similarity of the two sides of a passage.
        max_gap: largest unaligned stretch (characters) inside one passage.
        pad: characters added around a candidate region before aligning, so a match extends to its whole passage.
    """

    min_length: int = 60
    min_score: float = 0.75
    max_gap: int = 40
    pad: int = 300


@dataclass(frozen=True)
class Sketch:
    """The windows of one document: original offsets and LSH band keys (``(windows, bands)``)."""

    starts: I64
    ends: I64
    keys: U64
    tokens: int

    def __len__(self) -> int:
        return len(self.starts)


def content_hash(text: str) -> str:
    """Identity of a document's content (re-indexing unchanged text is a no-op)."""
    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()


def sketch_text(text: str, scheme: Scheme) -> Sketch:
    """Windows of ``text`` with their band keys.

    >>> s = sketch_text("word " * 200, Scheme(stride=25))
    >>> len(s), s.keys.shape[1] == Scheme().bands, int(s.starts[0])
    (7, True, 0)
    """
    toks = tokenize(text)
    hashes = hash_tokens(toks.hashes, scheme.shingle_n)
    bounds = window_bounds(len(hashes), scheme.stride)
    if not bounds:
        empty = np.zeros(0, dtype=np.int64)
        return Sketch(empty, empty.copy(), np.zeros((0, scheme.bands), dtype=np.uint64), len(toks))
    sigs = scheme.minhasher.window_signatures(hashes, scheme.stride)
    n_tok = len(toks)
    first = np.array([s for s, _ in bounds], dtype=np.int64)
    # shingle i covers tokens [i, i + n): the window's last token is e - 1 + n - 1
    last = np.minimum(np.array([e for _, e in bounds], dtype=np.int64) + scheme.shingle_n - 2, n_tok - 1)
    return Sketch(toks.starts[first], toks.ends[last], band_keys(sigs, scheme.bands, scheme.rows), n_tok)
