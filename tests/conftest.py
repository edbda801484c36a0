"""Shared fixtures: the example page, the shared corpora beside the repository."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "tests" / "data"
SEEDS = DATA / "seeds"
SHARED = ROOT.parent / "shared"

settings.register_profile("default", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.register_profile(
    "ci", deadline=None, suppress_health_check=[HealthCheck.too_slow], print_blob=True, derandomize=True
)
settings.register_profile(
    "nightly", deadline=None, max_examples=20000, suppress_health_check=[HealthCheck.too_slow]
)
settings.load_profile(os.environ.get("DEDUP_HYPOTHESIS_PROFILE", "default"))

# the compiled-pattern cache of this test run (and of the CLI processes it starts), not the user's
if "DEDUP_CACHE_DIR" not in os.environ:
    import tempfile

    os.environ["DEDUP_CACHE_DIR"] = tempfile.mkdtemp(prefix="dedup-test-cache-")


@pytest.fixture(scope="session")
def page_text() -> str:
    return (SEEDS / "ningbo-2022-ocr-page.txt").read_bytes().decode("utf-8")


@pytest.fixture(scope="session")
def expected_text() -> str:
    return (SEEDS / "ningbo-2022-ocr-page.expected.txt").read_bytes().decode("utf-8")


@pytest.fixture(scope="session")
def defects() -> dict:
    return json.loads((SEEDS / "ningbo-2022-ocr-page.defects.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def gov_reports_dir() -> Path:
    folder = SHARED / "corpus" / "zh-gov-reports"
    if not folder.is_dir():
        pytest.skip("../shared/corpus/zh-gov-reports is not beside the repository")
    return folder
