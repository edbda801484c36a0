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

from dedup.model import Block, Span
from dedup.rules.base import Context

__all__ = [
    "CJK",
    "DeletionGuard",
    "Repeat",
    "count_cjk",
    "fold",
    "folded_block",
    "is_numeric_char",
    "live_blocks",
    "normalize_allow",
    "phrase_repeats",
    "scan_block",
]

#: Character class body of the ideographs treated as CJK words (no kana: Japanese doubling
#: rules differ and are left alone).
CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_CJK_RE = re.compile(f"[{CJK}]")


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
    return len(_CJK_RE.findall(text))


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
ITEM_RE = re.compile(rf"(?:[^{_SEP_CHARS}]|\.(?=[^{_SEP_CHARS}]))+")
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
# character follows it, exactly as in ITEM_RE.
_SPLIT_RE = re.compile(rf"((?:[\s,;:!?…。]|\.(?![^{_SEP_CHARS}]))+)")


def split_items(folded: str) -> tuple[list[int], list[int], list[str]]:
    """Start and end offsets and texts of the items of ``folded`` (what ITEM_RE finds).

    >>> split_items(",ab, c.d.")
    ([1, 5], [3, 8], ['ab', 'c.d'])
    """
    parts = _SPLIT_RE.split(folded)
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
) -> Iterator[Repeat]:
    n = len(items)
    i = 1
    while i < n:
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
_INLINE_RE = re.compile(f"([{CJK}]{{5,40}})\\1")


def _scan_inline(raw: str, base: int, taken: list[Repeat]) -> Iterator[Repeat]:
    guard = DeletionGuard(Span(r.keep.start - base, r.copy.end - base) for r in taken)
    for m in _INLINE_RE.finditer(raw):
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


def folded_block(ctx: Context, block: Block) -> str:
    """``fold(block.text)``, computed once per document for all REP rules."""
    cache: dict[int, str] = ctx.shared("repeats.folded", lambda c: {})
    folded = cache.get(block.index)
    if folded is None:
        folded = cache[block.index] = fold(block.text)
    return folded


def phrase_repeats(ctx: Context) -> dict[int, list[Repeat]]:
    """The phrase scan of every live block, memoised per document (block index -> repeats)."""
    from dedup.rules.repeated_phrase import RepeatedPhrase

    def compute(c: Context) -> dict[int, list[Repeat]]:
        max_items = int(c.option(RepeatedPhrase, "max_items"))
        max_chars = int(c.option(RepeatedPhrase, "max_chars"))
        near = bool(c.option(RepeatedPhrase, "near"))
        if max_items < 1 or max_chars < 1:
            from dedup.config import ConfigError

            raise ConfigError("repeated-phrase: max_items and max_chars must be positive")
        return {
            b.index: scan_block(
                b, max_items=max_items, max_chars=max_chars, near=near, folded=folded_block(c, b)
            )
            for b in live_blocks(c)
        }

    result: dict[int, list[Repeat]] = ctx.shared("repeats.phrases", compute)
    return result
