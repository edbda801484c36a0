"""LAY001 broken-paragraph: a sentence cut where a column or page ends."""

from __future__ import annotations

from collections.abc import Iterator
from typing import ClassVar

from dedup.model import Finding, Fix, Span
from dedup.rules import register
from dedup.rules._layout import WORD_CUT_MIN_GAIN, analyse_breaks, gap_edit
from dedup.rules.base import Context, Rule


@register
class BrokenParagraph(Rule):
    """A paragraph split in two where a column or page ends mid-sentence.

    A block that ends without terminal punctuation for its script, followed by a
    block that continues it, is joined: CJK text without a space; Latin text with
    a space, or rejoining a word hyphenated across the break when the joined word
    is the more plausible one (it occurs elsewhere unhyphenated, or the hyphenated
    form never does).  Hard-wrapped blocks keep a line break where the blank line
    was.  The continuation is looked for past blocks that earlier phases delete
    (page headers, markers, duplicated splices).  A heading or headline (no
    sentence punctuation at all) followed by its body is not a broken paragraph,
    nor is a block followed by a heading, a numbered item or, in Latin text, a
    capitalised sentence.  In CJK text a heading-shaped block is a cut sentence when
    the break splits a word of a general dictionary (``教|育``; no headline ends inside
    a word), when it ends on a function word or a predicate adverb, or when the next
    block opens with a particle or a conjunction.

    Anti-pattern:
        ``强化经济技术开发区、前湾新区、高新`` / ``区的硬核支撑能力。``

    Best practice:
        ``强化经济技术开发区、前湾新区、高新区的硬核支撑能力。``
    """

    code = "LAY001"
    name = "broken-paragraph"
    kind = "broken-paragraph"
    groups = ("layout",)
    fixable = True
    phase = 60
    examples_bad: ClassVar[tuple[tuple[str, str | None], ...]] = (
        ("抓好开发建设。强化高新\n\n区的硬核支撑能力。", "抓好开发建设。强化高新区的硬核支撑能力。"),
        ("The council voted to\n\napprove the bridge.", "The council voted to approve the bridge."),
        ("A fine exam-\n\nple of the work.", "A fine example of the work."),
    )
    examples_good: ClassVar[tuple[str, ...]] = (
        "四、全面提升政府治理现代化水平\n\n加快建设现代化滨海大都市。",
        "He said: \"We are done.\"\n\nThe meeting closed.",
        "Apples\n\nPears\n\nPlums",
    )

    def check(self, ctx: Context) -> Iterator[Finding]:
        breaks = ctx.shared("layout.breaks", analyse_breaks)
        text = ctx.text
        for join in breaks.joins:
            a, b = join.a, join.b
            edit, evidence = gap_edit(text, a, b, ctx.blocks, ctx.doc.newline)
            tail = a.text.rstrip()[-12:]
            head = b.text.lstrip()[:12]
            confidence = 0.9 if join.score > 0 or join.word_gain >= WORD_CUT_MIN_GAIN else 0.8
            extra: dict[str, object] = {}
            if join.word_gain >= WORD_CUT_MIN_GAIN:
                extra["word_cut_gain"] = round(join.word_gain, 1)
            yield self.finding(
                ctx,
                Span(edit.start, edit.end),
                f"sentence cut across a break: {tail!r} | {head!r}",
                confidence=confidence,
                related=(a.span, b.span),
                evidence={"tail": tail, "head": head, "junction_score": join.score, **extra, **evidence},
                fix=Fix((edit,)),
            )
