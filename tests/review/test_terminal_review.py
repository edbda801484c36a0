"""``dedup review`` driven by keystrokes in a pseudo-terminal (pexpect), and by piped answers."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pexpect
import pytest
from review.review_support import generated_text, run_dedup

from dedup.decisions import ACCEPT, REJECT, SKIP, apply_decisions
from dedup.engine import check_document
from dedup.model import Document, Finding


def _fixable(path: Path) -> tuple[str, list[Finding], list[Finding]]:
    text = path.read_bytes().decode("utf-8")
    findings = check_document(Document(text, path=str(path))).findings
    return text, findings, [f for f in findings if f.fix is not None]


def _replay(doc: Path, decisions: Path, tmp_path: Path) -> bytes:
    out = tmp_path / "replayed.txt"
    done = run_dedup("clean", str(doc), "--decisions", str(decisions), "-o", str(out), "-q")
    assert done.returncode == 0, done.stderr.decode()
    return out.read_bytes()


def test_keystrokes_in_a_terminal(tmp_path: Path, page_copy: Path) -> None:
    text, findings, fixable = _fixable(page_copy)
    assert len(fixable) >= 5
    out, decisions = tmp_path / "out.txt", tmp_path / "decisions.json"
    child = pexpect.spawn(
        sys.executable, ["-m", "dedup", "review", str(page_copy), "-o", str(out), "--decisions", str(decisions)],
        encoding="utf-8", timeout=60, dimensions=(50, 200), cwd=str(tmp_path),
    )
    transcript: list[str] = []
    expected: dict[int, str] = {}
    # fix 1 accepted, 2 rejected, 3 help then skipped, 4 accepted, 5 "accept this and all remaining safe"
    script = [("y", ACCEPT), ("n", REJECT), ("?", None), ("s", SKIP), ("y", ACCEPT), ("a", ACCEPT)]
    position = 0
    for key, decision in script:
        child.expect_exact("Apply this fix")
        transcript.append(child.before)
        child.sendline(key)
        if decision is None:
            child.expect_exact("reject this fix")  # the help
            continue
        expected[id(fixable[position])] = decision
        position += 1
    for later in fixable[position:]:
        assert later.fix is not None
        expected[id(later)] = ACCEPT if later.fix.safe else SKIP
    child.expect_exact("wrote")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0, child.before
    shown = "".join(transcript)
    assert f"(1/{len(fixable)})" in shown and f"(5/{len(fixable)})" in shown
    if any(f.fix is not None and f.fix.keeps for f in fixable[:5]):
        assert "kept copy (line" in shown

    written = out.read_bytes()
    assert written.decode("utf-8") == apply_decisions(text, findings, expected).text
    assert written == _replay(page_copy, decisions, tmp_path)
    recorded = json.loads(decisions.read_text(encoding="utf-8"))["documents"][0]["decisions"]
    assert [d["decision"] for d in recorded] == [expected[id(f)] for f in fixable]
    assert [d["fingerprint"] for d in recorded] == [f.fingerprint for f in fixable]


@pytest.mark.parametrize(("answers", "seed", "prompts"), [("n\ny\nq\n", 0, 3), ("y\nd\n", 1, 2), ("s\ny\n", 3, 3)],
                         ids=["reject-accept-quit", "accept-then-reject-rest", "eof-skips-the-rest"])
def test_piped_answers(tmp_path: Path, answers: str, seed: int, prompts: int) -> None:
    doc = tmp_path / "doc.txt"
    doc.write_bytes(generated_text(seed).encode("utf-8"))
    text, findings, fixable = _fixable(doc)
    assert len(fixable) >= 2
    done = run_dedup("review", str(doc), input=answers.encode())
    assert done.returncode == 0, done.stderr.decode()
    stdout = done.stdout.decode("utf-8")
    assert "\x1b[" not in stdout  # no colour when not on a terminal
    assert stdout.count("Apply this fix") == min(len(fixable), prompts)
    written = doc.with_name("doc.reviewed.txt")
    decisions = doc.with_name("doc.decisions.json")
    recorded = [d["decision"] for d in json.loads(decisions.read_text(encoding="utf-8"))["documents"][0]["decisions"]]
    keys = answers.split()
    meaning = {"y": ACCEPT, "n": REJECT, "s": SKIP}
    for i, key in enumerate(k for k in keys if k in meaning):
        assert recorded[i] == meaning[key]
    if "d" in keys:
        assert recorded[1:] == [REJECT] * (len(fixable) - 1)
    else:
        assert recorded[len([k for k in keys if k in meaning]):] == [SKIP] * (len(fixable) - len(
            [k for k in keys if k in meaning]))
    assert written.read_bytes() == _replay(doc, decisions, tmp_path)
    states = {id(f): d for f, d in zip(fixable, recorded, strict=True)}
    assert written.read_bytes().decode("utf-8") == apply_decisions(text, findings, states).text
