"""Duplicated blocks: candidate pairs, verification, runs of consecutive copies, keeper choice.

Shared by the rules DUP001 (single paragraphs), DUP002 (sections: runs of blocks)
and DUP003 (duplicated splices).  Computed once per document through
``Context.shared``.

Candidates come from exact matching of the matching form (a dict), and for
ordinary documents (long blocks under ``ALL_PAIRS_CHARS`` characters, no numpy)
from a prefix/suffix key for truncated copies and all pairs with rapidfuzz.  Long
documents take the linear path of :func:`_candidates_sketch`: one-permutation
sketches and LSH bands, shared prefix/suffix keys in a sliding window, and byte
probes of the candidates' ends (:mod:`dedup.similarity.blocks`).  Every candidate
is verified with rapidfuzz before it counts.

On a later pass of ``clean`` (``Context.dirty``) a long document with a few changes
is not analysed whole: only the units of pairs and neighbours that a change can have
touched are (see the comment above ``_STATE``); with many changes the whole analysis
runs with every per-text quantity taken from ``Context.memo``.
"""

from __future__ import annotations

import bisect
import itertools
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache, cached_property
from typing import Any

from dedup import _regex
from dedup.model import Block, Edit, Finding, Fix, Span
from dedup.normalize import is_cjk, matching_text, normalize
from dedup.rules._layout import WORD_CUT_MIN_GAIN, ends_sentence, script_of, word_cut_gain
from dedup.rules._text import (
    ends_mid_sentence,
    heading_number,
    is_bracketed,
    looks_like_continuation,
    looks_like_heading,
    same_numbers,
    says_nothing_more,
    strip_enumeration,
)
from dedup.rules.base import Context, Dirty, Rule

__all__ = ["DuplicateAnalysis", "Pair", "Run", "analyse", "block_texts", "brute_force_pairs", "find_pairs",
           "matching_forms"]

#: blocks shorter than this (matching form) never count as duplicates on their own
MIN_CHARS = 10
#: near-duplicate threshold on rapidfuzz ratio (0-100): a few OCR errors per paragraph
NEAR_RATIO = 85.0
#: a truncated copy must be at least this share of its twin and align this well
CONTAINED_MIN_SHARE = 0.3
CONTAINED_RATIO = 92.0
#: a truncated copy is found through its first/last characters
KEY_CHARS = 12
#: above this many long blocks, all-pairs comparison gives way to MinHash LSH
ALL_PAIRS_LIMIT = 1200
#: ... or when their matching forms add up to more than this many characters
ALL_PAIRS_CHARS = 50_000
#: copies x copies of two texts paired in full up to this many pairs; beyond, their first copies stand in
_MAX_EXPANSION = 64
#: texts sharing a first (or last) KEY_CHARS characters are all compared while there are this few
_MAX_KEY_GROUP = 50
#: ... each paired with this many after it (beyond, linear: leader-style chaining)
_KEY_WINDOW = 16
#: candidate pairs probed at once (bounds the probes' temporaries: a dozen arrays as long as the pairs)
_PROBE_CHUNK = 1 << 16
#: rare tokens looked up one by one (a search of the text each) before one pass counts every token
_MAX_LOOKUPS = 64
# Characters that can start a heading number (heading_number's patterns), besides decimal digits.
_NUMBER_STARTS = frozenset("第（(零〇一二三四五六七八九十百千两")


@dataclass(frozen=True, slots=True)
class Pair:
    """Block ``a`` (earlier) and block ``b`` (later) are copies of each other."""

    a: int
    b: int
    score: float
    how: str  # "exact", "near", "contained", "heading"

    @property
    def key(self) -> tuple[int, int]:
        return (self.a, self.b)


@dataclass
class Run:
    """Consecutive blocks ``removed`` duplicating consecutive blocks ``kept``."""

    removed: list[int]
    kept: list[int]
    pairs: list[Pair]
    kind: str = "duplicate-paragraph"
    reason: str = ""
    confidence: float = 0.9
    scores: dict[str, int] = field(default_factory=dict)


@dataclass
class DuplicateAnalysis:
    pairs: list[Pair]
    runs: list[Run]


#: characters of block text put through one ``matching_text`` call (bounds the joined copy)
_NORM_BATCH = 1 << 20


def _norm_texts(blocks: Sequence[Block]) -> list[str]:
    """Matching form of every block, a batch of blocks per ``matching_text`` call (one call per block
    costs more than the translation itself).  The blocks' texts are cut a batch at a time: all at
    once they would be another copy of the document."""
    out: list[str] = []
    first, n = 0, len(blocks)
    while first < n:
        # the blocks that end within _NORM_BATCH characters of the batch's start (in order: bisection)
        stop = max(first + 1, bisect.bisect_right(blocks, blocks[first].start + _NORM_BATCH, first + 1, key=_end))
        out.extend(matching_forms(block_texts(blocks[first:stop]), _NORM_BATCH))
        first = stop
    return out


def _end(block: Block) -> int:
    return block.end


def matching_forms(texts: Sequence[str], batch: int = _NORM_BATCH) -> list[str]:
    """``matching_text`` of each of ``texts``, texts of about ``batch`` characters joined per call."""
    out: list[str] = []
    # batches by cumulative length (plus a separator each): bisect, not a Python loop over every text
    ends = list(itertools.accumulate(map(len, texts), _plus_separator, initial=0))
    first, n = 0, len(texts)
    while first < n:
        stop = max(first + 1, bisect.bisect_right(ends, ends[first] + batch + 1, first) - 1)
        part = texts[first:stop]
        joined = "\x00".join(part)
        # NUL folds to itself and nothing folds to NUL: the pieces are the texts, unless a text holds one
        pieces = matching_text(joined).split("\x00") if joined.count("\x00") == len(part) - 1 else []
        out.extend(pieces if len(pieces) == len(part) else map(matching_text, part))
        first = stop
    return out


def _plus_separator(total: int, length: int) -> int:
    return total + length + 1


def block_texts(blocks: Sequence[Block]) -> list[str]:
    """The texts of ``blocks``, cut from their common source in C when they share one (the
    ``Block.text`` property costs more than the slicing)."""
    if not blocks:
        return []
    source = blocks[0].source
    if all(b.source is source for b in blocks):
        return list(map(source.__getitem__, map(slice, [b.start for b in blocks], [b.end for b in blocks])))
    return [b.text for b in blocks]


def _verify(x: str, y: str) -> tuple[float, str] | None:
    """Score two matching-form texts as copies: identical, near, or one a truncated copy."""
    return _verifier()(x, y)


@cache
def _verifier() -> Callable[[str, str], tuple[float, str] | None]:
    """:func:`_verify` with rapidfuzz's functions bound once (an import statement per pair costs more
    than many comparisons)."""
    from rapidfuzz.distance import Levenshtein
    from rapidfuzz.fuzz import ratio

    distance = Levenshtein.distance

    def verify(x: str, y: str) -> tuple[float, str] | None:
        if x == y:
            return 100.0, "exact"
        short, long_ = (x, y) if len(x) <= len(y) else (y, x)
        if not short:
            return None
        share = len(short) / len(long_)
        if share >= 0.8:
            # the cutoff lets rapidfuzz stop early (banded alignment); verdicts are the same
            score = ratio(x, y, score_cutoff=NEAR_RATIO)
            # short blocks tolerate fewer OCR errors: two different short headings differ by two
            # characters; OCR damages characters here and there, paragraphs written from one
            # template differ in whole words
            limit = max(1, int(0.08 * len(short)))
            if score >= NEAR_RATIO and distance(x, y, score_cutoff=limit) <= limit and same_numbers(x, y):
                return score, "near"
        # a copy cut off at either end: it aligns with the start or the end of its twin, which goes
        # on for more than OCR slips add (a garbled reading a few characters longer is no more
        # complete: ``agreed committee.`` | ``agreeddcxmmittes.``, found by the property tests)
        if (share >= CONTAINED_MIN_SHARE and len(short) >= 2 * MIN_CHARS
                and len(long_) - len(short) > max(1, int(0.08 * len(short)))):
            head = ratio(short, long_[: len(short)], score_cutoff=CONTAINED_RATIO)
            tail = ratio(short, long_[-len(short) :], score_cutoff=CONTAINED_RATIO)
            head = head if head and same_numbers(short, long_[: len(short)]) else 0.0
            tail = tail if tail and same_numbers(short, long_[-len(short) :]) else 0.0
            score = max(head, tail)
            if score >= CONTAINED_RATIO:
                return score, "contained"
        return None

    return verify


def brute_force_pairs(norms: Sequence[str]) -> list[Pair]:
    """Reference implementation: verify every pair of long blocks (quadratic; for tests)."""
    pairs = []
    for i in range(len(norms)):
        if len(norms[i]) < MIN_CHARS:
            continue
        for j in range(i + 1, len(norms)):
            if len(norms[j]) < MIN_CHARS:
                continue
            verdict = _verify(norms[i], norms[j])
            if verdict:
                pairs.append(Pair(i, j, verdict[0], verdict[1]))
    return pairs


def _candidates_all_pairs(norms: Sequence[str], long_ids: Sequence[int]) -> Iterable[tuple[int, int]]:
    # row by row with extract rather than cdist: same pairs, and no numpy import (~80 ms of start-up)
    # for the ordinary page
    from rapidfuzz import fuzz, process

    texts = [norms[i] for i in long_ids]
    for r in range(len(texts) - 1):
        # ratio finds near copies; the cutoff is loose because verification decides
        for _, _, c in process.extract(texts[r], texts[r + 1 :], scorer=fuzz.ratio, score_cutoff=NEAR_RATIO - 1,
                                       limit=None):
            yield long_ids[r], long_ids[r + 1 + c]


def _candidates_sketch(norms: Sequence[str], long_ids: Sequence[int],
                       groups: dict[str, list[int]] | None = None,
                       record: dict[str, Any] | None = None) -> set[tuple[int, int]]:
    """Near and truncated-copy candidates of a long document, linear in its length
    (:func:`dedup.similarity.blocks.duplicate_candidates`; numpy is imported only here)."""
    from dedup.similarity.blocks import duplicate_candidates

    return duplicate_candidates(norms, long_ids, key_chars=KEY_CHARS, max_key_group=_MAX_KEY_GROUP,
                                key_window=_KEY_WINDOW, max_expansion=_MAX_EXPANSION, chunk=_PROBE_CHUNK,
                                groups=groups, record=record)


def find_pairs(norms: Sequence[str], blocks: Sequence[Block] | None = None,
               record: dict[str, Any] | None = None) -> list[Pair]:
    """Verified duplicate pairs among blocks given in matching form.

    ``record``, when given, receives what a later pass of ``clean`` needs to redo this for a few
    blocks alone (see :func:`_analyse_dirty`): whether all pairs were compared (``all_pairs``), the
    heading key of each numbered heading (``headings``), the sketch rows' keys and probes, and the
    verdict on every candidate of two different texts (``verdicts``: ``(a, b, verdict)``).
    """
    long_ids = [i for i, t in enumerate(norms) if len(t) >= MIN_CHARS]
    candidates: set[tuple[int, int]] = set()

    # exact copies through a dict (linear even for thousands of copies: each joins its leader chain)
    by_text: dict[str, list[int]] = defaultdict(list)
    for i, t in enumerate(norms):
        if t:
            by_text[t].append(i)
    for ids in by_text.values():
        if len(ids) < 2:
            continue
        candidates.update(itertools.pairwise(ids))
        if len(ids) > 2:
            candidates.update((ids[0], y) for y in ids[2:])

    # truncated copies share their first or last characters
    key_pairs: set[tuple[int, int]] = set()
    long_chars = sum(n for n in map(len, norms) if n >= MIN_CHARS)
    all_pairs = len(long_ids) <= ALL_PAIRS_LIMIT and long_chars <= ALL_PAIRS_CHARS
    if record is not None:
        record["all_pairs"] = all_pairs or len(long_ids) < 2
    for head in (True, False) if all_pairs else ():
        groups: dict[str, list[int]] = defaultdict(list)
        for i in long_ids:
            groups[norms[i][:KEY_CHARS] if head else norms[i][-KEY_CHARS:]].append(i)
        for ids in groups.values():
            if 1 < len(ids) <= 50:
                key_pairs.update((x, y) for k, x in enumerate(ids) for y in ids[k + 1 :])

    # headings that differ only in their number: （七）X and （九）X
    heading_pairs: set[tuple[int, int]] = set()
    if blocks is not None:
        by_heading: dict[str, list[int]] = defaultdict(list)
        for i in _maybe_numbered(blocks):
            text = blocks[i].text
            if heading_number(text) is not None and looks_like_heading(text):
                key = normalize(strip_enumeration(text)).text
                if len(key) >= 4:
                    by_heading[key].append(i)
        if record is not None:
            record["headings"] = {i: key for key, ids in by_heading.items() for i in ids}
        heading_pairs = {
            (x, y) for ids in by_heading.values() if len(ids) <= 50 for k, x in enumerate(ids) for y in ids[k + 1 :]
        }

    # all pairs cost (sum of lengths)^2 / 64 word operations: fine for a page, not for a book or
    # one 20 MB line compared with itself
    if len(long_ids) < 2:
        pass
    elif all_pairs:
        candidates.update(key_pairs)
        candidates.update(_candidates_all_pairs(norms, long_ids))
    else:
        # the exact dict's groups of long texts are the sketch's rows (in block order, like long_ids)
        long_groups = {t: ids for t, ids in by_text.items() if len(t) >= MIN_CHARS}
        candidates.update(_candidates_sketch(norms, long_ids, long_groups, record))
        if record is not None:
            # a later pass finds a text of pass 1 here (its blocks of pass 1) instead of in a dict of its own
            record["by_text"] = by_text
        del long_groups

    verify = _verifier()
    verdicts: dict[tuple[str, str], tuple[float, str] | None] = {}
    # every verdict on two different texts, for a later pass (the sketch path only: it is what one reads)
    log: list[tuple[int, int, tuple[float, str] | None]] | None = (
        record.setdefault("verdicts", []) if record is not None and not all_pairs else None)
    pairs: list[Pair] = []
    for a, b in sorted(candidates):
        if a == b:
            continue
        a, b = min(a, b), max(a, b)
        x, y = norms[a], norms[b]
        shortest = min(len(x), len(y))
        if not shortest:
            continue
        if x == y:
            verdict: tuple[float, str] | None = (100.0, "exact")
        elif len(by_text[x]) == 1 and len(by_text[y]) == 1:
            verdict = verify(x, y)
        else:
            # copies of one text meet the same twins again: verify each pair of texts once
            texts = (x, y)
            if texts in verdicts:
                verdict = verdicts[texts]
            else:
                verdict = verdicts[texts] = verify(x, y)
        if log is not None and x != y:
            log.append((a, b, verdict))
        if verdict and (verdict[1] == "exact" or shortest >= MIN_CHARS):
            pairs.append(Pair(a, b, verdict[0], verdict[1]))
    seen = {p.key for p in pairs}
    for a, b in sorted(heading_pairs):
        if (a, b) not in seen:
            pairs.append(Pair(a, b, 95.0, "heading"))
    pairs.sort(key=lambda p: p.key)
    return pairs


def _may_be_numbered(text: str) -> bool:
    """Cheap necessary condition of :func:`heading_number`: the first character can start a number."""
    s = text.lstrip(" \t\u3000")
    return bool(s) and (s[0] in _NUMBER_STARTS or s[0].isdecimal())


def _maybe_numbered(blocks: Sequence[Block]) -> list[int]:
    """Indices of the blocks for which :func:`_may_be_numbered` holds, looking at their first
    characters only (a block that starts with a blank takes the full test)."""
    if not blocks:
        return []
    source = blocks[0].source
    if not all(b.source is source and b.end > b.start for b in blocks):
        return [i for i, b in enumerate(blocks) if _may_be_numbered(b.text)]
    # the blocks' first characters, one per block, searched in one pass (\d is str.isdecimal), a few
    # thousand blocks at a time (a one-character string each); a block that starts with a blank
    # takes the full test
    out: list[int] = []
    for lo in range(0, len(blocks), 4096):
        firsts = "".join([source[b.start] for b in blocks[lo : lo + 4096]])
        out.extend(
            lo + m.start()
            for m in _FIRST_RE.finditer(firsts)
            if m.lastgroup == "number" or _may_be_numbered(blocks[lo + m.start()].text)
        )
    return out


_FIRST_RE = _regex.compile(
    rf"(?P<number>[{''.join(map(re.escape, sorted(_NUMBER_STARTS)))}]|\d)|(?P<blank>[ \t\u3000])"
)


# --- runs and keepers ---------------------------------------------------------------------


def _build_runs(pairs: Sequence[Pair], norms: Sequence[str], furniture: set[int] | None = None) -> list[Run]:
    by_key = {p.key: p for p in pairs}
    used: set[tuple[int, int]] = set()
    runs: list[Run] = []
    for pair in pairs:
        if pair.key in used:
            continue
        # extend backwards first, so a run is found from its first pair whatever order we meet it in
        a, b = pair.a, pair.b
        while (a - 1, b - 1) in by_key and (a - 1, b - 1) not in used and b - 1 > a:
            a, b = a - 1, b - 1
        run_pairs: list[Pair] = []
        while (a, b) in by_key and (a, b) not in used and a < pair.b and (not run_pairs or a < run_pairs[0].b):
            run_pairs.append(by_key[(a, b)])
            used.add((a, b))
            a, b = a + 1, b + 1
        # a run made only of short blocks (headings, "(完)") or of page furniture (a running title
        # repeated at every page top) is not a duplicate on its own: running-header owns those
        furniture = furniture or set()
        if not any(len(norms[p.a]) >= MIN_CHARS and p.how != "heading" and p.a not in furniture for p in run_pairs):
            continue
        runs.append(Run(removed=[p.b for p in run_pairs], kept=[p.a for p in run_pairs], pairs=run_pairs))
    return runs


_WORD = _regex.compile(r"[^\W\d_]+")


def _tokens(text: str) -> list[str]:
    """Latin words (lower-cased) and CJK character pairs: the units an OCR error damages."""
    out: list[str] = []
    for word in _WORD.findall(text.lower()):
        if word.isascii() or not any(is_cjk(c) for c in word):
            out.append(word)
        else:
            out.extend(word[k : k + 2] for k in range(len(word) - 1))
    return out


def _found_twice(text: str, token: str) -> bool:
    first = text.find(token)
    return first >= 0 and text.find(token, first + 1) >= 0


class _Keeper:
    """Decides which copy of a run to keep, looking at how each copy sits in the text."""

    def __init__(self, blocks: Sequence[Block], duplicated: set[int], text: str | None = None) -> None:
        self.blocks = blocks
        self.duplicated = duplicated
        self.dropped: set[int] = set()
        # the text the blocks are cut from (only whitespace lies between blocks)
        self.text = text if text is not None else "\n\n".join(b.text for b in blocks)
        self._known: dict[str, bool] = {}
        self._mid_sentence: dict[int, bool] = {}

    @cached_property
    def _token_counts(self) -> Counter[str]:
        counts: Counter[str] = Counter()
        for block in self.blocks:
            counts.update(_tokens(block.text))
        return counts

    def support(self, copy: Sequence[int]) -> float:
        """Share of a copy's tokens (words, or CJK character pairs) found more than once in the document."""
        tokens = [t for i in copy for t in _tokens(self.blocks[i].text)]
        if not tokens:
            return 0.0
        counts = self._token_counts
        return sum(1 for t in tokens if counts[t] > 1) / len(tokens)

    def supports(self, first: Sequence[int], second: Sequence[int]) -> tuple[float, float]:
        """:meth:`support` of two disjoint copies, without counting every token of the document.

        A token twice among the two copies is twice in the document; only tokens seen once
        there (an OCR error and its neighbours, mostly) are looked up in the rest of the text.
        """
        tokens_a = [t for i in first for t in _tokens(self.blocks[i].text)]
        tokens_b = [t for i in second for t in _tokens(self.blocks[i].text)]
        local = Counter(tokens_a)
        local.update(tokens_b)
        repeated = self._repeated(t for t, n in local.items() if n == 1)

        def share(tokens: list[str]) -> float:
            if not tokens:
                return 0.0
            return sum(1 for t in tokens if local[t] > 1 or repeated[t]) / len(tokens)

        return share(tokens_a), share(tokens_b)

    def _repeated(self, tokens: Iterable[str]) -> dict[str, bool]:
        """Whether each token occurs at least twice in the document (memoised)."""
        known = self._known
        pending = [t for t in tokens if t not in known]
        if len(pending) > _MAX_LOOKUPS or "_token_counts" in self.__dict__:
            # many rare tokens: one pass over the document counts them all
            counts = self._token_counts
            known.update((t, counts[t] > 1) for t in pending)
        for token in pending:
            if token not in known:
                known[token] = self._occurs_twice(token)
        return known

    def _occurs_twice(self, token: str) -> bool:
        has_cjk = any(is_cjk(c) for c in token)
        if len(token) == 2 and not has_cjk:
            # also a character pair of a word mixing scripts ("ab" of "ab中"): count exactly
            counts = self._token_counts
            return counts[token] > 1
        if has_cjk and all(is_cjk(c) for c in token):
            # caseless, and two CJK characters side by side are always a token: a substring search will do
            return _found_twice(self.text, token)
        lowered = self._lowered
        if not _found_twice(lowered, token):
            return False
        if has_cjk:
            return True
        # a whole word: count matches that are not part of a longer word

        # re.compile, not the machine-wide cache: the pattern holds a word of this document
        word = re.compile(rf"(?<![^\W\d_]){re.escape(token)}(?![^\W\d_])")
        matches = word.finditer(lowered)
        return next(matches, None) is not None and next(matches, None) is not None

    @cached_property
    def _lowered(self) -> str:
        return self.text.lower()

    def _neighbour(self, index: int, step: int, skip: set[int]) -> Block | None:
        i = index + step
        while 0 <= i < len(self.blocks):
            if i not in skip and i not in self.dropped:
                block = self.blocks[i]
                # short unpunctuated lines (page headers) sit between a sentence and its rest (the
                # length first: it rules out most blocks without reading them)
                if len(block) <= 20 and looks_like_heading(block.text) and heading_number(block.text) is None:
                    i += step
                    continue
                return block
            i += step
        return None

    def _ends_mid_sentence(self, block: Block) -> bool:
        """:func:`ends_mid_sentence` of a block, memoised (the copies of a run and their neighbours
        are asked about again and again)."""
        known = self._mid_sentence.get(block.start)
        if known is None:
            known = self._mid_sentence[block.start] = ends_mid_sentence(block.text)
        return known

    def score(self, copy: Sequence[int], other: Sequence[int], interrupts: bool = False) -> tuple[int, list[str]]:
        """Points for keeping ``copy`` and why; ``interrupts``: :meth:`interrupts` of ``copy``."""
        skip = set(copy)
        first, last = self.blocks[copy[0]], self.blocks[copy[-1]]
        points = 0
        notes: list[str] = []
        before = self._neighbour(copy[0], -1, skip)
        if (
            before is not None
            and before.index not in self.duplicated
            and self._ends_mid_sentence(before)
            and looks_like_continuation(first.text)
        ):
            points += 2
            notes.append("it continues the sentence before it")
        if self._ends_mid_sentence(last):
            after = self._neighbour(copy[-1], +1, skip)
            if after is not None and after.index not in self.duplicated and looks_like_continuation(after.text):
                points += 2
                notes.append("its last sentence continues in the next paragraph")
            else:
                points -= 1
                notes.append("it is cut off mid-sentence")
        if interrupts:
            points -= 3
            notes.append("it stands between the two halves of a cut sentence")
        return points, notes

    def interrupts(self, copy: Sequence[int]) -> bool:
        """Whether the blocks around ``copy`` are one sentence cut in two: the copy was spliced in.

        Any copy follows some block, so the two must plainly be one sentence: a word split across
        them (``教`` | ``育``, by the dictionary), a sentence cut off (not a heading) going on in a
        block that opens none, or a Latin sentence going on in lowercase.
        """
        skip = set(copy)
        before = self._neighbour(copy[0], -1, skip)
        after = self._neighbour(copy[-1], +1, skip)
        if before is None or after is None or before.index in self.duplicated or after.index in self.duplicated:
            return False
        if ends_sentence(before.text) or not ends_sentence(self.blocks[copy[-1]].text):
            return False  # the sentence before is complete, or the copy itself runs on
        if script_of(before.text[-40:]) == "cjk":
            # a word split across the two, or a sentence plainly cut (not a heading) going on in a
            # block that does not start one
            return word_cut_gain(before.text, after.text) >= WORD_CUT_MIN_GAIN or (
                self._ends_mid_sentence(before) and looks_like_continuation(after.text)
            )
        return looks_like_continuation(after.text) and after.text.lstrip()[:1].islower()

    def decide(self, run: Run, norms: Sequence[str]) -> None:
        # asked once per copy: the score and the kind below both need it
        a_cut, b_cut = self.interrupts(run.kept), self.interrupts(run.removed)
        a_score, a_notes = self.score(run.kept, run.removed, a_cut)
        b_score, b_notes = self.score(run.removed, run.kept, b_cut)
        a_len = sum(len(norms[i]) for i in run.kept)
        b_len = sum(len(norms[i]) for i in run.removed)
        if any(p.how == "contained" for p in run.pairs) and a_len != b_len:
            # a truncated copy's apparent continuation is not credible: the rest of its twin is what
            # should follow it, and that stands in the other copy
            longer_is_a = a_len > b_len
            a_score += 3 if longer_is_a else 0
            b_score += 0 if longer_is_a else 3
            (a_notes if longer_is_a else b_notes).append("it is the complete copy")
            (b_notes if longer_is_a else a_notes).append("it is a truncated copy")
        if a_score == b_score and any(p.how == "near" for p in run.pairs):
            # equally complete copies that differ by OCR errors: keep the one whose words the rest
            # of the document also uses, i.e. the one with fewer misread characters
            a_support, b_support = self.supports(run.kept, run.removed)
            if b_support > a_support + 1e-9:
                b_score += 1
                b_notes.append("its words recur elsewhere in the document (fewer OCR errors)")
            elif a_support > b_support + 1e-9:
                a_score += 1
                a_notes.append("its words recur elsewhere in the document (fewer OCR errors)")
        swap = b_score > a_score
        if swap:
            run.kept, run.removed = run.removed, run.kept
            a_notes, b_notes = b_notes, a_notes
            a_cut, b_cut = b_cut, a_cut
        run.scores = {"kept": max(a_score, b_score), "removed": min(a_score, b_score)}
        kept_first = self.blocks[run.kept[0]]
        if a_score == b_score:
            run.reason = "keeps the first copy (both copies are equally complete)"
            run.confidence = 0.9
        else:
            why_kept = "; ".join(a_notes) if a_notes else "the other copy is less complete"
            why_removed = "; ".join(b_notes) if b_notes else "it is the less complete copy"
            run.reason = (
                f"removes this copy because {why_removed}, "
                f"and keeps the copy at offset {kept_first.start} because {why_kept}"
            )
            run.confidence = 0.95
        # a duplicated fragment that belongs after a sentence cut elsewhere was spliced in here
        before_kept = self._neighbour(run.kept[0], -1, set(run.kept))
        if (
            before_kept is not None
            and self._ends_mid_sentence(before_kept)
            and looks_like_continuation(self.blocks[run.kept[0]].text)
            and not looks_like_heading(self.blocks[run.removed[0]].text)
        ) or (b_cut and not a_cut):
            run.kind = "splice"
        elif len(run.removed) > 1:
            run.kind = "duplicate-section"
        else:
            run.kind = "duplicate-paragraph"
        self.dropped.update(run.removed)


def analyse(ctx: Context) -> DuplicateAnalysis:
    """Duplicate pairs and decided runs for the document of ``ctx`` (memoise via ctx.shared).

    On a later pass of ``clean`` (``ctx.dirty``) with a few changes only the blocks whose pairs or
    decisions can have changed are looked at; everything else was decided, on the same text, by
    the pass before.  With many, the whole analysis takes what is per text from the memo
    (:func:`_analyse_dirty`).
    """
    if ctx.dirty is not None and ctx.memo is not None:
        done = _analyse_dirty(ctx)
        if done is not None:
            return done
    return _analyse_full(ctx)


def _analyse_full(ctx: Context) -> DuplicateAnalysis:
    blocks = ctx.blocks
    # blocks that phase-10 rules (page markers) delete whole are furniture, not content
    gone = ctx.removed_blocks()
    from dedup.rules.scan_overlap import held_block_forms

    # a long document's matching form is made once, whole, for LAY007 too; the blocks' are cut from it
    forms = held_block_forms(ctx) or _norm_texts(blocks)
    norms = ["" if b.index in gone else t for b, t in zip(blocks, forms, strict=True)]
    found: dict[str, Any] | None = {} if ctx.memo is not None else None
    pairs = [p for p in find_pairs(norms, blocks, found) if p.a not in gone and p.b not in gone]
    if ctx.memo is not None and found is not None:
        # what a later pass starts from: kept by reference, indexed only if a later pass comes
        first = _FirstPass(ctx.text, blocks, ctx.doc.block_starts, ctx.doc.block_ends, forms, gone, found, pairs)
        ctx.memo[_STATE] = None if found.get("all_pairs", True) else first
        del forms
        return _decide(ctx, pairs, norms, found.setdefault("covers", {}))
    del forms
    return _decide(ctx, pairs, norms)


def _decide(ctx: Context, pairs: list[Pair], norms: Sequence[str],
            covers: dict[tuple[str, str, str], bool] | None = None) -> DuplicateAnalysis:
    """Runs of ``pairs`` (sorted by key), with their keepers chosen (``covers``: memo of
    :func:`_covers` by the two texts, kept across the passes of one clean)."""
    blocks = ctx.blocks
    from dedup.rules._layout import is_furniture_text

    furniture = {i for p in pairs for i in (p.a, p.b) if is_furniture_text(blocks[i].text)}
    runs = _build_runs(pairs, norms, furniture)
    duplicated = {i for p in pairs for i in (p.a, p.b)}
    keeper = _Keeper(blocks, duplicated, ctx.text)
    # longer runs first: they carry the most evidence, and their decisions shape the context of the rest
    runs.sort(key=lambda r: (-len(r.removed), r.kept[0]))
    decided: list[Run] = []
    claimed: set[int] = set()
    for run in runs:
        if claimed & set(run.removed) or claimed & set(run.kept):
            # one copy of a 3+-fold repeat: keep the leader already retained, drop only unclaimed blocks
            if set(run.kept) <= keeper.dropped or set(run.removed) <= keeper.dropped:
                continue
            if claimed & set(run.kept) and not (claimed & set(run.removed)) and not set(run.kept) & keeper.dropped:
                run.reason = "keeps the copy already retained for an earlier repeat"
                keeper.dropped.update(run.removed)
                run.kind = "duplicate-section" if len(run.removed) > 1 else "duplicate-paragraph"
                claimed.update(run.removed)
                decided.append(run)
            continue
        keeper.decide(run, norms)
        claimed.update(run.removed)
        claimed.update(run.kept)
        decided.append(run)
    covered = [sub for run in decided for sub in _covered_parts(run, norms, covers)]
    covered.sort(key=lambda r: r.removed[0])
    return DuplicateAnalysis(pairs, covered)


def _covers(removed: int, kept: int, how: str, norms: Sequence[str]) -> bool:
    """Whether the kept block holds everything the removed block says (no unique text lost)."""
    from rapidfuzz import fuzz

    gone, stays = norms[removed], norms[kept]
    if how == "contained":
        if len(gone) > len(stays):
            return False
        # a truncated copy is compared with the end of its twin it aligns with
        stays = max((stays[: len(gone)], stays[-len(gone) :]), key=lambda window: fuzz.ratio(gone, window))
    elif how != "near":
        return True
    return says_nothing_more(stays, gone)


def _covered_parts(run: Run, norms: Sequence[str], covers: dict[tuple[str, str, str], bool] | None = None
                   ) -> list[Run]:
    """The run split around any pair whose removal would lose text (a complete copy kept only as a
    truncated twin): those blocks stay, and the rest of the run is still removed."""
    parts: list[Run] = []
    current: list[int] = []
    for k, pair in enumerate(run.pairs):
        whole: bool | None
        if covers is None or pair.how not in ("near", "contained"):
            whole = _covers(run.removed[k], run.kept[k], pair.how, norms)
        else:
            key = (norms[run.removed[k]], norms[run.kept[k]], pair.how)
            whole = covers.get(key)
            if whole is None:
                whole = covers[key] = _covers(run.removed[k], run.kept[k], pair.how, norms)
        if whole:
            current.append(k)
            continue
        if current:
            parts.append(_sub_run(run, current))
        current = []
    if current:
        parts.append(_sub_run(run, current))
    return parts


def _sub_run(run: Run, ks: list[int]) -> Run:
    if len(ks) == len(run.pairs):
        return run
    kind = run.kind if run.kind == "splice" or len(ks) > 1 else "duplicate-paragraph"
    if kind == "duplicate-paragraph" and len(ks) > 1:
        kind = "duplicate-section"
    return Run(
        removed=[run.removed[k] for k in ks],
        kept=[run.kept[k] for k in ks],
        pairs=[run.pairs[k] for k in ks],
        kind=kind,
        reason=run.reason,
        confidence=run.confidence,
        scores=run.scores,
    )


def is_byline(text: str) -> bool:
    return is_bracketed(text) and len(text.strip()) <= 20


def block_deletion(ctx: Context, first: int, last: int) -> tuple[int, int]:
    """Range that deletes blocks ``first..last`` and one separator, so no blank lines pile up."""
    blocks = ctx.blocks
    if last + 1 < len(blocks):
        return blocks[first].start, blocks[last + 1].start
    if first > 0:
        return blocks[first - 1].end, blocks[last].end
    return blocks[first].start, blocks[last].end


class DuplicateRunRule(Rule):
    """Shared body of the rules that report decided duplicate runs of one kind."""

    phase = 20
    fixable = True
    groups = ("duplicates",)
    noun = "paragraph"

    def check(self, ctx: Context) -> Iterable[Finding]:
        analysis: DuplicateAnalysis = ctx.shared("duplicates", analyse)
        blocks = ctx.blocks
        for run in analysis.runs:
            if run.kind != self.kind:
                continue
            removed = Span(blocks[run.removed[0]].start, blocks[run.removed[-1]].end)
            kept = Span(blocks[run.kept[0]].start, blocks[run.kept[-1]].end)
            start, end = block_deletion(ctx, run.removed[0], run.removed[-1])
            count = len(run.removed)
            what = self.noun if count == 1 else f"{self.noun} of {count} paragraphs"
            if ctx.dirty is None or "line_starts" in ctx.doc.__dict__:
                k_line, _ = ctx.doc.line_col(kept.start)
                twin = f"line {k_line}"
            else:
                # a later pass of clean reports nothing: no line table for its messages
                twin = f"offset {kept.start}"
            message = f"{what} duplicated (twin at {twin}): {run.reason}"
            fix = Fix(edits=(Edit.delete(ctx.text, start, end),), keeps=(kept,), safe=True)
            yield self.finding(
                ctx,
                removed,
                message,
                confidence=run.confidence,
                related=(kept,),
                evidence={
                    "similarity": [round(p.score / 100, 3) for p in run.pairs],
                    "match": [p.how for p in run.pairs],
                    "blocks": count,
                    "completeness": run.scores,
                },
                fix=fix,
            )


# --- later passes of clean ---------------------------------------------------------------
#
# A later pass is told where the text changed (ctx.dirty).  A decision of the full analysis reads
# the pairs of its blocks, the texts of those blocks and of their neighbours (``_Keeper._neighbour``
# walks past short headings and past the copies other runs drop), and which blocks are duplicated;
# runs chain pairs of adjacent blocks.  So blocks interact only through pairs, and through
# adjacency over such skippable blocks: the "units" closed under both are decided independently
# of each other, exactly as in the full run.  A unit whose blocks, neighbours and pairs did not
# change was decided, identically, by the pass before (its safe fixes were applied or skipped,
# and either left a changed place in it).  A later pass therefore analyses only the units reached
# from
#
# * the blocks that meet a changed place (kept twins of applied fixes are among them), and
# * the blocks whose pairs may have changed without changing themselves: the copies of every text
#   whose number of copies changed (or that a change touched), the texts sharing an LSH bucket or a
#   first/last-characters group with such a text (leader clustering and the group limits make a
#   pair of two untouched texts depend on who else is in their bucket), and the members of a
#   numbered-heading group whose size changed.
#
# Every pair of a reached block is found against all blocks, as the full run finds it: the exact
# copies, the sketch candidates (its bucket neighbours and leader in each band, its group window,
# the same probes and the same expansion to copies), the heading groups, then the same verifier.
# What is per text (matching forms, band keys, end hashes, heading keys, probe and verify verdicts)
# is kept in ctx.memo by content from pass 1 on.
#
# The unit search costs some thirty times a block of the full analysis per block it starts from,
# so a pass with many changes runs the full analysis instead (``_analyse_memo``): the same
# algorithm over the whole text, every value that is a function of one or two texts (matching
# forms, band keys, end hashes, heading keys, probe verdicts of a pair of texts in row order,
# verifier verdicts, whether a twin covers its copy) taken from the memo, and what depends on which
# texts stand where (exact-copy chains, LSH buckets with their leaders, first/last-characters
# groups and their windows, the expansion of text pairs to copies, heading groups) computed again.
# Its findings are the full run's by construction.

_STATE = "duplicates.state"
#: a later pass with more changed blocks than one per this many takes the memoised full analysis
#: (measured on a 10 MB document: the unit search costs ~30 us a seed block, some six a changed
#: block, the full analysis ~1 us a block)
_MANY_CHANGES = 256
#: ... and so does one whose unit search would start from more blocks than one per this many
_MANY_SEEDS = 64
#: characters of a stretch of unchanged blocks searched for in the text before, before comparing all
_CARRY_PROBE = 256
#: a later pass with at most this many stretches of unchanged blocks locates them from both ends
#: (more, and shorter: compared whole)
_CARRY_BOTH_WAYS = 64
#: blocks resolved ahead of a neighbour walk (fewer rounds of the unit search)
_WALK_AHEAD = 2


@dataclass
class _FirstPass:
    """What a full run with a memo leaves for a later pass, by reference (indexed only if a later
    pass comes: most cleans stop after one)."""

    text: str
    blocks: Sequence[Block]
    #: the blocks' starts and ends (``Document.block_starts``, ``block_ends``: shared, never modified)
    starts: Sequence[int]
    ends: Sequence[int]
    forms: list[str]
    gone: set[int]
    record: dict[str, Any]
    pairs: list[Pair]


@dataclass
class _PassCounts:
    """How often each text and heading key stood in one pass, and what it removed as furniture."""

    counts: Any
    heading_sizes: Any
    gone_forms: Any


class _Norms(Sequence[str]):
    """The blocks' matching forms (empty for blocks removed as furniture), looked up on demand."""

    def __init__(self, forms: list[str], form_of: Any) -> None:
        self._forms = forms
        # an array: a decision reads the forms of a few blocks, a list would cost one object a block
        self._form_of = form_of

    def __len__(self) -> int:
        return len(self._form_of)

    def __getitem__(self, i: Any) -> Any:
        if isinstance(i, slice):
            return [self[k] for k in range(*i.indices(len(self)))]
        f = int(self._form_of[i])
        return self._forms[f] if f >= 0 else ""


def _heading_key(raw: str) -> str | None:
    """The key :func:`find_pairs` groups a numbered heading by (None for any other block)."""
    if _may_be_numbered(raw) and heading_number(raw) is not None and looks_like_heading(raw):
        key = normalize(strip_enumeration(raw)).text
        if len(key) >= 4:
            return key
    return None


def _heading_keys(raws: Sequence[str]) -> list[str | None]:
    """:func:`_heading_key` of each of ``raws``: the full test only for those whose first character
    can start a number (or is a blank), found by one search of their first characters."""
    out: list[str | None] = [None] * len(raws)
    for lo in range(0, len(raws), 4096):
        firsts = "".join([r[0] if r else "x" for r in raws[lo : lo + 4096]])
        for m in _FIRST_RE.finditer(firsts):
            out[lo + m.start()] = _heading_key(raws[lo + m.start()])
    return out


#: recent probe verdicts kept in a dict, before they are merged into the sorted arrays
_RECENT_PROBES = 4096


class _ProbeMemo:
    """Probe verdicts on pairs of forms, by kind of candidate: a function of the two texts in their
    order (the shorter probes the longer; of two as long, the first), so a pair of forms probed
    once is never probed again.  Kept as one sorted array per kind of ``code << 1 | passed``
    (``code``: ``fx << 32 | fy``) searched all at once, the latest few in a dict (a merge sorts
    everything again)."""

    def __init__(self) -> None:
        import numpy as np

        self.known: dict[str, Any] = {kind: np.zeros(0, dtype=np.int64) for kind in ("band", "head", "tail")}
        self.recent: dict[str, dict[int, bool]] = {kind: {} for kind in self.known}

    @staticmethod
    def _codes(fx: Any, fy: Any) -> Any:
        import numpy as np

        return (fx.astype(np.int64) << np.int64(32)) | fy.astype(np.int64)

    def lookup(self, kind: str, fx: Any, fy: Any) -> tuple[Any, Any]:
        """Which pairs are known, and which of those pass."""
        import numpy as np

        codes = self._codes(fx, fy)
        known = self.known[kind]
        if len(known):
            # many codes are searched in their order: the bisections then walk memory in order
            by = np.argsort(codes) if len(codes) > 256 else None
            wanted = codes << np.int64(1) if by is None else codes[by] << np.int64(1)
            at = np.empty_like(codes)
            found_at = known[np.minimum(np.searchsorted(known, wanted), len(known) - 1)]
            if by is None:
                at = found_at
            else:
                at[by] = found_at
            found = (at >> np.int64(1)) == codes
            passed = found & ((at & np.int64(1)) == 1)
        else:
            found = np.zeros(len(codes), dtype=bool)
            passed = np.zeros(len(codes), dtype=bool)
        recent = self.recent[kind]
        if recent:
            for k in np.flatnonzero(~found).tolist():
                verdict = recent.get(int(codes[k]))
                if verdict is not None:
                    found[k] = True
                    passed[k] = verdict
        return found, passed

    def add(self, kind: str, fx: Any, fy: Any, passed: Any) -> None:
        """Remember the verdicts ``passed`` on the pairs ``fx``, ``fy``."""
        import numpy as np

        recent = self.recent[kind]
        codes = self._codes(fx, fy)
        if len(recent) + len(codes) <= _RECENT_PROBES:
            recent.update(zip(codes.tolist(), passed.tolist(), strict=True))
            return
        held = np.fromiter(recent, dtype=np.int64, count=len(recent))
        held_passed = np.fromiter(recent.values(), dtype=np.int64, count=len(recent))
        recent.clear()
        self.known[kind] = np.sort(np.concatenate((
            self.known[kind], (held << np.int64(1)) | held_passed, (codes << np.int64(1)) | passed.astype(np.int64))))


#: the forms added to the buckets since their last merge are merged once they number one in this
#: many of the forms met
_MERGE_SHARE = 16
#: bits of a form id in the buckets' table (``band << 60 | key << 28 | form``: one sorted array for
#: every band, searched once for all of them, as the sketch of pass 1 keeps its band tables); a
#: clean that meets more forms takes the memo path
_FORM_BITS = 28


class _Buckets:
    """The long forms met, by LSH band key and by the hash of their first (last) characters: sorted
    tables in which the forms sharing a bucket or a group with given ones are ranges.  They hold
    every long form of the current pass (:meth:`hold`) and may hold forms that left: a look-up
    keeps those that stand in the pass.  Kept across passes (a pass adds the few forms it made)."""

    def __init__(self, bands: list[Any], ends: list[tuple[Any, Any]], held: Any) -> None:
        #: per band, ``band << 60 | key << 28 | form``, sorted (as the sketch of pass 1 leaves them:
        #: its rows are the first forms), until :attr:`table` joins them
        self._bands: list[Any] | None = bands
        self._table: Any = None
        #: per end (heads, tails): the hashes sorted, and the forms in that order
        self.ends = ends
        #: whether each form id is in the tables
        self.held = held
        #: the forms held since the tables were last merged, in small tables of their own (a pass
        #: adds a few forms: inserting them would copy every table)
        self.recent: Any = None
        self.recent_forms: Any = None
        self.recent_ends: list[tuple[Any, Any]] = []

    @property
    def table(self) -> Any:
        """Every band's ``band << 60 | key << 28 | form``, sorted: a bucket is a range of it."""
        import numpy as np

        if self._table is None:
            assert self._bands is not None
            # each band sorted, and the band in the top bits: joined, they are sorted
            self._table = np.concatenate(self._bands)
            self._bands = None
        return self._table

    @staticmethod
    def _codes(index: _Index, forms: Any) -> Any:
        """``band << 60 | key << 28 | form`` of each band of each of ``forms`` (bands x forms)."""
        import numpy as np

        from dedup.similarity.blocks import BANDS

        bands = np.arange(BANDS, dtype=np.uint64)[:, None] << np.uint64(60)
        keys = index.keys[forms].T.astype(np.uint64) << np.uint64(_FORM_BITS)
        return bands | keys | forms.astype(np.uint64)[None, :]

    @classmethod
    def of(cls, index: _Index, forms: Any) -> _Buckets:
        """Tables holding ``forms`` (long forms, distinct)."""
        import numpy as np

        made = cls([], [], None)
        made._table = np.sort(cls._codes(index, forms).ravel())
        made._bands = None
        ends = []
        for hashes in (index.heads[forms], index.tails[forms]):
            by = np.argsort(hashes)
            ends.append((hashes[by], forms[by]))
        held = np.zeros(len(index.forms), dtype=bool)
        held[forms] = True
        made.ends, made.held = ends, held
        return made

    def hold(self, index: _Index, forms: Any) -> None:
        """Add those of the long forms ``forms`` not held yet."""
        import numpy as np

        self.held = _padded(self.held, len(index.forms))
        new = forms[~self.held[forms]]
        if not len(new):
            return
        self.held[new] = True
        if self.recent is not None:
            new = np.concatenate((self.recent_forms, new))
        self.recent_forms = new
        self.recent = np.sort(self._codes(index, new).ravel())
        self.recent_ends = []
        for hashes in (index.heads, index.tails):
            by = np.argsort(hashes[new])
            self.recent_ends.append((hashes[new][by], new[by]))
        if len(new) * _MERGE_SHARE > len(self.held):
            # merged once they are many: a look-up searches two tables
            table = self.table
            self._table = np.insert(table, np.searchsorted(table, self.recent), self.recent)
            for k, (mine, mine_forms) in enumerate(self.recent_ends):
                sorted_hashes, by_hash = self.ends[k]
                at = np.searchsorted(sorted_hashes, mine)
                self.ends[k] = (np.insert(sorted_hashes, at, mine), np.insert(by_hash, at, mine_forms))
            self.recent, self.recent_ends = None, []

    def band_mates(self, buckets: Any) -> tuple[Any, Any]:
        """For each of ``buckets`` (``band << 60 | key << 28``, distinct) the forms held in it:
        ``(k, form)`` arrays, k the place of the bucket in ``buckets``."""
        import numpy as np

        low = np.uint64((1 << _FORM_BITS) - 1)
        ats, forms = [], []
        for table in (self.table,) if self.recent is None else (self.table, self.recent):
            lo = np.searchsorted(table, buckets)
            hi = np.searchsorted(table, buckets | low, side="right")
            ats.append(np.repeat(np.arange(len(buckets), dtype=np.int64), hi - lo))
            forms.append((table[_spans(lo, hi)] & low).astype(np.int64))
        return (ats[0], forms[0]) if len(ats) == 1 else (np.concatenate(ats), np.concatenate(forms))

    @staticmethod
    def buckets_of(index: _Index, forms: Any) -> Any:
        """The buckets (``band << 60 | key << 28``) of every band of each of ``forms``: bands x forms."""
        import numpy as np

        return _Buckets._codes(index, forms) & ~np.uint64((1 << _FORM_BITS) - 1)

    def end_mates(self, end: int, hashes: Any) -> tuple[Any, Any]:
        """For each of ``hashes`` (distinct) the forms held with that first (``end`` 0) or last (1)
        characters' hash: ``(k, form)`` arrays, k the place of the hash in ``hashes``."""
        import numpy as np

        ats, forms = [], []
        for sorted_hashes, by_hash in (self.ends[end],) + ((self.recent_ends[end],) if self.recent_ends else ()):
            lo = np.searchsorted(sorted_hashes, hashes)
            hi = np.searchsorted(sorted_hashes, hashes, side="right")
            ats.append(np.repeat(np.arange(len(hashes), dtype=np.int64), hi - lo))
            forms.append(by_hash[_spans(lo, hi)])
        return (ats[0], forms[0]) if len(ats) == 1 else (np.concatenate(ats), np.concatenate(forms))


class _Index:
    """What one clean knows of the texts it met, by content, and of the pass before.

    Per matching form (an id): its length, band keys and end hashes (long forms), the forms its
    copies are near or contained copies of, and memoised probe and verify verdicts.  Of the pass
    before: its text, block edges, each block's form and heading key, and its counts.  A block that
    no change met stands in the text before, with the same neighbours inside its stretch of
    unchanged text: its form is carried over from there (found with one ``str.find`` a stretch)
    instead of being cut, hashed and looked up.
    """

    def __init__(self) -> None:
        import numpy as np

        from dedup.similarity.blocks import BANDS

        self.forms: list[str] = []
        self.form_id: dict[str, int] = {"": -1}
        #: pass 1's texts (each with its blocks there) and each block's form id there: the form of a
        #: text of pass 1 not in ``form_id`` (the sketch's rows are not put in it one by one)
        self.first_texts: dict[str, list[int]] | None = None
        self.first_form: Any = None
        self.headings: dict[str, int] = {}
        self.form_len = np.zeros(0, dtype=np.int64)
        self.keys = np.zeros((0, BANDS), dtype=np.uint32)
        self.heads = np.zeros(0, dtype=np.int64)
        self.tails = np.zeros(0, dtype=np.int64)
        self.probes = _ProbeMemo()
        #: the long forms by bucket and group (built when a unit search first needs them)
        self.buckets: _Buckets | None = None
        #: how the last later pass was analysed: "units" or "memo" (for tests and measurements)
        self.last_way = ""
        #: whether a copy's twin holds all it says (:func:`_covers`), by the two texts and the match
        self.covers: dict[tuple[str, str, str], bool] = {}
        self.verdicts: dict[tuple[int, int], tuple[float, str] | None] = {}
        #: form id -> the other forms its copies are verified near or contained copies of (exact
        #: copies and numbered headings aside), as of the last pass that looked at it
        self._partners: dict[int, list[tuple[int, tuple[float, str]]]] | None = {}
        #: the pairs and block forms the partners are made of when first asked for (pass 1's: only
        #: a unit search reads them, and pass 2 mostly takes the memoised full analysis)
        self._partner_source: tuple[Sequence[Pair], Any] | None = None
        self.prev: _PassCounts | None = None
        #: the pass before: its text, block edges (carried from pass to pass with the forms: no pass
        #: reads every block's), and each block's form and heading id
        self.text = ""
        self.starts = np.zeros(0, dtype=np.int64)
        self.ends = np.zeros(0, dtype=np.int64)
        self.block_form = np.zeros(0, dtype=np.int64)
        self.block_heading = np.zeros(0, dtype=np.int64)
        #: form id of each block of the current pass (-1: empty or furniture)
        self.form_of_blocks: Any = None

    @classmethod
    def of_first_pass(cls, state: _FirstPass) -> _Index:
        """The index of what pass 1 found (see :func:`find_pairs`' ``record``)."""
        import numpy as np

        from dedup.similarity.blocks import BANDS

        index = cls()
        record = state.record
        if "texts" in record and "members" in record and "by_text" in record:
            # the sketch's rows first (their keys, end hashes and lengths are the record's, in order),
            # each block of a row taking its id; then the other blocks' texts, in block order
            rows = record["members"]
            index._register(record["texts"], record, named=False)
            sizes = np.fromiter(map(len, rows), dtype=np.int64, count=len(rows))
            first_form = np.full(len(state.forms), -3, dtype=np.int64)
            first_form[np.fromiter(itertools.chain.from_iterable(rows), dtype=np.int64, count=int(sizes.sum()))] = (
                np.repeat(np.arange(len(rows), dtype=np.int64), sizes))
            index.first_texts, index.first_form = record["by_text"], first_form
            rest = np.flatnonzero(first_form == -3)
            first_form[rest] = index.form_ids([state.forms[i] for i in rest.tolist()])
        else:
            if "texts" in record:
                index._register(record["texts"], record)
            first_form = index.form_ids(state.forms)
        headings = record.get("headings", {})
        first_heading = np.full(len(state.forms), -1, dtype=np.int64)
        if headings:
            first_heading[list(headings)] = index.heading_ids(list(headings.values()))
        index.prev = index.pass_counts(first_form, first_heading, state.gone)
        index.set_partners(state.pairs, first_form)
        index.text = state.text
        index.starts = np.array(state.starts, dtype=np.int64)
        index.ends = np.array(state.ends, dtype=np.int64)
        index.block_form, index.block_heading = first_form, first_heading
        # its probes and verdicts, by the forms they were about
        for kind, part, passed in record.get("probed", ()):
            index.probes.add(kind, part[:, 0], part[:, 1], passed)  # a row's form id is the row
        bands, ends = record.get("band_tables", []), record.get("end_tables", [])
        if len(bands) == BANDS and len(ends) == 2:
            # the sketch's tables of pass 1 are the buckets' (its rows are the first form ids)
            held = np.zeros(len(index.forms), dtype=bool)
            held[: len(record["texts"])] = True
            index.buckets = _Buckets(list(bands), list(ends), held)
        index.covers = record.get("covers", {})
        form_of = first_form.tolist()
        verdicts = index.verdicts
        for a, b, verdict in record.get("verdicts", ()):
            fa, fb = form_of[a], form_of[b]
            verdicts[(fa, fb) if fa < fb else (fb, fa)] = verdict
        return index

    def probe(self, kind: str, fx: Any, fy: Any) -> Any:
        """Whether each pair of forms ``fx[k]``, ``fy[k]`` (the earlier row first) passes the probes
        of its kind of candidate (``band``, ``head`` or ``tail``), as :func:`duplicate_candidates`
        probes it; memoised by content."""
        import numpy as np

        from dedup.similarity.blocks import _SHIFT_BATCH, gram_fingerprints, probe_pairs, shifted_pairs

        known, passed = self.probes.lookup(kind, fx, fy)
        todo = np.flatnonzero(~known)
        if not len(todo):
            return passed
        ids = _distinct(np.concatenate((fx[todo], fy[todo])))
        texts = self.forms
        grams, starts = gram_fingerprints([texts[f] for f in ids.tolist()])
        lengths = np.diff(starts)
        part = np.stack((np.searchsorted(ids, fx[todo]), np.searchsorted(ids, fy[todo])), axis=1)
        found = np.zeros(len(todo), dtype=bool)
        for lo in range(0, len(todo), _PROBE_CHUNK):
            some = part[lo : lo + _PROBE_CHUNK]
            if kind == "band":
                aligned, anchored = probe_pairs(some, lengths, grams, starts)
                slid = np.flatnonzero(~anchored)
                for first in range(0, len(slid), _SHIFT_BATCH):
                    these = slid[first : first + _SHIFT_BATCH]
                    aligned[these] = shifted_pairs(some[these], lengths, grams, starts)
            else:
                aligned = probe_pairs(some, lengths, grams, starts, "start" if kind == "head" else "end")[0]
            found[lo : lo + len(some)] = aligned
        passed[todo] = found
        self.probes.add(kind, fx[todo], fy[todo], found)
        return passed

    @property
    def partners(self) -> dict[int, list[tuple[int, tuple[float, str]]]]:
        """Form id -> the other forms its copies are verified near or contained copies of (exact
        copies and numbered headings aside), as of the last pass that looked at it."""
        if self._partners is None:
            assert self._partner_source is not None
            self._partners = self._partners_of(*self._partner_source)
            self._partner_source = None
        return self._partners

    def set_partners(self, pairs: Sequence[Pair], form: Any) -> None:
        """The partners of every form from the pairs of a full run (``form``: each block's form id),
        made when first read."""
        self._partners, self._partner_source = None, (pairs, form)

    def set_partner_map(self, partners: dict[int, dict[int, tuple[float, str]]]) -> None:
        """The partners of every form, found with the pairs of a full run."""
        self._partners, self._partner_source = {f: list(found.items()) for f, found in partners.items()}, None

    @staticmethod
    def _partners_of(pairs: Sequence[Pair], form: Any) -> dict[int, list[tuple[int, tuple[float, str]]]]:
        partners: dict[int, dict[int, tuple[float, str]]] = defaultdict(dict)
        for p in pairs:
            if p.how in ("near", "contained"):
                fa, fb = int(form[p.a]), int(form[p.b])
                partners[fa][fb] = partners[fb][fa] = (p.score, p.how)
        return {f: list(found.items()) for f, found in partners.items()}

    def form_ids(self, forms: Sequence[str]) -> Any:
        """Ids of ``forms``, registering those never met."""
        import numpy as np

        ids = list(map(self._known, forms))
        if None in ids:
            self._register(list(dict.fromkeys(t for t, i in zip(forms, ids, strict=True) if i is None)))
            ids = [self.form_id[t] if i is None else i for t, i in zip(forms, ids, strict=True)]
        return np.array(ids, dtype=np.int64)

    def _known(self, text: str) -> int | None:
        """The id of ``text``, None if never met."""
        fid = self.form_id.get(text)
        if fid is None and self.first_texts is not None:
            blocks = self.first_texts.get(text)
            if blocks:
                fid = int(self.first_form[blocks[0]])
                if fid < 0:  # a block of pass 1 whose id is being given (of_first_pass)
                    return None
        return fid

    def heading_ids(self, keys: Sequence[str | None]) -> Any:
        """Ids of numbered-heading keys (-1 for None), registering those never met."""
        import numpy as np

        out = np.full(len(keys), -1, dtype=np.int64)
        for k, key in enumerate(keys):
            if key is not None:
                hid = self.headings.get(key)
                if hid is None:
                    hid = self.headings[key] = len(self.headings)
                out[k] = hid
        return out

    def _register(self, fresh: list[str], sketch: dict[str, Any] | None = None, named: bool = True) -> None:
        """Ids for the texts ``fresh`` (none known yet), with their band keys and end hashes: from
        ``sketch`` (pass 1's rows: ``texts``, all long, and their ``keys``, ``heads``, ``tails`` and
        ``lengths``) when given, else computed.  ``named``: put them in ``form_id`` (not pass 1's
        rows, which :meth:`_known` finds through ``first_texts``)."""
        import numpy as np

        if named:
            self.form_id.update(zip(fresh, range(len(self.forms), len(self.forms) + len(fresh)), strict=True))
        self.forms.extend(fresh)
        lengths = sketch.get("lengths") if sketch is not None else None
        if lengths is None:
            lengths = np.fromiter(map(len, fresh), dtype=np.int64, count=len(fresh))
        if sketch is not None:
            keys, heads, tails = sketch["keys"], sketch["heads"], sketch["tails"]
        else:
            keys = np.zeros((len(fresh), self.keys.shape[1]), dtype=np.uint32)
            heads = np.zeros(len(fresh), dtype=np.int64)
            tails = np.zeros(len(fresh), dtype=np.int64)
            long_ = np.flatnonzero(lengths >= MIN_CHARS)
            if len(long_):
                from dedup.similarity.blocks import band_keys_and_grams

                new = [fresh[i] for i in long_.tolist()]
                keys[long_] = band_keys_and_grams(new)[0]
                heads[long_] = [hash(t[:KEY_CHARS]) for t in new]
                tails[long_] = [hash(t[-KEY_CHARS:]) for t in new]
        self.form_len = np.concatenate((self.form_len, lengths))
        self.keys = np.concatenate((self.keys, keys))
        self.heads = np.concatenate((self.heads, heads))
        self.tails = np.concatenate((self.tails, tails))

    def carry(self, text: str, blocks: Sequence[Block], starts: Sequence[int], marks: Sequence[tuple[int, int]]
              ) -> tuple[Any, Any]:
        """Form and heading id of every block of ``text`` (``blocks``, their ``starts``), remembered
        for the next pass with the blocks' edges.

        Blocks between changed ones (``marks``: :func:`_carry_marks`) take their ids and edges from
        the same stretch of the previous text (:func:`_carried`); the changed blocks, and any
        stretch not found so, are read afresh.
        No Python loop goes over every block.
        """
        import numpy as np

        n = len(blocks)
        first, stop, old_first, shift = _carried(self.text, self.starts, self.ends, text, blocks, starts, marks)
        form = np.full(n, -2, dtype=np.int64)
        heading = np.full(n, -1, dtype=np.int64)
        new_starts = np.zeros(n, dtype=np.int64)
        new_ends = np.zeros(n, dtype=np.int64)
        if len(first):
            size = stop - first
            new_ids = _spans(first, stop)
            old_ids = new_ids + np.repeat(old_first - first, size)
            moved = np.repeat(shift, size)
            form[new_ids] = self.block_form[old_ids]
            heading[new_ids] = self.block_heading[old_ids]
            new_starts[new_ids] = self.starts[old_ids] + moved
            new_ends[new_ids] = self.ends[old_ids] + moved
        fresh = np.flatnonzero(form == -2)
        if len(fresh):
            at = fresh.tolist()
            some = [blocks[i] for i in at]
            new_starts[fresh] = [b.start for b in some]
            new_ends[fresh] = [b.end for b in some]
            raws = block_texts(some)
            form[fresh] = self.form_ids(matching_forms(raws))
            heading[fresh] = self.heading_ids(_heading_keys(raws))
        self.text, self.starts, self.ends = text, new_starts, new_ends
        self.block_form, self.block_heading = form, heading
        return form.copy(), heading

    def pass_counts(self, form: Any, heading: Any, gone: set[int]) -> _PassCounts:
        """How often each form (outside ``gone``) and heading key stands in a pass."""
        import numpy as np

        gone_ids = np.fromiter(gone, dtype=np.int64, count=len(gone))
        gone_forms = form[gone_ids]
        if len(gone_ids):
            form = form.copy()
            form[gone_ids] = -1
        counts = np.bincount(form[form >= 0], minlength=len(self.forms))
        sizes = np.bincount(heading[heading >= 0], minlength=len(self.headings))
        return _PassCounts(counts, sizes, gone_forms[gone_forms >= 0])


def _carry_marks(places: Dirty, starts: Sequence[int], starts_array: Any = None) -> list[tuple[int, int]]:
    """Where the stretches of blocks carried from the pass before break, ``(stop, resume)`` sorted:
    ``(c, c + 1)`` for a block ``c`` that a changed place meets (read afresh; a block's trailing
    separator counts as its own), ``(j, j)`` for a point at the start of block ``j`` (text taken out
    before it: the block itself is as it was).  ``starts``: the blocks' starts, also as an array
    ``starts_array`` when there are many places (located all at once)."""
    n = len(starts)
    out: list[tuple[int, int]] = []
    if not n:
        return out
    if starts_array is None:
        for s, e in zip(places.starts, places.ends, strict=True):
            if s == e:
                j = bisect.bisect_left(starts, s)
                if j < n and starts[j] == s:
                    out.append((j, j))
                    continue
            lo = max(bisect.bisect_right(starts, s) - 1, 0)
            hi = min(max(bisect.bisect_right(starts, e) - 1, 0), n - 1)
            out.extend((c, c + 1) for c in range(lo, hi + 1))
        out.sort()
        return out
    import numpy as np

    s_ = np.array(places.starts, dtype=np.int64)
    e_ = np.array(places.ends, dtype=np.int64)
    at = np.searchsorted(starts_array, s_)
    cut = (s_ == e_) & (at < n) & (starts_array[np.minimum(at, n - 1)] == s_)
    lo = np.maximum(np.searchsorted(starts_array, s_[~cut], side="right") - 1, 0)
    hi = np.minimum(np.maximum(np.searchsorted(starts_array, e_[~cut], side="right") - 1, 0), n - 1)
    met = _spans(lo, hi + 1)
    stop = np.concatenate((at[cut], met))
    resume = np.concatenate((at[cut], met + 1))
    by = np.argsort(stop * 2 + (resume - stop), kind="stable")
    return list(zip(stop[by].tolist(), resume[by].tolist(), strict=True))


def _carried(old: str, old_starts: Any, old_ends: Any, text: str, blocks: Sequence[Block], starts: Sequence[int],
             marks: Sequence[tuple[int, int]]) -> tuple[Any, Any, Any, Any]:
    """The stretches of unchanged blocks of ``text`` that stand, block for block, in the previous
    text ``old`` (block edges ``old_starts``, ``old_ends``): arrays ``first``, ``stop``, ``old_first``
    and ``shift``, blocks ``first .. stop - 1`` of ``text`` being blocks ``old_first ..`` of ``old``,
    ``shift`` characters further on (``marks``: where the stretches break, :func:`_carry_marks`).

    The text between the marks is the text of the pass before (``Context.dirty`` holds every place
    where it changed), each stretch somewhere after the one before it.  Its first characters are
    searched for after where the stretch before was found, its last ones (right to left) before
    where the stretch after was found: the first search cannot land after the stretch's place nor
    the second before it, so when they agree it is the place, found without comparing the whole
    stretch.  When they do not (a deleted copy held the same first or last characters), the whole
    stretch is compared at each place its first characters stand.  A stretch is taken when a block
    of ``old`` starts where it was found and the one ``stop - first - 1`` after it ends where it
    ends: blocks are runs of non-blank lines, so between two block edges the same text splits
    into the same blocks.  A block so found has the text of the old block.
    """
    import numpy as np

    n = len(blocks)
    spans: list[tuple[int, int]] = []
    resume = 0
    for stop, after in itertools.chain(marks, ((n, n),)):
        lo_block = resume
        resume = max(resume, after)
        if lo_block < stop:
            spans.append((lo_block, stop))
    # right to left: where each stretch ends at the latest (many short stretches are compared whole:
    # a search costs more than the comparison)
    latest: list[int] = [-1] * len(spans)
    bound = len(old)
    for k in range(len(spans) - 1, -1, -1) if len(spans) <= _CARRY_BOTH_WAYS else ():
        lo_block, stop = spans[k]
        lo, hi = starts[lo_block], blocks[stop - 1].end
        tail = text[max(lo, hi - _CARRY_PROBE) : hi]
        at = old.rfind(tail, 0, bound)
        if at >= 0:
            latest[k] = at + len(tail)
            bound = latest[k] - (hi - lo)
    firsts: list[int] = []
    stops: list[int] = []
    ats: list[int] = []
    los: list[int] = []
    his: list[int] = []
    bound = 0
    for k, (lo_block, stop) in enumerate(spans):
        lo, hi = starts[lo_block], blocks[stop - 1].end
        head = text[lo : min(hi, lo + _CARRY_PROBE)]
        # a find of the whole stretch would first build its tables: its first characters, then compare
        at = old.find(head, bound)
        if at >= 0 and at + hi - lo != latest[k]:
            piece = text[lo:hi]
            while at >= 0 and not old.startswith(piece, at):
                at = old.find(head, at + 1)
        if at >= 0:
            bound = at + hi - lo
            firsts.append(lo_block)
            stops.append(stop)
            ats.append(at)
            los.append(lo)
            his.append(hi)
    first = np.array(firsts, dtype=np.int64)
    stop_ = np.array(stops, dtype=np.int64)
    at_ = np.array(ats, dtype=np.int64)
    shift = np.array(los, dtype=np.int64) - at_
    n_old = len(old_starts)
    if not len(first) or not n_old:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty, empty, empty
    j = np.searchsorted(old_starts, at_)
    last = j + (stop_ - first) - 1
    ok = (last < n_old) & (old_starts[np.minimum(j, n_old - 1)] == at_)
    ok &= old_ends[np.minimum(last, n_old - 1)] == np.array(his, dtype=np.int64) - shift
    return first[ok], stop_[ok], j[ok], shift[ok]


def _dirty_blocks(dirty: Dirty, starts: Any) -> Any:
    """:meth:`Dirty.block_indices` (``starts``: the blocks' starts), all places at once (numpy)."""
    import numpy as np

    if not len(dirty) or not len(starts):
        return np.zeros(0, dtype=np.int64)
    lo = np.maximum(0, np.searchsorted(starts, np.array(dirty.starts, dtype=np.int64), side="right") - 1)
    hi = np.maximum(0, np.searchsorted(starts, np.array(dirty.ends, dtype=np.int64), side="right") - 1)
    return _distinct(_spans(lo, hi + 1))


def _padded(a: Any, n: int) -> Any:
    import numpy as np

    return a if len(a) >= n else np.concatenate((a, np.zeros(n - len(a), dtype=a.dtype)))


def _distinct(a: Any) -> Any:
    """The distinct values of ``a``, sorted (``np.unique`` imports ``numpy.ma`` on first use: 14 ms)."""
    import numpy as np

    a = np.sort(a)
    return a[np.concatenate(([True], a[1:] != a[:-1]))] if len(a) else a


def _spans(lo: Any, hi: Any) -> Any:
    """The positions ``lo[k] .. hi[k] - 1`` of every k, concatenated."""
    import numpy as np

    sizes = np.maximum(hi - lo, 0)
    total = int(sizes.sum())
    if not total:
        return np.zeros(0, dtype=np.int64)
    starts = np.repeat(lo - np.concatenate(([0], np.cumsum(sizes)[:-1])), sizes)
    return starts + np.arange(total, dtype=np.int64)


def _analyse_dirty(ctx: Context) -> DuplicateAnalysis | None:
    """:func:`analyse` of a later pass; None when the full run must take over and record a fresh
    state (a document whose long blocks are all compared with each other, or no state from the
    pass before).

    A few changed blocks take the unit search (:class:`_Dirty`); many take the full analysis with
    every per-text quantity from the memo (:func:`_analyse_memo`): the same findings either way.
    """
    import numpy as np

    assert ctx.memo is not None and ctx.dirty is not None
    state = ctx.memo.get(_STATE)
    if state is None:
        return None
    index = state if isinstance(state, _Index) else _Index.of_first_pass(state)
    ctx.memo[_STATE] = index
    blocks = ctx.blocks
    gone = ctx.removed_blocks()
    starts = ctx.doc.block_starts
    # many places are located all at once in an array of the starts, a few by a bisection each
    starts_array = np.array(starts, dtype=np.int64) if len(ctx.dirty) >= 64 else None
    if starts_array is None:
        dirty_list = np.array(ctx.changed_blocks(), dtype=np.int64)  # located once a pass for every rule
    else:
        dirty_list = _dirty_blocks(ctx.dirty, starts_array)
    # where the text changed (a kept twin did not): a block there is read afresh, and a point at a
    # block's start (text taken out before it, how a block is deleted) only splits the stretches
    edited = ctx.dirty.edited
    marks = _carry_marks(edited, starts, starts_array if len(edited) >= 64 else None)
    form, heading = index.carry(ctx.text, blocks, starts, marks)
    now = index.pass_counts(form, heading, gone)
    if gone:
        form[np.fromiter(gone, dtype=np.int64, count=len(gone))] = -1
    lengths = index.form_len[np.maximum(form, 0)] * (form >= 0)
    long_ = lengths >= MIN_CHARS
    n_long = int(long_.sum())
    if n_long < 2 or (n_long <= ALL_PAIRS_LIMIT and int(lengths[long_].sum()) <= ALL_PAIRS_CHARS):
        ctx.memo[_STATE] = None
        return None  # all pairs are compared: the full run is cheap, and what it records differs
    prev, index.prev = index.prev, now
    index.form_of_blocks = form
    rows = _Rows(index, form)
    if prev is not None and len(dirty_list) * _MANY_CHANGES <= len(blocks) and len(index.forms) < 1 << _FORM_BITS:
        done = _Dirty(ctx, index, rows, heading, gone).analyse(dirty_list, prev, now)
        if done is not None:
            index.last_way = "units"
            return done
    index.last_way = "memo"
    return _analyse_memo(ctx, index, rows, heading, gone)


class _Rows:
    """The blocks of one pass by form: ``order`` (the blocks sorted by form id, in block order within
    a form), and the sketch's rows (the long forms, in order of their first copy), each with where
    its copies start in ``order`` and how many there are."""

    def __init__(self, index: _Index, form: Any) -> None:
        import numpy as np

        n = len(form)
        self.form = form
        self.order = order = np.argsort(form, kind="stable")
        self.sorted_form = sorted_form = form[order]
        self.is_first = is_first = np.ones(n, dtype=bool)
        is_first[1:] = sorted_form[1:] != sorted_form[:-1]
        firsts = np.flatnonzero(is_first)
        uf = sorted_form[firsts]
        sel = uf >= 0
        sel[sel] = index.form_len[uf[sel]] >= MIN_CHARS
        by_first = np.argsort(order[firsts[sel]], kind="stable")
        self.forms = uf[sel][by_first]
        sizes = np.diff(np.append(firsts, n))
        self.start = firsts[sel][by_first]
        self.size = sizes[sel][by_first]
        self.first = order[self.start]

    def members(self, row: int) -> list[int]:
        """The blocks of ``row``, in order."""
        lo = int(self.start[row])
        out: list[int] = self.order[lo : lo + int(self.size[row])].tolist()
        return out


def _analyse_memo(ctx: Context, index: _Index, rows: _Rows, heading: Any, gone: set[int]) -> DuplicateAnalysis:
    """:func:`_analyse_full` of a later pass, with every quantity that is a function of one or two
    texts taken from ``index`` (matching forms, band keys, end hashes, heading keys, probe and
    verify verdicts): what depends on which texts stand where (the exact-copy chains, LSH buckets
    and their leaders, the first/last-characters groups and their windows, expansion to copies,
    heading groups) is computed again, as the full run computes it, over the whole text."""
    import numpy as np

    from dedup.similarity.blocks import band_pairs, pairs_within_groups

    form = rows.form
    n = len(form)
    order, sorted_form = rows.order, rows.sorted_form
    found: list[Any] = []
    # exact copies: each with the copy before it and with the first (find_pairs' chains)
    later = np.flatnonzero(~rows.is_first & (sorted_form >= 0))
    if len(later):
        group_start = np.maximum.accumulate(np.where(rows.is_first, np.arange(n), 0))
        found.append(np.stack((order[later - 1], order[later]), axis=1))
        far = later[later - group_start[later] >= 2]
        found.append(np.stack((order[group_start[far]], order[far]), axis=1))
    # the sketch's candidates, as duplicate_candidates finds them (row pairs, earlier row first)
    nrows = len(rows.forms)
    if nrows >= 2:
        kept = []
        band = _distinct_pairs(list(band_pairs(index.keys[rows.forms])), nrows)
        kept.append(band[index.probe("band", rows.forms[band[:, 0]], rows.forms[band[:, 1]])])
        for kind, hashes in (("head", index.heads), ("tail", index.tails)):
            parts = list(pairs_within_groups(hashes[rows.forms], _MAX_KEY_GROUP, _KEY_WINDOW))
            if parts:
                grouped = np.concatenate(parts)
                kept.append(grouped[index.probe(kind, rows.forms[grouped[:, 0]], rows.forms[grouped[:, 1]])])
        found.append(_expanded(rows, np.concatenate(kept)))
    candidates = _distinct_pairs(found, n)

    pairs: list[Pair] = []
    verify = _verifier()
    texts, verdicts = index.forms, index.verdicts
    # the partners of each form, as Index.set_partners would find them in ``pairs``
    partners: dict[int, dict[int, tuple[float, str]]] = defaultdict(dict)
    for a, b, fa, fb in zip(*candidates.T.tolist(), *form[candidates].T.tolist(), strict=True):
        if fa == fb:
            pairs.append(Pair(a, b, 100.0, "exact"))
            continue
        key = (fa, fb) if fa < fb else (fb, fa)
        if key in verdicts:
            verdict = verdicts[key]
        else:
            verdict = verdicts[key] = verify(texts[key[0]], texts[key[1]])
        if verdict and min(len(texts[fa]), len(texts[fb])) >= MIN_CHARS:
            pairs.append(Pair(a, b, verdict[0], verdict[1]))
            if verdict[1] in ("near", "contained"):
                partners[fa][fb] = partners[fb][fa] = verdict
    seen = {p.key for p in pairs}
    for a, b in _heading_groups(heading):
        if (a, b) not in seen and a not in gone and b not in gone:
            pairs.append(Pair(a, b, 95.0, "heading"))
    pairs.sort(key=lambda p: p.key)
    index.set_partner_map(partners)
    return _decide(ctx, pairs, _Norms(index.forms, form), index.covers)


def _distinct_pairs(parts: list[Any], n: int) -> Any:
    """The distinct pairs ``(a, b)`` among ``parts`` (arrays of shape ``(m, 2)``, values below ``n``),
    each with its smaller value first, sorted."""
    import numpy as np

    if not parts:
        return np.zeros((0, 2), dtype=np.int64)
    pairs = np.concatenate(parts)
    codes = _distinct(np.minimum(pairs[:, 0], pairs[:, 1]) * np.int64(n) + np.maximum(pairs[:, 0], pairs[:, 1]))
    return np.stack((codes // n, codes % n), axis=1)


def _distinct_row_pairs(pairs: Any) -> Any:
    """The distinct rows of ``pairs`` (shape ``(m, 2)``, values below 2**31), sorted."""
    import numpy as np

    codes = _distinct((pairs[:, 0].astype(np.int64) << np.int64(32)) | pairs[:, 1].astype(np.int64))
    return np.stack((codes >> np.int64(32), codes & np.int64(0xFFFFFFFF)), axis=1)


def _expanded(rows: _Rows, kept: Any) -> Any:
    """Block pairs of the row pairs ``kept``: every copy of one with every copy of the other, or the
    first copies alone beyond :data:`_MAX_EXPANSION` pairs (duplicate_candidates' expansion)."""
    import numpy as np

    x, y = kept[:, 0], kept[:, 1]
    single = (rows.size[x] == 1) & (rows.size[y] == 1)
    out = [np.stack((rows.first[x[single]], rows.first[y[single]]), axis=1)]
    more: list[tuple[int, int]] = []
    for r, s in kept[~single].tolist():
        ids_x, ids_y = rows.members(r), rows.members(s)
        if len(ids_x) * len(ids_y) > _MAX_EXPANSION:
            ids_x, ids_y = ids_x[:1], ids_y[:1]
        more.extend((a, b) for a in ids_x for b in ids_y)
    if more:
        out.append(np.array(more, dtype=np.int64))
    return np.concatenate(out)


def _heading_groups(heading: Any) -> list[tuple[int, int]]:
    """Every pair of blocks sharing a numbered-heading key, in groups of at most 50 (find_pairs')."""
    import numpy as np

    numbered = np.flatnonzero(heading >= 0)
    if len(numbered) < 2:
        return []
    ids = numbered[np.argsort(heading[numbered], kind="stable")]
    keys = heading[ids]
    cuts = np.flatnonzero(keys[1:] != keys[:-1]) + 1
    out: list[tuple[int, int]] = []
    for group in np.split(ids, cuts):
        if 1 < len(group) <= 50:
            members = group.tolist()
            out.extend((x, y) for k, x in enumerate(members) for y in members[k + 1 :])
    return out


class _Dirty:
    """The unit search of one later pass (see the comment above :data:`_STATE`)."""

    def __init__(self, ctx: Context, index: _Index, rows: _Rows, heading: Any, gone: set[int]) -> None:
        self.ctx = ctx
        self.index = index
        self.rows = rows
        self.form = rows.form
        self.heading = heading
        self.gone = gone

    def analyse(self, dirty_list: Any, prev: _PassCounts, now: _PassCounts) -> DuplicateAnalysis | None:
        """The analysis, or None when the units would cover much of the text (the memoised full
        analysis is then no slower)."""
        import numpy as np


        index, rows = self.index, self.rows
        form, heading = self.form, self.heading
        self.n = n = len(form)
        nf = len(index.forms)
        self.order = rows.order
        self.sorted_form = rows.sorted_form
        #: the blocks of each form asked about (:meth:`_copies_of_each`)
        self.copies: dict[int, list[int]] = {}
        row_forms = self.row_forms = rows.forms
        self.row_of = row_of = np.full(nf, -1, dtype=np.int64)
        row_of[row_forms] = np.arange(len(row_forms), dtype=np.int64)
        nrows = len(row_forms)
        if index.buckets is None:
            index.buckets = _Buckets.of(index, row_forms)
        else:
            index.buckets.hold(index, row_forms)
        self.buckets = buckets = index.buckets
        numbered = np.flatnonzero(heading >= 0)
        self.heading_order = numbered[np.argsort(heading[numbered], kind="stable")]
        self.heading_sorted = heading[self.heading_order]

        # --- the seeds ------------------------------------------------------------------
        dirty_blocks = dirty_list
        changed = np.flatnonzero(_padded(now.counts, nf) != _padded(prev.counts, nf))
        touched_forms = np.concatenate((changed, form[dirty_blocks], now.gone_forms, prev.gone_forms))
        touched_forms = _distinct(touched_forms[touched_forms >= 0])
        mates = [touched_forms]
        long_touched = touched_forms[index.form_len[touched_forms] >= MIN_CHARS]
        if len(long_touched) and nrows:
            # the forms of this pass in a bucket or group of a touched form
            held = buckets.band_mates(_distinct(_Buckets.buckets_of(index, long_touched).ravel()))[1]
            mates.append(held[row_of[held] >= 0])
            for k, hashes in enumerate((index.heads, index.tails)):
                held = buckets.end_mates(k, _distinct(hashes[long_touched]))[1]
                mates.append(held[row_of[held] >= 0])
        seed_forms = _distinct(np.concatenate(mates))
        # the forms whose pairs may differ from the pass before: found afresh, the others' are kept
        self.fresh_forms = set(seed_forms.tolist())
        sizes_changed = np.flatnonzero(_padded(now.heading_sizes, len(index.headings))
                                       != _padded(prev.heading_sizes, len(index.headings)))
        heads = _distinct(np.concatenate((sizes_changed, heading[dirty_blocks])))
        heads = heads[heads >= 0]
        seed_blocks = [dirty_blocks, self._copies_of(seed_forms)]
        if len(heads):
            lo = np.searchsorted(self.heading_sorted, heads)
            hi = np.searchsorted(self.heading_sorted, heads, side="right")
            seed_blocks.append(self.heading_order[_spans(lo, hi)])
        seeds = _distinct(np.concatenate(seed_blocks)).tolist()
        if len(seeds) * _MANY_SEEDS > n:
            return None  # the memoised full analysis is no slower

        # --- the units reached from them ----------------------------------------------
        self.pairs: dict[tuple[int, int], Pair] = {}
        self.heading_pairs: dict[tuple[int, int], Pair] = {}
        self.paired: set[int] = set()
        #: blocks paired since the last round (origins of neighbour walks)
        self.fresh: list[int] = []
        self.forms_done: set[int] = set()
        self.seen: set[int] = set()
        self.skippable: dict[int, bool] = {}

        pending: set[int] = set(seeds)
        origins: list[int] = list(seeds)
        walked: set[int] = set()
        parked: list[tuple[int, int]] = []
        while pending or parked or origins or self.fresh:
            new = [b for b in pending if b not in self.seen]
            self.seen.update(new)
            touched: set[int] = set()
            for b in new:
                touched.update(self._heading_partners(b))
            forms = {f for f in form[np.array(new, dtype=np.int64)].tolist() if f >= 0} if new else set()
            forms.difference_update(self.forms_done)
            if forms:
                touched.update(self._pairs_of_forms(sorted(forms)))
            # every seen block is resolved now: its pairs are all known
            pending = {b for b in touched if b not in self.seen}
            origins.extend(self.fresh)
            self.fresh = []
            walks = parked + [(b + step, step) for b in origins if b not in walked for step in (-1, 1)]
            walked.update(origins)
            origins = []
            parked = []
            for y, step in walks:
                while 0 <= y < n:
                    if y not in self.seen:
                        parked.append((y, step))
                        pending.update(range(y, max(-1, min(n, y + step * _WALK_AHEAD)), step))
                        break
                    if y in self.paired or not self._is_skippable(y):
                        break  # a duplicated block walks on itself (an origin); anything else stops
                    y += step
            pending.difference_update(self.seen)

        pairs = list(self.pairs.values())
        pairs.extend(p for key, p in self.heading_pairs.items() if key not in self.pairs)
        pairs.sort(key=lambda p: p.key)
        return _decide(self.ctx, pairs, _Norms(index.forms, form), index.covers)

    # --- helpers -----------------------------------------------------------------------

    def _copies_of(self, forms: Any) -> Any:
        import numpy as np

        forms = forms[forms >= 0]
        lo = np.searchsorted(self.sorted_form, forms)
        hi = np.searchsorted(self.sorted_form, forms, side="right")
        return self.order[_spans(lo, hi)]

    def _copies_of_each(self, forms: Iterable[int]) -> dict[int, list[int]]:
        """The blocks of each of ``forms``, in order (found all at once, and kept: a list of every
        block would cost more than the look-ups)."""
        import numpy as np

        known = self.copies
        todo = list(dict.fromkeys(itertools.filterfalse(known.__contains__, forms)))
        if todo:
            wanted = np.array(todo, dtype=np.int64)
            lo = np.searchsorted(self.sorted_form, wanted)
            hi = np.searchsorted(self.sorted_form, wanted, side="right")
            # one list of all their blocks, cut form by form
            found = self.order[_spans(lo, hi)].tolist()
            ends = np.cumsum(hi - lo).tolist()
            known.update(zip(todo, map(found.__getitem__, map(slice, [0, *ends[:-1]], ends)), strict=True))
        return known

    def _resolved(self, b: int) -> bool:
        if b not in self.seen:
            return False
        f = int(self.form[b])
        return f < 0 or f in self.forms_done

    def _is_skippable(self, i: int) -> bool:
        known = self.skippable.get(i)
        if known is None:
            block = self.ctx.blocks[i]
            known = self.skippable[i] = (
                block.end - block.start <= 20 and looks_like_heading(block.text) and heading_number(block.text) is None
            )
        return known

    def _record(self, pair: Pair, heading: bool = False) -> None:
        (self.heading_pairs if heading else self.pairs)[pair.key] = pair
        for b in (pair.a, pair.b):
            if b not in self.paired:
                self.paired.add(b)
                self.fresh.append(b)

    def _heading_partners(self, b: int) -> list[int]:
        """Heading pairs of block ``b`` (its numbered-heading group, when 50 or fewer)."""
        import numpy as np

        h = int(self.heading[b])
        if h < 0 or b in self.gone:
            return []
        lo = int(np.searchsorted(self.heading_sorted, h))
        hi = int(np.searchsorted(self.heading_sorted, h, side="right"))
        if hi - lo > 50:
            return []
        out = []
        for j in self.heading_order[lo:hi].tolist():
            if j != b and j not in self.gone:
                a, c = min(b, j), max(b, j)
                self._record(Pair(a, c, 95.0, "heading"), heading=True)
                out.append(j)
        return out

    def _pairs_of_forms(self, forms: list[int]) -> set[int]:
        """Every verified pair of every copy of ``forms`` (as :func:`find_pairs` finds it); returns
        the blocks paired."""
        index = self.index
        self.forms_done.update(forms)
        fresh = [f for f in forms if f in self.fresh_forms]
        if fresh:
            self._find_partners(fresh)
        touched: set[int] = set()
        partners = index.partners
        copies = self._copies_of_each(itertools.chain(forms, (g for f in forms for g, _ in partners.get(f, ()))))
        for f in forms:
            ids = copies[f]
            if len(ids) > 1:
                for a, b in itertools.pairwise(ids):
                    self._record(Pair(a, b, 100.0, "exact"))
                for b in ids[2:]:
                    self._record(Pair(ids[0], b, 100.0, "exact"))
                touched.update(ids)
            for g, (score, how) in partners.get(f, ()):
                ids_x, ids_y = ids, copies[g]
                if len(ids_x) * len(ids_y) > _MAX_EXPANSION:
                    ids_x, ids_y = ids_x[:1], ids_y[:1]
                for a in ids_x:
                    for b in ids_y:
                        self._record(Pair(min(a, b), max(a, b), score, how))
                        touched.add(b)
                touched.update(ids_x)
        return touched

    def _find_partners(self, forms: list[int]) -> None:
        """The partners of ``forms`` afresh: their sketch candidates against every row, probed and
        verified as :func:`find_pairs` does (the verifier is symmetric: one verdict per two texts)."""
        import numpy as np

        index = self.index
        found: dict[int, list[tuple[int, tuple[float, str]]]] = {f: [] for f in forms}
        rows = self.row_of[np.array(forms, dtype=np.int64)]
        rows = rows[rows >= 0]
        verify = _verifier()
        texts = index.forms
        for x, y in sorted(self._row_candidates(rows)):
            fx, fy = int(self.row_forms[x]), int(self.row_forms[y])
            key = (fx, fy) if fx < fy else (fy, fx)
            if key in index.verdicts:
                verdict = index.verdicts[key]
            else:
                verdict = index.verdicts[key] = verify(texts[key[0]], texts[key[1]])
            if verdict:
                if fx in found:
                    found[fx].append((fy, verdict))
                if fy in found:
                    found[fy].append((fx, verdict))
        index.partners.update(found)

    def _row_candidates(self, rows: Any) -> set[tuple[int, int]]:
        """The sketch candidates of ``rows`` (row pairs, earlier row first) that pass the probes."""
        import numpy as np

        from dedup.similarity.blocks import BANDS

        if not len(rows):
            return set()
        index = self.index
        found: dict[str, list[Any]] = {"band": [], "head": [], "tail": []}
        mask = np.uint64(0xFFFFFFFF)
        urows = rows.astype(np.uint64)
        forms = self.row_forms[rows]
        # the rows of the buckets of ``rows`` in every band at once, ``bucket << 32 | row`` sorted: a
        # bucket is a range, its members in row order (the bucket: the place of its band and key
        # among the distinct ones; queries band by band, each band a copy of ``rows``)
        codes = _Buckets.buckets_of(index, forms).ravel()
        rows_all = np.tile(rows, BANDS)
        distinct = _distinct(codes)
        packed = self._bucketed(*self.buckets.band_mates(distinct))
        key = np.searchsorted(distinct, codes).astype(np.uint64) << np.uint64(32)
        pos = np.searchsorted(packed, key | rows_all.astype(np.uint64))
        lo = np.searchsorted(packed, key)
        hi = np.searchsorted(packed, key | mask, side="right")
        # each member pairs with the one before it and with its bucket's first (band_pairs)
        m = pos > lo
        found["band"].append(np.stack(((packed[pos[m] - 1] & mask).astype(np.int64), rows_all[m]), axis=1))
        m = pos >= lo + 2
        found["band"].append(np.stack(((packed[lo[m]] & mask).astype(np.int64), rows_all[m]), axis=1))
        m = pos + 1 < hi
        found["band"].append(np.stack((rows_all[m], (packed[pos[m] + 1] & mask).astype(np.int64)), axis=1))
        lead = np.flatnonzero((pos == lo) & (hi - lo > 2))
        if len(lead):
            first, stop = lo[lead] + 2, hi[lead]
            members = (packed[_spans(first, stop)] & mask).astype(np.int64)
            found["band"].append(np.stack((np.repeat(rows_all[lead], stop - first), members), axis=1))
        for end, (kind, hashes) in enumerate((("head", index.heads), ("tail", index.tails))):
            mine = hashes[forms]
            distinct = _distinct(mine)
            packed = self._bucketed(*self.buckets.end_mates(end, distinct))
            group = np.searchsorted(distinct, mine).astype(np.uint64) << np.uint64(32)
            lo = np.searchsorted(packed, group)
            hi = np.searchsorted(packed, group | mask, side="right")
            ok = np.flatnonzero((hi - lo >= 2) & (hi - lo <= _MAX_KEY_GROUP))
            if not len(ok):
                continue
            # each row with the _KEY_WINDOW rows either side of it in its group (r: its place there)
            r = np.searchsorted(packed, group[ok] | urows[ok])
            first = np.maximum(lo[ok], r - _KEY_WINDOW)
            stop = np.minimum(hi[ok], r + _KEY_WINDOW + 1)
            others = (packed[_spans(first, stop)] & mask).astype(np.int64)
            mine_rows = np.repeat(rows[ok], stop - first)
            keep = others != mine_rows
            found[kind].append(np.stack((np.minimum(mine_rows, others)[keep], np.maximum(mine_rows, others)[keep]),
                                        axis=1))
        # each pair once per kind, in numpy: most are known to the probe memo, and fail
        return self._probed({kind: _distinct_row_pairs(np.concatenate(parts))
                             for kind, parts in found.items() if parts})

    def _bucketed(self, at: Any, forms: Any) -> Any:
        """``at << 32 | row`` of the forms ``forms`` that stand in this pass, sorted."""
        import numpy as np

        rows = self.row_of[forms]
        keep = rows >= 0
        return np.sort((at[keep].astype(np.uint64) << np.uint64(32)) | rows[keep].astype(np.uint64))

    def _probed(self, candidates: dict[str, Any]) -> set[tuple[int, int]]:
        """The row pairs (distinct arrays of shape ``(m, 2)`` by kind) that pass the probes of their
        kind of candidate (memoised by content)."""
        out: set[tuple[int, int]] = set()
        for kind, pairs in candidates.items():
            if not len(pairs):
                continue
            passed = self.index.probe(kind, self.row_forms[pairs[:, 0]], self.row_forms[pairs[:, 1]])
            out.update(map(tuple, pairs[passed].tolist()))
        return out
