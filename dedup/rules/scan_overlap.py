"""LAY007 scan-overlap: a strip or band of the scan read twice, starting and ending mid-paragraph."""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar, Protocol, TypeVar

from dedup import _regex
from dedup.model import Block, Edit, Finding, Fix, Span
from dedup.normalize import fold_char, matching_text, normalize
from dedup.rules import register
from dedup.rules._layout import _strip_closers, ends_sentence, script_of, single_whole_line
from dedup.rules._text import same_numbers, says_nothing_more
from dedup.rules.base import Context, Dirty, Rule

#: seed length (matching-form characters): long enough to be rare, short enough to fall between OCR errors
SEED = {"cjk": 8, "latin": 14}
#: shortest doubled run worth reporting: about one printed line (a CJK column line, a Latin line)
MIN_RUN = {"cjk": 30, "latin": 48}
#: the two copies must agree this well (rapidfuzz ratio 0-100) despite their different OCR noise
MIN_RATIO = 85.0
#: share of the run covered by exact seeds: a chance sprinkle of common phrases is no copy
MIN_COVERAGE = 0.35
#: seeds further apart than this (matching-form characters) do not chain
MAX_GAP = 40
#: OCR insertions and deletions let the diagonal drift by this much between neighbouring seeds
DRIFT = 3
#: a k-gram seen more often than this is boilerplate, not evidence of a doubled strip
MAX_OCCURRENCES = 4
#: a run this long is a paragraph printed twice, which may stand a paragraph or a column away
LONG_RUN = {"cjk": 80, "latin": 160}
MAX_BETWEEN_LONG = 3000
#: the second copy follows the first at once (give or take a few stray marks): a band or
#: strip is read again where the tiles meet; a phrase repeated with other text between is writing
MAX_BETWEEN = 4
#: how far back a copy is looked for (a paragraph printed a column away), and the window indexed at once
LOOKBACK = MAX_BETWEEN_LONG + 2000
WINDOW = 200_000
_OWNED_KINDS = ("duplicate-paragraph", "duplicate-section", "splice")
#: shorter texts take the pure-Python path (no numpy import, no start-up cost)
SMALL = 50_000

if TYPE_CHECKING:
    import numpy as np
    from numpy.typing import NDArray

    _U = TypeVar("_U", np.uint32, np.uint64)


@dataclass
class _Chain:
    i0: int
    j0: int
    i1: int
    j1: int
    seeds: int
    last_d: int
    last_j: int


@dataclass(frozen=True, slots=True)
class Overlap:
    """Two copies ``[a0, a1)`` and ``[b0, b1)`` (matching-form offsets), the second later."""

    a0: int
    a1: int
    b0: int
    b1: int
    ratio: float


def _seeds(
    norm: str, seed: int, min_run: int, window: int = WINDOW, lookback: int = LOOKBACK
) -> list[tuple[int, int]]:
    """Pairs of positions ``(i, p)`` where the same ``seed``-gram starts, ``p - i`` at least ``min_run``.

    Only the previous two occurrences within ``lookback`` count, and a gram seen
    more than :data:`MAX_OCCURRENCES` times in a window is boilerplate.  The text is
    indexed window by window so memory stays bounded on very long inputs.  This is
    the definition; :func:`_seed_arrays` computes the same pairs with numpy.
    """
    seeds: set[tuple[int, int]] = set()
    grams = len(norm) - seed + 1
    start = 0
    while start < max(1, grams):
        stop = min(grams, start + window + lookback)
        _window_seeds_py(norm, seed, min_run, lookback, start, stop, seeds)
        if stop >= grams:
            break
        start += window
    return sorted(seeds, key=lambda pair: (pair[1], pair[0]))


def _seeds_small(norm: str, seed: int, min_run: int) -> list[tuple[int, int]]:
    """:func:`_seeds` for a text of one window, visiting only positions whose gram recurs.

    A gram seen once in its window neither makes a seed nor changes another gram's
    entry, so skipping it changes nothing; on a page of prose most grams are unique,
    and slicing and counting them all at once runs in C.
    """
    grams = len(norm) - seed + 1
    if grams > WINDOW + LOOKBACK:
        return _seeds(norm, seed, min_run)
    slices = [norm[p : p + seed] for p in range(max(0, grams))]
    counts = Counter(slices)
    if len(counts) == len(slices):
        return []
    seeds: set[tuple[int, int]] = set()
    recurring = [p for p, gram in enumerate(slices) if counts[gram] > 1]
    _index_grams(recurring, slices.__getitem__, min_run, LOOKBACK, seeds)
    return sorted(seeds, key=lambda pair: (pair[1], pair[0]))


def _window_seeds_py(
    norm: str, seed: int, min_run: int, lookback: int, start: int, stop: int, seeds: set[tuple[int, int]],
    max_occ: int = MAX_OCCURRENCES,
) -> None:
    """Add the seeds whose second gram starts in ``[start, stop)``, counting grams from ``start`` on."""
    _index_grams(range(start, stop), lambda p: norm[p : p + seed], min_run, lookback, seeds, max_occ)


def _index_grams(
    positions: Iterable[int], gram_at: Callable[[int], str], min_run: int, lookback: int,
    seeds: set[tuple[int, int]], max_occ: int = MAX_OCCURRENCES,
) -> None:
    """The seed definition: each gram (in order of position) pairs with its previous two occurrences
    at least ``min_run`` and at most ``lookback`` before it, until seen ``max_occ`` times."""
    # gram -> [times seen, last position, position before]
    index: dict[str, list[int]] = {}
    for p in positions:
        gram = gram_at(p)
        entry = index.get(gram)
        if entry is None:
            index[gram] = [1, p, -1]
            continue
        if entry[0] <= max_occ:
            for i in (entry[1], entry[2]):
                if i >= 0 and min_run <= p - i <= lookback:
                    seeds.add((i, p))
        entry[0] += 1
        entry[2], entry[1] = entry[1], p


#: odd multiplier of the rolling gram hash (mod 2**64); the high bits are used
_HASH_MULT = 0x9E3779B97F4A7C15


def _seed_arrays(
    norm: _Text,
    seed: int,
    min_run: int,
    window: int = WINDOW,
    lookback: int = LOOKBACK,
    hash_bits: int = 64,
    capture: NDArray[np.uint32] | None = None,
) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
    """:func:`_seeds` with numpy: the first and second positions of the pairs, in order of ``(p, i)``.

    Per window, each gram's hash carries its position in the low bits, so one sort puts
    equal grams together in order of position; an occurrence's rank in its group is how
    many times the gram was seen before it in the window, and its two predecessors are
    the two occurrences before it.  Hash collisions are ruled out by comparing the grams
    of every group; a window with one is indexed by the reference loop instead.
    ``hash_bits`` below 64 weakens the hash (tests use it to force collisions).  ``capture``, when
    given, receives the high half of every gram's hash (:func:`_hash_block`), by position.
    """
    import numpy as np

    empty = np.zeros(0, dtype=np.int64)
    grams = len(norm) - seed + 1
    if grams <= 0:
        return empty, empty
    work = _Work(min(grams, window + lookback), seed)
    keys: list[NDArray[np.int64]] = []
    start = 0
    while True:
        stop = min(grams, start + window + lookback)
        found = _window_seed_keys(norm, seed, min_run, lookback, start, stop, hash_bits, work, capture=capture)
        if found.size:
            keys.append(found)
        if stop >= grams:
            break
        start += window
    if not keys:
        return empty, empty
    # a pair found in the overlap of two windows is one seed; sorting the keys orders by (p, i)
    merged = np.sort(np.concatenate(keys))
    merged = merged[np.concatenate(([True], merged[1:] != merged[:-1]))]
    return merged & 0xFFFFFFFF, merged >> 32


#: grams hashed at a time: few enough numpy calls per window, and temporaries (256 KB) that the
#: allocator recycles once the first is freed (its mmap threshold adapts), not mapped afresh
_BLOCK = 32768


class _Work:
    """The key buffer of one window, reused window after window.

    Fresh pages cost a fault each on first touch, which on a virtual machine costs
    as much as the arithmetic; so a window touches one array of its size, and the
    hashing goes block by block through small temporaries.
    """

    def __init__(self, size: int, seed: int) -> None:
        import numpy as np

        self.keys = np.empty(size, dtype=np.uint64)
        self.chars = np.empty(size + seed, dtype=np.uint32)
        #: the positions in a block of keys (made once, not per block; no bigger: the window's own
        #: arrays are all the memory a search takes)
        self.positions = np.arange(min(size, _BLOCK), dtype=np.uint64)


def _hash_block(cp: NDArray[np.uint32], a: int, b: int, seed: int) -> NDArray[np.uint64]:
    """Hashes of the grams starting at ``a`` to ``b`` in ``cp``.

    ``hash(x + y) = hash(x) * MULT ** len(y) + hash(y)``: grams of 2, 4, 8 ...
    characters from the halves, then the rest of the gram by Horner's rule.
    """
    import numpy as np

    chars = cp[a : b + seed - 1].astype(np.uint64)
    h = chars
    width = 1
    while 2 * width <= seed:
        n = h.size - width
        grown = h[:n] * np.uint64(pow(_HASH_MULT, width, 1 << 64))
        grown += h[width:]  # in place: one temporary a step
        h = grown
        width *= 2
    m = b - a
    h = h[:m]
    if width < seed:
        rest = seed - width
        tail = chars[width : width + m].copy()
        for t in range(1, rest):
            tail *= np.uint64(_HASH_MULT)
            tail += chars[width + t : width + t + m]
        h = h * np.uint64(pow(_HASH_MULT, rest, 1 << 64)) + tail
    return h


def _window_seed_keys(
    norm: _Text, seed: int, min_run: int, lookback: int, start: int, stop: int, hash_bits: int, work: _Work,
    max_occ: int = MAX_OCCURRENCES, capture: NDArray[np.uint32] | None = None,
) -> NDArray[np.int64]:
    """The seeds of one window as ``p << 32 | i`` (a gram seen more than ``max_occ`` times before
    in the window makes none); ``capture[start + q]`` receives the high half of gram ``q``'s hash."""
    import numpy as np

    m = stop - start
    if m <= 1:
        return np.zeros(0, dtype=np.int64)
    size = m + seed - 1
    cp = work.chars[:size]
    here = norm[start : start + size]  # one read of the window (a lazy form folds it once)
    for a in range(0, size, _BLOCK):
        b = min(size, a + _BLOCK)
        encoded = here[a:b].encode("utf-32-le", "surrogatepass")
        cp[a:b] = np.frombuffer(encoded, dtype=np.uint32)
    mult = np.uint64(_HASH_MULT)
    bits = int(m - 1).bit_length()
    low = np.uint64((1 << bits) - 1)
    keys = work.keys[:m]
    positions = work.positions
    high = ~low
    for a in range(0, m, _BLOCK):
        b = min(m, a + _BLOCK)
        h = _hash_block(cp, a, b, seed)
        if capture is not None:
            capture[start + a : start + b] = h >> np.uint64(32)
        dest = keys[a:b]
        if hash_bits < 64:
            h *= mult
            h >>= np.uint64(64 - hash_bits)
            h *= mult  # spread the few bits left over the high bits the key keeps
            np.bitwise_and(h, high, out=dest)
        else:
            np.multiply(h, mult, out=dest)  # carry the last character up into the high bits the key keeps
            dest &= high
        dest |= positions[: b - a]
        if a:
            dest += np.uint64(a)  # the low bits hold a position: no carry into the hash bits
    keys.sort()
    found: list[NDArray[np.int64]] = []
    # sorted keys share their high bits exactly when they differ in the low bits only
    for a in range(0, m - 1, _BLOCK):
        b = min(m - 1, a + _BLOCK)
        found.append(np.flatnonzero(np.bitwise_xor(keys[a:b], keys[a + 1 : b + 1]) <= low) + a)
    same = np.concatenate(found)  # element same+1 has the hash of element same
    if same.size == 0:
        return np.zeros(0, dtype=np.int64)
    first = (keys[same] & low).astype(np.int64)
    second = (keys[same + 1] & low).astype(np.int64)
    # Element same+1 follows element same in its group.  Only an element whose predecessor
    # lies within reach can make a seed (the one before that is further still), and were
    # its group to mix two grams, its true predecessor would be further still: so only the
    # groups holding such an element must be free of hash collisions.
    near = np.flatnonzero(second - first <= lookback)
    if near.size == 0:
        return np.zeros(0, dtype=np.int64)
    breaks = np.ones(same.size, dtype=bool)
    np.not_equal(same[1:], same[:-1] + 1, out=breaks[1:])
    group = np.cumsum(breaks) - 1  # the group of each repeat
    hot = np.zeros(int(group[-1]) + 1, dtype=bool)
    hot[group[near]] = True
    checked = np.flatnonzero(hot[group])
    if not _grams_equal(cp, first[checked], second[checked], seed):
        pairs: set[tuple[int, int]] = set()
        # the reference loop over this window's text alone, positions moved back
        _window_seeds_py(here, seed, min_run, lookback, 0, m, pairs, max_occ)
        return np.array(sorted(((p + start) << 32) | (i + start) for i, p in pairs), dtype=np.int64)
    # an element's rank (occurrences of its gram before it) is how far into its group it stands
    rank = same[near] + 1 - same[breaks][group[near]]
    few = near[rank <= max_occ]
    twice = near[(rank >= 2) & (rank <= max_occ)]
    out: list[NDArray[np.int64]] = []
    for p, i in ((second[few], first[few]), (second[twice], first[twice - 1])):
        gap = p - i
        ok = (gap >= min_run) & (gap <= lookback)
        out.append(((p[ok] + start) << 32) | (i[ok] + start))
    return np.concatenate(out)


def _grams_equal(cp: NDArray[np.uint32], first: NDArray[np.int64], second: NDArray[np.int64], seed: int) -> bool:
    """Whether the ``seed``-grams at ``first`` equal those at ``second``, pair by pair."""
    import numpy as np

    equal = np.ones(first.size, dtype=bool)
    for t in range(seed):
        equal &= cp[first + t] == cp[second + t]
    return bool(equal.all())


def _seeds_fast(
    norm: str, seed: int, min_run: int, window: int = WINDOW, lookback: int = LOOKBACK
) -> list[tuple[int, int]]:
    """:func:`_seed_arrays` as the list :func:`_seeds` returns (for the differential tests)."""
    first, second = _seed_arrays(norm, seed, min_run, window, lookback)
    return list(zip(first.tolist(), second.tolist(), strict=True))


def _chain_seeds(seeds: Iterable[tuple[int, int]], seed: int, chains: list[_Chain]) -> None:
    """Chain seeds (in order of their second position) along their diagonals into ``chains``."""
    open_chains: list[_Chain] = []
    for i, j in seeds:  # already in order of j
        d = j - i
        best: _Chain | None = None
        for c in open_chains:
            near = 0 < j - c.last_j <= MAX_GAP and abs(d - c.last_d) <= DRIFT and i > c.i1 - seed
            if near and (best is None or abs(d - c.last_d) < abs(d - best.last_d)):
                best = c
        if best is None:
            best = _Chain(i, j, i + seed, j + seed, 0, d, j)
            chains.append(best)
            open_chains.append(best)
        # the copies end where the last seed of the chain ends, on both sides alike
        best.i1 = i + seed
        best.j1 = j + seed
        best.seeds += 1
        best.last_d = d
        best.last_j = j
        open_chains = [c for c in open_chains if j - c.last_j <= MAX_GAP]


def _chains_fast(
    norm: _Text, seed: int, min_run: int, capture: NDArray[np.uint32] | None = None
) -> list[_Chain]:
    """:func:`_chain_seeds` over :func:`_seed_arrays`, cluster by cluster.

    Seeds more than :data:`MAX_GAP` apart never chain, so the seeds fall into
    independent clusters.  A cluster with fewer seeds than the coverage of the
    shortest run cannot give a run (:func:`find_overlaps` drops such chains), and a
    cluster on one diagonal with distinct second positions is one chain, built at once.
    """
    first, second = _seed_arrays(norm, seed, min_run, capture=capture)
    return _chains_of(first, second, seed, min_run)


def _chains_of(
    first: NDArray[np.int64], second: NDArray[np.int64], seed: int, min_run: int,
    clusters: list[tuple[int, int, int, int]] | None = None,
) -> list[_Chain]:
    """The chains of seeds given in order of ``(p, i)`` (see :func:`_chains_fast`); ``clusters``, when
    given, receives per chain its cluster's first and last second position, its number of seeds and
    its largest diagonal (``p - i``)."""
    import numpy as np

    chains: list[_Chain] = []
    if first.size == 0:
        return chains
    cuts = np.flatnonzero(np.diff(second) > MAX_GAP) + 1
    starts = np.concatenate(([0], cuts))
    ends = np.concatenate((cuts, [second.size]))
    diag = second - first
    low = np.minimum.reduceat(diag, starts)
    high = np.maximum.reduceat(diag, starts)
    least = MIN_COVERAGE * min_run
    for a, b, lo, hi in zip(starts.tolist(), ends.tolist(), low.tolist(), high.tolist(), strict=True):
        if b - a < least:
            continue
        before = len(chains)
        if lo == hi:
            # one diagonal: the pairs are distinct, so their second positions strictly increase
            i0, j0 = int(first[a]), int(second[a])
            i1, j1 = int(first[b - 1]), int(second[b - 1])
            chains.append(_Chain(i0, j0, i1 + seed, j1 + seed, b - a, lo, j1))
        else:
            _chain_seeds(zip(first[a:b].tolist(), second[a:b].tolist(), strict=True), seed, chains)
        if clusters is not None:
            clusters.extend([(int(second[a]), int(second[b - 1]), b - a, hi)] * (len(chains) - before))
    return chains


def find_overlaps(
    norm: _Text, seed: int, min_run: int, fast: bool | None = None, capture: NDArray[np.uint32] | None = None
) -> list[Overlap]:
    """Runs of ``norm`` that occur twice, found from exact seeds and extended along their diagonal.

    ``fast`` chooses the numpy seed search (by default for texts of :data:`SMALL`
    characters or more); both give the same runs.  ``capture`` (the numpy search only) receives
    the high half of every gram's hash, by position (see :class:`_Grams`).

    >>> run = "0123456789abcdefghijklmnopqrstuvwxyz"
    >>> text = "ABCDEFGHIJ" + run + "KLM" + run.replace("i", "1") + "NOP"
    >>> [(o.a0, o.a1, o.b0, o.b1) for o in find_overlaps(text, 8, 30)]
    [(10, 46, 49, 85)]
    """
    from rapidfuzz import fuzz

    if fast is None:
        fast = len(norm) >= SMALL
    chains: list[_Chain] = []
    if fast:
        chains = _chains_fast(norm, seed, min_run, capture)
    else:
        _chain_seeds(_seeds_small(norm if isinstance(norm, str) else norm[:], seed, min_run), seed, chains)
    # Each chain's run is extended and checked on its own, in order of position (a form
    # folded on reading is then read window by window); the runs are chosen longest first.
    reader = _Reader(norm) if isinstance(norm, _Refolded) else norm
    runs = [_run(reader, c, min_run, fuzz.ratio) for c in chains]
    found = [o for k in _longest_disjoint(chains, runs) if (o := runs[k]) is not None]
    found.sort(key=lambda o: o.b0)
    return found


def _longest_disjoint(chains: Sequence[_Chain], runs: Sequence[Overlap | None]) -> list[int]:
    """Indices of the runs kept, longest chain first, each only if neither of its copies meets a
    copy of a run kept before it (the first copies, and the second, form disjoint sets)."""
    kept: list[int] = []
    taken_a, taken_b = _Disjoint(), _Disjoint()
    for k in sorted(range(len(chains)), key=lambda k: -(chains[k].j1 - chains[k].j0)):
        o = runs[k]
        if o is None or taken_a.overlaps(o.a0, o.a1) or taken_b.overlaps(o.b0, o.b1):
            continue
        kept.append(k)
        taken_a.add(o.a0, o.a1)
        taken_b.add(o.b0, o.b1)
    return kept


def _run(norm: _Text, c: _Chain, min_run: int, ratio_of: Callable[[str, str], float]) -> Overlap | None:
    """The run a chain of seeds stands for, or None when it is too short, too sparse or too unlike."""
    a0, a1, b0, b1 = c.i0, c.i1, c.j0, c.j1
    if a1 > b0:
        # adjacent copies followed by the same few characters: the first ends where the second begins
        b1 -= a1 - b0
        a1 = b0
    # the seeds stop short of the copies' edges: extend through OCR noise to where they differ
    a0, a1, b0, b1 = _extend(norm, a0, a1, b0, b1)
    length = min(a1 - a0, b1 - b0)
    if length < min_run or a1 > b0:
        return None
    if c.seeds < MIN_COVERAGE * length:
        return None
    ratio = ratio_of(norm[a0:a1], norm[b0:b1])
    if ratio < MIN_RATIO:
        return None
    return Overlap(a0, a1, b0, b1, ratio)


class _Reader:
    """Reads a matching form folded on reading through a window folded once and reused."""

    __slots__ = ("high", "low", "norm", "window")

    #: how much is folded at once, and how far before the place read it starts
    SPAN = 1 << 18
    BACK = 1 << 13

    def __init__(self, norm: _Refolded) -> None:
        self.norm = norm
        self.low = self.high = 0
        self.window = ""

    def __len__(self) -> int:
        return len(self.norm)

    def __getitem__(self, key: int | slice, /) -> str:
        if not isinstance(key, slice):
            return self.norm[key]
        start, stop, stride = key.indices(len(self.norm))
        if stride != 1 or stop <= start:
            return self.norm[key]
        if not (self.low <= start and stop <= self.high):
            self.low = max(0, start - self.BACK)
            self.high = min(len(self.norm), max(stop, start + self.SPAN))
            self.window = self.norm[self.low : self.high]
        return self.window[start - self.low : stop - self.low]


class _Text(Protocol):
    """What the search reads of the matching form: its length, characters and slices."""

    def __len__(self) -> int: ...

    def __getitem__(self, key: int | slice, /) -> str: ...


class _Pieces:
    """A long string held as pieces of ``1 << shift`` characters: never joined whole.

    >>> p = _Pieces(["abc", "defg", "h"], shift=1)
    >>> len(p), p[0], p[7], p[1:6], p[5:5], p[-1]
    (8, 'a', 'h', 'bcdef', '', 'h')
    """

    __slots__ = ("mask", "pieces", "shift", "size")

    def __init__(self, parts: Iterable[str], shift: int = 16) -> None:
        self.shift = shift
        self.mask = (1 << shift) - 1
        self.pieces: list[str] = []
        width = 1 << shift
        held: list[str] = []
        length = 0
        for part in parts:
            held.append(part)
            length += len(part)
            if length >= width:
                joined = "".join(held)
                cut = len(joined) - len(joined) % width
                self.pieces.extend(joined[k : k + width] for k in range(0, cut, width))
                held = [joined[cut:]]
                length = len(held[0])
        if length:
            self.pieces.append("".join(held))
        self.size = sum(map(len, self.pieces))

    def __len__(self) -> int:
        return self.size

    def __getitem__(self, key: int | slice, /) -> str:
        if isinstance(key, slice):
            start, stop, step = key.indices(self.size)
            if step != 1:
                raise ValueError("pieces are sliced with step 1 only")
            if stop <= start:
                return ""
            a, b = start >> self.shift, (stop - 1) >> self.shift
            if a == b:
                return self.pieces[a][start & self.mask : stop - (a << self.shift)]
            head = self.pieces[a][start & self.mask :]
            tail = self.pieces[b][: stop - (b << self.shift)]
            return "".join((head, *self.pieces[a + 1 : b], tail))
        if key < 0:
            key += self.size
        if not 0 <= key < self.size:
            raise IndexError("index out of range")
        return self.pieces[key >> self.shift][key & self.mask]


class _MatchingForm(Protocol):
    """The matching form of a text and the way back to original offsets."""

    @property
    def text(self) -> _Text: ...

    def to_original(self, start: int, end: int) -> tuple[int, int]: ...


class _LazyMatching:
    """Matching form of a long text whose offset map is worked out only where asked.

    :class:`~dedup.normalize.Normalized` keeps one offset per character, a tuple of
    ints many times the text's size; only the ends of the few doubled runs are ever
    mapped back.  ``marks[k]`` is the matching-form offset of original character
    ``k * step``, and a query walks at most ``step`` characters from the mark before it.
    """

    __slots__ = ("_memo", "marks", "source", "step", "text")

    def __init__(self, source: str, text: _Pieces | _Refolded, marks: NDArray[np.int64], step: int) -> None:
        self.source = source
        self.text = text
        self.marks = marks
        self.step = step
        self._memo: dict[int, int] = {}

    def offset(self, q: int) -> int:
        """Original offset of the character that matching-form character ``q`` came from."""
        found = self._memo.get(q)
        if found is not None:
            return found
        o = _walk_to(self.source, self.marks, self.step, q)
        self._memo[q] = o
        return o

    def bounds(self, q: int) -> tuple[int, int]:
        """Original offsets ``[lo, hi)`` between which matching-form character ``q`` came from (no walk)."""
        k = int(self.marks.searchsorted(q, side="right")) - 1
        return k * self.step, min(len(self.source), (k + 1) * self.step)

    def to_original(self, start: int, end: int) -> tuple[int, int]:
        """Original ``[start, end)`` covering matching-form characters ``[start, end)`` (as ``Normalized``)."""
        size = len(self.text)
        source_end = len(self.source)
        if start >= size:
            return source_end, source_end
        if end > start:
            # end at the character after the last matched one, not at following whitespace
            return self.offset(start), self.offset(end - 1) + 1
        return self.offset(start), self.offset(end) if end < size else source_end


#: a matching form bigger than this (bytes, estimated) is not held but folded again where it is read:
#: 8 MB is little beside the process itself, and held, the form is folded once instead of three times
_HOLD_LIMIT = 8 << 20


def _matching_form(text: str, chunk: int = 1 << 14, step: int = 16, hold: bool | None = None) -> _LazyMatching:
    """:func:`~dedup.normalize.normalize` of a long text, through numpy, without the per-character offsets.

    Characters fold through code-point tables filled as characters are met; a chunk
    with a character that folds to several (``㈠``) goes through
    :func:`~dedup.normalize.matching_text` instead.  Chunks are small so that their
    temporaries are recycled by the allocator rather than mapped afresh.  ``chunk``
    is a multiple of ``step``.  A text whose matching form would take :data:`_HOLD_LIMIT`
    bytes or more (unless ``hold``) keeps only the marks: its matching form would be another copy
    of the document, and the search reads it window by window.
    """
    return _form_and_offsets(text, chunk, step, hold)[0]


def _form_and_offsets(
    text: str, chunk: int = 1 << 14, step: int = 16, hold: bool | None = None, at: NDArray[np.int64] | None = None
) -> tuple[_LazyMatching, NDArray[np.int64] | None]:
    """:func:`_matching_form`, and the matching-form offset of each of the original offsets ``at``
    (ascending; ``len(text)`` allowed): how many matching-form characters ``text[:p]`` gives."""
    import numpy as np

    if hold is None:
        # a str holds one byte a character when ASCII (isascii is a flag), two for CJK (more is rare)
        hold = len(text) * (1 if text.isascii() else 2) < _HOLD_LIMIT
    tables = _fold_tables()
    # 64 bits, as searching an array of another width than a Python int's casts it whole
    marks: NDArray[np.int64] = np.zeros(-(-len(text) // step) or 1, dtype=np.int64)
    found = None if at is None else np.zeros(len(at), dtype=np.int64)
    total = 0

    def parts() -> Iterator[str]:
        nonlocal total
        for a in range(0, len(text), chunk):
            piece = text[a : a + chunk]
            cp = np.frombuffer(piece.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
            lengths = tables.lengths(cp)
            if not hold:
                pass
            elif tables.multiple and (lengths > 1).any():
                yield matching_text(piece)
            else:
                yield _fold_single(tables, cp, lengths)
            if found is not None and at is not None:
                lo, hi = np.searchsorted(at, (a, a + len(piece)))
                if hi > lo:
                    # text[:p] gives what text[:a] gave plus the chunk's first p - a characters
                    cum = np.zeros(len(piece) + 1, dtype=np.int64)
                    np.cumsum(lengths, out=cum[1:])
                    found[lo:hi] = total + cum[at[lo:hi] - a]
            counts = np.add.reduceat(lengths, np.arange(0, len(piece), step), dtype=marks.dtype)
            first = a // step
            marks[first] = total
            np.cumsum(counts[:-1], out=marks[first + 1 : first + counts.size])
            marks[first + 1 : first + counts.size] += total
            total += int(counts.sum())

    if hold:
        # with block edges asked for, the form is one piece: the blocks' forms are cut from it directly
        form = _LazyMatching(text, _Pieces(parts(), shift=16 if at is None else 62), marks, step)
    else:
        for _ in parts():
            pass
        form = _LazyMatching(text, _Refolded(text, marks, step, total), marks, step)
    if found is not None and at is not None:
        found[np.searchsorted(at, len(text)) :] = total  # the end of the text
    return form, found


def held_block_forms(ctx: Context) -> list[str] | None:
    """The matching form of every block of a long document, cut from the document's held matching
    form (which :class:`ScanOverlap` then searches: folded once for both); None for a document
    under :data:`SMALL` characters or one whose form is too big to hold (:data:`_HOLD_LIMIT`)."""
    held: _HeldForm | None = ctx.shared(_HELD_KEY, _held_form)
    if held is None:
        return None
    if not ctx.is_enabled(ScanOverlap.code):
        ctx.cache.pop(_HELD_KEY, None)  # nobody reads the whole form after the duplicate rules
    return held.block_forms()


_HELD_KEY = "scan_overlap.held_form"


@dataclass
class _HeldForm:
    form: _LazyMatching
    #: matching-form offsets of each block's start and end, in turn
    bounds: NDArray[np.int64]

    def block_forms(self) -> list[str]:
        text = self.form.text
        assert isinstance(text, _Pieces)
        whole = text.pieces[0] if len(text.pieces) == 1 else "".join(text.pieces)
        bounds = self.bounds.tolist()
        return list(map(whole.__getitem__, map(slice, bounds[0::2], bounds[1::2])))


def _held_form(ctx: Context) -> _HeldForm | None:
    text = ctx.text
    if len(text) < SMALL or len(text) * (1 if text.isascii() else 2) >= _HOLD_LIMIT:
        return None  # before numpy is imported: a short page never needs it
    import numpy as np

    blocks = ctx.blocks
    at = np.empty(2 * len(blocks), dtype=np.int64)
    at[0::2] = [b.start for b in blocks]
    at[1::2] = [b.end for b in blocks]
    form, bounds = _form_and_offsets(text, hold=True, at=at)
    assert bounds is not None
    return _HeldForm(form, bounds)


def _fold(text: str) -> str:
    """:func:`~dedup.normalize.matching_text`, through the numpy tables when that is quicker."""
    import numpy as np

    if len(text) < 256:
        return matching_text(text)
    tables = _fold_tables()
    cp = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    lengths = tables.lengths(cp)
    if tables.multiple and (lengths > 1).any():
        return matching_text(text)
    return _fold_single(tables, cp, lengths)


class _Refolded:
    """The matching form of a long text, never held: each read folds its stretch of the original.

    Folding is character by character, so the stretch of original blocks that holds
    the characters read folds to exactly those characters (``marks`` says where).
    """

    __slots__ = ("marks", "size", "source", "step")

    def __init__(self, source: str, marks: NDArray[np.int64], step: int, size: int) -> None:
        self.source = source
        self.marks = marks
        self.step = step
        self.size = size

    def __len__(self) -> int:
        return self.size

    def __getitem__(self, key: int | slice, /) -> str:
        if isinstance(key, slice):
            start, stop, stride = key.indices(self.size)
            if stride != 1:
                raise ValueError("the matching form is sliced with step 1 only")
            if stop <= start:
                return ""
        else:
            start = key + self.size if key < 0 else key
            if not 0 <= start < self.size:
                raise IndexError("index out of range")
            stop = start + 1
        first = int(self.marks.searchsorted(start, side="right")) - 1
        last = int(self.marks.searchsorted(stop - 1, side="right")) - 1
        folded = _fold(self.source[first * self.step : (last + 1) * self.step])
        base = int(self.marks[first])
        return folded[start - base : stop - base]


def _fold_single(tables: _FoldTables, cp: NDArray[np.uint32], lengths: NDArray[np.uint8]) -> str:
    """The matching form of a chunk whose characters fold to one character or none."""
    kept: NDArray[np.uint32] = tables.folded_of[cp[lengths.astype(bool)]]
    folded: bytes = kept.tobytes()
    return folded.decode("utf-32-le", "surrogatepass")


class _FoldTables:
    """Per code point: the length of its matching form and, when that is one, the character."""

    #: the length recorded for a code point not met yet
    UNKNOWN = 255

    def __init__(self) -> None:
        import numpy as np

        self.length_of: NDArray[np.uint8] = np.zeros(0, dtype=np.uint8)
        self.folded_of: NDArray[np.uint32] = np.zeros(0, dtype=np.uint32)
        #: some character met folds to several
        self.multiple = False

    def lengths(self, cp: NDArray[np.uint32]) -> NDArray[np.uint8]:
        """The lengths of the matching forms of ``cp``, learning the code points not met before."""
        import numpy as np

        if cp.size == 0:
            return self.length_of[:0]
        try:
            found = self.length_of[cp]
        except IndexError:  # a code point beyond the tables: grow them
            size = max(int(cp.max()) + 1, 2 * self.length_of.size, 1 << 16)
            length_of = np.full(size, self.UNKNOWN, dtype=np.uint8)
            length_of[: self.length_of.size] = self.length_of
            folded_of = np.zeros(size, dtype=np.uint32)
            folded_of[: self.folded_of.size] = self.folded_of
            # the characters first: a length is what marks a code point as known
            self.folded_of = folded_of
            self.length_of = length_of
            found = self.length_of[cp]
        if not (found == self.UNKNOWN).any():
            return found
        # distinct by sorting (np.unique would import numpy.ma on first use: 20 ms)
        codes = np.sort(cp[found == self.UNKNOWN])
        codes = codes[np.concatenate(([True], codes[1:] != codes[:-1]))]
        folds = [fold_char(chr(c)) for c in codes.tolist()]
        self.multiple = self.multiple or any(len(f) > 1 for f in folds)
        self.folded_of[codes] = [ord(f) if len(f) == 1 else 0 for f in folds]
        self.length_of[codes] = [len(f) for f in folds]
        return self.length_of[cp]


#: the fold tables, kept from text to text like :func:`~dedup.normalize.fold_char`'s cache
_FOLDS: list[_FoldTables] = []


def _fold_tables() -> _FoldTables:
    if not _FOLDS:
        _FOLDS.append(_FoldTables())
    return _FOLDS[0]


class _Disjoint:
    """Disjoint non-empty intervals in order, asked whether any overlaps a given one in O(log n)."""

    def __init__(self) -> None:
        self.starts: list[int] = []
        self.ends: list[int] = []

    def overlaps(self, start: int, end: int) -> bool:
        """Whether an interval overlaps ``[start, end)`` (disjoint in order: the last one starting before ``end``)."""
        k = bisect_left(self.starts, end)
        return k > 0 and self.ends[k - 1] > start

    def add(self, start: int, end: int) -> None:
        """Add ``[start, end)``, which overlaps none of the intervals."""
        k = bisect_left(self.starts, start)
        self.starts.insert(k, start)
        self.ends.insert(k, end)


def _extend(norm: _Text, a0: int, a1: int, b0: int, b1: int) -> tuple[int, int, int, int]:
    """Extend both copies forward, backward and forward again (see :func:`_extend_forward`).

    A matching form held in pieces or folded on reading is read through a plain string of the stretch
    around the copies: the walks look at most :data:`_RESYNC` characters past where
    they stop, so a walk that stops well inside the stretch stops where it would in the
    whole text; one that comes near an edge of the stretch is done again on a longer one.
    """
    if isinstance(norm, str):
        a1, b1 = _extend_forward(norm, a1, b1, b0)
        a0, b0 = _extend_backward(norm, a0, b0, a1)
        a1, b1 = _extend_forward(norm, a1, b1, b0)
        return a0, a1, b0, b1
    margin = _RESYNC + 2
    stretch = _STRETCH
    while True:
        base, top = max(0, a0 - stretch), min(len(norm), b1 + stretch)
        x0, x1, y0, y1 = _extend(norm[base:top], a0 - base, a1 - base, b0 - base, b1 - base)
        if (base == 0 or x0 > margin) and (top == len(norm) or y1 < top - base - margin):
            return x0 + base, x1 + base, y0 + base, y1 + base
        stretch = 8 * stretch + 64


#: how far past the seeds a stretch of the matching form is copied out for :func:`_extend`
_STRETCH = 512

#: after skipping a noisy character, this many must agree again (or the first copy must end)
_RESYNC = 3
_STEPS = ((1, 1), (0, 1), (1, 0))


def _extend_forward(norm: _Text, x: int, y: int, limit: int) -> tuple[int, int]:
    """Move the ends ``x`` (first copy) and ``y`` (second) right while the copies agree.

    One misread, lost or invented character is skipped when the next few agree
    again; the first copy never runs into the second (``x <= limit``).

    >>> _extend_forward("abcdefgh" + "abcdEfgh" + "ZZ", 2, 10, 8)
    (8, 16)
    """
    n = len(norm)
    errors = 0
    start = x
    while x < limit and y < n:
        if norm[x] == norm[y]:
            x, y = x + 1, y + 1
            continue
        for dx, dy in _STEPS:
            nx, ny = x + dx, y + dy
            if nx > limit or ny > n:
                continue
            # near a boundary fewer characters are left to agree: then those must
            span = min(_RESYNC, limit - nx, n - ny)
            if span > 0 and norm[nx : nx + span] == norm[ny : ny + span]:
                x, y = nx, ny
                errors += 1
                break
        else:
            break
        if errors > 2 + (x - start) // 10:
            break
    return x, y


def _extend_backward(norm: _Text, x: int, y: int, limit: int) -> tuple[int, int]:
    """Move the starts ``x`` (first copy) and ``y`` (second) left while the copies agree.

    ``limit`` is where the first copy ends: the second copy never starts before it.

    >>> _extend_backward("ZZ" + "abCdefgh" + "abcdefgh", 6, 14, 10)
    (2, 10)
    """
    errors = 0
    start = y
    while x > 0 and y > limit:
        if norm[x - 1] == norm[y - 1]:
            x, y = x - 1, y - 1
            continue
        for dx, dy in _STEPS:
            nx, ny = x - dx, y - dy
            if nx < 0 or ny < limit:
                continue
            span = min(_RESYNC, nx, ny - limit)
            if span > 0 and norm[nx - span : nx] == norm[ny - span : ny]:
                x, y = nx, ny
                errors += 1
                break
        else:
            break
        if errors > 2 + (start - y) // 10:
            break
    return x, y


_BLOCK_BREAK_RE = _regex.compile(r"[ \t\u3000]*(?:\r\n|\r|\n)[ \t\u3000]*(?:\r\n|\r|\n)")


def _cut_at_break(text: str, end: int) -> bool:
    """A copy that stops mid-sentence where a blank line (column or tile break) follows."""
    return not ends_sentence(text[max(0, end - 3) : end]) and _BLOCK_BREAK_RE.match(text, end) is not None


def _flows_on(text: str, end: int) -> bool:
    """A copy whose last sentence goes on in the same block."""
    rest = text[end : end + 3]
    return bool(rest.strip()) and _BLOCK_BREAK_RE.match(text, end) is None and not ends_sentence(
        text[max(0, end - 3) : end]
    )


def _opens(text: str, offset: int) -> bool:
    """Whether a paragraph may start at ``offset``: after a sentence end, a blank line, or nothing.

    Looks back only as far as it must (the text before ``offset`` is never copied).

    >>> _opens("Done.\\n\\nNext", 7), _opens("and so\\nthe", 7), _opens("  ", 2)
    (True, False, True)
    """
    k = offset  # the text before, without the spaces that end it
    while k > 0 and text[k - 1] in " \t\u3000":
        k -= 1
    j = k  # ... and without any whitespace
    while j > 0 and text[j - 1].isspace():
        j -= 1
    if j == 0:
        return True
    if text.endswith(("\n\n", "\r\n\r\n", "\r\r"), 0, k):
        return True
    # a line of nothing but spaces before it, the last newline perhaps following
    for e in (k, k - 1) if text[k - 1] == "\n" else (k,):
        if text[e - 1] != "\n":
            continue
        s = e - 1
        while s > 0 and text[s - 1] in " \t\u3000":
            s -= 1
        if s > 0 and text[s - 1] == "\n":
            return True
    return _ends_sentence_at(text, j)


def _ends_sentence_at(text: str, end: int) -> bool:
    """``ends_sentence(text[:end])`` from as short a tail as gives the same answer."""
    size = 16
    while True:
        start = max(0, end - size)
        tail = text[start:end]
        # stripping closers and spaces stopped inside the tail: the rest cannot matter
        if start == 0 or _strip_closers(tail):
            return ends_sentence(tail)
        size *= 4


def _block_seam(ctx: Context, keep: Span, drop: Span) -> bool:
    """The first copy ends a block and the second opens the next one."""
    if ctx.text[keep.end : drop.start].strip():
        return False
    # blocks are disjoint and in order: only the last one starting at or before an offset can end or open there
    blocks = ctx.blocks
    k = bisect_right(blocks, keep.end, key=_block_start) - 1
    if k < 0 or blocks[k].start + len(blocks[k].text.rstrip()) != keep.end:
        return False
    k = bisect_right(blocks, drop.start, key=_block_start) - 1
    return k >= 0 and blocks[k].end - len(blocks[k].text.lstrip()) == drop.start


def _block_start(block: Block) -> int:
    return block.start


def _settle(norm: _MatchingForm, o: Overlap, text: str) -> Overlap:
    """Slide an alignment that repeats a few characters to where the copies meet at a seam.

    When the text just before the first copy equals the first copy's last characters
    (``a|n object … beha`` / ``n object … beha``), the alignment may start a character
    early; each position is as good a match, and the one at the line break is the scan fault.
    """
    for shift in range(0, _MAX_SHIFT + 1):
        if shift and norm.text[o.a1 : o.a1 + shift] != norm.text[o.b1 : o.b1 + shift]:
            break
        if o.b1 + shift > len(norm.text) or o.a1 + shift > o.b0 + shift:
            break
        moved = Overlap(o.a0 + shift, o.a1 + shift, o.b0 + shift, o.b1 + shift, o.ratio)
        keep = Span(*norm.to_original(moved.a0, moved.a1))
        drop = Span(*norm.to_original(moved.b0, moved.b1))
        if _at_seam(text, keep, drop):
            return moved
    return o


def _deletion(text: str, keep: Span, drop: Span) -> Edit:
    """Delete one copy, and the whitespace on one side of it, keeping blocks apart."""
    if drop.start < keep.start:
        if not text[drop.end : keep.start].strip():
            # adjacent copies: the break after the first copy goes with it
            return Edit.delete(text, drop.start, keep.start)
    elif not text[keep.end : drop.start].strip():
        # adjacent copies: the break between them goes with the second copy
        return Edit.delete(text, keep.end, drop.end)
    start, end = drop.start, drop.end
    # the whitespace on either side, found without copying the text on either side
    k = end
    while k < len(text) and text[k].isspace():
        k += 1
    ws_after = text[end:k]
    k = start
    while k > 0 and text[k - 1].isspace():
        k -= 1
    ws_before = text[k:start]
    if ws_after and (ws_before or start == 0):
        if ws_after.count("\n") <= ws_before.count("\n"):
            end += len(ws_after)
        else:
            start -= len(ws_before)
    return Edit.delete(text, start, end)


@register
class ScanOverlap(Rule):
    """A strip or band of the scan read twice: the same run of text again, with other OCR noise.

    When overlapping scan tiles are stitched, a column strip or a band of lines
    is read twice.  The repeated run starts and ends mid-paragraph and each copy
    carries different OCR errors, so it is found by aligning near-identical
    windows of the text (exact seeds extended along their diagonal, then checked
    with an edit-distance ratio).  The second copy is removed, the first kept.
    Copies that duplicate whole blocks are DUP001/DUP002's and are not reported
    twice; text whose columns OCR interleaved line by line has no repeated run
    and is left alone.

    Anti-pattern:
        ``…the council voted to approve the new bridge over the river and the council voted to
        appr0ve the new bridge ovor the river and the mayor signed…``

    Best practice:
        ``…the council voted to approve the new bridge over the river and the mayor signed…``
    """

    code = "LAY007"
    name = "scan-overlap"
    kind = "duplicate-section"
    groups = ("layout", "duplicates")
    fixable = True
    phase = 25
    examples_bad: ClassVar[tuple[tuple[str, str | None], ...]] = (
        (
            "The council met on Monday and\nafter a long debate voted to approve the new\n"
            "bridge over the river, which the mayor had\nafter a long debate voted to approve the new\n"
            "bridqe over the river, which the mayor had\nproposed in the spring.",
            "The council met on Monday and\nafter a long debate voted to approve the new\n"
            "bridge over the river, which the mayor had\nproposed in the spring.",
        ),
    )
    examples_good: ClassVar[tuple[str, ...]] = (
        "The council voted. The mayor signed the bill.\n\nLater the council voted again.",
    )

    def check(self, ctx: Context) -> Iterator[Finding]:
        text = ctx.text
        if len(text) < 2 * min(MIN_RUN.values()):
            return
        script = _script(ctx)
        held: _HeldForm | None
        if ctx.dirty is not None:
            # a later pass of clean: only the stretches around the changed places are searched, and
            # the form held for the duplicate rules (if they made one) is not read whole
            held = ctx.cache.pop(_HELD_KEY, None)
            told = _check_dirty(self, ctx, script)
            if told is not None:
                if ctx.memo is not None:
                    ctx.memo.pop(_FORM_KEY, None)  # an earlier text: spliced from only by the next pass
                yield from told
                return
        else:
            held = ctx.shared(_HELD_KEY, _held_form)
        # the last reader: later rules get its memory back (fresh pages cost a fault each)
        ctx.cache.pop(_HELD_KEY, None)
        kept: _KeptForm | None = ctx.memo.pop(_FORM_KEY, None) if ctx.memo is not None else None
        spliced = None
        if held is None and kept is not None and ctx.dirty is not None and len(text) >= SMALL:
            # a later pass searching the whole text: the stretches the previous full search folded
            # are found unchanged in its text, and only the rest is folded
            spliced = _splice(kept, text, ctx.dirty)
        del kept
        if held is not None:
            norm: _MatchingForm = held.form  # folded already (for the duplicate rules), or now for both
        elif spliced is not None:
            norm = spliced
        else:
            norm = _matching_form(text) if len(text) >= SMALL else normalize(text)
        if ctx.memo is not None and ctx.dirty is None and isinstance(norm, _LazyMatching):
            # the first pass of clean: the next pass, whose many changes make it search the whole
            # text again, splices its form from this one (see _splice)
            pieces = norm.text.pieces if isinstance(norm.text, _Pieces) else []
            if len(pieces) == 1:
                ctx.memo[_FORM_KEY] = _KeptForm(text, pieces[0], norm.marks, norm.step)
        seed = SEED[script]
        capture = None
        held_form = isinstance(norm, _Spliced) or (isinstance(norm, _LazyMatching) and isinstance(norm.text, _Pieces))
        if ctx.memo is not None and ctx.dirty is not None and held_form and len(norm.text) >= SMALL:
            import numpy as np

            # a later pass of clean searching the whole text (many changes): the passes after it,
            # with few changes, count boilerplate from these hashes (see _Grams).  The first pass
            # keeps none: a long text's second pass mostly searches the whole text again.
            capture = np.empty(len(norm.text) - seed + 1, dtype=np.uint32)
        overlaps = find_overlaps(norm.text, seed, MIN_RUN[script], capture=capture)
        if ctx.memo is not None:
            ctx.memo.pop(_GRAMS_KEY, None)
            if capture is not None and isinstance(norm, _LazyMatching | _Spliced):
                offsets = norm.map if isinstance(norm, _Spliced) else _Marks(text, norm.marks, norm.step)
                ctx.memo[_GRAMS_KEY] = _Grams(text, offsets, capture, seed)
        yield from self._judge(ctx, norm, overlaps, script)

    def _judge(
        self, ctx: Context, norm: _MatchingForm, overlaps: Iterable[Overlap], script: str,
        owned: _SpanIndex | None = None,
    ) -> Iterator[Finding]:
        """The findings of the runs ``overlaps`` (matching-form offsets of ``norm``) that are scan faults."""
        text = ctx.text
        if owned is None:
            owned = _SpanIndex(self._owned(ctx))
        for found in overlaps:
            # how long the copies are and how far apart: the same however _settle slides them
            long_run = min(found.a1 - found.a0, found.b1 - found.b0) >= LONG_RUN[script]
            if found.b0 - found.a1 > (MAX_BETWEEN_LONG if long_run else MAX_BETWEEN):
                continue
            if owned.hits_core(norm, found):
                continue  # however _settle slides it, the run overlaps a duplicate already reported
            o = _settle(norm, found, text)
            keep = Span(*norm.to_original(o.a0, o.a1))
            drop = Span(*norm.to_original(o.b0, o.b1))
            if owned.overlaps(drop) or owned.overlaps(keep):
                continue
            if o.b0 - o.a1 > MAX_BETWEEN and not (_opens(text, keep.start) and _opens(text, drop.start)):
                continue  # a paragraph printed twice starts a paragraph both times
            if not _at_seam(text, keep, drop):
                continue
            if _block_seam(ctx, keep, drop):
                continue  # the end of one block again at the start of the next: LAY006's
            if single_whole_line(text, keep) and single_whole_line(text, drop):
                continue  # one whole line said twice is a refrain; a band read twice has several
            if not _same_case(keep.slice(text), drop.slice(text)):
                continue  # a headline in capitals repeated by its article is writing, not a scan fault
            if _different_words(keep.slice(text), drop.slice(text), script):
                continue  # a formula filled in twice (另一个名字, Ward Six / Ward One) is not one print
            first, second = norm.text[o.a0 : o.a1], norm.text[o.b0 : o.b1]
            if not (says_nothing_more(first, second) and says_nothing_more(second, first)):
                continue  # either copy may be the one removed: neither may hold text the other lacks
            # copies that say other numbers (105 to 3 / 108 to 3): OCR misread one, or they are two
            # statements; removing either may lose a number, so the finding is left to a reader
            numbers_differ = not same_numbers(first, second)
            if _parallel_lines(text, keep, drop):
                continue  # list items or table rows built on one pattern, each line ending its own way
            if _cut_at_break(text, keep.end) and _flows_on(text, drop.end):
                # the first copy breaks off where the second goes on: keep the one that reads on
                keep, drop = drop, keep
            yield self._finding(ctx, norm, keep, drop, o, numbers_differ)

    @staticmethod
    def _owned(ctx: Context) -> list[Span]:
        spans: list[Span] = []
        for f in ctx.findings:
            if f.kind in _OWNED_KINDS:
                spans.append(f.span)
                spans.extend(f.related)
                if f.fix is not None:
                    spans.extend(e.span for e in f.fix.edits)
        return spans

    def _finding(self, ctx: Context, norm: _MatchingForm, keep: Span, drop: Span, o: Overlap,
                 numbers_differ: bool = False) -> Finding:
        text = ctx.text
        one_block = _same_block(ctx.blocks, min(keep.start, drop.start), max(keep.end, drop.end))
        kind = "repeated-phrase" if one_block else "duplicate-section"
        edit = _deletion(text, keep, drop)
        preview = drop.slice(text)
        preview = preview if len(preview) <= 40 else preview[:18] + "…" + preview[-18:]
        if ctx.dirty is None or "line_starts" in ctx.doc.__dict__:
            twin = f"line {ctx.doc.line_col(keep.start)[0]}"
        else:
            # a later pass of clean reports nothing: no line table (a pass over the whole text) for it
            twin = f"offset {keep.start}"
        action = ("the copies say other numbers: check the scan, nothing is removed" if numbers_differ
                  else "this copy is removed")
        return self.finding(
            ctx,
            drop,
            f"text read twice (scan tiles overlap): {preview!r} repeats the run at {twin} "
            f"({o.ratio:.0f}% alike); {action}",
            confidence=min(0.95, 0.6 + (o.ratio - MIN_RATIO) / 40) - (0.2 if numbers_differ else 0.0),
            related=(keep,),
            evidence={"ratio": round(o.ratio, 1), "characters": len(drop), "within_block": one_block,
                      **({"numbers_differ": True} if numbers_differ else {})},
            fix=Fix((edit,), keeps=(keep,), safe=not numbers_differ),
            kind=kind,
        )


def _script(ctx: Context) -> str:
    """The script of the text's first lines (which decide the seed and run lengths), remembered
    across the passes of a clean by those lines themselves."""
    head = ctx.text[:4000]
    if ctx.memo is not None:
        known = ctx.memo.get(_SCRIPT_KEY)
        if known is not None and known[0] == head:
            return str(known[1])
    script = script_of(head)
    if ctx.memo is not None:
        ctx.memo[_SCRIPT_KEY] = (head, script)
    return script


_SCRIPT_KEY = "scan_overlap.script"

#: how far :func:`_settle` may slide a run (its largest shift)
_MAX_SHIFT = 5


class _SpanIndex:
    """Spans (duplicates of earlier rules), asked whether any overlaps a given span in O(log n)."""

    def __init__(self, spans: Iterable[Span]) -> None:
        ordered = sorted(spans, key=lambda s: s.start)
        self.starts = [s.start for s in ordered]
        # furthest end among the spans that start before each index
        self.reach: list[int] = []
        far = -1
        for s in ordered:
            far = max(far, s.end)
            self.reach.append(far)

    def overlaps(self, span: Span) -> bool:
        """``any(s.overlaps(span) for s in spans)``."""
        k = bisect_left(self.starts, span.end)  # spans starting before span.end
        return k > 0 and self.reach[k - 1] > span.start

    def hits_core(self, norm: _MatchingForm, o: Overlap) -> bool:
        """Whether a span overlaps what both copies of ``o`` keep however :func:`_settle` slides them."""
        if not self.starts:
            return False
        for x0, x1 in ((o.a0, o.a1), (o.b0, o.b1)):
            if x1 - 1 < x0 + _MAX_SHIFT:
                continue
            first, last = x0 + _MAX_SHIFT, x1 - 1  # the core's first and last characters
            if isinstance(norm, _LazyMatching | _Spliced):
                # where the marks alone place those characters settles most cases without a walk
                first_lo, first_hi = norm.bounds(first)
                last_lo, last_hi = norm.bounds(last)
                if first_hi - 1 < last_lo + 1 and self.overlaps(Span(first_hi - 1, last_lo + 1)):
                    return True  # a span meets what the core holds wherever its ends fall
                if not self.overlaps(Span(first_lo, last_hi)):
                    continue  # no span comes near the core
            core = Span(norm.to_original(first, first + 1)[0], norm.to_original(last, last + 1)[1])
            if self.overlaps(core):
                return True
        return False


def _at_seam(text: str, keep: Span, drop: Span) -> bool:
    """Whether the copies meet where tiles or columns are stitched: a line break.

    A strip read twice ends one tile's text and starts the next, so the first copy
    ends at a line end or the second starts at a line start (hard-wrapped OCR puts
    a break at every printed line).  A phrase an author repeats sits inside running
    text on both sides.
    """
    tail = text[keep.end : keep.end + 3].lstrip(" \t\u3000")
    head = text[max(0, drop.start - 3) : drop.start].rstrip(" \t\u3000")
    ends_line = keep.end >= len(text) or not tail or tail[0] in "\r\n"
    starts_line = drop.start == 0 or head.endswith(("\r", "\n"))
    return ends_line or starts_line


def _same_case(a: str, b: str) -> bool:
    """Whether two copies share their capitalisation (OCR of the same print does).

    >>> _same_case("STAND AS A BEACON", "stand as a beacon"), _same_case("The Sinking", "The sinking")
    (False, True)
    """
    def upper_share(text: str) -> float:
        letters = [ch for ch in text if ch.isalpha() and ch.isascii()]
        return sum(ch.isupper() for ch in letters) / len(letters) if letters else 0.0

    return abs(upper_share(a) - upper_share(b)) <= 0.15


def _parallel_lines(text: str, a: Span, b: Span) -> bool:
    """Whether both copies open a line and stop before its end: lines built on one pattern.

    A band read twice repeats whole lines, or a strip that runs to the end of the first
    copy's line; list items and table rows share their opening words and end their own
    way (``… Main Street phase one`` / ``… Main Street phase two``).

    >>> t = "Replace the mains on Main Street phase one\\nReplace the mains on Main Street phase two"
    >>> _parallel_lines(t, Span(0, 39), Span(43, 82))
    True
    >>> t = "Replace the mains on Main Street\\nReplace the mains on Main Street and more"
    >>> _parallel_lines(t, Span(0, 32), Span(33, 65))
    False
    """

    def opens_line(span: Span) -> bool:
        return not text[text.rfind("\n", 0, span.start) + 1 : span.start].strip()

    def stops_mid_line(span: Span) -> bool:
        line_end = text.find("\n", span.end)
        return bool(text[span.end : len(text) if line_end < 0 else line_end].strip())

    return opens_line(a) and opens_line(b) and stops_mid_line(a) and stops_mid_line(b)


def _different_words(a: str, b: str, script: str) -> bool:
    """Whether the copies differ by a whole word, not by OCR noise within words.

    OCR misreads a character or two of a word (``bridge``/``bridqe``); two records
    of one formula differ by whole words (``Six``/``One``).

    >>> _different_words("the new bridge over", "the new bridqe ovor", "latin")
    False
    >>> _different_words("for Ward Six at the", "for Ward One at the", "latin")
    True
    """
    import difflib

    from rapidfuzz.distance import Levenshtein

    if script == "cjk":
        xs = [ch for ch in a if not ch.isspace()]
        ys = [ch for ch in b if not ch.isspace()]
        min_len = 3
    else:
        xs = _regex.compile(r"\w+").findall(a.lower())
        ys = _regex.compile(r"\w+").findall(b.lower())
        min_len = 3
    matcher = difflib.SequenceMatcher(None, xs, ys, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op != "replace":
            continue
        left, right = xs[i1:i2], ys[j1:j2]
        if script == "cjk":
            if len(left) >= min_len and len(right) >= min_len and not set(left) & set(right):
                return True
            continue
        for x in left:
            if len(x) >= min_len and x.isalpha() and all(
                Levenshtein.normalized_similarity(x, y) < 0.34 for y in right
            ):
                return True
    return False


def _same_block(blocks: Sequence[Block], start: int, end: int) -> bool:
    """Whether one block holds ``[start, end)`` (blocks are disjoint and in order)."""
    k = bisect_right(blocks, start, key=_block_start) - 1
    return k >= 0 and end <= blocks[k].end


def _cluster_reach(p0: int, p1: int, high: int) -> tuple[int, int]:
    """Where the run of any chain of seeds drawn from a cluster may lie (matching-form offsets): the
    cluster's second positions run from ``p0`` to ``p1`` and its diagonals (``p - i``) are at most ``high``.

    A chain's run starts from its seeds and moves as :func:`_run` and :func:`_extend` allow.  The
    second copy never starts after the chain's first second position (``<= p1``), and the first copy
    never ends after the second starts, nor before the chain's last first position or its first
    second position (``>= p0 - high``).  Each walk counts at most ``3 + walked // 10`` misreads, one
    diagonal step each, and walks less than ``high`` (from one copy's end to the other's start): the
    first copy starts at most ``high + 3 + high // 10`` before the second (``>= p0 - 2 high - ...``),
    and after both forward walks the second copy ends at most ``high + 2 (3 + high // 10)`` after
    the first (``<= p1 + high + ...``).  A full search keeps fewer of the seeds: its clusters are
    parts of this one, with the same bounds or tighter.  The margin covers :func:`_settle`'s slide.
    """
    margin = 2 * _MAX_SHIFT + 64
    return p0 - (2 * high + high // 10 + 3 + margin), p1 + (high + 2 * (3 + high // 10) + margin)


# --- later passes of clean: only around the changed places -------------------------------------
#
# A finding is decided by its run, the runs it competes with for its copies (longer ones win), the
# text just around the copies, and the seeds' boilerplate statistic (how often each gram was seen
# earlier in its window of WINDOW characters, windows starting at multiples of WINDOW of the whole
# text's form).  A run comes from a cluster of seeds and lies within :func:`_cluster_reach` of it,
# which depends on the cluster's diagonal (how far apart its copies stand): a doubled strip reaches
# a few hundred characters, a paragraph printed a column away a few lookbacks.  The first three are
# found again exactly from a stretch of the text around each changed place that holds, complete,
# every cluster that could reach the place (or a run competing there); the statistic is counted over
# a full window before the stretch, and where that could drop a seed, again from the true window
# start (the stretch's offset in the whole form).  A stretch that cannot tell (a cluster that
# matters reaching its edges) is widened; many changed places, a short text or a change in the
# first lines (which decide the script) search the whole text, as a full run.

#: the text around a run that its filters read (seam, paragraph openings, line ends), original characters
_CONTEXT = 1000
#: how far before its first and after its last second position a cluster of the largest diagonal
#: (a lookback: seeds pair no further apart) may reach
_FAR_BACK = -_cluster_reach(0, 0, LOOKBACK)[0]
_FAR_FWD = _cluster_reach(0, 0, LOOKBACK)[1]
#: a cluster whose second positions lie this far (matching-form characters) from the start of a
#: stretch is complete: every pair within MAX_GAP of it has its first gram inside the stretch
_P_HEAD = LOOKBACK + MAX_GAP + max(SEED.values()) + 8
#: ... and this far from its end: every gram within MAX_GAP after it lies inside the stretch
_P_TAIL = MAX_GAP + max(SEED.values()) + 8
#: a run this far from the edges of the text read was extended as in the whole text (a walk reads
#: at most _RESYNC characters past where it stops)
_EDGE = _RESYNC + 8
#: the text read around a stretch for the walks (original characters): as far as a complete
#: cluster in the stretch may reach, and some for the characters that fold away
_WALK_BEFORE = _FAR_BACK - _P_HEAD + _EDGE + 1000
_WALK_AFTER = _FAR_FWD - _P_TAIL + _EDGE + 1000
#: more of the text than this share searched around the changed places is searched whole instead
_DIRTY_SHARE = 0.3


class _Local:
    """The matching form of ``text[x0:x1]``, mapped back to offsets of the whole text."""

    __slots__ = ("form", "text", "x0")

    def __init__(self, form: _LazyMatching, text: str, x0: int) -> None:
        self.form = form
        self.text = text
        self.x0 = x0

    def to_original(self, start: int, end: int) -> tuple[int, int]:
        a, b = self.form.to_original(start, end)
        return a + self.x0, b + self.x0


def _check_dirty(rule: ScanOverlap, ctx: Context, script: str) -> list[Finding] | None:
    """The findings of a later pass that involve a changed place (every one a full run would make,
    and maybe a few more), or None when the whole text must be searched instead."""
    text = ctx.text
    dirty = ctx.dirty
    assert dirty is not None
    if len(text) < SMALL or dirty.touches(0, 4000, _CONTEXT):
        return None  # a short text is searched whole at once; the first 4000 characters decide the script
    if not dirty:
        return []
    seed, min_run = SEED[script], MIN_RUN[script]
    n = len(text)
    # matching-form characters are at most as many as the original ones but for rare expansions
    # (checked in the stretch): the stretch is widened until it holds enough of them
    before, after = _CONTEXT + _FAR_FWD + _P_HEAD + 1000, _CONTEXT + _FAR_BACK + _P_TAIL + 1000
    regions: list[list[int]] = []
    for start, end in zip(dirty.starts, dirty.ends, strict=True):
        lo, hi = max(0, start - before), min(n, end + after)
        if regions and lo <= regions[-1][1]:
            regions[-1][1] = max(regions[-1][1], hi)
        else:
            regions.append([lo, hi])
    if sum(hi - lo for lo, hi in regions) > _DIRTY_SHARE * n:
        return None
    owned: _SpanIndex | None = None
    found: list[Finding] = []
    for x0, x1 in regions:
        for _ in range(6):
            runs = _region_runs(ctx, x0, x1, seed, min_run)
            if isinstance(runs, _Short):
                # the stretch cannot tell: widen it by what it lacks (matching-form characters, each
                # at least one original one), and some more for the characters that fold away
                x0 = max(0, x0 - (runs.before + runs.before // 4 + 500 if runs.before else 0))
                x1 = min(n, x1 + (runs.after + runs.after // 4 + 500 if runs.after else 0))
                continue
            local, overlaps = runs
            if overlaps:
                if owned is None:
                    owned = _SpanIndex(rule._owned(ctx))
                found.extend(rule._judge(ctx, local, overlaps, script, owned))
            break
        else:
            return None
    # a widened stretch may have met the next one: each run once
    seen: set[tuple[Span, tuple[Span, ...]]] = set()
    unique: list[Finding] = []
    for f in found:
        if (f.span, f.related) not in seen:
            seen.add((f.span, f.related))
            unique.append(f)
    return unique


@dataclass(frozen=True, slots=True)
class _Short:
    """How many more matching-form characters a stretch needs before and after it to tell."""

    before: int
    after: int


def _region_runs(
    ctx: Context, x0: int, x1: int, seed: int, min_run: int
) -> tuple[_Local, list[Overlap]] | _Short:
    """The runs a full search would accept whose stretch (or a competitor's) meets a changed place in
    ``text[x0:x1]`` (perhaps with a few more), in matching-form offsets of the text read (the
    stretch and, for the walks that extend runs, as far around it as a cluster there may reach);
    or how much more the stretch needs to tell."""
    import numpy as np
    from rapidfuzz import fuzz

    text = ctx.text
    dirty = ctx.dirty
    assert dirty is not None
    n = len(text)
    k0 = bisect_left(dirty.ends, x0)
    k1 = bisect_right(dirty.starts, x1)
    z0, z1 = dirty.starts[k0], dirty.ends[k1 - 1]
    # seeds are searched in the stretch; the walks may read the text around it as far as a
    # cluster there reaches (characters that fold away may leave the walks short: then it widens)
    w0, w1 = max(0, x0 - _WALK_BEFORE), min(n, x1 + _WALK_AFTER)
    at = np.array([x0, max(x0, z0 - _CONTEXT), min(x1, z1 + _CONTEXT), x1], dtype=np.int64) - w0
    form, where = _form_and_offsets(text[w0:w1], hold=True, at=at)
    assert where is not None and isinstance(form.text, _Pieces)
    whole = "".join(form.text.pieces)
    size = len(whole)
    local = _Local(form, whole, w0)
    s0, zn0, zn1, s1 = (int(q) for q in where)
    at_start, at_end = x0 == 0, x1 == n
    # second positions where a cluster is complete, and where a run was extended as in the whole text
    lo_p, hi_p = (s0 if at_start else s0 + _P_HEAD), (s1 if at_end else s1 - _P_TAIL)
    lo_r, hi_r = (-float("inf") if w0 == 0 else _EDGE), (float("inf") if w1 == n else size - _EDGE)

    # what the stretch lacks before and after it, as found so far
    short = [0, 0]

    def covers(start: int, end: int) -> bool:
        """Whether every cluster that could reach ``[start, end)`` has its second positions where
        the stretch holds it complete (or is cut off there, and seen to be); if not, notes what
        the stretch lacks."""
        lacks(lo_p - (start - _FAR_FWD), (end + _FAR_BACK) - hi_p)
        return not any(short)

    def lacks(before: float, after: float) -> None:
        if not at_start and before > 0:
            short[0] = max(short[0], int(min(before, size)) + 1)
        if not at_end and after > 0:
            short[1] = max(short[1], int(min(after, size)) + 1)

    if not covers(zn0, zn1):
        return _Short(*short)  # a cluster that could reach a changed place may have seeds beyond the stretch
    grams = s1 - s0 - seed + 1
    # every pair of the stretch the seed definition could make, whatever the boilerplate count (a superset)
    keys = _window_seed_keys(
        whole, seed, min_run, LOOKBACK, s0, s0 + max(0, grams), 64, _Work(max(1, grams), seed), max_occ=1 << 40
    )
    if keys.size == 0:
        return local, []
    keys = np.sort(keys)
    keys = keys[np.concatenate(([True], keys[1:] != keys[:-1]))]
    exact = False
    while True:
        first, second = keys & 0xFFFFFFFF, keys >> 32
        clusters: list[tuple[int, int, int, int]] = []
        chains = _chains_of(first, second, seed, min_run, clusters)
        if not chains:
            return local, []  # no pair kept either
        # where any run of a cluster's seeds may lie, whichever of them a full search keeps; a cluster
        # cut off by an edge of the stretch may have more seeds beyond it, of any diagonal
        reach: list[tuple[float, float]] = []
        # per cluster, how much the stretch lacks before and after it to hold the cluster (if anything)
        lacking: list[tuple[float, float]] = []
        for p0, p1, _, high in clusters:
            r0, r1 = _cluster_reach(p0, p1, high)
            cut0, cut1 = p0 < lo_p, p1 > hi_p
            reach.append((
                -float("inf") if cut0 else (p0 - _FAR_BACK if cut1 else r0),
                float("inf") if cut1 else (p1 + _FAR_FWD if cut0 else r1),
            ))
            # cut off: a lookback past the edge for the rest of it; else what its runs' reach needs
            lacking.append((
                lo_p - p0 + LOOKBACK if cut0 else (0 if cut1 else lo_r - r0),
                p1 - hi_p + LOOKBACK if cut1 else (0 if cut0 else r1 - hi_r),
            ))
        def meets(o: Overlap) -> bool:
            start, end = local.to_original(o.a0, o.b1)
            return dirty.touches(start, end, _CONTEXT)

        def extend(k: int, chains: list[_Chain] = chains) -> Overlap | None:
            return _run(whole, chains[k], min_run, fuzz.ratio)

        runs, matters, must = _runs_that_matter(reach, (zn0, zn1), extend, meets)
        # the longest runs first, as find_overlaps (chains in the same order: clusters in order of
        # position); a run's fate depends only on the runs it competes with, all of them extended
        accepted = set(_longest_disjoint(chains, runs))
        out: list[Overlap] = []
        for k in matters:
            o = runs[k]
            assert o is not None
            covers(o.a0, o.b1)  # its competitors may lie beyond the stretch
            if k in accepted:
                out.append(o)
        needed = np.zeros(keys.size, dtype=bool)
        for k, (c0, c1) in enumerate(reach):
            if any(c0 < m1 and m0 < c1 for m0, m1 in must):
                # a cluster the stretch does not hold may lack seeds, chain or extend otherwise in a
                # full search
                lacks(*lacking[k])
                lo, hi = np.searchsorted(second, (clusters[k][0], clusters[k][1] + 1))
                needed[lo:hi] = True
        if any(short):
            return _Short(*short)
        hashes: _Grams | None = ctx.memo.get(_GRAMS_KEY) if ctx.memo is not None else None
        if exact or not needed.any() or _boilerplate_free(
            text, w0, whole, first[needed], second[needed], seed, hashes
        ):
            out.sort(key=lambda o: o.b0)
            return local, out
        # the count may decide a seed: count from where a full search's window starts
        keys = _exact_seeds(text, w0, whole, keys, seed)
        exact = True


def _runs_that_matter(
    reach: Sequence[tuple[float, float]], zone: tuple[int, int], extend: Callable[[int], Overlap | None],
    meets: Callable[[Overlap], bool],
) -> tuple[list[Overlap | None], list[int], list[tuple[int, int]]]:
    """The runs of a stretch that matter: those meeting a changed place (``meets``), and transitively
    those competing with one for a copy; with the runs worked out (None where a chain gave none or
    was not extended) and the places whose clusters must be exact (``zone`` and those runs' copies).

    A run lies within its cluster's ``reach``, so only the chains whose cluster reaches the changed
    places (``zone``), or the copies of a run that matters, are extended (``extend(k)``).
    """
    runs: list[Overlap | None] = [None] * len(reach)
    done = [False] * len(reach)
    matters: list[int] = []
    must: list[tuple[int, int]] = [zone]
    fresh: list[tuple[int, int]] = [zone]
    while fresh:
        found: list[int] = []
        for k, (c0, c1) in enumerate(reach):
            if not done[k] and any(c0 < m1 and m0 < c1 for m0, m1 in fresh):
                done[k] = True
                runs[k] = extend(k)
                if runs[k] is not None:
                    found.append(k)
        fresh = []
        for k in found:
            o = runs[k]
            assert o is not None
            if meets(o) or any(_overlap(o, runs[j]) for j in matters):  # or a competitor of one that matters
                matters.append(k)
                fresh.extend(((o.a0, o.a1), (o.b0, o.b1)))
        # a run found before may compete with one that matters only now
        grew = True
        while grew:
            grew = False
            for k, o in enumerate(runs):
                if o is not None and k not in matters and any(_overlap(o, runs[j]) for j in matters):
                    matters.append(k)
                    fresh.extend(((o.a0, o.a1), (o.b0, o.b1)))
                    grew = True
        must.extend(fresh)
    return runs, matters, must


def _overlap(o: Overlap, other: Overlap | None) -> bool:
    """Whether two runs compete: their first copies overlap, or their second copies do."""
    return other is not None and ((o.a0 < other.a1 and other.a0 < o.a1) or (o.b0 < other.b1 and other.b0 < o.b1))


def _competing(runs: Sequence[Overlap | None]) -> list[list[int]]:
    """Groups of the runs whose first copies or whose second copies overlap, transitively: whether
    a run is accepted depends only on the runs of its group."""
    parent = list(range(len(runs)))

    def root(k: int) -> int:
        while parent[k] != k:
            parent[k] = parent[parent[k]]
            k = parent[k]
        return k

    present = [(k, o) for k, o in enumerate(runs) if o is not None]
    for spans in (sorted(((o.a0, o.a1), k) for k, o in present), sorted(((o.b0, o.b1), k) for k, o in present)):
        reach, last = -1, -1
        for (start, end), k in spans:
            if start < reach:
                parent[root(k)] = root(last)
            if end > reach:
                reach, last = end, k
    groups: dict[int, list[int]] = {}
    for k, _ in present:
        groups.setdefault(root(k), []).append(k)
    return list(groups.values())


def _before(text: str, x0: int, seed: int) -> NDArray[np.uint32]:
    """The matching form (code points) of at least a window's worth of the text before ``x0`` (all
    of it if shorter)."""
    import numpy as np

    b0 = max(0, x0 - (WINDOW + WINDOW // 16))
    form = _folded_codes(text[b0:x0])
    while b0 > 0 and len(form) < WINDOW + seed:
        # whitespace folds away: fold as much again as the shortfall needs at this rate, and a little more
        more = int((WINDOW + seed - len(form)) * (x0 - b0) / max(1, len(form)) * 1.1) + 1000
        start = max(0, b0 - more)
        form = np.concatenate((_folded_codes(text[start:b0]), form))
        b0 = start
    return form


def _folded_length(text: str, end: int) -> int:
    """How many matching-form characters ``text[:end]`` gives (the offset of ``end`` in the form)."""
    import numpy as np

    tables = _fold_tables()
    total = 0
    for a in range(0, end, 1 << 16):
        cp = np.frombuffer(text[a : min(end, a + (1 << 16))].encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
        total += int(tables.lengths(cp).sum(dtype=np.int64))
    return total


def _exact_seeds(text: str, x0: int, whole: str, keys: NDArray[np.int64], seed: int) -> NDArray[np.int64]:
    """The pairs ``keys`` of the stretch ``whole`` (the matching form of ``text[x0:]`` on) that a full
    search keeps: the gram seen at most :data:`MAX_OCCURRENCES` times before, from the start of the
    window the full search finds the pair in (the last one starting at or before its first position)."""
    import numpy as np

    before = _before(text, x0, seed)
    off = len(before)
    origin = _folded_length(text, x0) - off  # where ``before`` starts in the whole text's form
    joined = before.tobytes().decode("utf-32-le", "surrogatepass") + whole
    hashes = _gram_hashes(joined, seed)
    first, second = (keys & 0xFFFFFFFF) + off, (keys >> 32) + off
    wanted = _distinct(hashes[second])
    shift = np.uint64(64 - 20)
    bucket = np.zeros(1 << 20, dtype=bool)
    bucket[(wanted >> shift).astype(np.intp)] = True
    maybe = np.flatnonzero(bucket[(hashes >> shift).astype(np.intp)])
    at = np.minimum(np.searchsorted(wanted, hashes[maybe]), wanted.size - 1)
    # positions of each wanted gram, compared as text (a hash may collide)
    where: dict[str, list[int]] = {}
    for q in maybe[wanted[at] == hashes[maybe]].tolist():
        where.setdefault(joined[q : q + seed], []).append(q)
    keep = np.zeros(keys.size, dtype=bool)
    for k, (i, p) in enumerate(zip(first.tolist(), second.tolist(), strict=True)):
        start = (origin + i) // WINDOW * WINDOW - origin
        seen = where[joined[p : p + seed]]
        keep[k] = bisect_left(seen, p) - bisect_left(seen, start) <= MAX_OCCURRENCES
    return keys[keep]


def _distinct(values: NDArray[_U]) -> NDArray[_U]:
    """The distinct values, sorted (np.unique would import numpy.ma on first use: 20 ms)."""
    import numpy as np

    values = np.sort(values)
    return values[np.concatenate(([True], values[1:] != values[:-1]))] if values.size else values


def _gram_hashes(form: str | NDArray[np.uint32], seed: int) -> NDArray[np.uint64]:
    """The rolling hash of every ``seed``-gram of ``form`` (text or its code points), in order of position."""
    import numpy as np

    grams = len(form) - seed + 1
    if grams <= 0:
        return np.zeros(0, dtype=np.uint64)
    cp = np.frombuffer(form.encode("utf-32-le", "surrogatepass"), dtype=np.uint32) if isinstance(form, str) else form
    return np.concatenate([_hash_block(cp, a, min(grams, a + _BLOCK), seed) for a in range(0, grams, _BLOCK)])


def _folded_codes(text: str, chunk: int = 1 << 14) -> NDArray[np.uint32]:
    """The code points of the matching form of ``text`` (:func:`_fold`, never decoded to a string)."""
    import numpy as np

    tables = _fold_tables()
    parts: list[NDArray[np.uint32]] = []
    for a in range(0, len(text), chunk):
        piece = text[a : a + chunk]
        cp = np.frombuffer(piece.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
        lengths = tables.lengths(cp)
        if tables.multiple and (lengths > 1).any():
            parts.append(np.frombuffer(matching_text(piece).encode("utf-32-le", "surrogatepass"), dtype=np.uint32))
        else:
            parts.append(tables.folded_of[cp[lengths.astype(bool)]])
    return np.concatenate(parts) if parts else np.zeros(0, dtype=np.uint32)


@dataclass(frozen=True)
class _Grams:
    """The high half of the hash (:func:`_hash_block`) of every gram of a text's matching form, by
    position, kept in ``Context.memo`` from a full search for clean's later passes.

    A later pass counts boilerplate over a window of text before each stretch it searches
    (:func:`_boilerplate_free`); where that window is found whole in ``text``, the hashes of the grams
    lying wholly in it are read here instead of folding and hashing it again.  The memo is thus
    keyed by content: equal text has equal grams wherever it stands, in this pass or another.
    """

    text: str
    #: where in the matching form each original offset falls (:class:`_Marks`, or a spliced form's :class:`_PieceMap`)
    offsets: _FormOffsets
    hashes: NDArray[np.uint32]
    seed: int

    def form_offset(self, pos: int) -> int:
        """How many matching-form characters ``text[:pos]`` gives."""
        if pos >= len(self.text):
            return len(self.hashes) + self.seed - 1
        return self.offsets.form_offset(pos)

    def window(self, text: str, b0: int, x0: int, seed: int) -> tuple[NDArray[np.uint32], int] | None:
        """The hashes of the grams lying wholly in the matching form of ``text[b0:x0]`` (in no order;
        some counted twice where that only adds) and that form's length, or None when too little
        of it is found in :attr:`text` (:meth:`window_parts`, joined)."""
        import numpy as np

        found = self.window_parts(text, b0, x0, seed)
        if found is None:
            return None
        parts, size = found
        return (np.concatenate(parts) if parts else np.zeros(0, dtype=np.uint32)), size

    def window_parts(self, text: str, b0: int, x0: int, seed: int) -> tuple[list[NDArray[np.uint32]], int] | None:
        """:meth:`window` in parts (most of them views of :attr:`hashes`, never copied).

        The stretch is matched piece by piece against :attr:`text` near where it stands (moved by
        what was deleted or inserted before it since): the grams wholly in a piece found there are
        read, the others (in the text between pieces, or running from one piece into the next)
        hashed afresh.
        """
        import numpy as np

        if seed != self.seed:
            return None
        old = self.text
        slack = max(0, len(old) - len(text)) + (1 << 16)
        lo = max(0, b0 - (1 << 16))
        # pieces of the stretch: (start, end, where found in the old text or -1)
        pieces: list[tuple[int, int, int]] = []
        pos = b0
        while pos < x0:
            if len(pieces) > 64:
                return None  # changed all over: fold it as before
            at = old.find(text[pos : pos + 64], lo, pos + slack + 64) if x0 - pos >= 256 else -1
            if at < 0:
                end = min(x0, pos + 64) if x0 - pos >= 256 else x0
                if pieces and pieces[-1][2] < 0:
                    pieces[-1] = (pieces[-1][0], end, -1)
                else:
                    pieces.append((pos, end, -1))
                pos = end
                continue
            n = _common_length(text, pos, old, at, x0 - pos)
            pieces.append((pos, pos + n, at))
            pos += n
            lo = at + n
        parts: list[NDArray[np.uint32]] = []
        size = 0  # matching-form characters so far
        tail = np.zeros(0, dtype=np.uint32)  # the last seed - 1 of them
        for k, (start, end, at) in enumerate(pieces):
            if at < 0:
                codes = _folded_codes(text[start:end])
                # the grams starting here or in the tail, up to the next piece's first characters
                ahead = _head_codes(text, end, x0, seed - 1) if k + 1 < len(pieces) else codes[:0]
                parts.append(_high_hashes(np.concatenate((tail, codes, ahead)), seed))
                size += len(codes)
                tail = np.concatenate((tail, codes))[max(0, len(tail) + len(codes) - (seed - 1)) :]
                continue
            if k and pieces[k - 1][2] >= 0:
                # one found piece after another (text deleted between them): the grams running across
                # (counted again if the piece before was too short to hold a tail: that only adds)
                parts.append(_high_hashes(np.concatenate((tail, _head_codes(text, start, x0, seed - 1))), seed))
            f0, f1 = self.form_offset(at), self.form_offset(at + end - start)
            parts.append(self.hashes[f0 : max(f0, f1 - seed + 1)])
            size += f1 - f0
            last = _tail_codes(text, start, end, seed - 1)
            tail = np.concatenate((tail, last))[max(0, len(tail) + len(last) - (seed - 1)) :]
        return parts, size


class _FormOffsets(Protocol):
    """Where original offsets fall in a matching form."""

    def form_offset(self, pos: int) -> int: ...


@dataclass(frozen=True)
class _Marks:
    """Form offsets from the marks of a folded text (``marks[k]``: the form offset of original character
    ``k * step``), walking at most ``step`` characters from the mark before."""

    text: str
    marks: NDArray[np.int64]
    step: int

    def form_offset(self, pos: int) -> int:
        """How many matching-form characters ``text[:pos]`` gives (``pos < len(text)``)."""
        k = pos // self.step
        return int(self.marks[k]) + sum(len(fold_char(ch)) for ch in self.text[k * self.step : pos])


_FORM_KEY = "scan_overlap.form"


@dataclass(frozen=True)
class _KeptForm:
    """The matching form of a text the first pass of clean searched whole, kept in ``Context.memo``
    for a later pass that searches the whole text again (many changes): see :func:`_splice`.

    Keyed by content: the later pass uses a stretch of it only where its own text holds the same
    characters, and folding is character by character.
    """

    text: str
    form: str
    #: the matching-form offset of original character ``k * step``
    marks: NDArray[np.int64]
    step: int


#: a stretch of a later pass's text is looked for in the kept text this far past where the last one
#: was found (what the previous pass deleted or replaced between them); not found, it is folded
_SPLICE_SLACK = 1 << 16
#: stretches shorter than this are folded, not looked for
_SPLICE_MIN = 256


class _PieceMap:
    """Offsets of a text made of pieces and its matching form: stretches found unchanged in a kept
    text, whose form was cut from the kept form, and the rest, folded afresh (all of it at once, as
    ``fresh``).  A matched piece maps through the kept text's marks, a fresh one through ``fresh``'s."""

    __slots__ = (
        "_memo", "_sources", "bases", "fresh", "kept", "kept_marks", "matched", "orig", "source", "srcs", "starts",
        "step", "total",
    )

    def __init__(
        self, source: str, total: int, kept: str, kept_marks: NDArray[np.int64], step: int,
        fresh: _LazyMatching, pieces: tuple[list[int], list[int], list[int], list[int], list[bool]],
    ) -> None:
        self.source = source
        self.total = total  # the form's length
        self.kept = kept
        self.kept_marks = kept_marks
        self.step = step
        self.fresh = fresh
        #: per piece, in order: its original start, its form start, where it starts in the kept text
        #: (matched: on a mark) or in ``fresh``'s source (folded), where that falls in their form, and
        #: whether matched
        self.orig, self.starts, self.srcs, self.bases, self.matched = pieces
        self._memo: dict[int, int] = {}
        #: a piece's source text, its marks and their step: by whether the piece was matched
        self._sources: tuple[tuple[str, NDArray[np.int64], int], ...] = (
            (fresh.source, fresh.marks, fresh.step), (kept, kept_marks, step)
        )

    def offset(self, q: int) -> int:
        """Original offset of the character that matching-form character ``q`` came from."""
        found = self._memo.get(q)
        if found is not None:
            return found
        # a piece whose form is empty starts where the next one does: the last one starting at q holds it
        k = bisect_right(self.starts, q) - 1
        src = self.srcs[k]
        o = _walk_to(*self._sources[self.matched[k]], self.bases[k] + q - self.starts[k]) - src + self.orig[k]
        self._memo[q] = o
        return o

    def bounds(self, q: int) -> tuple[int, int]:
        """Original offsets ``[lo, hi)`` between which matching-form character ``q`` came from (no walk)."""
        k = bisect_right(self.starts, q) - 1
        o2, src = self.orig[k], self.srcs[k]
        _, marks, step = self._sources[self.matched[k]]
        m = int(marks.searchsorted(self.bases[k] + q - self.starts[k], side="right")) - 1
        end = self.orig[k + 1] if k + 1 < len(self.orig) else len(self.source)
        return max(o2, m * step - src + o2), min(end, (m + 1) * step - src + o2)

    def form_offset(self, pos: int) -> int:
        """How many matching-form characters ``source[:pos]`` gives."""
        if pos >= len(self.source):
            return self.total
        k = bisect_right(self.orig, pos) - 1
        walk = _Marks(*self._sources[self.matched[k]])
        return self.starts[k] + walk.form_offset(self.srcs[k] + pos - self.orig[k]) - self.bases[k]


class _Spliced:
    """The matching form of a text spliced by :func:`_splice`: its ``text``, and offsets through ``map``."""

    __slots__ = ("map", "text")

    def __init__(self, text: str, offsets: _PieceMap) -> None:
        self.text = text
        self.map = offsets

    def bounds(self, q: int) -> tuple[int, int]:
        """Original offsets ``[lo, hi)`` between which matching-form character ``q`` came from (no walk)."""
        return self.map.bounds(q)

    def to_original(self, start: int, end: int) -> tuple[int, int]:
        """Original ``[start, end)`` covering matching-form characters ``[start, end)`` (as ``Normalized``)."""
        size = len(self.text)
        source_end = len(self.map.source)
        if start >= size:
            return source_end, source_end
        if end > start:
            return self.map.offset(start), self.map.offset(end - 1) + 1
        return self.map.offset(start), self.map.offset(end) if end < size else source_end


def _walk_to(source: str, marks: NDArray[np.int64], step: int, q: int) -> int:
    """Original offset of the character that matching-form character ``q`` came from (``marks[k]``: the
    form offset of original character ``k * step``)."""
    k = int(marks.searchsorted(q, side="right")) - 1
    acc = int(marks[k])
    o = k * step
    for ch in source[o : o + step]:
        acc += len(fold_char(ch))
        if acc > q:
            break
        o += 1
    return o


def _splice(kept: _KeptForm, text: str, dirty: Dirty) -> _Spliced | None:
    """The matching form of ``text`` from the kept form of an earlier text: each stretch between the
    changed places is looked for in the kept text just past where the one before was found, and
    where the two hold the same characters (compared, whatever ``dirty`` says), cut to the kept
    text's marks, its form is the kept form's; the rest is folded afresh, all at once.  None when
    too little is found (then folding the whole text is no slower)."""
    import numpy as np

    old, step = kept.text, kept.step
    n, size = len(text), len(old)
    # the stretches found: start in text, end, where it starts in old; in order, ends on old's marks
    m_start: list[int] = []
    m_end: list[int] = []
    m_at: list[int] = []
    cursor = 0
    find = old.find
    # where the text changed: a twin a fix kept is unchanged, and found with the text around it
    edited = dirty.edited
    bounds = [0, *edited.ends, n]
    starts = [*edited.starts, n]
    # text not found where told (a change not told of): looked for again a little further on, a few
    # times in a row, and a few times per stretch overall (a text unlike the kept one is folded soon)
    budget = 4 * len(starts) + 64
    for k, u1 in enumerate(starts):
        pos = max(bounds[k], m_end[-1] if m_end else 0)
        misses = 0
        while u1 - pos >= _SPLICE_MIN and budget > 0:
            at = find(text[pos : pos + 64], cursor, cursor + _SPLICE_SLACK)
            if at < 0:
                misses += 1
                budget -= 1
                if misses > 8:
                    break
                pos += 64
                continue
            m = _found_length(text, pos, u1, old, at)
            a = -(-at // step) * step
            e = at + m if at + m == size else (at + m) // step * step
            if e - a >= 64:
                m_start.append(pos + a - at)
                m_end.append(pos + e - at)
                m_at.append(a)
            cursor = at + m
            pos += max(m, 1)
            misses = 0
    if sum(m_end) - sum(m_start) < n // 2:
        return None
    # the pieces in order (ints in lists: no object per piece for the collector to follow): the
    # matched ones, and the text between them, folded at once
    orig: list[int] = []  # where each starts in text
    srcs: list[int] = []  # ... in old (matched) or in the text folded afresh
    matched: list[bool] = []
    gaps: list[str] = []
    r = 0
    last = 0
    for a, b, at in zip([*m_start, n], [*m_end, n], [*m_at, -1], strict=True):
        if a > last:
            gaps.append(text[last:a])
            orig.append(last)
            srcs.append(r)
            matched.append(False)
            r += a - last
        if at >= 0:
            orig.append(a)
            srcs.append(at)
            matched.append(True)
        last = b
    lengths = np.diff(np.array([*orig, n], dtype=np.int64)).tolist()
    fresh_at = [q for q, m in zip(srcs, matched, strict=True) if not m]
    fresh, where = _form_and_offsets("".join(gaps), hold=True, at=np.array([*fresh_at, r], dtype=np.int64))
    assert where is not None and isinstance(fresh.text, _Pieces)
    fresh_form = fresh.text.pieces[0] if fresh.text.pieces else ""
    fresh_starts = iter(where.tolist())
    # the matched pieces start and end on old's marks (or at its end)
    m_src = np.array([q for q, m in zip(srcs, matched, strict=True) if m], dtype=np.int64)
    m_stop = m_src + np.array([ln for ln, m in zip(lengths, matched, strict=True) if m], dtype=np.int64)
    ended = m_stop >= size
    m_f0 = iter(kept.marks[m_src // step].tolist())
    m_f1 = iter(np.where(ended, len(kept.form), kept.marks[np.minimum(m_stop, size - 1) // step]).tolist())
    form_of = kept.form
    parts: list[str] = []
    f_starts: list[int] = []  # where each starts in the form
    bases: list[int] = []  # ... and in the form of its source
    f2 = 0
    f1 = next(fresh_starts, 0)
    for is_matched in matched:
        if is_matched:
            f0, f1_m = next(m_f0), next(m_f1)
            parts.append(form_of[f0:f1_m])
            size_f = f1_m - f0
        else:
            f0, f1 = f1, next(fresh_starts)
            parts.append(fresh_form[f0:f1])
            size_f = f1 - f0
        f_starts.append(f2)
        bases.append(f0)
        f2 += size_f
    form = "".join(parts)
    pieces = (orig, f_starts, srcs, bases, matched)
    return _Spliced(form, _PieceMap(text, len(form), old, kept.marks, step, fresh, pieces))


def _found_length(text: str, pos: int, end: int, old: str, at: int) -> int:
    """How many characters of ``text[pos:end]`` ``old`` holds from ``at`` on.

    Mostly the whole stretch: one comparison.  Its first characters are compared first, so that
    repetitive text found at a wrong place (a few characters further on) costs little each time.
    """
    head = min(end - pos, 1024)
    if not old.startswith(text[pos : pos + head], at):
        return _common_length(text, pos, old, at, head)
    if head == end - pos or old.startswith(text[pos + head : end], at + head):
        return end - pos
    return head + _common_length(text, pos + head, old, at + head, end - pos - head)


def _high_hashes(codes: NDArray[np.uint32], seed: int) -> NDArray[np.uint32]:
    """The high half of the hash of every gram of ``codes`` (as :class:`_Grams` keeps them)."""
    import numpy as np

    return (_gram_hashes(codes, seed) >> np.uint64(32)).astype(np.uint32)


def _common_length(a: str, i: int, b: str, j: int, limit: int) -> int:
    """The length of the longest common prefix of ``a[i:i + limit]`` and ``b[j:]``."""
    n = 0
    step = 1 << 14
    while n < limit:
        m = min(step, limit - n)
        if b.startswith(a[i + n : i + n + m], j + n):
            n += m
            continue
        low, high = 0, m - 1  # a[i + n : i + n + low] matches, and the whole step does not
        while low < high:
            mid = (low + high + 1) // 2
            if b.startswith(a[i + n : i + n + mid], j + n):
                low = mid
            else:
                high = mid - 1
        return n + low
    return n


def _head_codes(text: str, start: int, end: int, n: int) -> NDArray[np.uint32]:
    """The first ``n`` code points (fewer if there are none) of the matching form of ``text[start:end]``."""
    k = 64
    while True:
        codes = _folded_codes(text[start : min(end, start + k)])
        if len(codes) >= n or start + k >= end:
            return codes[:n]
        k *= 4


_GRAMS_KEY = "scan_overlap.grams"


def _tail_codes(text: str, b0: int, x0: int, n: int) -> NDArray[np.uint32]:
    """The last ``n`` code points (fewer if there are none) of the matching form of ``text[b0:x0]``."""
    k = 64
    while True:
        codes = _folded_codes(text[max(b0, x0 - k) : x0])
        if len(codes) >= n or x0 - k <= b0:
            return codes[max(0, len(codes) - n) :]
        k *= 4


def _boilerplate_free(
    text: str, x0: int, whole: str, first: NDArray[np.int64], second: NDArray[np.int64], seed: int,
    grams: _Grams | None = None,
) -> bool:
    """Whether a full search keeps every pair ``(first, second)`` of the stretch ``whole`` (the
    matching form of ``text[x0:]`` on), whatever the start of its window.

    A full search drops a pair when its gram was seen more than :data:`MAX_OCCURRENCES` times in its
    window before; the window starts less than :data:`WINDOW` characters before the pair's first
    position.  Counting from a full window earlier counts at least as many (a hash collision only
    adds), so a pair kept even then is kept by the full search.
    """
    import numpy as np

    head = np.frombuffer(whole[: seed - 1].encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    # the high half of each hash (a collision only adds to a count): as :class:`_Grams` keeps them
    here = (_gram_hashes(whole, seed) >> np.uint64(32)).astype(np.uint32)
    wanted = _distinct(here[second])
    # the high bits of a hash pick its bucket: only the few grams in a wanted bucket are looked up
    # (a table this small, and blocks of hashes this short, stay in cache and need no fresh pages)
    shift = np.uint32(32 - 16)
    bucket = np.zeros(1 << 16, dtype=bool)
    bucket[(wanted >> shift).astype(np.intp)] = True

    def hits(hashes: NDArray[np.uint32]) -> tuple[NDArray[np.intp], NDArray[np.intp]]:
        """Positions of ``hashes`` that are wanted, and which wanted hash each is."""
        where: list[NDArray[np.intp]] = []
        which: list[NDArray[np.intp]] = []
        for a in range(0, hashes.size, _BLOCK):
            block = hashes[a : a + _BLOCK]
            maybe = np.flatnonzero(bucket[block >> shift])
            if maybe.size:
                values = block[maybe]
                at = np.minimum(np.searchsorted(wanted, values), wanted.size - 1)
                ok = wanted[at] == values
                where.append(maybe[ok] + a)
                which.append(at[ok])
        if not where:
            return np.zeros(0, dtype=np.intp), np.zeros(0, dtype=np.intp)
        return np.concatenate(where), np.concatenate(which)

    # the grams that start before the stretch: those wholly in a window's worth of text before it
    # (kept from the full search where that text is found whole), and those running into the stretch
    b0 = max(0, x0 - (WINDOW + WINDOW // 16))
    found = grams.window_parts(text, b0, x0, seed) if grams is not None else None
    if found is not None and (b0 == 0 or found[1] >= WINDOW + seed):
        crossing = _high_hashes(np.concatenate((_tail_codes(text, b0, x0, seed - 1), head)), seed)
        counts = np.bincount(hits(crossing)[1], minlength=wanted.size)
        for part in found[0]:
            counts += np.bincount(hits(part)[1], minlength=wanted.size)
    else:
        before = _before(text, x0, seed)
        starting = _gram_hashes(np.concatenate((before, head)), seed)
        counts = np.bincount(hits((starting >> np.uint64(32)).astype(np.uint32))[1], minlength=wanted.size)
    # and inside the stretch before each pair's second position (itself one of its gram's positions)
    hit, which = hits(here)
    key = which * (len(here) + 1) + hit
    key.sort()
    g = np.searchsorted(wanted, here[second])
    rank = np.searchsorted(key, g * (len(here) + 1) + second) - np.searchsorted(key, g * (len(here) + 1))
    del first
    return bool((counts[g] + rank <= MAX_OCCURRENCES).all())
