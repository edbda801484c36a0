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

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from dedup import _regex
from dedup.normalize import fold_char, normalize

__all__ = ["ShingleSpec", "Tokens", "hash_token_list", "hash_tokens", "shingle_hashes", "shingles", "tokenize"]

U64 = npt.NDArray[np.uint64]
I64 = npt.NDArray[np.int64]

_CJK_RANGES = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff\U00020000-\U0002ffff"
# One CJK character, or a run of other word characters (letters and digits of any script, with
# combining marks: NFKC leaves some, e.g. the dot of a lower-cased U+0130).
_TOKEN = _regex.compile(rf"[{_CJK_RANGES}]|(?:[^\W_{_CJK_RANGES}]|[\u0300-\u036f])+")
# Runs of word characters of any script (CJK runs are cut into characters afterwards; a stray
# combining mark splits a word, the same way in every document).
_WORD_SPLIT = _regex.compile(r"([^\W_]+)")
# Runs of CJK unified ideographs (and extension A), which NFKC and lower-casing leave unchanged.
_PLAIN_CJK = _regex.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]+")

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
        return {"tokens": "cjk-char+word/fold_char", "token_hash": "poly-fnvprime-utf32+splitmix64", "n": self.n,
                "combine": "poly-golden+splitmix64"}


@dataclass(frozen=True, slots=True)
class Tokens:
    """Token hashes and their original ``[start, end)`` code-point offsets."""

    hashes: U64
    starts: I64
    ends: I64

    def __len__(self) -> int:
        return len(self.hashes)


_POLY = 0x100000001B3  # the FNV-1a 64-bit prime: odd, so invertible modulo 2**64
_POLY_INV = pow(_POLY, -1, 1 << 64)


def hash_token_list(tokens: list[str]) -> U64:
    """64-bit hashes of ``tokens``, vectorised: a polynomial over code points, then splitmix64.

    The tokens are joined once and the polynomial of each is read off prefix sums
    (``sum c_j * B**-j``, scaled by ``B**(end-1)``; ``B`` is odd, so invertible modulo
    ``2**64``), so no Python code runs per token.

    >>> h = hash_token_list(["cat", "dog", "cat", ""])
    >>> bool(h[0] == h[2]), bool(h[0] != h[1]), bool(h[0] == hash_token_list(["cat"])[0])
    (True, True, True)
    """
    if not tokens:
        return np.zeros(0, dtype=np.uint64)
    joined = "\x00".join(tokens)
    codes = np.frombuffer(joined.encode("utf-32-le", "surrogatepass"), dtype=np.uint32).astype(np.uint64)
    lens = np.fromiter(map(len, tokens), dtype=np.int64, count=len(tokens))
    starts = np.zeros(len(tokens), dtype=np.int64)
    np.cumsum(lens[:-1] + 1, out=starts[1:])
    ends = starts + lens
    n = len(codes)
    powers = np.ones(n + 1, dtype=np.uint64)
    powers[1:] = np.cumprod(np.full(n, _POLY, dtype=np.uint64))
    inverse = np.ones(n, dtype=np.uint64)
    inverse[1:] = np.cumprod(np.full(n - 1, _POLY_INV, dtype=np.uint64))
    prefix = np.zeros(n + 1, dtype=np.uint64)
    np.cumsum(codes * inverse, out=prefix[1:])
    poly = (prefix[ends] - prefix[starts]) * powers[np.maximum(ends - 1, 0)]
    return mix64(poly ^ (lens.astype(np.uint64) * _GOLDEN))


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
    # re.split keeps separators and words alternately, so offsets are a cumulative sum of lengths:
    # no Python object per match, which is what makes this several times faster than finditer
    parts = _WORD_SPLIT.split(lowered)
    lens = np.fromiter(map(len, parts), dtype=np.int64, count=len(parts))
    ends_all = np.cumsum(lens)
    words: list[str] = parts[1::2]
    w_starts = ends_all[1::2] - lens[1::2]
    w_ends = ends_all[1::2]
    special = [i for i, w in enumerate(words) if not w.isascii()]
    if not special:
        return Tokens(hash_token_list(words), w_starts, w_ends)
    toks: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    prev = 0
    ws, we = w_starts.tolist(), w_ends.tolist()
    for i in special:
        toks.extend(words[prev:i])
        starts.extend(ws[prev:i])
        ends.extend(we[prev:i])
        base = ws[i]
        word = words[i]
        if _PLAIN_CJK.fullmatch(word):
            # the common case in Chinese text: unified ideographs, each a token, folding leaves them alone
            toks.extend(word)
            starts.extend(range(base, base + len(word)))
            ends.extend(range(base + 1, base + len(word) + 1))
            prev = i + 1
            continue
        # CJK characters are tokens of their own; other runs are folded (width, compatibility forms)
        for m in _TOKEN.finditer(word):
            folded = _fold(m.group())
            if folded:
                toks.append(folded)
                starts.append(base + m.start())
                ends.append(base + m.end())
        prev = i + 1
    toks.extend(words[prev:])
    starts.extend(ws[prev:])
    ends.extend(we[prev:])
    return Tokens(hash_token_list(toks), np.array(starts, dtype=np.int64), np.array(ends, dtype=np.int64))


def _tokenize_normalized(text: str) -> Tokens:
    norm = normalize(text, keep_space=True)
    toks: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    for m in _TOKEN.finditer(norm.text):
        start, end = norm.to_original(m.start(), m.end())
        toks.append(m.group())
        starts.append(start)
        ends.append(end)
    return Tokens(hash_token_list(toks), np.array(starts, dtype=np.int64), np.array(ends, dtype=np.int64))


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
