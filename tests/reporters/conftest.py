"""Records the format tests render: the example page (checked and cleaned) and small hand-made ones."""

from __future__ import annotations

from pathlib import Path

import pytest

from dedup.config import Config
from dedup.engine import check_document, clean_document
from dedup.io import read_document
from dedup.model import Document, Edit, Finding, Fix, Severity, Span
from dedup.records import FileRecord, build_record, error_record
from dedup.reporters import ReportOptions

ROOT = Path(__file__).resolve().parents[2]
PAGE = ROOT / "tests" / "data" / "seeds" / "ningbo-2022-ocr-page.txt"
SCHEMAS = ROOT / "tests" / "data" / "schemas"

#: a line whose first character lies outside the Basic Multilingual Plane: 1 code point,
#: 2 UTF-16 units, 4 UTF-8 bytes; the other characters are 1, 1 and 3.
ASTRAL_TEXT = "标题\n\n𠮷野家的菜单很长。𠮷野家的菜单很长。\n\n结尾。"
SENTENCE = "𠮷野家的菜单很长。"


def options() -> ReportOptions:
    from dedup.cli.check import _report_options

    return _report_options(quiet=False)


def _relative(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


@pytest.fixture
def page_record(monkeypatch: pytest.MonkeyPatch) -> FileRecord:
    monkeypatch.chdir(ROOT)
    doc = read_document(_relative(PAGE))
    return build_record(check_document(doc, Config()))


@pytest.fixture
def page_clean_record(monkeypatch: pytest.MonkeyPatch) -> FileRecord:
    monkeypatch.chdir(ROOT)
    doc = read_document(_relative(PAGE))
    return build_record(clean_document(doc, Config()))


def astral_record(severity: Severity = Severity.WARNING, path: str = "docs/astral.txt") -> FileRecord:
    """A hand-made finding on the second copy of SENTENCE, with a fix deleting it."""
    doc = Document(ASTRAL_TEXT, path=path)
    first = ASTRAL_TEXT.index(SENTENCE)
    second = ASTRAL_TEXT.index(SENTENCE, first + 1)
    span = Span(second, second + len(SENTENCE))
    finding = Finding(
        rule="REP001",
        kind="repeated-phrase",
        severity=severity,
        confidence=0.9,
        message="sentence printed twice: 'x', then\na second line",
        span=span,
        related=(Span(first, first + len(SENTENCE)),),
        fix=Fix((Edit.delete(ASTRAL_TEXT, span.start, span.end),), keeps=(Span(first, first + len(SENTENCE)),)),
        fingerprint=f"REP001:{SENTENCE}:{SENTENCE}",
    )
    from dedup.engine import CheckResult

    return build_record(CheckResult(doc, [finding]))


def unreadable_record() -> FileRecord:
    return error_record("docs/broken.txt", "binary file (contains NUL bytes)")


@pytest.fixture
def make_astral() -> object:
    return astral_record


@pytest.fixture
def unreadable() -> FileRecord:
    return unreadable_record()


@pytest.fixture
def opts() -> ReportOptions:
    return options()


@pytest.fixture(scope="session")
def schemas() -> Path:
    return SCHEMAS
