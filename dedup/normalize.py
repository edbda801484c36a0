"""Matching form of text: for comparison only, never for output.

The matching form applies NFKC per character (width folding), lower-cases, unifies
punctuation variants (full-width and ASCII commas, quotes, brackets) and drops
whitespace.  Each character of the matching form keeps the original offset it came
from, so a match found in matching space maps back to an original span.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from itertools import compress

__all__ = ["Normalized", "fold_char", "is_cjk", "is_sentence_end", "matching_text", "normalize", "normalize_reference"]

# Punctuation variants that OCR and typesetting swap freely, mapped to one representative.
_PUNCT_MAP = {
    "“": '"', "”": '"', "„": '"', "«": '"', "»": '"', "「": '"', "」": '"', "『": '"', "』": '"',
    "‘": "'", "’": "'", "`": "'", "´": "'",
    "、": ",", "，": ",", "､": ",",
    "。": ".", "｡": ".", "．": ".",
    "【": "[", "】": "]", "〔": "(", "〕": ")", "［": "[", "］": "]", "（": "(", "）": ")",
    "《": "<", "》": ">", "〈": "<", "〉": ">",
    "—": "-", "–": "-", "－": "-", "─": "-", "‐": "-", "‑": "-",
    "…": ".", "·": ".", "•": ".",
}


@lru_cache(maxsize=65536)
def fold_char(ch: str) -> str:
    """One character in matching form (may be empty for whitespace, or several characters)."""
    if ch.isspace():
        return ""
    mapped = _PUNCT_MAP.get(ch)
    if mapped is not None:
        return mapped
    if ch.isascii():
        return ch.lower()
    folded = unicodedata.normalize("NFKC", ch)
    return "".join(_PUNCT_MAP.get(c, c) for c in folded.lower() if not c.isspace())


@dataclass(frozen=True, slots=True)
class Normalized:
    """Matching form ``text`` and, per character, the original offset it came from."""

    text: str
    offsets: tuple[int, ...]
    source_end: int

    def to_original(self, start: int, end: int) -> tuple[int, int]:
        """Original ``[start, end)`` covering matching-form characters ``[start, end)``."""
        if start >= len(self.offsets):
            return self.source_end, self.source_end
        o_start = self.offsets[start]
        o_end = self.offsets[end] if end < len(self.offsets) else self.source_end
        if end > start:
            # end at the character after the last matched one, not at following whitespace
            o_end = self.offsets[end - 1] + 1
        return o_start, o_end


def normalize(text: str, base: int = 0, keep_space: bool = False) -> Normalized:
    """Matching form of ``text``; offsets are ``base`` + index into ``text``.

    >>> n = normalize("Ａ，b  c")
    >>> n.text, n.offsets
    ('a,bc', (0, 1, 2, 5))

    With ``keep_space`` runs of whitespace become one space (for Latin word shingles).
    """
    if not keep_space:
        return _normalize_fast(text, base)
    return normalize_reference(text, base, keep_space)


def _normalize_fast(text: str, base: int) -> Normalized:
    """:func:`normalize` without ``keep_space``: the text through ``str.translate``, offsets in C loops.

    Falls back to the reference when a character folds to several (``㈠`` -> ``(一)``).
    """
    folded = matching_text(text)
    table = _TABLE
    if _MULTI and not _MULTI.isdisjoint(text):
        return normalize_reference(text, base)
    end = base + len(text)
    if len(folded) == len(text):
        return Normalized(folded, tuple(range(base, end)), end)
    # drop the positions of characters that fold to nothing (whitespace)
    keep = map(table.__getitem__, map(ord, text))
    return Normalized(folded, tuple(compress(range(base, end), keep)), end)


def normalize_reference(text: str, base: int = 0, keep_space: bool = False) -> Normalized:
    """The character-by-character definition of :func:`normalize` (its differential-test reference)."""
    out: list[str] = []
    offsets: list[int] = []
    prev_space = True
    for i, ch in enumerate(text):
        if keep_space and ch.isspace():
            if not prev_space:
                out.append(" ")
                offsets.append(base + i)
                prev_space = True
            continue
        folded = fold_char(ch)
        if not folded:
            continue
        for c in folded:
            out.append(c)
            offsets.append(base + i)
        prev_space = False
    return Normalized("".join(out), tuple(offsets), base + len(text))


# code point -> matching form of that character, filled as characters are met (str.translate table)
_TABLE: dict[int, str] = {}
_SEEN: set[str] = set()
# characters met so far whose matching form has several characters (offsets need the reference path)
_MULTI: set[str] = set()
_TABLE_LIMIT = 1 << 18


def matching_text(text: str) -> str:
    """``normalize(text).text`` without the offsets, through ``str.translate`` (no per-character Python loop).

    For callers that compare texts and never map back: duplicate detection, fingerprints.

    >>> matching_text("Ａ，b  c") == normalize("Ａ，b  c").text
    True
    """
    missing = set(text) - _SEEN
    if missing:
        if len(_SEEN) + len(missing) > _TABLE_LIMIT:
            _TABLE.clear()  # adversarial input with every code point: stay bounded
            _SEEN.clear()
            _MULTI.clear()
            missing = set(text)
        for ch in missing:
            folded = fold_char(ch)
            _TABLE[ord(ch)] = folded
            if len(folded) > 1:
                _MULTI.add(ch)
        _SEEN.update(missing)
    return text.translate(_TABLE)


def is_cjk(ch: str) -> bool:
    """True for Han ideographs, kana and hangul (scripts written without spaces).

    >>> is_cjk("中"), is_cjk("a"), is_cjk("，")
    (True, False, False)
    """
    o = ord(ch)
    return (
        0x4E00 <= o <= 0x9FFF
        or 0x3400 <= o <= 0x4DBF
        or 0x20000 <= o <= 0x2FFFF
        or 0xF900 <= o <= 0xFAFF
        or 0x3040 <= o <= 0x30FF
        or 0xAC00 <= o <= 0xD7AF
    )


#: Punctuation that ends a sentence, in either script.
SENTENCE_END = frozenset("。！？!?；;…")
#: Closing marks that may follow the sentence end (。” or .")
CLOSERS = frozenset("”’」』）)]】》〉\"'")


def is_sentence_end(text: str) -> bool:
    """Whether ``text`` (stripped) ends a sentence, allowing closing quotes and brackets.

    >>> is_sentence_end("他说：“好。”"), is_sentence_end("高新"), is_sentence_end("the end.")
    (True, False, True)
    """
    stripped = text.rstrip()
    while stripped and stripped[-1] in CLOSERS:
        stripped = stripped[:-1]
    if not stripped:
        return False
    return stripped[-1] in SENTENCE_END or stripped[-1] == "."
