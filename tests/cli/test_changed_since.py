"""``--changed-since REF``: only documents git reports as added or modified, matching the include globs."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from dedup.cli import EXIT_ERROR, EXIT_FINDINGS, EXIT_OK, cli

ROOT = Path(__file__).resolve().parents[2]
PAGE = ROOT / "tests" / "data" / "seeds" / "ningbo-2022-ocr-page.txt"
CLEAN = "第一部分介绍背景。\n\n第二部分说明方法和数据来源。\n\n第三部分给出结论。\n"

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="needs git")

_ENV = {"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.invalid", "GIT_COMMITTER_NAME": "t",
        "GIT_COMMITTER_EMAIL": "t@example.invalid", "GIT_CONFIG_NOSYSTEM": "1"}


def git(repo: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=repo, env={**os.environ, **_ENV}, check=True, capture_output=True)


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A repository with a base commit; then one file modified, one added, one deleted, one untracked."""
    git(tmp_path, "init", "--quiet")
    docs = tmp_path / "docs"
    docs.mkdir()
    for name in ("same.txt", "modified.txt", "deleted.txt"):
        (docs / name).write_text(CLEAN, encoding="utf-8")
    (tmp_path / "notes.md").write_text("# notes\n", encoding="utf-8")
    git(tmp_path, "add", "--all")
    git(tmp_path, "commit", "--quiet", "-m", "base")
    git(tmp_path, "tag", "base")
    (docs / "modified.txt").write_bytes(PAGE.read_bytes())
    (docs / "added.txt").write_text(CLEAN, encoding="utf-8")
    git(tmp_path, "add", "docs/added.txt")
    (docs / "deleted.txt").unlink()
    (docs / "untracked.txt").write_text(CLEAN, encoding="utf-8")
    (tmp_path / "notes.md").write_text("# notes, changed\n", encoding="utf-8")
    (tmp_path / ".gitignore").write_text("ignored.txt\n", encoding="utf-8")
    (docs / "ignored.txt").write_bytes(PAGE.read_bytes())
    monkeypatch.chdir(tmp_path)
    return tmp_path


def checked(*args: str) -> tuple[int, list[str]]:
    result = CliRunner().invoke(cli, ["check", "-f", "json", *args], catch_exceptions=False)
    if result.exit_code == EXIT_ERROR:
        return result.exit_code, [result.output]
    return result.exit_code, sorted(d["path"] for d in json.loads(result.stdout)["documents"])


def test_only_changed_documents_are_checked(repo: Path) -> None:
    code, paths = checked("--changed-since", "base")
    # modified, added (staged) and untracked documents; not the unchanged, deleted, ignored or non-.txt ones
    assert paths == ["docs/added.txt", "docs/modified.txt", "docs/untracked.txt"]
    assert code == EXIT_FINDINGS


def test_committed_changes_count_too(repo: Path) -> None:
    git(repo, "add", "--all")
    git(repo, "commit", "--quiet", "-m", "change")
    assert checked("--changed-since", "base")[1] == ["docs/added.txt", "docs/modified.txt", "docs/untracked.txt"]
    assert checked("--changed-since", "HEAD") == (EXIT_OK, [])


def test_paths_and_globs_narrow_the_changes(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert checked("--changed-since", "base", "docs/added.txt")[1] == ["docs/added.txt"]
    assert checked("--changed-since", "base", "--glob", "*.md")[1] == ["notes.md"]
    assert checked("--changed-since", "base", "--exclude", "modified.txt")[1] == ["docs/added.txt",
                                                                                   "docs/untracked.txt"]
    (repo / "dedup.toml").write_text("exclude = ['untracked.txt']\n", encoding="utf-8")
    assert checked("--changed-since", "base")[1] == ["docs/added.txt", "docs/modified.txt"]
    # run from a subfolder: paths are shown relative to it
    monkeypatch.chdir(repo / "docs")
    assert checked("--changed-since", "base")[1] == ["added.txt", "modified.txt"]


def test_unknown_ref_and_stdin_are_usage_errors(repo: Path) -> None:
    code, [message] = checked("--changed-since", "no-such-ref")
    assert code == EXIT_ERROR and "--changed-since" in message
    code, _ = checked("--changed-since", "base", "-")
    assert code == EXIT_ERROR


def test_outside_a_repository(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path.parent))
    code, [message] = checked("--changed-since", "HEAD")
    assert code == EXIT_ERROR and "git" in message


def test_clean_in_place_rewrites_only_changed_documents(repo: Path) -> None:
    before = {p: p.read_bytes() for p in (repo / "docs").glob("*.txt")}
    result = CliRunner().invoke(cli, ["clean", "--in-place", "--changed-since", "base"], catch_exceptions=False)
    assert result.exit_code == EXIT_OK, result.output
    changed = {p.name for p, data in before.items() if p.read_bytes() != data}
    # the example page was modified since base and has safe fixes; ignored.txt has them too but is not changed
    assert changed == {"modified.txt"}
