"""Word evidence across a break in CJK text, from a general dictionary.

A column break falls anywhere in a sentence; about half the time inside a word
(``教|育``, ``侨|胞``, ``现代|化``).  A headline and the paragraph after it do not:
both end and start on whole words.  So the two halves of a word straddling a break
are strong evidence that the blocks were one paragraph.

The dictionary is ``dedup/data/cjk_words.txt``, derived from jieba's general word
list (MIT licence) by ``tools/build_cjk_words.py``: nothing is learnt from the
documents checked or from the test corpus.  It is read on first use only (a
document without an ambiguous CJK break never pays for it), and kept as one
sorted string per word length: loading is a read and a split, a lookup a binary
search.

How straddling is measured: the few characters either side of the break are
segmented by unigram cost (the most probable sequence of dictionary words); the
*gain* is how much cheaper (in nats) the best segmentation is when a word may
cross the break than when none may.  Two whole words either side (``建设|进一步``)
give no gain; ``教|育`` gives about 12 nats.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path

from dedup.normalize import is_cjk

__all__ = [
    "Lexicon",
    "ends_on_function_word",
    "first_word",
    "last_word",
    "lexicon",
    "segment",
    "starts_on_particle",
    "straddle_gain",
]

DATA = Path(__file__).resolve().parent.parent / "data" / "cjk_words.txt"
#: longest word in the list
MAX_WORD = 4
#: characters either side of a break that are segmented: a word of four characters straddling
#: the break is seen whole, with room for the word before or after it to compete
WINDOW = 6


@dataclass(frozen=True, slots=True)
class Lexicon:
    """Words of 1-4 CJK characters with their unigram cost, and function words."""

    #: ``words[n - 1]``: the words of ``n`` characters, sorted, concatenated
    words: tuple[str, ...]
    #: ``costs[n - 1][i]``: the cost of the ``i``-th word of ``n`` characters, ``chr(48 + half-nats)``
    costs: tuple[str, ...]
    #: prepositions, conjunctions and particles: a heading does not end on one
    function_words: frozenset[str]
    #: particles (等, 之, 的, 了 …): a sentence does not begin with one
    particles: frozenset[str]
    #: the cost of a character the list does not hold (rarer than any word in it)
    unknown: float

    def cost(self, word: str) -> float | None:
        """The cost (nats) of ``word``, or None when it is not in the list.

        >>> lx = lexicon()
        >>> lx.cost("教育") < lx.cost("教") + lx.cost("育"), lx.cost("育改")
        (True, None)
        """
        n = len(word)
        if not 0 < n <= MAX_WORD:
            return None
        table = self.words[n - 1]
        lo, hi = 0, len(table) // n
        while lo < hi:
            mid = (lo + hi) // 2
            probe = table[mid * n : mid * n + n]
            if probe < word:
                lo = mid + 1
            elif probe > word:
                hi = mid
            else:
                return (ord(self.costs[n - 1][mid]) - 48) / 2
        return None


@functools.cache
def lexicon() -> Lexicon:
    """The word list, read once per process."""
    fields: dict[str, str] = {}
    for line in DATA.read_text(encoding="utf-8").split("\n"):
        if line and not line.startswith("#"):
            key, _, value = line.partition("\t")
            fields[key] = value
    return Lexicon(
        words=tuple(fields[f"w{n}"] for n in range(1, MAX_WORD + 1)),
        costs=tuple(fields[f"c{n}"] for n in range(1, MAX_WORD + 1)),
        function_words=frozenset(fields["function"].split()),
        particles=frozenset(fields["particle"].split()),
        unknown=int(fields["unknown"]) / 2,
    )


def _cjk_suffix(text: str, limit: int) -> str:
    out: list[str] = []
    for ch in reversed(text.rstrip()):
        if len(out) >= limit or not is_cjk(ch):
            break
        out.append(ch)
    return "".join(reversed(out))


def _cjk_prefix(text: str, limit: int) -> str:
    out: list[str] = []
    for ch in text.lstrip():
        if len(out) >= limit or not is_cjk(ch):
            break
        out.append(ch)
    return "".join(out)


@functools.lru_cache(maxsize=1 << 16)
def _cost(word: str) -> float | None:
    # the same few thousand words come up again and again (the characters around every break)
    return lexicon().cost(word)


def _segment(text: str, cut: int = -1) -> tuple[float, list[int]]:
    """The cheapest segmentation of ``text`` (its cost, and each word's end); no word crosses ``cut``."""
    unknown = lexicon().unknown
    n = len(text)
    best = [0.0] + [float("inf")] * n
    back = [0] * (n + 1)
    for end in range(1, n + 1):
        for size in range(1, min(MAX_WORD, end) + 1):
            start = end - size
            if start < cut < end:
                continue
            c = _cost(text[start:end])
            if c is None:
                if size > 1:
                    continue
                c = unknown
            if best[start] + c < best[end]:
                best[end] = best[start] + c
                back[end] = size
    ends: list[int] = []
    end = n
    while end > 0:
        ends.append(end)
        end -= back[end]
    return best[n], ends[::-1]


@functools.lru_cache(maxsize=4096)
def _gain(left: str, right: str) -> float:
    # most breaks have no dictionary word across them at all: six lookups, no segmentation
    if not any(
        _cost(left[-i:] + right[:j]) is not None
        for i in range(1, min(len(left), MAX_WORD - 1) + 1)
        for j in range(1, min(len(right), MAX_WORD - i) + 1)
    ):
        return 0.0
    text = left + right
    free, _ = _segment(text)
    forced, _ = _segment(text, len(left))
    return forced - free


def straddle_gain(prev: str, nxt: str) -> float:
    """How much likelier (nats) the CJK text across a break reads with a word crossing it.

    0 when the best reading has a word boundary at the break, or either side of the
    break is not CJK.

    >>> straddle_gain("制定和实施国家中长期教", "育改革和发展规划纲要。") > 8
    True
    >>> straddle_gain("加强政风建设", "进一步转变政府职能。"), straddle_gain("高新", "Park")
    (0.0, 0.0)
    """
    left = _cjk_suffix(prev, WINDOW)
    right = _cjk_prefix(nxt, WINDOW)
    if not left or not right:
        return 0.0
    return max(0.0, _gain(left, right))


def segment(text: str) -> list[str]:
    """``text`` cut into its cheapest sequence of dictionary words (unknown characters alone).

    >>> segment("制定国家中长期教育规划")
    ['制定', '国家', '中长期', '教育', '规划']
    """
    if not text:
        return []
    _, ends = _segment(text)
    return [text[s:e] for s, e in zip([0, *ends[:-1]], ends, strict=True)]


def last_word(text: str) -> str:
    """The last word of ``text`` in its cheapest segmentation ("" when it does not end on CJK).

    >>> last_word("通过平等对话与磋商，逐步"), last_word("the end")
    ('逐步', '')
    """
    tail = _cjk_suffix(text, 2 * WINDOW)
    if not tail:
        return ""
    _, ends = _segment(tail)
    return tail[ends[-2] if len(ends) > 1 else 0 :]


def first_word(text: str) -> str:
    """The first word of ``text`` in its cheapest segmentation ("" when it does not start on CJK).

    >>> first_word("和政策。"), first_word("和平发展")
    ('和', '和平')
    """
    head = _cjk_prefix(text, 2 * WINDOW)
    if not head:
        return ""
    _, ends = _segment(head)
    return head[: ends[0]]


def starts_on_particle(text: str) -> bool:
    """Whether ``text`` begins with a particle as a word of its own (no sentence does).

    >>> starts_on_particle("等领域的交往与合作。"), starts_on_particle("等待时机。")
    (True, False)
    """
    word = first_word(text)
    return bool(word) and word in lexicon().particles


def ends_on_function_word(text: str) -> bool:
    """Whether ``text`` ends on a preposition, conjunction or particle (no heading does).

    >>> ends_on_function_word("实施积极的财政政策，按照"), ends_on_function_word("推进经济结构调整")
    (True, False)
    """
    word = last_word(text)
    return bool(word) and word in lexicon().function_words
