"""Verification of candidates with rapidfuzz, over the matching form.

``verify`` scores two passages as wholes; ``containment`` scores how much of the
shorter lies inside the longer; ``align`` finds the aligned passages two texts
share and reports them with original offsets in both (the passim-style extension
of a seed match to the whole aligned passage).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from dedup.normalize import Normalized, fold_char, normalize

__all__ = ["Alignment", "align", "align_normalized", "containment", "fast_normalize", "verify"]

# Largest slip (characters, each side) across which an alignment extends beyond its outer anchors
# (over equal runs of two or more characters: single ones match by chance).
_EDGE = 2


def fast_normalize(text: str, base: int = 0) -> Normalized:
    """:func:`dedup.normalize.normalize` (without ``keep_space``), computed per distinct character.

    Each distinct character is folded once and the text rewritten with ``str.translate``;
    the offset map is a ``numpy.repeat``.  Several times faster on long texts, and
    equal to ``normalize(text, base)`` (a property test checks it).

    >>> fast_normalize("Ａ，b  c") == normalize("Ａ，b  c")
    True
    """
    import numpy as np

    if not text:
        return Normalized("", (), base)
    codes = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    uniq, inverse = np.unique(codes, return_inverse=True)
    chars = [chr(c) for c in uniq.tolist()]
    folded = [fold_char(c) for c in chars]
    table = {ord(c): f for c, f in zip(chars, folded, strict=True) if c != f}
    lens = np.fromiter(map(len, folded), dtype=np.int64, count=len(folded))[inverse]
    offsets = np.repeat(np.arange(base, base + len(text), dtype=np.int64), lens)
    return Normalized(text.translate(table), tuple(offsets.tolist()), base + len(text))


def verify(a: str, b: str) -> float:
    """Similarity of two passages in ``[0, 1]``: rapidfuzz's normalised Indel ratio on the matching form.

    >>> verify("The cat sat.", "the  cat sat.")
    1.0
    >>> verify("abc", "xyz")
    0.0
    """
    from rapidfuzz.fuzz import ratio

    return float(ratio(normalize(a).text, normalize(b).text)) / 100.0


def containment(a: str, b: str) -> float:
    """How well the shorter of ``a`` and ``b`` aligns to a part of the longer, in ``[0, 1]``.

    >>> containment("brown fox", "the quick brown fox jumps")
    1.0
    """
    from rapidfuzz.fuzz import partial_ratio

    na, nb = normalize(a).text, normalize(b).text
    if len(na) > len(nb):
        na, nb = nb, na
    return float(partial_ratio(na, nb)) / 100.0


@dataclass(frozen=True, slots=True)
class Alignment:
    """A passage of ``a`` aligned to a passage of ``b``: original offsets in each and the similarity."""

    a_start: int
    a_end: int
    b_start: int
    b_end: int
    score: float
    #: length of the aligned passage in matching-form characters (the longer side)
    length: int


def align(a: str, b: str, *, min_length: int = 60, min_score: float = 0.8, max_gap: int = 40,
          a_base: int = 0, b_base: int = 0) -> list[Alignment]:
    """Passages of ``a`` and ``b`` that align, longest first.

    Equal runs of the character alignment (rapidfuzz ``Indel.opcodes``) are chained
    while the gaps between them stay under ``max_gap`` characters on both sides;
    a chain is kept when it spans at least ``min_length`` matching-form characters
    and its two sides score at least ``min_score`` with :func:`verify`'s measure.
    Offsets are into ``a`` and ``b`` plus ``a_base`` / ``b_base``.

    >>> text = "Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor."
    >>> [al] = align("NEWS " + text + " END", "xx\\n" + text.replace(" ", "\\n", 3), min_length=40)
    >>> (al.a_start, al.a_end, al.b_start, al.b_end, al.score)
    (5, 84, 3, 82, 1.0)
    """
    return align_normalized(fast_normalize(a, a_base), fast_normalize(b, b_base), min_length=min_length,
                            min_score=min_score, max_gap=max_gap)


def align_normalized(na: Normalized, nb: Normalized, *, min_length: int = 60, min_score: float = 0.8,
                     max_gap: int = 40, anchor: int = 4, rounds: int = 3) -> list[Alignment]:
    """:func:`align` on texts already in matching form (their offset maps give the original offsets).

    One character alignment cannot hold passages that appear in opposite orders in
    the two texts, so after each round the aligned stretches are masked and the rest
    aligned again (at most ``rounds`` rounds; stops at the first round finding nothing).
    """
    out: list[Alignment] = []
    for a0, a1, b0, b1 in _seed_regions(na.text, nb.text, max_gap=max_gap, min_length=min_length):
        sub_a = Normalized(na.text[a0:a1], na.offsets[a0:a1], na.to_original(a1, a1)[0] if a1 < len(na.text)
                           else na.source_end)
        sub_b = Normalized(nb.text[b0:b1], nb.offsets[b0:b1], nb.to_original(b1, b1)[0] if b1 < len(nb.text)
                           else nb.source_end)
        out.extend(_align_rounds(sub_a, sub_b, min_length, min_score, max_gap, anchor, rounds))
    out.sort(key=lambda al: (-al.length, al.a_start, al.b_start))
    return out


def _kgram_hashes(text: str, k: int) -> Any:
    """Polynomial hashes (uint64, wrapping) of every ``k``-gram of ``text``, vectorised."""
    import numpy as np

    codes = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32).astype(np.uint64)
    n = len(codes) - k + 1
    acc = np.zeros(n, dtype=np.uint64)
    for j in range(k):
        acc = acc * np.uint64(1000003) + codes[j : j + n]
    return acc


def _seed_regions(ta: str, tb: str, *, max_gap: int, min_length: int, k: int = 8, step: int = 3,
                  margin: int = 16) -> list[tuple[int, int, int, int]]:
    """Regions of ``ta`` x ``tb`` around chains of shared ``k``-grams on nearby diagonals.

    A global character alignment of two long texts can prefer many scattered
    chance matches to one shared passage; seeding (as BLAST and passim do) keeps
    each alignment local to where the texts really share text.  Seeds are the
    ``k``-grams at every ``step``-th position of ``ta`` found anywhere in ``tb``
    (k-grams frequent in ``tb`` anchor nothing and are skipped).
    """
    import numpy as np

    if len(ta) < k or len(tb) < k:
        return [(0, len(ta), 0, len(tb))] if ta and tb else []
    ha = _kgram_hashes(ta, k)[::step]
    hb = _kgram_hashes(tb, k)
    order = np.argsort(hb, kind="stable")
    sorted_b = hb[order]
    lo = np.searchsorted(sorted_b, ha, side="left")
    hi = np.searchsorted(sorted_b, ha, side="right")
    counts = hi - lo
    useful = np.flatnonzero((counts > 0) & (counts <= 16))
    chains: list[list[int]] = []  # [a_first, a_last, b_first, b_last, diagonal]
    for idx, start, stop in zip(useful.tolist(), lo[useful].tolist(), hi[useful].tolist(), strict=True):
        i = idx * step
        for j in sorted(order[start:stop].tolist()):
            diag = j - i
            for ch in reversed(chains[-32:]):
                if 0 <= i - ch[1] <= max_gap + k and abs(diag - ch[4]) <= max_gap and j >= ch[3]:
                    ch[1], ch[3], ch[4] = i, j, diag
                    break
            else:
                chains.append([i, i, j, j, diag])
    if not chains:
        # nothing but over-frequent k-grams (a run of one character): align the texts whole
        return [(0, len(ta), 0, len(tb))] if not len(useful) and (counts > 16).any() else []
    regions = []
    for a_first, a_last, b_first, b_last, _ in chains:
        if max(a_last - a_first, b_last - b_first) + k < min_length * 0.5:
            continue
        regions.append((max(0, a_first - margin), min(len(ta), a_last + k + margin),
                        max(0, b_first - margin), min(len(tb), b_last + k + margin)))
    return _merge_regions(regions)


def _merge_regions(regions: list[tuple[int, int, int, int]]) -> list[tuple[int, int, int, int]]:
    merged: list[list[int]] = []
    for r in sorted(regions):
        for m in merged:
            if r[0] <= m[1] and r[2] <= m[3] and r[3] >= m[2]:
                m[1], m[2], m[3] = max(m[1], r[1]), min(m[2], r[2]), max(m[3], r[3])
                break
        else:
            merged.append(list(r))
    return [(m[0], m[1], m[2], m[3]) for m in merged]


def _align_rounds(na: Normalized, nb: Normalized, min_length: int, min_score: float, max_gap: int, anchor: int,
                  rounds: int) -> list[Alignment]:
    ta, tb = na.text, nb.text
    out: list[Alignment] = []
    for _ in range(rounds):
        found = _align_round(na, nb, ta, tb, min_length, min_score, max_gap, anchor)
        if not found:
            break
        out.extend(al for al, _ in found)
        # private-use characters of two different values never match each other or the text
        for _, (a0, a1, b0, b1) in found:
            ta = ta[:a0] + "\ue000" * (a1 - a0) + ta[a1:]
            tb = tb[:b0] + "\ue001" * (b1 - b0) + tb[b1:]
    return out


def _align_round(na: Normalized, nb: Normalized, ta: str, tb: str, min_length: int, min_score: float,
                 max_gap: int, anchor: int) -> list[tuple[Alignment, tuple[int, int, int, int]]]:
    from rapidfuzz.distance import Indel
    from rapidfuzz.fuzz import ratio

    if not ta or not tb:
        return []
    blocks = [(op.src_start, op.dest_start, op.src_end - op.src_start)
              for op in Indel.opcodes(ta, tb) if op.tag == "equal"]
    # short equal runs are what any two texts share by chance; chains start and end on anchors
    anchors = [blk for blk in blocks if blk[2] >= anchor]
    out: list[tuple[Alignment, tuple[int, int, int, int]]] = []
    chain: list[tuple[int, int, int]] = []

    position = {blk: i for i, blk in enumerate(blocks)}

    def close() -> None:
        if not chain:
            return
        a0, b0 = chain[0][0], chain[0][1]
        a1, b1 = chain[-1][0] + chain[-1][2], chain[-1][1] + chain[-1][2]
        # extend over short equal runs just outside the anchors (an OCR slip in the first or last word)
        i = position[chain[0]] - 1
        while (i >= 0 and blocks[i][2] >= 2 and a0 - (blocks[i][0] + blocks[i][2]) <= _EDGE
               and b0 - (blocks[i][1] + blocks[i][2]) <= _EDGE):
            a0, b0 = blocks[i][0], blocks[i][1]
            i -= 1
        i = position[chain[-1]] + 1
        while i < len(blocks) and blocks[i][2] >= 2 and blocks[i][0] - a1 <= _EDGE and blocks[i][1] - b1 <= _EDGE:
            a1, b1 = blocks[i][0] + blocks[i][2], blocks[i][1] + blocks[i][2]
            i += 1
        length = max(a1 - a0, b1 - b0)
        if length >= min_length:
            score = float(ratio(ta[a0:a1], tb[b0:b1])) / 100.0
            if score >= min_score:
                oa0, oa1 = na.to_original(a0, a1)
                ob0, ob1 = nb.to_original(b0, b1)
                out.append((Alignment(oa0, oa1, ob0, ob1, round(score, 4), length), (a0, a1, b0, b1)))
        chain.clear()

    for blk in anchors:
        if chain:
            pa, pb, pl = chain[-1]
            if blk[0] - (pa + pl) > max_gap or blk[1] - (pb + pl) > max_gap:
                close()
        chain.append(blk)
    close()
    return out
