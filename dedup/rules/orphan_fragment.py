"""LAY005 orphan-fragment: a tiny block that belongs to no sentence around it."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import ClassVar

from dedup import _regex
from dedup.model import Block, Finding
from dedup.normalize import is_cjk
from dedup.rules import register
from dedup.rules._layout import (
    CJK_NON_INITIAL,
    continues,
    ends_sentence,
    few_letters_impossible,
    is_cut,
    is_furniture_text,
    is_list_item,
    is_page_number,
    is_sentence_tail,
    match_marker,
    script_of,
)
from dedup.rules.base import Context, Rule

#: a fragment has at most this many letters (CJK characters) or words (Latin)
MAX_CJK_LETTERS = 3
MAX_LATIN_WORDS = 3


def _letters(text: str) -> int:
    return sum(1 for ch in text if is_cjk(ch) or ch.isalnum())


def _fragment_like(text: str) -> bool:
    """A tiny piece of a sentence: a sentence tail (``起。``) or a word piece (``的``, ``tion``)."""
    body = text.strip()
    # cheap tests first: almost every block fails them (a body of text has more than 3 letters)
    if not body or "\n" in body or few_letters_impossible(body):
        return False
    if is_sentence_tail(body):
        like = True
    elif ends_sentence(body):
        return False
    elif script_of(body) == "cjk":
        like = body[0] in CJK_NON_INITIAL and _letters(body) <= MAX_CJK_LETTERS
    else:
        like = body[0].islower() and 0 < len(_regex.compile(r"[^\W\d_]+").findall(body)) <= MAX_LATIN_WORDS
    # numbered items and page markers are not fragments (checked last: they are the costly tests)
    return like and not is_list_item(body) and match_marker(body) is None


@register
class OrphanFragment(Rule):
    """A tiny fragment of a sentence that fits nowhere: kept, and reported for review.

    A block of a few characters that only ends a sentence (``起。``) or is a piece
    of a word, standing after a complete paragraph (so it continues nothing), is
    the remnant of text that was cut or spliced.  It is unique content, so it is
    never removed: the finding asks a human to place or drop it.  A one-sentence
    paragraph, a heading, a salutation (``各位代表！``) or a list item is not an
    orphan.

    Anti-pattern:
        ``…会议随后结束。`` / ``起。`` / ``（二）推进绿色发展``

    Best practice:
        the fragment is reported (no automatic fix): restore the sentence it ends, or drop it.
    """

    code = "LAY005"
    name = "orphan-fragment"
    kind = "orphan-fragment"
    groups = ("layout",)
    fixable = False
    phase = 70
    examples_bad: ClassVar[tuple[tuple[str, str | None], ...]] = (
        ("会议随后结束。\n\n- 3 -\n\n起。\n\n（二）推进绿色发展\n\n有序推进节能。", None),
        ("The council adjourned.\n\ntion.\n\nThe storm passed.", None),
    )
    examples_good: ClassVar[tuple[str, ...]] = (
        "扎实推进“扩中提低”改革。\n\n出台“扩中提低”行动方案。",
        "各位代表！\n\n我们将始终把群众满意作为政府工作第一标准。",
        "The council adjourned.\n\nIt rained.\n\nThe storm passed.",
    )

    def check(self, ctx: Context) -> Iterator[Finding]:
        removed = ctx.removed_blocks()
        blocks = ctx.blocks
        live = [b for b in blocks if b.index not in removed]
        # blocks that a join or a splice repair of phase 60 already places
        joined = {
            r.start for f in ctx.findings if f.kind in ("broken-paragraph", "splice") for r in f.related
        }
        for pos, block in enumerate(live):
            if block.start in joined or not _fragment_like(block.text):
                continue
            prev = live[pos - 1] if pos else None
            if prev is not None and is_cut(prev) and continues(prev.text, block.text):
                continue  # a continuation LAY001 joins
            seam = self._at_seam(block, blocks, removed)
            lower_or_particle = block.text.strip()[0].islower() or block.text.strip()[0] in CJK_NON_INITIAL
            if not (seam or lower_or_particle):
                continue
            yield self.finding(
                ctx,
                block.span,
                f"fragment {block.text.strip()!r} continues no sentence around it; kept for review",
                confidence=0.7 if seam else 0.55,
                evidence={
                    "fragment": block.text.strip(),
                    "at_seam": seam,
                    "after": prev.text.rstrip()[-12:] if prev is not None else "",
                },
            )

    @staticmethod
    def _at_seam(block: Block, blocks: Sequence[Block], removed: set[int]) -> bool:
        """Next to text an earlier phase removes, or to page furniture: where fragments are left."""
        for i in (block.index - 1, block.index + 1):
            if 0 <= i < len(blocks) and (i in removed or is_furniture_text(blocks[i].text)):
                neighbour = blocks[i].text.strip()
                if i in removed or is_page_number(neighbour) or not is_list_item(neighbour):
                    return True
        return False
