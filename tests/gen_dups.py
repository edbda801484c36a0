"""Generated documents with injected duplicate paragraphs and sections (ground truth kept)."""

from __future__ import annotations

import random
from dataclasses import dataclass, field

# OCR confusions: visually close characters, for "a few OCR character errors"
_ZH_CONFUSIONS = "己已巳未末土士日曰人入八大太天夫干千于"
_EN_CONFUSIONS = {"l": "1", "o": "0", "e": "c", "rn": "m", "i": "l", "a": "o", "h": "b"}


@dataclass
class Injected:
    kind: str  # "exact", "near", "truncated", "section"
    copy: tuple[int, int]  # span of the injected copy in the generated text
    twin: tuple[int, int]  # span of the original it copies


@dataclass
class GeneratedDoc:
    text: str
    injected: list[Injected] = field(default_factory=list)


def ocr_noise(text: str, rng: random.Random, errors: int, latin: bool) -> str:
    chars = list(text)
    for _ in range(errors):
        i = rng.randrange(len(chars))
        if latin:
            chars[i] = _EN_CONFUSIONS.get(chars[i], chars[i].swapcase() if chars[i].isalpha() else chars[i])
        elif "\u4e00" <= chars[i] <= "\u9fff":
            chars[i] = rng.choice(_ZH_CONFUSIONS)
    return "".join(chars)


def truncate(text: str, rng: random.Random, latin: bool) -> str:
    cut = rng.randint(int(len(text) * 0.5), int(len(text) * 0.85))
    if latin:
        cut = text.rfind(" ", 0, cut)
        return text[:cut]
    out = text[:cut]
    # a column cut stops mid-sentence: never on punctuation
    while out and not ("\u4e00" <= out[-1] <= "\u9fff"):
        out = out[:-1]
    return out


def make_document(paragraphs: list[str], rng: random.Random, *, latin: bool, faults: int = 3) -> GeneratedDoc:
    """Blank-line separated paragraphs with ``faults`` injected duplicates of random kinds.

    A copy is always inserted after its original, so the original stays where it
    was; ground-truth spans are computed on the final text.
    """
    # (text, origin paragraph index, copy group or -1 for an original, kind)
    blocks: list[tuple[str, int, int, str]] = [(p, i, -1, "") for i, p in enumerate(paragraphs)]
    for group in range(faults):
        kind = rng.choice(["exact", "near", "truncated", "section"])
        length = rng.randint(2, 3) if kind == "section" else 1
        src = rng.randrange(0, max(1, len(blocks) - length))
        if any(b[2] != -1 for b in blocks[src : src + length]) or src + length > len(blocks):
            continue
        dest = rng.randrange(src + length, len(blocks) + 1)
        copies = []
        for text, origin, _, _ in blocks[src : src + length]:
            if kind == "near":
                text = ocr_noise(text, rng, rng.randint(1, 3), latin)
            elif kind == "truncated":
                text = truncate(text, rng, latin)
            copies.append((text, origin, group, kind))
        blocks[dest:dest] = copies
    return _assemble(blocks)


def _assemble(blocks: list[tuple[str, int, int, str]]) -> GeneratedDoc:
    offsets: list[tuple[int, int]] = []
    pos = 0
    for text, *_ in blocks:
        offsets.append((pos, pos + len(text)))
        pos += len(text) + 2
    doc = GeneratedDoc("\n\n".join(b[0] for b in blocks))
    where = {origin: i for i, (_, origin, group, _) in enumerate(blocks) if group == -1}
    groups: dict[int, list[int]] = {}
    for i, (_, _, group, _) in enumerate(blocks):
        if group != -1:
            groups.setdefault(group, []).append(i)
    for members in groups.values():
        first, last = members[0], members[-1]
        twin_first, twin_last = where[blocks[first][1]], where[blocks[last][1]]
        doc.injected.append(
            Injected(
                blocks[first][3], (offsets[first][0], offsets[last][1]), (offsets[twin_first][0], offsets[twin_last][1])
            )
        )
    return doc
