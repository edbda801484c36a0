"""Small predicates on block text shared by several rules (headings, numbering, sentence ends)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from dedup import _regex
from dedup.normalize import CLOSERS, SENTENCE_END, is_cjk

__all__ = [
    "HeadingNumber",
    "ends_mid_sentence",
    "heading_number",
    "is_bracketed",
    "looks_like_continuation",
    "looks_like_heading",
    "same_numbers",
    "says_nothing_more",
    "strip_enumeration",
]

_CN_DIGITS = "零〇一二三四五六七八九十百千两"
_CN_VALUES = {
    "零": 0,
    "〇": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}


def cn_number(text: str) -> int | None:
    """Value of a Chinese numeral up to the thousands.

    >>> cn_number("十"), cn_number("十二"), cn_number("二十三"), cn_number("一百零五")
    (10, 12, 23, 105)
    """
    if not text or any(ch not in _CN_DIGITS for ch in text):
        return None
    total = 0
    current = 0
    for ch in text:
        if ch in _CN_VALUES:
            current = _CN_VALUES[ch]
        else:
            unit = {"十": 10, "百": 100, "千": 1000}[ch]
            total += (current or 1) * unit
            current = 0
    return total + current


@dataclass(frozen=True, slots=True)
class HeadingNumber:
    """A numbered heading or item: its numbering style (the level) and its value."""

    style: str
    value: int
    prefix_len: int


# Styles, from outer to inner in the usual Chinese official hierarchy.
_NUMBER_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("chapter", _regex.compile(rf"^第([{_CN_DIGITS}]+|\d+)[章编部篇]")),
    ("section", _regex.compile(rf"^第([{_CN_DIGITS}]+|\d+)[节条]")),
    ("cn-comma", _regex.compile(rf"^([{_CN_DIGITS}]+)[、，,．.]")),
    ("cn-paren", _regex.compile(rf"^[（(]([{_CN_DIGITS}]+)[）)]")),
    ("arabic-dot", _regex.compile(r"^(\d{1,3})[.．、](?!\d)")),
    ("arabic-paren", _regex.compile(r"^[（(](\d{1,3})[）)]")),
)

STYLE_ORDER = tuple(name for name, _ in _NUMBER_PATTERNS)
_NUMBER_STARTS = frozenset(f"第（({_CN_DIGITS}")


def heading_number(text: str) -> HeadingNumber | None:
    """The numbering at the start of ``text``, if any.

    >>> heading_number("（七）狠抓风险防范化解")
    HeadingNumber(style='cn-paren', value=7, prefix_len=3)
    >>> heading_number("四、全面提升").value, heading_number("2021年") is None
    (4, True)
    """
    stripped = text.lstrip(" \t\u3000")
    if not stripped or not (stripped[0] in _NUMBER_STARTS or stripped[0].isdecimal()):
        return None  # every style opens with 第, a Chinese numeral, a bracket or a digit (\d)
    offset = len(text) - len(stripped)
    for style, pattern in _NUMBER_PATTERNS:
        m = pattern.match(stripped)
        if not m:
            continue
        raw = m.group(1)
        value = int(raw) if raw.isdigit() else cn_number(raw)
        if value is None or value == 0:
            continue
        return HeadingNumber(style, value, offset + m.end())
    return None


def strip_enumeration(text: str) -> str:
    """``text`` without its leading heading number (so （七）X and （九）X compare equal).

    >>> strip_enumeration("（七）狠抓风险防范化解")
    '狠抓风险防范化解'
    """
    number = heading_number(text)
    return text[number.prefix_len :].lstrip() if number else text


def is_bracketed(text: str) -> bool:
    """A block wholly inside brackets, such as a byline （记者 王明） or (AP)."""
    s = text.strip()
    return len(s) >= 2 and s[0] in "（(【[〔" and s[-1] in "）)】]〕"


def ends_mid_sentence(text: str) -> bool:
    """The block's last line stops without sentence-ending punctuation (for its script).

    A heading-like block (no sentence punctuation anywhere) is not "mid-sentence":
    it is a title, and what follows is its body.
    """
    s = text.rstrip()
    if not s or is_bracketed(s):
        return False
    tail = s
    while tail and tail[-1] in CLOSERS:
        tail = tail[:-1]
    if not tail:
        return False
    last = tail[-1]
    if last in SENTENCE_END or last in ".:：":
        return False
    return not looks_like_heading(s)


_SENTENCE_PUNCT = _regex.compile(r"[。！？；!?;]|\.(\s|$)")
_ITEM_START = _regex.compile(rf"^([{_CN_DIGITS}]+是|首先|其次|再次|最后|第[{_CN_DIGITS}\d]+[，,、])")


def looks_like_heading(text: str) -> bool:
    """Short, unpunctuated, or numbered like a heading: a title line, not prose.

    >>> looks_like_heading("四、全面提升政府治理现代化水平"), looks_like_heading("抓好重点区域开发建设。强化")
    (True, False)
    """
    s = text.strip()
    if not s:
        return False
    number = heading_number(s)
    has_sentence_punct = bool(_SENTENCE_PUNCT.search(s))
    if number is not None and not has_sentence_punct and len(s) <= 60:
        return True
    if has_sentence_punct:
        return False
    # no sentence punctuation at all: a title when short, or when CJK segments are set apart by spaces
    cjk = sum(1 for ch in s if is_cjk(ch))
    if cjk >= len(s) * 0.5:
        return len(s) <= 40 or bool(_regex.compile(r"\S\s+\S").search(s))
    return len(s) <= 60 and "\n" not in s


def looks_like_continuation(text: str) -> bool:
    """Could ``text`` be the rest of a sentence cut before it (not a heading, item or marker)?"""
    s = text.lstrip(" \t\u3000")
    if not s:
        return False
    if heading_number(s) is not None or _ITEM_START.match(s) or looks_like_heading(s):
        return False
    first = s[0]
    if is_cjk(first):
        return True
    return first.islower() or first in ",;:)、，；：）”’"


#: digits and Chinese numerals
_NUMBER_CHARS = frozenset("0123456789〇一二三四五六七八九十百千万亿零")
_DIGIT_CHARS = frozenset("0123456789")


def same_numbers(x: str, y: str) -> bool:
    """Whether two alike texts (matching forms) say the same numbers: no digit or Chinese numeral
    stands where the other text has another (``第100段`` | ``第200段``, ``三万人`` | ``五万人``,
    ``In 1915`` | ``In 1916``), and no digit is added or dropped (``100`` | ``1000``).  Otherwise
    neither is a copy of the other, whatever OCR may have misread: removing one would lose a number.
    A number character read for a letter or a letter for one (``1``/``l``, ``人``/``八``) is an
    OCR slip."""
    if x == y or not (_NUMBER_CHARS.intersection(x) or _NUMBER_CHARS.intersection(y)):
        return True
    from rapidfuzz.distance import Levenshtein

    numbers, digits = _NUMBER_CHARS, _DIGIT_CHARS
    for op in Levenshtein.editops(x, y):
        if op.tag == "replace":
            if x[op.src_pos] in numbers and y[op.dest_pos] in numbers:
                return False
        elif (x[op.src_pos] if op.tag == "delete" else y[op.dest_pos]) in digits:
            return False
    return True


def says_nothing_more(stays: str, gone: str) -> bool:
    """Whether ``gone`` (matching form) holds no text that its twin ``stays`` lacks, so that removing
    it loses nothing.

    OCR damages a character here and there; a run of three or more characters that only the
    removed copy has is text of its own (a fragment glued on by a join, or run in with control
    characters), not noise.  Nor is more than one character in twelve of what the copy says (two
    OCR readings of one text differ by twice a page's error rate, a few in a hundred; more is other
    wording, found by the property tests).  Replacement characters (bytes that did not decode) say
    nothing: they make ``Cont\ufffd…2`` and ``Cont\ufffd…6`` long and alike (found by fuzzing).
    """
    from rapidfuzz.distance import Levenshtein

    own = [op.dest_end - op.dest_start for op in Levenshtein.opcodes(stays, gone) if op.tag in ("insert", "replace")]
    if any(n >= 3 for n in own):
        return False
    return sum(own) * 12 <= max(1, len(gone) - gone.count("\ufffd"))
