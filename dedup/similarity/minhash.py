"""MinHash signatures in numpy, whole documents or overlapping windows.

The scheme: shingle hashes are 64-bit (see :mod:`dedup.similarity.shingles`);
permutation ``i`` maps ``h`` to ``(a_i * h + b_i) mod 2**64`` with odd ``a_i``
(a bijection of uint64), ``a`` and ``b`` drawn from ``numpy.random.default_rng(seed)``;
the signature keeps the minimum per permutation.  This is not datasketch's scheme
(SHA-1 32-bit values, ``mod 2**61 - 1``), so signatures are not interchangeable, but
the Jaccard estimates agree (a differential test checks it) and :meth:`MinHasher.scheme`
records what was used so an index refuses to mix the two.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

__all__ = ["MinHasher", "jaccard_estimate", "window_bounds"]

U64 = npt.NDArray[np.uint64]

# Rows of the (shingles x permutations) product computed at once; bounds memory for long documents.
_CHUNK = 8192


@dataclass(frozen=True)
class MinHasher:
    """A family of ``num_perm`` permutations drawn from ``seed``.

    Args:
        num_perm: signature length (more gives a tighter Jaccard estimate, costs linearly).
        seed: makes signatures reproducible across processes and machines.
    """

    num_perm: int = 128
    seed: int = 1
    _a: U64 = field(init=False, repr=False, compare=False)
    _b: U64 = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if self.num_perm < 1:
            raise ValueError("num_perm must be at least 1")
        if self.seed < 0:
            raise ValueError("seed must be non-negative")
        rng = np.random.default_rng(self.seed)
        a = rng.integers(0, np.iinfo(np.uint64).max, self.num_perm, dtype=np.uint64, endpoint=True)
        b = rng.integers(0, np.iinfo(np.uint64).max, self.num_perm, dtype=np.uint64, endpoint=True)
        object.__setattr__(self, "_a", a | np.uint64(1))
        object.__setattr__(self, "_b", b)

    def scheme(self) -> dict[str, object]:
        """What an index must record to refuse signatures made another way."""
        return {"minhash": "affine-mod-2^64/numpy", "num_perm": self.num_perm, "seed": self.seed}

    def _permuted(self, hashes: U64) -> U64:
        return hashes[:, None] * self._a[None, :] + self._b[None, :]

    def signature(self, hashes: U64) -> U64:
        """Signature of a set of shingle hashes (duplicates do not matter).

        An empty set gives all-ones, which matches nothing but another empty set.

        >>> m = MinHasher(num_perm=16, seed=3)
        >>> s = m.signature(np.arange(100, dtype=np.uint64))
        >>> s.shape, bool((s == m.signature(np.arange(100, dtype=np.uint64)[::-1])).all())
        ((16,), True)
        """
        out = np.full(self.num_perm, np.iinfo(np.uint64).max, dtype=np.uint64)
        for i in range(0, len(hashes), _CHUNK):
            np.minimum(out, self._permuted(np.asarray(hashes[i : i + _CHUNK], dtype=np.uint64)).min(axis=0),
                       out=out)
        return out

    def window_signatures(self, hashes: U64, stride: int) -> U64:
        """Signatures of windows of ``2 * stride`` consecutive hashes, advancing by ``stride``.

        Window ``k`` covers ``hashes[k * stride : k * stride + 2 * stride]`` (see
        :func:`window_bounds`); each hash is permuted once, and a window is the
        minimum of its two half-window blocks.
        """
        if stride < 1:
            raise ValueError("stride must be at least 1")
        count = len(hashes)
        if count == 0:
            return np.zeros((0, self.num_perm), dtype=np.uint64)
        n_blocks = -(-count // stride)
        blocks = np.empty((n_blocks, self.num_perm), dtype=np.uint64)
        per_chunk = max(1, _CHUNK // stride)
        for first in range(0, n_blocks, per_chunk):
            last = min(n_blocks, first + per_chunk)
            part = self._permuted(np.asarray(hashes[first * stride : last * stride], dtype=np.uint64))
            starts = np.arange(0, (last - first) * stride, stride)
            starts = starts[starts < len(part)]
            blocks[first:last] = np.minimum.reduceat(part, starts, axis=0)
        if n_blocks == 1:
            return blocks
        return np.minimum(blocks[:-1], blocks[1:])


def window_bounds(count: int, stride: int) -> list[tuple[int, int]]:
    """The ``[start, end)`` item ranges of :meth:`MinHasher.window_signatures` windows.

    >>> window_bounds(7, 2)
    [(0, 4), (2, 6), (4, 7)]
    >>> window_bounds(1, 2), window_bounds(0, 2)
    ([(0, 1)], [])
    """
    if count == 0:
        return []
    n_blocks = -(-count // stride)
    if n_blocks == 1:
        return [(0, count)]
    return [(k * stride, min(count, (k + 2) * stride)) for k in range(n_blocks - 1)]


def jaccard_estimate(a: U64, b: U64) -> float:
    """Share of equal positions of two signatures of one scheme.

    >>> jaccard_estimate(np.array([1, 2, 3, 4], dtype=np.uint64), np.array([1, 2, 0, 0], dtype=np.uint64))
    0.5
    """
    if a.shape != b.shape:
        raise ValueError("signatures of different lengths")
    return float(np.count_nonzero(a == b)) / len(a)
