"""Source paragraphs for generated test documents: real Chinese and English prose.

Chinese comes from the government work reports in ../shared/corpus (beside the
repository in CI); English from CPython's own documentation topics
(``pydoc_data.topics``), which every Python installation ships.  Paragraphs that
already repeat in the source are dropped so generated documents start free of
duplicates.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

SHARED = Path(__file__).resolve().parents[1].parent / "shared"


@cache
def chinese_paragraphs(min_len: int = 40) -> tuple[str, ...]:
    folder = SHARED / "corpus" / "zh-gov-reports"
    if not folder.is_dir():
        import pytest

        # CI clones the repository with ../shared beside it; a bare checkout skips, not fails
        pytest.skip(f"{folder} not found (the shared corpus beside the repository)", allow_module_level=True)
    paras: list[str] = []
    for path in sorted(folder.glob("*.txt")):
        for block in re.split(r"\n\s*\n", path.read_text(encoding="utf-8")):
            text = block.strip().replace("\u3000", "")
            if len(text) >= min_len and "\n" not in text:
                paras.append(text)
    return _unique(paras)


@cache
def english_paragraphs(min_len: int = 120) -> tuple[str, ...]:
    from pydoc_data.topics import topics

    paras: list[str] = []
    for body in topics.values():
        for block in re.split(r"\n\s*\n", body):
            if block.startswith((" ", "*", "-", ">")) or len(block) < min_len:
                continue
            text = " ".join(block.split())
            if text[-1:] in ".:" and text[:1].isupper():
                paras.append(text)
    return _unique(paras)


def _unique(paras: list[str]) -> tuple[str, ...]:
    """Drop paragraphs that share a long prefix or suffix with another (the source's own repeats)."""
    from dedup.normalize import normalize

    seen_head: set[str] = set()
    seen_tail: set[str] = set()
    out = []
    for p in paras:
        n = normalize(p).text
        head, tail = n[:30], n[-30:]
        if head in seen_head or tail in seen_tail:
            continue
        seen_head.add(head)
        seen_tail.add(tail)
        out.append(p)
    return tuple(out)
