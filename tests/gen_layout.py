"""Generated documents with injected layout faults (LAY001-LAY007), with the truth of each.

A document is a headline plus real paragraphs (Chinese from the government work
reports beside the repository, English from CPython's documentation topics, see
``tests/corpora.py``).  Faults are injected into chosen paragraphs, each recorded
with its kind, the span where a finding must be reported, and the action expected
(``remove``, ``join``, ``flag``, ``move``).  ``clean`` is the text a perfect tool
gives back: the original document (for ``flag`` faults, with the flagged text in
place).

Faults:

* ``broken-paragraph``: a paragraph cut mid-sentence by a blank line (CJK between
  two characters; English before a lowercase word, or inside a word with a hyphen);
* ``page-marker``: ``【紧接第3版】`` / ``(From page 3)`` opening a paragraph, or
  ``（下转第4版）`` / ``(Continued on page 4)`` closing one, some with OCR noise;
* ``running-header``: a masthead line with a page number between the halves of a
  cut paragraph, or a title repeated as a block three times;
* ``boundary-overlap``: the last sentence of a paragraph repeated at the start of the next;
* ``tile-overlap``: a strip of a paragraph read twice across a blank line (a column
  break): the end of one block again at the start of the next (found as ``boundary-overlap``);
* ``splice``: a foreign paragraph between the halves of a cut paragraph: English cut
  before a lowercase word (the foreign one starts with a capital), Chinese cut inside a
  word (``教|育``; the clean text keeps the foreign paragraph after the joined one);
* ``scan-overlap``: a strip of 30-60 characters (English 70-120) of a paragraph
  read twice across a line break inside the block (optionally with one misread character);
* ``orphan-fragment``: a sentence tail (``上。``, ``ment.``) left beside page furniture;
* ``splice-duplicate`` (not in ``KINDS``: DUP003 removes it, the LAY rules do not): the
  tail of a neighbouring paragraph, cut mid-sentence by a column end, read again between
  the halves of this paragraph's cut sentence (recorded as a ``splice`` to ``remove``).
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass, field

from tests.corpora import chinese_paragraphs, english_paragraphs

KINDS = (
    "broken-paragraph",
    "page-marker",
    "running-header",
    "boundary-overlap",
    "tile-overlap",
    "splice",
    "scan-overlap",
    "orphan-fragment",
)

#: not in KINDS (LAY rules alone do not remove it): a duplicated splice, DUP003's
DUPLICATE_SPLICE = "splice-duplicate"

_CJK = re.compile(r"[\u4e00-\u9fff]")
_MARKERS_ZH_OPEN = ("【紧接第{n}版】", "（上接第{n}版）", "【紧接笫{n}版】")
_MARKERS_ZH_CLOSE = ("（下转第{n}版）", "（转第{n}版）")
_MARKERS_EN_OPEN = ("(From page {n})", "(Continued from page {n})")
_MARKERS_EN_CLOSE = ("(Continued on page {n})", "Contlnued on page {n}")
_MASTHEADS_ZH = ("东海晚报 第{n}版", "滨江日报 2016年5月{n}日", "第{n}版 综合")
_MASTHEADS_EN = ("MORNING LEDGER Page {n}", "Page {n}", "Monday, October {n}, 2015")
_TITLES_ZH = ("政府工作报告", "经济观察", "要闻")
_TITLES_EN = ("THE DAILY NEWS", "Annual Report", "City Edition")


@dataclass
class Fault:
    """An injected fault: where a finding must overlap, and what ``clean`` must do."""

    kind: str
    span: tuple[int, int]
    action: str


@dataclass
class LayoutDoc:
    """A generated document, its faults, and the text a perfect clean gives back."""

    lang: str
    text: str
    clean: str
    faults: list[Fault] = field(default_factory=list)
    #: texts ``clean`` may give instead of ``clean`` (which copy of a noisy strip survives)
    alternatives: tuple[str, ...] = ()


class _Builder:
    """Appends pieces, tracking offsets in the faulty text."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.clean: list[str] = []
        self.alt: list[str] = []
        self.faults: list[Fault] = []
        self.pos = 0

    def add(self, text: str, clean: str | None = None, alt: str | None = None) -> tuple[int, int]:
        start = self.pos
        self.parts.append(text)
        self.clean.append(text if clean is None else clean)
        self.alt.append((text if clean is None else clean) if alt is None else alt)
        self.pos += len(text)
        return start, self.pos

    def fault(self, kind: str, span: tuple[int, int], action: str) -> None:
        self.faults.append(Fault(kind, span, action))


def _cjk_cut(rng: random.Random, para: str) -> int | None:
    spots = [
        i for i in range(8, len(para) - 8) if _CJK.match(para[i - 1]) and _CJK.match(para[i])
    ]
    return rng.choice(spots) if spots else None


def _cjk_word_cut(rng: random.Random, para: str) -> int | None:
    """A point inside a word of two or more CJK characters (``教|育``), as a dictionary segments it.

    The Chinese counterpart of :func:`_en_cut`'s lowercase continuation: the evidence a reader
    has that the later block continues the cut.  A cut between two words is ambiguous without
    syntax (``……中央财政`` | ``安排……`` reads like a headline and its body).
    """
    from dedup.rules._cjk_words import segment

    spots: list[int] = []
    pos = 0
    for word in segment(para):
        if len(word) > 1 and all(_CJK.match(ch) for ch in word):
            spots.extend(i for i in range(pos + 1, pos + len(word)) if 8 <= i <= len(para) - 8)
        pos += len(word)
    return rng.choice(spots) if spots else None


def _en_cut(rng: random.Random, para: str) -> int | None:
    """A space before a lowercase word (the cut drops the space)."""
    spots = [
        m.start()
        for m in re.finditer(r"(?<=[a-z]) (?=[a-z])", para)
        if 20 < m.start() < len(para) - 20
    ]
    return rng.choice(spots) if spots else None


def _sentence_end(lang: str) -> str:
    return "。" if lang == "zh" else "."


def make_doc(
    rng: random.Random, lang: str, kinds: tuple[str, ...] | list[str], paragraphs: int = 10
) -> LayoutDoc:
    """A document of ``paragraphs`` real paragraphs with one fault of each kind in ``kinds``."""
    pool = chinese_paragraphs() if lang == "zh" else english_paragraphs()
    # a duplicated splice takes a foreign paragraph of its own (asked for only then, so documents
    # without one are drawn as before)
    chosen = rng.sample(pool, paragraphs + 2 + (DUPLICATE_SPLICE in kinds))
    paras, foreign = chosen[:paragraphs], chosen[paragraphs:]
    title = "加强行政能力建设和政风建设" if lang == "zh" else "Customizing Attribute Access"
    plan: dict[int, str] = {}
    slots = list(range(1, paragraphs - 1))
    rng.shuffle(slots)
    for kind in kinds:
        if slots:
            plan[slots.pop()] = kind
    b = _Builder()
    b.add(title)
    for i, para in enumerate(paras):
        b.add("\n\n")
        kind = plan.get(i)
        if kind is None or not _inject(rng, b, lang, kind, para, foreign, i):
            b.add(para)
    return LayoutDoc(lang, "".join(b.parts), "".join(b.clean), b.faults, ("".join(b.alt),))


def _inject(
    rng: random.Random, b: _Builder, lang: str, kind: str, para: str, foreign: list[str], index: int
) -> bool:
    zh = lang == "zh"
    page = str(rng.randint(2, 12))
    if kind == "broken-paragraph":
        return _broken(rng, b, lang, para)
    if kind == "page-marker":
        if rng.random() < 0.5:
            marker = rng.choice(_MARKERS_ZH_OPEN if zh else _MARKERS_EN_OPEN).format(n=page)
            glue = "" if zh else " "
            span = b.add(marker, clean="")
            b.add(glue, clean="")
            b.fault("page-marker", span, "remove")
            b.add(para)
        else:
            marker = rng.choice(_MARKERS_ZH_CLOSE if zh else _MARKERS_EN_CLOSE).format(n=page)
            b.add(para)
            if zh:
                span = b.add(marker, clean="")
            else:
                b.add("\n\n", clean="")
                span = b.add(marker, clean="")
            b.fault("page-marker", span, "remove")
        return True
    if kind == "running-header":
        cut = _cjk_cut(rng, para) if zh else _en_cut(rng, para)
        if cut is None:
            return False
        head, tail = (para[:cut], para[cut:]) if zh else (para[:cut], para[cut + 1 :])
        masthead = rng.choice(_MASTHEADS_ZH if zh else _MASTHEADS_EN).format(n=page)
        b.add(head)
        b.add("\n\n", clean="" if zh else " ")
        span = b.add(masthead, clean="")
        b.add("\n\n", clean="")
        b.add(tail)
        b.fault("running-header", span, "remove")
        return True
    if kind == "boundary-overlap":
        sentences = re.findall(r"[^。！？]+[。！？]" if zh else r"[^.!?]+[.!?](?:\s|$)", para)
        last = sentences[-1].strip() if sentences else ""
        minimum = 6 if zh else 20
        if len(sentences) < 2 or len(last) < minimum or len(last) > min(200, len(para) // 2):
            return False
        if not para.rstrip().endswith(last):
            return False
        nxt = foreign[0]
        if len(nxt) < 2 * len(last):
            return False
        b.add(para)
        b.add("\n\n")
        glue = "" if zh else " "
        span = b.add(last + glue, clean="")
        b.add(nxt)
        b.fault("boundary-overlap", (span[0], span[1] - len(glue)), "remove")
        return True
    if kind == "splice":
        cut = _cjk_word_cut(rng, para) if zh else _en_cut(rng, para)
        if cut is None:
            return False
        head, tail = (para[:cut], para[cut:]) if zh else (para[:cut], para[cut + 1 :])
        alien = foreign[1]
        b.add(head, clean=head + ("" if zh else " ") + tail + "\n\n" + alien)
        b.add("\n\n", clean="")
        span = b.add(alien, clean="")
        b.add("\n\n", clean="")
        b.add(tail, clean="")
        b.fault("splice", span, "move")
        return True
    if kind == DUPLICATE_SPLICE:
        # the tail of a neighbouring article read twice: once where it belongs (after the start
        # of its sentence, cut by a column end) and once spliced into this paragraph's sentence
        other = foreign[2]
        cut_other = _cjk_cut(rng, other) if zh else _en_cut(rng, other)
        cut = _cjk_cut(rng, para) if zh else _en_cut(rng, para)
        if cut is None or cut_other is None:
            return False
        skip = 0 if zh else 1
        b.add(other[:cut_other], clean=other)
        b.add("\n\n", clean="")
        b.add(other[cut_other + skip :], clean="")
        b.add("\n\n")
        b.add(para[:cut], clean=para)
        b.add("\n\n", clean="")
        span = b.add(other[cut_other + skip :], clean="")
        b.add("\n\n", clean="")
        b.add(para[cut + skip :], clean="")
        b.fault("splice", span, "remove")
        return True
    if kind in ("scan-overlap", "tile-overlap"):
        # a strip read twice: inside a hard-wrapped block (a line break between the copies,
        # LAY007) or across a column break (a blank line, the end of one block again at the
        # start of the next, LAY006)
        lo, hi = (30, 60) if zh else (70, 120)
        if len(para) < hi + 40:
            return False
        start = rng.randint(10, len(para) - hi - 20)
        end = start + rng.randint(lo, hi)
        strip = para[start:end]
        noisy = strip
        if rng.random() < 0.5:
            k = rng.randrange(5, len(strip) - 5)
            if strip[k].isalnum() or _CJK.match(strip[k]):
                noisy = strip[:k] + ("口" if zh else "x" if strip[k] != "x" else "y") + strip[k + 1 :]
        b.add(para[:start])
        first = b.add(strip, alt="")
        b.add("\n" if kind == "scan-overlap" else "\n\n", clean="", alt="")
        second = b.add(noisy, clean="", alt=noisy)
        b.add(para[end:])
        if kind == "scan-overlap":
            b.fault("scan-overlap", (first[0], second[1]), "remove")
        else:
            b.fault("boundary-overlap", second, "remove")
        return True
    if kind == "orphan-fragment":
        title = rng.choice(_TITLES_ZH if zh else _TITLES_EN)
        tail = "上。" if zh else "ment."
        b.add(para)
        for _ in range(2):
            b.add("\n\n", clean="")
            b.add(title, clean="")
        b.add("\n\n")
        span = b.add(tail)
        b.add("\n\n", clean="")
        b.add(title, clean="")
        b.fault("orphan-fragment", span, "flag")
        return True
    raise ValueError(kind)


def _broken(rng: random.Random, b: _Builder, lang: str, para: str) -> bool:
    if lang == "zh":
        cut = _cjk_cut(rng, para)
        if cut is None:
            return False
        b.add(para[:cut])
        span = b.add("\n\n", clean="")
        b.add(para[cut:])
        b.fault("broken-paragraph", span, "join")
        return True
    words = [m for m in re.finditer(r"(?<= )[a-z]{7,}(?=[ ,.])", para) if 20 < m.start() < len(para) - 20]
    if words and rng.random() < 0.4:
        m = rng.choice(words)
        k = rng.randint(3, len(m.group()) - 3)
        cut = m.start() + k
        b.add(para[:cut])
        span = b.add("-\n\n", clean="")
        b.add(para[cut:])
        b.fault("broken-paragraph", span, "join")
        return True
    cut = _en_cut(rng, para)
    if cut is None:
        return False
    b.add(para[:cut])
    span = b.add("\n\n", clean=" ")
    b.add(para[cut + 1 :])
    b.fault("broken-paragraph", span, "join")
    return True


def corpus_docs(seed: int, lang: str, count: int, kinds: tuple[str, ...] = KINDS) -> list[LayoutDoc]:
    """``count`` documents, each with one fault of every kind that applies to ``lang``."""
    rng = random.Random(seed)
    return [make_doc(rng, lang, kinds) for _ in range(count)]


@dataclass
class WrappedDoc:
    """Hard-wrapped paragraphs with column breaks (blank lines) inserted between lines."""

    lang: str
    text: str
    #: spans of the blank lines inserted inside paragraphs (column breaks)
    column_breaks: list[tuple[int, int]]
    #: spans of the blank lines between paragraphs
    paragraph_breaks: list[tuple[int, int]]


def _wrap(para: str, lang: str, width: int) -> list[str]:
    if lang == "zh":
        return [para[i : i + width] for i in range(0, len(para), width)]
    lines: list[str] = []
    line = ""
    for word in para.split():
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}" if line else word
    if line:
        lines.append(line)
    return lines


def wrapped_doc(rng: random.Random, lang: str, paragraphs: int = 8, every: int = 9) -> WrappedDoc:
    """Real paragraphs hard-wrapped like OCR output, a column break every ``every`` lines or so."""
    pool = chinese_paragraphs() if lang == "zh" else english_paragraphs()
    width = 17 if lang == "zh" else 52
    parts: list[str] = []
    columns: list[tuple[int, int]] = []
    paras: list[tuple[int, int]] = []
    pos = 0
    countdown = rng.randint(3, every)
    for k, para in enumerate(rng.sample(pool, paragraphs)):
        if k:
            paras.append((pos, pos + 2))
            parts.append("\n\n")
            pos += 2
        lines = _wrap(para, lang, width)
        for j, line in enumerate(lines):
            if j:
                countdown -= 1
                sep = "\n"
                if countdown <= 0:
                    sep = "\n\n"
                    countdown = rng.randint(3, every)
                    columns.append((pos, pos + 2))
                parts.append(sep)
                pos += len(sep)
            parts.append(line)
            pos += len(line)
    return WrappedDoc(lang, "".join(parts), columns, paras)
