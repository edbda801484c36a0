"""LAY003 running-header: page headers, footers and page numbers read into the text."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from typing import ClassVar

from dedup.model import Block, Finding, Fix
from dedup.rules import register
from dedup.rules._layout import (
    block_deletion,
    continues,
    deleted_by_kind,
    ends_sentence,
    furniture_key,
    is_furniture_text,
    is_heading,
    is_page_number,
    is_sentence_tail,
)
from dedup.rules.base import Context, Rule

#: kinds of phase-20 findings whose deleted blocks are fragments of other text (splices, copies)
SPLICED_KINDS = ("splice", "duplicate-section", "duplicate-paragraph")
#: a short line repeated this often is furniture even where it does not interrupt a sentence
REPEATS_ALONE = 3


@register
class RunningHeader(Rule):
    """Page header, footer or page number read into the running text.

    A short line without sentence punctuation (a publication or report title, a
    section title repeated at page tops, a page number, a date) is removed when it
    repeats across the document, or when it interrupts the text: it stands between
    a block cut mid-sentence and its continuation, or next to spliced fragments
    (blocks an earlier phase deletes as spliced or duplicated) and sentence tails
    such as ``上。``.  Numbered headings (``（八）…``, ``2. …``) are never headers, and
    a short line in a normal position (between complete paragraphs, once) is a
    heading, not furniture.

    Anti-pattern:
        ``…建设示范点。抓好基层治理场`` / ``政府工作报告`` / ``景应用落地。``

    Best practice:
        ``…抓好基层治理场景应用落地。`` (the header removed, the sentence then joined)
    """

    code = "LAY003"
    name = "running-header"
    kind = "running-header"
    groups = ("layout",)
    fixable = True
    phase = 30
    examples_bad: ClassVar[tuple[tuple[str, str | None], ...]] = (
        (
            "加快建设高新\n\n政府工作报告\n\n区的硬核支撑能力。",
            "加快建设高新\n\n区的硬核支撑能力。",
        ),
        (
            "The mayor said.\n\nTHE DAILY NEWS\n\nThe council met.\n\nTHE DAILY NEWS\n\nIt rained.\n\n"
            "THE DAILY NEWS\n\nThe end.",
            "The mayor said.\n\nThe council met.\n\nIt rained.\n\nThe end.",
        ),
    )
    examples_good: ClassVar[tuple[str, ...]] = (
        "各位代表：\n\n政府工作报告\n\n现在，我代表国务院，向大会报告政府工作。",
        "The council met.\n\nSummary\n\nIt rained all week.",
        "（七）狠抓风险防范化解\n\n科学精准抓好疫情防控。",
    )

    def check(self, ctx: Context) -> Iterator[Finding]:
        blocks = ctx.blocks
        removed = ctx.removed_blocks()
        spliced = deleted_by_kind(ctx, SPLICED_KINDS)
        furniture = {b.index for b in blocks if b.index not in removed and is_furniture_text(b.text)}
        if not furniture:
            return
        groups: dict[str, list[int]] = defaultdict(list)
        for b in blocks:
            if is_furniture_text(b.text):
                groups[furniture_key(b.text)].append(b.index)
        gone = removed | furniture

        def live_neighbour(index: int, step: int) -> Block | None:
            i = index + step
            while 0 <= i < len(blocks):
                if i not in gone:
                    return blocks[i]
                i += step
            return None

        def interrupts(index: int) -> bool:
            prev, nxt = live_neighbour(index, -1), live_neighbour(index, 1)
            return (
                prev is not None
                and nxt is not None
                and not ends_sentence(prev.text)
                and not is_heading(prev.text)
                and continues(prev.text, nxt.text)
            )

        def beside_splice(index: int) -> bool:
            before = index - 1 >= 0 and index - 1 in spliced
            after = index + 1 < len(blocks) and index + 1 in spliced
            if not (before or after):
                return False
            nxt = live_neighbour(index, 1)
            prev = live_neighbour(index, -1)
            tail = nxt is not None and is_sentence_tail(nxt.text)
            cut = prev is not None and not ends_sentence(prev.text) and not is_heading(prev.text)
            return (before and after) or tail or cut

        for index in sorted(furniture):
            block = blocks[index]
            group = groups[furniture_key(block.text)]
            reasons: list[str] = []
            if interrupts(index):
                reasons.append("interrupts a sentence")
            if beside_splice(index):
                reasons.append("stands beside a spliced fragment")
            if len(group) >= REPEATS_ALONE or (
                len(group) >= 2 and (is_page_number(block.text) or any(interrupts(i) for i in group))
            ):
                reasons.append(f"repeats {len(group)} times")
            if not reasons:
                continue
            confidence = 0.9 if len(reasons) > 1 or "repeats" in reasons[0] else 0.8
            yield self.finding(
                ctx,
                block.span,
                f"page header {block.text.strip()!r}: {', '.join(reasons)}",
                confidence=confidence,
                evidence={"reasons": reasons, "occurrences": len(group)},
                fix=Fix((block_deletion(ctx.text, blocks, index),)),
            )
