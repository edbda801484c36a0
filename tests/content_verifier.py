"""An independent check that ``clean`` lost no unique content.

It never looks at findings, fixes or ``Fix.keeps``: it diffs the input against the
output (rapidfuzz Indel opcodes over a whitespace-free form) and asks, for every
run of characters the output lacks, whether that run still has a twin in the
output or is layout furniture recognised by patterns written here, separately
from the rules.

Used by the property tests and the fuzzing harness.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

__all__ = ["Loss", "lost_content"]

# Furniture the tool may delete without a twin: page markers and "continued" lines.
_FURNITURE = re.compile(
    r"(第\s*[0-9０-９一二三四五六七八九十]+\s*[版页])|(接\s*第)|(下\s*转)|(上\s*接)|(转\s*第)|(见\s*第)"
    r"|(continued\s+(on|from))|(see\s+page)|(page\s+\d+)|(^[^\w]{0,3}\d[\d\W]{0,7}$)|(^\W{0,3}[a-z]?\d{1,4}[a-z]?\W{0,3}$)",
    re.IGNORECASE,
)
# Runs this short are letters that occur anywhere; their twin is trivially present.
_TRIVIAL = 2
# A twin is found in pieces at least this long (a few OCR errors split it), covering this share.
_MIN_PIECE = 6
_MIN_COVERED = 0.85
# ... or, for an OCR-damaged copy, aligns this well (rapidfuzz partial_ratio, 0-100) with part of the output
_MIN_RATIO = 80
# ... and a piece this short may lean on its whole line's twin
_SHORT_PIECE = 12


def _skeleton(text: str) -> tuple[str, list[int]]:
    """Text without whitespace, NFKC-folded and lower-cased, with each character's original line."""
    chars: list[str] = []
    lines: list[int] = []
    line = 0
    for i, ch in enumerate(text):
        # a line ends at LF, at CR not followed by LF (CRLF counts once), as _lines() splits
        if ch == "\n" or (ch == "\r" and text[i + 1 : i + 2] != "\n"):
            line += 1
        # whitespace and control characters are not content: joins and junk removal are free
        if ch.isspace() or unicodedata.category(ch) == "Cc":
            continue
        for c in unicodedata.normalize("NFKC", ch).lower():
            if not c.isspace():
                chars.append(c)
                lines.append(line)
    return "".join(chars), lines


# a page header may carry a page number and commas (headlines do: 十年奋进路,建设银行), but no sentence
# end, no brackets (bylines) and no enumeration
_PUNCT_OR_NUMBER = re.compile(r"[。！？；：.!?;:（）()\[\]【】]|^\s*[一二三四五六七八九十]+\s*[、.]|^\s*第")


def _standalone(lines: list[str], number: int) -> bool:
    """The line is a block of its own: blank (or no) lines on both sides."""
    above = number == 0 or not lines[number - 1].strip()
    below = number + 1 >= len(lines) or not lines[number + 1].strip()
    return above and below


# a unit repeated at once, or after a list separator (a doubled list item: 甲乙、甲乙)
_REPEAT = re.compile(r"(.{1,24}?)(?:[、，,;；]?\1)+", re.DOTALL)


def _collapse(text: str, lines: list[int]) -> tuple[str, list[int]]:
    """:func:`_collapse_once` until nothing changes (a collapsed ``ll`` may expose a longer repeat)."""
    for _ in range(4):
        shorter, kept = _collapse_once(text, lines)
        if len(shorter) == len(text):
            break
        text, lines = shorter, kept
    return text, lines


def _collapse_once(text: str, lines: list[int]) -> tuple[str, list[int]]:
    """Immediate repeats reduced to one copy (``xx`` -> ``x``), in both texts alike.

    A stutter removed from the retained twin of a deleted copy would otherwise make the
    twin differ from the copy, and the diff would report fragments of the copy as lost.
    """
    keep: list[int] = []
    pos = 0
    for m in _REPEAT.finditer(text):
        keep.extend(range(pos, m.start() + len(m.group(1))))
        pos = m.end()
    keep.extend(range(pos, len(text)))
    return "".join(text[i] for i in keep), [lines[i] for i in keep]


def _lines(text: str) -> list[str]:
    return re.split(r"\r\n|\r|\n", text)


@dataclass(frozen=True)
class Loss:
    """A run of input characters missing from the output with no twin left and no furniture excuse."""

    text: str
    position: int

    def __str__(self) -> str:
        return f"lost {self.text!r} at skeleton offset {self.position}"


def _longest_prefix_in(run: str, start: int, out: str) -> int:
    """Length of the longest prefix of ``run[start:]`` that occurs somewhere in ``out``."""
    lo, hi = 0, len(run) - start
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if run[start : start + mid] in out:
            lo = mid
        else:
            hi = mid - 1
    return lo


def _has_twin(piece: str, out: str) -> bool:
    """``piece`` survives in ``out``: covered in long pieces, or aligned with few OCR-sized differences."""
    from rapidfuzz import fuzz

    if _covered_share(piece, out) >= _MIN_COVERED:
        return True
    if len(piece) < 10:
        # a short line read twice with one OCR substitution (导/东) still has its twin
        return len(piece) >= 7 and fuzz.partial_ratio(piece, out, score_cutoff=85) >= 85
    # partial_ratio slides the shorter string over the longer: when the piece is the longer one
    # an output contained in it would count as its twin, so the whole output is compared instead
    if len(piece) > len(out):
        return fuzz.ratio(piece, out, score_cutoff=_MIN_RATIO) >= _MIN_RATIO
    return fuzz.partial_ratio(piece, out, score_cutoff=_MIN_RATIO) >= _MIN_RATIO


def _short_piece_of_twinned_line(piece: str, line: str, out: str) -> bool:
    """A few characters of a line whose twin survives: the diff split a deleted copy unluckily.

    A deleted copy whose retained twin was itself repaired (a stutter removed) does not
    align character for character; the diff may then report a short piece of the copy
    as lost.  Pieces longer than ``_SHORT_PIECE`` are always judged on their own.
    """
    return len(piece) <= _SHORT_PIECE and _has_twin(line, out)


def _covered_share(run: str, out: str) -> float:
    """Share of ``run`` covered by pieces of at least ``_MIN_PIECE`` characters found in ``out``.

    A deleted copy may be a concatenation (a spliced fragment next to a section), and an
    OCR-damaged twin differs in a few characters, so coverage is counted piece by piece.
    """
    if len(run) <= _TRIVIAL or run in out:
        return 1.0
    # punctuation between repeats (the 、 of a doubled list item) and control characters carry no content
    covered = sum(1 for ch in run if unicodedata.category(ch)[0] in "PSC")
    least = _MIN_PIECE if len(run) >= 2 * _MIN_PIECE else 4
    i = 0
    while i < len(run):
        length = _longest_prefix_in(run, i, out)
        if length >= min(least, len(run) - i):
            covered += sum(1 for ch in run[i : i + length] if unicodedata.category(ch)[0] not in "PSC")
            i += length
        else:
            i += 1
    return covered / len(run)


_DIGITS = re.compile(r"\d+")


def _is_furniture(input_text: str, lines_of_run: set[int]) -> bool:
    """The deleted run lies on short lines that look like page markers or repeat as running headers."""
    lines = _lines(input_text)
    for number in lines_of_run:
        if number >= len(lines):
            return False
        line = lines[number].strip()
        if not line:
            continue
        if _FURNITURE.search(line):
            continue
        # a running header: a line printed at least twice in the input, not ending a sentence, its
        # numbers free to change (dates, page numbers); newspaper heads run long:
        # "THE EVENING STAR, WASHINGTON, D. C., SATURDAY, JANUARY 1, 1916"
        if len(line) <= 80 and line[-1] not in "。！？.!?" and sum(
                1 for other in lines if _DIGITS.sub("0", other.strip()) == _DIGITS.sub("0", line)) >= 2:
            continue
        # or a page header printed once: a short stand-alone line without punctuation or numbering
        if _standalone(lines, number) and len(line) <= 20 and not _PUNCT_OR_NUMBER.search(line):
            continue
        return False
    return True


def lost_content(before: str, after: str) -> list[Loss]:
    """Runs of ``before`` that ``after`` drops without a twin surviving in ``after`` or a furniture excuse.

    Whitespace and line breaks never count (joins and blank-line removal are free).
    """
    from rapidfuzz.distance import Indel

    src, src_lines = _collapse(*_skeleton(before))
    raw_out = _skeleton(after)[0]
    out, _ = _collapse(raw_out, [0] * len(raw_out))
    if src == out:
        return []
    before_lines = _lines(before)

    def line_text(number: int) -> str:
        # the whole input line, not the characters the collapse attributed to it: collapsing
        # repeated lines may leave a line only the head of its copy ("回九积产增" of a 21-character line)
        return _collapse(*_skeleton(before_lines[number]))[0] if number < len(before_lines) else ""

    ops = [op for op in Indel.opcodes(src, out) if op.tag == "delete"]
    deleted_in_line: dict[int, int] = {}
    for op in ops:
        for k in range(op.src_start, op.src_end):
            deleted_in_line[src_lines[k]] = deleted_in_line.get(src_lines[k], 0) + 1
    losses: list[Loss] = []
    for op in ops:
        # judge line by line: one deleted run may join a duplicate, a header and a splice
        pos = op.src_start
        while pos < op.src_end:
            line = src_lines[pos]
            stop = pos
            while stop < op.src_end and src_lines[stop] == line:
                stop += 1
            piece = src[pos:stop]
            whole = line_text(line)
            # a line mostly deleted is a removed copy: judged whole (the diff may keep a few of its
            # characters where they match its twin); a line mostly kept lost only this piece
            mostly_deleted = deleted_in_line[line] * 2 >= len(whole)
            # a twin is looked for in the output collapsed as the input was, and as it stands: a copy
            # whose doubled item OCR misread (甲子、甲油) does not collapse, while its twin's did
            twinned = any(
                _has_twin(whole, o)
                if mostly_deleted
                else _has_twin(piece, o) or _short_piece_of_twinned_line(piece, whole, o)
                for o in (out, raw_out)
            )
            # a twin says the same numbers: a copy alike but for a number (第100段 | 第200段) is not one
            lost = not twinned or bool(_numbers_missing(src, src_lines, pos, stop, (out, raw_out)))
            if lost and not _is_furniture(before, {line}):
                losses.append(Loss(piece, pos))
            pos = stop
    return losses


def _numbers_missing(src: str, src_lines: list[int], start: int, stop: int, outs: tuple[str, ...]) -> list[str]:
    """The numbers (whole runs of digits of ``src``, on one line) that a digit of ``src[start:stop]``
    belongs to and that no text of ``outs`` holds.  A lone digit between two letters (``t`e2county``,
    ``1ike`` read for ``like``) is OCR noise inside a word, not a number."""
    missing: list[str] = []
    k = start
    while k < stop:
        if src[k] not in _ASCII_DIGITS:
            k += 1
            continue
        a, b = k, k
        # the skeleton drops line breaks: a number ends with its line (``。一0`` | ``1. Proposal``)
        while a > 0 and src[a - 1] in _ASCII_DIGITS and src_lines[a - 1] == src_lines[k]:
            a -= 1
        while b < len(src) and src[b] in _ASCII_DIGITS and src_lines[b] == src_lines[k]:
            b += 1
        in_word = b - a == 1 and a > 0 and b < len(src) and _latin_letter(src[a - 1]) and _latin_letter(src[b])
        if not in_word and not any(src[a:b] in o for o in outs):
            missing.append(src[a:b])
        k = b
    return missing


_ASCII_DIGITS = frozenset("0123456789")


def _latin_letter(ch: str) -> bool:
    return ch.isascii() and ch.isalpha()
