"""Line and column in the unit each output format counts in.

Offsets in findings are code points.  SARIF (with ``columnKind``
``unicodeCodePoints``) counts code points, GitHub's annotations count UTF-16
code units (JavaScript string indices), reviewdog counts UTF-8 bytes.  On a
Chinese line a character is 1 code point, 1 UTF-16 unit (2 outside the Basic
Multilingual Plane, e.g. rare characters in names) and 3 or 4 UTF-8 bytes.
"""

from __future__ import annotations

from typing import Literal

from dedup.records import FileRecord

__all__ = ["Unit", "line_col", "unit_length"]

Unit = Literal["codepoint", "utf16", "utf8"]


def unit_length(text: str, unit: Unit) -> int:
    """Length of ``text`` in ``unit``.

    >>> [unit_length("a中𠮷", u) for u in ("codepoint", "utf16", "utf8")]
    [3, 4, 8]
    """
    if unit == "codepoint":
        return len(text)
    if unit == "utf16":
        return len(text) + sum(1 for ch in text if ord(ch) > 0xFFFF)
    return len(text.encode("utf-8", "surrogatepass"))


def line_col(record: FileRecord, offset: int, unit: Unit = "codepoint") -> tuple[int, int]:
    """1-based line and 1-based column of the code-point ``offset`` of ``record``'s text, in ``unit``."""
    assert record.doc is not None
    line, column = record.doc.line_col(offset)
    if unit == "codepoint":
        return line, column
    start = record.doc.line_starts[line - 1]
    return line, unit_length(record.text[start:offset], unit) + 1
