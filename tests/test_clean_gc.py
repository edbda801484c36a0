"""clean freezes what its first pass made while the later passes run, and leaves the collector
as it found it (a batch over thousands of files must not leak, nor change its host's gc state)."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from typing import Any

import pytest

import dedup.engine as engine
from dedup.engine import clean_document
from dedup.model import Document

PARA = "The council met on Monday and after a long debate voted to approve the new bridge over the river."
# pass 1 fixes the stutter, which leaves an exact copy of the first paragraph for pass 2
TEXT = "\n\n".join([
    PARA,
    "Other text here about the weather and the harvest of this year.",
    PARA.replace("voted to", "voted voted to"),
    "More text follows, unrelated to the bridge.",
])


@pytest.fixture
def freeze_counts(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[int]]:
    """The collector's frozen-object count seen by every later pass."""
    seen: list[int] = []
    real = engine.check_document

    def spy(doc: Document, *args: Any, **kwargs: Any) -> Any:
        if kwargs.get("fixable_only"):
            seen.append(gc.get_freeze_count())
        return real(doc, *args, **kwargs)

    monkeypatch.setattr(engine, "check_document", spy)
    yield seen


def test_later_passes_run_frozen_and_thaw(freeze_counts: list[int]) -> None:
    assert gc.get_freeze_count() == 0
    result = clean_document(Document(TEXT))
    assert result.passes == 2 and result.later_fixes == 1
    assert freeze_counts and all(count > 0 for count in freeze_counts)
    assert gc.get_freeze_count() == 0


def test_a_host_that_froze_objects_keeps_them_frozen(freeze_counts: list[int]) -> None:
    gc.freeze()
    try:
        before = gc.get_freeze_count()
        assert before > 0
        clean_document(Document(TEXT))
        assert gc.get_freeze_count() == before  # nothing of the host's unfrozen, nothing of ours left
    finally:
        gc.unfreeze()


def test_disabled_collector_stays_disabled(freeze_counts: list[int]) -> None:
    gc.disable()
    try:
        result = clean_document(Document(TEXT))
        assert not gc.isenabled()
        assert gc.get_freeze_count() == 0 and freeze_counts == [0] * len(freeze_counts)
    finally:
        gc.enable()
    assert result.later_fixes == 1


def test_thawed_after_a_failing_pass(monkeypatch: pytest.MonkeyPatch) -> None:
    real = engine.check_document

    def failing(doc: Document, *args: Any, **kwargs: Any) -> Any:
        if kwargs.get("fixable_only"):
            raise RuntimeError("boom")
        return real(doc, *args, **kwargs)

    monkeypatch.setattr(engine, "check_document", failing)
    with pytest.raises(RuntimeError):
        clean_document(Document(TEXT))
    assert gc.get_freeze_count() == 0
