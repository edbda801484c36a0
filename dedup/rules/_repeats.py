"""Shared machinery of the REP rules: folding, item segmentation, word lists, the phrase scan.

The three rules look at text *inside* paragraphs:

* REP001 ``repeated-phrase``: a run of items (or a long phrase) immediately repeated;
* REP002 ``stutter``: a word doubled in place;
* REP003 ``repeated-name``: a long name listed twice in nearby enumerations.

Everything here is linear in the length of the text: items are found with one
regular-expression pass, compared through integer ids, and only a bounded window
of items (``max_items``) is looked at around each separator, so a 10 MB document
with very long paragraphs costs the same per character as a short one.

Matching uses a *fold* that maps every character to exactly one character
(full-width ASCII to ASCII, ``、`` to ``,``, Latin upper to lower case), so
offsets into the folded text are offsets into the original: no offset map needed.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from itertools import accumulate
from typing import Any

from dedup import _regex
from dedup.model import Block, Span
from dedup.rules.base import Context

__all__ = [
    "CJK",
    "DeletionGuard",
    "Repeat",
    "compiled",
    "count_cjk",
    "fold",
    "folded_block",
    "is_numeric_char",
    "live_blocks",
    "normalize_allow",
    "phrase_repeats",
    "scan_block",
]

def compiled(pattern: str, flags: int = 0) -> re.Pattern[str]:
    """``re.compile`` on first use (patterns compiled at import cost every start-up), from the
    machine's compiled-pattern cache (:mod:`dedup._regex`)."""
    return _regex.compile(pattern, flags)


#: Character class body of the ideographs treated as CJK words (no kana: Japanese doubling
#: rules differ and are left alone).
CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_CJK_CLASS = f"[{CJK}]"


def _fold_table() -> dict[int, str]:
    table: dict[int, str] = {}
    for o in range(0xFF01, 0xFF5F):  # full-width ASCII
        table[o] = chr(o - 0xFEE0).lower()
    table[0x3000] = " "
    table[0x3001] = ","  # 、 enumeration comma
    table[0xFF64] = ","  # half-width 、
    for ch in "“”„«»「」『』":
        table[ord(ch)] = '"'
    for ch in "‘’`´":
        table[ord(ch)] = "'"
    for o in range(0x41, 0x5B):
        table[o] = chr(o + 32)
    for o in range(0xC0, 0x250):
        lower = chr(o).lower()
        if lower != chr(o) and len(lower) == 1:
            table[o] = lower
    return table


_FOLD = str.maketrans(_fold_table())


def fold(text: str) -> str:
    """Matching form that keeps every offset: one character in, one character out.

    >>> fold("Ａ，B、c。")
    'a,b,c。'
    """
    return text.translate(_FOLD)


def count_cjk(text: str) -> int:
    """Number of CJK ideographs in ``text``.

    >>> count_cjk("5G基站 ok")
    2
    """
    return len(compiled(_CJK_CLASS).findall(text))


#: Chinese numerals and ordinal markers: doubled numbers and measure phrases are legitimate.
CN_NUMERALS = frozenset("零〇一二三四五六七八九十百千万亿两几每第半")


def is_numeric_char(ch: str) -> bool:
    """Digits in any script and Chinese numerals.

    >>> is_numeric_char("7"), is_numeric_char("七"), is_numeric_char("期")
    (True, True, False)
    """
    return ch.isdigit() or ch in CN_NUMERALS


# --- items ---------------------------------------------------------------------------------

# An item is a run of characters between separators (in folded text): list and clause
# punctuation, sentence ends and whitespace.  A full stop inside a token (3.5, U.S) is kept.
_SEP_CHARS = r"\s,;:!?…。."
ITEM_PATTERN = rf"(?:[^{_SEP_CHARS}]|\.(?=[^{_SEP_CHARS}]))+"
_SENTENCE_END_CHARS = frozenset(".!?…。")
_SEP_CLASS = str.maketrans({",": ",", ";": ",", ":": ":", "!": ".", "?": ".", "…": ".", "。": "."})


def sep_class(sep: str) -> str:
    """What a separator does, for comparing the separators inside two copies.

    >>> sep_class(" , "), sep_class(","), sep_class("  "), sep_class("。")
    (',', ',', ' ', '.')
    """
    stripped = "".join(sep.split())
    if not stripped:
        return " " if sep else ""
    return stripped.translate(_SEP_CLASS)


# --- which text the rules may look at ------------------------------------------------------


def live_blocks(ctx: Context) -> list[Block]:
    """Blocks not deleted whole by an earlier phase."""
    removed = ctx.removed_blocks()
    return [b for b in ctx.blocks if b.index not in removed]


class DeletionGuard:
    """Answers "does this range touch text an earlier phase deletes?" in O(log n)."""

    def __init__(self, spans: Iterable[Span]) -> None:
        merged: list[list[int]] = []
        for span in sorted(spans):
            if merged and span.start <= merged[-1][1]:
                merged[-1][1] = max(merged[-1][1], span.end)
            else:
                merged.append([span.start, span.end])
        self._starts = [m[0] for m in merged]
        self._ends = [m[1] for m in merged]

    def hits(self, start: int, end: int) -> bool:
        i = bisect.bisect_left(self._starts, end)
        return i > 0 and self._ends[i - 1] > start


def normalize_allow(values: object) -> frozenset[str]:
    """The ``allow`` option as folded strings without whitespace (a str or a list of str)."""
    if values is None:
        return frozenset()
    if isinstance(values, str):
        values = [values]
    if not isinstance(values, Sequence) or not all(isinstance(v, str) for v in values):
        from dedup.config import ConfigError

        raise ConfigError("allow must be a list of strings")
    return frozenset(" ".join(fold(v).split()) for v in values if v.strip())


# --- the phrase scan (REP001, read by REP002 and REP003 to avoid double reports) ----------


@dataclass(frozen=True, slots=True)
class Repeat:
    """One immediate repetition inside a paragraph (original code-point offsets).

    ``keep`` is the retained copy, ``copy`` the repeated one, ``drop`` what a fix
    deletes (the repeated copy with one separator).  ``mode`` is ``exact`` (both
    copies aligned to item boundaries), ``partial`` (the first copy starts inside an
    item or the second ends inside one), ``near`` (one item differs by one character)
    or ``inline`` (a CJK phrase doubled with no separator at all).
    """

    keep: Span
    copy: Span
    drop: Span
    items: int
    mode: str
    cjk: int
    words: int
    sep: str
    text: str
    #: Latin copies of different case, or an upper-case line running into one in mixed case:
    #: a headline and the text it heads, not a doubling
    shouting: bool = False

    @property
    def script(self) -> str:
        return "cjk" if self.cjk else "latin"


def _is_cjk_char(ch: str) -> bool:
    return "\u3400" <= ch <= "\u9fff" or "\uf900" <= ch <= "\ufaff"


def _has_content(text: str) -> bool:
    return any(ch.isalpha() for ch in text)


def _periodic(text: str) -> bool:
    """Whether ``text`` is itself a repetition of a shorter unit (``哈哈``, ``ha ha``)."""
    compact = "".join(text.split())
    return len(compact) > 1 and (compact + compact).find(compact, 1) < len(compact)


def _one_edit(a: str, b: str) -> bool:
    """Whether ``a`` and ``b`` differ by exactly one substitution, insertion or deletion."""
    if a == b or abs(len(a) - len(b)) > 1:
        return False
    from rapidfuzz.distance import Levenshtein

    return bool(Levenshtein.distance(a, b, score_cutoff=1) <= 1)


def _differing_chars(a: str, b: str) -> str:
    """The characters in which two strings at edit distance one differ (1 or 2 chars)."""
    i = 0
    while i < min(len(a), len(b)) and a[i] == b[i]:
        i += 1
    j = 0
    while j < min(len(a), len(b)) - i and a[-1 - j] == b[-1 - j]:
        j += 1
    return a[i : len(a) - j] + b[i : len(b) - j]


#: Characters that parallel structures swap on purpose (东部地区、西部地区; 公办、民办):
#: a near-repeat whose two differing characters are both in here is a contrast, not an OCR error.
CONTRAST_CHARS = frozenset(
    "东西南北中上下左右前后内外里际大小多少高低长短新旧老男女公民私国省市县区乡镇村城农"
    "进出买卖收支正负主副先首末初终早晚春夏秋冬今明昨本外他我你她它其此彼该各每"
)


# Separators (captured) for a split that keeps every offset: split + accumulate run in C,
# which is what keeps the scan at several MB/s.  A full stop is a separator unless an item
# character follows it, exactly as in ITEM_PATTERN.
_SPLIT = rf"((?:[\s,;:!?…。]|\.(?![^{_SEP_CHARS}]))+)"


def split_items(folded: str) -> tuple[list[int], list[int], list[str]]:
    """Start and end offsets and texts of the items of ``folded`` (what ITEM_PATTERN finds).

    >>> split_items(",ab, c.d.")
    ([1, 5], [3, 8], ['ab', 'c.d'])
    """
    parts = compiled(_SPLIT).split(folded)
    offsets = list(accumulate(map(len, parts), initial=0))
    items = parts[0::2]
    starts = offsets[0::2]
    ends = offsets[1::2]
    if len(ends) < len(items):
        ends.append(len(folded))
    keep = [j for j, item in enumerate(items) if item]
    if len(keep) == len(items):
        return starts[: len(items)], ends, items
    return [starts[j] for j in keep], [ends[j] for j in keep], [items[j] for j in keep]


def scan_block(
    block: Block, *, max_items: int = 12, max_chars: int = 400, near: bool = True, folded: str | None = None
) -> list[Repeat]:
    """Immediate repetitions inside one block, left to right, never overlapping.

    >>> text = "x、甲乙丙、丁戊、甲乙丙、丁戊。"
    >>> [r.copy.slice(text) for r in scan_block(Block(0, 0, len(text), text))]
    ['甲乙丙、丁戊']
    """
    raw = block.text
    if folded is None:
        folded = fold(raw)
    base = block.start
    starts, ends, items = split_items(folded)
    found: list[Repeat] = []
    n = len(items)
    if n >= 2:
        table: dict[str, int] = {}
        ids = [table.setdefault(s, len(table)) for s in items]
        found.extend(_scan_items(raw, folded, base, starts, ends, items, ids, max_items, max_chars, near))
    found.extend(_scan_inline(raw, base, found))
    found.sort(key=lambda r: r.drop.start)
    return found


#: Characters (of the folded text) after which an item always starts.
_HARD_SEPARATORS = frozenset(",;:!?…。") | frozenset(
    "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008"
    "\u2009\u200a\u2028\u2029\u202f\u205f\u3000"
)


def scan_parts(
    block: Block,
    points: Sequence[int],
    inline_points: Sequence[int],
    *,
    max_items: int,
    max_chars: int,
    near: bool,
) -> list[Repeat] | None:
    """What :func:`scan_block` finds around ``points`` (block offsets where a repeat's second
    copy may start) and ``inline_points`` (inside a possible inline doubling).

    The item scan runs over the items around each cluster of points, with enough items of
    context for every look-back and look-ahead of the scan (twice max_items), and it starts
    at an item that no repeat can skip (no earlier pair of item runs that share their first
    or last characters reaches it), so it visits the same items as the scan of the whole
    block and finds the same repeats there.  The inline scan covers the CJK runs around
    ``inline_points``, guarded by the item repeats within max_items items of them.  Only
    the text around the points is folded (the scan reads the folded text there alone).
    None when the parts would not be small (dense repeats, no place to start): the caller
    scans the whole block then, which costs what the reference costs.
    """
    raw = block.text
    base = block.start
    clusters: list[list[int]] = []
    for p in sorted({*points, *inline_points}):
        if clusters and p - clusters[-1][1] <= 2000:
            clusters[-1][1] = p
        else:
            clusters.append([p, p])
    found: list[Repeat] = []
    parts: list[tuple[int, _Part]] = []
    for lo, hi in clusters:
        part = _part_items(raw, lo, hi, max_items)
        while part is not None and parts and part.stop and parts[-1][1].stop and _overlap(parts[-1][1], part):
            # overlaps the scan of the cluster before: scan both as one
            lo = parts.pop()[0]
            part = _part_items(raw, lo, hi, max_items)
        if part is None:
            return None
        parts.append((lo, part))
    pieces = []
    at = 0
    for _, part in parts:
        if part.c0 >= at:
            pieces += [raw[at : part.c0], part.folded]
        else:  # overlapping text regions (not their scans): fold the rest
            pieces.append(fold(raw[at : part.c1]))
        at = max(at, part.c1)
    pieces.append(raw[at:])
    folded = "".join(pieces)
    for _, part in parts:
        table: dict[str, int] = {}
        ids = [table.setdefault(s, len(table)) for s in part.items]
        found.extend(
            _scan_items(
                raw,
                folded,
                base,
                part.starts,
                part.ends,
                part.items,
                ids,
                max_items,
                max_chars,
                near,
                part.first,
                part.stop,
            )
        )
    runs: list[tuple[int, int]] = []
    for p in sorted(set(inline_points)):
        run = cjk_run(raw, p)
        if runs and run[0] <= runs[-1][1]:
            runs[-1] = (runs[-1][0], max(runs[-1][1], run[1]))
        else:
            runs.append(run)
    found.extend(_scan_inline(raw, base, found, runs))
    found.sort(key=lambda r: r.drop.start)
    return found


def _overlap(before: _Part, after: _Part) -> bool:
    return after.starts[after.first] <= before.starts[before.stop - 1]


@dataclass(frozen=True, slots=True)
class _Part:
    """Items around a cluster of points (block offsets) and the range of them to scan."""

    starts: list[int]
    ends: list[int]
    items: list[str]
    first: int
    stop: int
    c0: int = 0
    c1: int = 0
    folded: str = ""


#: Beyond this many characters a part is not worth it (see scan_parts).
_PART_LIMIT = 1 << 14


def _part_items(raw: str, lo: int, hi: int, max_items: int) -> _Part | None:
    """Items around [lo, hi] with the range of them to scan (see scan_parts), or None."""
    size = len(raw)
    margin = 2 * max_items + 2
    width = 600
    while True:
        if hi - lo + 2 * width > _PART_LIMIT:
            return None
        c0 = max(0, lo - width)
        while c0 > 0 and fold(raw[c0 - 1]) not in _HARD_SEPARATORS:
            c0 -= 1
        c1 = min(size, hi + width)
        while c1 < size and fold(raw[c1]) not in _HARD_SEPARATORS:
            c1 += 1
        folded = fold(raw[c0:c1])
        starts, ends, items = split_items(folded)
        n = len(items)
        first = max(bisect.bisect_right(starts, lo - c0) - 1, 0) - max_items
        stop = min(bisect.bisect_right(starts, hi - c0) + max_items + 1, n)
        # start where no repeat of an earlier item can have made the scan jump beyond
        tries = 4 * max_items + 8
        while first > 0 and _skippable(items, first, max_items):
            first -= 1
            tries -= 1
            if not tries:
                return None
        first = max(first, 0)
        if n and (c0 == 0 or first >= margin) and (c1 == size or n - stop >= margin):
            return _Part(
                [s + c0 for s in starts], [e + c0 for e in ends], items, first, max(stop, first + 1), c0, c1, folded
            )
        if c0 == 0 and c1 == size:  # no items at all
            return _Part([], [], [], 0, 0, c0, c1, folded)
        width *= 2


def _skippable(items: list[str], j: int, max_items: int) -> bool:
    """Whether a repeat at an item i < j of k items could make the scan jump past item j
    (the scan goes on at i + k, or i + k + 1 after a third copy): every pair of its copies
    would share the first or the last character."""
    n = len(items)
    for i in range(max(1, j - max_items), j):
        for k in range(max(1, j - i), max_items + 1):
            if i - k < 0 or i + k > n:
                break
            if all(
                items[i - k + m][0] == items[i + m][0] or items[i - k + m][-1] == items[i + m][-1] for m in range(k)
            ):
                return True
    return False


def _scan_items(
    raw: str,
    folded: str,
    base: int,
    starts: list[int],
    ends: list[int],
    items: list[str],
    ids: list[int],
    max_items: int,
    max_chars: int,
    near: bool,
    first: int = 1,
    stop: int | None = None,
) -> Iterator[Repeat]:
    n = len(items)
    i = max(first, 1)
    end = n if stop is None else min(stop, n)
    while i < end:
        kmax = min(max_items, i, n - i)
        it = ids[i]
        lo = i - kmax
        candidates: list[int] = []
        if it in ids[lo:i]:
            candidates = [k for k in range(1, kmax + 1) if ids[i - k] == it]
        if kmax >= 2 and ids[i + 1] in ids[lo + 1 : i + 1]:
            candidates += [k for k in range(2, kmax + 1) if ids[i - k + 1] == ids[i + 1]]
        a, b = items[i - 1], items[i]
        # partial or near single-item copies only exist between CJK items
        if (a[-1] == b[-1] or a[0] == b[0]) and (_is_cjk_char(b[0]) or _is_cjk_char(b[-1])):
            candidates.append(1)
        if kmax >= 2 and items[i - 2][-1] == b[-1] and items[i + 1][0] == a[0]:
            candidates.append(2)
        hit: Repeat | None = None
        if candidates:
            latin = not (_is_cjk_char(b[0]) or _is_cjk_char(b[-1]))
            for k in sorted(set(candidates), reverse=True):
                if starts[i] - starts[i - k] > max_chars:
                    continue
                # Latin copies allow one differing word at most and no partial words: one of the
                # second and third pairs must match (a cheap test that spares most calls)
                if latin and k >= 2 and ids[i - k + 1] != ids[i + 1] and (k < 3 or ids[i - k + 2] != ids[i + 2]):
                    continue
                hit = _verify(raw, folded, base, starts, ends, items, ids, i, k, near)
                if hit is not None:
                    break
        if hit is None:
            i += 1
            continue
        k = hit.items
        if _rhetorical(items, ids, i, k):
            i += k + 1
            continue
        yield hit
        i += k


def _rhetorical(items: list[str], ids: list[int], i: int, k: int) -> bool:
    """A third copy (``落实、落实、落实``) or a climax (``发展，发展，再发展``): deliberate."""
    n = len(items)
    if i + 2 * k <= n and ids[i + k : i + 2 * k] == ids[i : i + k]:
        return True
    if i - 2 * k >= 0 and ids[i - 2 * k : i - k] == ids[i - k : i]:
        return True
    if i + k < n:
        after = items[i + k]
        last = items[i + k - 1]
        if after.endswith(last) and 0 < len(after) - len(last) <= 2 and after[0] in "再更又也还继":
            return True
    return False


def _verify(
    raw: str,
    folded: str,
    base: int,
    starts: list[int],
    ends: list[int],
    items: list[str],
    ids: list[int],
    i: int,
    k: int,
    near: bool,
) -> Repeat | None:
    left_partial = right_partial = False
    diff = -1
    for m in range(k):
        x, y = i - k + m, i + m
        if ids[x] == ids[y]:
            continue
        a, b = items[x], items[y]
        if m == 0 and len(a) > len(b) and a.endswith(b) and _is_cjk_char(b[0]) and _is_cjk_char(a[-len(b) - 1]):
            left_partial = True
            continue
        if (
            m == k - 1
            and len(b) > len(a)
            and b.startswith(a)
            and _is_cjk_char(a[-1])
            and _is_cjk_char(b[len(a)])
        ):
            right_partial = True
            continue
        if diff >= 0 or not near:
            return None
        diff = m
    if left_partial and right_partial and k == 1:
        return None
    for m in range(1, k):
        s1 = folded[ends[i - k + m - 1] : starts[i - k + m]]
        s2 = folded[ends[i + m - 1] : starts[i + m]]
        if sep_class(s1) != sep_class(s2):
            return None
    between = sep_class(folded[ends[i - 1] : starts[i]])
    if "." in between:
        # across a sentence end only whole sentences count: "the class. If the class" is prose
        n = len(items)
        if left_partial or right_partial:
            return None
        if i - k > 0 and "." not in sep_class(folded[ends[i - k - 1] : starts[i - k]]):
            return None
        if i + k < n and "." not in sep_class(folded[ends[i + k - 1] : starts[i + k]]):
            return None
    if diff >= 0:
        if left_partial or right_partial:
            return None
        a, b = items[i - k + diff], items[i + diff]
        # Latin words differing by one letter are often different words (is/if, he/she)
        shortest = 2 if _is_cjk_char(a[0]) or _is_cjk_char(b[0]) else 4
        if min(len(a), len(b)) < shortest or not _one_edit(a, b):
            return None
        changed = _differing_chars(a, b)
        cjk_item = shortest == 2
        if any(is_numeric_char(ch) or (cjk_item and ch.isascii()) for ch in changed):
            # serial numbers and letters: 一号线、二号线, A区、B区
            return None
        if len(changed) == 2 and all(ch in CONTRAST_CHARS for ch in changed):
            return None
    keep_start = starts[i - k]
    if left_partial:
        keep_start += len(items[i - k]) - len(items[i])
    keep_end = ends[i - 1]
    copy_start = starts[i]
    copy_end = starts[i + k - 1] + len(items[i - 1]) if right_partial else ends[i + k - 1]
    copy_text = raw[copy_start:copy_end]
    if not _has_content(copy_text):
        return None
    cjk = count_cjk(copy_text)
    # "ha ha, ha ha" and 哈哈、哈哈 are laughter, not a doubled list; a doubled word inside a
    # doubled CJK item (检查检查、检查检查) is still a fault
    if _periodic(fold(copy_text)) and (not cjk or len(set(copy_text)) == 1):
        return None
    if k > 1 and len(set(ids[i : i + k])) == 1:
        return None  # one item over and over (a table column): not a doubled run
    words = 0 if cjk else sum(1 for s in items[i : i + k] if _has_content(s))
    sep = raw[ends[i - 1] : starts[i]]
    drop_start, drop_end = ends[i - 1], copy_end
    if "\n" in sep or "\r" in sep:
        # keep the line structure: take the copy with the spaces after it instead
        after_end = starts[i + k] if i + k < len(items) else len(raw)
        after = raw[copy_end:after_end]
        if not right_partial and after and not after.strip(" \t\u3000"):
            drop_start, drop_end = copy_start, after_end
    shouting = False
    if not cjk:
        kept = raw[keep_start:keep_end]
        # look at most a line's length around: a paragraph may have no line breaks at all
        lo = max(0, keep_start - 200)
        line1 = raw[max(lo, raw.rfind("\n", lo, keep_start) + 1) : keep_end]
        hi = min(len(raw), copy_end + 200)
        line2_end = raw.find("\n", copy_end, hi)
        line2 = raw[copy_start : line2_end if line2_end >= 0 else hi]
        # across a line break, copies printed differently (Grave Situation / grave situation)
        # are a headline and its text
        shouting = kept.isupper() != copy_text.isupper() or (
            "\n" in sep
            and (
                (line1.isupper() and not line2.isupper())
                or (kept.split() != copy_text.split() and fold(kept).split() == fold(copy_text).split())
            )
        )
    mode = "near" if diff >= 0 else ("partial" if left_partial or right_partial else "exact")
    return Repeat(
        keep=Span(base + keep_start, base + keep_end),
        copy=Span(base + copy_start, base + copy_end),
        drop=Span(base + drop_start, base + drop_end),
        items=k,
        mode=mode,
        cjk=cjk,
        words=words,
        sep=sep,
        text=copy_text,
        shouting=shouting,
    )


#: A CJK phrase of five or more characters doubled with nothing between the copies
#: (shorter doublings are REP002's).
_INLINE = f"([{CJK}]{{5,40}})\\1"


def _scan_inline(
    raw: str, base: int, taken: list[Repeat], spans: Sequence[tuple[int, int]] | None = None
) -> Iterator[Repeat]:
    guard = DeletionGuard(Span(r.keep.start - base, r.copy.end - base) for r in taken)
    windows = ((0, len(raw)),) if spans is None else spans
    matches = (m for pos, endpos in windows for m in compiled(_INLINE).finditer(raw, pos, endpos))
    for m in matches:
        unit = m.group(1)
        s, e = m.start(), m.end()
        if guard.hits(s, e):
            continue
        if _periodic(unit) or all(is_numeric_char(ch) for ch in unit):
            continue
        u = len(unit)
        # a third copy on either side: a deliberate pattern, not a doubling
        if raw.startswith(unit, e) or (s >= u and raw[s - u : s] == unit):
            continue
        yield Repeat(
            keep=Span(base + s, base + s + u),
            copy=Span(base + s + u, base + e),
            drop=Span(base + s + u, base + e),
            items=1,
            mode="inline",
            cjk=count_cjk(unit),
            words=0,
            sep="",
            text=unit,
        )


def _is_cjk_class(ch: str) -> bool:
    """Whether ``ch`` is in the CJK class of the patterns (CJK)."""
    return "\u3400" <= ch <= "\u4dbf" or "\u4e00" <= ch <= "\u9fff" or "\uf900" <= ch <= "\ufaff"


#: How far back a CJK run is followed from a point before a scan starts at the block start.
_RUN_LOOK_BACK = 256


def cjk_run(raw: str, p: int) -> tuple[int, int]:
    """The run of CJK characters around ``raw[p]``: a match of a pattern made of CJK
    characters alone lies inside one, so scanning the run finds what scanning all finds."""
    start = p
    while start > 0 and _is_cjk_class(raw[start - 1]):
        start -= 1
        if p - start > _RUN_LOOK_BACK:
            start = 0
            break
    end = p
    size = len(raw)
    while end < size and _is_cjk_class(raw[end]):
        end += 1
    return start, end


def folded_block(ctx: Context, block: Block) -> str:
    """``fold(block.text)``, computed once per document for all REP rules."""
    cache: dict[int, str] = ctx.shared("repeats.folded", lambda c: {})
    folded = cache.get(block.index)
    if folded is None:
        folded = cache[block.index] = fold(block.text)
    return folded


def _scan_options(ctx: Context) -> tuple[int, int, bool]:
    from dedup.rules.repeated_phrase import RepeatedPhrase

    max_items = int(ctx.option(RepeatedPhrase, "max_items"))
    max_chars = int(ctx.option(RepeatedPhrase, "max_chars"))
    near = bool(ctx.option(RepeatedPhrase, "near"))
    if max_items < 1 or max_chars < 1:
        from dedup.config import ConfigError

        raise ConfigError("repeated-phrase: max_items and max_chars must be positive")
    return max_items, max_chars, near


def block_repeats(ctx: Context, block: Block) -> list[Repeat]:
    """The phrase scan of one block, memoised per document (REP001 and REP003 read it)."""
    cache: dict[int, list[Repeat]] = ctx.shared("repeats.block", lambda c: {})
    found = cache.get(block.index)
    if found is None:
        max_items, max_chars, near = ctx.shared("repeats.options", _scan_options)
        found = cache[block.index] = scan_block(
            block, max_items=max_items, max_chars=max_chars, near=near, folded=folded_block(ctx, block)
        )
    return found


def phrase_repeats(ctx: Context) -> dict[int, list[Repeat]]:
    """The phrase scan of every live block (block index -> repeats): the reference, no prefilter."""
    return {b.index: block_repeats(ctx, b) for b in live_blocks(ctx)}


def candidate_blocks(ctx: Context, code: str) -> list[Block]:
    """The live blocks in which rule ``code`` may find something, in order.

    Short texts: every live block (the reference path, no numpy).  Long ones: the
    blocks that the prefilter flags, a superset of those where the rule has a
    finding, so the findings are the same.
    """
    blocks = live_blocks(ctx)
    flagged = prefiltered(ctx, code)
    if flagged is None:
        return blocks
    return [b for b in blocks if b.index in flagged]


def prefiltered(ctx: Context, code: str) -> dict[int, object] | None:
    """Block index -> what the prefilter found there, or None when the text is short."""
    if len(ctx.text) < FAST_MIN_CHARS:
        return None
    found: dict[int, object] = ctx.shared(f"repeats.prefilter.{code}", lambda c: _flag_blocks(c, code))
    return found


# --- later passes of clean (Context.dirty) ----------------------------------------------------
#
# What each rule's decision reads (its reach):
#
# * REP001: the text of one block (scan_block never looks past it), the deletions that earlier
#   phases plan and whether they remove the block whole;
# * REP002: the same for its Latin and single-character doublings; a CJK word doubling also reads
#   stutter._WINDOW characters on each side (stutter._words_meet: how the text around groups the
#   same characters), across blocks; and REP001's findings in its block (not to report twice).
#
# So on a later pass both rules look at the blocks meeting a changed place and nothing else,
# except for what can turn a doubling of an unchanged block into a safe REP002 finding: its
# words-meet window meeting a change (_stutter_reach: the doublings found words meeting on an
# earlier pass, kept in ctx.memo by content, or without that record every possible doubling
# around the changes), or a deletion an earlier phase plans anew inside its block (it can
# suppress the REP001 finding that hid the doubling).  REP001 covers the same blocks as REP002,
# so that REP002 reads there the REP001 findings of a full run.  The deletions planned by earlier
# phases are read anew (few on a later pass).  A REP001 finding of an unchanged block cannot turn
# safe: its block and the deletions that suppressed it (applied or skipped, so changed places)
# would have changed.

#: Below this many characters in the blocks to look at, a later pass scans them the reference way
#: (the numpy prefilter has a fixed cost of about a millisecond).
SCOPE_FAST_MIN_CHARS = 20_000
_DIRTY_CODES = ("REP001", "REP002")


def dirty_scope(ctx: Context, code: str) -> tuple[list[Block], dict[int, object] | None] | None:
    """On a later pass of clean (``ctx.dirty`` set): the live blocks that rule ``code`` has to look
    at, in order, and what the prefilter found in them (block index -> places, None: the
    reference scan of each block); None on a full run.

    When the prefilter ran, only the blocks it flags are returned (as :func:`candidate_blocks`).
    """
    if ctx.dirty is None:
        return None
    indices: list[int] = ctx.shared("repeats.dirty.scope", _scope)
    blocks = ctx.blocks
    scope = _live([blocks[i] for i in indices], ctx.planned_deletions())
    flagged: dict[int, object] | None = ctx.shared(
        f"repeats.dirty.prefilter.{code}", lambda c: _scope_flags(c, code, indices)
    )
    if flagged is not None:
        scope = [b for b in scope if b.index in flagged]
    return scope, flagged


def _live(blocks: list[Block], deletions: list[Span]) -> list[Block]:
    """The blocks of ``blocks`` not deleted whole by ``deletions`` (sorted): what
    Context.removed_blocks decides, asked of these blocks alone."""
    if not deletions:
        return blocks
    starts = [d.start for d in deletions]
    reach = list(accumulate((d.end for d in deletions), max))
    out = []
    for b in blocks:
        i = bisect.bisect_right(starts, b.start)
        if not (i and reach[i - 1] >= b.end):
            out.append(b)
    return out


def _scope(ctx: Context) -> list[int]:
    """Positions (in ctx.blocks) of the blocks a later pass of the REP rules looks at."""
    assert ctx.dirty is not None
    # the twins kept by the last pass's fixes are unchanged text with unchanged surroundings (their
    # own places are marked when something near changed): the reach above never needs them
    dirty = ctx.dirty.edited
    blocks = ctx.blocks
    from dedup.rules.boundary_overlap import BoundaryOverlap

    # a repeat reads its own block only, so a block deleted next to it (a new neighbour) changes
    # nothing for it; LAY006 looks at such a seam unless it met those neighbours already on the
    # previous pass (unseen_by), and its seams need their repeats (below)
    found = set(ctx.changed_blocks(edited=True, unseen_by=BoundaryOverlap.phase))
    if not ctx.enabled or ctx.is_enabled("REP002"):
        found.update(_stutter_reach(ctx, dirty.starts, dirty.ends))
    # a deletion an earlier phase plans anew (its own evidence changed; it may delete such a kept
    # twin) may suppress a REP001 finding that kept REP002 from reporting a doubling inside it, and
    # it makes a new seam for LAY006 (below): look at its blocks too
    starts = ctx.doc.block_starts
    for d in ctx.planned_deletions():
        lo = bisect.bisect_right(starts, d.start) - 1
        hi = bisect.bisect_right(starts, d.end - 1) - 1
        found.update(range(max(lo, 0), hi + 1))
    if not ctx.enabled or ctx.is_enabled("LAY006"):
        # LAY006, a later phase, leaves alone a seam a repeat owns, fixed or not: the live blocks
        # next to those looked at here are at its seams, so their repeats must be found as a full
        # run finds them (found by fuzzing)
        removed = ctx.removed_blocks()
        n = len(blocks)
        for i in list(found):
            for step in (-1, 1):
                j = i + step
                while 0 <= j < n and j in removed:
                    j += step
                if 0 <= j < n:
                    found.add(j)
    return sorted(found)


#: ctx.memo key: the CJK word doublings that stutter._words_meet found to be words meeting, on any
#: pass of this clean (recorded from its first, full, pass on), each with up to stutter._CONTEXT
#: characters of its block around it
WORDS_MEET_MEMO = "repeats.words_meet"
#: Up to this many such strings, str.find looks for them; beyond, the vectorised scan is quicker.
_FIND_MAX = 16


def words_meet_memo(ctx: Context) -> set[str] | None:
    """Where stutter records a doubling that ``_words_meet`` explains (see _stutter_reach); None
    when nothing is to be recorded (a plain check, or a later pass whose first pass kept no
    record: the record must hold every pass's doublings to be used)."""
    memo = ctx.memo
    if memo is None:
        return None
    if ctx.dirty is None:
        found: set[str] = memo.setdefault(WORDS_MEET_MEMO, set())
        return found
    return memo.get(WORDS_MEET_MEMO)


def _stutter_reach(ctx: Context, starts: Sequence[int], ends: Sequence[int]) -> set[int]:
    """Positions of the blocks holding a CJK word doubling whose stutter._words_meet window meets
    one of the ranges ``[starts[i], ends[i]]`` and that a full run may now report with a fix.

    Such a doubling lies in a block that did not change, so every other test of it gives what it
    gave on the pass before, and it was no safe finding then (it would have been applied, or
    skipped and so marked changed): only ``_words_meet`` can have turned.  The doubling with its
    context is then in the memo (:data:`WORDS_MEET_MEMO`: every pass records the doublings it
    found words meeting, and this one was tested on the last pass whose changes its window met,
    or on the first), and its block, unchanged, still holds that string: looking for the
    recorded strings is enough.  Without the record, every possible doubling around the ranges
    is looked at.
    """
    from dedup.rules.stutter import _CJK_UNIT, _CONTEXT, _WINDOW

    text = ctx.text
    n = len(text)
    # a doubling [s, e) (e <= s + 8, its periodic run ends by s + 11) reads
    # [s - _WINDOW, run end + _WINDOW]: it meets [a, b] when a - _WINDOW - 11 <= s <= b + _WINDOW,
    # and with the _CONTEXT characters recorded on each side it lies inside [a - reach, b + reach)
    reach = _WINDOW + 2 * _CONTEXT + 16
    regions: list[list[int]] = []
    for a, b in zip(starts, ends, strict=True):
        lo, hi = max(0, a - reach), min(n, b + reach)
        if regions and lo <= regions[-1][1]:
            regions[-1][1] = max(regions[-1][1], hi)
        else:
            regions.append([lo, hi])
    points: list[int] = []
    recorded = ctx.memo.get(WORDS_MEET_MEMO) if ctx.memo is not None else None
    if recorded is not None and len(recorded) <= _FIND_MAX:
        for needle in recorded:
            for lo, hi in regions:
                i = text.find(needle, lo, hi)
                while i >= 0:
                    points.append(i)
                    i = text.find(needle, i + 1, hi)
    elif n < FAST_MIN_CHARS:
        pattern = compiled(_CJK_UNIT)
        for lo, hi in regions:
            points.extend(m.start() for m in pattern.finditer(text, lo, hi))
    else:
        import numpy as np

        tables = _tables()
        for lo, hi in regions:
            a = lo
            while a < hi:
                # chunks overlap by the longest doubling (8 characters)
                b = min(hi, a + WINDOW_CHARS + 8)
                cp: Any = _codes(text[a:b])
                if cp.dtype != np.uint8:
                    points.extend((_doubling_starts(np, tables, cp) + a).tolist())
                if b == hi:
                    break
                a += WINDOW_CHARS
    starts = ctx.doc.block_starts
    found: set[int] = set()
    for p in points:
        i = bisect.bisect_right(starts, p) - 1
        if i >= 0:
            found.add(i)
    return found


def _scope_flags(ctx: Context, code: str, indices: list[int]) -> dict[int, object] | None:
    """The prefilter of ``code`` over the blocks at ``indices`` (texts joined by blank lines), or
    None when they are few (the reference scans then cost less) or the text is short."""
    blocks = [ctx.blocks[i] for i in indices]
    if len(ctx.text) < FAST_MIN_CHARS or sum(len(b) for b in blocks) < SCOPE_FAST_MIN_CHARS:
        return None
    codes = [
        c
        for c in _DIRTY_CODES
        if c == code or (ctx.is_enabled(c) and f"repeats.dirty.prefilter.{c}" not in ctx.cache)
    ]
    found = _flag(ctx, codes, _joined(blocks))
    for c, result in found.items():
        if c != code:
            ctx.cache[f"repeats.dirty.prefilter.{c}"] = result
    return found[code]


def _joined(blocks: Sequence[Block]) -> Iterator[tuple[Sequence[Block], str | None, list[int]]]:
    """Windows of about WINDOW_CHARS characters made of the texts of ``blocks`` joined by blank
    lines, with where each block starts in its window (see :func:`_flag`)."""
    group: list[Block] = []
    size = 0

    def window() -> tuple[Sequence[Block], str | None, list[int]]:
        offsets = list(accumulate((len(b) + 2 for b in group[:-1]), initial=0))
        return list(group), "\n\n".join(b.text for b in group), offsets

    for b in blocks:
        if len(b) > 2 * WINDOW_CHARS:
            yield [b], None, []  # one huge block: the reference scan, as on a full run
            continue
        if group and size + len(b) > WINDOW_CHARS:
            yield window()
            group, size = [], 0
        group.append(b)
        size += len(b) + 2
    if group:
        yield window()


# --- the prefilter of long texts -------------------------------------------------------------
#
# On a long text almost every block holds nothing for the REP rules, and the scans above
# cost microseconds per character in Python.  The prefilter finds with numpy, over windows
# of about a million characters, every place where a finding *can* start (a necessary
# condition of each kind of finding, on code points), and the rules run their reference
# code on the flagged blocks only.  A condition may let through what is no finding (the
# reference code then rejects it) but never the reverse; tests/rules/test_repeats_fast.py
# checks that the findings are the same.  Equal strings have equal signatures (length and a
# few characters), so comparing signatures never misses a real repeat.

#: Below this many characters every block is scanned the reference way (no numpy import:
#: the start-up time of a check of one page matters).
FAST_MIN_CHARS = 50_000
#: Characters per numpy window: a uint16 code array and a few masks of this size at a time.
WINDOW_CHARS = 1 << 20

#: What Python's ``str.isspace`` (and so ``\s`` and ``str.split``) calls whitespace.
_WHITESPACE = "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680" + "".join(map(chr, range(0x2000, 0x200B))) + (
    "\u2028\u2029\u202f\u205f\u3000"
)
#: Raw characters whose fold is an item separator of ITEM_PATTERN.
_SEP_RAW = _WHITESPACE + ",;:!?…。.，；：！？．、､"
#: Characters that end a list item of REP003 (repeated_name._PUNCT).
_NAME_PUNCT = ",;:!?…。.、，；：！？()（）\"“”"
_LATIN_LETTERS = "A-Za-z\u00c0-\u024f"
#: Characters outside that class that an IGNORECASE backreference to a letter inside it
#: matches (ɓ for Ɓ, the Kelvin sign for K); tests/rules/test_repeats_fast.py lists them anew.
_CASE_RELATIVES = (
    "\u0253\u0254\u0256\u0257\u0259\u025b\u0260\u0263\u0268\u0269\u026f\u0272\u0275\u0280"
    "\u0283\u0288\u0289\u028a\u028b\u028c\u0292\u1e9e\u212a\u212b\u2c65\u2c66\u2c7e\u2c7f"
)


_SEP_BIT, _PUNCT_BIT, _WS_BIT, _CJK_BIT, _TOKEN_BIT = 1, 2, 4, 8, 16


class _Tables:
    """Lookup tables indexed by a UTF-16 code unit (built once, on first use)."""

    def __init__(self) -> None:
        import numpy as np

        size = 0x10000

        def mask(chars: str) -> np.ndarray:
            m = np.zeros(size, dtype=bool)
            m[[ord(c) for c in chars]] = True
            return m

        self.fold = np.arange(size, dtype=np.uint16)
        for k, v in _fold_table().items():
            self.fold[k] = ord(v)
        self.sep = mask(_SEP_RAW)
        self.ws = mask(_WHITESPACE)
        self.cjk = np.zeros(size, dtype=bool)  # the CJK class of the regular expressions
        for lo, hi in ((0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xF900, 0xFAFF)):
            self.cjk[lo : hi + 1] = True
        self.cjk_wide = np.zeros(size, dtype=bool)  # _is_cjk_char
        self.cjk_wide[0x3400:0xA000] = True
        self.cjk_wide[0xF900:0xFB00] = True
        from dedup.rules.stutter import _ITEM_START, _SOUND_CHARS, AA_ALLOWED

        self.aa = self.cjk & ~mask("".join(AA_ALLOWED | CN_NUMERALS | _SOUND_CHARS))
        self.item_start = mask("".join(_ITEM_START))
        letters = [*range(0x41, 0x5B), *range(0x61, 0x7B), *range(0xC0, 0x250)]
        self.token = mask("'’")
        self.token[letters] = True
        # IGNORECASE compares simple lower cases; ſ and ı are merged too (a coarser equality
        # only lets more through)
        self.lower = np.arange(size, dtype=np.uint16)
        for o in letters:
            self.lower[o] = ord(chr(o).lower()[0])
        self.lower[0x17F] = ord("s")
        self.lower[0x131] = ord("i")
        # letters outside the class whose lower case is in it: a backreference matches them
        for ch in _CASE_RELATIVES:
            self.token[ord(ch)] = True
            self.lower[ord(ch)] = ord(ch.lower()[0])
        self.name_punct = mask(_NAME_PUNCT)
        # one lookup gives every class the prefilters need
        self.classes = (
            self.sep * _SEP_BIT
            | self.name_punct * _PUNCT_BIT
            | self.ws * _WS_BIT
            | self.cjk * _CJK_BIT
            | self.token * _TOKEN_BIT
        ).astype(np.uint8)


_TABLES: list[_Tables] = []


def _tables() -> _Tables:
    if not _TABLES:
        _TABLES.append(_Tables())
    return _TABLES[0]


def _codes(text: str) -> object:
    """UTF-16 code units of ``text`` as a numpy array (uint8 for ASCII); characters beyond
    the BMP become U+FFFF (which only makes more characters equal)."""
    import numpy as np

    if text.isascii():
        return np.frombuffer(text.encode("ascii"), dtype=np.uint8)
    raw = text.encode("utf-16-le", "surrogatepass")
    if len(raw) == 2 * len(text):
        return np.frombuffer(raw, dtype=np.uint16)
    wide = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    return np.minimum(wide, 0xFFFF).astype(np.uint16)


def _windows(blocks: Sequence[Block]) -> Iterator[tuple[int, int]]:
    """``(first, stop)`` ranges of blocks, each spanning about WINDOW_CHARS characters."""
    first = 0
    n = len(blocks)
    ends = [b.end for b in blocks]  # in order: the blocks that end by the limit are a bisection away
    while first < n:
        stop = bisect.bisect_right(ends, blocks[first].start + WINDOW_CHARS, first + 1)
        yield first, stop
        first = stop


_CODES = ("REP001", "REP002", "REP003")


def _flag_blocks(ctx: Context, code: str) -> dict[int, object]:
    """Block index -> what the prefilter of ``code`` found there (None: scan the whole block).

    The prefilters of the other enabled REP rules run in the same pass over the windows
    (one code array, one class lookup) and their results wait in the context.
    """
    codes = [c for c in _CODES if c == code or (ctx.is_enabled(c) and f"repeats.prefilter.{c}" not in ctx.cache)]
    text = ctx.text
    blocks = ctx.blocks

    def windows() -> Iterator[tuple[Sequence[Block], str | None, list[int]]]:
        for first, stop in _windows(blocks):
            if stop - first == 1 and blocks[first].end - blocks[first].start > 2 * WINDOW_CHARS:
                yield blocks[first:stop], None, []
                continue
            w0 = blocks[first].start
            yield blocks[first:stop], text[w0 : blocks[stop - 1].end], [b.start - w0 for b in blocks[first:stop]]

    found = _flag(ctx, codes, windows())
    for c, result in found.items():
        if c != code:
            ctx.cache[f"repeats.prefilter.{c}"] = result
    return found[code]


def _flag(
    ctx: Context, codes: list[str], windows: Iterable[tuple[Sequence[Block], str | None, list[int]]]
) -> dict[str, dict[int, object]]:
    """The prefilters of ``codes`` over ``windows``: the blocks of each window, its text (None for
    one huge block, scanned whole) and where each block starts in it.

    A window is a stretch of the document, or (a later pass of clean) the texts of blocks far
    apart joined by blank lines: every condition looks at the characters of one candidate and
    the separators around it, never across a block, so a block's flags do not depend on which
    text surrounds it (a pair of items or words across a join flags an extra place at most).
    """
    import numpy as np

    tables = _tables()
    blocks = ctx.blocks
    found: dict[str, dict[int, object]] = {c: {} for c in codes}
    options = ctx.shared("repeats.options", _scan_options) if "REP001" in codes else None
    from dedup.rules.repeated_name import RepeatedName

    min_cjk = int(ctx.option(RepeatedName, "min_cjk"))
    min_words = int(ctx.option(RepeatedName, "min_words"))
    for wblocks, window, starts in windows:
        if window is None:
            for c in codes:  # one huge block: the reference scan, as it is
                found[c][wblocks[0].index] = None
            continue
        cp: Any = _codes(window)
        cls = tables.classes[cp]
        bstarts = np.array(starts, dtype=np.int64)
        has_cjk = cp.dtype != np.uint8 and bool((cls & _CJK_BIT).any())

        def owner(pos: Any, bstarts: Any = bstarts) -> Any:
            return np.searchsorted(bstarts, pos, side="right") - 1

        if "REP001" in codes:
            assert options is not None
            max_items, max_chars, near = options
            out1 = found["REP001"]
            pos = _rep001_positions(np, tables, window, cp, cls, max_items, max_chars, near, has_cjk)
            for p, b in zip(pos.tolist(), owner(pos).tolist(), strict=True):
                entry = out1.setdefault(wblocks[b].index, ([], []))
                assert isinstance(entry, tuple)
                entry[0].append(p - int(bstarts[b]))
            if has_cjk:
                pos = _inline_positions(np, tables, cp)
                for p, b in zip(pos.tolist(), owner(pos).tolist(), strict=True):
                    entry = out1.setdefault(wblocks[b].index, ([], []))
                    assert isinstance(entry, tuple)
                    entry[1].append(p - int(bstarts[b]))
        if "REP002" in codes:
            out = found["REP002"]
            cjk_pos, latin = _rep002_positions(np, tables, cp, cls, bstarts, has_cjk)
            for p, b in zip(cjk_pos.tolist(), owner(cjk_pos).tolist(), strict=True):
                entry = out.setdefault(wblocks[b].index, ([], []))
                assert isinstance(entry, tuple)
                entry[0].append(p - int(bstarts[b]))
            ls, le = latin
            for s, e, b in zip(ls.tolist(), le.tolist(), owner(ls).tolist(), strict=True):
                entry = out.setdefault(wblocks[b].index, ([], []))
                assert isinstance(entry, tuple)
                entry[1].append((s - int(bstarts[b]), e - int(bstarts[b])))
            if "\u00d7" in window or "\u00f7" in window:
                for m in compiled("[\u00d7\u00f7]").finditer(window):
                    # × and ÷ are in the Latin letter class but not word characters: the token
                    # model of the prefilter does not hold there, scan the whole block
                    out[wblocks[int(owner(m.start()))].index] = None
        if "REP003" in codes:
            if min_cjk < 1 or min_words < 1:
                found["REP003"] = {b.index: None for b in blocks}
                codes.remove("REP003")
                continue
            bends = np.array([s + len(b) for s, b in zip(starts, wblocks, strict=True)], dtype=np.int64)
            out3 = found["REP003"]
            blk3, pos3 = _rep003_blocks(np, tables, window, cp, cls, bstarts, bends, min_cjk, min_words)
            for b, p in zip(blk3.tolist(), pos3.tolist(), strict=True):
                entry3 = out3.setdefault(wblocks[b].index, [])
                assert isinstance(entry3, list)
                entry3.append(p - int(bstarts[b]))
    return found


def _true_runs(mask: Any) -> tuple[Any, Any]:
    """Starts and ends (exclusive) of the runs of True in a boolean numpy array."""
    import numpy as np

    pad = np.zeros(len(mask) + 2, dtype=bool)
    pad[1:-1] = mask
    edges = np.flatnonzero(pad[1:] != pad[:-1])
    return edges[0::2], edges[1::2]


def _rep001_positions(
    np: Any,
    t: _Tables,
    window: str,
    cp: Any,
    cls: Any,
    max_items: int,
    max_chars: int,
    near: bool,
    has_cjk: bool,
) -> Any:
    """Starts of the second copies of every possible REP001 item repeat (scan_block's _verify,
    narrowed by what assess() accepts)."""
    item = (cls & _SEP_BIT) == 0
    if "." in window or "．" in window:
        # a full stop followed by an item character is part of the item (3.5, U.S)
        dots = [m.start() for m in compiled(f"[.．](?=[^{re.escape(_SEP_RAW)}])").finditer(window)]
        if dots:
            item[dots] = True
    starts, ends = _true_runs(item)
    m_items = len(starts)
    empty = np.zeros(0, dtype=np.int64)
    if m_items < 2:
        return empty
    last = ends - 1
    lens = ends - starts
    fold = t.fold
    f0 = fold[cp[starts]]
    l0 = fold[cp[last]]
    u64 = np.uint64

    def span_sig(s: Any, e: Any) -> Any:
        """Length and seven characters of the spans ``[s, e)``: equal texts, equal signatures."""
        e = e - 1
        h = (e - s).astype(u64)
        for at in (s, np.minimum(s + 1, e), np.minimum(s + 2, e), e, np.maximum(e - 1, s), np.maximum(e - 2, s)):
            h = h * u64(0x100000001B3) + fold[cp[at]]
        return h * u64(0x100000001B3) + fold[cp[(s + e) // 2]]

    def sig(ix: Any) -> Any:
        return span_sig(starts[ix], ends[ix])

    def mismatches(sa: Any, sb: Any, offsets: Any) -> Any:
        """How many of the characters at ``offsets`` differ between texts starting at sa and sb."""
        count = np.zeros(len(sa), dtype=np.int64)
        for off in offsets:
            count += fold[cp[sa + off]] != fold[cp[sb + off]]
        return count

    def partial_left(a: Any, b: Any) -> Any:
        """Item b is a (CJK) tail of the longer item a."""
        la, lb = lens[a], lens[b]
        ok = (la > lb) & cjk_wide[cp[starts[b]]]
        return ok & (span_sig(np.where(ok, ends[a] - lb, starts[a]), ends[a]) == sig(b))

    def partial_right(a: Any, b: Any) -> Any:
        """Item a is the head of the longer item b, and ends in a CJK character."""
        la, lb = lens[a], lens[b]
        ok = (lb > la) & cjk_wide[cp[last[a]]]
        return ok & (span_sig(starts[b], np.where(ok, starts[b] + la, ends[b])) == sig(a))

    def one_edit(a: Any, b: Any) -> Any:
        """Items a and b may be one substitution, insertion or deletion apart (_one_edit), and
        long enough for _verify (2 characters if one starts with CJK, else 4)."""
        la, lb = lens[a], lens[b]
        shortest = np.minimum(la, lb)
        sa, sb = starts[a], starts[b]
        ok = (np.abs(la - lb) <= 1) & (shortest >= 2)
        ok &= cjk_wide[cp[sa]] | cjk_wide[cp[sb]] | (shortest >= 4)
        head = mismatches(sa, sb, (0, np.minimum(1, shortest - 1), np.minimum(2, shortest - 1)))
        tail = mismatches(ends[a] - 1, ends[b] - 1, (0, -np.minimum(1, shortest - 1), -np.minimum(2, shortest - 1)))
        # one substitution: at most one differing character among seven distinct ones
        same_length = la == lb
        seven = shortest >= 7
        sub = head + tail + (fold[cp[sa + shortest // 2]] != fold[cp[sb + shortest // 2]])
        # one insertion or deletion in 5+ characters leaves the first or the last three alike
        ok &= (head == 0) | (tail == 0) | (same_length & ~seven) | (shortest < 5)
        ok &= ~(same_length & seven) | (sub <= 1)
        return ok

    cjk_wide = t.cjk_wide
    out = [empty]
    if has_cjk:
        # one item (CJK only: a single Latin item is never a finding): an exact copy, a head or
        # tail of 3+ characters of the other, or a near copy of 6+ characters
        x = np.flatnonzero((f0[:-1] == f0[1:]) | (l0[:-1] == l0[1:]))
        x = x[starts[x + 1] - starts[x] <= max_chars]
        y = x + 1
        long3 = np.minimum(lens[x], lens[y]) >= 3
        ok = sig(x) == sig(y)
        ok |= long3 & (partial_left(x, y) | partial_right(x, y))
        if near:
            ok |= (lens[y] >= 6) & one_edit(x, y)
        out.append(starts[y[ok]])
    for k in range(2, max_items + 1):
        if 2 * k > m_items:
            break
        # every pair of a k-item copy shares its first or its last character
        weak = np.flatnonzero((f0[:-k] == f0[k:]) | (l0[:-k] == l0[k:]))
        if len(weak) < k:
            continue
        x0 = weak[: len(weak) - k + 1][weak[k - 1 :] - weak[: len(weak) - k + 1] == k - 1]
        x0 = x0[starts[x0 + k] - starts[x0] <= max_chars]
        if not len(x0):
            continue
        inexact = np.zeros(len(x0), dtype=np.int64)
        near_ok = np.ones(len(x0), dtype=bool)
        interior = np.ones(len(x0), dtype=bool)
        first_ok = last_ok = near_ok
        for m in range(k):
            a = x0 + m
            b = a + k
            same = sig(a) == sig(b)
            if m == 0:  # exact, or the first copy starts inside an item (CJK)
                first_ok = same | partial_left(a, b)
            if m == k - 1:  # exact, or the second copy ends inside an item (CJK)
                last_ok = same | partial_right(a, b)
            if 0 < m < k - 1:
                interior &= same
            if near:
                near_ok &= same | one_edit(a, b)
            inexact += ~same
        hit = first_ok & last_ok & interior
        if near and (has_cjk or k >= 3):  # a Latin near copy needs three words (assess)
            hit |= near_ok & (inexact <= 1)
        out.append(starts[x0[hit] + k])
    return np.concatenate(out)


def _inline_positions(np: Any, t: _Tables, cp: Any) -> Any:
    """Positions in runs of 5+ characters equal to those L = 5..40 further (_INLINE)."""
    n = len(cp)
    found_t = []
    found_l = []
    # a run of L >= s equal characters at lag L contains a multiple of s: sample there
    for lo, hi, stride in ((5, 10, 5), (10, 20, 10), (20, 41, 20)):
        sampled = cp[0::stride]
        for lag in range(lo, hi):
            other = cp[lag::stride]
            j = np.flatnonzero(sampled[: len(other)] == other)
            if len(j):
                found_t.append(j * stride)
                found_l.append(np.full(len(j), lag, dtype=np.int64))
    if not found_t:
        return np.zeros(0, dtype=np.int64)
    pos = np.concatenate(found_t)
    lag_arr = np.concatenate(found_l)
    keep = t.cjk[cp[pos]]
    pos, lag_arr = pos[keep], lag_arr[keep]
    # the doubled unit: a run of L CJK characters equal to the L after them, through pos
    run = np.ones(len(pos), dtype=np.int64)
    for sign in (-1, 1):
        going = np.ones(len(pos), dtype=bool)
        for d in range(1, 40):
            at = pos + sign * d
            valid = (at >= 0) & (at + lag_arr < n)
            at = np.clip(at, 0, n - 1)
            going &= valid & (cp[at] == cp[np.minimum(at + lag_arr, n - 1)]) & t.cjk[cp[at]]
            if not going.any():
                break
            run += going
    return pos[run >= lag_arr]


def _doubling_starts(np: Any, t: _Tables, cp: Any) -> Any:
    """Starts of every CJK word of 2 to 4 characters written twice (a match of stutter._CJK_UNIT
    starts at one of them)."""
    n = len(cp)
    out = []
    for u in (2, 3, 4):
        e = np.flatnonzero(cp[:-u] == cp[u:])
        ok = t.cjk[cp[e]] & (e + 2 * u <= n)
        for d in range(1, u):
            at = np.minimum(e + d, n - u - 1)
            ok &= cp[at] == cp[at + u]
        out.append(e[ok])
    return np.concatenate(out)


def _rep002_positions(np: Any, t: _Tables, cp: Any, cls: Any, bstarts: Any, has_cjk: bool) -> tuple[Any, Any]:
    """Starts of possible CJK doublings, and ``(start, end)`` spans of possible doubled Latin
    words (the two tokens and one character after them)."""
    n = len(cp)
    empty = np.zeros(0, dtype=np.int64)
    cjk_pos = [empty]
    if has_cjk:
        cjk_pos.append(_doubling_starts(np, t, cp))
        # one character twice at the start of an item, running into a word (_cjk_chars)
        e = np.flatnonzero(cp[:-1] == cp[1:])
        ok = t.aa[cp[e]] & (e + 2 < n)
        ok &= t.cjk[cp[np.minimum(e + 2, n - 1)]]
        at_block = bstarts[np.minimum(np.searchsorted(bstarts, e), len(bstarts) - 1)] == e
        ok &= (e == 0) | t.item_start[cp[np.maximum(e - 1, 0)]] | at_block
        cjk_pos.append(e[ok])
    latin: tuple[Any, Any] = (empty, empty)
    token = cls & _TOKEN_BIT
    if token.any():
        ts, te = _true_runs(token)
        lens = te - ts
        j = np.flatnonzero(lens[:-1] == lens[1:])
        a_s, a_e, b_s, b_e = ts[j], te[j], ts[j + 1], te[j + 1]
        low = t.lower
        ok = low[cp[a_s]] == low[cp[b_s]]
        ok &= low[cp[a_e - 1]] == low[cp[b_e - 1]]
        ok &= t.ws[cp[a_e]] & t.ws[cp[b_s - 1]]
        half = (a_e - a_s) // 2
        ok &= low[cp[a_s + half]] == low[cp[b_s + half]]
        latin = (a_s[ok], np.minimum(b_e[ok] + 1, n))
    return np.concatenate(cjk_pos), latin


#: repeated_name._MAX_DISTANCE
_MAX_NAME_DISTANCE = 600


def _rep003_blocks(
    np: Any, t: _Tables, window: str, cp: Any, cls: Any, bstarts: Any, bends: Any, min_cjk: int, min_words: int
) -> Any:
    """Window block numbers and window offsets of list items that share a name key with an
    item shortly before them (repeated_name._pairs): where a second mention may start."""
    n = len(cp)
    u64 = np.uint64
    punct = (cls & _PUNCT_BIT) != 0
    if "." in window:
        dots = [m.start() for m in compiled(r"\.(?=\w)").finditer(window)]
        if dots:
            punct[dots] = False
    marks = np.flatnonzero(punct)
    keys = []
    blocks_of = []
    # where each keyed item starts and ends: two CJK mentions stand at most _MAX_DISTANCE apart
    key_starts = []
    key_ends = []
    if "、" in window:
        # CJK list items: text between two marks, one of them 、, inside one block
        dun = np.flatnonzero(cp == 0x3001)
        k = np.searchsorted(marks, dun)
        blk = np.searchsorted(bstarts, dun, side="right") - 1
        before_s = np.maximum(np.where(k > 0, marks[np.maximum(k - 1, 0)] + 1, 0), bstarts[blk])
        after_e = np.minimum(np.where(k + 1 < len(marks), marks[np.minimum(k + 1, len(marks) - 1)], n), bends[blk])
        seg_s = np.concatenate([before_s, dun + 1])
        seg_e = np.concatenate([dun, after_e])
        seg_b = np.concatenate([blk, blk])
        # an item between two 、 is one item, not two
        order = np.argsort(seg_s, kind="stable")
        seg_s, seg_e, seg_b = seg_s[order], seg_e[order], seg_b[order]
        first_at = np.ones(len(seg_s), dtype=bool)
        first_at[1:] = seg_s[1:] != seg_s[:-1]
        seg_s, seg_e, seg_b = seg_s[first_at], seg_e[first_at], seg_b[first_at]
        ok = seg_e - seg_s >= min_cjk
        seg_s, seg_e, seg_b = seg_s[ok], seg_e[ok], seg_b[ok]
        # trim white space (rare: done one by one)
        ragged = np.flatnonzero(t.ws[cp[seg_s]] | t.ws[cp[seg_e - 1]])
        for r in ragged.tolist():
            s, e = int(seg_s[r]), int(seg_e[r])
            piece = window[s:e]
            seg_s[r] = s + len(piece) - len(piece.lstrip())
            seg_e[r] = e - (len(piece) - len(piece.rstrip()))
        ok = seg_e - seg_s >= min_cjk
        seg_s, seg_e, seg_b = seg_s[ok], seg_e[ok], seg_b[ok]
        if len(seg_s):
            span = np.arange(min_cjk)

            def gram(at: Any) -> Any:
                chars = t.fold[cp[at[:, None] + span]].astype(u64)
                h = np.zeros(len(at), dtype=u64)
                for c in range(min_cjk):
                    h = h * u64(0x100000001B3) + chars[:, c]
                return h

            lens = seg_e - seg_s
            # heads match heads and the names that a crossed pair shares start at most three
            # characters into an item; tails match tails
            for off in range(4):
                has = lens >= off + min_cjk
                keys.append(gram(seg_s[has] + off) * u64(4))
                blocks_of.append(seg_b[has])
                key_starts.append(seg_s[has])
                key_ends.append(seg_e[has])
            keys.append(gram(seg_e - min_cjk) * u64(4) + u64(1))
            blocks_of.append(seg_b)
            key_starts.append(seg_s)
            key_ends.append(seg_e)
    if "," in window or ";" in window:
        # Latin list items: words are runs without white space or marks; a name's words start a
        # piece (after a mark or and/or/plus/as) or end one (before a mark or and/or)
        word = ~punct & ((cls & _WS_BIT) == 0)
        ws_, we = _true_runs(word)
        count = len(ws_)
        if count >= min_words:
            low = t.fold
            wl = we - ws_
            sig = wl.astype(u64)
            for at in (ws_, np.minimum(ws_ + 1, we - 1), (ws_ + we - 1) // 2, we - 1):
                sig = sig * u64(0x100000001B3) + low[cp[at]]

            def word_sig(w: str) -> int:
                codes = [ord(c) for c in w]
                h = len(w)
                for c in (codes[0], codes[min(1, len(w) - 1)], codes[(len(w) - 1) // 2], codes[-1]):
                    h = (h * 0x100000001B3 + c) & 0xFFFFFFFFFFFFFFFF
                return h

            conj = (sig == u64(word_sig("and"))) | (sig == u64(word_sig("or")))
            lead = conj | (sig == u64(word_sig("plus"))) | (sig == u64(word_sig("as")))
            gap_s = we[:-1]
            gap_e = ws_[1:]
            # a gap of white space only (checked at both ends; a long gap counts as a mark)
            marked = ~(t.ws[cp[gap_s]] & t.ws[cp[gap_e - 1]]) | (gap_e - gap_s > 2)
            blk = np.searchsorted(bstarts, ws_, side="right") - 1
            new_block = np.ones(count, dtype=bool)
            new_block[1:] = blk[1:] != blk[:-1]
            starts_piece = new_block.copy()
            starts_piece[1:] |= marked | lead[:-1]
            ends_piece = np.ones(count, dtype=bool)
            ends_piece[:-1] = new_block[1:] | marked | conj[1:]
            seq = sig[: count - min_words + 1].copy()
            for c in range(1, min_words):
                seq = seq * u64(0x9E3779B97F4A7C15) + sig[c : count - min_words + 1 + c]
            heads = np.flatnonzero(starts_piece[: count - min_words + 1])
            tails = np.flatnonzero(ends_piece[min_words - 1 :])
            keys.append(seq[heads] * u64(4) + u64(2))
            blocks_of.append(blk[heads])
            keys.append(seq[tails] * u64(4) + u64(3))
            blocks_of.append(blk[tails])
            # Latin pieces: where a piece ends is not known here, so no distance test; the
            # start of the item holding the key stands for where the piece starts
            for part in (heads, tails):
                k = np.searchsorted(marks, ws_[part])
                item_start = np.where(k > 0, marks[np.maximum(k - 1, 0)] + 1, 0)
                item_start = np.maximum(item_start, bstarts[blk[part]])
                key_starts.append(item_start)
                key_ends.append(np.full(len(part), 1 << 40, dtype=np.int64))
    if not keys:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    key = np.concatenate(keys)
    blk_all = np.concatenate(blocks_of).astype(np.int64)
    tagged = key ^ (blk_all.astype(u64) * u64(0xC2B2AE3D27D4EB4F))
    key_s = np.concatenate(key_starts)
    key_e = np.concatenate(key_ends)
    # equal keys in text order: the nearest earlier mention is the one next to it
    order = _lexsort2(np, tagged, key_s)
    ordered = tagged[order]
    dup = np.flatnonzero((ordered[1:] == ordered[:-1]) & (key_s[order[1:]] - key_e[order[:-1]] <= _MAX_NAME_DISTANCE))
    later = order[dup + 1]
    return blk_all[later], key_s[later]


def _lexsort2(np: Any, primary: Any, secondary: Any) -> Any:
    """``np.lexsort((secondary, primary))``: by ``primary``, then ``secondary``, then position.

    One unstable (vectorised) sort by ``primary``, then only the runs of equal ``primary``
    (few: keys are tagged with their block) re-sorted by ``secondary`` and position; several
    times quicker than ``lexsort``'s two stable passes over everything.
    """
    order = np.argsort(primary)
    ordered = primary[order]
    tie = ordered[1:] == ordered[:-1]
    if not tie.any():
        return order
    in_run = np.zeros(len(order), dtype=bool)
    in_run[1:] |= tie
    in_run[:-1] |= tie
    idx = np.flatnonzero(in_run)
    # a member starts a new run unless the one before it in sorted order has its key
    starts = np.ones(len(idx), dtype=bool)
    later = idx > 0
    starts[later] = ~tie[idx[later] - 1]
    run = np.cumsum(starts)
    members = order[idx]
    order[idx] = members[np.lexsort((members, secondary[members], run))]
    return order
