"""REP003 repeated-name: a long name listed twice in nearby enumerations of one paragraph."""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any, ClassVar

from dedup.model import Finding, Severity, Span
from dedup.rules import register
from dedup.rules._repeats import (
    CJK,
    DeletionGuard,
    _scan_options,
    block_repeats,
    candidate_blocks,
    compiled,
    count_cjk,
    fold,
    folded_block,
    normalize_allow,
    prefiltered,
    scan_parts,
)
from dedup.rules.base import Context, Rule

# List items: the text between punctuation marks (not spaces: Latin names contain them),
# starting right after a mark (so each item is tried once) and touching the list mark.
_PUNCT = ",;:!?…。.、，；：！？()（）\"“”"
_SEPARATORS = _PUNCT + " \t\r\n\u3000"
_ITEM = rf"(?:[^{_PUNCT}]|\.(?=\w))++"
# patterns compiled on first use (compiled()): compiling at import costs every start-up
_CJK_ITEM = rf"(?<![^{_PUNCT}]){_ITEM}(?=、)|(?<=、){_ITEM}"
_LATIN_ITEM = rf"(?<![^{_PUNCT}]){_ITEM}(?=[,;])|(?<=[,;]){_ITEM}"
_HAS_CJK = f"[{CJK}]"
_SENTENCE_END = r"[。!?…！？]|\.(?!\w)"
_WORD = r"\S+"
_NAME_WORD = r"^[^\W\d_][\w'’\-]*$"
_NAME_FUNCTION_WORDS = frozenset(("the", "a", "an", "of", "and", "for", "in", "on", "at", "to", "de", "van", "von"))
#: How far apart two mentions may stand (characters), whatever the sentences: a phrase
#: repeated far apart in a paragraph is prose, not a layout fault.
_MAX_DISTANCE = 600
_LOOK_BACK = 8
#: Pairs of a long block checked against a phrase scan of their surroundings; beyond, the
#: whole block is scanned once.
_PART_SCANS = 8
_CONJUNCTION = r"\s+(?:and|or)\s+"
_LEADING_LATIN = ("and ", "or ", "as well as ", "plus ")


@dataclass(slots=True)
class _Segment:
    start: int  # block-local, trimmed
    end: int
    text: str  # folded
    sentence: int
    cjk: int
    words: list[str]
    raw: str  # the item as printed (case kept), Latin only
    first: bool  # opens its list: a name in it may follow a verb (推进甬舟高速、…)
    last: bool  # closes its list: a name in it may be followed by a tail (…、甬舟高速等项目)


@register
class RepeatedName(Rule):
    """The same long name listed twice within one paragraph, in separate enumerations.

    A layout fault can carry a list item from one line into a neighbouring list,
    so a project or organisation name (six or more CJK characters, or three or
    more words) stands in two enumerations a sentence apart.  It may also be
    legitimate (a second stage of the same project), so the second occurrence is
    reported as a warning for review and never changed.  Names repeated far
    apart, inside one item, or as parts of different names (``6号线一期``,
    ``8号线一期``) are not reported; a name repeated in adjacent items is REP001's.

    Anti-pattern:
        ``加快建设沪昆铁路、沿江高速复线东港段等项目。加快推进铁路南山支线、沿江高速复线东港段前期。``

    Best practice:
        Check the scan: keep the second mention only if the report really lists the
        project twice (here: construction, then preparatory work of another stage).
    """

    code = "REP003"
    name = "repeated-name"
    kind = "repeated-name"
    groups = ("repeats",)
    fixable = False
    phase = 40
    default_severity = Severity.WARNING
    options: ClassVar[dict[str, Any]] = {"allow": [], "min_cjk": 6, "min_words": 3, "max_sentences": 1}
    examples_bad: ClassVar[tuple[tuple[str, str | None], ...]] = (
        ("加快建设沪昆铁路、沿江高速复线东港段等项目。加快推进铁路南山支线、沿江高速复线东港段前期。", None),
        (
            "The fund supports the library, the Riverside Community Health Centre, and the harbour school. "
            "It also pays the city museum, the Riverside Community Health Centre, and the zoo.",
            None,
        ),
        ("推进宁波市第一医院新院区、宁波大学附属医院建设。加快市妇儿医院、宁波市第一医院新院区前期。", None),
    )
    examples_good: ClassVar[tuple[str, ...]] = (
        "启动轨道交通6号线一期和域铁路宁慈线，推进7号线、8号线一期和域铁路宁象线。",
        "向着现代化滨海大都市目标阔步前行。我们要为加快建设现代化滨海大都市而努力奋斗！",
        "完善城乡居民基本养老保险、职工基本医疗保险。提高城乡居民基本医疗保险补助标准、优抚对象待遇。",
    )

    def check(self, ctx: Context) -> Iterator[Finding]:
        allow = normalize_allow(ctx.option(self, "allow"))
        min_cjk = int(ctx.option(self, "min_cjk"))
        min_words = int(ctx.option(self, "min_words"))
        max_sentences = int(ctx.option(self, "max_sentences"))
        guard = DeletionGuard(ctx.planned_deletions())
        options = ctx.shared("repeats.options", _scan_options)  # option errors are reported even with no text
        flagged = prefiltered(ctx, self.code)
        for block in candidate_blocks(ctx, self.code):
            adjacent: DeletionGuard | None = None  # the phrase scan, run only when a pair needs it
            part_scans = 0
            raw = block.text
            where = None if flagged is None else flagged[block.index]
            if where is None:
                pairs: Iterable[tuple[Span, Span]] = self._pairs(
                    raw, folded_block(ctx, block), block.start, min_cjk, min_words, max_sentences
                )
            else:
                # a long text: the pairs whose second mention the prefilter found, each looked
                # for in the text that can reach it (_MAX_DISTANCE before it)
                assert isinstance(where, list)
                lists = ("、" in raw, "," in raw or ";" in raw)
                pairs = (
                    pair
                    for pos, endpos, trusted in _regions(raw, where)
                    for pair in self._pairs(
                        raw, None, block.start, min_cjk, min_words, max_sentences, pos, endpos, lists, trusted
                    )
                )
            for first, second in pairs:
                if fold(second.slice(ctx.text)) in allow or " ".join(fold(second.slice(ctx.text)).split()) in allow:
                    continue
                if guard.hits(first.start, second.end):
                    continue
                part_scans += 1
                if where is not None and adjacent is None and part_scans > _PART_SCANS:
                    # many pairs in this block: the phrase scan of all of it, once
                    adjacent = DeletionGuard(s for r in block_repeats(ctx, block) for s in (r.keep, r.copy))
                if where is not None and adjacent is None:
                    # the phrase scan around the two mentions: the repeats that can touch them
                    spans = [(first.start - block.start, first.end - block.start)]
                    spans.append((second.start - block.start, second.end - block.start))
                    max_items, max_chars, near = options
                    near_repeats = scan_parts(
                        block,
                        [p for a, b in spans for p in (a, max(a, b - 1))],
                        [p for a, b in spans for p in range(a, b)],
                        max_items=max_items,
                        max_chars=max_chars,
                        near=near,
                    )
                    if near_repeats is None:  # no small part here: the whole block, once
                        adjacent = DeletionGuard(s for r in block_repeats(ctx, block) for s in (r.keep, r.copy))
                    else:
                        pair_guard = DeletionGuard(s for r in near_repeats for s in (r.keep, r.copy))
                        if pair_guard.hits(first.start, first.end) or pair_guard.hits(second.start, second.end):
                            continue
                if adjacent is None and where is None:
                    adjacent = DeletionGuard(s for r in block_repeats(ctx, block) for s in (r.keep, r.copy))
                if adjacent is not None and (
                    adjacent.hits(first.start, first.end) or adjacent.hits(second.start, second.end)
                ):
                    continue
                name = second.slice(ctx.text)
                yield self.finding(
                    ctx,
                    second,
                    f"name listed again: {name!r} already stands in a list just before; check the scan",
                    confidence=0.6,
                    related=(first,),
                    evidence={"name": name},
                )

    def _pairs(
        self,
        raw: str,
        folded: str | None,
        base: int,
        min_cjk: int,
        min_words: int,
        max_sentences: int,
        pos: int = 0,
        endpos: int | None = None,
        lists: tuple[bool, bool] | None = None,
        trusted: int = 0,
    ) -> Iterator[tuple[Span, Span]]:
        """Pairs of mentions in ``raw[pos:endpos]`` (all of it by default) whose second mention
        starts at ``trusted`` or later."""
        segments = _segments(raw, folded, min_cjk, min_words, pos, endpos, lists)
        if len(segments) < 2:
            return
        by_head: dict[object, int] = {}
        by_tail: dict[object, int] = {}
        reported: set[tuple[int, int]] = set()
        recent: list[int] = []  # CJK first and last items of the sentences in reach
        for j, seg in enumerate(segments):
            if seg.cjk >= min_cjk and (seg.first or seg.last):
                # a bounded look-back keeps this linear in text without sentence ends
                recent = [
                    r
                    for r in recent[-_LOOK_BACK:]
                    if seg.sentence - segments[r].sentence <= max_sentences
                    and seg.start - segments[r].end <= _MAX_DISTANCE
                ]
                for r in recent:
                    other = segments[r]
                    if (r, j) in reported or _neighbours(raw, other, seg):
                        continue
                    mixed = _crossed(other, seg, min_cjk)
                    if mixed is not None:
                        reported.add((r, j))
                        (a0, a1), (b0, b1) = mixed
                        if seg.start >= trusted:
                            yield Span(base + a0, base + a1), Span(base + b0, base + b1)
                recent.append(j)
            if seg.cjk >= min_cjk:
                head: object = seg.text[:min_cjk]
                tail: object = seg.text[-min_cjk:]
            elif not seg.cjk and len(seg.words) >= min_words:
                head = ("w", *seg.words[:min_words])
                tail = ("w", *seg.words[-min_words:])
            else:
                continue
            for index, key, anchored in ((by_head, head, "head"), (by_tail, tail, "tail")):
                prev = index.get(key)
                index[key] = j
                if prev is None or (prev, j) in reported:
                    continue
                other = segments[prev]
                if seg.sentence - other.sentence > max_sentences or seg.start - other.end > _MAX_DISTANCE:
                    continue
                if _neighbours(raw, other, seg):
                    continue  # neighbouring items: a repeated phrase (REP001), not a name
                spans = _common(other, seg, anchored, min_cjk, min_words)
                if spans is None:
                    continue
                reported.add((prev, j))
                (a0, a1), (b0, b1) = spans
                if seg.start >= trusted:
                    yield Span(base + a0, base + a1), Span(base + b0, base + b1)


def _regions(raw: str, points: list[int]) -> list[tuple[int, int, int]]:
    """``(pos, endpos, trusted)`` parts of ``raw`` to search for the pairs whose second mention
    starts at one of ``points``: from just after a list mark more than _MAX_DISTANCE before
    (every earlier mention in reach is in the part, and no item is cut) to just after the
    mark that ends the mention; pairs are taken from ``trusted`` on."""
    out: list[tuple[int, int, int]] = []
    size = len(raw)
    for b in sorted(set(points)):
        r = b - _MAX_DISTANCE - 1
        while r > 0 and not (raw[r - 1] in _PUNCT and raw[r - 1] != "."):
            r -= 1
        r = max(r, 0)
        e = b
        while e < size and not (raw[e] in _PUNCT and raw[e] != "."):
            e += 1
        e = min(e + 1, size)
        trusted = r + _MAX_DISTANCE + 1 if r else 0
        if out and r < out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], e), out[-1][2])
        else:
            out.append((r, e, trusted))
    return out


def _neighbours(raw: str, a: _Segment, b: _Segment) -> bool:
    """Whether only separators stand between two items."""
    return b.start - a.end <= 8 and not raw[a.end : b.start].strip(_SEPARATORS)


def _segments(
    raw: str,
    folded_raw: str | None,
    min_cjk: int,
    min_words: int,
    pos: int = 0,
    endpos: int | None = None,
    lists: tuple[bool, bool] | None = None,
) -> list[_Segment]:
    """List items of ``raw`` long enough to hold a name, in order: CJK items next to 、,
    Latin ones next to a comma or semicolon.

    ``pos`` and ``endpos`` (just after list marks) restrict the search to a part of the
    block, ``lists`` says which kinds of list the whole block has, and ``folded_raw``
    (``fold(raw)``) is folded item by item when None.
    """
    has_cjk_list, has_latin_list = ("、" in raw, "," in raw or ";" in raw) if lists is None else lists
    if not has_cjk_list and not has_latin_list:
        return []
    if endpos is None:
        endpos = len(raw)
    ends = [m.start() for m in compiled(_SENTENCE_END).finditer(raw, pos, endpos)]
    out: list[_Segment] = []
    patterns = []
    if has_cjk_list:
        patterns.append((compiled(_CJK_ITEM), True))
    if has_latin_list:
        patterns.append((compiled(_LATIN_ITEM), False))
    for pattern, cjk_list in patterns:
        for m in pattern.finditer(raw, pos, endpos):
            text = m.group()
            # cheap length checks first: most items are too short to be a name
            if cjk_list and len(text) < min_cjk:
                continue
            if not cjk_list and text.count(" ") + 1 < min_words:
                continue
            s = m.start() + len(text) - len(text.lstrip())
            e = m.end() - (len(text) - len(text.rstrip()))
            if e <= s:
                continue
            folded = folded_raw[s:e] if folded_raw is not None else fold(raw[s:e])
            cjk = count_cjk(folded) if cjk_list else 0
            if cjk_list != bool(cjk) or (not cjk_list and compiled(_HAS_CJK).search(folded)):
                continue
            mark = "、" if cjk else ",;"
            before = m.start() > 0 and raw[m.start() - 1] in mark
            after = m.end() < len(raw) and raw[m.end()] in mark
            sentence = bisect.bisect_left(ends, s)
            if cjk:
                out.append(_Segment(s, e, folded, sentence, cjk, [], "", not before, not after))
                continue
            for lead in _LEADING_LATIN:
                if folded.startswith(lead):
                    s += len(lead)
                    folded = folded[len(lead) :]
                    break
            # "A, B and C": the closing item holds two list items
            pieces = [(0, len(folded))]
            if " and " in folded or " or " in folded:
                cuts = list(compiled(_CONJUNCTION).finditer(folded))
                starts = [0] + [c.end() for c in cuts]
                stops = [c.start() for c in cuts] + [len(folded)]
                pieces = list(zip(starts, stops, strict=True))
            for n, (ps, pe) in enumerate(pieces):
                piece = folded[ps:pe]
                out.append(
                    _Segment(
                        s + ps,
                        s + pe,
                        piece,
                        sentence,
                        0,
                        piece.split(),
                        raw[s + ps : s + pe],
                        not before and n == 0,
                        not after and n == len(pieces) - 1,
                    )
                )
    if len(patterns) > 1:
        out.sort(key=lambda seg: seg.start)
    return out


def _crossed(a: _Segment, b: _Segment, min_cjk: int) -> tuple[tuple[int, int], tuple[int, int]] | None:
    """A name that ends one item and starts the other (推进X、… / …、X前期), either way round."""
    if a.first and b.last:
        p = a.text.find(b.text[:min_cjk])
        if 0 < p <= 3 and b.text.startswith(a.text[p:]) and len(b.text) - (len(a.text) - p) <= 3:
            n = len(a.text) - p
            return (a.start + p, a.end), (b.start, b.start + n)
    if a.last and b.first:
        q = a.text.find(b.text[-min_cjk:])
        if q >= 0:
            n = q + min_cjk
            head = len(b.text) - n
            if 0 < head <= 3 and b.text.endswith(a.text[:n]) and len(a.text) - n <= 3:
                return (a.start, a.start + n), (b.end - n, b.end)
    return None


def _common(
    a: _Segment, b: _Segment, anchored: str, min_cjk: int, min_words: int
) -> tuple[tuple[int, int], tuple[int, int]] | None:
    """The shared name of two segments anchored at their starts or ends, if it is one."""
    if a.cjk:
        if not b.cjk:
            return None
        x, y = (a.text, b.text) if anchored == "head" else (a.text[::-1], b.text[::-1])
        n = 0
        limit = min(len(x), len(y))
        while n < limit and x[n] == y[n]:
            n += 1
        rest_a, rest_b = len(a.text) - n, len(b.text) - n
        # the leftover must be a short head or tail (等项目, 前期, 推进), not another name part
        if count_cjk(x[:n]) < min_cjk or rest_a > 3 or rest_b > 3:
            return None
        if anchored == "head":
            return (a.start, a.start + n), (b.start, b.start + n)
        return (a.end - n, a.end), (b.end - n, b.end)
    if b.cjk:
        return None
    wa, wb = (a.words, b.words) if anchored == "head" else (a.words[::-1], b.words[::-1])
    n = 0
    while n < min(len(wa), len(wb)) and wa[n] == wb[n]:
        n += 1
    if n < min_words:
        return None
    if not all(compiled(_NAME_WORD).match(w) for w in wa[:n]):
        # grammar notation, code, numbers: not a name
        return None
    # a name is capitalised (the Riverside Community Health Centre); in lower case it is a
    # clause that commas happen to surround ("it defaults to")
    raw_words = a.raw.split() if anchored == "head" else a.raw.split()[::-1]
    content = [w for w in raw_words[:n] if w.lower() not in _NAME_FUNCTION_WORDS]
    if len(content) < 2 or not all(w[:1].isupper() for w in content):
        return None
    if len(wa) != n and len(wb) != n:
        # neither mention is the whole item: two names sharing words ("the Port of X", "the Port of Y")
        return None
    if anchored == "head":
        return (a.start, _word_end(a, n)), (b.start, _word_end(b, n))
    return (_word_start(a, n), a.end), (_word_start(b, n), b.end)


def _word_end(seg: _Segment, n: int) -> int:
    """End offset of the first ``n`` words of ``seg``."""
    return seg.start + [m.end() for m in compiled(_WORD).finditer(seg.text)][n - 1]


def _word_start(seg: _Segment, n: int) -> int:
    """Start offset of the last ``n`` words of ``seg``."""
    return seg.start + [m.start() for m in compiled(_WORD).finditer(seg.text)][-n]
