"""The pre-commit hooks of this repository, run by pre-commit itself on temporary git repositories.

pre-commit installs the hook from a git repository into its own virtualenv
(``pip install .`` of a clone), so the test snapshots the current working tree,
uncommitted changes included, into a temporary clone and points a
``.pre-commit-config.yaml`` at that commit.  The first run installs the hook
environment (from the local wheelhouse or PyPI); the others reuse it.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

import pytest

from dedup.config import Config
from dedup.engine import check_document
from dedup.io import read_document
from dedup.model import Document, Severity

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "tests" / "data" / "seeds"
GOV_REPORTS = ROOT.parent / "shared" / "corpus" / "zh-gov-reports"

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="pre-commit needs git")

_GIT_ENV = {
    "GIT_AUTHOR_NAME": "dedup tests",
    "GIT_AUTHOR_EMAIL": "tests@example.invalid",
    "GIT_COMMITTER_NAME": "dedup tests",
    "GIT_COMMITTER_EMAIL": "tests@example.invalid",
    "GIT_CONFIG_NOSYSTEM": "1",
}


def _git(cwd: Path, *args: str) -> str:
    env = {**os.environ, **_GIT_ENV}
    done = subprocess.run(["git", *args], cwd=cwd, env=env, capture_output=True, text=True, check=True)
    return done.stdout


def snapshot_repository(source: Path, into: Path) -> str:
    """Clone ``source`` into ``into`` and commit its working tree there; return the commit.

    Files git would show (tracked and untracked, not ignored) are copied over the
    clone and tracked files deleted in the working tree are removed, so the hook
    pre-commit installs is the code under test, not the last commit.
    """
    _git(source.parent, "clone", "--quiet", "--no-hardlinks", str(source), str(into))
    if _git(source, "status", "--porcelain", "--untracked-files=normal").strip():
        listed = _git(source, "ls-files", "-z", "--cached", "--others", "--exclude-standard")
        for name in filter(None, listed.split("\0")):
            src, dst = source / name, into / name
            if src.is_file():
                dst.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(src, dst)
            elif dst.exists():
                dst.unlink()
        _git(into, "add", "--all")
        _git(into, "commit", "--quiet", "--no-verify", "--allow-empty", "-m", "snapshot of the working tree")
    return _git(into, "rev-parse", "HEAD").strip()


@pytest.fixture(scope="module")
def hook_repo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    repo = tmp_path_factory.mktemp("hook") / "dedup"
    return repo, snapshot_repository(ROOT, repo)


@pytest.fixture(scope="module")
def pre_commit_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("pre-commit-home")


def _project(tmp_path: Path, hook_repo: tuple[Path, str], files: dict[str, str], hook: str = "dedup-check",
             args: Sequence[str] = ()) -> Path:
    project = tmp_path / "project"
    project.mkdir(parents=True)
    _git(project, "init", "--quiet")
    for name, text in files.items():
        (project / name).write_bytes(text.encode("utf-8"))
    repo, rev = hook_repo
    config = f"repos:\n  - repo: {repo.as_posix()}\n    rev: {rev}\n    hooks:\n      - id: {hook}\n"
    if args:
        config += "        args: [" + ", ".join(f'"{a}"' for a in args) + "]\n"
    (project / ".pre-commit-config.yaml").write_text(config, encoding="utf-8")
    _git(project, "add", "--all")
    return project


def _run_pre_commit(project: Path, home: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, **_GIT_ENV, "PRE_COMMIT_HOME": str(home), "PRE_COMMIT_COLOR": "never"}
    env.pop("PRE_COMMIT", None)
    return subprocess.run(
        [sys.executable, "-m", "pre_commit", "run", "--all-files", "--show-diff-on-failure"],
        cwd=project, env=env, capture_output=True, text=True, timeout=540, check=False,
    )


def _failing(text: str, fail_on: Config | None = None) -> list[str]:
    config = fail_on or Config()
    findings = check_document(Document(text, path="doc.txt"), config).findings
    return [f.rule for f in findings if f.severity.rank >= config.fail_on.rank]


@pytest.fixture(scope="module")
def clean_document_text() -> str:
    """A document with no findings, chosen at run time (the rules are still changing).

    The first government report with no finding, else a document built from report
    paragraphs, else a short hand-written one.
    """
    candidates: list[str] = []
    if GOV_REPORTS.is_dir():
        for path in sorted(GOV_REPORTS.glob("*.txt")):
            candidates.append(read_document(path).text)
        from corpora import chinese_paragraphs

        candidates.append("\n\n".join(chinese_paragraphs()[:6]) + "\n")
    candidates.append("第一部分介绍背景。\n\n第二部分说明方法和数据来源。\n\n第三部分给出结论。\n")
    for text in candidates:
        try:
            findings = check_document(Document(text, path="clean.txt"), Config()).findings
        except Exception:  # a rule still being written may crash on some report: not a clean candidate
            continue
        if not findings:
            return text
    pytest.fail("no candidate document is free of findings: a rule flags clean text")


@pytest.fixture(scope="module")
def page() -> str:
    return (SEEDS / "ningbo-2022-ocr-page.txt").read_bytes().decode("utf-8")


def test_hook_fails_on_the_example_page(tmp_path, hook_repo, pre_commit_home, page):
    done = _run_pre_commit(_project(tmp_path, hook_repo, {"page.txt": page}), pre_commit_home)
    assert done.returncode == 1, done.stdout + done.stderr
    assert "dedup check" in done.stdout and "Failed" in done.stdout
    assert "DUP002" in done.stdout and "page.txt" in done.stdout


def test_hook_passes_on_a_clean_document(tmp_path, hook_repo, pre_commit_home, clean_document_text):
    done = _run_pre_commit(_project(tmp_path, hook_repo, {"report.txt": clean_document_text}), pre_commit_home)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Passed" in done.stdout


def test_expected_output_passes_only_with_fail_on_error_or_a_baseline(tmp_path, hook_repo, pre_commit_home):
    expected = (SEEDS / "ningbo-2022-ocr-page.expected.txt").read_bytes().decode("utf-8")
    to_review = _failing(expected)
    assert not _failing(expected, Config(fail_on=Severity.ERROR))
    plain = _run_pre_commit(_project(tmp_path / "plain", hook_repo, {"page.txt": expected}), pre_commit_home)
    # the cleaned page still carries warnings for a person to review (orphan fragment, numbering gap)
    assert plain.returncode == (1 if to_review else 0), plain.stdout + plain.stderr
    for rule in to_review:
        assert rule in plain.stdout

    lenient = _project(tmp_path / "lenient", hook_repo, {"page.txt": expected}, args=["--fail-on", "error"])
    done = _run_pre_commit(lenient, pre_commit_home)
    assert done.returncode == 0, done.stdout + done.stderr

    accepted = _project(tmp_path / "accepted", hook_repo, {"page.txt": expected},
                        args=["--baseline", "dedup-baseline.json"])
    subprocess.run([sys.executable, "-m", "dedup", "check", "--write-baseline", "dedup-baseline.json", "page.txt"],
                   cwd=accepted, check=True, capture_output=True)
    _git(accepted, "add", "dedup-baseline.json")
    done = _run_pre_commit(accepted, pre_commit_home)
    assert done.returncode == 0, done.stdout + done.stderr


def test_clean_hook_rewrites_the_page_then_passes(tmp_path, hook_repo, pre_commit_home, page):
    project = _project(tmp_path, hook_repo, {"page.txt": page}, hook="dedup-clean")
    first = _run_pre_commit(project, pre_commit_home)
    assert first.returncode == 1, first.stdout + first.stderr
    assert "files were modified by this hook" in first.stdout
    rewritten = (project / "page.txt").read_bytes().decode("utf-8")
    from dedup.engine import clean_document

    assert rewritten == clean_document(Document(page, path="page.txt"), Config()).text
    _git(project, "add", "--all")
    second = _run_pre_commit(project, pre_commit_home)
    assert second.returncode == 0, second.stdout + second.stderr


def test_hook_definitions_match_the_cli():
    import yaml

    hooks = {h["id"]: h for h in yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))}
    assert set(hooks) == {"dedup-check", "dedup-clean"}
    assert hooks["dedup-check"]["entry"].split()[:2] == ["dedup", "check"]
    assert hooks["dedup-clean"]["entry"].split()[:3] == ["dedup", "clean", "--in-place"]
    for hook in hooks.values():
        assert hook["language"] == "python"
