"""LAY003 running-header: page headers, footers and page numbers read into the text."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence
from typing import ClassVar

from dedup import _regex
from dedup.model import Block, Finding, Fix
from dedup.rules import register
from dedup.rules._layout import (
    LATIN_OPEN_WORDS,
    block_deletion,
    continues,
    deleted_by_kind,
    ends_sentence,
    furniture_key,
    has_furniture_content,
    is_furniture_text,
    is_heading,
    is_page_number,
    is_sentence_tail,
    layout_width,
    script_of,
    states_page,
    weak_heading,
    without_furniture_content,
)
from dedup.rules.base import ALTERED, Context, Rule

#: kinds of phase-20 findings whose deleted blocks are fragments of other text (splices, copies)
SPLICED_KINDS = ("splice", "duplicate-section", "duplicate-paragraph")
#: a short line repeated this often is furniture even where it does not interrupt a sentence
REPEATS_ALONE = 3
#: the lowercase words a name or title keeps (``Bank of England``, ``The Sun and the Herald``);
#: any other lowercase word (two letters or more: one letter is as often an OCR speck) makes a
#: line with a date on it read as running text (``Miss Louise Clambey left Sunday``)
TITLE_LOWER_WORDS = frozenset(
    ("a", "an", "the", "of", "and", "de", "du", "la", "le", "van", "von", "der")
)
#: a masthead line with this many such words is a line of text, not a name (see ``_name_like``)
NAME_MAX_TEXT_WORDS = 2
#: ``ctx.memo`` entry: ``(width,)`` when the text of the previous pass of ``clean`` had no
#: furniture-like block under that column width (this rule runs on every pass, so the entry
#: describes the text ``ctx.dirty`` is relative to)
_NO_CANDIDATES = "LAY003.no_candidates"


@register
class RunningHeader(Rule):
    """Page header, footer or page number read into the running text.

    A short line without sentence punctuation (a publication or report title, a
    section title repeated at page tops, a page number, a date) is removed when it
    repeats across the document; when it belongs to the masthead at the top or foot
    of a page (a run of such lines that states a date, page or edition); when it
    states a date or page and interrupts the text (between a block cut mid-sentence
    and its continuation); or when it stands next to spliced fragments (blocks an
    earlier phase deletes as spliced or duplicated) and sentence tails such as
    ``…了。``.  Numbered headings (``（八）…``, ``2. …``) are never headers; a line that
    fills the column of hard-wrapped text is body text; and a lone short line with
    no date or page on it (a headline piece, a heading) is left alone.

    Anti-pattern:
        ``…强化经济技术开发区、高新`` / ``东海晚报 第3版`` / ``区的支撑能力。``

    Best practice:
        ``…强化经济技术开发区、高新区的支撑能力。`` (the header removed, the sentence joined)
    """

    code = "LAY003"
    name = "running-header"
    kind = "running-header"
    groups = ("layout",)
    fixable = True
    phase = 30
    examples_bad: ClassVar[tuple[tuple[str, str | None], ...]] = (
        (
            "抓好开发建设。加快建设高新\n\n东海晚报 第3版\n\n区的硬核支撑能力。",
            "抓好开发建设。加快建设高新区的硬核支撑能力。",
        ),
        (
            "The mayor said.\n\n- 3 -\n\nThe council met.\n\n- 4 -\n\nIt rained.",
            "The mayor said.\n\nThe council met.\n\nIt rained.",
        ),
    )
    examples_good: ClassVar[tuple[str, ...]] = (
        "各位代表：\n\n经济观察\n\n现在，我代表国务院，向大会报告政府工作。",
        "The council met.\n\nSummary\n\nIt rained all week.",
        "（七）狠抓风险防范化解\n\n科学精准抓好疫情防控。",
    )

    def check(self, ctx: Context) -> Iterator[Finding]:
        blocks = ctx.blocks
        width = layout_width(ctx)
        memo = ctx.memo
        touched = ctx.dirty_blocks(unseen_by=ALTERED)
        if touched is not None and memo is not None and memo.get(_NO_CANDIDATES) == (width,):
            # the previous pass's text had no furniture-like block under this width, and a block
            # whose own text did not change (a kept twin, a neighbour of a deleted block) has the
            # text of one of its blocks: only a changed block can be one now (exact: every
            # candidate is found, so the group counts are too)
            candidates = [i for i in touched if is_furniture_text(blocks[i].text, width)]
        else:
            # one pass over the blocks; all the rest works on the few furniture-like ones
            candidates = [b.index for b in blocks if is_furniture_text(b.text, width)]
        if memo is not None:
            memo[_NO_CANDIDATES] = None if candidates else (width,)
        if not candidates:
            return
        removed = ctx.removed_blocks()
        furniture = {i for i in candidates if i not in removed}
        if not furniture:
            return
        spliced = deleted_by_kind(ctx, SPLICED_KINDS)
        groups: dict[str, list[int]] = defaultdict(list)
        for i in candidates:
            groups[furniture_key(blocks[i].text)].append(i)
        # neighbours are looked for past furniture only when it is surely furniture (it states a
        # date or page, or repeats): a short line of text may be the cut sentence itself, also
        # one naming a weekday (``The mayor spent Thursday with`` | a masthead | ``friends …``).
        # Any repeated line is looked past, text or not, as before: which lines are looked past
        # decides which blocks meet, and lines of text stay whether or not they are looked past
        sure = {
            i
            for i in furniture
            if _says_furniture(blocks[i].text) or len(groups[furniture_key(blocks[i].text)]) >= 2
        }
        gone = removed | sure
        zone = _header_zone(blocks, furniture, removed)

        def live_neighbour(index: int, step: int) -> Block | None:
            i = index + step
            while 0 <= i < len(blocks):
                if i not in gone:
                    return blocks[i]
                i += step
            return None

        words_seen: set[str] = set()

        def known_word(word: str) -> bool:
            # the document's words, gathered once and only when a line may break off mid-word
            if not words_seen:
                words_seen.update(_WORD_RE.findall(ctx.text.lower()))
                words_seen.add("")  # marks the set gathered (a document without words)
            return word.lower() in words_seen

        def interrupts(index: int) -> bool:
            prev, nxt = live_neighbour(index, -1), live_neighbour(index, 1)
            return (
                prev is not None
                and nxt is not None
                and not _finishes_word(prev.text, blocks[index].text)
                and not ends_sentence(prev.text)
                and (not is_heading(prev.text, width) or weak_heading(prev.text))
                and continues(prev.text, nxt.text, width)
                and not _runs_on_into(blocks[index].text, nxt.text, known_word)
            )

        def beside_splice(index: int) -> bool:
            before = index - 1 >= 0 and index - 1 in spliced
            after = index + 1 < len(blocks) and index + 1 in spliced
            if not (before or after):
                return False
            nxt = live_neighbour(index, 1)
            prev = live_neighbour(index, -1)
            # a line that itself runs on into the next block mid-word ("... public b" | "ecause.")
            # is the cut sentence's own text, not a header sitting in the seam
            line = blocks[index].text.rstrip()
            reads_on = (
                nxt is not None
                and line[-1:].isascii()
                and line[-1:].isalpha()
                and nxt.text.lstrip()[:1].islower()
            )
            if reads_on:
                return False
            cut = prev is not None and not ends_sentence(prev.text) and not is_heading(prev.text, width)
            # a sentence tail proves a seam when it can end the sentence the line interrupts: the
            # one cut before the line, or (no cut sentence before it) one whose start was spliced
            # away before the line, the tail then following the line directly.  With a deleted
            # fragment between the line and the tail, and nothing cut before the line (the
            # document's first line, a complete paragraph), the tail ends that fragment's own
            # sentence (a copy's rest, ``…the roads`` | ``of the county.``) and says nothing
            # about the line
            tail = (
                nxt is not None
                and is_sentence_tail(nxt.text)
                and (cut or not any(k in spliced for k in range(index + 1, nxt.index)))
            )
            # a deleted copy next to it is not enough (a short line between two duplicates is
            # the writer's); with a stray sentence tail beside it, it is a seam; beside a cut
            # sentence only a line that states a date or page is surely furniture (a short line
            # of text there may be the sentence's own broken piece)
            return tail or (cut and _says_furniture(line))

        # copies an earlier rule keeps as the twin of a deleted copy: deleting them too would
        # undo that rule's fix (its twin must survive), so the furniture stays once
        kept_twins = [k for f in ctx.findings if f.fix is not None and f.fix.safe for k in f.fix.keeps]
        for index in sorted(furniture):
            block = blocks[index]
            if any(k.start <= block.start and block.end <= k.end for k in kept_twins):
                continue
            group = groups[furniture_key(block.text)]
            says_furniture = _says_furniture(block.text)
            if _BYLINE_RE.search(block.text) and not says_furniture:
                continue  # brackets or a colon: a byline, a caption, a note; not a page header
            reasons: list[str] = []
            if index in zone:
                reasons.append("page header at the top or foot of the page")
            # a lone line between a cut sentence and its rest may be a headline piece that OCR
            # placed in the column: only a date, a page or an edition number proves furniture
            if says_furniture and interrupts(index):
                reasons.append("interrupts a sentence")
            if beside_splice(index):
                reasons.append("stands beside a spliced fragment")
            if len(group) >= REPEATS_ALONE or (
                len(group) >= 2 and (says_furniture or any(interrupts(i) for i in group))
            ):
                reasons.append(f"repeats {len(group)} times")
            if not reasons:
                continue
            confidence = 0.9 if len(reasons) > 1 or says_furniture else 0.8
            yield self.finding(
                ctx,
                block.span,
                f"page header {block.text.strip()!r}: {', '.join(reasons)}",
                confidence=confidence,
                evidence={"reasons": reasons, "occurrences": len(group)},
                fix=Fix((block_deletion(ctx.text, blocks, index),)),
            )


def _says_furniture(text: str) -> bool:
    """Whether a line states a date, weekday, page or edition as furniture does, not in a sentence.

    1916 newspapers name weekdays and dates in every other sentence (``light for Tuesday,
    and it was expect``), and OCR lays lines of such text out as blocks of their own: what
    proves a masthead is the date with names around it (``COLUMBIA, MISSOURI, TUESDAY,
    JANUARY 4, 1916``, ``An Adless Newspaper, Daily Except Sunday``), not the date alone.  A
    Latin line with a lowercase word besides the words titles keep lowercase reads as running
    text, and a date in it proves nothing (it may still go as a line repeated on other pages).
    CJK has no case to tell them apart: a CJK line is judged by its date or page alone.

    >>> _says_furniture("THE COUNTY GAZETTE Tuesday, January 4th, 2022"), _says_furniture("2016年5月5日 星期四")
    (True, True)
    >>> _says_furniture("light for Tuesday, and it was expect"), _says_furniture("Page 4")
    (False, True)
    >>> _says_furniture("Miss Louise Clambey left Sunday"), _says_furniture("Bank of England, Monday")
    (False, True)
    """
    if not has_furniture_content(text):
        return False
    rest = _text_words(without_furniture_content(text))
    if states_page(text):
        # a page or edition number, a CJK date: Latin running text seldom names one, but a line of
        # it may run into a jump marker OCR glued on (``The mayor spoke ab|ontinued on page 2``)
        return rest < NAME_MAX_TEXT_WORDS
    return rest == 0


def _text_words(text: str) -> int:
    """How many words of a Latin line no name or title has: lowercase words (two letters or more)
    other than the few that titles keep lowercase (``Bank of England``).  CJK: none.

    >>> _text_words("Miss Louise Clambey left Sunday with"), _text_words("The Bank of England"), _text_words("经济")
    (2, 0, 0)
    """
    if script_of(text) == "cjk":
        return 0
    words = _WORD_RE.findall(text)
    return sum(1 for w in words if len(w) >= 2 and w[0].islower() and w.lower() not in TITLE_LOWER_WORDS)


#: words, not the letters after a figure (``4th``)
_WORD_RE = _regex.compile(r"\b[^\W\d_]+(?:['’-][^\W\d_]+)*")


def _runs_on_into(line: str, nxt: str, known_word: Callable[[str], bool] | None = None) -> bool:
    """Whether a Latin ``line`` runs on into ``nxt``: it is then the first part of the sentence ``nxt``
    continues, not something set between that sentence's parts.

    It runs on when it breaks off mid-word (``… society elected b`` | ``oard meeting``), or ends
    where no header ends: on a comma, a word hyphenated across the break (``The Impos-``), or
    a word a sentence does not end on (``… and``, ``… of``).  Only a lowercase last word
    counts as broken off by itself: a capitalised one (a name, a weekday, a title) ends
    headers too, and breaks off only where it and the next block's first letters make a word
    the document uses elsewhere (``… the County Ses`` | ``sion met``; ``known_word``): a
    header's last word and the sentence's rest make none (``EVENING STAR Monday`` | ``y``).

    >>> _runs_on_into("the society elected b", "oard members."), _runs_on_into("EVENING STAR Monday", "y market")
    (True, False)
    >>> _runs_on_into("Vermont, on Monday, January 17, 1910,", "and was"), _runs_on_into("Page 4", "approve it.")
    (True, False)
    """
    body = line.rstrip()
    head = nxt.lstrip()[:1]
    if script_of(body[-40:]) == "cjk" or not (head.isalpha() and head.islower()):
        return False
    words = _WORD_RE.findall(body[-40:])
    last = words[-1] if words and body.endswith(words[-1]) else ""
    rest = _WORD_RE.match(nxt.lstrip())
    return (
        body.endswith(",")
        or bool(_regex.compile(r"[^\W\d_]-$").search(body))
        or (last.isascii() and last[:1].islower())
        or last.lower() in LATIN_OPEN_WORDS
        or (known_word is not None and bool(last) and rest is not None and known_word(last + rest.group()))
    )


def _finishes_word(prev: str, line: str) -> bool:
    """Whether ``line`` starts with the rest of a Latin word that ``prev`` breaks off (``railwa`` |
    ``y market …``): the line is the sentence's own text, whatever date or page it names.

    >>> _finishes_word("the good club railwa", "y market in new school for tuesday b")
    True
    >>> _finishes_word("the good club railway", "Tuesday, January 4"), _finishes_word("高新", "东海晚报")
    (False, False)
    """
    tail, head = prev.rstrip()[-1:], line.lstrip()[:1]
    return tail.isascii() and tail.isalpha() and head.isascii() and head.islower()


def _header_zone(blocks: Sequence[Block], furniture: set[int], removed: set[int]) -> set[int]:
    """The masthead lines at the top (or foot) of a page: a run of short lines that states a date or page.

    The run is cut after its last line with a date, page or edition number, so the
    headline that follows the masthead stays.  A document title alone (no date or
    page on it) is not a header.
    """
    zone: set[int] = set()
    for top, order in ((True, range(len(blocks))), (False, range(len(blocks) - 1, -1, -1))):
        run: list[int] = []
        for i in order:
            if i in removed:
                continue
            if i not in furniture or _BYLINE_RE.search(blocks[i].text):
                break  # brackets and colons belong to bylines, captions and odd content, not mastheads
            if not (_says_furniture(blocks[i].text) or _name_like(blocks[i].text)):
                break  # a masthead names the paper: a short title, not a piece of a sentence
            run.append(i)
        # a letter or a decree ends with its issuer and a date: at the foot only a page
        # number proves furniture
        proof = [
            k
            for k, i in enumerate(run)
            if (_says_furniture(blocks[i].text) if top else is_page_number(blocks[i].text))
        ]
        # a lone date opening a letter is the letter's; a masthead has a name and a date, or a page
        if proof and (proof[-1] >= 1 or _edition(blocks[run[proof[-1]]].text)):
            zone.update(run[: proof[-1] + 1])
    return zone


_BYLINE_RE = _regex.compile(r"[（）()\[\]【】：:]")


def _name_like(text: str) -> bool:
    """A short title: a few CJK characters, or words mostly capitalised (``MORNING LEDGER``)."""
    body = text.strip()
    if _regex.compile(r"[.!?;。！？；]").search(body):
        return False
    if script_of(body) == "cjk":
        return len(body) <= 12
    words = _regex.compile(r"[^\W\d_]+").findall(body)
    capitalised = sum(w[0].isupper() for w in words) >= 0.6 * len(words)
    # a line of text above a masthead (``Mrs Kate Jennings spent Saturday with``) is no name; one
    # such word is not enough to tell, OCR garbles mastheads so (``Tie liberal Bemowsit``)
    return bool(words) and len(words) <= 6 and capitalised and _text_words(body) < NAME_MAX_TEXT_WORDS


def _edition(text: str) -> bool:
    """A page or edition number (``第6版``, ``Page 4``, ``- 4 -``)."""
    return is_page_number(text) or bool(_regex.compile(r"第\s*\S{1,3}\s*[版页頁]|\bpage\s*\d", re.I).search(text))
