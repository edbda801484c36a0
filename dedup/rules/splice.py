"""LAY002 splice: a unique run of blocks from elsewhere interrupting a sentence."""

from __future__ import annotations

from collections.abc import Iterator
from typing import ClassVar

from dedup.model import Edit, Finding, Fix, Span
from dedup.rules import register
from dedup.rules._layout import Splice, analyse_breaks, gap_edit, joiner_for
from dedup.rules.base import Context, Rule


@register
class UniqueSplice(Rule):
    """A run of blocks that interrupts a sentence and belongs elsewhere (unique text).

    A block ends mid-sentence, the blocks after it do not continue it, and a block
    a little further on does (it starts mid-sentence after a complete paragraph and
    fits the cut: the characters or words across the join occur elsewhere in the
    document; in Latin text, the run starts with a capital while the later block
    starts in lowercase; in CJK text, the later block completes a word of a general
    dictionary that the cut splits, while nothing is split across the nearer break).
    The run is unique text, so it is never deleted: when its first sentence fits
    another cut elsewhere (it starts mid-sentence where another block ends
    mid-sentence), it is moved there; otherwise the interrupted sentence is
    repaired and the run is kept right after it, for review.  Duplicated splices are DUP003's.

    Anti-pattern:
        ``强化经济技术开发区、高新`` / ``另一篇报道的一段。`` / ``区的支撑能力。``

    Best practice:
        ``强化经济技术开发区、高新区的支撑能力。`` / ``另一篇报道的一段。``
    """

    code = "LAY002"
    name = "splice"
    kind = "splice"
    groups = ("layout",)
    fixable = True
    phase = 60
    examples_bad: ClassVar[tuple[tuple[str, str | None], ...]] = (
        (
            "The council voted to\n\nThe storm sank two boats.\n\n"
            "approve the new bridge. The vote to approve was close.",
            "The council voted to approve the new bridge. The vote to approve was close.\n\n"
            "The storm sank two boats.",
        ),
    )
    examples_good: ClassVar[tuple[str, ...]] = (
        "The council voted to\n\napprove the bridge.\n\nThe storm sank two boats.",
        "推进重大场景应用。\n\n抓好基层治理\n\n场景应用落地。",
    )

    def check(self, ctx: Context) -> Iterator[Finding]:
        breaks = ctx.shared("layout.breaks", analyse_breaks)
        for splice in breaks.splices:
            yield self._finding(ctx, splice)

    def _finding(self, ctx: Context, s: Splice) -> Finding:
        text = ctx.text
        nl = ctx.doc.newline
        first = s.run[0]
        blocks = ctx.blocks
        # the run moves as it reads, without blocks other rules delete in between
        run_text = (nl + nl).join(r.text for r in s.run)
        # the break after the cut becomes the join; each block of the run goes with its break;
        # blocks in between that earlier phases delete are left to their own fixes, so if one of
        # those fixes is not applied its text stays (nothing is lost)
        repair, joined = gap_edit(text, s.a, s.d, blocks, nl)
        edits = [repair]
        edits.extend(Edit.delete(text, r.start, blocks[r.index + 1].start) for r in s.run)
        evidence: dict[str, object] = {
            "cut": s.a.text.rstrip()[-12:],
            "continuation": s.d.text.lstrip()[:12],
            "run_blocks": len(s.run),
            "junction_score_run": s.score_run,
            "junction_score_continuation": s.score_d,
            **({"word_cut_gain": round(s.word_gain, 1)} if s.word_gain else {}),
            **joined,
        }
        related = [s.a.span, s.d.span]
        if s.target is not None:
            t = s.target
            tail_end = t.start + len(t.text.rstrip())
            edits.append(Edit(tail_end, tail_end, joiner_for(t, first, nl) + run_text.lstrip(), ""))
            related.append(t.span)
            evidence["moved_after"] = t.text.rstrip()[-12:]
            evidence["junction_score_target"] = s.score_target
            message = (
                f"{len(s.run)} block(s) spliced into a sentence; moved to the cut they continue "
                f"({evidence['moved_after']!r} | {first.text.lstrip()[:12]!r})"
            )
            confidence = 0.75
        else:
            edits.append(Edit(s.d.end, s.d.end, nl + nl + run_text, ""))
            message = (
                f"{len(s.run)} block(s) of unknown origin spliced into a sentence; the sentence is "
                "repaired and the fragment kept right after it, for review"
            )
            confidence = 0.6
        return self.finding(
            ctx,
            Span(first.start, s.run[-1].end),
            message,
            confidence=confidence,
            related=related,
            evidence=evidence,
            fix=Fix(tuple(edits)),
        )
