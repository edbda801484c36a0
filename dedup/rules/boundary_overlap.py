"""LAY006 boundary-overlap: the end of one block repeated at the start of the next."""

from __future__ import annotations

import bisect
import functools
import itertools
import re
from collections.abc import Iterable, Iterator, Sequence
from typing import ClassVar

from dedup import _regex
from dedup.model import Block, Edit, Finding, Fix, Span
from dedup.normalize import fold_char, is_cjk, matching_text, normalize
from dedup.rules import register
from dedup.rules._layout import (
    ends_sentence,
    is_heading,
    is_list_item,
    removed_blocks,
    script_of,
    single_whole_line,
)
from dedup.rules._text import same_numbers
from dedup.rules.base import Context, Rule

#: shortest exact overlap (matching-form characters) worth a finding, per script
MIN_EXACT = {"cjk": 4, "latin": 12}
#: shortest overlap accepted with OCR noise, and the similarity it needs (0-100)
MIN_FUZZY = {"cjk": 8, "latin": 20}
FUZZY_RATIO = 90.0
#: longest overlap searched: a stitched tile repeats a line or two, not a page
MAX_OVERLAP = 300
#: an overlap that leaves no more than this of either block is a contained duplicate, not a seam
CONTAINED_SLACK = 3
#: a later pass searches only the pairs around its changed blocks while these are fewer than a
#: quarter of all blocks (beyond that the whole-text search costs less per pair)
DIRTY_SHARE_FULL = 4
#: what a seam search finds: the two copies and their similarity, or None
_Found = tuple[Span, Span, float] | None
#: documents this long screen CJK pairs first and fold blocks in batches
SCREEN_MIN_CHARS = 50_000
_OWNED_ELSEWHERE = ("repeated-phrase", "stutter", "duplicate-paragraph", "duplicate-section", "splice")


def _at_boundary(text: str, offset: int) -> bool:
    """Whether a word/clause may begin at ``offset`` (start of text, after space or punctuation)."""
    if offset <= 0:
        return True
    before = text[offset - 1]
    if before.isspace():
        return True
    return not (is_cjk(before) or before.isalnum())


def _word_evidence(text: str, offset: int) -> bool:
    """Whether the two characters across ``offset`` occur together elsewhere (they form a word).

    >>> _word_evidence("科创企业。精心搭建科创金融", 10)
    True
    """
    pair = text[offset - 1 : offset + 1]
    if len(pair) < 2 or not pair.strip():
        return False
    return text.count(pair) >= 2


@register
class BoundaryOverlap(Rule):
    """The end of one block repeated at the start of the next (stitched scan tiles).

    When scans are stitched, the strip where two tiles overlap is read twice: the
    last words of one block come again at the start of the next.  The second copy
    is removed when it starts where a word may start and the first block is not a
    headline.  When the second block starts mid-word (``科|创金融``), text before it
    is missing: the overlap is reported, and nothing is changed.

    Anti-pattern:
        ``The mayor opened the new bridge.\\n\\nopened the new bridge. Crowds cheered.``

    Best practice:
        ``The mayor opened the new bridge.\\n\\nCrowds cheered.``
    """

    code = "LAY006"
    name = "boundary-overlap"
    kind = "boundary-overlap"
    groups = ("layout",)
    fixable = True
    phase = 50
    examples_bad: ClassVar[tuple[tuple[str, str | None], ...]] = (
        (
            "The mayor opened the new bridge on the river.\n\n"
            "opened the new bridge on the river. Crowds cheered.",
            "The mayor opened the new bridge on the river.\n\nCrowds cheered.",
        ),
        ("精心搭建科创金融“服务链”\n\n创金融“服务链”、助力科创企业。", None),
    )
    examples_good: ClassVar[tuple[str, ...]] = (
        "He came home.\n\nHome was quiet.",
        "加快建设现代化滨海大都市。\n\n都市的魅力在于开放。",
    )

    def check(self, ctx: Context) -> Iterator[Finding]:
        # a pair's decision reads its own blocks and the repeats' findings there (the REP rules
        # look at the same places): the twins kept by the last pass's fixes are not among them,
        # nor the seams that blocks deleted by earlier phases left (met as pairs on that pass)
        touched = ctx.dirty_blocks(edited=True, unseen_by=self.phase)
        if touched is not None and len(touched) * DIRTY_SHARE_FULL < len(ctx.blocks):
            removed = removed_blocks(ctx)
            seams = _seams_at(ctx.text, _dirty_pairs(ctx.blocks, removed, touched))
        else:
            # a full run, or changes all over the text (the whole-text search, windowed and
            # screened, is then the cheaper way to the same findings)
            removed = ctx.removed_blocks()
            live = [b for b in ctx.blocks if b.index not in removed]
            seams = _seams(ctx.text, live)
            if ctx.dirty is not None:
                # a seam far from every change may be owned by an earlier rule's finding (an
                # unfixed repeat) that this pass did not look for: only the pairs a search of the
                # changed places would look at may be reported (found by fuzzing)
                wanted = {(a.index, b.index) for a, b in
                          _dirty_pairs(ctx.blocks, removed, ctx.changed_blocks(edited=True, unseen_by=self.phase))}
                seams = (s for s in seams if (s[0].index, s[1].index) in wanted)
        owned = [
            s
            for f in ctx.findings
            if f.kind in _OWNED_ELSEWHERE
            for s in (f.span, *(e.span for e in (f.fix.edits if f.fix else ())))
        ]
        for a, b, found in seams:
            if found is None:
                continue
            a_span, b_span, similarity = found
            if any(s.overlaps(b_span) for s in owned):
                continue
            if single_whole_line(ctx.text, b_span) and single_whole_line(ctx.text, a_span):
                continue  # a verse ending one stanza and opening the next is a refrain
            text = ctx.text
            headline = is_heading(a.text)
            mid_word = not _at_boundary(text, a_span.start)
            if mid_word and not headline:
                # in running text a stitched tile begins wherever the scan was cut, mid-word
                # included, and both copies start there; only a headline followed by a body
                # that starts inside one of its words (科|创) shows that text was lost
                mid_word = False
            if headline and (is_list_item(a.text) or not (mid_word and _word_evidence(text, a_span.start))):
                # a heading whose words the body repeats is normal writing; only a body that
                # starts inside a word of it (科|创, a word seen whole elsewhere) lost its start
                continue
            evidence = {
                "overlap": b_span.slice(text),
                "similarity": round(similarity, 1),
                "starts_mid_word": mid_word,
                "first_block_complete": ends_sentence(a.text),
            }
            if mid_word or headline:
                why = "the second block starts mid-word: text before it is missing" if mid_word else (
                    "the first block is a headline the body may repeat"
                )
                yield self.finding(
                    ctx,
                    b_span,
                    f"block starts with the end of the previous block ({why}); left for review",
                    confidence=0.7,
                    related=(a_span,),
                    evidence=evidence,
                )
                continue
            if not ends_sentence(text[a.start : a_span.end]) and a.index + 1 == b.index:
                # the tile was cut mid-sentence: the first copy reads on in the second block
                # right after its copy, so the break and the copy go together (a join)
                edit = Edit.delete(text, a_span.end, b_span.end)
                message = "text read twice across a break (scan tiles overlap): copy and break removed"
            else:
                end = b_span.end
                while end < b.end and text[end] in " \t\u3000":
                    end += 1
                edit = Edit.delete(text, b_span.start, end)
                message = "block starts with the end of the previous block (scan tiles stitched with overlap)"
            yield self.finding(
                ctx,
                b_span,
                message,
                confidence=0.9 if similarity >= 99 else 0.8,
                related=(a_span,),
                evidence=evidence,
                fix=Fix((edit,), keeps=(Span(a_span.start, a_span.end),)),
            )

    @staticmethod
    def _overlap(text: str, a: Block, b: Block) -> tuple[Span, Span, float] | None:
        return _overlap(text, a, b, block_form(a.text), block_form(b.text))


def _dirty_pairs(blocks: Sequence[Block], removed: set[int], touched: Iterable[int]) -> list[tuple[Block, Block]]:
    """The pairs of consecutive live blocks whose finding may differ from the previous pass's.

    A pair's decision reads its two blocks and whether the blocks between them are deleted by
    earlier phases (its safe findings read nothing document-wide: the word evidence across the
    seam only decides reported, unfixed findings).  So it can differ only when one of its blocks,
    or a block between them, changed (``touched``) or is deleted by a finding of this pass (the
    previous pass's deletions were applied, then their place changed, or skipped, then their
    place is marked too).
    """
    n = len(blocks)
    pairs: dict[tuple[int, int], tuple[Block, Block]] = {}
    for seed in sorted({*touched, *removed}):
        before = seed - 1
        while before >= 0 and before in removed:
            before -= 1
        after = seed + 1
        while after < n and after in removed:
            after += 1
        # the live blocks around the seed, and the seed itself when it is live
        around = [i for i in (before, seed if seed not in removed else -1, after) if 0 <= i < n]
        for i, j in itertools.pairwise(around):
            pairs[i, j] = (blocks[i], blocks[j])
    return [pairs[k] for k in sorted(pairs)]


def _seams_at(text: str, pairs: list[tuple[Block, Block]]) -> Iterator[tuple[Block, Block, _Found]]:
    """:func:`_seams` of the given pairs only: the same screen, then the matching forms of the
    blocks of the pairs left made in one batched fold."""
    from dedup.rules._duplicates import matching_forms

    searched = [(a, b) for a, b in pairs if _worth_searching(a.text, b.text)]
    needed = sorted({x.index: x for pair in searched for x in pair}.items())
    texts = [x.text for _, x in needed]
    folded = list(map(block_form, texts)) if all(map(str.isascii, texts)) else matching_forms(texts, _SEAM_BATCH)
    forms = {i: form for (i, _), form in zip(needed, folded, strict=True)}
    for a, b in searched:
        yield a, b, _overlap(text, a, b, forms[a.index], forms[b.index])


def _worth_searching(x: str, y: str) -> bool:
    return (x.isascii() and y.isascii()) or starts_in(x, y)


def _seams(text: str, live: list[Block]) -> Iterator[tuple[Block, Block, tuple[Span, Span, float] | None]]:
    """Every pair of consecutive live blocks with its overlap (or None).

    On long documents a pair of non-ASCII blocks is screened first by the second block's
    first character (every overlap starts with it, so the first block must hold it:
    :func:`starts_in`); the blocks of the pairs left are put in matching form a batch at
    a time (:func:`_seams_screened`).
    """
    if len(text) >= SCREEN_MIN_CHARS:
        yield from _seams_screened(text, live)
        return
    # a short document is quicker without screens (their regexes cost a millisecond to compile)
    prev: Block | None = None
    prev_form: str | None = None
    for block in live:
        form: str | None = None
        if prev is not None:
            if prev_form is None:
                prev_form = block_form(prev.text)
            form = block_form(block.text)
            yield prev, block, _overlap(text, prev, block, prev_form, form)
        prev, prev_form = block, form


#: characters of blocks screened and put in matching form at once (bounds the forms held)
_SEAM_BATCH = 1 << 20


def _seams_screened(text: str, live: list[Block]) -> Iterator[tuple[Block, Block, tuple[Span, Span, float] | None]]:
    """:func:`_seams` of a long document, a window of blocks at a time.

    A pair of non-ASCII blocks that :func:`starts_in` rules out is not searched.  The
    blocks of the other pairs get their matching forms in one batched fold per window
    (a call per block costs more than its folding), and :func:`_overlap` rejects most
    of those pairs at once on the CJK minimums (its first, cheapest step).
    """
    from dedup.rules._duplicates import block_texts, matching_forms

    n = len(live)
    first = 0
    while first < n - 1:
        # pairs (k - 1, k) for k in first + 1 .. stop: the blocks that end within _SEAM_BATCH characters
        # of the window's start and the one after them (texts are cut a window at a time: all at once
        # they would be another copy of the document)
        stop = min(n - 1, bisect.bisect_right(live, live[first].start + _SEAM_BATCH, first + 1, key=_end))
        cut = block_texts(live[first : stop + 1])
        # starts_in, with its fallback search for characters that fold to an ideograph made once per
        # window: none there (the usual case), and only the first character's own test is left
        producers = _may_hold_producer(text, live[first].start, live[stop].end)
        search = [
            (x.isascii() and y.isascii()) or (starts_in(x, y) if producers else _may_start(x, y))
            for x, y in itertools.pairwise(cut)
        ]
        if all(map(str.isascii, cut)):
            forms = list(map(block_form, cut))  # a byte table per text: no batching needed
        elif all(search):
            forms = matching_forms(cut, _SEAM_BATCH)
        else:
            needed = sorted({j for i, wanted in enumerate(search) if wanted for j in (i, i + 1)})
            forms = [""] * len(cut)  # only the blocks of searched pairs are read
            for j, form in zip(needed, matching_forms([cut[j] for j in needed], _SEAM_BATCH), strict=True):
                forms[j] = form
        for i, wanted in enumerate(search):
            x, y = live[first + i], live[first + i + 1]
            yield x, y, _overlap(text, x, y, forms[i], forms[i + 1]) if wanted else None
        first = stop


def _seams_reference(text: str, live: list[Block]) -> Iterator[tuple[Block, Block, tuple[Span, Span, float] | None]]:
    """Every pair searched, without screens (the definition :func:`_seams` implements)."""
    for a, b in itertools.pairwise(live):
        yield a, b, _overlap(text, a, b, matching_text(a.text), matching_text(b.text))


def starts_in(a: str, b: str) -> bool:
    """False only when no overlap of block texts ``a`` | ``b`` is possible: ``b`` starts with an
    ideograph that ``a`` neither holds nor could produce.

    Every overlap, exact or fuzzy, starts where the matching form of ``a`` has the first character
    of ``b``'s; an ideograph is its own matching form, and only the characters of
    ``_PRODUCER_RE`` fold to an ideograph besides it.

    >>> starts_in("科创企业", "创金融"), starts_in("服务链", "创金融"), starts_in("\uf900", "豈")
    (True, False, True)
    """
    first = b.lstrip()[:1]
    if not ("\u4e00" <= first <= "\u9fff") or first in a:
        return True
    return _producer_re().search(a) is not None


#: UTF-16 high bytes of the characters of ``_PRODUCER_RE`` (surrogates for those beyond the BMP), but
#: 0x30: U+3000-U+30FF holds the common CJK punctuation, and only U+3038-U+303A of it are producers
_PRODUCER_HIGH_BYTES = bytes((0x2E, 0x2F, 0x31, 0x32, 0x33, 0xF9, 0xFA, *range(0xD8, 0xE0)))
_NOT_PRODUCER_HIGH_BYTES = bytes(b for b in range(256) if b not in _PRODUCER_HIGH_BYTES)


def _may_hold_producer(text: str, start: int, end: int) -> bool:
    """False only when ``text[start:end]`` holds no character of ``_PRODUCER_RE`` (a C-speed superset
    test of its UTF-16 high bytes, the exact search only when that fails)."""
    piece = text[start:end]
    if piece.isascii():
        return False  # every producer lies beyond ASCII (and isascii is a flag, not a scan)
    high = piece.encode("utf-16-le", "surrogatepass")[1::2]
    if not high.translate(None, _NOT_PRODUCER_HIGH_BYTES) and not any(c in piece for c in "\u3038\u3039\u303a"):
        return False
    return _producer_re().search(piece) is not None


def _end(block: Block) -> int:
    return block.end


def _may_start(a: str, b: str) -> bool:
    """:func:`starts_in` of blocks ``a`` | ``b`` when ``a`` holds no character of ``_PRODUCER_RE``."""
    first = b.lstrip()[:1]
    return not ("\u4e00" <= first <= "\u9fff") or first in a


@functools.cache
def _producer_re() -> re.Pattern[str]:
    """Characters other than an ideograph that fold to a text holding an ideograph (a superset:
    radicals, CJK compatibility ideographs, enclosed and squared ideographs; tested)."""
    return _regex.compile(
        "[\U0001f200-\U0001f2ff\U0002f800-\U0002fa1f\u2e80-\u2fdf\u3038-\u303a\u3190-\u33ff\uf900-\ufaff]"
    )


def block_form(text: str) -> str:
    """``matching_text(text)``; ASCII text through a byte table (C speed, no per-character dict lookups).

    >>> block_form("The  Mayor`s bridge"), block_form("高新 区")
    ("themayor'sbridge", '高新区')
    """
    if text.isascii():
        table, drop = _ascii_table()
        return text.encode("ascii").translate(table, drop).decode("ascii")
    return matching_text(text)


@functools.cache
def _ascii_table() -> tuple[bytes, bytes]:
    """The byte translation of :func:`dedup.normalize.fold_char` on ASCII: mapped bytes, dropped bytes."""
    table = bytearray(range(256))
    drop = bytearray()
    for i in range(128):
        folded = fold_char(chr(i))
        if not folded:
            drop.append(i)
        elif len(folded) == 1 and folded.isascii():
            table[i] = ord(folded)
        else:  # pragma: no cover - fold_char keeps ASCII in ASCII, one character each
            raise AssertionError(f"unexpected fold of {chr(i)!r}: {folded!r}")
    return bytes(table), bytes(drop)


def _best_length(fa: str, fb: str, script: str) -> tuple[int, float] | None:
    """The overlap length ``k`` (and its similarity) of matching forms ``fa`` | ``fb``, or None.

    The longest exact overlap of at least ``MIN_EXACT`` characters; failing that, the
    best-aligned fuzzy one.  Only lengths where the anchors agree are tried: the exact
    ones where ``fb``'s first ``MIN_EXACT`` characters occur in ``fa``'s tail (found by
    ``str.find``), the fuzzy ones where ``fa[-k]`` is ``fb``'s first character, as the
    definition requires (``_best_length_reference`` tries every length).
    """
    n = len(fa)
    limit = min(n - 1, len(fb) - 1, MAX_OVERLAP)
    min_exact = MIN_EXACT[script]
    if limit < min_exact:
        return None
    anchor = fb[:min_exact]
    p = fa.find(anchor, n - limit)
    while p != -1:
        # the first (leftmost) start is the longest overlap
        if fb.startswith(fa[p:]):
            return n - p, 100.0
        p = fa.find(anchor, p + 1)
    lo = n - limit
    hi = n - MIN_FUZZY[script]  # the last start allowed (k >= MIN_FUZZY)
    if hi < lo:
        return None
    starts = _fuzzy_starts(fa, fb, lo, hi, limit, _pieces(MIN_FUZZY[script]))
    if not starts:
        return None
    from rapidfuzz.distance import Levenshtein

    similarity = Levenshtein.normalized_similarity
    cutoff = FUZZY_RATIO / 100.0 - 0.01  # a filter only: passing scores are recomputed exactly
    best: tuple[float, int] | None = None
    for p in starts:
        k = n - p
        if similarity(fa[p:], fb[:k], score_cutoff=cutoff):
            sim = 100.0 * similarity(fa[p:], fb[:k])
            if sim >= FUZZY_RATIO and (best is None or (sim, k) > best):
                best = (sim, k)
    if best is None:
        return None
    return best[1], best[0]


@functools.cache
def _pieces(min_fuzzy: int) -> tuple[tuple[int, int], ...]:
    """Disjoint pieces ``(start, end)`` of ``fb`` such that every fuzzy overlap length k holds
    ``k // 10 + 1`` of them (pieces 0 .. k // 10).

    A fuzzy overlap only counts after the exact search failed, so it has at least one edit
    and, at 90 % similarity, at least 10 characters.  Piece j must end by the shortest length
    that needs it, ``max(first, 10 * j)``; pieces sharing that room split it evenly, so they
    are as long (and as rare in unrelated text) as they can be: 5, 5, 10, 10 … for CJK.

    >>> _pieces(8)[:4], _pieces(20)[:4]
    (((0, 5), (5, 10), (10, 20), (20, 30)), ((0, 6), (6, 13), (13, 20), (20, 30)))
    """
    first = max(min_fuzzy, 10)
    deadlines = [max(first, 10 * j) for j in range(MAX_OVERLAP // 10 + 1)]
    pieces: list[tuple[int, int]] = []
    begin = 0
    for deadline in sorted(set(deadlines)):
        count = deadlines.count(deadline)
        room = deadline - begin
        for i in range(count):
            end = begin + room * (i + 1) // count
            pieces.append((begin + room * i // count, end))
        begin = deadline
    return tuple(pieces)


@functools.cache
def _slices(pieces: tuple[tuple[int, int], ...]) -> tuple[slice, ...]:
    return tuple(slice(start, end) for start, end in pieces)


def _fuzzy_starts(fa: str, fb: str, lo: int, hi: int, limit: int, pieces: tuple[tuple[int, int], ...]) -> list[int]:
    """Starts ``p`` in ``[lo, hi]`` where a fuzzy overlap ``fa[p:]`` ~ ``fb[:len(fa) - p]`` is possible.

    The definition tries every ``p`` with ``fa[p] == fb[0]``.  An overlap of length k at
    90 % similarity has at most d = k // 10 edits, so of the pieces 0..d of :func:`_pieces`
    (all inside the overlap) one survives whole and occurs in ``fa`` within d of where it
    belongs: ``p`` lies within ``limit // 10`` of ``P - start`` for an occurrence P of a piece
    starting at ``start``.  Only those ``p`` are tried; on unrelated blocks no piece occurs.
    """
    slack = limit // 10
    # first, in C: does any piece occur at all?  On unrelated blocks none does
    tail = fa[lo:]
    if not any(map(tail.__contains__, map(fb.__getitem__, _slices(pieces)[: slack + 1]))):
        return []
    windows: list[tuple[int, int]] = []
    for start, end in pieces[: slack + 1]:
        piece = fb[start:end]
        if len(piece) < end - start:
            break
        at = fa.find(piece, lo)
        while at != -1:
            w_lo, w_hi = max(lo, at - start - slack), min(hi, at - start + slack)
            if w_lo <= w_hi:
                windows.append((w_lo, w_hi))
            at = fa.find(piece, at + 1)
    if not windows:
        return []
    windows.sort()
    first = fb[0]
    starts: list[int] = []
    reached = lo - 1
    for w_lo, w_hi in windows:
        p = fa.find(first, max(w_lo, reached + 1), w_hi + 1)
        while p != -1:
            starts.append(p)
            p = fa.find(first, p + 1, w_hi + 1)
        reached = max(reached, w_hi)
    return starts


def _overlap(text: str, a: Block, b: Block, fa: str, fb: str) -> tuple[Span, Span, float] | None:
    """Where the end of ``a`` comes again at the start of ``b`` (matching forms ``fa``, ``fb`` given)."""
    if a.text.isascii() and b.text.isascii():
        script = "latin"  # no CJK character at all (script_of would say so)
    else:
        # script-free first: the CJK minimums are the lower ones, so no overlap under them means
        # none under either script's (most pairs end here, without the script or the offset maps)
        if _best_length(fa, fb, "cjk") is None:
            return None
        script = script_of(a.text[-60:] + b.text[:60])
    best = _best_length(fa, fb, script)
    if best is None:
        return None
    k, sim = best
    if k >= min(len(fa), len(fb)) - CONTAINED_SLACK:
        return None  # one block (nearly) inside the other: a duplicate paragraph, DUP001's
    na = normalize(a.text, base=a.start)
    nb = normalize(b.text, base=b.start)
    if script == "latin":
        # a word shared by chance ("the") is no overlap: require two words
        a_start, _ = na.to_original(len(na.text) - k, len(na.text))
        if len(text[a_start : a.end].split()) < 2:
            return None
    a_s, a_e = na.to_original(len(na.text) - k, len(na.text))
    b_s, b_e = nb.to_original(0, k)
    if a_s > 0 and text[a_s - 1] in _OPENING_QUOTES:
        # the first copy opens a quotation that the next paragraph takes up in its own words
        # ("… the poem: “Hope is the thing with feathers.”" | "Hope is the thing with feathers, she …")
        return None
    if not _distinct_enough(fa[len(fa) - k :], fb[:k], script, sim):
        return None
    if not same_numbers(fa[len(fa) - k :], fb[:k]):
        return None  # the two say other numbers (spend 120 | spend 150): neither repeats the other
    return Span(a_s, a_e), Span(b_s, b_e), sim


#: marks that open a quotation or a title: an overlap starting right after one is quoted text
_OPENING_QUOTES = frozenset("\"'“‘„«「『《〈")
_RUNS = _regex.compile(r"(.)\1+", re.DOTALL)


def _distinct_enough(x: str, y: str, script: str, sim: float) -> bool:
    """Whether an overlap still holds with each run of one repeated character counted once.

    A run of one character (a rule, dot leaders, OCR junk such as U+FFFD) matches any other
    run of it, so two such runs with a few letters between make a high score on their own.

    >>> _distinct_enough("ab" + "\ufffd" * 40 + "cd", "xy" + "\ufffd" * 40 + "zw", "latin", 91.0)
    False
    >>> _distinct_enough("themayoropenedthebridge", "themayoropenedthebridqe", "latin", 95.0)
    True
    """
    cx, cy = _RUNS.sub(r"\1", x), _RUNS.sub(r"\1", y)
    if cx == x and cy == y:
        return True  # nothing repeated: the score stands
    minimum = MIN_EXACT[script] if sim >= 100.0 else MIN_FUZZY[script]
    if min(len(cx), len(cy)) < minimum:
        return False
    from rapidfuzz.fuzz import ratio

    return cx == cy or ratio(cx, cy) >= FUZZY_RATIO


def _best_length_reference(fa: str, fb: str, script: str) -> tuple[int, float] | None:
    """The definition :func:`_best_length` implements: every length tried (differential-test reference)."""
    limit = min(len(fa) - 1, len(fb) - 1, MAX_OVERLAP)
    if limit < MIN_EXACT[script]:
        return None
    for k in range(limit, MIN_EXACT[script] - 1, -1):
        if fa[-k:] == fb[:k]:
            return k, 100.0
    from rapidfuzz.distance import Levenshtein

    def sim_at(k: int) -> float:
        return 100.0 * Levenshtein.normalized_similarity(fa[-k:], fb[:k])

    # the best-aligned length, not the longest that passes: when the text repeats
    # itself near the seam (loc|al … glob|al) a longer, shifted match also passes
    scored = [(sim_at(k), k) for k in range(MIN_FUZZY[script], limit + 1) if fa[-k] == fb[0]]
    passing = [pair for pair in scored if pair[0] >= FUZZY_RATIO]
    if passing:
        sim, k = max(passing)
        return k, sim
    return None
