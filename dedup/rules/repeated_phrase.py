"""REP001 repeated-phrase: a phrase or a run of list items printed twice in a row."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, ClassVar

from dedup.model import Edit, Finding, Fix, Severity
from dedup.rules import register
from dedup.rules._repeats import (
    DeletionGuard,
    Repeat,
    _scan_options,
    block_repeats,
    candidate_blocks,
    dirty_scope,
    fold,
    normalize_allow,
    prefiltered,
    scan_parts,
    sep_class,
)
from dedup.rules.base import Context, Rule


def assess(repeat: Repeat) -> tuple[float, str] | None:
    """How sure a repetition is an OCR/layout fault, and what to do about it.

    Returns ``(confidence, action)`` with action ``"fix"`` (safe deletion),
    ``"propose"`` (deletion proposed but not applied: the copies differ) or
    ``"report"`` (no fix), or None when the repetition is not a finding at all.
    The thresholds keep legitimate doubling out: a short CJK item repeated
    after ``，`` may be emphasis (``快，快``) while after ``、`` (an enumeration)
    it never is; Latin single words belong to REP002.
    """
    if "." in sep_class(fold(repeat.sep)):
        # a whole sentence twice: OCR, or a refrain ("Come in, new year, come in!"); only a
        # long one is safe to delete
        if repeat.mode in ("near",):
            return None
        long_enough = repeat.cjk >= 8 if repeat.cjk else repeat.words >= 8
        if repeat.cjk >= 3 or repeat.words >= 3:
            return (0.9, "fix") if long_enough else (0.6, "propose")
        return None
    if repeat.cjk:
        if repeat.mode == "inline":
            return (0.9, "fix") if repeat.cjk >= 5 else None
        if repeat.mode == "exact":
            if repeat.cjk >= 4:
                return 0.95, "fix"
            if repeat.cjk >= 2:
                return (0.9, "fix") if ("、" in repeat.sep or repeat.items >= 2) else (0.6, "report")
            return None
        if repeat.mode == "partial":
            if repeat.cjk >= 4 and ("、" in repeat.sep or repeat.items >= 2):
                return 0.85, "fix"
            if repeat.cjk >= 3 and "、" in repeat.sep:
                return 0.8, "fix"
            return (0.55, "report") if repeat.cjk >= 3 else None
        # near: one character differs, so neither copy can be proven redundant
        if repeat.cjk >= 6 or (repeat.items >= 2 and repeat.cjk >= 4):
            return (0.75 if repeat.items >= 2 else 0.6), "propose"
        return None
    if repeat.items < 2 or repeat.words < 2:
        return None
    letters = sum(1 for ch in repeat.text if ch.isalpha())
    if letters < 6:
        return None
    if repeat.mode == "near":
        return (0.65, "propose") if repeat.words >= 3 and letters >= 8 else None
    if repeat.shouting:
        # a headline runs into the text it heads (MANAGEMENT OF HOT LAKE / HOT LAKE, Ore.)
        return 0.5, "report"
    if not repeat.sep.strip():
        words = fold(repeat.text).split()
        if len(words) == 2 and (
            (words[0] in _CONNECTORS and words[1] in _IDIOM_WORDS)
            or (words[1] in _CONNECTORS and words[0] in _IDIOM_WORDS)
        ):
            # "from time to time to", "and more and more": an idiom (X to X, X and X) meeting
            # its own next word, not a doubling
            return 0.5, "report"
        if len(words) == 2 and words[0] in _PRONOUNS:
            # "when they think they think right": a clause inside a clause
            return 0.5, "report"
        return 0.9, "fix"
    # "the separator, the separator itself", "come on, come on": apposition and dialogue
    if repeat.words >= 4:
        return 0.8, "fix"
    return (0.6, "report") if repeat.words == 3 else None


#: Words that join a word to itself in idioms: time to time, more and more, side by side,
#: day after day, hand in hand, year over year, one by one.
_CONNECTORS = frozenset(("and", "or", "to", "by", "after", "for", "upon", "on", "in", "over", "against", "with"))
_PRONOUNS = frozenset(("i", "you", "he", "she", "we", "they", "it", "who"))
_IDIOM_WORDS = frozenset(
    (
        "time", "day", "year", "week", "month", "hour", "night", "side", "face", "hand", "arm", "head", "door",
        "back", "step", "one", "more", "less", "case", "bit", "little", "word", "line", "page", "point", "row",
        "again", "over", "round", "through", "neck", "man", "heart", "mouth", "shoulder", "cheek", "eye", "toe",
        "nose", "dollar", "inch", "block", "house", "town", "piece", "layer", "bigger", "better", "worse",
    )
)


@register
class RepeatedPhrase(Rule):
    """A phrase or a run of list items immediately repeated inside a sentence.

    Layout faults print a stretch of a line twice: a run of enumerated items
    (``A、B、A、B``), a clause, or a few words of an English line.  The copies are
    aligned to item boundaries (the separators ``、，,;`` and spaces) and compared
    character by character for CJK and word by word for Latin script.  The fix
    removes the second copy with the separator before it, so the list reads once;
    the first copy is named as the retained twin.  A copy with one OCR character
    error is reported with a proposed (unsafe) fix, since neither copy can be
    shown to be the right one.  Parallel structures (``再深化、再提升、再突破``),
    three or more copies (``落实、落实、再落实``) and phrases repeated far apart are
    not findings.

    Anti-pattern:
        ``加快建设沪昆铁路、沿江快速路一期、滨海大道二期、沿江快速路一期、滨海大道二期等项目。``

    Best practice:
        ``加快建设沪昆铁路、沿江快速路一期、滨海大道二期等项目。``
    """

    code = "REP001"
    name = "repeated-phrase"
    kind = "repeated-phrase"
    groups = ("repeats",)
    fixable = True
    phase = 40
    default_severity = Severity.WARNING
    options: ClassVar[dict[str, Any]] = {
        "allow": [],
        "max_items": 12,
        "max_chars": 400,
        "near": True,
    }
    examples_bad: ClassVar[tuple[tuple[str, str | None], ...]] = (
        (
            "加快建设沪昆铁路、沿江快速路一期、滨海大道二期、沿江快速路一期、滨海大道二期等项目。",
            "加快建设沪昆铁路、沿江快速路一期、滨海大道二期等项目。",
        ),
        ("推进示范区建设示范区建设，完善配套政策。", "推进示范区建设，完善配套政策。"),
        ("The council met in the city hall in the city hall on Monday.", "The council met in the city hall on Monday."),
        ("完善交通网络、城市基础设施建设、城市基础设旎建设、公共服务设施。", None),
    )
    examples_good: ClassVar[tuple[str, ...]] = (
        "推进垃圾分类工作再深化、再提升、再突破。",
        "说一件、干一件、成一件。",
        "启动轨道交通6号线一期和域铁路宁慈线，推进7号线、8号线一期和域铁路宁象线。",
        "发展、发展、再发展。",
        "He said it again and again, more and more loudly.",
    )

    def check(self, ctx: Context) -> Iterator[Finding]:
        allow = normalize_allow(ctx.option(self, "allow"))
        guard = DeletionGuard(ctx.planned_deletions())
        text = ctx.text
        max_items, max_chars, near = ctx.shared("repeats.options", _scan_options)
        scope = dirty_scope(ctx, self.code)
        if scope is None:
            flagged = prefiltered(ctx, self.code)
            blocks = candidate_blocks(ctx, self.code)
        else:
            # a later pass of clean: a repeat lies in one block and its decision reads that block
            # alone, so the blocks where the text changed are enough (see _repeats.dirty_scope)
            blocks, flagged = scope
        for block in blocks:
            where = None if flagged is None else flagged[block.index]
            repeats = None
            if where is not None:
                # a long text: the scan around the places the prefilter found
                assert isinstance(where, tuple)
                repeats = scan_parts(
                    block,
                    where[0],
                    where[1],
                    max_items=max_items,
                    max_chars=max_chars,
                    near=near,
                )
            if repeats is None:
                repeats = block_repeats(ctx, block)
            for repeat in repeats:
                verdict = assess(repeat)
                if verdict is None:
                    continue
                if " ".join(fold(repeat.text).split()) in allow:
                    continue
                if guard.hits(repeat.keep.start, repeat.drop.end):
                    continue
                confidence, action = verdict
                fix = None
                if action != "report":
                    fix = Fix(
                        (Edit.delete(text, repeat.drop.start, repeat.drop.end),),
                        keeps=(repeat.keep,),
                        safe=action == "fix",
                    )
                what = "items" if repeat.items > 1 else "phrase"
                if repeat.mode == "near":
                    message = f"{what} repeated with one character changed: {repeat.text!r}"
                else:
                    message = f"{what} printed twice in a row: {repeat.text!r}"
                yield self.finding(
                    ctx,
                    repeat.drop,
                    message,
                    confidence=confidence,
                    related=(repeat.keep,),
                    evidence={
                        "copy": repeat.text,
                        "kept": repeat.keep.slice(text),
                        "items": repeat.items,
                        "mode": repeat.mode,
                        "separator": repeat.sep,
                    },
                    fix=fix,
                    severity=Severity.INFO if action == "report" else None,
                )
