"""Real prose and generated documents with injected in-sentence repeats (REP001–REP003).

Clean prose for false-alarm measurements:

* Chinese: the government work reports in ``../shared/corpus/zh-gov-reports`` (beside the
  repository, as in CI), every block that contains Chinese text (the web source's
  metadata lines such as ``Public domain`` are dropped);
* English: the prose blocks of CPython's own documentation topics
  (``pydoc_data.topics``, shipped with every Python), hard-wrapped lines kept; indented
  code, grammar productions and tables are dropped.

Injected faults, each recorded with the span of the inserted text in the document:

* ``items``: a run of one to three list items (4+ CJK characters) repeated after a separator;
* ``inline``: a CJK phrase of 5–10 characters doubled with nothing between the copies;
* ``word``: an item-final CJK word of 2–4 characters doubled in place;
* ``near``: like ``items`` but the copy has one character replaced (an OCR error);
* ``en-phrase``: 2–6 English words (6+ letters) repeated after a space;
* ``en-word``: an English word doubled, half the time across a line break;
* ``en-near``: 3–6 words repeated with one letter of a 4+ letter word changed.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
ZH_DIR = SHARED / "corpus" / "zh-gov-reports"

_CJK = re.compile(r"[\u4e00-\u9fff]")
_ITEM_RE = re.compile(r"[\u4e00-\u9fff]+")
_NO_SUB = set("零〇一二三四五六七八九十百千万亿两几每第半")


@cache
def chinese_prose() -> str:
    """The Chinese corpus as one text (blocks with Chinese in them, blank-line separated)."""
    blocks: list[str] = []
    for path in sorted(ZH_DIR.glob("*.txt")):
        for block in re.split(r"\n\s*\n", path.read_text(encoding="utf-8")):
            if _CJK.search(block):
                blocks.append(block.strip("\n"))
    return "\n\n".join(blocks)


@cache
def english_prose() -> str:
    """Prose blocks of ``pydoc_data.topics`` as one text (line breaks kept)."""
    from pydoc_data.topics import topics

    blocks: list[str] = []
    for body in topics.values():
        for block in re.split(r"\n\s*\n", body):
            stripped = block.strip()
            if not stripped or ">>>" in block or "::=" in block or "|" in block:
                continue
            lines = block.splitlines()
            indents = {len(line) - len(line.lstrip()) for line in lines}
            if min(indents) > 3:  # code and examples are indented deeper than list items
                continue
            prose = sum(ch.isalpha() or ch == " " for ch in stripped)
            if prose < 0.85 * len(stripped) or len(stripped.split()) < 4:
                continue
            blocks.append(block.rstrip())
    return "\n\n".join(blocks)


@dataclass(frozen=True)
class Injected:
    """One generated document: the text, the inserted span, what kind, and the source text."""

    text: str
    start: int
    end: int
    kind: str
    original: str
    exact: bool


def chinese_paragraphs() -> list[str]:
    return [b for b in chinese_prose().split("\n\n") if len(b) >= 60 and "\n" not in b.strip()]


def english_paragraphs() -> list[str]:
    return [b for b in english_prose().split("\n\n") if len(b.split()) >= 12]


def _insert(text: str, pos: int, piece: str, kind: str, exact: bool) -> Injected:
    return Injected(text[:pos] + piece + text[pos:], pos, pos + len(piece), kind, text, exact)


def _item_runs(para: str) -> list[tuple[int, int]]:
    """(start, end) of runs of 1–3 items separated by 、 or ，, each ending before a separator."""
    items = [(m.start(), m.end()) for m in re.finditer(r"[^、，。；：！？\s（）“”《》]+", para)]
    runs = []
    for j, (s, e) in enumerate(items):
        if e >= len(para) or para[e] not in "、，":
            continue
        if s > 0 and para[s - 1] not in "、，。；：":
            continue
        for k in (1, 2, 3):
            if j - k + 1 < 0:
                break
            rs = items[j - k + 1][0]
            seps = [para[items[x][1]] for x in range(j - k + 1, j)]
            if any(sep not in "、，" for sep in seps):
                break
            piece = para[rs:e]
            if 4 <= len(_CJK.findall(piece)) <= 40 and not re.search(r"\d", piece):
                runs.append((rs, e))
    return runs


def inject_chinese(para: str, kind: str, rng: random.Random, alphabet: str) -> Injected | None:
    """``para`` with one fault of ``kind`` injected, or None when it offers no place for one."""
    if kind in ("items", "near"):
        runs = _item_runs(para)
        if not runs:
            return None
        s, e = rng.choice(runs)
        copy = para[s:e]
        sep = para[e]
        if kind == "near":
            positions = [i for i, ch in enumerate(copy) if _CJK.match(ch) and ch not in _NO_SUB]
            if len(_CJK.findall(copy)) < 6 or not positions:
                return None
            i = rng.choice(positions)
            new = rng.choice(alphabet)
            while new == copy[i]:
                new = rng.choice(alphabet)
            copy = copy[:i] + new + copy[i + 1 :]
        return _insert(para, e, sep + copy, kind, kind == "items")
    if kind == "inline":
        runs = [m for m in _ITEM_RE.finditer(para) if m.end() - m.start() >= 6]
        if not runs:
            return None
        m = rng.choice(runs)
        length = rng.randint(5, min(10, m.end() - m.start()))
        s = rng.randint(m.start(), m.end() - length)
        return _insert(para, s + length, para[s : s + length], kind, True)
    if kind == "word":
        ends = [m for m in _ITEM_RE.finditer(para) if m.end() - m.start() >= 4 and m.end() < len(para)]
        if not ends:
            return None
        m = rng.choice(ends)
        length = rng.randint(2, 4)
        word = para[m.end() - length : m.end()]
        if any(ch in _NO_SUB for ch in word) or len(set(word)) == 1:
            return None
        return _insert(para, m.end(), word, kind, True)
    raise ValueError(kind)


_EN_WORD = re.compile(r"[A-Za-z]+")


def inject_english(para: str, kind: str, rng: random.Random) -> Injected | None:
    words = [m for m in re.finditer(r"\S+", para)]
    plain = [j for j, m in enumerate(words) if _EN_WORD.fullmatch(m.group())]
    if kind == "en-word":
        candidates = [j for j in plain if len(words[j].group()) >= 2]
        if not candidates:
            return None
        j = rng.choice(candidates)
        m = words[j]
        sep = "\n" if rng.random() < 0.5 else " "
        return _insert(para, m.end(), sep + m.group(), kind, True)
    size = rng.randint(3 if kind == "en-near" else 2, 6)
    starts = [
        j
        for j in range(len(words) - size + 1)
        if all(x in plain for x in range(j, j + size))
        and sum(len(words[x].group()) for x in range(j, j + size)) >= 8
    ]
    if not starts:
        return None
    j = rng.choice(starts)
    s, e = words[j].start(), words[j + size - 1].end()
    copy = " ".join(w.group() for w in words[j : j + size])
    if kind == "en-near":
        long_words = [w for w in copy.split() if len(w) >= 4]
        if not long_words:
            return None
        target = rng.choice(long_words)
        i = rng.randrange(len(target))
        letter = rng.choice([c for c in "abcdefghijklmnopqrstuvwxyz" if c != target[i].lower()])
        changed = target[:i] + letter + target[i + 1 :]
        copy = re.sub(rf"\b{re.escape(target)}\b", changed, copy, count=1)
    del s
    return _insert(para, e, " " + copy, kind, kind == "en-phrase")


def generate(kinds: tuple[str, ...], per_kind: int, seed: int = 7) -> list[Injected]:
    """``per_kind`` documents (one paragraph with one fault) for each kind, reproducibly."""
    rng = random.Random(seed)
    zh = chinese_paragraphs()
    en = english_paragraphs()
    alphabet = "".join(sorted(set(_CJK.findall("".join(zh[:200]))) - _NO_SUB))
    out: list[Injected] = []
    for kind in kinds:
        made = 0
        attempts = 0
        while made < per_kind and attempts < per_kind * 50:
            attempts += 1
            if kind.startswith("en-"):
                doc = inject_english(rng.choice(en), kind, rng)
            else:
                doc = inject_chinese(rng.choice(zh), kind, rng, alphabet)
            if doc is not None:
                out.append(doc)
                made += 1
    return out


def big_chinese_document(size_bytes: int, seed: int = 11, fault_every: int = 20) -> str:
    """A Chinese document of about ``size_bytes`` UTF-8 bytes: corpus paragraphs, one in
    ``fault_every`` carrying an injected repeat, plus some paragraphs joined into very long ones."""
    rng = random.Random(seed)
    zh = chinese_paragraphs()
    alphabet = "".join(sorted(set(_CJK.findall("".join(zh[:200]))) - _NO_SUB))
    parts: list[str] = []
    total = 0
    kinds = ("items", "inline", "word", "near")
    while total < size_bytes:
        para = rng.choice(zh)
        if rng.random() < 0.05:
            # a very long paragraph (a scan without paragraph breaks)
            para = "".join(rng.choice(zh) for _ in range(rng.randint(20, 200)))
        if rng.randrange(fault_every) == 0:
            doc = inject_chinese(para, rng.choice(kinds), rng, alphabet)
            if doc is not None:
                para = doc.text
        parts.append(para)
        total += len(para.encode("utf-8")) + 2
    return "\n\n".join(parts)
