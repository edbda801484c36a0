"""NUM001: a gap or a repeated number in a sequence of numbered headings."""

from __future__ import annotations

from collections.abc import Iterable

from dedup.model import Finding, Severity, Span
from dedup.rules import register
from dedup.rules._text import STYLE_ORDER, heading_number, looks_like_heading
from dedup.rules.base import Context, Rule

_CN_DIGITS = "〇一二三四五六七八九"


def _cn_number(value: int) -> str:
    """``value`` in Chinese numerals as headings write it: 十, 十二, 二十, 一百零五, 一千二百.

    >>> [_cn_number(v) for v in (0, 7, 10, 12, 20, 35, 100, 105, 110, 1000, 1205, 20000)]
    ['〇', '七', '十', '十二', '二十', '三十五', '一百', '一百零五', '一百一十', '一千', '一千二百零五', '20000']
    """
    if value < 0 or value >= 10000:
        return str(value)  # no heading counts that far: the label only has to name the number
    if value < 10:
        return _CN_DIGITS[value]
    if value < 20:
        return "十" + (_CN_DIGITS[value - 10] if value > 10 else "")
    out = ""
    pending_zero = False
    for unit, name in ((1000, "千"), (100, "百"), (10, "十"), (1, "")):
        digit = value // unit % 10
        if digit:
            out += ("零" if pending_zero else "") + _CN_DIGITS[digit] + name
            pending_zero = False
        elif out:
            pending_zero = True
    return out


def _label(style: str, value: int) -> str:
    cn = _cn_number(value)
    return {
        "chapter": f"第{cn}章",
        "section": f"第{cn}节",
        "cn-comma": f"{cn}、",
        "cn-paren": f"（{cn}）",
        "arabic-dot": f"{value}.",
        "arabic-paren": f"（{value}）",
    }[style]


@register
class NumberingGap(Rule):
    """A numbered heading sequence skips or repeats a number at the same level.

    Headings are blocks that start with a number (一、 （一） 1. （1） 第一章) at
    the same level; a sequence restarts legitimately under a new parent heading.
    The check runs on the text as it will be after the deletions of earlier
    phases (duplicate sections), so it reports the number a removed copy leaves
    missing.  Nothing is changed: a missing section cannot be restored.

    Anti-pattern:
        （六） … （八） — section （七） is missing from the scan.

    Best practice:
        （六） … （七） … （八）
    """

    code = "NUM001"
    name = "numbering-gap"
    kind = "numbering-gap"
    groups = ("structure",)
    phase = 80
    default_severity = Severity.WARNING
    examples_bad = (("一、总体要求\n\n内容。\n\n三、主要任务\n\n内容。", None),)
    examples_good = ("一、总体要求\n\n（一）目标\n\n二、主要任务\n\n（一）重点",)

    def check(self, ctx: Context) -> Iterable[Finding]:
        last: dict[str, tuple[int, int]] = {}  # style -> (value, block index)
        for block in ctx.live_blocks():
            number = heading_number(block.text)
            if number is None:
                continue
            first_line = block.text.split("\n", 1)[0]
            level = STYLE_ORDER.index(number.style)
            # an outer heading starts new sequences below it
            for style in STYLE_ORDER[level + 1 :]:
                last.pop(style, None)
            previous = last.get(number.style)
            last[number.style] = (number.value, block.index)
            if previous is None:
                continue
            prev_value, prev_index = previous
            expected = prev_value + 1
            if number.value == expected or number.value == 1:
                continue
            # only heading-like blocks or consistently numbered items count: a stray "3." in prose does not
            prev_line = ctx.blocks[prev_index].text.split("\n", 1)[0]
            arabic = number.style in ("arabic-dot", "arabic-paren")
            if arabic and not looks_like_heading(first_line) and not looks_like_heading(prev_line):
                continue
            line_end = block.start + len(first_line)
            span = Span(block.start, line_end)
            prev_block = ctx.blocks[prev_index]
            prev_span = Span(prev_block.start, prev_block.start + len(prev_block.text.split("\n", 1)[0]))
            removed_note = ""
            gone = ctx.removed_blocks()
            if gone:
                missing = [
                    b
                    for b in ctx.blocks
                    if b.index in gone
                    and prev_index < b.index < block.index
                    and (n := heading_number(b.text)) is not None
                    and n.style == number.style
                ]
                if missing:
                    removed_note = " once the duplicated copy is removed"
            if number.value > expected:
                count = number.value - expected
                if count == 1:
                    gap = f"{_label(number.style, expected)} is missing"
                elif count <= 5:
                    gap = ", ".join(_label(number.style, v) for v in range(expected, number.value)) + " are missing"
                else:
                    gap = (f"{_label(number.style, expected)} to {_label(number.style, number.value - 1)} "
                           f"are missing ({count} numbers)")
                message = (
                    f"numbering jumps from {_label(number.style, prev_value)} to "
                    f"{_label(number.style, number.value)}{removed_note}: {gap}"
                )
            else:
                message = (
                    f"{_label(number.style, number.value)} follows {_label(number.style, prev_value)}: "
                    f"the number repeats or goes back{removed_note}"
                )
            yield self.finding(
                ctx,
                span,
                message,
                confidence=0.8 if looks_like_heading(first_line) else 0.6,
                related=(prev_span,),
                evidence={"style": number.style, "previous": prev_value, "value": number.value},
            )
