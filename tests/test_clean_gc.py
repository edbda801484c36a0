"""clean pauses the cyclic garbage collector while its later passes run (everything its first pass
made lives until the end, and they make no lasting cycles), and leaves the collector as it found it
(a batch over thousands of files must not leak, nor change its host's gc state)."""

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
def collector_states(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[bool]]:
    """Whether the collector was enabled during every later pass."""
    seen: list[bool] = []
    real = engine.check_document

    def spy(doc: Document, *args: Any, **kwargs: Any) -> Any:
        if kwargs.get("fixable_only"):
            seen.append(gc.isenabled())
        return real(doc, *args, **kwargs)

    monkeypatch.setattr(engine, "check_document", spy)
    yield seen


def test_later_passes_run_paused_and_resume(collector_states: list[bool]) -> None:
    assert gc.isenabled()
    result = clean_document(Document(TEXT))
    assert result.passes == 2 and result.later_fixes == 1
    assert collector_states and not any(collector_states)
    assert gc.isenabled()


def test_a_single_pass_leaves_the_collector_alone(collector_states: list[bool]) -> None:
    result = clean_document(Document(PARA))
    assert result.text == PARA and collector_states == []
    assert gc.isenabled()


def test_disabled_collector_stays_disabled(collector_states: list[bool]) -> None:
    gc.disable()
    try:
        result = clean_document(Document(TEXT))
        assert not gc.isenabled()
    finally:
        gc.enable()
    assert result.later_fixes == 1 and collector_states and not any(collector_states)


def test_resumed_after_a_failing_pass(monkeypatch: pytest.MonkeyPatch) -> None:
    real = engine.check_document

    def failing(doc: Document, *args: Any, **kwargs: Any) -> Any:
        if kwargs.get("fixable_only"):
            raise RuntimeError("boom")
        return real(doc, *args, **kwargs)

    monkeypatch.setattr(engine, "check_document", failing)
    with pytest.raises(RuntimeError):
        clean_document(Document(TEXT))
    assert gc.isenabled()

