"""Near-duplicate candidates among the blocks of one document, in time linear in its length.

The duplicate rules compare every pair of long blocks with rapidfuzz while a
document has a few hundred of them; above that this module gives them candidate
pairs instead:

1. every block (already in matching form) becomes the set of its character
   5-grams, hashed all at once with numpy over the concatenated code points;
2. a MinHash signature per block: ``num_perm`` affine permutations of the 5-gram
   hashes, reduced to per-block minima with ``np.minimum.reduceat``;
3. LSH banding (:func:`dedup.similarity.lsh.band_keys`, parameters from
   :func:`dedup.similarity.lsh.optimal_params` for the threshold);
4. leader clustering inside each band bucket: a member is paired with the
   bucket's first block (its leader) and with the member before it, never with
   every other member, so a paragraph printed a thousand times yields about
   two thousand pairs per band, not half a million.

Matching form has no whitespace, so character 5-grams serve Latin text as well
as Chinese (a Latin 5-gram spans a word and a half).

:func:`block_signatures_reference` computes the same signatures in pure Python
(for the differential test); the candidates are verified by the caller.

The duplicate rules now use the cheaper kernels further down, each with a
pure-Python twin and a differential test (``tests/similarity/test_block_sketches.py``):

* :func:`sketches_and_grams` / :func:`band_keys_and_grams`: 32-bit 5-gram hashes
  (:func:`gram_hashes32`), one-permutation MinHash (the top bits of a hash pick its
  bin, a bin keeps its minimum, empty bins densified), and one fingerprint byte per
  5-gram position;
* :func:`band_pairs`: LSH buckets band by band, leader-clustered;
* :func:`pairs_within_groups`: texts sharing a key, each paired with a window of
  the next ones (linear however large the group);
* :func:`probe_pairs` and :func:`shifted_pairs`: fingerprint probes of a candidate's
  ends, so only pairs that can align as near, head, tail or slid copies reach the
  character-level verifier.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

from dedup.normalize import batch_bounds
from dedup.similarity.lsh import band_keys, optimal_params
from dedup.similarity.shingles import mix64

__all__ = [
    "NUM_PERM",
    "SHINGLE",
    "block_signatures",
    "block_signatures_reference",
    "candidate_pairs_from_signatures",
    "near_duplicate_candidates",
    "shingle_hashes_of_blocks",
]

U64 = npt.NDArray[np.uint64]
I64 = npt.NDArray[np.int64]

#: characters per shingle
SHINGLE = 5
#: signature length: 64 permutations keep the arithmetic near the speed of hashing the text
NUM_PERM = 64
#: rows of the (shingles x permutations) product held at once (64 perms x 8 bytes x 16k = 8 MB)
_CHUNK = 16384
#: characters of blocks hashed at once (bounds the shingle arrays to ~40 MB)
_BATCH_CHARS = 1 << 20
#: characters of texts sketched at once (~40 bytes of temporaries a character)
_SKETCH_BATCH = 1 << 17
_MASK = (1 << 64) - 1
# Polynomial base for rolling the code points of a shingle into one 64-bit value (odd, well mixed).
_BASE = 0x100000001B3
_SEED = 0x5DEECE66D


def _permutations(num_perm: int, seed: int) -> tuple[U64, U64]:
    rng = np.random.default_rng(seed)
    top = np.iinfo(np.uint64).max
    a = rng.integers(0, top, num_perm, dtype=np.uint64, endpoint=True) | np.uint64(1)
    b = rng.integers(0, top, num_perm, dtype=np.uint64, endpoint=True)
    return a, b


def _codepoints(text: str) -> U64:
    # surrogatepass: lone surrogates (surrogate escapes) are code points like any other here
    raw = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    return raw.astype(np.uint64)


def shingle_hashes_of_blocks(texts: Sequence[str], k: int = SHINGLE) -> tuple[U64, I64]:
    """Hashes of every character ``k``-gram of every text, and where each text's hashes start.

    A text shorter than ``k`` (but not empty) gives one hash of its whole self; an
    empty text gives none.  Returns ``(hashes, offsets)`` with ``offsets`` of length
    ``len(texts) + 1``: text ``i`` owns ``hashes[offsets[i]:offsets[i + 1]]``.
    """
    lengths = np.fromiter((len(t) for t in texts), dtype=np.int64, count=len(texts))
    counts = np.where(lengths >= k, lengths - k + 1, np.minimum(lengths, 1))
    offsets = np.zeros(len(texts) + 1, dtype=np.int64)
    np.cumsum(counts, out=offsets[1:])
    if not len(texts) or offsets[-1] == 0:
        return np.zeros(0, dtype=np.uint64), offsets
    cps = _codepoints("".join(texts))
    n = len(cps)
    base = np.uint64(_BASE)
    # rolled[p] = polynomial of cps[p : p + k] (wrapping uint64 arithmetic); tail positions are unused
    rolled = np.zeros(n, dtype=np.uint64)
    for j in range(min(k, n)):
        rolled[: n - j] = rolled[: n - j] * base + cps[j:]
    text_ends = np.cumsum(lengths)
    full = lengths >= k
    total = int(offsets[-1])
    hashes = np.empty(total, dtype=np.uint64)
    # a position starts a full k-gram unless it lies in the last k - 1 characters of its text
    valid = np.ones(n, dtype=bool)
    tails = (text_ends[:, None] - np.arange(1, k, dtype=np.int64)[None, :]).ravel()
    valid[tails[tails >= np.repeat(text_ends - lengths, k - 1)]] = False
    short = np.nonzero(~full & (lengths > 0))[0]
    slot_is_full = np.ones(total, dtype=bool)
    slot_is_full[offsets[short]] = False
    hashes[slot_is_full] = rolled[valid]
    for i in short.tolist():
        acc = 0
        for ch in texts[i]:
            acc = (acc * _BASE + ord(ch)) & _MASK
        # the same polynomial, as if padded with k - len zero code points in front
        hashes[offsets[i]] = np.uint64(acc)
    return mix64(hashes + np.uint64(k)), offsets


def block_signatures(texts: Sequence[str], num_perm: int = NUM_PERM, seed: int = _SEED) -> U64:
    """MinHash signature of each text's set of character 5-grams, shape ``(len(texts), num_perm)``.

    Empty texts get all-ones (they match only each other; callers leave them out).
    """
    a, b = _permutations(num_perm, seed)
    out = np.full((len(texts), num_perm), np.iinfo(np.uint64).max, dtype=np.uint64)
    # a batch of blocks at a time: the shingle arrays cost ~40 bytes a character, so memory stays
    # bounded by the batch, not the document
    for start, stop in batch_bounds([len(t) for t in texts], _BATCH_CHARS):
        out[start:stop] = _signatures_of_batch(texts[start:stop], a, b, num_perm)
    return out


def _signatures_of_batch(texts: Sequence[str], a: U64, b: U64, num_perm: int) -> U64:
    hashes, offsets = shingle_hashes_of_blocks(texts)
    out = np.full((len(texts), num_perm), np.iinfo(np.uint64).max, dtype=np.uint64)
    counts = np.diff(offsets)
    nonempty = np.nonzero(counts)[0]
    i = 0
    while i < len(nonempty):
        # a group of whole blocks whose shingles fit in one chunk (a huge block alone, in pieces)
        first = int(nonempty[i])
        lo = int(offsets[first])
        j = i + 1
        while j < len(nonempty) and int(offsets[nonempty[j] + 1]) - lo <= _CHUNK:
            j += 1
        group = nonempty[i:j]
        hi = int(offsets[group[-1] + 1])
        if len(group) == 1 and hi - lo > _CHUNK:
            acc = out[first]
            for s in range(lo, hi, _CHUNK):
                part = hashes[s : min(hi, s + _CHUNK), None] * a[None, :] + b[None, :]
                np.minimum(acc, part.min(axis=0), out=acc)
        else:
            part = hashes[lo:hi, None] * a[None, :] + b[None, :]
            out[group] = np.minimum.reduceat(part, offsets[group] - lo, axis=0)
        i = j
    return out


def block_signatures_reference(texts: Sequence[str], num_perm: int = NUM_PERM, seed: int = _SEED) -> U64:
    """Pure-Python twin of :func:`block_signatures` (same values; for the differential test)."""
    a, b = _permutations(num_perm, seed)
    a_list, b_list = [int(x) for x in a], [int(x) for x in b]
    k = SHINGLE
    out = np.full((len(texts), num_perm), np.iinfo(np.uint64).max, dtype=np.uint64)
    for i, text in enumerate(texts):
        if not text:
            continue
        grams = [text[p : p + k] for p in range(len(text) - k + 1)] if len(text) >= k else [text]
        values = []
        for gram in grams:
            acc = 0
            for ch in gram:
                acc = (acc * _BASE + ord(ch)) & _MASK
            values.append(_mix64_int((acc + k) & _MASK))
        out[i] = [min(((x * ai) + bi) & _MASK for x in values) for ai, bi in zip(a_list, b_list, strict=True)]
    return out


def _mix64_int(x: int) -> int:
    x ^= x >> 30
    x = (x * 0xBF58476D1CE4E5B9) & _MASK
    x ^= x >> 27
    x = (x * 0x94D049BB133111EB) & _MASK
    return x ^ (x >> 31)


def candidate_pairs_from_signatures(signatures: U64, bands: int, rows: int) -> npt.NDArray[np.int64]:
    """Pairs ``(i, j)``, ``i < j``, of rows sharing a band, leader-clustered; shape ``(m, 2)``, sorted.

    Within a bucket of one band, the members in index order ``m0 < m1 < ...`` give
    ``(m0, mk)`` and ``(m(k-1), mk)``: linear in the bucket's size.
    """
    n = signatures.shape[0]
    if n < 2:
        return np.zeros((0, 2), dtype=np.int64)
    keys = band_keys(signatures, bands, rows)
    found: list[npt.NDArray[np.int64]] = []
    for band in range(bands):
        col = keys[:, band]
        order = np.argsort(col, kind="stable")
        sorted_keys = col[order]
        same = sorted_keys[1:] == sorted_keys[:-1]
        if not same.any():
            continue
        # index (into order) of the first member of the bucket each position belongs to
        starts = np.concatenate(([True], ~same))
        leader_pos = np.maximum.accumulate(np.where(starts, np.arange(n), 0))
        members = np.nonzero(~starts)[0]
        prev = np.stack((order[members - 1], order[members]), axis=1)
        lead = np.stack((order[leader_pos[members]], order[members]), axis=1)
        found.extend((prev, lead))
    if not found:
        return np.zeros((0, 2), dtype=np.int64)
    pairs = np.concatenate(found).astype(np.int64)
    pairs = pairs[pairs[:, 0] != pairs[:, 1]]
    pairs.sort(axis=1)
    codes = np.unique(pairs[:, 0] * n + pairs[:, 1])
    return np.stack((codes // n, codes % n), axis=1)


def near_duplicate_candidates(
    texts: Sequence[str],
    ids: Sequence[int] | None = None,
    threshold: float = 0.5,
    num_perm: int = NUM_PERM,
) -> Iterator[tuple[int, int]]:
    """Candidate near-duplicate pairs among ``texts`` (matching form), as ``(ids[i], ids[j])`` with i < j.

    Candidates are pairs whose 5-gram sets likely reach Jaccard ``threshold``; the
    caller verifies each one.

    >>> texts = ["abcdefghijklmnopqrstuvwxyz", "zyxwvutsrqponmlkjihgfedcba", "abcdefghijklmnopqrstuvwxyZ"]
    >>> list(near_duplicate_candidates(texts, ids=[10, 11, 12]))
    [(10, 12)]
    """
    if ids is not None and len(ids) != len(texts):
        raise ValueError("ids must have one entry per text")
    keep = [i for i, t in enumerate(texts) if t]
    if len(keep) < 2:
        return
    signatures = block_signatures([texts[i] for i in keep], num_perm=num_perm)
    bands, rows = optimal_params(threshold, num_perm)
    for x, y in candidate_pairs_from_signatures(signatures, bands, rows).tolist():
        a, b = keep[x], keep[y]
        yield (ids[a], ids[b]) if ids is not None else (a, b)


# --- one-permutation sketches (the duplicate rules' candidate generator) ---------------------

#: bins of a one-permutation MinHash sketch: the top 6 bits of a shingle hash pick its bin
SKETCH_BINS = 64
#: LSH banding of the sketch for Jaccard 0.5: ``optimal_params(0.5, 64)`` (a test checks it; computing
#: it costs milliseconds of numpy at every start)
BANDS, ROWS = 14, 4
# Odd multiplier that makes a densified bin differ from the bin it borrows from (by distance).
_DENSIFY = 0x9E3779B1


U32 = npt.NDArray[np.uint32]
_EMPTY32 = (1 << 32) - 1
_MASK32 = _EMPTY32
# Odd multipliers, one per position of a 5-gram, and murmur3's 32-bit finaliser constants.
_GRAM_MULTS = (0x9E3779B1, 0x85EBCA77, 0xC2B2AE3D, 0x27D4EB2F, 0x165667B1)
_FMIX1, _FMIX2 = 0x85EBCA6B, 0xC2B2AE35


def gram_hashes32(codes: U32) -> U32:
    """32-bit hash of the 5-gram starting at every position of ``codes`` (``len(codes) - 4`` values).

    ``xor`` of each code point times its position's odd multiplier, then murmur3's
    finaliser: half the memory traffic of 64-bit polynomial hashing, and enough bits
    for sketches (equal hashes of different 5-grams only blur a similarity estimate).
    """
    m = len(codes) - SHINGLE + 1
    if m <= 0:
        return np.zeros(0, dtype=np.uint32)
    h = codes[:m] * np.uint32(_GRAM_MULTS[0])
    for j in range(1, SHINGLE):
        h ^= codes[j : j + m] * np.uint32(_GRAM_MULTS[j])
    h ^= h >> np.uint32(16)
    h *= np.uint32(_FMIX1)
    h ^= h >> np.uint32(13)
    h *= np.uint32(_FMIX2)
    h ^= h >> np.uint32(16)
    return h


def _gram_hash32_int(gram: str) -> int:
    h = 0
    for ch, mult in zip(gram, _GRAM_MULTS, strict=True):
        h ^= (ord(ch) * mult) & _MASK32
    h ^= h >> 16
    h = (h * _FMIX1) & _MASK32
    h ^= h >> 13
    h = (h * _FMIX2) & _MASK32
    return h ^ (h >> 16)


def block_sketches(texts: Sequence[str]) -> U32:
    """One-permutation MinHash sketch of each text's character 5-grams, shape ``(len(texts), 64)``.

    Each 5-gram hash (:func:`gram_hashes32`) falls in the bin named by its top 6 bits,
    and a bin keeps its smallest hash: one hash per shingle instead of one per shingle
    and permutation.  An empty bin borrows the value of the next non-empty bin to its
    right (circularly), shifted by the distance (densification, so two texts agree on
    a bin with probability about their Jaccard similarity).  Texts shorter than 5
    characters get all-ones.  :func:`block_sketches_reference` is the pure-Python twin.
    """
    return sketches_and_grams(texts)[0]


def sketches_and_grams(texts: Sequence[str]) -> tuple[U32, npt.NDArray[np.uint8], I64]:
    """:func:`block_sketches`, and the low 8 bits of every 5-gram hash, with where each text starts.

    Returns ``(sketches, grams, starts)``: ``grams[starts[i] + p]`` fingerprints the
    5-gram at ``p`` of text ``i`` for ``p <= len(texts[i]) - 5`` (one byte per character;
    what :func:`aligned_pairs` probes).  Texts are hashed a batch at a time, so the
    wide temporaries stay bounded whatever the number of texts.
    """
    out = np.full((len(texts), SKETCH_BINS), _EMPTY32, dtype=np.uint32)

    def keep(first: int, stop: int, sketch: U32) -> None:
        out[first:stop] = sketch

    grams, starts = _sketch_batches(texts, keep)
    return out, grams, starts


def band_keys_and_grams(texts: Sequence[str]) -> tuple[U32, npt.NDArray[np.uint8], I64]:
    """LSH band keys of each text's sketch (``BANDS`` columns, 32 bits each), and the fingerprints.

    What the duplicate rules keep of :func:`sketches_and_grams`: the sketches themselves
    (256 bytes a text) are dropped batch by batch once banded.
    """
    from dedup.similarity.lsh import band_keys

    out = np.zeros((len(texts), BANDS), dtype=np.uint32)

    def keep(first: int, stop: int, sketch: U32) -> None:
        out[first:stop] = band_keys(sketch.astype(np.uint64), BANDS, ROWS).astype(np.uint32)

    grams, starts = _sketch_batches(texts, keep)
    return out, grams, starts


def gram_fingerprints(texts: Sequence[str]) -> tuple[npt.NDArray[np.uint8], I64]:
    """The fingerprints of :func:`sketches_and_grams` and where each text's start (one more entry:
    the end), without the sketches: what the probes of a later pass read."""
    return _sketch_batches(texts, None)


def _sketch_batches(texts: Sequence[str], keep: Callable[[int, int, U32], None] | None
                    ) -> tuple[npt.NDArray[np.uint8], I64]:
    lengths = np.fromiter(map(len, texts), dtype=np.int64, count=len(texts))
    starts = np.zeros(len(texts) + 1, dtype=np.int64)
    np.cumsum(lengths, out=starts[1:])
    grams = np.zeros(int(starts[-1]), dtype=np.uint8)
    for first, stop in _batches(starts, _SKETCH_BATCH):
        lo = int(starts[first])
        codes = np.frombuffer("".join(texts[first:stop]).encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
        hashes = gram_hashes32(codes)
        grams[lo : lo + len(hashes)] = hashes.astype(np.uint8)
        if keep is not None:
            keep(first, stop, _sketch_batch(hashes, lengths[first:stop], starts[first:stop] - lo))
    return grams, starts


def _batches(starts: I64, limit: int) -> Iterator[tuple[int, int]]:
    """:func:`~dedup.normalize.batch_bounds` of the texts that start at ``starts`` (and end where the
    next starts), found by bisection instead of a Python loop over every text."""
    first, n = 0, len(starts) - 1
    while first < n:
        stop = int(np.searchsorted(starts, starts[first] + limit, side="right")) - 1
        stop = max(first + 1, min(n, stop))
        yield first, stop
        first = stop


def _sketch_batch(hashes: U32, lengths: I64, starts: I64) -> U32:
    n = len(lengths)
    flat = np.full(n * SKETCH_BINS + 1, _EMPTY32, dtype=np.uint32)
    if len(hashes):
        slot = np.repeat(np.arange(n, dtype=np.int64) * SKETCH_BINS, lengths)[: len(hashes)]
        slot += (hashes >> np.uint32(26)).astype(np.int64)
        # the last four positions of a text start 5-grams that run into the next text: a dummy slot
        tails = (starts + lengths)[:, None] - np.arange(1, SHINGLE, dtype=np.int64)[None, :]
        tails = tails[(tails >= starts[:, None]) & (tails < len(hashes))]
        slot[tails] = n * SKETCH_BINS
        np.minimum.at(flat, slot, hashes)
    return _densify(flat[:-1].reshape(n, SKETCH_BINS))


def _densify(sketch: U32) -> U32:
    empty = sketch == np.uint32(_EMPTY32)
    if not empty.any():
        return sketch
    rows = np.flatnonzero(empty.any(axis=1) & ~empty.all(axis=1))
    if not len(rows):
        return sketch
    width = SKETCH_BINS
    part, hole = sketch[rows], empty[rows]
    filled = part.copy()
    # most holes have a non-empty right neighbour (circularly): all rows at once for those
    right_hole = np.roll(hole, -1, axis=1)
    take = hole & ~right_hole
    filled[take] = np.roll(part, -1, axis=1)[take] + np.uint32(_DENSIFY)
    # the few others hole by hole, distance by distance, until each meets a non-empty bin (every
    # row here has one, so none waits longer than width - 1)
    r, c = np.nonzero(hole & right_hole)
    flat_hole, flat_part = hole.ravel(), part.ravel()
    base = r * width
    step = 2
    while len(r):
        at = base + (c + step) % width
        ok = ~flat_hole[at]
        if ok.any():
            filled[r[ok], c[ok]] = flat_part[at[ok]] + np.uint32((step * _DENSIFY) & _MASK32)
            wait = ~ok
            r, c, base = r[wait], c[wait], base[wait]
        step += 1
    out = sketch.copy()
    out[rows] = filled
    return out


def block_sketches_reference(texts: Sequence[str]) -> U32:
    """Pure-Python twin of :func:`block_sketches` (same values; for the differential test)."""
    k = SHINGLE
    out = np.full((len(texts), SKETCH_BINS), _EMPTY32, dtype=np.uint32)
    for i, text in enumerate(texts):
        row = [_EMPTY32] * SKETCH_BINS
        for p in range(len(text) - k + 1):
            h = _gram_hash32_int(text[p : p + k])
            row[h >> 26] = min(row[h >> 26], h)
        if all(v == _EMPTY32 for v in row):
            continue
        dense = list(row)
        for j in range(SKETCH_BINS):
            if row[j] != _EMPTY32:
                continue
            for step in range(1, SKETCH_BINS):
                value = row[(j + step) % SKETCH_BINS]
                if value != _EMPTY32:
                    dense[j] = (value + step * _DENSIFY) & _MASK32
                    break
        out[i] = dense
    return out


def grams_reference(texts: Sequence[str]) -> list[list[int]]:
    """Pure-Python twin of the fingerprints of :func:`sketches_and_grams`, text by text."""
    return [[_gram_hash32_int(t[p : p + SHINGLE]) & 0xFF for p in range(len(t) - SHINGLE + 1)] for t in texts]


def sketch_candidates(keys: npt.NDArray[np.unsignedinteger[Any]]) -> npt.NDArray[np.int64]:
    """Pairs ``(i, j)``, ``i < j``, of rows sharing a band key, leader-clustered; shape ``(m, 2)``, sorted.

    ``keys`` has one column per band (:func:`dedup.similarity.lsh.band_keys`).  Within a
    bucket of members ``m0 < m1 < ...`` the pairs are ``(m0, mk)`` and ``(m(k-1), mk)``.
    """
    n = keys.shape[0]
    found = list(band_pairs(keys))
    if not found:
        return np.zeros((0, 2), dtype=np.int64)
    pairs = np.concatenate(found)
    codes = np.unique(pairs[:, 0] * n + pairs[:, 1])
    return np.stack((codes // n, codes % n), axis=1)


#: bits of a row in the band tables :func:`band_pairs` keeps (``band << 60 | key << 28 | row``)
TABLE_ROW_BITS = 28


def band_pairs(keys: npt.NDArray[np.unsignedinteger[Any]], tables: list[U64] | None = None
               ) -> Iterator[npt.NDArray[np.int64]]:
    """:func:`sketch_candidates` one band at a time (``(i, j)`` with ``i < j``; a pair sharing several
    bands comes once per band): memory stays that of one band.  ``tables``, when given (keys of 32
    bits or fewer, fewer than ``2 ** TABLE_ROW_BITS`` rows), receives each band's
    ``band << 60 | key << TABLE_ROW_BITS | row``, sorted: one sorted array once concatenated."""
    n = keys.shape[0]
    if n < 2:
        return
    positions = np.arange(n, dtype=np.int64)
    # keys of 32 bits or fewer sort with their rows in the low half of one 64-bit value: a plain sort
    # (vectorised) puts the members of a bucket in row order, as a stable argsort would, ten times faster
    packed = keys.dtype.itemsize <= 4
    rows = positions.astype(np.uint64)
    # the rows' bits: 32, or TABLE_ROW_BITS with the band above the key when the tables are kept
    bits = 32 if tables is None or n >= 1 << TABLE_ROW_BITS or keys.shape[1] > 16 else TABLE_ROW_BITS
    low = np.uint64((1 << bits) - 1)
    for band in range(keys.shape[1]):
        if packed:
            both = (keys[:, band].astype(np.uint64) << np.uint64(bits)) | rows
            if bits != 32:
                both |= np.uint64(band) << np.uint64(60)
            both.sort()
            if tables is not None and bits != 32:
                tables.append(both)
            order = (both & low).astype(np.int64)
            sorted_keys = both >> np.uint64(bits)
        else:
            # stable: members of a bucket come out in row order
            order = np.argsort(keys[:, band], kind="stable")
            sorted_keys = keys[order, band]
        same = sorted_keys[1:] == sorted_keys[:-1]
        if not same.any():
            continue
        starts = np.concatenate(([True], ~same))
        leader = np.maximum.accumulate(np.where(starts, positions, 0))
        members = np.flatnonzero(~starts)
        prev = np.stack((order[members - 1], order[members]), axis=1)
        lead = members[leader[members] != members - 1]
        first = np.stack((order[leader[lead]], order[lead]), axis=1)
        yield np.concatenate((prev, first))


def sketch_candidates_reference(keys: npt.NDArray[np.unsignedinteger[Any]]) -> list[tuple[int, int]]:
    """Pure-Python twin of :func:`sketch_candidates` (a dict of buckets)."""
    buckets: dict[int, list[int]] = {}
    for row, values in enumerate(keys.tolist()):
        for key in values:
            buckets.setdefault(key, []).append(row)
    pairs: set[tuple[int, int]] = set()
    for members in buckets.values():
        for k in range(1, len(members)):
            for other in (members[0], members[k - 1]):
                if other != members[k]:
                    pairs.add((min(other, members[k]), max(other, members[k])))
    return sorted(pairs)


# --- alignment probes ------------------------------------------------------------------------

#: probes per end of the shorter text, each two adjacent 5-grams (a 10-gram)
PROBES = 4
#: slip (characters, either way) tolerated between a probe and its place in the longer text
SLIP = 2
#: a shifted copy may slide this share of the shorter text (the verifier's tolerance), at most MAX_SHIFT
SHIFT_SHARE = 0.08
MAX_SHIFT = 24


def _probe_step(short_len: int) -> int:
    # probes reach back ~20% of the shorter text: a truncated copy may end in a few characters of its own
    return max(SHINGLE, (short_len + 23) // 24)


def aligned_pairs(pairs: npt.NDArray[np.int64], lengths: I64, grams: npt.NDArray[np.uint8], starts: I64
                  ) -> npt.NDArray[np.bool_]:
    """Which pairs of texts may align as copies: near copies, or the shorter a head or tail of the longer.

    ``grams[starts[r] + p]`` is an 8-bit fingerprint of the 5-gram at ``p`` of text ``r``
    (:func:`block_sketches` ``with_grams``).  A probe is two adjacent 5-grams of the shorter
    text; it holds when the same two fingerprints stand at the corresponding place of
    the longer text, give or take ``SLIP`` characters.  A check holds when one of its
    ``PROBES`` probes does:

    * ``start``: the start of the shorter at the start of the longer;
    * ``end``: the end of the shorter at the end of the longer;
    * ``head``: the end of the shorter where it would stop in the longer's head;
    * ``tail``: the start of the shorter where it would begin in the longer's tail.

    A pair passes with start and head (a head copy), end and tail (a tail copy) or start
    and end (a near copy).  :func:`aligned_pairs_reference` is the pure-Python twin.
    """
    return probe_pairs(pairs, lengths, grams, starts)[0]


def _shorter_first(pairs: npt.NDArray[np.int64], lengths: I64) -> tuple[I64, I64, I64, I64, I64]:
    """Each pair as (shorter text, longer text), their lengths, and the probe step of the shorter."""
    la, lb = lengths[pairs[:, 0]], lengths[pairs[:, 1]]
    a_short = la <= lb
    short = np.where(a_short, pairs[:, 0], pairs[:, 1])
    long_ = np.where(a_short, pairs[:, 1], pairs[:, 0])
    ls, ll = lengths[short], lengths[long_]
    return short, long_, ls, ll, np.maximum(SHINGLE, (ls + 23) // 24)


def probe_pairs(pairs: npt.NDArray[np.int64], lengths: I64, grams: npt.NDArray[np.uint8], starts: I64,
                known: str = "") -> tuple[npt.NDArray[np.bool_], npt.NDArray[np.bool_]]:
    """:func:`aligned_pairs`, and whether the start or the end check held (an anchored pair, which a
    slid copy is not: :func:`shifted_pairs` need not look at it).

    ``known="start"`` (or ``"end"``) says every pair shares its first (last) ten characters,
    so that check holds without probing: the same answers, a quarter of the work saved.
    """
    if not len(pairs):
        return np.zeros(0, dtype=bool), np.zeros(0, dtype=bool)
    short, long_, ls, ll, step = _shorter_first(pairs, lengths)
    gap = ll - ls
    s0, l0 = starts[short], starts[long_]
    probe = _Probe(ls, ll, step, s0, l0)
    zero = np.zeros(len(ls), dtype=np.int64)
    held = np.ones(len(ls), dtype=bool)
    start = held if known == "start" else probe.check(grams, False, zero)
    end = held if known == "end" else probe.check(grams, True, gap)
    out = start & end
    # head and tail probes only where they can still decide
    for needs, from_end, shift in ((start & ~end, True, zero), (end & ~start, False, gap)):
        idx = np.flatnonzero(needs)
        if len(idx):
            sub = _Probe(ls[idx], ll[idx], step[idx], s0[idx], l0[idx])
            out[idx] = sub.check(grams, from_end, shift[idx])
    return out, start | end


def shifted_pairs(pairs: npt.NDArray[np.int64], lengths: I64, grams: npt.NDArray[np.uint8], starts: I64
                  ) -> npt.NDArray[np.bool_]:
    """Which pairs may align with the shorter text slid along the longer's head or tail window.

    One of two probes of the shorter text near the window's edge (its start for the
    tail window, its end for the head window) and one of two at the far end of the
    overlap must stand in the longer text at one common offset, within ``SHIFT_SHARE``
    of the shorter's length of where the window puts them.  For pairs :func:`aligned_pairs` leaves out: a copy that lost
    or gained a few characters at its start or end.  :func:`shifted_pairs_reference`
    is the pure-Python twin.
    """
    if not len(pairs):
        return np.zeros(0, dtype=bool)
    short, long_, ls, ll, step = _shorter_first(pairs, lengths)
    limit = np.minimum(MAX_SHIFT, (ls * SHIFT_SHARE).astype(np.int64) + SLIP)
    s0, l0 = starts[short], starts[long_]
    last = ls - 2 * SHINGLE
    # offsets beyond every pair's limit would only be masked out: a batch of short texts tries fewer
    reach = int(limit.max())
    offsets = np.arange(-reach, reach + 1, dtype=np.int64)
    within = np.abs(offsets)[None, :] <= limit[:, None]
    ok = np.zeros(len(ls), dtype=bool)
    for tail in (True, False):
        base = ll - ls if tail else np.zeros_like(ls)
        p1 = np.zeros_like(ls) if tail else last
        p2 = np.minimum(2 * step, last) if tail else np.maximum(0, last - 2 * step)
        # the probes near the window's edge against every offset at once; the far ones only where those stand
        hit = within & (_probe_matrix(grams, s0, l0, ll, p1[:, None], base, offsets)
                        | _probe_matrix(grams, s0, l0, ll, p2[:, None], base, offsets))
        rows = np.flatnonzero(hit.any(axis=1))
        if not len(rows):
            continue
        # the far end of the overlap at the same offset: the whole shorter text slid, not a shared half
        if tail:
            far = np.minimum(last[rows, None], (ll - 2 * SHINGLE - base)[rows, None] - offsets[None, :])
            inner = far - 2 * step[rows, None]
        else:
            far = np.maximum(0, -offsets)[None, :].repeat(len(rows), axis=0)
            inner = far + 2 * step[rows, None]
        sub = hit[rows]
        ends = np.zeros_like(sub)
        for at in (far, inner):
            fits = (at >= 0) & (at <= last[rows, None])
            ends |= fits & _probe_matrix(grams, s0[rows], l0[rows], ll[rows], np.clip(at, 0, last[rows, None]),
                                         base[rows], offsets)
        sub &= ends
        ok[rows] |= sub.any(axis=1)
    return ok


def _probe_matrix(grams: npt.NDArray[np.uint8], s0: I64, l0: I64, ll: I64, p: I64, base: I64, offsets: I64
                  ) -> npt.NDArray[np.bool_]:
    """Rows: pairs; columns: offsets.  Whether the probe at ``p`` (per row, or per row and offset)
    of the shorter text stands at ``p + base + offset`` of the longer."""
    q = p + base[:, None] + offsets[None, :]
    inside = (q >= 0) & (q <= (ll - 2 * SHINGLE)[:, None])
    at = l0[:, None] + np.where(inside, q, 0)
    mine = s0[:, None] + p
    return np.asarray(inside & (grams[at] == grams[mine]) & (grams[at + SHINGLE] == grams[mine + SHINGLE]),
                      dtype=bool)


def shifted_pairs_reference(pairs: npt.NDArray[np.int64], lengths: I64, grams: npt.NDArray[np.uint8],
                            starts: I64) -> list[bool]:
    """Pure-Python twin of :func:`shifted_pairs`."""
    g, lens, st = grams.tolist(), lengths.tolist(), starts.tolist()
    out = []
    for a, b in pairs.tolist():
        short, long_ = (a, b) if lens[a] <= lens[b] else (b, a)
        ls, ll = lens[short], lens[long_]
        step = _probe_step(ls)
        limit = min(MAX_SHIFT, int(ls * SHIFT_SHARE) + SLIP)
        last = ls - 2 * SHINGLE

        def at(text: int, p: int) -> tuple[int, int]:
            return g[st[text] + p], g[st[text] + p + SHINGLE]

        found = False
        for tail in (True, False):
            base = ll - ls if tail else 0
            p1, p2 = (0, min(2 * step, last)) if tail else (last, max(0, last - 2 * step))
            for d in range(-limit, limit + 1):
                far = min(last, ll - 2 * SHINGLE - base - d) if tail else max(0, -d)
                inner = far - 2 * step if tail else far + 2 * step

                def stands(p: int, d: int = d, base: int = base, ll: int = ll, last: int = last, short: int = short,
                           long_: int = long_) -> bool:
                    q = p + base + d
                    return 0 <= p <= last and 0 <= q <= ll - 2 * SHINGLE and at(short, p) == at(long_, q)

                if (stands(p1) or stands(p2)) and (stands(far) or stands(inner)):
                    found = True
        out.append(found)
    return out


#: pairs probed in one array of every probe and slip (fewer: the per-probe loop's calls cost more)
_FEW_PROBED = 4096


class _Probe:
    """Shorter and longer text of each pair: lengths, probe step and where their fingerprints start."""

    def __init__(self, ls: I64, ll: I64, step: I64, s0: I64, l0: I64) -> None:
        self.ls, self.ll, self.step, self.s0, self.l0 = ls, ll, step, s0, l0

    def check(self, grams: npt.NDArray[np.uint8], from_end: bool, shift: I64) -> npt.NDArray[np.bool_]:
        ls, ll, s0, l0 = self.ls, self.ll, self.s0, self.l0
        if len(ls) <= _FEW_PROBED:
            return self._check_at_once(grams, from_end, shift)
        ok = np.zeros(len(ls), dtype=bool)
        for j in range(PROBES):
            if from_end:
                p = np.maximum(0, ls - 2 * SHINGLE - j * self.step)
            else:
                p = np.minimum(j * self.step, ls - 2 * SHINGLE)
            first = grams[s0 + p]
            second = grams[s0 + p + SHINGLE]
            for d in range(-SLIP, SLIP + 1):
                q = p + shift + d
                inside = (q >= 0) & (q <= ll - 2 * SHINGLE)
                qc = np.where(inside, q, 0)
                ok |= inside & (grams[l0 + qc] == first) & (grams[l0 + qc + SHINGLE] == second)
        return ok

    def _check_at_once(self, grams: npt.NDArray[np.uint8], from_end: bool, shift: I64) -> npt.NDArray[np.bool_]:
        """:meth:`check` with every probe and slip in one array (pairs x probes x slips): for a few
        pairs (a later pass of ``clean``) the loop's calls would cost more than its work."""
        ls, ll, s0, l0 = self.ls[:, None], self.ll[:, None, None], self.s0[:, None], self.l0[:, None, None]
        j = np.arange(PROBES, dtype=np.int64)[None, :]
        if from_end:
            p = np.maximum(0, ls - 2 * SHINGLE - j * self.step[:, None])
        else:
            p = np.minimum(j * self.step[:, None], ls - 2 * SHINGLE)
        first = grams[s0 + p][:, :, None]
        second = grams[s0 + p + SHINGLE][:, :, None]
        q = p[:, :, None] + shift[:, None, None] + np.arange(-SLIP, SLIP + 1, dtype=np.int64)[None, None, :]
        inside = (q >= 0) & (q <= ll - 2 * SHINGLE)
        qc = np.where(inside, q, 0)
        hit = inside & (grams[l0 + qc] == first) & (grams[l0 + qc + SHINGLE] == second)
        return np.asarray(hit.any(axis=(1, 2)), dtype=bool)


def aligned_pairs_reference(pairs: npt.NDArray[np.int64], lengths: I64, grams: npt.NDArray[np.uint8],
                            starts: I64) -> list[bool]:
    """Pure-Python twin of :func:`aligned_pairs`."""
    return [aligned for aligned, _ in probe_pairs_reference(pairs, lengths, grams, starts)]


def probe_pairs_reference(pairs: npt.NDArray[np.int64], lengths: I64, grams: npt.NDArray[np.uint8],
                          starts: I64) -> list[tuple[bool, bool]]:
    """Pure-Python twin of :func:`probe_pairs`."""
    g, lens, st = grams.tolist(), lengths.tolist(), starts.tolist()
    out = []
    for a, b in pairs.tolist():
        short, long_ = (a, b) if lens[a] <= lens[b] else (b, a)
        ls, ll = lens[short], lens[long_]
        step = _probe_step(ls)

        def check(from_end: bool, shift: int, short: int = short, long_: int = long_, ls: int = ls, ll: int = ll,
                  step: int = step) -> bool:
            for j in range(PROBES):
                p = max(0, ls - 2 * SHINGLE - j * step) if from_end else min(j * step, ls - 2 * SHINGLE)
                probe = (g[st[short] + p], g[st[short] + p + SHINGLE])
                for d in range(-SLIP, SLIP + 1):
                    q = p + shift + d
                    if 0 <= q <= ll - 2 * SHINGLE and (g[st[long_] + q], g[st[long_] + q + SHINGLE]) == probe:
                        return True
            return False

        start, end = check(False, 0), check(True, ll - ls)
        head, tail = check(True, 0), check(False, ll - ls)
        out.append(((start and (head or end)) or (end and tail), start or end))
    return out


def pairs_within_groups(keys: I64, max_group: int, window: int, tables: list[tuple[I64, I64]] | None = None
                        ) -> Iterator[npt.NDArray[np.int64]]:
    """Pairs ``(i, j)``, ``i < j``, of rows with equal keys, in groups of 2 to ``max_group`` rows.

    In each group (rows in order) a row pairs with the ``window`` rows after it: every
    pair of a group of up to ``window + 1`` rows, and a number linear in the rows for
    larger groups.  Yields one array of pairs per distance ``1 .. window`` (each at most
    as long as ``keys``, so memory stays bounded); :func:`pairs_within_groups_reference`
    is the pure-Python twin.  ``tables``, when given, receives the keys sorted and the rows in
    that order.

    >>> [p.tolist() for p in pairs_within_groups(np.array([7, 3, 7, 7, 3, 5]), 3, 2)]
    [[[1, 4], [0, 2], [2, 3]], [[0, 3]]]
    """
    n = len(keys)
    if n < 2:
        return
    order = np.argsort(keys, kind="stable")
    sorted_keys = keys[order]
    if tables is not None:
        tables.append((sorted_keys, order))
    starts = np.flatnonzero(np.concatenate(([True], sorted_keys[1:] != sorted_keys[:-1])))
    sizes = np.diff(np.append(starts, n))
    group_of = np.repeat(np.arange(len(starts)), sizes)
    small = (sizes <= max_group)[group_of]
    for distance in range(1, window + 1):
        same = (group_of[distance:] == group_of[:-distance]) & small[distance:]
        if not same.any():
            return
        first = np.flatnonzero(same)
        pairs = np.stack((order[first], order[first + distance]), axis=1)
        pairs.sort(axis=1)
        yield pairs


def pairs_within_groups_reference(keys: I64, max_group: int, window: int) -> list[tuple[int, int]]:
    """Pure-Python twin of :func:`pairs_within_groups` (all its pairs, sorted)."""
    groups: dict[int, list[int]] = {}
    for row, key in enumerate(keys.tolist()):
        groups.setdefault(key, []).append(row)
    return sorted((x, y) for ids in groups.values() if len(ids) <= max_group
                  for k, x in enumerate(ids) for y in ids[k + 1 : k + 1 + window])


def duplicate_candidates(norms: Sequence[str], long_ids: Sequence[int], *, key_chars: int, max_key_group: int,
                         key_window: int, max_expansion: int, chunk: int = 1 << 18,
                         groups: Mapping[str, list[int]] | None = None,
                         record: dict[str, Any] | None = None) -> set[tuple[int, int]]:
    """Candidate duplicate pairs ``(i, j)``, ``i < j``, among blocks ``long_ids`` of a long document.

    The duplicate rules' linear path.  Each distinct text (``norms`` are the blocks in
    matching form) gets a one-permutation sketch of its 5-grams (:func:`band_keys_and_grams`):
    texts sharing an LSH band are candidates, and so are texts sharing their first or
    last ``key_chars`` characters (groups of up to ``max_key_group``, each text paired
    with the ``key_window`` after it).  A candidate is kept only when probes of its ends
    align (:func:`probe_pairs`, :func:`shifted_pairs`): paragraphs that merely share a
    sentence or a half are not compared character by character.  Copies of one text
    share its candidates (all their pairs, up to ``max_expansion`` of them).  Pairs are
    probed ``chunk`` at a time.  ``groups`` (distinct long text -> its blocks, in block
    order) saves building that map again when the caller has it.  ``record``, when given, receives
    what a later pass needs to find the candidates of a few texts alone: ``texts`` (the rows, in
    order), their ``lengths``, ``members`` (each row's blocks), band ``keys`` and the hashes of
    their ``heads`` and ``tails``, and every pair of
    rows probed (``probed``: a list of ``(kind, pairs, passed)``, kind ``band``, ``head`` or ``tail``),
    and the sorted tables of the bands and of the heads and tails (``band_tables``, ``end_tables``:
    see :func:`band_pairs` and :func:`pairs_within_groups`).
    """
    # one row per distinct text: copies of a text pair up through the exact dict, and share every candidate
    if groups is None:
        by_text: dict[str, list[int]] = {}
        for i in long_ids:
            by_text.setdefault(norms[i], []).append(i)
        groups = by_text
    texts = list(groups)
    members = list(groups.values())
    keys, grams, starts = band_keys_and_grams(texts)
    lengths = np.fromiter(map(len, texts), dtype=np.int64, count=len(texts))
    kept = []
    probed: list[tuple[str, npt.NDArray[np.int64], npt.NDArray[np.bool_]]] | None = None
    if record is not None:
        probed = record["probed"] = []
    # the bands' pairs gathered ``chunk`` at a time, each pair once per batch (a near copy shares
    # most bands), then probed together: the probes hold a dozen arrays as long as the batch
    band_tables: list[U64] | None = record.setdefault("band_tables", []) if record is not None else None
    for part in _gathered(band_pairs(keys, band_tables), chunk, len(texts)):
        aligned, anchored = probe_pairs(part, lengths, grams, starts)
        # a band shared with a copy slid by a few characters (it lost or gained some at both ends)
        slid = np.flatnonzero(~anchored)
        # a few thousand pairs at a time: the probes' (pairs x offsets) matrices stay small enough
        # to be recycled by the allocator instead of being mapped afresh (a page fault per page)
        for lo in range(0, len(slid), _SHIFT_BATCH):
            some = slid[lo : lo + _SHIFT_BATCH]
            aligned[some] = shifted_pairs(part[some], lengths, grams, starts)
        kept.append(part[aligned])
        if probed is not None:
            probed.append(("band", part, aligned))
    if record is not None:
        record["texts"], record["keys"], record["lengths"], record["members"] = texts, keys, lengths, members
    del keys
    for head in (True, False):
        # lazily, text by text: a list of the ends would be a few more bytes than a pointer a text
        ends = map(operator.itemgetter(slice(None, key_chars) if head else slice(-key_chars, None)), texts)
        shared = np.fromiter(map(hash, ends), dtype=np.int64, count=len(texts))
        if record is not None:
            record["heads" if head else "tails"] = shared
        # texts with one head share their first key_chars (>= 10) characters: the start probe holds
        known = ("start" if head else "end") if key_chars >= 2 * SHINGLE else ""
        # pairs of one group at distinct distances are distinct: no need to make them so
        end_tables: list[tuple[I64, I64]] | None = (
            record.setdefault("end_tables", []) if record is not None else None)
        for part in _gathered(pairs_within_groups(shared, max_key_group, key_window, end_tables), chunk, 0):
            aligned = probe_pairs(part, lengths, grams, starts, known)[0]
            kept.append(part[aligned])
            if probed is not None:
                probed.append(("head" if head else "tail", part, aligned))
    pairs = np.concatenate(kept) if kept else np.zeros((0, 2), dtype=np.int64)
    out: set[tuple[int, int]] = set()
    for x, y in pairs.tolist():
        ids_x, ids_y = members[x], members[y]
        if len(ids_x) * len(ids_y) > max_expansion:
            # a text printed many times: its first copy stands for the others (leader clustering)
            ids_x, ids_y = ids_x[:1], ids_y[:1]
        out.update((min(a, b), max(a, b)) for a in ids_x for b in ids_y)
    return out


#: pairs whose slid copies are probed at once (their matrices: ~250 bytes a pair)
_SHIFT_BATCH = 2048


def _gathered(found: Iterable[npt.NDArray[np.int64]], chunk: int, rows: int) -> Iterator[npt.NDArray[np.int64]]:
    """The pairs of ``found`` (arrays of shape ``(m, 2)``) in batches of at most ``chunk``.

    With ``rows`` (the number of texts) a batch holds each pair once, in sorted order;
    with 0 the pairs are passed on as they come (the caller knows them distinct).  Memory
    stays that of a batch and one array of ``found``.
    """
    held: list[npt.NDArray[np.int64]] = []
    size = 0

    def flush() -> Iterator[npt.NDArray[np.int64]]:
        pairs = np.concatenate(held) if len(held) > 1 else held[0]
        if rows:
            # distinct by sorting codes (np.unique would import numpy.ma on first use)
            codes = pairs[:, 0] * np.int64(rows) + pairs[:, 1]
            codes.sort()
            codes = codes[np.concatenate(([True], codes[1:] != codes[:-1]))]
            pairs = np.stack((codes // rows, codes % rows), axis=1)
        for lo in range(0, len(pairs), chunk):
            yield pairs[lo : lo + chunk]

    for part in found:
        if not len(part):
            continue
        held.append(part)
        size += len(part)
        if size >= chunk:
            yield from flush()
            held, size = [], 0
    if held:
        yield from flush()
