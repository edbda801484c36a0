"""Replay the fuzzing corpus: every saved input must pass the harness's invariants.

``tests/data/fuzz/found/`` holds the inputs that once broke an invariant (each
fixed since; see tests/fuzz/README.md), ``tests/data/fuzz/corpus/`` the minimised
corpus of interesting inputs from the last long run (coverage of the reader and
every rule), ``tests/data/fuzz/open/`` the inputs that still break an invariant
(strict xfail: once fixed, the test fails until they move to ``found/``).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from fuzz.harness import one_input

DATA = Path(__file__).resolve().parents[1] / "data" / "fuzz"
FOUND = sorted((DATA / "found").glob("*.bin"))
CORPUS = sorted((DATA / "corpus").glob("*"))
OPEN = sorted((DATA / "open").glob("*"))


@pytest.mark.parametrize("path", FOUND, ids=[p.stem for p in FOUND])
def test_inputs_that_once_failed(path: Path) -> None:
    one_input(path.read_bytes())


@pytest.mark.slow
@pytest.mark.parametrize("path", CORPUS, ids=[p.name[:12] for p in CORPUS])
def test_minimised_corpus(path: Path) -> None:
    one_input(path.read_bytes())


@pytest.mark.xfail(reason="open: an input that still breaks an invariant (move it to found/ once fixed)", strict=True)
@pytest.mark.parametrize("path", OPEN, ids=[p.name[:12] for p in OPEN])
def test_open_findings(path: Path) -> None:
    one_input(path.read_bytes())


def test_the_corpus_is_there() -> None:
    assert FOUND, "tests/data/fuzz/found is empty"
    assert len(CORPUS) >= 50, "tests/data/fuzz/corpus is missing"
