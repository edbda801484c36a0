"""``dedup check`` through click's CliRunner: formats, exit codes, stdin, quiet, errors."""

from __future__ import annotations

import json
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest
from click.testing import CliRunner

from dedup.cli import EXIT_ERROR, EXIT_FINDINGS, EXIT_OK, cli

ROOT = Path(__file__).resolve().parents[2]
PAGE = ROOT / "tests" / "data" / "seeds" / "ningbo-2022-ocr-page.txt"
CLEAN = "第一部分介绍背景。\n\n第二部分说明方法和数据来源。\n\n第三部分给出结论。\n"


@pytest.fixture
def work(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "page.txt").write_bytes(PAGE.read_bytes())
    (tmp_path / "clean.txt").write_text(CLEAN, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def invoke(*args: str, input: bytes | str | None = None):
    return CliRunner().invoke(cli, list(args), input=input, catch_exceptions=False)


def test_exit_codes_are_the_named_constants(work: Path) -> None:
    assert (EXIT_OK, EXIT_FINDINGS, EXIT_ERROR) == (0, 1, 2)
    assert invoke("check", "page.txt").exit_code == EXIT_FINDINGS
    assert invoke("check", "clean.txt").exit_code == EXIT_OK
    assert invoke("check", "--fail-on", "error", "page.txt").exit_code == EXIT_OK
    assert invoke("check", "missing.txt").exit_code == EXIT_ERROR
    assert invoke("check").exit_code == EXIT_ERROR
    assert invoke("check", "--format", "yaml", "page.txt").exit_code == EXIT_ERROR


def test_an_unreadable_file_does_not_stop_the_others(work: Path) -> None:
    (work / "binary.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4)
    result = invoke("check", "-f", "json", "page.txt", "binary.txt")
    assert result.exit_code == EXIT_ERROR
    docs = json.loads(result.stdout)["documents"]
    assert docs[0]["findings"] and docs[1]["error"].startswith("binary file")
    assert "dedup: binary.txt: binary file" in result.stderr


@pytest.mark.parametrize("fmt", ["table", "json", "sarif", "github", "rdjson", "junit", "diff"])
def test_every_format_on_the_example_page(work: Path, fmt: str) -> None:
    result = invoke("check", "--format", fmt, "page.txt")
    assert result.exit_code == EXIT_FINDINGS
    out = result.stdout
    if fmt in ("json", "sarif", "rdjson"):
        data = json.loads(out)
        count = {"json": lambda d: len(d["documents"][0]["findings"]),
                 "sarif": lambda d: len(d["runs"][0]["results"]),
                 "rdjson": lambda d: len(d["diagnostics"])}[fmt](data)
        assert count > 3
    elif fmt == "junit":
        assert len(ET.fromstring(out).findall("testsuite/testcase/failure")) > 3
    elif fmt == "github":
        assert out.count("::warning file=page.txt,") > 3
    elif fmt == "diff":
        assert out.startswith("--- a/page.txt\n+++ b/page.txt\n")
    else:
        assert "DUP002" in out and "1 document checked" in out


def test_format_follows_the_output_extension(work: Path) -> None:
    for name, check in [
        ("report.sarif", lambda t: json.loads(t)["version"] == "2.1.0"),
        ("report.json", lambda t: json.loads(t)["schema"] == "dedup-report/1"),
        ("report.xml", lambda t: t.startswith("<?xml")),
        ("fix.patch", lambda t: t.startswith("--- a/page.txt")),
        ("report.rdjson", lambda t: "diagnostics" in json.loads(t)),
    ]:
        result = invoke("check", "-o", name, "page.txt")
        assert result.exit_code == EXIT_FINDINGS
        assert result.stdout == ""
        assert check((work / name).read_text(encoding="utf-8")), name
    # an explicit --format wins over the extension
    invoke("check", "-f", "github", "-o", "report.json", "page.txt")
    assert (work / "report.json").read_text(encoding="utf-8").startswith("::warning")


def test_quiet_prints_only_the_summary(work: Path) -> None:
    loud = invoke("check", "page.txt").stdout
    quiet = invoke("check", "-q", "page.txt").stdout
    assert "DUP002" in loud and "DUP002" not in quiet
    assert quiet.strip() == loud.strip().splitlines()[-1]
    assert quiet.startswith("1 document checked;")


def test_stdin_with_a_filename(work: Path) -> None:
    result = invoke("check", "-f", "json", "--stdin-filename", "docs/page.txt", "-", input=PAGE.read_bytes())
    assert result.exit_code == EXIT_FINDINGS
    docs = json.loads(result.stdout)["documents"]
    assert [d["path"] for d in docs] == ["docs/page.txt"]
    # without a name, stdin is reported as -
    result = invoke("check", "-f", "github", "-", input=PAGE.read_bytes())
    assert "::warning file=-," in result.stdout


def test_stdin_filename_finds_the_config_and_per_path_table(work: Path) -> None:
    (work / "docs").mkdir()
    (work / "docs" / "dedup.toml").write_text("[per-path.'drafts/*.txt']\nfail-on = 'error'\n", encoding="utf-8")
    page = PAGE.read_bytes()
    assert invoke("check", "--stdin-filename", "docs/drafts/x.txt", "-", input=page).exit_code == EXIT_OK
    assert invoke("check", "--stdin-filename", "docs/final/x.txt", "-", input=page).exit_code == EXIT_FINDINGS
    assert invoke("check", "-", input=page).exit_code == EXIT_FINDINGS


def test_no_progress_bar_when_stderr_is_not_a_terminal(work: Path) -> None:
    for i in range(12):
        (work / "many" / f"{i:02}.txt").parent.mkdir(exist_ok=True)
        (work / "many" / f"{i:02}.txt").write_text(CLEAN, encoding="utf-8")
    result = invoke("check", "many")
    assert result.exit_code == EXIT_OK
    assert result.stderr == ""
    assert "12 documents checked" in result.stdout


def test_write_baseline_exits_0_and_prints_the_report(work: Path) -> None:
    result = invoke("check", "--write-baseline", "base.json", "page.txt")
    assert result.exit_code == EXIT_OK
    assert "DUP002" in result.stdout
    assert json.loads((work / "base.json").read_text(encoding="utf-8"))["documents"]["page.txt"]
    # a read error still exits 2
    assert invoke("check", "--write-baseline", "base.json", "nothing.txt").exit_code == EXIT_ERROR


def test_report_folder_is_created_and_write_failures_exit_2(work: Path) -> None:
    result = invoke("check", "-o", "out/deep/report.sarif", "page.txt")
    assert result.exit_code == EXIT_FINDINGS
    assert json.loads((work / "out" / "deep" / "report.sarif").read_text(encoding="utf-8"))["version"] == "2.1.0"
    (work / "file").write_text("x", encoding="utf-8")
    result = invoke("check", "-o", "file/report.json", "page.txt")
    assert result.exit_code == EXIT_ERROR
    assert "cannot write file/report.json" in result.stderr


def test_clean_counts_what_later_passes_fixed(work: Path) -> None:
    # the copy's doubled word hides the duplicate until the first pass removes it: the second pass
    # removes the copy, a fix that no finding of the report describes
    copy = "The council met on Monday and voted for the new bridge over the river today and all agreed."
    doubled = copy.replace("the new", "the the new")
    (work / "twice.txt").write_text(f"{copy}\n\n{doubled}\n\nEnd of the story here.\n", encoding="utf-8")
    result = invoke("clean", "-q", "-o", "out.txt", "twice.txt")
    assert (work / "out.txt").read_text(encoding="utf-8") == f"{copy}\n\nEnd of the story here.\n"
    assert result.stdout.strip().endswith("1 fixed (1 more found and fixed on later passes).")
    report = json.loads(invoke("clean", "--format", "json", "-o", "out2.txt", "twice.txt").stdout)
    stats = report["documents"][0]["stats"]
    assert (stats["passes"], stats["applied"], stats["later_fixes"]) == (2, 1, 1)
