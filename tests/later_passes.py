"""The incremental loop of ``clean`` run by hand, for the differential tests.

Each later pass is checked twice, told where the text changed and over the whole text, and
the loop goes on with the whole-text findings (the reference), so a test compares the two
runs of every pass on the text the reference loop would have reached.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from dedup.config import Config
from dedup.engine import changed_places, check_document
from dedup.fixer import apply_fixes
from dedup.model import Document, Finding


@dataclass
class LaterPass:
    """One later pass: the told run's findings, the whole-text run's, and the clean's memo."""

    doc: Document
    told: list[Finding]
    full: list[Finding]
    memo: dict[str, Any]


def later_passes(text: str, config: Config) -> Iterator[LaterPass]:
    """Every later pass of ``clean`` on ``text``, on a document derived as clean derives it."""
    memo: dict[str, Any] = {}
    doc = Document(text)
    step = apply_fixes(text, check_document(doc, config, memo=memo).findings)
    current = step.text
    for _ in range(config.max_passes - 1):
        if not step.applied or current == text:
            return
        dirty = changed_places(step, doc.block_starts)
        doc = doc.edited(current, sorted((e for f in step.applied if f.fix for e in f.fix.edits),
                                         key=lambda e: (e.start, e.end)))
        told = check_document(doc, config, fixable_only=True, dirty=dirty, memo=memo).findings
        full = check_document(Document(current), config, fixable_only=True).findings
        yield LaterPass(doc, told, full, memo)
        step = apply_fixes(current, full)
        if step.text == current:
            return
        current = step.text
