"""Tokens and shingles over the matching form, with original offsets.

Tokens are what survives :func:`dedup.normalize.fold_char`: every CJK ideograph,
kana or hangul syllable is a token of its own (those scripts are written without
spaces), and every run of other letters and digits is a word token.  Punctuation
and whitespace separate tokens and are never part of one, so OCR's favourite
damage (a lost comma, a line broken in another place, a full-width digit) does
not change the shingles.

A shingle is ``n`` consecutive tokens.  For Latin text that is a word n-gram,
for Chinese a character n-gram, and mixed text needs no special case: the token
stream simply alternates.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import numpy.typing as npt

from dedup.normalize import fold_char, normalize

__all__ = ["ShingleSpec", "Tokens", "hash_tokens", "shingle_hashes", "shingles", "tokenize"]

U64 = npt.NDArray[np.uint64]
I64 = npt.NDArray[np.int64]

_CJK_RANGES = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff\U00020000-\U0002ffff"
# One CJK character, or a run of other word characters (letters and digits of any script, with
# combining marks: NFKC leaves some, e.g. the dot of a lower-cased U+0130).
_TOKEN = re.compile(rf"[{_CJK_RANGES}]|(?:[^\W_{_CJK_RANGES}]|[\u0300-\u036f])+")

# Odd multipliers for combining token hashes position by position (from the splitmix64 / xxh64 constants).
_GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_MIX1 = np.uint64(0xBF58476D1CE4E5B9)
_MIX2 = np.uint64(0x94D049BB133111EB)


@dataclass(frozen=True, slots=True)
class ShingleSpec:
    """How a text becomes a set of shingles; part of every index's recorded scheme.

    Args:
        n: tokens per shingle (word n-grams for Latin, character n-grams for CJK).
    """

    n: int = 3

    def __post_init__(self) -> None:
        if self.n < 1:
            raise ValueError("shingle n must be at least 1")

    def describe(self) -> dict[str, object]:
        return {"tokens": "cjk-char+word/fold_char", "token_hash": "blake2b-64", "n": self.n,
                "combine": "poly-golden+splitmix64"}


@dataclass(frozen=True, slots=True)
class Tokens:
    """Token hashes and their original ``[start, end)`` code-point offsets."""

    hashes: U64
    starts: I64
    ends: I64

    def __len__(self) -> int:
        return len(self.hashes)


@lru_cache(maxsize=1 << 18)
def _token_hash(token: str) -> int:
    return int.from_bytes(hashlib.blake2b(token.encode("utf-8"), digest_size=8).digest(), "little")


def _fold(token: str) -> str:
    return token if token.isascii() else "".join(fold_char(c) for c in token)


def tokenize(text: str) -> Tokens:
    """Tokens of ``text`` in matching form, with offsets into ``text``.

    >>> t = tokenize("The  CAT，中文 ｄｏｇ")
    >>> [(int(s), int(e)) for s, e in zip(t.starts, t.ends)]
    [(0, 3), (5, 8), (9, 10), (10, 11), (12, 15)]
    >>> bool(t.hashes[4] == tokenize("dog").hashes[0])
    True
    """
    lowered = text.lower()
    if len(lowered) != len(text):
        # a few characters (e.g. U+0130) grow when lower-cased: take the slow, exact route
        return _tokenize_normalized(text)
    hashes: list[int] = []
    starts: list[int] = []
    ends: list[int] = []
    for m in _TOKEN.finditer(lowered):
        token = _fold(m.group())
        if not token:
            continue
        hashes.append(_token_hash(token))
        starts.append(m.start())
        ends.append(m.end())
    return Tokens(np.array(hashes, dtype=np.uint64), np.array(starts, dtype=np.int64),
                  np.array(ends, dtype=np.int64))


def _tokenize_normalized(text: str) -> Tokens:
    norm = normalize(text, keep_space=True)
    hashes: list[int] = []
    starts: list[int] = []
    ends: list[int] = []
    for m in _TOKEN.finditer(norm.text):
        start, end = norm.to_original(m.start(), m.end())
        hashes.append(_token_hash(m.group()))
        starts.append(start)
        ends.append(end)
    return Tokens(np.array(hashes, dtype=np.uint64), np.array(starts, dtype=np.int64),
                  np.array(ends, dtype=np.int64))


def mix64(x: U64) -> U64:
    """splitmix64's finaliser, element-wise (a bijection on uint64 with good avalanche).

    >>> int(mix64(np.array([1], dtype=np.uint64))[0]) != 1
    True
    """
    x = x ^ (x >> np.uint64(30))
    x = x * _MIX1
    x = x ^ (x >> np.uint64(27))
    x = x * _MIX2
    return x ^ (x >> np.uint64(31))


def hash_tokens(token_hashes: U64, n: int) -> U64:
    """Hashes of the ``n``-grams of a token-hash sequence (one hash when it is shorter than ``n``)."""
    count = len(token_hashes)
    if count == 0:
        return np.zeros(0, dtype=np.uint64)
    if count < n:
        n = count
    size = count - n + 1
    acc = np.zeros(size, dtype=np.uint64)
    mult = np.ones(1, dtype=np.uint64)
    for k in range(n):
        acc = acc * _GOLDEN + token_hashes[k : k + size] * mult[0]
        mult = mult * _MIX1
    return mix64(acc + np.uint64(n))


def shingle_hashes(tokens: Tokens, spec: ShingleSpec) -> U64:
    """The shingle hashes of ``tokens`` in token order (shingle ``i`` starts at token ``i``)."""
    return hash_tokens(tokens.hashes, spec.n)


def shingles(text: str, n: int = 3) -> U64:
    """The distinct shingle hashes of ``text``, sorted.

    >>> a = shingles("the quick brown fox jumps")
    >>> len(a), bool(np.array_equal(a, shingles("The QUICK, brown\\nfox jumps!")))
    (3, True)
    """
    return np.unique(hash_tokens(tokenize(text).hashes, n))
