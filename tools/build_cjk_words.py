"""Build ``dedup/data/cjk_words.txt``, the CJK word list LAY001/LAY002 weigh breaks with.

Source: the dictionary of jieba 0.42.1 (``jieba/dict.txt``, MIT licence, Copyright (c)
2013 Sun Junyi), a general Chinese word list with a frequency and a part-of-speech tag
per word.  jieba is needed only here, at build time (``pip install -e '.[dev]'``); the
package reads the derived file, lazily, and never imports jieba.

What is kept:

* words of 1-4 CJK characters seen at least ``MIN_FREQ`` times, each with its cost
  ``-ln(freq / total)`` in half-nats (one character, ``chr(48 + cost)``): enough to tell
  whether a break falls inside a word (a unigram segmentation of a few characters either
  side of it);
* the function words a heading does not end with (prepositions, conjunctions,
  particles: tags ``p``, ``c``, ``u*``), seen at least ``MIN_FREQ_FUNCTION`` times;
* of those, the particles (``u*``): no sentence begins with one.

Words of one length are stored sorted and concatenated on one line, their costs on the
next, so loading is one read and a few splits (no dictionary of 50 000 entries to build):
a lookup is a binary search over fixed-width slices.

Usage: ``python tools/build_cjk_words.py [--check]`` (``--check`` compares instead of writing).
"""

from __future__ import annotations

import argparse
import math
import sys
from pathlib import Path

#: words rarer than this add size, not evidence (recall on cuts changes by under 1% from 5 to 100)
MIN_FREQ = 50
MIN_FREQ_FUNCTION = 50
MAX_LEN = 4
FUNCTION_TAGS = ("p", "c", "u")
OUT = Path(__file__).resolve().parents[1] / "dedup" / "data" / "cjk_words.txt"


def _is_cjk_word(word: str) -> bool:
    return all("\u4e00" <= ch <= "\u9fff" or "\u3400" <= ch <= "\u4dbf" for ch in word)


def build() -> str:
    """The text of the data file, from the installed jieba's dictionary."""
    import jieba  # build-time only

    source = Path(jieba.__file__).with_name("dict.txt")
    entries: list[tuple[str, int, str]] = []
    for line in source.read_text(encoding="utf-8").splitlines():
        parts = line.split()
        if len(parts) >= 2:
            entries.append((parts[0], int(parts[1]), parts[2] if len(parts) > 2 else ""))
    total = sum(freq for _, freq, _ in entries)
    by_len: dict[int, dict[str, int]] = {n: {} for n in range(1, MAX_LEN + 1)}
    function: set[str] = set()
    particles: set[str] = set()
    for word, freq, tag in entries:
        if not _is_cjk_word(word) or len(word) > MAX_LEN:
            continue
        if freq >= MIN_FREQ:
            cost = round(-2 * math.log(freq / total))
            # one word may be listed twice (traditional and simplified forms agree): keep the commoner
            by_len[len(word)][word] = min(cost, by_len[len(word)].get(word, cost))
        if freq >= MIN_FREQ_FUNCTION and tag.startswith(FUNCTION_TAGS):
            function.add(word)
            if tag.startswith("u"):
                particles.add(word)
    lines = [
        f"# CJK words of 1-{MAX_LEN} characters (frequency >= {MIN_FREQ}) with their cost -ln(freq/total) "
        "in half-nats as chr(48 + cost), function words (tags p, c, u) and particles (u); derived from jieba "
        f"{jieba.__version__} dict.txt (MIT licence, Copyright (c) 2013 Sun Junyi) by "
        "tools/build_cjk_words.py: do not edit",
        f"unknown\t{round(-2 * math.log(1 / total))}",
    ]
    for n, table in by_len.items():
        words = sorted(table)
        lines.append(f"w{n}\t{''.join(words)}")
        lines.append(f"c{n}\t{''.join(chr(48 + table[w]) for w in words)}")
    lines.append("function\t" + " ".join(sorted(function)))
    lines.append("particle\t" + " ".join(sorted(particles)))
    return "\n".join(lines) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="fail if the committed file differs")
    args = parser.parse_args()
    text = build()
    if args.check:
        same = OUT.read_text(encoding="utf-8") == text
        print("up to date" if same else f"{OUT} differs from what jieba's dictionary gives")
        return 0 if same else 1
    OUT.write_text(text, encoding="utf-8")
    print(f"wrote {OUT} ({len(text.encode())} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
