"""Verification of candidates with rapidfuzz, over the matching form.

``verify`` scores two passages as wholes; ``containment`` scores how much of the
shorter lies inside the longer; ``align`` finds the aligned passages two texts
share and reports them with original offsets in both (the passim-style extension
of a seed match to the whole aligned passage).
"""

from __future__ import annotations

from dataclasses import dataclass

from dedup.normalize import Normalized, normalize

__all__ = ["Alignment", "align", "align_normalized", "containment", "verify"]


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
    return align_normalized(normalize(a, a_base), normalize(b, b_base), min_length=min_length,
                            min_score=min_score, max_gap=max_gap)


def align_normalized(na: Normalized, nb: Normalized, *, min_length: int = 60, min_score: float = 0.8,
                     max_gap: int = 40, anchor: int = 4) -> list[Alignment]:
    """:func:`align` on texts already in matching form (their offset maps give the original offsets)."""
    from rapidfuzz.distance import Indel
    from rapidfuzz.fuzz import ratio

    ta, tb = na.text, nb.text
    if not ta or not tb:
        return []
    blocks = [(op.src_start, op.dest_start, op.src_end - op.src_start)
              for op in Indel.opcodes(ta, tb) if op.tag == "equal"]
    # short equal runs are what any two texts share by chance; chains start and end on anchors
    anchors = [blk for blk in blocks if blk[2] >= anchor]
    out: list[Alignment] = []
    chain: list[tuple[int, int, int]] = []

    def close() -> None:
        if not chain:
            return
        a0, b0 = chain[0][0], chain[0][1]
        a1, b1 = chain[-1][0] + chain[-1][2], chain[-1][1] + chain[-1][2]
        length = max(a1 - a0, b1 - b0)
        if length >= min_length:
            score = float(ratio(ta[a0:a1], tb[b0:b1])) / 100.0
            if score >= min_score:
                oa0, oa1 = na.to_original(a0, a1)
                ob0, ob1 = nb.to_original(b0, b1)
                out.append(Alignment(oa0, oa1, ob0, ob1, round(score, 4), length))
        chain.clear()

    for blk in anchors:
        if chain:
            pa, pb, pl = chain[-1]
            if blk[0] - (pa + pl) > max_gap or blk[1] - (pb + pl) > max_gap:
                close()
        chain.append(blk)
    close()
    out.sort(key=lambda al: (-al.length, al.a_start, al.b_start))
    return out
