"""Configuration: files found upward per document, precedence defaults < file < command line, globs."""

from __future__ import annotations

import doctest
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from dedup.cli import EXIT_ERROR, EXIT_FINDINGS, EXIT_OK, cli
from dedup.config import Config, ConfigError, find_config_file, glob_match, load_config
from dedup.model import Severity

ROOT = Path(__file__).resolve().parents[1]
PAGE = ROOT / "tests" / "data" / "seeds" / "ningbo-2022-ocr-page.txt"
STUTTER = "今年要加快推进城市更新更新行动，完善配套设施。\n"


def _page(folder: Path, name: str = "page.txt") -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(PAGE.read_bytes())
    return path


def _run(args: list[str], cwd: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.chdir(cwd)
    return CliRunner().invoke(cli, args, catch_exceptions=False)


def _rules_reported(output: str) -> dict[str, set[str]]:
    report = json.loads(output)
    return {d["path"]: {f["rule"] for f in d["findings"]} for d in report["documents"]}


# --- glob matching ---------------------------------------------------------------------------

GLOBS = [
    ("a.txt", "*.txt", True),
    ("docs/2022/a.txt", "*.txt", True),
    ("docs/a.txt", "docs/*.txt", True),
    ("docs/2022/a.txt", "docs/*.txt", False),
    ("docs/2022/a.txt", "docs/**/*.txt", True),
    ("docs/a.txt", "docs/**/*.txt", True),
    ("docs/2022/a.txt", "docs", True),
    ("docs/2022/a.txt", "docs/", True),
    ("x/drafts/a.txt", "drafts", True),
    ("x/drafts/a.txt", "/drafts", False),
    ("drafts/a.txt", "/drafts", True),
    ("docs/a.md", "*.txt", False),
    ("docs/a1.txt", "docs/a[0-9].txt", True),
    ("docs/ab.txt", "docs/a[0-9].txt", False),
    ("docs/ab.txt", "docs/a?.txt", True),
    ("中文/报告.txt", "中文/*.txt", True),
    ("a.txt", "", False),
]


@pytest.mark.parametrize(("path", "pattern", "expected"), GLOBS, ids=[f"{p}~{g or 'empty'}" for p, g, _ in GLOBS])
def test_glob_match(path: str, pattern: str, expected: bool) -> None:
    assert glob_match(path, pattern) is expected


def test_config_doctests() -> None:
    import dedup.baseline
    import dedup.config
    import dedup.reporters._units
    import dedup.reporters.github

    for module in (dedup.config, dedup.baseline, dedup.reporters._units, dedup.reporters.github):
        failures, tried = doctest.testmod(module)
        assert tried > 0 and failures == 0, module.__name__


# --- finding and reading files ---------------------------------------------------------------


def test_dedup_toml_wins_over_pyproject_and_search_goes_upward(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text("[tool.dedup]\nfail-on = 'error'\n", encoding="utf-8")
    deep = tmp_path / "a" / "b"
    deep.mkdir(parents=True)
    assert find_config_file(deep / "doc.txt") == tmp_path / "pyproject.toml"
    (tmp_path / "a" / "dedup.toml").write_text("fail-on = 'info'\n", encoding="utf-8")
    assert find_config_file(deep / "doc.txt") == tmp_path / "a" / "dedup.toml"
    (deep / "pyproject.toml").write_text("[project]\nname = 'x'\n", encoding="utf-8")
    # a pyproject.toml without [tool.dedup] is not a dedup config
    assert find_config_file(deep) == tmp_path / "a" / "dedup.toml"
    assert load_config(find_config_file(deep)).fail_on is Severity.INFO


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("fail-on = 'fatal'\n", "fail-on"),
        ("select = 3\n", "select must be a list of strings"),
        ("colour = 'red'\n", "unknown setting 'colour'"),
        ("max-passes = 0\n", "max-passes"),
        ("[per-path.'drafts/*']\nfail-on = 'loud'\n", "fail-on"),
        ("[per-path.'drafts/*']\nspeed = 1\n", "unknown setting 'speed'"),
        ("select = [\n", "invalid TOML"),
    ],
    ids=["severity", "select-type", "unknown-key", "max-passes", "per-path-value", "per-path-key", "toml"],
)
def test_invalid_files_are_one_line_errors(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "dedup.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError, match=message):
        load_config(path)


@pytest.mark.parametrize(
    ("rules", "message"),
    [
        ({"NOPE01": {"severity": "error"}}, "no rule or kind"),
        ({"REP002": {"allowed": ["x"]}}, "unknown option 'allowed'"),
        ({"REP002": {"severity": "fatal"}}, "severity"),
    ],
    ids=["unknown-rule", "unknown-option", "bad-severity"],
)
def test_rule_tables_are_validated_against_the_registry(rules: dict, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        Config().merged({"rules": rules}).validate()


def test_unknown_selector_is_an_error() -> None:
    with pytest.raises(ConfigError, match="no rule, kind or group"):
        Config(select=("NOTARULE",)).validate()


# --- precedence through the command line -----------------------------------------------------


def test_precedence_defaults_file_command_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _page(tmp_path)
    # defaults: the page has warnings, and fail-on is warning
    assert _run(["check", "page.txt"], tmp_path, monkeypatch).exit_code == EXIT_FINDINGS
    # the file raises fail-on to error
    (tmp_path / "pyproject.toml").write_text("[tool.dedup]\nfail-on = 'error'\n", encoding="utf-8")
    assert _run(["check", "page.txt"], tmp_path, monkeypatch).exit_code == EXIT_OK
    # the command line wins over the file
    assert _run(["check", "--fail-on", "warning", "page.txt"], tmp_path, monkeypatch).exit_code == EXIT_FINDINGS


def test_select_and_ignore_from_file_and_command_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _page(tmp_path)
    (tmp_path / "dedup.toml").write_text("select = ['duplicate-section']\n", encoding="utf-8")
    result = _run(["check", "-f", "json", "page.txt"], tmp_path, monkeypatch)
    assert _rules_reported(result.output) == {"page.txt": {"DUP002"}}
    assert result.exit_code == EXIT_FINDINGS
    # the command line replaces the file's select: by code prefix, by code
    result = _run(["check", "-f", "json", "--select", "DUP", "page.txt"], tmp_path, monkeypatch)
    assert {"DUP002", "DUP003"} <= _rules_reported(result.output)["page.txt"] <= {"DUP001", "DUP002", "DUP003"}
    result = _run(["check", "-f", "json", "--select", "DUP003", "page.txt"], tmp_path, monkeypatch)
    assert _rules_reported(result.output) == {"page.txt": {"DUP003"}}
    # by group, with ignore by group
    result = _run(["check", "-f", "json", "--select", "all", "--ignore", "duplicates,structure", "page.txt"],
                  tmp_path, monkeypatch)
    rules = _rules_reported(result.output)["page.txt"]
    assert not rules & {"DUP001", "DUP002", "DUP003", "NUM001"}


def test_ignoring_every_rule_that_fires_makes_the_check_pass(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _page(tmp_path)
    ignored: set[str] = set()
    # a rule may stand back while an earlier phase claims the text, so ignore until nothing fires
    for _ in range(6):
        args = ["check", "-f", "json", *(["--ignore", ",".join(sorted(ignored))] if ignored else []), "page.txt"]
        fired = _rules_reported(_run(args, tmp_path, monkeypatch).output)["page.txt"]
        if not fired:
            break
        ignored |= fired
    assert ignored and not fired
    assert _run(["check", "page.txt"], tmp_path, monkeypatch).exit_code == EXIT_FINDINGS
    (tmp_path / "dedup.toml").write_text(f"ignore = {sorted(ignored)!r}\n", encoding="utf-8")
    result = _run(["check", "page.txt"], tmp_path, monkeypatch)
    assert result.exit_code == EXIT_OK, result.output


def test_rule_severity_and_fail_on(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _page(tmp_path)
    config = tmp_path / "dedup.toml"
    config.write_text("fail-on = 'error'\n[rules.NUM001]\nseverity = 'error'\n", encoding="utf-8")
    result = _run(["check", "-f", "json", "page.txt"], tmp_path, monkeypatch)
    severities = {f["rule"]: f["severity"] for f in json.loads(result.output)["documents"][0]["findings"]}
    assert severities["NUM001"] == "error"
    assert result.exit_code == EXIT_FINDINGS
    result = _run(["check", "--ignore", "NUM001", "page.txt"], tmp_path, monkeypatch)
    assert result.exit_code == EXIT_OK


def test_rule_option_allowed_reduplication(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "doc.txt").write_text(STUTTER, encoding="utf-8")
    assert _rules_reported(_run(["check", "-f", "json", "doc.txt"], tmp_path, monkeypatch).output) == {
        "doc.txt": {"REP002"}
    }
    (tmp_path / "pyproject.toml").write_text("[tool.dedup.rules.stutter]\nallow = ['更新']\n", encoding="utf-8")
    result = _run(["check", "doc.txt"], tmp_path, monkeypatch)
    assert result.exit_code == EXIT_OK, result.output


def test_per_path_overrides(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _page(tmp_path, "drafts/page.txt")
    _page(tmp_path, "final/page.txt")
    (tmp_path / "dedup.toml").write_text(
        "[per-path.'drafts/*.txt']\nfail-on = 'error'\n[per-path.'final/**']\nselect = ['DUP003']\n",
        encoding="utf-8",
    )
    assert _run(["check", "drafts/page.txt"], tmp_path, monkeypatch).exit_code == EXIT_OK
    result = _run(["check", "-f", "json", "final/page.txt"], tmp_path, monkeypatch)
    assert result.exit_code == EXIT_FINDINGS
    assert _rules_reported(result.output) == {"final/page.txt": {"DUP003"}}
    # per-path tables are part of the file: the command line still wins over them
    assert _run(["check", "--fail-on", "warning", "drafts/page.txt"], tmp_path, monkeypatch).exit_code == EXIT_FINDINGS
    result = _run(["check", "-f", "json", "--select", "DUP002", "final/page.txt"], tmp_path, monkeypatch)
    assert _rules_reported(result.output) == {"final/page.txt": {"DUP002"}}
    # globs are relative to the config file's folder, wherever the check runs from
    assert _run(["check", "page.txt"], tmp_path / "drafts", monkeypatch).exit_code == EXIT_OK
    # both together: the exit code is decided per document
    assert _run(["check", "drafts", "final"], tmp_path, monkeypatch).exit_code == EXIT_FINDINGS


def test_config_is_looked_up_per_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _page(tmp_path, "strict/page.txt")
    _page(tmp_path, "lenient/page.txt")
    (tmp_path / "lenient" / "dedup.toml").write_text("fail-on = 'error'\n", encoding="utf-8")
    assert _run(["check", "lenient/page.txt"], tmp_path, monkeypatch).exit_code == EXIT_OK
    assert _run(["check", "strict/page.txt"], tmp_path, monkeypatch).exit_code == EXIT_FINDINGS
    # the lenient folder's file governs its document even when listed after the strict one
    result = _run(["check", "-f", "junit", "strict", "lenient"], tmp_path, monkeypatch)
    assert result.exit_code == EXIT_FINDINGS
    assert result.output.count("<failure ") >= 1
    assert 'failures="1"' in result.output
    # --config names one file for every document
    (tmp_path / "all.toml").write_text("fail-on = 'error'\n", encoding="utf-8")
    assert _run(["check", "--config", "all.toml", "strict", "lenient"], tmp_path, monkeypatch).exit_code == EXIT_OK


def test_include_and_exclude_globs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("a.txt", "b.md", "drafts/c.txt", "notes/d.txt", "notes/e.log"):
        path = tmp_path / "docs" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("一段正常的文字。\n", encoding="utf-8")
    (tmp_path / "dedup.toml").write_text("include = ['*.txt', '*.md']\nexclude = ['drafts']\n", encoding="utf-8")

    def checked(*args: str) -> list[str]:
        result = _run(["check", "-f", "json", *args], tmp_path, monkeypatch)
        assert result.exit_code == EXIT_OK, result.output
        return sorted(d["path"] for d in json.loads(result.output)["documents"])

    assert checked("docs") == ["docs/a.txt", "docs/b.md", "docs/notes/d.txt"]
    # the command line replaces the file's lists
    assert checked("--glob", "*.log", "docs") == ["docs/notes/e.log"]
    assert checked("--exclude", "notes/", "docs") == ["docs/a.txt", "docs/b.md", "docs/drafts/c.txt"]
    # exclude applies to files named directly (as pre-commit passes them); include does not
    assert checked("docs/drafts/c.txt", "docs/notes/e.log") == ["docs/notes/e.log"]


def test_invalid_config_exits_2_with_the_reason(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _page(tmp_path)
    (tmp_path / "dedup.toml").write_text("[rules.REP002]\nallowed = ['x']\n", encoding="utf-8")
    result = _run(["check", "page.txt"], tmp_path, monkeypatch)
    assert result.exit_code == EXIT_ERROR
    assert "unknown option 'allowed'" in result.output
    result = _run(["check", "--select", "NOPE", "page.txt"], tmp_path, monkeypatch)
    assert result.exit_code == EXIT_ERROR


def test_per_path_through_the_python_api(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import dedup

    monkeypatch.chdir(tmp_path)
    config = Config().merged({"per-path": {"quiet/**": {"ignore": ["repeats"]}}})
    text = STUTTER
    assert [f.rule for f in dedup.check_text(text, config, path="loud/a.txt")] == ["REP002"]
    assert dedup.check_text(text, config, path="quiet/sub/a.txt") == []


def test_select_by_group(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _page(tmp_path)
    from dedup.rules import registry

    result = _run(["check", "-f", "json", "--select", "duplicates", "page.txt"], tmp_path, monkeypatch)
    reported = _rules_reported(result.output)["page.txt"]
    assert reported and reported <= {r.code for r in registry.all() if "duplicates" in r.groups}
