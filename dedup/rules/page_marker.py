"""LAY004 page-marker: continuation and jump lines (``【紧接第5版】``, ``Continued on page 4``)."""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable, Iterator, Sequence
from typing import ClassVar

from dedup import _regex
from dedup.model import Block, Edit, Finding, Fix, Span
from dedup.rules import register
from dedup.rules._layout import block_deletion, match_marker
from dedup.rules.base import ALTERED, Context, Rule

_LINE_RE = _regex.compile(r"[^\r\n]*(?:\r\n|\r|\n)?")
#: every marker match_marker knows names a page: 接/转/续/承/见 (第) N 版/页/面 with a page token of at
#: most four non-space characters, or "page", "pg", "p." (OCR-garbled "Pge" too),
#: so a block without any of these cannot hold one
_PAGE_WORD_RE = _regex.compile(
    # one leading character class, so the scan skips ahead in C (no \b before "page": match_marker
    # takes "Page 3 of 12" glued to a stray letter); markers lie on one line, so no line break inside
    r"[接转续承见Pp](?:(?<=[Pp])(?:[a-zA-Z]?[gG][eE]|[gG]|\.)"
    r"|(?<=[接转续承见])[^\S\r\n]*(?:[第笫弟苐][^\S\r\n]*)?[^\s]{1,4}?[^\S\r\n]*[版页頁面])"
)


def candidate_blocks(text: str, blocks: Sequence[Block], within: bool = False) -> list[Block]:
    """The blocks that contain a page word: one regex pass over the text instead of every line.

    ``within``: search only from the first block's start to the last one's end (``blocks`` a run of
    consecutive blocks; a page word lies on one line, so none crosses a block's end).
    """
    if not blocks:
        return []
    starts = [b.start for b in blocks]
    found: list[Block] = []
    pos, endpos = (blocks[0].start, blocks[-1].end) if within else (0, len(text))
    while (m := _PAGE_WORD_RE.search(text, pos, endpos)) is not None:
        # from the next character on, not from the match's end: a match must not hide the next one
        pos = m.start() + 1
        i = bisect_right(starts, m.start()) - 1
        if i >= 0 and blocks[i].end > m.start() and (not found or found[-1] is not blocks[i]):
            found.append(blocks[i])
    return found


def _page_word_starts(text: str, start: int, end: int) -> Iterator[int]:
    """Every position in ``text[start:end]`` where a page word starts (a match must not hide the next)."""
    pos = start
    while (m := _PAGE_WORD_RE.search(text, pos, end)) is not None:
        yield m.start()
        pos = m.start() + 1


def _runs(indices: list[int]) -> Iterator[tuple[int, int]]:
    """Runs ``[first, stop)`` of consecutive numbers in sorted ``indices``."""
    first = prev = -2
    for i in indices:
        if i != prev + 1:
            if prev >= 0:
                yield first, prev + 1
            first = i
        prev = i
    if prev >= 0:
        yield first, prev + 1


@register
class PageMarker(Rule):
    """Continuation or jump marker of the page layout, not part of the text.

    Newspapers and reports print where an article continues (``（下转第4版）``,
    ``Continued on page 4``) or where it came from (``【紧接第5版】``, ``(From page 1)``),
    and page counters (``Page 3 of 12``).  OCR reads them into the running text.
    The marker is removed, whether alone on a line or at the start or end of a
    block; the page it refers to is kept in the finding's evidence.  OCR noise in
    the marker is tolerated (``第]版``, ``笫3版``, ``Contlnued``).

    Anti-pattern:
        ``【紧接第5版】统筹推进科技创新工作。``

    Best practice:
        ``统筹推进科技创新工作。`` (the marker is reported with page 5)
    """

    code = "LAY004"
    name = "page-marker"
    kind = "page-marker"
    groups = ("layout",)
    fixable = True
    phase = 10
    #: scan only blocks with a page word (tests switch it off to compare with every block)
    prefilter: ClassVar[bool] = True
    examples_bad: ClassVar[tuple[tuple[str, str | None], ...]] = (
        ("【紧接第5版】统筹推进科技创新工作。", "统筹推进科技创新工作。"),
        ("The council met on Monday.\n\n(Continued on page 4)", "The council met on Monday."),
        ("加快建设现代化滨海大都市。（下转第4版）", "加快建设现代化滨海大都市。"),
    )
    examples_good: ClassVar[tuple[str, ...]] = (
        "他直接第3版面设计提出意见。",
        "See the table on page 4 for the figures.",
    )

    def check(self, ctx: Context) -> Iterator[Finding]:
        text = ctx.text
        blocks = ctx.blocks
        # a marker's finding reads its own block and, for a whole-block deletion, where the next
        # block starts (or the previous one ends): a place where a block's own text changed, in
        # the block or a neighbour.  Not a twin kept by the last pass, nor a block deleted next to
        # it: a marker in a block whose text stayed was found then, and fixed or marked as skipped
        touched = ctx.dirty_blocks(1, unseen_by=ALTERED)
        if touched is not None and len(touched) * 3 < len(blocks):
            # (changes all over the text: one search of the whole text costs less than one per run)
            if self.prefilter:
                scan: Iterable[Block] = [
                    b for run in _runs(touched) for b in candidate_blocks(text, blocks[run[0] : run[1]], within=True)
                ]
            else:
                scan = (blocks[i] for i in touched)
        else:
            scan = candidate_blocks(text, blocks) if self.prefilter else blocks
        for block in scan:
            lines = [
                (block.start + m.start(), block.start + m.start() + len(m.group().rstrip("\r\n")))
                for m in _LINE_RE.finditer(block.text)
                if m.group()
            ]
            if self.prefilter:
                # a marker lies on one line and holds a page word: only lines with one are matched
                # (an OCR page is often one block of thousands of lines)
                line_starts = [ls for ls, _ in lines]
                wanted: Iterable[int] = sorted(
                    {bisect_right(line_starts, p) - 1 for p in _page_word_starts(text, block.start, block.end)}
                )
            else:
                wanted = range(len(lines))
            for li in wanted:
                ls, le = lines[li]
                found = match_marker(text[ls:le])
                if found is None:
                    continue
                m_start, m_end = ls + found.start, ls + found.end
                whole_line = found.whole_line
                if whole_line and len(lines) == 1:
                    edit = block_deletion(text, blocks, block.index)
                elif whole_line:
                    if li + 1 < len(lines):
                        edit = Edit.delete(text, ls, lines[li + 1][0])
                    else:
                        edit = Edit.delete(text, lines[li - 1][1], le)
                elif not text[ls:m_start].strip():
                    # marker opens the line: take the spaces after it with it
                    end = m_end
                    while end < le and text[end] in " \t\u3000":
                        end += 1
                    edit = Edit.delete(text, m_start, end)
                else:
                    start = m_start
                    while start > ls and text[start - 1] in " \t\u3000":
                        start -= 1
                    edit = Edit.delete(text, start, m_end)
                yield self.finding(
                    ctx,
                    Span(m_start, m_end),
                    f"page marker {found.text!r} (page {found.page or '?'}, {found.direction})",
                    confidence=0.95,
                    evidence={"marker": found.text, "page": found.page, "direction": found.direction},
                    fix=Fix((edit,)),
                )
