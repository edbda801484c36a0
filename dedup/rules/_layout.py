"""Predicates and shared analyses for the layout rules (LAY001-LAY007).

Pure functions on block text: which script a block is written in, whether it ends
a sentence, whether it looks like a heading, a list item, a page marker or page
furniture, whether it starts like the continuation of a cut sentence, and how
plausible it is that two blocks were one paragraph (junction evidence).

Nothing here knows about a particular document: every threshold is a named
constant with the reason it has its value.
"""

from __future__ import annotations

import bisect
import functools
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, overload

from dedup import _regex
from dedup.model import Block, Edit, Span
from dedup.normalize import CLOSERS, is_cjk
from dedup.rules._cjk_words import (
    ends_on_function_word,
    first_word,
    last_word,
    starts_on_particle,
    straddle_gain,
)
from dedup.rules.base import ALTERED, covered_blocks

if TYPE_CHECKING:
    from dedup.rules.base import Context

__all__ = [
    "Script",
    "block_deletion",
    "continues",
    "deleted_by_kind",
    "ends_sentence",
    "has_sentence_punct",
    "is_furniture_text",
    "is_heading",
    "is_list_item",
    "is_sentence_tail",
    "join_edit",
    "junction_score",
    "match_marker",
    "script_of",
]

Script = str  # "cjk" or "latin"

#: What may end a paragraph legitimately (a sentence end, or a colon introducing what follows).
BLOCK_END = frozenset("。！？!?；;…．.：:")
#: Sentence punctuation anywhere in a block: a block without any is a heading or a headline.
_SENTENCE_PUNCT_RE = _regex.compile(r"[。！？；!?;]|\.(?:\s|$|[\"'”’)）])")
#: CJK headings are short: the longest numbered heading in 23 government reports has 45 characters.
CJK_HEADING_MAX = 50
LATIN_HEADING_MAX_WORDS = 12

_CJK_NUM = "一二三四五六七八九十百零〇两"
#: Numbered items and headings: （一） (1) 一、 1. 1、 第一章 I. A. ① and bullets.
_ITEM_RE = _regex.compile(
    rf"""^\s*(?:
        [（(]\s*[{_CJK_NUM}\d０-９]{{1,4}}\s*[)）]
      | [{_CJK_NUM}]{{1,4}}\s*[、．.]
      | \d{{1,3}}(?:[.．]\d{{1,3}})*\s*[、．.)）]\s*(?!\d)
      | 第\s*[{_CJK_NUM}\d]{{1,4}}\s*[章节部分条篇编款项]
      | [IVXLC]{{1,5}}\.\s
      | [A-Za-z]\)\s
      | [①-⑳㈠-㈩⑴-⒇]
      | [-–—•·*▪●○◆■□►✓]\s*\S
      | (?:其[一二三四五六七八九十]|[一二三四五六七八九十]是|首先|其次|再次|最后)[，,、：:]?
    )""",
    re.VERBOSE,
)

#: Characters a Chinese sentence does not begin with (particles, closing marks): a block that
#: starts with one continues a sentence.  Kept short: 在, 对, 所, 和 … all begin sentences too.
CJK_NON_INITIAL = frozenset("的了们" "、，。；：？！）」』”’》〕】")


def script_of(text: str) -> Script:
    """``"cjk"`` when Han/kana/hangul characters outnumber Latin letters, else ``"latin"``.

    Counted in C: runs of CJK characters through one regex, the rest only when the
    CJK count alone does not decide (``script_of_reference`` is the definition).

    >>> script_of("高新区"), script_of("the end"), script_of("")
    ('cjk', 'latin', 'latin')
    """
    if text.isascii():
        return "latin"  # no CJK at all: cjk > latin never holds
    if len(text) <= SHORT_TEXT:
        return script_of_reference(text)
    runs = _cjk_run_re()
    cjk = sum(map(len, runs.findall(text)))
    if not cjk:
        return "latin"
    rest = len(text) - cjk
    if cjk > rest:
        return "cjk"  # even if every other character were a letter
    latin = sum(1 for ch in runs.sub("", text) if ch.isalpha())
    return "cjk" if cjk > latin else "latin"


#: texts up to this long are counted character by character (slices, headings, fragments, a
#: document's opening): the loop costs less than compiling the big-range regex, which long
#: texts only need
SHORT_TEXT = 4096


def script_of_reference(text: str) -> Script:
    """The character-by-character definition of :func:`script_of` (its differential-test reference)."""
    cjk = latin = 0
    for ch in text:
        if is_cjk(ch):
            cjk += 1
        elif ch.isalpha():
            latin += 1
    return "cjk" if cjk > latin else "latin"


@functools.cache
def _cjk_run_re() -> re.Pattern[str]:
    """Runs of the characters of :func:`dedup.normalize.is_cjk` (compiled on first use: its big
    ranges take a millisecond to compile, which ASCII documents never need to pay)."""
    return _regex.compile("[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff\U00020000-\U0002ffff]+")


_INVISIBLE = "\u200b\u200c\u200d\u2060\ufeff"


def _strip_closers(text: str) -> str:
    stripped = text.rstrip().rstrip(_INVISIBLE).rstrip()
    while stripped and stripped[-1] in CLOSERS:
        stripped = stripped[:-1].rstrip()
    return stripped


def ends_sentence(text: str) -> bool:
    """Whether a block ends where a paragraph may end (terminal punctuation, closers allowed).

    >>> ends_sentence("他说：“好。”"), ends_sentence("高新"), ends_sentence("as follows:")
    (True, False, True)
    """
    stripped = _strip_closers(text)
    return bool(stripped) and stripped[-1] in BLOCK_END


def has_sentence_punct(text: str) -> bool:
    """Whether ``text`` holds sentence punctuation anywhere (headlines have none).

    >>> has_sentence_punct("十年奋进路,建设银行 精心搭建"), has_sentence_punct("改革。推进")
    (False, True)
    """
    return bool(_SENTENCE_PUNCT_RE.search(text))


def is_list_item(text: str) -> bool:
    """A numbered or bulleted item or heading: ``（一）``, ``一、``, ``1.``, ``- x``, ``一是``.

    >>> is_list_item("（十）坚持民生幸福共享"), is_list_item("区的硬核支撑"), is_list_item("2. Apples")
    (True, False, True)
    """
    return bool(_ITEM_RE.match(text))


def _words(text: str) -> list[str]:
    return _regex.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*").findall(text)


#: a line at least this share of the column width is body text, set full width
FULL_LINE_SHARE = 0.85
#: hard-wrapped text: this share of wrapped lines ends mid-sentence ...
WRAPPED_OPEN_SHARE = 0.6
#: ... and this share has about the median length
WRAPPED_SIMILAR_SHARE = 0.6


def line_width(blocks: Iterable[Block]) -> int | None:
    """The column width of hard-wrapped text (median length of lines that wrap), or None.

    Only lines followed by another line of their block count: a paragraph's last
    line is short.  Fewer than five such lines mean the text is not hard-wrapped.
    """
    lengths, open_ends = _wrapped_lines(blocks)
    return _width_of(lengths, open_ends)


def _wrapped_lines(blocks: Iterable[Block]) -> tuple[list[int], int]:
    """The lengths of the lines :func:`line_width` weighs, and how many of them end mid-sentence."""
    lengths: list[int] = []
    open_ends = 0
    for block in blocks:
        lines = [ln.strip() for ln in block.text.splitlines()]
        if len(lines) >= 3:
            for ln in lines[:-1]:
                if ln:
                    lengths.append(len(ln))
                    open_ends += not ends_sentence(ln)
    return lengths, open_ends


def _width_of(lengths: list[int], open_ends: int) -> int | None:
    if len(lengths) < 5:
        return None
    # hard wrapping cuts lines wherever the column ends: most lines stop mid-sentence, and
    # most have about the same length; lines that are sentences or list items do neither
    if open_ends < WRAPPED_OPEN_SHARE * len(lengths):
        return None
    lengths.sort()
    median = lengths[len(lengths) // 2]
    similar = sum(1 for n in lengths if abs(n - median) <= 0.15 * median + 1)
    return median if similar >= WRAPPED_SIMILAR_SHARE * len(lengths) else None


def is_full_line(text: str, width: int | None) -> bool:
    """Whether ``text`` (one or two lines) fills the column like wrapped body text does."""
    if not width:
        return False
    lines = [ln.strip() for ln in text.strip().splitlines()]
    return len(lines) <= 2 and len(lines[0]) >= FULL_LINE_SHARE * width


def is_heading(text: str, width: int | None = None) -> bool:
    """A heading or headline: short, and no sentence punctuation at all (or a numbered title).

    In hard-wrapped text (``width`` known) a line that fills the column is a piece
    of a paragraph, not a heading.

    >>> is_heading("四、全面提升政府治理现代化水平"), is_heading("抓好重点区域开发建设。强化高新")
    (True, False)
    >>> is_heading("THE WAR IN EUROPE"), is_heading("and the men who went")
    (True, False)
    """
    body = text.strip()
    if not body or has_sentence_punct(body) or is_full_line(body, width):
        return False
    if script_of(body) == "cjk":
        return len(body) <= CJK_HEADING_MAX
    words = _words(body)
    if not words or len(words) > LATIN_HEADING_MAX_WORDS:
        return False
    capitalised = sum(1 for w in words if w[0].isupper())
    return capitalised >= 0.6 * len(words) or is_list_item(body)


#: openers a sentence cannot end on: what follows them continues it
OPENERS = frozenset("《“‘（(「『【[")
#: English words a paragraph or heading does not end with: the sentence goes on
_LATIN_OPEN_WORDS = frozenset(
    (
        "a", "an", "the", "of", "to", "and", "or", "nor", "but", "in", "on", "at", "by", "for", "from",
        "with", "into", "onto", "as", "than", "that", "which", "who", "whose", "whom", "is", "are",
        "was", "were", "be", "been", "being", "has", "have", "had", "its", "their", "his", "her", "our",
        "your", "this", "these", "those",
    )
)
#: the same words, for the rules that weigh how a line ends (LAY003)
LATIN_OPEN_WORDS = _LATIN_OPEN_WORDS
#: OCR specks before the first letter of a line
_LEADING_NOISE = "_|'`~·.,"


def continues(prev: str, nxt: str, width: int | None = None) -> bool:
    """Whether block ``nxt`` can continue the sentence block ``prev`` leaves open.

    CJK: anything but a heading, marker or new item (a heading-shaped piece too,
    after an opening bracket or quote).  Latin: a lowercase start (after an opening
    bracket or quote too), a word hyphenated across the break (``exam-`` | ``ple``),
    or anything but a heading after an opening bracket or quote.

    >>> continues("强化经济技术开发区、前湾新区、高新", "区的硬核支撑能力，增强门户枢纽功能。")
    True
    >>> continues("the Senate voted to", "approve the bill."), continues("the Senate voted", "The bill.")
    (True, False)
    >>> continues("as the law says in", "The Hague and elsewhere."), continues("要认真贯彻《", "公司法")
    (False, True)
    """
    body = nxt.lstrip()
    if not body or is_list_item(body) or match_marker(body.splitlines()[0]) is not None:
        return False
    tail = prev.rstrip()
    after_opener = bool(tail) and tail[-1] in OPENERS
    if script_of(prev[-40:]) == "cjk":
        first = body.lstrip(_LEADING_NOISE)[:1] or body[0]
        if first in CJK_NON_INITIAL or after_opener:
            return True
        if is_heading(body, width):
            return False
        return is_cjk(first) or first.isalnum() or first in "“‘\"'《（("
    # the first letter decides, past opening quotes, brackets and underscores ("__repr__")
    found = _regex.compile(r"[^\W_]").search(body[:12])
    first = found.group() if found and not body[: found.start()].strip("\"'“‘([（_") else body[:1]
    if first.islower():
        return True
    if bool(_regex.compile(r"[^\W\d_]-$").search(tail)) and first.isalpha():
        return True
    # a capital after a comma or an article is no proof: OCR often loses the rest of such a
    # sentence to another column, and the capital starts a paragraph of its own
    return after_opener and first.isalnum() and not is_heading(body, width)


def is_sentence_tail(text: str) -> bool:
    """A tiny block that only ends a sentence (``起。``, ``tion.``): no sentence of its own.

    >>> is_sentence_tail("起。"), is_sentence_tail("各位代表！"), is_sentence_tail("ing the war.")
    (True, False, True)
    """
    body = text.strip()
    if not body or "\n" in body or few_letters_impossible(body) or not ends_sentence(body):
        return False
    core = _strip_closers(body)
    if core and core[-1] in "！？!?：:":  # exclamations and salutations are legitimately short
        return False
    if script_of(body) == "cjk":
        letters = [ch for ch in core if is_cjk(ch) or ch.isalnum()]
        return 0 < len(letters) <= 3 and not has_sentence_punct(core[:-1])
    if not body[0].islower():
        return False
    words = _words(core)
    return 0 < len(words) <= 3


#: four letters or digits, whatever lies between them
_FOUR_ALNUM_RE = _regex.compile(r"[^\W_](?:[\W_]*+[^\W_]){3}")


def few_letters_impossible(body: str) -> bool:
    """A cheap proof that ``body`` is no fragment: it starts with no lowercase letter and has four letters.

    A CJK fragment has at most three letters (CJK characters, letters, digits) and a
    Latin one starts lowercase; a block failing both is neither, whatever its script.
    Most blocks are rejected here in well under a microsecond, before any per-character work.

    >>> few_letters_impossible("经济运行。"), few_letters_impossible("起。"), few_letters_impossible("tion of it.")
    (True, False, False)
    """
    return not body[0].islower() and _FOUR_ALNUM_RE.search(body) is not None


# --- page markers ------------------------------------------------------------------------

_PAGE_TOKEN = r"[0-9０-９lIO|!\]\[一二三四五六七八九十A-Da-d]{1,4}"
_CJK_MARKER = (
    rf"(?:紧接|接上|上接|下转|转至|转接|接|转|续|承|见)\s*(?:第|笫|弟|苐)?\s*{_PAGE_TOKEN}\s*[版页頁面]"
    rf"(?:\s*[，,]?\s*(?:第|笫)?\s*{_PAGE_TOKEN}\s*栏)?"
)
_CONT = r"(?:[CcG][o0][nm][tl1f][il1|!]?[nmu]{1,2}[eco]?[dl]\.?|[Cc]ont'?d\.?|[Cc]oncluded)"
#: the page: a number, a letter section (B3), or a number word, however OCR spelled it (Bight)
_PAGE_REF = r"(?:[Pp][Aa][Gg][Ee]|[Pp]g\.?|[Pp]\.)\s*(?:[0-9lIO]{1,3}|[A-Z]\d{0,2}|[A-Za-z]{3,7})\b"
_COLUMN = r"(?:\s*[,.]?\s*(?i:col(?:umn|\.)?)\s*[\w]{1,6})?"
_EN_MARKER = (
    rf"(?i:{_CONT})\s+(?i:on|from|to|in|at)\s+(?i:{_PAGE_REF}){_COLUMN}"
    rf"|(?i:from|see|turn\s+to)\s+(?i:{_PAGE_REF}){_COLUMN}"
    rf"|(?i:page)\s+\d{{1,3}}\s+(?i:of)\s+\d{{1,3}}"
)
_OPEN = "【（(〔[［"
_CLOSE = "】）)〕]］"
_CORE_RE = _regex.compile(
    rf"(?P<open>[{re.escape(_OPEN)}]\s*)?(?P<core>{_CJK_MARKER}|{_EN_MARKER})"
    rf"(?P<close>\s*[.。]?\s*[{re.escape(_CLOSE)}])?"
)
#: a marker too garbled for the page part (``Continued on Page ».]``) still fills its short line
_LOOSE_LINE_RE = _regex.compile(
    rf"^[\W_]{{0,4}}(?:\b\w\b[\W_]{{0,3}})?(?P<core>(?i:{_CONT})\s+(?i:on|from|to)\s+(?i:p[a-z]?ge|pg)\b.{{0,24}})$"
)
#: what may surround a marker on its line and still count as noise: a few stray marks or letters
_JUNK_RE = _regex.compile(r"[\W_]*(?:\b\w\b[\W_]*){0,2}")


@dataclass(frozen=True, slots=True)
class MarkerMatch:
    """A continuation/jump marker at ``[start, end)`` of the searched text, with its page."""

    start: int
    end: int
    text: str
    page: str
    direction: str
    whole_line: bool = False


def _describe(marker: str) -> tuple[str, str]:
    lowered = marker.lower()
    if any(k in marker for k in ("接", "承")) or _regex.compile(r"\bfrom\b").search(lowered):
        direction = "from"
    elif any(k in marker for k in ("转", "续", "见")) or _regex.compile(r"\b(on|to|in|at|see)\b").search(lowered):
        direction = "to"
    else:
        direction = "page"
    found = _regex.compile(r"(?:第|笫|弟|苐)\s*(\S{1,4}?)\s*[版页頁面]").search(marker) or re.search(
        r"(?:page|pg\.?|p\.)\s*([0-9A-Za-z]{1,7})", marker, re.I
    )
    page = found.group(1) if found else ""
    return page, direction


def _is_junk(text: str) -> bool:
    stripped = text.strip()
    return len(stripped) <= 5 and _JUNK_RE.fullmatch(stripped) is not None and not any(
        is_cjk(ch) for ch in stripped
    )


def match_marker(line: str) -> MarkerMatch | None:
    """A page marker alone on ``line`` (give or take stray marks), or bracketed at its start or end.

    >>> m = match_marker("【紧接第5版】统筹推进")
    >>> (m.start, m.end, m.page, m.direction, m.whole_line)
    (0, 7, '5', 'from', False)
    >>> match_marker("(Contlnued on page 4)").page, match_marker("Page 3 of 12") is not None
    ('4', True)
    >>> match_marker("V y (Continued on Page Bight.)").whole_line
    True
    >>> match_marker("他直接第3版面设计") is None, match_marker("as read from page 4 of the act") is None
    (True, True)
    """
    loose = _LOOSE_LINE_RE.match(line.strip())
    if loose and len(line.strip()) <= 50 and not any(is_cjk(ch) for ch in line):
        start = len(line) - len(line.lstrip())
        end = len(line.rstrip())
        return MarkerMatch(start, end, line[start:end], *_describe(loose.group("core")), whole_line=True)
    for m in _CORE_RE.finditer(line):
        before, after = line[: m.start()], line[m.end() :]
        if _is_junk(before) and _is_junk(after):
            start = len(line) - len(line.lstrip())
            end = len(line.rstrip())
            return MarkerMatch(start, end, line[start:end], *_describe(m.group("core")), whole_line=True)
        bracketed = m.group("open") is not None and m.group("close") is not None
        if bracketed and (not before.strip() or not after.strip()):
            return MarkerMatch(m.start(), m.end(), m.group(), *_describe(m.group("core")))
    return None


# --- furniture ---------------------------------------------------------------------------

#: A running header or footer is short: a title, a section name, a page number, a date.
FURNITURE_MAX_CJK = 20
FURNITURE_MAX_WORDS = 8
#: and at most this many characters (CJK furniture has at most FURNITURE_MAX_CJK)
FURNITURE_MAX_CHARS = 60


def furniture_key(text: str) -> str:
    """The form under which repeated headers are compared: digits masked, spaces dropped.

    >>> furniture_key("— 12 —"), furniture_key("Page 3")
    ('—#—', 'page#')
    """
    body = _regex.compile(r"\s+").sub("", text.strip().lower())
    return _regex.compile(r"[0-9０-９]+").sub("#", body)


def is_page_number(text: str) -> bool:
    """A bare page number, possibly dashed or labelled (``- 4 -``, ``第3页``, ``Page 7``).

    >>> is_page_number("- 4 -"), is_page_number("第 3 页"), is_page_number("1916")
    (True, True, False)
    """
    body = text.strip()
    m = _regex.compile(r"[-—–·\s]*(?:第|page|p\.)?\s*(\d{1,3})\s*(?:页|頁)?[-—–·\s]*", re.I).fullmatch(body)
    return m is not None


def _may_be_page_number(body: str) -> bool:
    """What :func:`is_page_number` needs of a stripped text's first character (a dash, 第, p, a digit)."""
    return body[0] in "-—–·第pP" or body[0].isdecimal()


def is_furniture_text(text: str, width: int | None = None) -> bool:
    """Short, one line, no sentence punctuation, not a numbered heading: could be page furniture.

    >>> is_furniture_text("经济观察"), is_furniture_text("（八）推进绿色低碳发展")
    (True, False)
    >>> is_furniture_text("好。")
    False
    """
    body = text.strip()
    if len(body) > FURNITURE_MAX_CHARS and not (_may_be_page_number(body) and is_page_number(body)):
        return False  # too long for anything but a (padded) page number: most blocks end here
    if not body or "\n" in body or "\r" in body or has_sentence_punct(body) or ends_sentence(body):
        return False
    if is_full_line(body, width) and not has_furniture_content(body):
        return False
    if is_page_number(body):
        return True
    if is_list_item(body):
        return False
    if script_of(body) == "cjk":
        return len(body) <= FURNITURE_MAX_CJK
    return 0 < len(body.split()) <= FURNITURE_MAX_WORDS and len(body) <= FURNITURE_MAX_CHARS


_MONTHS = (
    "january|february|march|april|may|june|july|august|september|october|november|december"
    "|jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec"
)
_DAYS = "monday|tuesday|wednesday|thursday|friday|saturday|sunday"
#: what only page furniture says: a date, a weekday, an edition/page/section number
_FURNITURE_CONTENT_RE = _regex.compile(
    rf"""(?ix)
      \d{{2,4}}\s*年\s*\d{{1,2}}\s*月(?:\s*\d{{1,2}}\s*日)?
    | 星期[一二三四五六日天] | 周[一二三四五六日]
    | 第\s*\S{{1,3}}\s*[版页頁期]
    | 第\s*[0-9一二三四五六七八九十]{{1,3}}\s*\S(?:\s|$)
    | \b(?:{_DAYS})\b
    | \b(?:{_MONTHS})\.?\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}}
    | \b\d{{1,2}}\s+(?:{_MONTHS})\.?\s+\d{{4}}
    | \b(?:page|p\.|vol\.?|volume|no\.)\s*[0-9ivxlc]{{1,4}}\b
    | ^\s*[-—–·]*\s*\d{{1,3}}\s*[-—–·]*\s*$
    """
)


def has_furniture_content(text: str) -> bool:
    """Whether a short line says what page furniture says: a date, weekday, page or edition.

    >>> has_furniture_content("2016年5月5日 星期四"), has_furniture_content("第2其 综合")
    (True, True)
    >>> has_furniture_content("Monday, October 5, 2015"), has_furniture_content("经济运行在合理区间")
    (True, False)
    """
    return _FURNITURE_CONTENT_RE.search(text) is not None


def without_furniture_content(text: str) -> str:
    """``text`` with what :func:`has_furniture_content` finds in it (dates, weekdays, page and
    edition numbers) blanked out: the rest of the line, which tells a masthead from a sentence.

    >>> without_furniture_content("Page 4 THE DAILY NEWS Tuesday").split()
    ['THE', 'DAILY', 'NEWS']
    """
    return _FURNITURE_CONTENT_RE.sub(" ", text)


#: the dates and weekdays :func:`has_furniture_content` finds in Latin text (running text names
#: them too, unlike page and edition numbers)
_LATIN_DATE_RE = _regex.compile(
    rf"""(?ix)
      \b(?:{_DAYS})\b
    | \b(?:{_MONTHS})\.?\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}}
    | \b\d{{1,2}}\s+(?:{_MONTHS})\.?\s+\d{{4}}
    """
)


def states_page(text: str) -> bool:
    """Whether a line says what page furniture says besides a Latin date or weekday: a page,
    volume, edition or issue number, a bare folio, a CJK date.

    >>> states_page("(Continued on page 4)"), states_page("Tuesday, January 4, 1916")
    (True, False)
    """
    return has_furniture_content(_LATIN_DATE_RE.sub(" ", text))


def single_whole_line(text: str, span: Span) -> bool:
    """Whether ``span`` is exactly one whole line of ``text`` (a verse, a refrain).

    >>> single_whole_line("a\\nmiles to go\\nb", Span(2, 13)), single_whole_line("miles to go", Span(0, 5))
    (True, False)
    """
    inner = text[span.start : span.end]
    starts = span.start == 0 or text[span.start - 1] in "\r\n"
    ends = span.end >= len(text) or text[span.end] in "\r\n"
    return starts and ends and "\n" not in inner and "\r" not in inner


# --- what earlier phases decided -------------------------------------------------------------


def deleted_by_kind(ctx: Context, kinds: Iterable[str]) -> set[int]:
    """Blocks that a safe fix of an earlier-phase finding of one of ``kinds`` deletes whole."""
    wanted = set(kinds)
    spans = sorted(
        e.span
        for f in ctx.findings
        if f.kind in wanted and f.fix is not None and f.fix.safe
        for e in f.fix.edits
        if not e.replacement
    )
    return covered_blocks(ctx.blocks, [(s.start, s.end) for s in spans])


def removed_blocks(ctx: Context) -> set[int]:
    """:meth:`Context.removed_blocks` (kept for the layout rules that import it)."""
    return ctx.removed_blocks()


def layout_width(ctx: Context) -> int | None:
    """:func:`line_width` of the document's blocks, computed once per document."""
    width: int | None = ctx.shared("layout.line_width", _layout_width)
    return width


#: ``ctx.memo`` entry: whether the text of the previous pass of ``clean`` had no block of three or
#: more lines.  Every pass that runs a layout rule reading the width writes it (the rules and the
#: configuration are the same on every pass of one clean), so it describes the text ``ctx.dirty``
#: is relative to.
_NO_WRAPPED_BLOCKS = "layout.no_wrapped_blocks"


def _layout_width(ctx: Context) -> int | None:
    """:func:`line_width` of every block; on a later pass of ``clean`` after a text without blocks of
    three or more lines (no line is weighed: most documents), of the changed blocks only.

    A block that meets no changed place has the text of a block of the previous pass, so then only
    a changed block can hold a weighed line, and the changed blocks' lines are all of them: the
    width is exact.
    """
    memo = ctx.memo
    blocks: Iterable[Block] = ctx.blocks
    # a block whose own text did not change has one of the previous text's texts
    touched = ctx.dirty_blocks(unseen_by=ALTERED)
    if touched is not None and memo is not None and memo.get(_NO_WRAPPED_BLOCKS) is True:
        blocks = [ctx.blocks[i] for i in touched]
    lengths, open_ends = _wrapped_lines(blocks)
    if memo is not None:
        memo[_NO_WRAPPED_BLOCKS] = not lengths
    return _width_of(lengths, open_ends)


def block_deletion(text: str, blocks: Sequence[Block], index: int) -> Edit:
    """The edit that deletes block ``index`` with its separator (the team convention).

    ``[block.start, next.start)``; for the last block ``[prev.end, block.end)``.
    """
    block = blocks[index]
    if index + 1 < len(blocks):
        return Edit.delete(text, block.start, blocks[index + 1].start)
    if index > 0:
        return Edit.delete(text, blocks[index - 1].end, block.end)
    return Edit.delete(text, block.start, block.end)


# --- joining ---------------------------------------------------------------------------------

_WORD_TAIL_RE = _regex.compile(r"([^\W\d_]+)-$")
_WORD_HEAD_RE = _regex.compile(r"^([^\W\d_]+)")


def _hard_wrapped(a: Block, b: Block) -> bool:
    return "\n" in a.text or "\r" in a.text or "\n" in b.text or "\r" in b.text


def join_edit(text: str, a: Block, b: Block, newline: str = "\n") -> tuple[Edit, dict[str, str]]:
    """The edit joining block ``a`` to the later block ``b`` (everything between is replaced).

    CJK joins without a space; Latin with a space; hard-wrapped blocks (several
    lines) keep a line break where the blank line was, like every other printed
    line end.  A Latin word hyphenated across the break is rejoined when the
    joined word is the more plausible one (it occurs elsewhere unhyphenated, or
    the hyphenated form never does).
    """
    evidence: dict[str, str] = {}
    tail = a.text.rstrip()
    a_end = a.start + len(tail)
    head = b.text.lstrip()
    b_start = b.end - len(head)
    hyph = _WORD_TAIL_RE.search(tail)
    word = _WORD_HEAD_RE.match(head)
    if script_of(tail[-40:] + head[:40]) == "latin" and hyph and word:
        left, right = hyph.group(1), word.group(1)
        joined = left + right
        # the rest of the document, without this one split word
        body = text[: a_end - len(hyph.group())] + " " + text[b_start + len(right) :]
        joined_seen = re.search(rf"(?<![\w-]){re.escape(joined)}(?![\w-])", body, re.I) is not None
        hyphenated = rf"(?<!\w){re.escape(left)}-\s*{re.escape(right)}(?!\w)"
        hyph_seen = re.search(hyphenated, body, re.I) is not None
        if joined_seen or not hyph_seen:
            evidence["dehyphenated"] = joined
            return Edit.delete(text, a_end - 1, b_start), evidence
        evidence["kept_hyphen"] = f"{left}-{right}"
        return Edit.delete(text, a_end, b_start), evidence
    return Edit.replace(text, a_end, b_start, joiner_for(a, b, newline)), evidence


def joiner_for(a: Block, b: Block, newline: str = "\n") -> str:
    """What replaces the break when ``b``'s text is appended to ``a``'s (no dehyphenation)."""
    tail = a.text.rstrip()
    head = b.text.lstrip()
    if _hard_wrapped(a, b):
        return newline
    if script_of(tail[-1:] + head[:1]) == "cjk" or (tail and is_cjk(tail[-1])):
        return ""
    return " "


# --- junction evidence --------------------------------------------------------------------------

_JUNCTION_SHAPES = ((1, 1, 1), (1, 2, 3), (2, 1, 3), (2, 2, 6))


def _clean_chars(text: str) -> str:
    # str.split() splits exactly where str.isspace() holds: the text without whitespace, in C
    return "".join(text.split())


def junction_score(corpus: str, prev: str, nxt: str, min_gram: int = 2, lowered: str | None = None) -> int:
    """How much the rest of the document supports reading ``prev`` + ``nxt`` as one text.

    CJK: occurrences elsewhere of the character n-grams that straddle the break
    (longer ones weigh more).  Latin: occurrences of the word pair that straddles it.
    ``corpus`` is the document with the two blocks' own junction not in it.  With
    ``min_gram=3`` a common two-character word formed by accident (``增加|强化``)
    does not count.  ``lowered``: :func:`lowered_corpus` of ``corpus`` when it has one (Latin
    word pairs are then counted without case folding at every position, same count).

    >>> junction_score("重大场景应用。场景应用落地", "治理场", "景应用落地")
    8
    """
    a = _clean_chars(prev)
    b = _clean_chars(nxt)
    if not a or not b:
        return 0
    if script_of(prev[-20:] + nxt[:20]) == "cjk":
        if not (is_cjk(a[-1]) and is_cjk(b[0])):
            return 0  # a break at punctuation is a clause boundary: nothing straddles it
        score = 0
        for left, right, weight in _JUNCTION_SHAPES:
            if left + right >= min_gram and len(a) >= left and len(b) >= right:
                gram = a[-left:] + b[:right]
                score += weight * corpus.count(gram)
        return score
    wa = _words(prev)
    wb = _words(nxt)
    if not wa or not wb:
        return 0
    # a space or one line break between the words: a blank line is the break being judged
    if lowered is not None and wa[-1].isascii() and wb[0].isascii():
        return 3 * _count_pair(lowered, wa[-1].lower(), wb[0].lower())
    pair = rf"\b{re.escape(wa[-1])}{_PAIR_GAP}{re.escape(wb[0])}\b"
    return 3 * len(re.findall(pair, corpus, re.I))


_PAIR_GAP = r"(?:[ \t]+|[ \t]*\n[ \t]*)"
#: the characters besides ASCII letters that match an ASCII letter case-insensitively (İ ı ſ K); İ
#: is also the one character whose lowercase is longer
_CASE_SPECIALS_RE = _regex.compile("[\u0130\u0131\u017f\u212a]")


def lowered_corpus(corpus: str) -> str | None:
    """``corpus.lower()`` when, for ASCII words, matching it is case-insensitive matching of ``corpus``
    (no character besides ASCII letters matches an ASCII letter case-insensitively, and every
    position keeps its character: the count of a word pair is the same); else None.

    Case-insensitive matching compares case-folded characters at every step and keeps the regex
    engine from skipping ahead to its pattern's first letters; on the lowered text the engine looks
    for the literal word pair (about ten times faster on a 4 MB newspaper page run).
    """
    if _CASE_SPECIALS_RE.search(corpus) is not None:
        return None
    lowered = corpus.lower()
    return lowered if len(lowered) == len(corpus) else None


def _count_pair(lowered: str, left: str, right: str) -> int:
    r"""``len(re.findall(rf"\b{left}{_PAIR_GAP}{right}\b", corpus, re.I))`` for lowercase ASCII words,
    on :func:`lowered_corpus` of ``corpus``.

    The leading ``\b`` is checked by hand (the regex engine skips ahead only to a literal start):
    a match there that starts inside a word is passed over for the next start, as ``findall`` would.

    >>> _count_pair("the city. xthe city, the\n city", "the", "city")
    2
    """
    pattern = re.compile(re.escape(left) + _PAIR_GAP + re.escape(right) + r"\b")  # document words: not cached
    count = 0
    pos = 0
    while (m := pattern.search(lowered, pos)) is not None:
        start = m.start()
        before = lowered[start - 1] if start else ""
        if before and (before.isalnum() or before == "_"):
            pos = start + 1  # no word boundary before it: findall tries the next position
        else:
            count += 1
            pos = m.end()
    return count


def span_of(block: Block) -> Span:
    return Span(block.start, block.end)


# --- the break analysis LAY001 and LAY002 share ------------------------------------------------

#: how many live blocks past the cut a spliced run may span before its continuation
SPLICE_WINDOW = 6
#: junction evidence a continuation past a splice needs (a straddling 3-gram seen once, or more)
SPLICE_MIN_SCORE = 3
#: a clause-shaped block without a full stop is a cut sentence when a word straddling the
#: break occurs elsewhere in the document (a heading and the body after it rarely form one)
WEAK_CUT_MIN_SCORE = 2
#: when the nearer block could continue the cut too, the later join needs much more evidence:
#: a straddling 3-gram seen twice (or a 4-gram once), and none across the nearer join
SPLICE_STRONG_SCORE = 6
SPLICE_MAX_RUN = 3
#: a CJK break falls inside a word when the reading with a word across it is this much likelier
#: (nats, from a general dictionary: ``教|育`` about 12, ``少数|民族`` 7.5): a headline and its body
#: end and start on whole words, and a last and first word that happen to make a longer one
#: (``基础|科学``) stay near 3
WORD_CUT_MIN_GAIN = 4.0
#: no word across the nearer join of a splice hypothesis: its break falls between two words
WORD_CUT_NONE = 0.5


@dataclass(frozen=True, slots=True)
class Join:
    """Block ``a`` ends mid-sentence and block ``b`` (next live block) continues it."""

    a: Block
    b: Block
    score: int
    #: dictionary evidence that the break falls inside a word (nats; 0 when not weighed)
    word_gain: float = 0.0


@dataclass(frozen=True, slots=True)
class Splice:
    """Blocks ``run`` interrupt the sentence ``a`` leaves open; ``d`` continues it.

    ``target`` is a block elsewhere that ends mid-sentence where the run's first
    block fits (the run is moved there), or None (the run is kept right after ``d``).
    """

    a: Block
    run: tuple[Block, ...]
    d: Block
    target: Block | None
    score_run: int
    score_d: int
    score_target: int
    #: dictionary evidence that the cut and ``d`` split a word (nats; 0 when not weighed)
    word_gain: float = 0.0


@dataclass
class Breaks:
    """Decisions on every block that ends mid-sentence."""

    joins: list[Join]
    splices: list[Splice]
    live: Sequence[Block]


#: characters a Chinese heading does not end with (function words, openers, a comma)
CJK_NON_FINAL = frozenset(
    "的了和与及或在对把被向从以为将要不也都又还就才而并且但其之个这那各每该所能会可应须得着过由于给让使比"
    "，、“‘《（【"
)


def ends_open(text: str) -> bool:
    """Whether a CJK block ends on a character no heading ends with (``…，必须`` does not; ``…的`` does).

    >>> ends_open("治理污染，事关可持续发展，必须强力推进的"), ends_open("五年来，外交工作开创新局面")
    (True, False)
    """
    body = text.rstrip()
    return bool(body) and body[-1] in CJK_NON_FINAL


_STATISTIC_RE = _regex.compile(r"\d+(?:\.\d+)?\s*(?:%|％|万|亿|元|人|个|吨|公里)")


def _reads_on(prev: str, nxt: str) -> bool:
    """Signs that a clause-shaped block is the start of a sentence, not a heading.

    It ends on a function word or a comma, the next block starts with a particle, or it
    reads like running text (a colon before more text, a figure with its unit).
    """
    body = prev.strip()
    head = nxt.lstrip()[:1]
    words = _regex.compile(r"[A-Za-z]+").findall(body[-30:])
    return (
        ends_open(body)
        or body[-1:] in OPENERS
        or body.endswith(",")
        or (bool(words) and script_of(body) == "latin" and words[-1].lower() in _LATIN_OPEN_WORDS)
        or (bool(head) and head in CJK_NON_INITIAL)
        or bool(_regex.compile(r"[：:].").search(body))
        or bool(_STATISTIC_RE.search(body))
        or (bool(body) and is_cjk(body[-1]) and _cjk_reads_on(body, nxt))
    )


#: whole words a Chinese sentence does not begin with (conjunctions joining what came before,
#: adverbs that lean on a subject): the first word of a block only, as segmented (和平, 并且,
#: 都市 are other words)
CJK_NON_INITIAL_WORDS = frozenset("和与及或并而又也都却才")
#: the last comma clause of a clause-shaped block is a fragment when it is one word of this many
#: characters after a clause at least ``_LONG_CLAUSE`` long (``……通过平等对话与磋商，逐步``); a
#: headline's clauses are phrases, and short ones come in parallel series (开放，合作，共赢).  A
#: single character there is more often what OCR kept of a longer heading line (``……调控，保``,
#: the rest lost) than the start of the next block's sentence
_FRAGMENT_CLAUSE = 2
_LONG_CLAUSE = 6


#: adverbs that stand before the predicate they modify (degree, frequency, progress, necessity):
#: a clause does not end on one, so a block that does runs on (``……开放型经济水平不断``)
CJK_PREDICATE_ADVERBS = frozenset(
    {
        "不断", "逐步", "逐渐", "进一步", "日益", "十分", "非常", "更加", "越来越", "已经",
        "正在", "始终", "一直", "仍然", "依然", "必须", "应当", "应该", "曾经",
    }
)  # fmt: skip


def _cjk_reads_on(body: str, nxt: str) -> bool:
    """Word-level signs that a CJK block without a full stop runs on into ``nxt``.

    >>> _cjk_reads_on("实施积极的财政政策，按照", "规定执行。"), _cjk_reads_on("完善综合国力", "又有提高。")
    (True, True)
    >>> _cjk_reads_on("通过平等对话与磋商，逐步", "解决分歧。"), _cjk_reads_on("开放，合作，共赢", "各国代表出席。")
    (True, False)
    """
    clauses = _regex.compile(r"[，,]").split(body)
    if len(clauses) >= 2:
        last, before = clauses[-1].strip(), clauses[-2].strip()
        if len(last) == _FRAGMENT_CLAUSE and len(before) >= _LONG_CLAUSE:
            return True
    return (
        first_word(nxt) in CJK_NON_INITIAL_WORDS
        or starts_on_particle(nxt)
        or ends_on_function_word(body)
        or last_word(body) in CJK_PREDICATE_ADVERBS
    )


def word_cut_gain(prev: str, nxt: str) -> float:
    """Dictionary evidence (nats) that a CJK break splits a word: 0 for Latin text.

    >>> word_cut_gain("制定和实施国家中长期教", "育改革和发展规划纲要。") >= WORD_CUT_MIN_GAIN
    True
    >>> word_cut_gain("三、积极推进经济结构调整", "进一步解决制约经济发展的问题。")
    0.0
    """
    tail = prev.rstrip()
    head = nxt.lstrip()
    if not (tail and head and is_cjk(tail[-1]) and is_cjk(head[0])):
        return 0.0
    return straddle_gain(tail, head)


def weak_heading(text: str) -> bool:
    """Heading-shaped only for want of a full stop: one line of clauses (commas), no number.

    Such a block may be a headline (``五年来，国民经济保持良好发展势头``) or the first clause
    of a sentence cut by a column break (``事关人民群众健康和可持续发展，必须``).

    >>> weak_heading("事关人民群众健康和可持续发展，必须"), weak_heading("（三）强化产业提质升级，加快建设")
    (True, False)
    """
    body = text.strip()
    return (
        "\n" not in body
        and not has_sentence_punct(body)
        and not is_list_item(body)
        and bool(_regex.compile(r"[，、,]").search(body))
        and not ends_sentence(body)
    )


def is_cut(block: Block, width: int | None = None) -> bool:
    """A block that ends mid-sentence and is not a heading, headline or marker."""
    body = block.text.strip()
    if not body or ends_sentence(body) or is_heading(body, width):
        return False
    return match_marker(body.splitlines()[-1]) is None


def _opens_unit(prev: Block | None, block: Block, width: int | None) -> bool:
    """A line without sentence punctuation that fills the column, after a complete block.

    Hard-wrapped, a heading set in the column is as wide as a body line; what tells
    them apart is what comes before: a heading follows a finished paragraph (or
    nothing), a line of body text follows the cut it continues.
    """
    body = block.text.strip()
    if "\n" in body or has_sentence_punct(body) or not is_full_line(body, width):
        return False
    return prev is None or not is_cut(prev, width) or (is_heading(body) and prev is None)


def _complete(block: Block, width: int | None = None) -> bool:
    return ends_sentence(block.text) or is_heading(block.text, width)


def analyse_breaks(ctx: Context) -> Breaks:
    """Where each cut sentence continues: the next live block, or past a spliced run.

    Memoise through ``ctx.shared("layout.breaks", analyse_breaks)`` so LAY001 and
    LAY002 agree on every decision.
    """
    removed = removed_blocks(ctx)
    blocks = ctx.blocks
    live: Sequence[Block]
    # the blocks' last characters decide which may be cut, read from the document's list of block
    # ends: a later pass of clean makes only the blocks it then looks at
    open_blocks = _open_lasts(ctx.doc.block_lasts)
    if not removed:
        live = blocks
    else:
        gone = sorted(removed)
        live = _Without(blocks, gone) if len(gone) * 64 < len(blocks) else [b for b in blocks if b.index not in removed]
        # positions among the live blocks
        open_blocks = [j - bisect.bisect_left(gone, j) for j in open_blocks if j not in removed]
    width = layout_width(ctx)
    # breaks an earlier fix already removes (a tile overlap deleted with the break before it)
    bridged = ctx.planned_deletions()
    joins: list[Join] = []
    splices: list[Splice] = []
    claimed: set[int] = set()
    # (evidence, cut position, continuation position, dictionary evidence across that join)
    pending: list[tuple[float, int, int, float]] = []
    # the plain join a splice hypothesis set aside: (cut position -> score), taken if the splice falls
    fallback: dict[int, int] = {}

    # the two whole-document texts junctions are scored against, built on the first score (most
    # documents have few cuts, and a clean one none)
    corpora: dict[str, str] = {}
    lowered: list[str | None] = []
    # a pair is often scored more than once (as the next block, as a continuation, with 3-grams);
    # a Latin pair's score does not depend on min_gram
    scores: dict[tuple[int, int, int], int] = {}

    def score(x: Block, y: Block, min_gram: int = 2) -> int:
        latin_pair = script_of(x.text[-20:] + y.text[:20]) == "latin"
        key = (x.index, y.index, 0 if latin_pair else min_gram)
        if key in scores:
            return scores[key]
        if not corpora:
            corpora["cjk"] = "\n".join(_clean_chars(b.text) for b in live)
            corpora["latin"] = "\n\n".join(b.text for b in live)
        if latin_pair and not lowered:
            lowered.append(lowered_corpus(corpora["latin"]))
        corpus = corpora["latin" if latin_pair else "cjk"]
        found = junction_score(corpus, x.text, y.text, min_gram, lowered[0] if latin_pair else None)
        scores[key] = found
        return found

    # only a block that may not end a sentence can be a cut (or a splice's target): open_blocks
    for i in open_blocks:
        if i + 1 >= len(live):
            break
        a = live[i]
        body = a.text.strip()
        if not body or ends_sentence(body):
            continue  # neither a cut nor a heading that could read on (both branches below skip it)
        b = live[i + 1]
        cjk = script_of(a.text[-40:]) == "cjk"
        # dictionary evidence is weighed only where a CJK break is in doubt (the word list is
        # read on first use)
        gains: dict[int, float] = {}

        def gain(k: int, a: Block = a, gains: dict[int, float] = gains) -> float:
            if k not in gains:
                gains[k] = word_cut_gain(a.text, live[k].text)
            return gains[k]

        # a heading-shaped block whose next block does not continue it may still be the start of
        # a sentence a spliced run interrupts: then only a later block completing a word it
        # leaves split will do
        word_splice_only = False
        if not is_cut(a, width) or _opens_unit(live[i - 1] if i else None, a, width):
            # a heading-shaped block (no full stop) is a cut sentence when it reads on into
            # the next (a particle, a closing bracket, a function word at its end), the
            # characters across the break are a word seen elsewhere in the document, or the
            # break splits a dictionary word (no headline ends inside a word: even a numbered
            # one counts then)
            body = a.text.strip()
            if not body or ends_sentence(body) or match_marker(body.splitlines()[-1]) is not None:
                continue
            item = is_list_item(body)
            b_reads_on = continues(a.text, b.text, width)
            cut_here = b_reads_on and (
                (cjk and gain(i + 1) >= WORD_CUT_MIN_GAIN)
                or (
                    not item
                    and (
                        _reads_on(a.text, b.text)
                        # a word straddling the break, seen elsewhere, proves a cut only for
                        # clause-shaped blocks: a title and its first paragraph may happen to
                        # form one (建设|进一步)
                        or (weak_heading(a.text) and score(a, b) >= WEAK_CUT_MIN_SCORE)
                    )
                )
            )
            if not cut_here:
                if not (cjk and "\n" not in body):
                    continue
                word_splice_only = True
        if word_splice_only:
            # the word evidence first: it is cheap, and most headings have none
            for k in range(i + 2, min(len(live), i + 2 + SPLICE_MAX_RUN)):
                d = live[k]
                if (
                    gain(k) >= WORD_CUT_MIN_GAIN
                    and continues(a.text, d.text, width)
                    and _complete(live[k - 1], width)
                    and not is_sentence_tail(d.text)
                ):
                    pending.append((score(a, d) + gain(k), i, k, gain(k)))
                    break
            continue
        b_continues = continues(a.text, b.text, width)
        s_b = score(a, b) if b_continues else 0
        latin = not cjk and script_of(a.text[-40:]) == "latin"
        for k in range(i + 2, min(len(live), i + 2 + SPLICE_WINDOW)):
            d = live[k]
            if not continues(a.text, d.text, width) or not _complete(live[k - 1], width):
                continue
            if is_sentence_tail(d.text):
                continue  # a stray tail (``起。``) is an orphan, not the rest of this sentence
            s_d = score(a, d)
            # a numbered heading after the cut opens a new section (the rest is more likely lost
            # than later): then only a word straddling the later join, seen elsewhere, will do
            if not b_continues and (
                d.text.lstrip()[:1].islower()
                if latin
                else (score(a, d, 3) if is_list_item(b.text) else s_d) >= SPLICE_MIN_SCORE
                or (not is_list_item(b.text) and gain(k) >= WORD_CUT_MIN_GAIN)
            ):
                # the next block cannot continue the cut (a capital, a heading), a later one can
                pending.append((s_d, i, k, gains.get(k, 0.0)))
                break
            if s_b or k - i - 1 > SPLICE_MAX_RUN:
                continue
            strong = score(a, d, 3)
            # both could continue it: only a word seen whole elsewhere across the later join, or a
            # dictionary word the later join completes while the nearer one splits none, and no
            # such evidence across the nearer join, tells the run was spliced in
            by_word = not latin and gain(i + 1) < WORD_CUT_NONE and gain(k) >= WORD_CUT_MIN_GAIN
            if strong >= SPLICE_STRONG_SCORE or by_word:
                pending.append((strong + (gain(k) if by_word else 0), i, k, gains.get(k, 0.0)))
                if not _bridged(a, b, bridged):
                    fallback[i] = s_b
                break
        else:
            if b_continues and not _bridged(a, b, bridged):
                joins.append(Join(a, b, s_b, gains.get(i + 1, 0.0)))
                claimed.update((a.index, b.index))
    # two cuts may claim one continuation: the better-attested join (then the nearer cut) wins
    pending.sort(key=lambda p: (-p[0], p[2] - p[1]))
    for _, i, k, word_gain in pending:
        a, d = live[i], live[k]
        run = tuple(live[i + 1 : k])
        if any(x.index in claimed for x in (a, d, *run)):
            # another cut holds part of the run or its end: the splice falls, and the cut sentence
            # continues in the next block after all when that could continue it
            b = live[i + 1]
            if i in fallback and a.index not in claimed and b.index not in claimed:
                joins.append(Join(a, b, fallback[i]))
                claimed.update((a.index, b.index))
            continue
        first = run[0]
        target: Block | None = None
        best = 0
        for j in open_blocks:
            e = live[j]
            if e.index in claimed or e in run or e is a or not is_cut(e, width):
                continue
            if not continues(e.text, first.text, width):
                continue
            nxt = live[j + 1] if j + 1 < len(live) else None
            if nxt is not None and nxt not in run and continues(e.text, nxt.text, width) and score(e, nxt) > 0:
                continue  # e has its own continuation
            s_e = score(e, first)
            if s_e >= SPLICE_MIN_SCORE and s_e > best:
                target, best = e, s_e
        splices.append(Splice(a, run, d, target, score(a, first), score(a, d), best, word_gain))
        claimed.update(x.index for x in (a, d, *run))
        if target is not None:
            claimed.add(target.index)
    # a join whose blocks a splice claims yields to the splice (the splice decides both ends)
    taken = {x.index for s in splices for x in (s.a, s.d, *s.run, *((s.target,) if s.target else ()))}
    joins = [j for j in joins if j.a.index not in taken and j.b.index not in taken]
    return Breaks(joins, splices, live)


#: last characters that settle :func:`ends_sentence` on their own: sentence ends that are neither
#: closers nor whitespace nor invisible (nothing is stripped before them)
_PLAIN_ENDS = frozenset(BLOCK_END - CLOSERS - frozenset(_INVISIBLE))
_NOT_PLAIN_END_RE = _regex.compile("[^" + re.escape("".join(sorted(_PLAIN_ENDS))) + "]")


def _open_lasts(lasts: str) -> list[int]:
    """Indices of the blocks whose last characters are ``lasts`` (one each,
    :attr:`Document.block_lasts`) that may not end a sentence: all but those ending on a plain
    sentence end (most blocks), found in C.

    A superset of the blocks :func:`ends_sentence` rejects (its callers test again), without
    cutting every block's text.
    """
    return [m.start() for m in _NOT_PLAIN_END_RE.finditer(lasts)]


class _Without(Sequence[Block]):
    """``blocks`` less the few at the sorted indices ``gone``, read through (no list of the rest)."""

    def __init__(self, blocks: Sequence[Block], gone: list[int]) -> None:
        self._blocks = blocks
        self._gone = gone
        self._gone_set = set(gone)

    def __len__(self) -> int:
        return len(self._blocks) - len(self._gone)

    @overload
    def __getitem__(self, key: int) -> Block: ...

    @overload
    def __getitem__(self, key: slice) -> tuple[Block, ...]: ...

    def __getitem__(self, key: int | slice) -> Block | tuple[Block, ...]:
        if isinstance(key, slice):
            return tuple(map(self.__getitem__, range(*key.indices(len(self)))))
        n = len(self)
        k = key + n if key < 0 else key
        if not 0 <= k < n:
            raise IndexError("block index out of range")
        for g in self._gone:  # the k-th block left: past every gone block at or before it
            if g > k:
                break
            k += 1
        return self._blocks[k]

    def __iter__(self) -> Iterator[Block]:
        gone = self._gone_set
        return (b for b in self._blocks if b.index not in gone)


def _bridged(a: Block, b: Block, bridged: Sequence[Span]) -> bool:
    """An earlier fix already removes the break between ``a`` and ``b`` (a tile overlap deleted
    with the break before it)."""
    gap_end = b.end - len(b.text.lstrip())
    return any(d.start <= a.start + len(a.text.rstrip()) and gap_end <= d.end for d in bridged)


def gap_edit(
    text: str, a: Block, b: Block, blocks: Sequence[Block], newline: str
) -> tuple[Edit, dict[str, str]]:
    """The join edit of ``a`` and ``b``, stopping where blocks deleted by others begin.

    Blocks between ``a`` and ``b`` are deleted by earlier-phase fixes up to ``b``'s
    start (the block-deletion convention); the join edit must not overlap them, so
    it covers only the gap from ``a``'s end to the first deleted block.
    """
    edit, evidence = join_edit(text, a, b, newline)
    if b.index == a.index + 1:
        return edit, evidence
    stop = blocks[a.index + 1].start
    return Edit.replace(text, edit.start, stop, edit.replacement), evidence
