"""False alarms of the layout rules on real text beside the repository (../shared/corpus).

* the 23 clean government work reports: no layout fix at all;
* 527 raw 1916 newspaper pages (hard-wrapped Latin OCR, one block per page): page
  markers are real and removed; every other layout fix stays within a small budget
  (a sample by default, the whole corpus under ``-m slow``).
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from dedup.config import Config
from dedup.engine import check_document
from dedup.io import read_document
from tests.corpora import SHARED

LAYOUT = Config(select=("LAY",))
CHRONAM = SHARED / "corpus" / "chronam-1916-01-01_07"


def _fixes(path: Path) -> Counter[str]:
    findings = check_document(read_document(str(path)), LAYOUT).findings
    return Counter(f.rule for f in findings if f.fix is not None and f.fix.safe)


def test_no_layout_fix_on_the_government_reports(gov_reports_dir: Path) -> None:
    files = sorted(gov_reports_dir.glob("*.txt"))
    assert len(files) >= 20
    found = {path.name: dict(c) for path in files if (c := _fixes(path))}
    assert not found, found


def _chronam(every: int) -> list[Path]:
    if not CHRONAM.is_dir():
        pytest.skip("../shared/corpus/chronam-1916-01-01_07 is not beside the repository")
    return sorted(CHRONAM.glob("*.txt"))[::every]


def _check_newspapers(files: list[Path]) -> None:
    total: Counter[str] = Counter()
    for path in files:
        total.update(_fixes(path))
    markers = total.pop("LAY004", 0)
    assert markers >= len(files) // 10, "the jump lines of these front pages are found"
    # anything else is at most one fix per hundred pages
    assert sum(total.values()) <= max(1, len(files) // 100), dict(total)


def test_few_layout_fixes_on_raw_newspaper_ocr_sample() -> None:
    _check_newspapers(_chronam(every=6))


@pytest.mark.slow
def test_few_layout_fixes_on_raw_newspaper_ocr() -> None:
    _check_newspapers(_chronam(every=1))
