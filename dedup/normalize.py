"""Matching form of text: for comparison only, never for output.

The matching form applies NFKC per character (width folding), lower-cases, unifies
punctuation variants (full-width and ASCII commas, quotes, brackets) and drops
whitespace.  Each character of the matching form keeps the original offset it came
from, so a match found in matching space maps back to an original span.
"""

from __future__ import annotations

import sys
import unicodedata
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import compress
from typing import Any

__all__ = [
    "Normalized",
    "batch_bounds",
    "fold_char", "is_cjk", "is_sentence_end", "matching_text", "matching_texts", "normalize", "normalize_reference"]

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
    folded = _matching_text_translate(text)  # fills _TABLE for every character of text
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
    Long texts go through a numpy look-up table instead (``str.translate`` looks every
    non-ASCII character up in a dict: ~40 ms a MB of Chinese, the table ~5 ms).

    >>> matching_text("Ａ，b  c") == normalize("Ａ，b  c").text
    True
    """
    if text.isascii():
        return text.encode("ascii").translate(_ascii_table(), _ASCII_DROP).decode("ascii")
    if len(text) >= _LONG_TEXT and ("numpy" in sys.modules or len(text) >= _NUMPY_WORTH_IMPORTING):
        folded = _matching_text_table(text)
        if folded is not None:
            return folded
    return _matching_text_translate(text)


def matching_texts(texts: Sequence[str]) -> list[str]:
    """:func:`matching_text` of each of ``texts``, a batch of them per call (a call per short text
    costs more than its folding; a long batch takes the numpy table).

    >>> matching_texts(["Ａ b", "", "C d"])
    ['ab', '', 'cd']
    """
    out: list[str] = []
    for start, stop in batch_bounds([len(t) for t in texts], _BATCH_CHARS, extra=1):
        batch = texts[start:stop]
        joined = "\x00".join(batch)
        # NUL folds to itself and nothing folds to NUL: the pieces are the texts, unless a text holds one
        pieces = matching_text(joined).split("\x00") if joined.count("\x00") == len(batch) - 1 else []
        out.extend(pieces if len(pieces) == len(batch) else map(matching_text, batch))
    return out


#: characters of text folded by one call of :func:`matching_texts` (bounds the joined copy)
_BATCH_CHARS = 1 << 20
#: from this length the numpy table pays if numpy is loaded anyway (rules load it for long documents)
_LONG_TEXT = 50_000
#: and from this length it pays for importing numpy too (the rules load it for such documents anyway)
_NUMPY_WORTH_IMPORTING = 200_000
#: BMP code unit -> its one-unit matching form, _DROP (folds to nothing), _MULTI_UNIT (several units:
#: the translate path handles it) or _UNKNOWN (not folded yet); filled as characters are met
_DROP = 0xFFFF_FFFF
_MULTI_UNIT = 0xFFFF_FFFE
_UNKNOWN = 0xFFFF_FFFD
_UNIT_TABLE: Any = None


def _matching_text_table(text: str) -> str | None:
    """:func:`matching_text` through a numpy table of UTF-16 code units, a chunk at a time (bounded
    memory); None when the text needs the general path (characters outside the BMP, lone surrogates,
    a character folding to several)."""
    parts: list[str] = []
    for start in range(0, len(text), _CHUNK):
        folded = _fold_chunk(text[start : start + _CHUNK])
        if folded is None:
            return None
        parts.append(folded)
    return "".join(parts)


_CHUNK = 1 << 20
_ASCII_DROP = bytes(c for c in range(128) if chr(c).isspace())
_ASCII_TABLE: bytes | None = None


def _ascii_table() -> bytes:
    global _ASCII_TABLE
    if _ASCII_TABLE is None:
        # every ASCII character folds to one ASCII character or (whitespace) to nothing
        table = bytearray(range(256))
        for c in range(128):
            folded = fold_char(chr(c))
            if folded:
                table[c] = ord(folded)
        _ASCII_TABLE = bytes(table)
    return _ASCII_TABLE


def _fold_chunk(text: str) -> str | None:
    import numpy as np

    global _UNIT_TABLE
    if _UNIT_TABLE is None:
        _UNIT_TABLE = np.full(65536, _UNKNOWN, dtype=np.uint32)
    table = _UNIT_TABLE
    units = np.frombuffer(text.encode("utf-16-le", "surrogatepass"), dtype=np.uint16)
    if len(units) != len(text):
        return None  # surrogate pairs: a character is two units
    present = np.zeros(65536, dtype=bool)
    present[units] = True
    if present[0xD800:0xE000].any():
        return None  # lone surrogates (from surrogateescape decoding)
    for code in np.flatnonzero(present & (table == _UNKNOWN)).tolist():
        one = fold_char(chr(code))
        if not one:
            table[code] = _DROP
        elif len(one) == 1 and ord(one) < 0x10000 and not 0xD800 <= ord(one) < 0xE000:
            table[code] = ord(one)
        else:
            table[code] = _MULTI_UNIT
    mapped = table[units]
    if (mapped == _MULTI_UNIT).any():
        return None
    kept = mapped[mapped != _DROP].astype(np.uint16)
    folded: str = kept.tobytes().decode("utf-16-le")
    return folded


def _matching_text_translate(text: str) -> str:
    missing = set(text) - _SEEN
    if missing:
        if len(_SEEN) + len(missing) > _TABLE_LIMIT:
            _TABLE.clear()  # adversarial input with every code point: stay bounded
            _SEEN.clear()
            _MULTI.clear()
            missing = set(text)
        for ch in missing:
            if "\u4e00" <= ch <= "\u9fff":
                # unified ideographs fold to themselves (no NFKC decomposition, no case): skip
                # fold_char's NFKC call for the thousand or so a Chinese page holds
                _TABLE[ord(ch)] = ch
                continue
            folded = fold_char(ch)
            _TABLE[ord(ch)] = folded
            if len(folded) > 1:
                _MULTI.add(ch)
        _SEEN.update(missing)
    return text.translate(_TABLE)


def batch_bounds(lengths: Sequence[int], limit: int, extra: int = 0) -> Iterator[tuple[int, int]]:
    """Consecutive ``[start, stop)`` runs of items whose ``lengths`` (plus ``extra`` each, for a
    separator) add up to at most ``limit``; an item longer than the limit is a batch of its own.

    Long texts are processed a batch at a time so that temporaries stay bounded by the batch.

    >>> list(batch_bounds([3, 3, 3, 9, 1], 6))
    [(0, 2), (2, 3), (3, 4), (4, 5)]
    """
    start = 0
    while start < len(lengths):
        stop, size = start, 0
        while stop < len(lengths) and (stop == start or size + lengths[stop] <= limit):
            size += lengths[stop] + extra
            stop += 1
        yield start, stop
        start = stop


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
