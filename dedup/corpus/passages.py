"""From candidate window pairs of two documents to verified, extended passage matches."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from dedup.corpus.scheme import MatchParams
from dedup.similarity.verify import Alignment, align_normalized, fast_normalize

__all__ = ["PassageMatch", "candidate_regions", "match_pair"]


@dataclass(frozen=True, slots=True, order=True)
class PassageMatch:
    """Passage ``[a_start, a_end)`` of document ``a`` aligns to ``[b_start, b_end)`` of ``b``."""

    a: int
    a_start: int
    a_end: int
    b: int
    b_start: int
    b_end: int
    score: float

    def to_list(self) -> list[float | int]:
        return [self.a, self.a_start, self.a_end, self.b, self.b_start, self.b_end, self.score]


Region = tuple[int, int, int, int]


def candidate_regions(pairs: Sequence[Region]) -> list[Region]:
    """Merge candidate window pairs ``(a0, a1, b0, b1)`` that overlap or touch on both sides.

    >>> candidate_regions([(0, 10, 100, 110), (5, 15, 105, 115), (50, 60, 0, 10)])
    [(0, 15, 100, 115), (50, 60, 0, 10)]
    """
    regions: list[list[int]] = []
    for a0, a1, b0, b1 in sorted(pairs):
        for reg in reversed(regions[-8:]):
            if a0 <= reg[1] and b0 <= reg[3] and b1 >= reg[2]:
                reg[1] = max(reg[1], a1)
                reg[2] = min(reg[2], b0)
                reg[3] = max(reg[3], b1)
                break
        else:
            regions.append([a0, a1, b0, b1])
    return [(r[0], r[1], r[2], r[3]) for r in regions]


def _overlap(s0: int, e0: int, s1: int, e1: int) -> int:
    return max(0, min(e0, e1) - max(s0, s1))


def match_pair(text_a: str, text_b: str, pairs: Sequence[Region], params: MatchParams) -> list[Alignment]:
    """Verified passages shared by two texts, given candidate window pairs (offsets into the texts).

    Each merged candidate region is padded, aligned character by character on the
    matching form and cut into passages (:func:`dedup.similarity.align_normalized`);
    passages found twice from neighbouring regions are reported once.
    """
    found: list[Alignment] = []
    for a0, a1, b0, b1 in candidate_regions(pairs):
        pa0, pa1 = max(0, a0 - params.pad), min(len(text_a), a1 + params.pad)
        pb0, pb1 = max(0, b0 - params.pad), min(len(text_b), b1 + params.pad)
        na = fast_normalize(text_a[pa0:pa1], pa0)
        nb = fast_normalize(text_b[pb0:pb1], pb0)
        found.extend(align_normalized(na, nb, min_length=params.min_length, min_score=params.min_score,
                                      max_gap=params.max_gap))
    found.sort(key=lambda al: (-al.length, al.a_start, al.b_start))
    kept: list[Alignment] = []
    for al in found:
        if any(_overlap(al.a_start, al.a_end, k.a_start, k.a_end) * 2 > al.a_end - al.a_start
               and _overlap(al.b_start, al.b_end, k.b_start, k.b_end) * 2 > al.b_end - al.b_start
               for k in kept):
            continue
        kept.append(al)
    kept.sort(key=lambda al: (al.a_start, al.b_start))
    return kept
