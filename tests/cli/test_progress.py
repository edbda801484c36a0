"""The progress bar: on stderr when it is a terminal and many documents run; never otherwise."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

pexpect = pytest.importorskip("pexpect")

CLEAN = "第一部分介绍背景。\n\n第二部分说明方法和数据来源。\n\n第三部分给出结论。\n"


def _folder(tmp_path: Path, count: int) -> Path:
    folder = tmp_path / "docs"
    folder.mkdir()
    for i in range(count):
        (folder / f"{i:03}.txt").write_text(CLEAN, encoding="utf-8")
    return folder


def _run_in_terminal(args: list[str], cwd: Path) -> tuple[int, str]:
    child = pexpect.spawn(sys.executable, ["-m", "dedup", *args], cwd=str(cwd), encoding="utf-8",
                          timeout=120, dimensions=(40, 200))
    child.expect(pexpect.EOF)
    child.close()
    return child.exitstatus, child.before


def test_progress_bar_on_a_terminal(tmp_path: Path) -> None:
    _folder(tmp_path, 12)
    code, output = _run_in_terminal(["check", "docs"], tmp_path)
    assert code == 0
    assert "12/12" in output and "dedup" in output
    assert "12 documents checked" in output


@pytest.mark.parametrize("flag", ["--no-progress", "--quiet"])
def test_no_progress_flag(tmp_path: Path, flag: str) -> None:
    _folder(tmp_path, 12)
    code, output = _run_in_terminal(["check", flag, "docs"], tmp_path)
    assert code == 0
    assert "12/12" not in output


def test_few_documents_get_no_bar(tmp_path: Path) -> None:
    _folder(tmp_path, 3)
    code, output = _run_in_terminal(["check", "docs"], tmp_path)
    assert code == 0
    assert "3/3" not in output


def test_no_bar_when_stderr_is_not_a_terminal(tmp_path: Path) -> None:
    import subprocess

    _folder(tmp_path, 12)
    done = subprocess.run([sys.executable, "-m", "dedup", "check", "docs"], cwd=tmp_path, capture_output=True,
                          text=True, check=False)
    assert done.returncode == 0
    assert done.stderr == ""
