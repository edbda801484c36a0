"""LSH banding: candidate pairs for a Jaccard threshold, to be verified afterwards.

LSH yields candidates, not answers: every pair it returns must be verified
(:mod:`dedup.similarity.verify`), and a pair it misses is missed with the
probability given by :func:`candidate_probability`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Hashable, Iterable
from functools import lru_cache

import numpy as np
import numpy.typing as npt

from dedup.similarity.shingles import mix64

__all__ = ["LSHIndex", "band_keys", "candidate_probability", "optimal_params"]

U64 = npt.NDArray[np.uint64]

_BAND_MULT = np.uint64(0xC2B2AE3D27D4EB4F)
_BAND_SALT = np.uint64(0x165667B19E3779F9)


def candidate_probability(jaccard: float, bands: int, rows: int) -> float:
    """Probability that two sets of Jaccard similarity ``jaccard`` share at least one band.

    >>> round(candidate_probability(0.5, 16, 4), 3)
    0.644
    """
    return float(1.0 - (1.0 - jaccard**rows) ** bands)


@lru_cache(maxsize=256)
def optimal_params(threshold: float, num_perm: int, fp_weight: float = 0.5,
                   fn_weight: float = 0.5) -> tuple[int, int]:
    """``(bands, rows)`` minimising the weighted false-positive and false-negative areas.

    The same objective as datasketch's ``_optimal_param``, integrated with numpy
    on a fixed grid instead of scipy's adaptive quadrature (agrees on the choice
    for the usual thresholds; a test compares them).

    >>> optimal_params(0.5, 128)
    (25, 5)
    """
    if not 0.0 < threshold < 1.0:
        raise ValueError("threshold must lie strictly between 0 and 1")
    if num_perm < 2:
        raise ValueError("num_perm must be at least 2")
    lo = np.linspace(0.0, threshold, 401)
    hi = np.linspace(threshold, 1.0, 401)
    best = (float("inf"), (1, num_perm))
    for b in range(1, num_perm + 1):
        for r in range(1, num_perm // b + 1):
            fp = np.trapezoid(1.0 - (1.0 - lo**r) ** b, lo)
            fn = np.trapezoid((1.0 - hi**r) ** b, hi)
            err = fp * fp_weight + fn * fn_weight
            if err < best[0]:
                best = (float(err), (b, r))
    return best[1]


def band_keys(signatures: U64, bands: int, rows: int) -> U64:
    """One 64-bit key per band per signature (shape ``(n, bands)``); equal keys mean equal bands.

    The band number is mixed into its key, so the keys of all bands can share one table.
    """
    sigs = np.atleast_2d(signatures)
    if sigs.shape[1] < bands * rows:
        raise ValueError(f"signatures of {sigs.shape[1]} values cannot make {bands} bands of {rows} rows")
    out = np.empty((sigs.shape[0], bands), dtype=np.uint64)
    for band in range(bands):
        acc = np.full(sigs.shape[0], band + 1, dtype=np.uint64) * _BAND_SALT
        for r in range(rows):
            acc = acc * _BAND_MULT + sigs[:, band * rows + r]
        out[:, band] = mix64(acc)
    return out


class LSHIndex:
    """In-memory banded index of signatures, keyed by any hashable.

    Args:
        threshold: the Jaccard similarity the banding is tuned for.
        num_perm: signature length; must match the signatures inserted.
        params: explicit ``(bands, rows)``; chosen by :func:`optimal_params` otherwise.

    >>> from dedup.similarity.minhash import MinHasher
    >>> from dedup.similarity.shingles import shingles
    >>> m = MinHasher(num_perm=64)
    >>> idx = LSHIndex(0.5, 64)
    >>> idx.insert("a", m.signature(shingles("one two three four five six seven eight nine ten")))
    >>> idx.query(m.signature(shingles("one two three four five six seven eight nine eleven")))
    ['a']
    """

    def __init__(self, threshold: float = 0.5, num_perm: int = 128,
                 params: tuple[int, int] | None = None) -> None:
        self.threshold = threshold
        self.num_perm = num_perm
        self.bands, self.rows = params if params is not None else optimal_params(threshold, num_perm)
        if self.bands * self.rows > num_perm:
            raise ValueError("bands * rows exceeds num_perm")
        self._table: dict[int, list[Hashable]] = defaultdict(list)
        self._keys: dict[Hashable, U64] = {}

    def __len__(self) -> int:
        return len(self._keys)

    def __contains__(self, key: Hashable) -> bool:
        return key in self._keys

    def insert(self, key: Hashable, signature: U64) -> None:
        """Add ``key``; a key already present raises ``ValueError``."""
        if key in self._keys:
            raise ValueError(f"key {key!r} already inserted")
        bkeys = band_keys(signature, self.bands, self.rows)[0]
        self._keys[key] = bkeys
        for k in bkeys.tolist():
            self._table[k].append(key)

    def remove(self, key: Hashable) -> None:
        """Remove ``key`` (``KeyError`` when absent)."""
        bkeys = self._keys.pop(key)
        for k in bkeys.tolist():
            self._table[k].remove(key)

    def query(self, signature: U64) -> list[Hashable]:
        """Keys sharing at least one band with ``signature``, in insertion order."""
        seen: dict[Hashable, None] = {}
        for k in band_keys(signature, self.bands, self.rows)[0].tolist():
            for key in self._table.get(k, ()):
                seen.setdefault(key, None)
        order = {key: i for i, key in enumerate(self._keys)}
        return sorted(seen, key=order.__getitem__)

    def candidate_pairs(self) -> Iterable[tuple[Hashable, Hashable]]:
        """Every pair of inserted keys sharing a band, each once, in insertion order."""
        order = {key: i for i, key in enumerate(self._keys)}
        pairs: set[tuple[int, int]] = set()
        for bucket in self._table.values():
            idx = sorted(order[k] for k in bucket)
            for i, a in enumerate(idx):
                for b in idx[i + 1 :]:
                    pairs.add((a, b))
        keys = list(self._keys)
        for a, b in sorted(pairs):
            yield keys[a], keys[b]
