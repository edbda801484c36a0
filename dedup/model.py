"""Plain data records shared by every layer: spans, blocks, documents, edits, fixes, findings.

All offsets are Unicode code points into the ORIGINAL decoded text, half-open
(``end`` exclusive).  Nothing here ever mutates the original text.
"""

from __future__ import annotations

import bisect
import collections
import itertools
import operator
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from functools import cached_property
from typing import Any, overload

from dedup import _regex

__all__ = [
    "KINDS",
    "Block",
    "Document",
    "Edit",
    "Finding",
    "Fix",
    "Severity",
    "Span",
]

#: Finding kinds; part of the JSON contract, never rename one.
KINDS: tuple[str, ...] = (
    "duplicate-paragraph",
    "duplicate-section",
    "repeated-phrase",
    "stutter",
    "repeated-name",
    "broken-paragraph",
    "splice",
    "running-header",
    "page-marker",
    "orphan-fragment",
    "boundary-overlap",
    "numbering-gap",
)


class Severity(StrEnum):
    """How serious a finding is; ordered ``info < warning < error``."""

    INFO = "info"
    WARNING = "warning"
    ERROR = "error"

    @property
    def rank(self) -> int:
        return _SEVERITY_RANK[self]

    @classmethod
    def parse(cls, value: str | Severity) -> Severity:
        if isinstance(value, Severity):
            return value
        try:
            return cls(value.lower())
        except ValueError:
            raise ValueError(f"unknown severity {value!r} (expected info, warning or error)") from None


_SEVERITY_RANK = {Severity.INFO: 0, Severity.WARNING: 1, Severity.ERROR: 2}


@dataclass(frozen=True, slots=True, order=True)
class Span:
    """A half-open range of code points ``[start, end)`` into the original text."""

    start: int
    end: int

    def __reduce__(self) -> tuple[type[Span], tuple[int, int]]:
        # plain constructor arguments: a worker process sends thousands back to the parent, and
        # the slots dataclass default (__setstate__ field by field) is several times slower
        return (Span, (self.start, self.end))

    def __post_init__(self) -> None:
        if self.start < 0 or self.end < self.start:
            raise ValueError(f"invalid span [{self.start}, {self.end})")

    def __len__(self) -> int:
        return self.end - self.start

    def slice(self, text: str) -> str:
        return text[self.start : self.end]

    def overlaps(self, other: Span) -> bool:
        return self.start < other.end and other.start < self.end

    def contains(self, other: Span) -> bool:
        return self.start <= other.start and other.end <= self.end


@dataclass(frozen=True, slots=True)
class Block:
    """A paragraph: a run of non-blank lines.  ``start``/``end`` exclude the line break after it.

    ``source`` is the whole text the block lies in; :attr:`text` slices it on demand, so a
    document's blocks do not hold a second copy of it (68 MB on a 100 MB Chinese file).
    """

    index: int
    start: int
    end: int
    source: str = field(repr=False)

    @property
    def text(self) -> str:
        return self.source[self.start : self.end]

    def __repr__(self) -> str:
        return f"Block(index={self.index}, start={self.start}, end={self.end}, text={self.text!r})"

    @property
    def span(self) -> Span:
        return Span(self.start, self.end)

    def __len__(self) -> int:
        return self.end - self.start


_LINE_BREAK = _regex.compile(r"\r\n|\r|\n")
_LF = _regex.compile("\n")
#: what str.splitlines also breaks at, besides CR and LF
_OTHER_LINE_BREAKS = _regex.compile("[\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]")


class Document:
    """Decoded text plus where it came from; blocks and line positions are computed lazily.

    Args:
        text: the decoded text, exactly as read (BOM removed, newlines untouched).
        path: display name of the source (``"-"`` for stdin).
        encoding: the codec the bytes were decoded with.
        bom: whether the source started with a byte-order mark.
        newline: the dominant line break of the source (``"\\n"``, ``"\\r\\n"`` or ``"\\r"``).
    """

    __slots__ = ("__dict__", "bom", "encoding", "newline", "path", "text")

    def __init__(
        self,
        text: str,
        path: str = "<text>",
        encoding: str = "utf-8",
        bom: bool = False,
        newline: str | None = None,
    ) -> None:
        self.text = text
        self.path = path
        self.encoding = encoding
        self.bom = bom
        self.newline = newline if newline is not None else detect_newline(text)

    def __getstate__(self) -> dict[str, Any]:
        # what a worker process sends back: the cached blocks are cheap to recompute and dear to
        # pickle, so only the fields travel
        return {name: getattr(self, name) for name in ("text", "path", "encoding", "bom", "newline")}

    def __setstate__(self, state: dict[str, Any]) -> None:
        for name, value in state.items():
            setattr(self, name, value)

    def __repr__(self) -> str:
        return f"Document(path={self.path!r}, chars={len(self.text)}, encoding={self.encoding!r})"

    @cached_property
    def line_starts(self) -> list[int]:
        text = self.text
        if "\r" not in text:
            # LF only (nearly every file once read): the breaks are the LFs, found by a plain search
            # (3 ms on a 10 MB document, against 25 for the other-separators scan and splitlines)
            return [0, *(m.end() for m in _LF.finditer(text))]
        if _OTHER_LINE_BREAKS.search(text) is None:
            # str.splitlines breaks at exactly our line breaks when no other separator occurs, and
            # sums its line lengths in C (a 10 MB document: 2 ms instead of 10)
            starts = [0, *itertools.accumulate(map(len, text.splitlines(keepends=True)))]
            if len(starts) > 1 and not text.endswith(("\n", "\r")):
                starts.pop()  # the end of a last line without a break starts no line
            return starts
        return [0, *(m.end() for m in _LINE_BREAK.finditer(text))]

    def line_col(self, offset: int) -> tuple[int, int]:
        """1-based line and 1-based column (in code points) of ``offset``."""
        line = bisect.bisect_right(self.line_starts, offset) - 1
        return line + 1, offset - self.line_starts[line] + 1

    @cached_property
    def blocks(self) -> tuple[Block, ...]:
        lazy: BlockSequence | None = self.__dict__.get("_lazy")
        if lazy is not None:
            return lazy.all()
        starts, ends = self._bounds
        return tuple(_new_blocks(starts, ends, self.text))

    @property
    def block_list(self) -> Sequence[Block]:
        """:attr:`blocks`, or (a document :meth:`edited` from another) a sequence of them that
        makes each block when first asked for: a later pass of ``clean`` reads a few of them."""
        known = self.__dict__
        blocks: tuple[Block, ...] | None = known.get("blocks")
        if blocks is not None:
            return blocks
        lazy: BlockSequence | None = known.get("_lazy")
        return lazy if lazy is not None else self.blocks

    @property
    def block_starts(self) -> list[int]:
        """``[b.start for b in self.blocks]``, kept with the blocks (do not modify it)."""
        return self._bounds[0]

    @property
    def block_ends(self) -> list[int]:
        """``[b.end for b in self.blocks]``, kept with the blocks (do not modify it)."""
        return self._bounds[1]

    @cached_property
    def block_lasts(self) -> str:
        """The last character of every block, one per block (a document :meth:`edited` from one
        that knew them gets them from it)."""
        ends = self._bounds[1]
        if len(ends) < 2:
            return "".join(self.text[end - 1] for end in ends)  # itemgetter of one index: no tuple
        return "".join(operator.itemgetter(*[end - 1 for end in ends])(self.text))

    @cached_property
    def _bounds(self) -> tuple[list[int], list[int]]:
        """The blocks' starts and ends (kept: the next pass of ``clean`` derives its blocks from them)."""
        return block_bounds(self.text)

    def edited(self, text: str, edits: Sequence[Edit]) -> Document:
        """The document ``text`` that ``edits`` (sorted, not overlapping) made of this one.

        When this document's blocks are known, the new one's are derived from them: only the
        stretches around the edits are split again (a pass of ``clean`` changes a few places of a
        long text; splitting it all again cost 20 ms a 10 MB pass).
        """
        doc = Document(text, self.path, self.encoding, self.bom, self.newline)
        known = self.__dict__
        if "_bounds" in known:
            starts, ends, lasts = _bounds_after_edits(*self._bounds, len(self.text), text, edits,
                                                      known.get("block_lasts"))
            doc.__dict__["_bounds"] = (starts, ends)
            doc.__dict__["_lazy"] = BlockSequence(starts, ends, text)
            if lasts is not None:
                doc.__dict__["block_lasts"] = lasts
        return doc


def detect_newline(text: str) -> str:
    """The most frequent line break in ``text`` (LF when there is none).

    >>> detect_newline("a\\r\\nb\\r\\nc\\nd")
    '\\r\\n'
    """
    crlf = text.count("\r\n")
    lf = text.count("\n") - crlf
    cr = text.count("\r") - crlf
    best = max((lf, "\n"), (crlf, "\r\n"), (cr, "\r"), key=lambda pair: pair[0])
    return best[1] if best[0] else "\n"


def split_blocks(text: str) -> Iterable[Block]:
    """Paragraphs separated by blank (whitespace-only) lines, with offsets kept.

    One regular expression finds each run of non-blank lines (lines end at CRLF, CR or
    LF; a line is blank when it holds only whitespace, as ``str.strip`` sees it).

    >>> [(b.start, b.end, b.text) for b in split_blocks("\\na\\nb\\n\\n c \\n")]
    [(1, 4, 'a\\nb'), (6, 9, ' c ')]
    """
    starts, ends = block_bounds(text)
    return iter(_new_blocks(starts, ends, text))


def block_bounds(text: str) -> tuple[list[int], list[int]]:
    """The starts and the ends of the blocks of ``text`` (see :func:`split_blocks`)."""
    starts: list[int] = []
    ends: list[int] = []
    if "\r" in text:
        for m in _BLOCK_RE.finditer(text):
            starts.append(m.start())
            ends.append(m.end())
        return starts, ends
    # LF only (nearly every file once read): find the blank lines between blocks instead of
    # matching every character of the blocks, about 3x faster on long text
    pos = 0
    for m in _BLANK_LINES_LF.finditer(text):
        # between two runs of blank lines every line holds text: only the first piece needs trimming
        start, end = _trim_blank_edges(text, pos, m.start()) if pos == 0 else (pos, m.start())
        if start < end:
            starts.append(start)
            ends.append(end)
        pos = m.end()
    start, end = _trim_blank_edges(text, pos, len(text))
    if start < end:
        starts.append(start)
        ends.append(end)
    return starts, ends


_NEW = object.__new__
_SET_INDEX = Block.__dict__["index"].__set__
_SET_START = Block.__dict__["start"].__set__
_SET_END = Block.__dict__["end"].__set__
_SET_SOURCE = Block.__dict__["source"].__set__


def _new_blocks(starts: list[int], ends: list[int], source: str) -> list[Block]:
    """``Block(i, starts[i], ends[i], source)`` for every ``i``, built field by field in C loops
    (a frozen dataclass's ``__init__`` sets each field through ``object.__setattr__``: twice the
    time, which a later pass of ``clean`` pays for every block of a long document)."""
    n = len(starts)
    blocks: list[Block] = list(map(_NEW, itertools.repeat(Block, n)))
    _consume(map(_SET_INDEX, blocks, range(n)))
    _consume(map(_SET_START, blocks, starts))
    _consume(map(_SET_END, blocks, ends))
    _consume(map(_SET_SOURCE, blocks, itertools.repeat(source, n)))
    return blocks


class BlockSequence(Sequence[Block]):
    """The blocks ``starts[i]..ends[i]`` of ``source``, each made when first asked for; iterating
    makes the rest at once (in C loops, as :func:`_new_blocks`), keeping the ones already made."""

    __slots__ = ("_all", "_ends", "_made", "_source", "_starts")

    def __init__(self, starts: list[int], ends: list[int], source: str) -> None:
        self._starts = starts
        self._ends = ends
        self._source = source
        self._made: dict[int, Block] = {}
        self._all: tuple[Block, ...] | None = None

    def __len__(self) -> int:
        return len(self._starts)

    @overload
    def __getitem__(self, key: int) -> Block: ...

    @overload
    def __getitem__(self, key: slice) -> tuple[Block, ...]: ...

    def __getitem__(self, key: int | slice) -> Block | tuple[Block, ...]:
        if self._all is not None:
            return self._all[key]
        if isinstance(key, slice):
            return tuple(map(self.__getitem__, range(*key.indices(len(self._starts)))))
        made = self._made.get(key)
        if made is not None:
            return made
        n = len(self._starts)
        i = key + n if key < 0 else key
        if not 0 <= i < n:
            raise IndexError("block index out of range")
        made = self._made.get(i)
        if made is None:
            made = _NEW(Block)
            _SET_INDEX(made, i)
            _SET_START(made, self._starts[i])
            _SET_END(made, self._ends[i])
            _SET_SOURCE(made, self._source)
            self._made[i] = made
        return made

    def __iter__(self) -> Iterator[Block]:
        return iter(self.all())

    def __reversed__(self) -> Iterator[Block]:
        return reversed(self.all())

    def all(self) -> tuple[Block, ...]:
        """Every block, as a tuple (the ones handed out already among them)."""
        if self._all is None:
            blocks = _new_blocks(self._starts, self._ends, self._source)
            for i, made in self._made.items():
                blocks[i] = made
            self._all = tuple(blocks)
            self._made = {}
        return self._all


def _consume(calls: Iterable[object]) -> None:
    collections.deque(calls, maxlen=0)


def blocks_after_edits(blocks: Sequence[Block], old_length: int, text: str, edits: Sequence[Edit]) -> tuple[Block, ...]:
    """The blocks of ``text``, made by ``edits`` (sorted, not overlapping) from a text of
    ``old_length`` whose blocks are ``blocks``: equal to ``tuple(split_blocks(text))``.

    An edit can merge or split its block and the neighbours (a join removes the blank line
    between two), so each is re-split from the start of the block before it to the end of the
    block after it: those ends stay block edges whatever the edit does inside.
    """
    starts, ends, _ = _bounds_after_edits([b.start for b in blocks], [b.end for b in blocks], old_length, text, edits)
    return tuple(_new_blocks(starts, ends, text))


def _bounds_after_edits(starts: list[int], ends: list[int], old_length: int, text: str,
                        edits: Sequence[Edit], lasts: str | None = None) -> tuple[list[int], list[int], str | None]:
    """:func:`blocks_after_edits` on the blocks' starts and ends; and with ``lasts``, the old
    blocks' last characters (:attr:`Document.block_lasts`), the new ones'."""
    n = len(starts)
    # stretches of old block indices [lo, hi] to split again (-1 and n: the text's edges); a
    # deletion of exactly one block and the blank lines after it (how the rules delete a block)
    # leaves its neighbours and the separator before it as they were: it only drops that block
    raw: list[tuple[int, int, bool]] = []
    for e in edits:
        i = bisect.bisect_left(starts, e.start)
        if not e.replacement and i + 1 < n and starts[i] == e.start and starts[i + 1] == e.end:
            raw.append((i, i, True))
        else:
            raw.append((max(-1, bisect.bisect_right(starts, e.start) - 2), min(n, bisect.bisect_left(ends, e.end) + 1),
                        False))
    raw.sort()
    stretches: list[list[Any]] = []
    for lo, hi, dropped in raw:
        if stretches and lo <= stretches[-1][1]:
            # overlapping stretches are split again as one; a dropped block among them is split with
            # the block its deletion runs up to
            last = stretches[-1]
            if last[2]:
                last[1], last[2] = last[0] + 1, False
            last[1] = max(last[1], hi + 1 if dropped else hi)
        else:
            stretches.append([lo, hi, dropped])
    new_starts: list[int] = []
    new_ends: list[int] = []
    new_lasts: list[str] = []

    def moved(first: int, last: int, shift: int) -> None:
        """Old blocks ``first..last - 1``, untouched, ``shift`` further on."""
        if lasts is not None:
            new_lasts.append(lasts[first:last])
        if shift:
            new_starts.extend([s + shift for s in starts[first:last]])
            new_ends.extend([e + shift for e in ends[first:last]])
        else:
            new_starts.extend(starts[first:last])
            new_ends.extend(ends[first:last])

    shift = 0
    done = 0  # old blocks before this index are placed
    k = 0  # edits before this index are inside placed stretches
    for lo, hi, dropped in stretches:
        moved(done, max(done, lo), shift)
        if dropped:
            shift -= edits[k].end - edits[k].start
            k += 1
            done = hi + 1
            continue
        old_start = starts[lo] if lo >= 0 else 0
        old_end = ends[hi] if hi < n else old_length
        new_start = old_start + shift
        while k < len(edits) and edits[k].start <= old_end and edits[k].end <= old_end:
            shift += len(edits[k].replacement) - (edits[k].end - edits[k].start)
            k += 1
        piece_starts, piece_ends = block_bounds(text[new_start : old_end + shift])
        new_starts.extend([s + new_start for s in piece_starts])
        new_ends.extend([e + new_start for e in piece_ends])
        if lasts is not None:
            new_lasts.extend(text[e + new_start - 1] for e in piece_ends)
        done = hi + 1
    moved(done, n, shift)
    return new_starts, new_ends, "".join(new_lasts) if lasts is not None else None


def _trim_blank_edges(text: str, start: int, end: int) -> tuple[int, int]:
    """``[start, end)`` (lines without blank lines between them) less a blank first or last line.

    Only the text's first line and its last line (which no LF closes) can be blank without
    forming a run of blank lines.
    """
    first_break = text.find("\n", start, end)
    if first_break >= 0 and not text[start:first_break].strip():
        start = first_break + 1
    last_break = text.rfind("\n", start, end)
    if not text[max(last_break + 1, start) : end].strip():
        end = max(last_break, start)  # a blank last line, or nothing but one blank line
    return start, end


#: blank (whitespace-only) lines after a line break, LF-only text
_BLANK_LINES_LF = _regex.compile(r"\n(?:[^\S\n]*+\n)+")


#: a run of non-blank lines, from a line start (the look-behind keeps a blank line of any length
#: from being rescanned at each of its positions; possessive repeats never backtrack)
_BLOCK_RE = _regex.compile(
    r"(?:^|(?<=[\r\n]))[^\S\r\n]*+\S[^\r\n]*+(?:(?:\r\n|\r|\n)[^\S\r\n]*+\S[^\r\n]*+)*+"
)


def split_blocks_reference(text: str) -> Iterable[Block]:
    """The line-by-line definition of :func:`split_blocks` (its differential-test reference).

    >>> [(b.start, b.end, b.text) for b in split_blocks("\\na\\nb\\n\\n c \\n")]
    [(1, 4, 'a\\nb'), (6, 9, ' c ')]
    """
    index = 0
    block_start = -1
    block_end = -1
    pos = 0
    n = len(text)
    while pos <= n:
        m = _LINE_BREAK.search(text, pos)
        line_end = m.start() if m else n
        if text[pos:line_end].strip():
            if block_start < 0:
                block_start = pos
            block_end = line_end
        elif block_start >= 0:
            yield Block(index, block_start, block_end, text)
            index += 1
            block_start = -1
        if m is None:
            break
        pos = m.end()
    if block_start >= 0:
        yield Block(index, block_start, block_end, text)


@dataclass(frozen=True, slots=True)
class Edit:
    """Replace ``[start, end)`` of the original, which must read ``expected``, by ``replacement``."""

    start: int
    end: int
    replacement: str
    expected: str

    def __reduce__(self) -> tuple[type[Edit], tuple[int, int, str, str]]:
        return (Edit, (self.start, self.end, self.replacement, self.expected))

    def __post_init__(self) -> None:
        if self.start < 0 or self.end < self.start:
            raise ValueError(f"invalid edit range [{self.start}, {self.end})")
        if len(self.expected) != self.end - self.start:
            raise ValueError("edit.expected must have the length of its range")

    @property
    def span(self) -> Span:
        return Span(self.start, self.end)

    @classmethod
    def delete(cls, text: str, start: int, end: int) -> Edit:
        return cls(start, end, "", text[start:end])

    @classmethod
    def replace(cls, text: str, start: int, end: int, replacement: str) -> Edit:
        return cls(start, end, replacement, text[start:end])

    def to_dict(self) -> dict[str, Any]:
        return {"start": self.start, "end": self.end, "replacement": self.replacement}


@dataclass(frozen=True, slots=True)
class Fix:
    """Edits applied all-or-nothing.

    ``keeps`` are the retained twins of deleted text: the fixer refuses the fix
    if any of them would not survive into the output unchanged.
    ``safe`` fixes are applied by ``clean``; unsafe ones are only proposed.
    """

    edits: tuple[Edit, ...]
    keeps: tuple[Span, ...] = ()
    safe: bool = True

    def __reduce__(self) -> tuple[type[Fix], tuple[tuple[Edit, ...], tuple[Span, ...], bool]]:
        return (Fix, (self.edits, self.keeps, self.safe))

    def __post_init__(self) -> None:
        if not self.edits:
            raise ValueError("a fix needs at least one edit")
        ordered = sorted(self.edits, key=lambda e: (e.start, e.end))
        for a, b in itertools.pairwise(ordered):
            if b.start < a.end:
                raise ValueError("edits of one fix overlap")
        object.__setattr__(self, "edits", tuple(ordered))

    @property
    def removed(self) -> int:
        return sum(e.end - e.start - len(e.replacement) for e in self.edits)

    def to_dict(self) -> dict[str, Any]:
        return {"edits": [e.to_dict() for e in self.edits], "safe": self.safe}


@dataclass(slots=True)
class Finding:
    """One thing a rule noticed.  ``related`` holds the twin or the other end."""

    rule: str
    kind: str
    severity: Severity
    confidence: float
    message: str
    span: Span
    related: tuple[Span, ...] = ()
    evidence: Mapping[str, Any] = field(default_factory=dict)
    fix: Fix | None = None
    #: the matched text (and twin text) that identify the finding across edits; set by the engine.
    fingerprint: str = ""

    def __reduce__(self) -> tuple[Any, ...]:
        return (
            Finding,
            (self.rule, self.kind, self.severity, self.confidence, self.message, self.span, self.related,
             self.evidence, self.fix, self.fingerprint),
        )

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"unknown finding kind {self.kind!r}")
        if not 0.0 <= self.confidence <= 1.0:
            raise ValueError("confidence must lie in [0, 1]")
        self.severity = Severity.parse(self.severity)

    @property
    def sort_key(self) -> tuple[int, int, str]:
        return (self.span.start, self.span.end, self.rule)
