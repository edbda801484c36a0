"""Plain generators of documents with injected OCR and layout faults (no hypothesis needed).

Used by the property tests (through tests/strategies.py), the fuzzing seeds and
the benchmarks.  Everything is driven by a ``random.Random`` so a seed
reproduces a document exactly.  The vocabulary is generic: no string of the
example page.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

__all__ = [
    "FAULTS",
    "GeneratedDoc",
    "big_document",
    "chinese_paragraph",
    "english_paragraph",
    "make_document",
    "ocr_noise",
]

# Common characters, grouped into two-character words at random: plausible-looking Chinese prose.
_HAN = (
    "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说产种面"
    "而方后多定行学法所民得经十三之进着等部度家电力里如水化高自二理起小物现实加量都两体制机当使点从业本去把性"
    "好应开它合还因由其些然前外天政四日那社义事平形相全表间样与关各重新线内数正心反你明看原又么利比或但质气第"
    "向道命此变条只没结解问意建月公无系军很情者最立代想已通并提直题党程展五果料象员革位入常文总次品式活设及管"
    "特件长求老头基资边流路级少图山统接知较将组见计别她手角期根论运农指几九区强放决西被干做必战先回则任取据处"
    "队南给色光门即保治北造百规热领七海口东导器压志世金增争济阶油思术极交受联什认六共权收证改清己美再采转更单"
    "风切打白教速花带安场身车例真务具万每目至达走积示议声报斗完类八离华名确才科张信马节话米整空元况今集温传土"
    "许步群广石记需段研界拉林律叫且究观越织装影算低持音众书布复容儿须际商非验连断深难近矿千周委素技备半办青省"
)
_PUNCT_ZH = "，，，、"
_EN_TEXT = (
    "the council met on tuesday to consider a proposal for new roads and bridges in the county while the mayor "
    "said that taxes would not rise this year because the railway company agreed to pay for repairs of the old "
    "station market school hospital water supply farmers reported good harvest of wheat corn and cotton prices "
    "fell after the storm many families moved west during winter newspaper editor wrote letters about public "
    "health board members elected officers committee report annual meeting church society club"
)
_EN_WORDS = _EN_TEXT.split()

#: kinds of fault :func:`make_document` can inject
FAULTS = (
    "duplicate-paragraph",
    "near-duplicate-paragraph",
    "duplicate-section",
    "repeated-phrase",
    "stutter",
    "broken-paragraph",
    "page-marker",
    "running-header",
)


def _han_word(rng: random.Random) -> str:
    return "".join(rng.choice(_HAN) for _ in range(rng.choice((1, 2, 2, 2, 3, 4))))


def chinese_sentence(rng: random.Random, words: int | None = None) -> str:
    count = words or rng.randint(4, 14)
    parts: list[str] = []
    for i in range(count):
        parts.append(_han_word(rng))
        if i and i < count - 1 and rng.random() < 0.18:
            parts.append(rng.choice(_PUNCT_ZH))
    return "".join(parts) + rng.choice("。。。。！？；")


def chinese_paragraph(rng: random.Random, sentences: int | None = None) -> str:
    return "".join(chinese_sentence(rng) for _ in range(sentences or rng.randint(1, 6)))


def english_sentence(rng: random.Random, words: int | None = None) -> str:
    count = words or rng.randint(5, 18)
    ws = [rng.choice(_EN_WORDS) for _ in range(count)]
    ws[0] = ws[0].capitalize()
    return " ".join(ws) + rng.choice("...!?")


def english_paragraph(rng: random.Random, sentences: int | None = None) -> str:
    return " ".join(english_sentence(rng) for _ in range(sentences or rng.randint(1, 5)))


def paragraph(rng: random.Random, lang: str) -> str:
    if lang == "zh":
        return chinese_paragraph(rng)
    if lang == "en":
        return english_paragraph(rng)
    return chinese_paragraph(rng) if rng.random() < 0.5 else english_paragraph(rng)


def ocr_noise(rng: random.Random, text: str, rate: float = 0.02) -> str:
    """Substitute a few characters, as OCR does (never a line break)."""
    chars = list(text)
    for i, ch in enumerate(chars):
        if ch not in "\r\n" and rng.random() < rate:
            chars[i] = rng.choice(_HAN) if ord(ch) > 0x2E80 else rng.choice("abcdefghijklmnopqrstuvwxyz")
    return "".join(chars)


@dataclass
class GeneratedDoc:
    """A generated document and the faults injected into it (by kind)."""

    text: str
    lang: str
    faults: list[str] = field(default_factory=list)
    #: the paragraphs before any fault was injected
    paragraphs: list[str] = field(default_factory=list)


def _heading(rng: random.Random, lang: str, number: int) -> str:
    if lang == "en":
        return f"{number}. {' '.join(rng.choice(_EN_WORDS) for _ in range(3)).title()}"
    numerals = "一二三四五六七八九十"
    return f"（{numerals[(number - 1) % 10]}）{_han_word(rng)}{_han_word(rng)}{_han_word(rng)}"


def make_document(
    rng: random.Random,
    *,
    lang: str = "zh",
    paragraphs: int | None = None,
    faults: tuple[str, ...] | None = None,
    newline: str = "\n",
) -> GeneratedDoc:
    """A document of ``paragraphs`` blocks with ``faults`` injected (random ones when None).

    ``lang`` is ``zh``, ``en`` or ``mixed``.  Blocks are separated by one blank line.
    """
    count = paragraphs if paragraphs is not None else rng.randint(3, 14)
    blocks: list[str] = []
    number = 1
    for i in range(count):
        if i and rng.random() < 0.15:
            blocks.append(_heading(rng, lang, number))
            number += 1
        blocks.append(paragraph(rng, lang))
    originals = list(blocks)
    chosen = list(faults) if faults is not None else rng.sample(FAULTS, rng.randint(0, 4))
    injected: list[str] = []
    for fault in chosen:
        if not blocks:
            break
        if fault == "duplicate-paragraph":
            src = rng.randrange(len(blocks))
            blocks.insert(rng.randint(src + 1, len(blocks)), blocks[src])
        elif fault == "near-duplicate-paragraph":
            src = rng.randrange(len(blocks))
            blocks.insert(rng.randint(src + 1, len(blocks)), ocr_noise(rng, blocks[src], 0.03))
        elif fault == "duplicate-section":
            start = rng.randrange(len(blocks))
            section = blocks[start : start + rng.randint(2, 4)]
            at = rng.randint(start + len(section), len(blocks))
            blocks[at:at] = section
        elif fault in ("repeated-phrase", "stutter"):
            i = rng.randrange(len(blocks))
            words = blocks[i].split(" ") if lang == "en" else None
            if words and len(words) > 3:
                k = rng.randrange(len(words))
                size = 1 if fault == "stutter" else rng.randint(2, 3)
                words[k:k] = words[k : k + size]
                blocks[i] = " ".join(words)
            else:
                b = blocks[i]
                k = rng.randrange(max(1, len(b) - 4))
                size = 2 if fault == "stutter" else rng.randint(4, 8)
                piece = b[k : k + size]
                blocks[i] = b[: k + len(piece)] + ("、" + piece if fault == "repeated-phrase" else piece) + b[
                    k + len(piece) :]
        elif fault == "broken-paragraph":
            i = rng.randrange(len(blocks))
            b = blocks[i]
            if len(b) > 8:
                cut = rng.randint(3, len(b) - 3)
                blocks[i : i + 1] = [b[:cut].rstrip(), b[cut:].lstrip()]
        elif fault == "page-marker":
            marker = f"【紧接第{rng.randint(1, 9)}版】" if lang != "en" else f"Continued on Page {rng.randint(2, 9)}"
            blocks.insert(rng.randint(0, len(blocks)), marker)
        elif fault == "running-header":
            header = _han_word(rng) + _han_word(rng) if lang != "en" else rng.choice(_EN_WORDS).upper() + " NEWS"
            for _ in range(rng.randint(1, 3)):
                blocks.insert(rng.randint(1, len(blocks)), header)
        injected.append(fault)
    sep = newline + newline
    return GeneratedDoc(sep.join(blocks) + newline, lang, injected, originals)


def big_document(target_chars: int, seed: int = 0, lang: str = "zh", duplicate_rate: float = 0.05) -> str:
    """A long document of about ``target_chars`` characters with duplicated paragraphs sprinkled in.

    Built from a pool of generated paragraphs so that 100 MB takes seconds, not minutes;
    pool paragraphs carry a running number so that only the injected copies repeat.
    """
    rng = random.Random(seed)
    # the pool grows with the document (from 1.6 M characters on), so that each pool paragraph
    # recurs as often in 100 MB as in 10 MB: a fixed pool would make a longer document ever more
    # self-similar (every half-paragraph in ~100 blocks at 100 MB), which no real text is
    pool = [paragraph(rng, lang) for _ in range(max(4000, target_chars // 400))]
    out: list[str] = []
    size = 0
    emitted: list[int] = []
    k = 0
    while size < target_chars:
        if emitted and rng.random() < duplicate_rate:
            para = out[rng.choice(emitted[-200:])]
        else:
            a, b = rng.randrange(len(pool)), rng.randrange(len(pool))
            para = f"{pool[a]}{k}{pool[b]}" if lang != "en" else f"{pool[a]} {k} {pool[b]}"
            emitted.append(len(out))
            k += 1
        out.append(para)
        size += len(para) + 2
    return "\n\n".join(out) + "\n"
