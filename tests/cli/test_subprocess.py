"""The real entry points in a subprocess: ``python -m dedup`` and the ``dedup`` console script."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PAGE = ROOT / "tests" / "data" / "seeds" / "ningbo-2022-ocr-page.txt"


def run(args: list[str], cwd: Path, stdin: bytes | None = None) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(args, cwd=cwd, input=stdin, capture_output=True, timeout=300, check=False)


def test_python_m_dedup_check_json(tmp_path: Path) -> None:
    (tmp_path / "page.txt").write_bytes(PAGE.read_bytes())
    done = run([sys.executable, "-m", "dedup", "check", "-f", "json", "page.txt"], tmp_path)
    assert done.returncode == 1, done.stderr
    report = json.loads(done.stdout)
    assert report["documents"][0]["path"] == "page.txt"
    assert {"DUP002", "DUP003"} <= {f["rule"] for f in report["documents"][0]["findings"]}
    assert done.stderr == b""


def test_console_script_sarif_from_stdin(tmp_path: Path) -> None:
    exe = shutil.which("dedup") or str(Path(sys.executable).with_name("dedup"))
    if not Path(exe).exists():
        pytest.skip("the dedup console script is not installed")
    done = run([exe, "check", "-f", "sarif", "--stdin-filename", "docs/page.txt", "-"], tmp_path, PAGE.read_bytes())
    assert done.returncode == 1, done.stderr
    sarif = json.loads(done.stdout)
    uris = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in sarif["runs"][0]["results"]}
    assert uris == {"docs/page.txt"}


def test_usage_error_exits_2_with_a_message(tmp_path: Path) -> None:
    done = run([sys.executable, "-m", "dedup", "check", "--fail-on", "fatal", "x.txt"], tmp_path)
    assert done.returncode == 2
    assert b"fail-on" in done.stderr and done.stdout == b""


def test_github_format_in_a_subprocess(tmp_path: Path) -> None:
    (tmp_path / "page.txt").write_bytes(PAGE.read_bytes())
    done = run([sys.executable, "-m", "dedup", "check", "-f", "github", "--fail-on", "error", "page.txt"], tmp_path)
    assert done.returncode == 0
    lines = done.stdout.decode("utf-8").splitlines()
    assert lines[0].startswith("::warning file=page.txt,line=")
    assert lines[-1].startswith("dedup: ")
