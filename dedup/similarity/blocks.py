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
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

import numpy as np
import numpy.typing as npt

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
    start = 0
    while start < len(texts):
        stop, size = start, 0
        while stop < len(texts) and (stop == start or size + len(texts[stop]) <= _BATCH_CHARS):
            size += len(texts[stop])
            stop += 1
        out[start:stop] = _signatures_of_batch(texts[start:stop], a, b, num_perm)
        start = stop
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
_EMPTY = (1 << 64) - 1
# Odd multiplier that makes a densified bin differ from the bin it borrows from (by distance).
_DENSIFY = 0x9E3779B97F4A7C15


def block_sketches(texts: Sequence[str]) -> U64:
    """One-permutation MinHash sketch of each text's character 5-grams, shape ``(len(texts), 64)``.

    Each 5-gram hash (:func:`shingle_hashes_of_blocks`) falls in the bin named by its
    top 6 bits, and a bin keeps its smallest hash: one hash per shingle instead of
    one per shingle and permutation.  An empty bin borrows the value of the next
    non-empty bin to its right (circularly), shifted by the distance (densification,
    so two texts agree on a bin with probability about their Jaccard similarity).
    Empty texts get all-ones.  :func:`block_sketches_reference` is the pure-Python twin.
    """
    out = np.full((len(texts), SKETCH_BINS), _EMPTY, dtype=np.uint64)
    start = 0
    while start < len(texts):
        stop, size = start, 0
        while stop < len(texts) and (stop == start or size + len(texts[stop]) <= _BATCH_CHARS):
            size += len(texts[stop])
            stop += 1
        out[start:stop] = _sketches_of_batch(texts[start:stop])
        start = stop
    return out


def _sketches_of_batch(texts: Sequence[str]) -> U64:
    hashes, offsets = shingle_hashes_of_blocks(texts)
    flat = np.full(len(texts) * SKETCH_BINS, _EMPTY, dtype=np.uint64)
    if len(hashes):
        rows = np.repeat(np.arange(len(texts), dtype=np.int64), np.diff(offsets))
        slot = rows * SKETCH_BINS + (hashes >> np.uint64(58)).astype(np.int64)
        np.minimum.at(flat, slot, hashes)
    return _densify(flat.reshape(len(texts), SKETCH_BINS))


def _densify(sketch: U64) -> U64:
    empty = sketch == np.uint64(_EMPTY)
    if not empty.any():
        return sketch
    width = SKETCH_BINS
    bins = np.arange(width, dtype=np.int64)
    big = np.int64(4 * width)
    # index of the next non-empty bin at or after each bin, looking around the circle once
    twice = np.concatenate((np.where(empty, big, bins), np.where(empty, big, bins + width)), axis=1)
    nxt = np.minimum.accumulate(twice[:, ::-1], axis=1)[:, ::-1][:, :width]
    has_any = ~empty.all(axis=1)
    src = np.where(nxt < big, nxt % width, 0)
    borrowed = np.take_along_axis(sketch, src, axis=1) + (nxt - bins).astype(np.uint64) * np.uint64(_DENSIFY)
    return np.where(empty & has_any[:, None], borrowed, sketch)


def block_sketches_reference(texts: Sequence[str]) -> U64:
    """Pure-Python twin of :func:`block_sketches` (same values; for the differential test)."""
    k = SHINGLE
    out = np.full((len(texts), SKETCH_BINS), _EMPTY, dtype=np.uint64)
    for i, text in enumerate(texts):
        if not text:
            continue
        grams = [text[p : p + k] for p in range(len(text) - k + 1)] if len(text) >= k else [text]
        row = [_EMPTY] * SKETCH_BINS
        for gram in grams:
            acc = 0
            for ch in gram:
                acc = (acc * _BASE + ord(ch)) & _MASK
            h = _mix64_int((acc + k) & _MASK)
            row[h >> 58] = min(row[h >> 58], h)
        dense = list(row)
        for j in range(SKETCH_BINS):
            if row[j] != _EMPTY:
                continue
            for step in range(1, SKETCH_BINS):
                value = row[(j + step) % SKETCH_BINS]
                if value != _EMPTY:
                    dense[j] = (value + step * _DENSIFY) & _MASK
                    break
        out[i] = dense
    return out


def sketch_candidates(keys: U64) -> npt.NDArray[np.int64]:
    """Pairs ``(i, j)``, ``i < j``, of rows sharing a band key, leader-clustered; shape ``(m, 2)``, sorted.

    ``keys`` has one column per band (:func:`dedup.similarity.lsh.band_keys`, whose
    keys mix in the band number, so all bands share one sort).  Within a bucket of
    members ``m0 < m1 < ...`` the pairs are ``(m0, mk)`` and ``(m(k-1), mk)``.
    """
    n = keys.shape[0]
    if n < 2:
        return np.zeros((0, 2), dtype=np.int64)
    flat = keys.ravel()
    rows = np.repeat(np.arange(n, dtype=np.int64), keys.shape[1])
    # stable on rows already in order: members of a bucket come out in row order
    order = np.argsort(flat, kind="stable")
    sorted_keys = flat[order]
    same = sorted_keys[1:] == sorted_keys[:-1]
    if not same.any():
        return np.zeros((0, 2), dtype=np.int64)
    starts = np.concatenate(([True], ~same))
    leader_pos = np.maximum.accumulate(np.where(starts, np.arange(len(flat)), 0))
    members = np.nonzero(~starts)[0]
    member_rows = rows[order[members]]
    prev = np.stack((rows[order[members - 1]], member_rows), axis=1)
    lead = np.stack((rows[order[leader_pos[members]]], member_rows), axis=1)
    pairs = np.concatenate((prev, lead))
    pairs = pairs[pairs[:, 0] != pairs[:, 1]]
    pairs.sort(axis=1)
    codes = np.unique(pairs[:, 0] * n + pairs[:, 1])
    return np.stack((codes // n, codes % n), axis=1)


def sketch_candidates_reference(keys: U64) -> list[tuple[int, int]]:
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


def containment_estimates(fingerprints: npt.NDArray[np.uint8], sizes: I64, pairs: npt.NDArray[np.int64]
                          ) -> npt.NDArray[np.float64]:
    """Estimated share of the smaller set inside the larger, for each pair of rows.

    ``fingerprints`` are the low 8 bits of the sketches (a chance agreement of 1/256
    is corrected for) and ``sizes`` the set sizes; from the Jaccard estimate ``J``,
    ``|A & B| = J (|A| + |B|) / (1 + J)``.
    """
    if not len(pairs):
        return np.zeros(0, dtype=np.float64)
    a, b = pairs[:, 0], pairs[:, 1]
    agree = np.count_nonzero(fingerprints[a] == fingerprints[b], axis=1) / fingerprints.shape[1]
    jaccard = np.clip((agree - 1 / 256) / (1 - 1 / 256), 0.0, 1.0)
    sa, sb = sizes[a].astype(np.float64), sizes[b].astype(np.float64)
    return np.asarray(jaccard * (sa + sb) / ((1 + jaccard) * np.maximum(1.0, np.minimum(sa, sb))), dtype=np.float64)


def containment_estimates_reference(fingerprints: npt.NDArray[np.uint8], sizes: I64,
                                    pairs: npt.NDArray[np.int64]) -> list[float]:
    """Pure-Python twin of :func:`containment_estimates`."""
    out = []
    fp, sz = fingerprints.tolist(), sizes.tolist()
    for a, b in pairs.tolist():
        agree = sum(1 for x, y in zip(fp[a], fp[b], strict=True) if x == y) / len(fp[a])
        jaccard = min(1.0, max(0.0, (agree - 1 / 256) / (1 - 1 / 256)))
        out.append(jaccard * (sz[a] + sz[b]) / ((1 + jaccard) * max(1.0, min(sz[a], sz[b]))))
    return out
