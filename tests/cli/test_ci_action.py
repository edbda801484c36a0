"""The GitHub Action: its composite steps run locally (the script does the work), SARIF validated."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
PAGE = ROOT / "tests" / "data" / "seeds" / "ningbo-2022-ocr-page.txt"
CLEAN = "第一部分介绍背景。\n\n第二部分说明方法和数据来源。\n\n第三部分给出结论。\n"
_EXPR = re.compile(r"\$\{\{\s*(.+?)\s*\}\}")

pytestmark = pytest.mark.skipif(shutil.which("bash") is None or shutil.which("git") is None,
                                reason="the action's script needs bash and git")


def _action() -> dict[str, Any]:
    import yaml

    return yaml.safe_load((ROOT / "action.yml").read_text(encoding="utf-8"))


def _evaluate(value: str, inputs: dict[str, str]) -> str:
    def one(m: re.Match[str]) -> str:
        expr = m[1]
        if expr.startswith("inputs."):
            return inputs[expr.removeprefix("inputs.")]
        if expr == "github.action_path":
            return str(ROOT)
        raise AssertionError(f"the test cannot evaluate ${{{{ {expr} }}}} in a run step")

    return _EXPR.sub(one, value)


def run_action(workspace: Path, tmp_path: Path, **given: str) -> tuple[int, str, dict[str, str], str]:
    """Run the action's shell steps as the runner would; return status, stdout, outputs, step summary."""
    action = _action()
    inputs = {name: str(spec.get("default", "")) for name, spec in action["inputs"].items()}
    unknown = set(given) - set(inputs)
    assert not unknown, f"not inputs of the action: {unknown}"
    inputs.update(given)
    output_file = tmp_path / "github_output"
    summary_file = tmp_path / "step_summary"
    output_file.write_text("")
    summary_file.write_text("")
    status, stdout = 0, ""
    for step in action["runs"]["steps"]:
        if "run" not in step:
            continue
        env = {
            **os.environ,
            "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
            "GITHUB_ACTION_PATH": str(ROOT),
            "GITHUB_OUTPUT": str(output_file),
            "GITHUB_STEP_SUMMARY": str(summary_file),
            **{k: _evaluate(str(v), inputs) for k, v in step.get("env", {}).items()},
        }
        done = subprocess.run(["bash", "-e", "-c", _evaluate(step["run"], inputs)], cwd=workspace, env=env,
                              capture_output=True, text=True, timeout=300, check=False)
        status, stdout = done.returncode, stdout + done.stdout
        if status != 0:
            break
    outputs = dict(line.split("=", 1) for line in output_file.read_text().splitlines() if "=" in line)
    return status, stdout, outputs, summary_file.read_text(encoding="utf-8")


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    ws = tmp_path / "ws"
    (ws / "docs").mkdir(parents=True)
    (ws / "docs" / "page.txt").write_bytes(PAGE.read_bytes())
    (ws / "docs" / "clean.txt").write_text(CLEAN, encoding="utf-8")
    return ws


def _validate_sarif(path: Path) -> dict[str, Any]:
    import jsonschema

    schema = json.loads((ROOT / "tests" / "data" / "schemas" / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))
    report = json.loads(path.read_text(encoding="utf-8"))
    jsonschema.validators.validator_for(schema)(schema).validate(report)
    return report


def test_action_metadata_is_consistent() -> None:
    action = _action()
    assert action["runs"]["using"] == "composite"
    steps = action["runs"]["steps"]
    [check] = [s for s in steps if s.get("id") == "check"]
    assert "scripts/ci-check.sh" in check["run"] and check["shell"] == "bash"
    referenced = {m[1].removeprefix("inputs.") for s in steps for v in (s.get("env") or {}).values()
                  for m in _EXPR.finditer(str(v)) if m[1].startswith("inputs.")}
    assert referenced <= set(action["inputs"])
    [upload] = [s for s in steps if "uses" in s]
    assert upload["uses"].startswith("github/codeql-action/upload-sarif@")
    assert "always()" in upload["if"] and "inputs.upload-sarif" in upload["if"]
    for output in action["outputs"].values():
        assert "steps.check.outputs." in output["value"]


def test_action_fails_on_the_example_page_with_sarif_and_annotations(workspace: Path, tmp_path: Path) -> None:
    status, stdout, outputs, summary = run_action(workspace, tmp_path, install="none", paths="docs")
    assert status == 1
    assert outputs == {"exit-code": "1", "sarif-file": "dedup.sarif"}
    report = _validate_sarif(workspace / "dedup.sarif")
    results = report["runs"][0]["results"]
    assert results and {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in results} == {
        "docs/page.txt"}
    assert stdout.count("::warning file=docs/page.txt,") > 3
    last = stdout.rstrip().splitlines()[-1]
    assert last.startswith("dedup: ") and "in 1 of 2 documents" in last
    assert last in summary


def test_action_inputs_fail_on_and_baseline(workspace: Path, tmp_path: Path) -> None:
    status, *_ = run_action(workspace, tmp_path, install="none", paths="docs", **{"fail-on": "error"})
    assert status == 0
    subprocess.run([sys.executable, "-m", "dedup", "check", "--write-baseline", "base.json", "docs"], cwd=workspace,
                   check=True, capture_output=True)
    status, _, outputs, _ = run_action(workspace, tmp_path, install="none", paths="docs", baseline="base.json",
                                       **{"sarif-file": "out/d.sarif"})
    assert status == 0 and outputs["exit-code"] == "0"
    assert _validate_sarif(workspace / "out" / "d.sarif")["runs"][0]["results"] == []


def test_action_checks_only_changed_documents(workspace: Path, tmp_path: Path) -> None:
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.invalid",
           "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.invalid"}
    for args in (["init", "-q"], ["add", "-A"], ["commit", "-qm", "base"]):
        subprocess.run(["git", *args], cwd=workspace, env=env, check=True, capture_output=True)
    (workspace / "docs" / "clean.txt").write_text(CLEAN + "\n第四部分补充说明。\n", encoding="utf-8")
    status, stdout, _, _ = run_action(workspace, tmp_path, install="none", **{"changed-since": "HEAD"})
    assert status == 0, stdout
    assert "in 0 of 1 document" in stdout
    status, *_ = run_action(workspace, tmp_path, install="none", **{"changed-since": "no-such-ref"})
    assert status == 2


def test_usage_errors_exit_2(workspace: Path, tmp_path: Path) -> None:
    status, *_ = run_action(workspace, tmp_path, install="none", paths="docs", args="--select NOPE")
    assert status == 2


def _readme_section() -> str:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    start = text.index("## Use in CI")
    end = text.find("\n## ", start + 1)
    return text[start : end if end > 0 else len(text)]


def _yaml_blocks(markdown: str) -> list[str]:
    return re.findall(r"```yaml\n(.*?)```", markdown, flags=re.S)


def test_readme_workflow_uses_real_inputs_and_hooks() -> None:
    import yaml

    blocks = _yaml_blocks(_readme_section())
    assert len(blocks) >= 3, "workflow, pre-commit and reviewdog snippets"
    workflow = yaml.safe_load(blocks[0])
    steps = workflow["jobs"]["dedup"]["steps"]
    [ours] = [s for s in steps if s.get("uses", "").endswith("/dedup@v0.1.0")]
    assert set(ours["with"]) <= set(_action()["inputs"])
    assert workflow["permissions"]["security-events"] == "write"

    precommit = yaml.safe_load(blocks[1])
    hook_ids = {h["id"] for h in yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))}
    assert {h["id"] for r in precommit["repos"] for h in r["hooks"]} <= hook_ids

    reviewdog_steps = yaml.safe_load(blocks[2])
    script = next(s["run"] for s in reviewdog_steps if "run" in s)
    assert "-f rdjson" in script and "-f=rdjson" in script


def test_readme_commands_use_existing_options() -> None:
    from click.testing import CliRunner

    from dedup.cli import cli

    help_text = CliRunner().invoke(cli, ["check", "--help"]).stdout
    section = _readme_section() + (ROOT / "docs" / "ci.md").read_text(encoding="utf-8")
    options = set(re.findall(r"dedup check[^\n`]*", section))
    assert options
    for line in options:
        for option in re.findall(r"(?<![\w-])--[a-z][a-z-]+", line):
            assert option in help_text, f"{option} (in {line!r}) is not an option of dedup check"
