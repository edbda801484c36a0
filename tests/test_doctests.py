"""Run the doctests of the pure helpers (examples in docstrings must stay true)."""

from __future__ import annotations

import doctest
import importlib

import pytest

MODULES = [
    "dedup.model",
    "dedup.normalize",
    "dedup.fixer",
    "dedup.rules._text",
]


@pytest.mark.parametrize("name", MODULES)
def test_doctests(name: str) -> None:
    module = importlib.import_module(name)
    failures, tried = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
    assert tried > 0, f"{name} has no doctests"
    assert failures == 0
