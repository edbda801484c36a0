"""The regular-expression cache gives the patterns re.compile gives, and survives a damaged file."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from dedup import _regex

PATTERNS = [
    (r"(?P<open>[【（(]\s*)?(?P<core>(?:紧接|下转)\s*第?\s*\d{1,4}\s*[版页])", 0),
    ("([\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]{2,4})\\1", 0),
    (r"(?ix) \d{2,4}\s*年 | page \s+ \d+", 0),
    (r"\bcontinued\b", re.IGNORECASE),
    (r"(?<![\w'’\-])([A-Za-zÀ-ɏ]+)(\s+)(\1)(?![\w'’\-])", 0),
]


@pytest.fixture
def fresh(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    monkeypatch.setenv("DEDUP_CACHE_DIR", str(tmp_path))
    monkeypatch.delenv("DEDUP_NO_CACHE", raising=False)
    monkeypatch.setattr(_regex, "_PATTERNS", {})
    monkeypatch.setattr(_regex, "_STORED", None)
    monkeypatch.setattr(_regex, "_NEW", {})
    return tmp_path


def test_compiled_patterns_equal_re_compile(fresh: Path) -> None:
    for pattern, flags in PATTERNS:
        assert _regex.compile(pattern, flags) == re.compile(pattern, flags)


def test_patterns_rebuilt_from_the_cache_equal_re_compile(fresh: Path) -> None:
    for pattern, flags in PATTERNS:
        _regex.compile(pattern, flags)
    _regex._save()
    path = _regex.cache_file()
    assert path is not None and path.is_file()
    _regex._PATTERNS.clear()
    _regex._STORED = None
    _regex._NEW.clear()
    for pattern, flags in PATTERNS:
        rebuilt = _regex.compile(pattern, flags)
        assert rebuilt == re.compile(pattern, flags)
        assert rebuilt.groupindex == re.compile(pattern, flags).groupindex
    assert not _regex._NEW  # all came from the file
    assert _regex.compile(PATTERNS[0][0]).search("见【紧接第3版】").group("core") == "紧接第3版"


def test_a_damaged_cache_is_ignored(fresh: Path) -> None:
    path = _regex.cache_file()
    assert path is not None
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"\x00garbage")
    assert _regex.compile(r"a+b") == re.compile(r"a+b")


def test_damaged_entries_are_compiled_afresh(fresh: Path) -> None:
    import marshal

    path = _regex.cache_file()
    assert path is not None
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(marshal.dumps({(r"a+b", 0): (0, [1, 2, 3], 0, {}, (None,))}))
    assert _regex.compile(r"a+b") == re.compile(r"a+b")


def test_no_cache_and_a_read_only_folder(fresh: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DEDUP_NO_CACHE", "1")
    assert _regex.cache_file() is None
    assert _regex.compile(r"x(y)z") == re.compile(r"x(y)z")
    _regex._save()
    assert not list(fresh.iterdir())


def test_a_run_writes_the_cache_and_the_next_reads_it(tmp_path: Path) -> None:
    env = {"DEDUP_CACHE_DIR": str(tmp_path / "cache"), "PATH": "/usr/bin:/bin"}
    page = Path(__file__).parent / "data" / "seeds" / "ningbo-2022-ocr-page.txt"
    first = subprocess.run([sys.executable, "-m", "dedup", "check", "-f", "json", str(page)],
                           capture_output=True, text=True, env=env)
    files = list((tmp_path / "cache").glob("regex-*.marshal"))
    assert len(files) == 1
    second = subprocess.run([sys.executable, "-m", "dedup", "check", "-f", "json", str(page)],
                            capture_output=True, text=True, env=env)
    assert first.returncode == second.returncode == 1
    assert first.stdout == second.stdout


def test_the_cache_stays_bounded(fresh: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_regex, "_MAX_ENTRIES", 3)
    for k in range(6):
        assert _regex.compile(f"x{k}y") == re.compile(f"x{k}y")
    assert len(_regex._NEW) == 3
