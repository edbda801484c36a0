"""Baselines: accepted findings by fingerprint (not offsets), counted, so CI reports only new ones."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest
from click.testing import CliRunner

from dedup.baseline import SCHEMA, Baseline, BaselineError
from dedup.cli import EXIT_ERROR, EXIT_FINDINGS, EXIT_OK, cli
from dedup.config import Config
from dedup.engine import CheckResult, check_document
from dedup.model import Block, Document, Finding, Severity, Span
from dedup.records import build_record

ROOT = Path(__file__).resolve().parents[1]
PAGE = ROOT / "tests" / "data" / "seeds" / "ningbo-2022-ocr-page.txt"
#: a paragraph that is not on the example page, for inserting twice
NEW_PARAGRAPH = (
    "扎实推进乡村振兴。完善农田水利设施，新建高标准农田五万亩，培育家庭农场和农民合作社二百家，让农民腰包更鼓。"
)


def _run(args: list[str], cwd: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.chdir(cwd)
    return CliRunner().invoke(cli, args, catch_exceptions=False)


def _findings(output: str) -> list[dict]:
    return [f for d in json.loads(output)["documents"] for f in d["findings"]]


def _involved(text: str) -> set[int]:
    """Blocks that any finding touches (its span, its twins, its edits) on ``text``."""
    doc = Document(text)
    spans: list[Span] = []
    for f in check_document(doc, Config()).findings:
        spans += [f.span, *f.related]
        if f.fix is not None:
            spans += [e.span for e in f.fix.edits]
    touched = set()
    for block in doc.blocks:
        # a finding at a block boundary (a break between blocks) touches both neighbours
        lo, hi = block.start - 2, block.end + 2
        if any((s.start < hi and lo < s.end) or (s.start == s.end and lo <= s.start <= hi) for s in spans):
            touched.add(block.index)
    return touched


def _free_blocks(text: str) -> list[Block]:
    """Blocks no finding touches, with neither neighbour touched, long enough to be ordinary paragraphs."""
    touched = _involved(text)
    blocks = Document(text).blocks
    return [
        b for b in blocks
        if not {b.index - 1, b.index, b.index + 1} & touched and len(b.text) >= 40 and "\n" not in b.text
    ]


def _insert_after(text: str, block: Block | None, paragraph: str) -> str:
    """``paragraph`` as a new block after ``block`` (at the very end when None)."""
    if block is None:
        return text.rstrip("\n") + "\n\n" + paragraph + "\n"
    return text[: block.end] + "\n\n" + paragraph + text[block.end :]


@pytest.fixture
def baselined_page(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    page = tmp_path / "page.txt"
    page.write_bytes(PAGE.read_bytes())
    result = _run(["check", "--write-baseline", "baseline.json", "page.txt"], tmp_path, monkeypatch)
    assert result.exit_code == EXIT_OK, result.output
    return page


def test_written_baseline_makes_the_check_pass(baselined_page: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = baselined_page.parent
    data = json.loads((folder / "baseline.json").read_text(encoding="utf-8"))
    assert data["schema"] == SCHEMA
    total = sum(e["count"] for e in data["documents"]["page.txt"])
    assert total == len(check_document(Document(PAGE.read_text(encoding="utf-8")), Config()).findings) > 0
    assert _run(["check", "page.txt"], folder, monkeypatch).exit_code == EXIT_FINDINGS
    result = _run(["check", "--baseline", "baseline.json", "page.txt"], folder, monkeypatch)
    assert result.exit_code == EXIT_OK, result.output
    assert f"0 findings; {total} more accepted by the baseline" in result.output
    result = _run(["check", "-f", "json", "--baseline", "baseline.json", "page.txt"], folder, monkeypatch)
    stats = json.loads(result.output)["documents"][0]["stats"]
    assert (stats["findings"], stats["baselined"]) == (0, total)


def _positions(text: str) -> dict[str, Block | None]:
    free = _free_blocks(text)
    assert len(free) >= 4, "the page has ordinary paragraphs no finding touches"
    return {"near-start": free[0], "middle": free[len(free) // 2], "end": None}


@pytest.mark.parametrize("where", ["near-start", "middle", "end"])
def test_a_copied_paragraph_is_the_only_new_finding(
    baselined_page: Path, monkeypatch: pytest.MonkeyPatch, where: str
) -> None:
    text = baselined_page.read_text(encoding="utf-8")
    free = _free_blocks(text)
    position = _positions(text)[where]
    # copy a paragraph far from the insertion point
    source = free[-1] if position is not None and position.index < free[-1].index - 1 else free[0]
    baselined_page.write_text(_insert_after(text, position, source.text), encoding="utf-8")
    result = _run(["check", "-f", "json", "--baseline", "baseline.json", "page.txt"], baselined_page.parent,
                  monkeypatch)
    assert result.exit_code == EXIT_FINDINGS, result.output
    [new] = _findings(result.output)
    assert new["kind"] == "duplicate-paragraph"
    assert source.text in {new["text"], *(baselined_page.read_text(encoding="utf-8")[r["start"]:r["end"]]
                                          for r in new["related"])}


@pytest.mark.parametrize("where", ["near-start", "middle", "end"])
def test_a_new_paragraph_printed_twice_is_the_only_new_finding(
    baselined_page: Path, monkeypatch: pytest.MonkeyPatch, where: str
) -> None:
    text = baselined_page.read_text(encoding="utf-8")
    assert NEW_PARAGRAPH not in text
    first = _free_blocks(text)[0 if where != "near-start" else -1]
    position = _positions(text)[where]
    edited = _insert_after(text, first, NEW_PARAGRAPH)
    # the second copy goes in after the same block, shifted by the first insertion
    if position is None:
        edited = _insert_after(edited, None, NEW_PARAGRAPH)
    else:
        block = next(b for b in Document(edited).blocks if b.text == position.text)
        edited = _insert_after(edited, block, NEW_PARAGRAPH)
    assert edited.count(NEW_PARAGRAPH) == 2
    baselined_page.write_text(edited, encoding="utf-8")
    result = _run(["check", "-f", "json", "--baseline", "baseline.json", "page.txt"], baselined_page.parent,
                  monkeypatch)
    assert result.exit_code == EXIT_FINDINGS, result.output
    [new] = _findings(result.output)
    assert new["kind"] == "duplicate-paragraph"
    assert new["text"] == NEW_PARAGRAPH


def test_editing_an_unrelated_paragraph_keeps_the_baseline(baselined_page: Path,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    text = baselined_page.read_text(encoding="utf-8")
    # an early paragraph with a number: the edit changes its length, shifting every later finding
    block = next(b for b in _free_blocks(text) if any(ch.isdigit() for ch in b.text))
    at = next(i for i, ch in enumerate(block.text) if ch.isdigit())
    edited_block = block.text[: at + 1] + "0" + block.text[at + 1 :]
    edited = text[: block.start] + edited_block + text[block.end :]
    assert len(edited) == len(text) + 1
    touched = [f for f in check_document(Document(text), Config()).findings if f.span.start > block.end]
    assert touched, "findings after the edited paragraph move"
    baselined_page.write_text(edited, encoding="utf-8")
    result = _run(["check", "--baseline", "baseline.json", "page.txt"], baselined_page.parent, monkeypatch)
    assert result.exit_code == EXIT_OK, result.output
    # without the baseline the same document still fails: the baseline is what accepts it
    assert _run(["check", "page.txt"], baselined_page.parent, monkeypatch).exit_code == EXIT_FINDINGS


def test_paths_are_relative_to_the_baseline_file(baselined_page: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = baselined_page.parent
    outer = folder.parent
    result = _run(["check", "--baseline", f"{folder.name}/baseline.json", f"{folder.name}/page.txt"], outer,
                  monkeypatch)
    assert result.exit_code == EXIT_OK, result.output
    # another document with the same text is not covered by page.txt's entries
    (folder / "copy.txt").write_bytes(PAGE.read_bytes())
    result = _run(["check", "--baseline", "baseline.json", "copy.txt"], folder, monkeypatch)
    assert result.exit_code == EXIT_FINDINGS


def test_stdin_uses_its_filename_for_the_baseline(baselined_page: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(baselined_page.parent)
    runner = CliRunner()
    args = ["check", "--baseline", "baseline.json", "--stdin-filename", "page.txt", "-"]
    result = runner.invoke(cli, args, input=PAGE.read_bytes())
    assert result.exit_code == EXIT_OK, result.output


@pytest.mark.parametrize(
    ("content", "message"),
    [(None, "no such baseline file"), ("[]", "not a dedup-baseline/1 file"), ("{", "not a JSON baseline"),
     ('{"schema": "dedup-baseline/1", "documents": {"a.txt": [{"rule": "X"}]}}', "lacks a fingerprint")],
    ids=["missing", "wrong-schema", "not-json", "entry"],
)
def test_unusable_baseline_exits_2(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, content: str | None,
                                   message: str) -> None:
    (tmp_path / "page.txt").write_bytes(PAGE.read_bytes())
    if content is not None:
        (tmp_path / "baseline.json").write_text(content, encoding="utf-8")
    result = _run(["check", "--baseline", "baseline.json", "page.txt"], tmp_path, monkeypatch)
    assert result.exit_code == EXIT_ERROR
    assert message in result.output
    with pytest.raises(BaselineError, match=message):
        Baseline.load(tmp_path / "baseline.json")


# --- counting identical fingerprints ------------------------------------------------------------


def _record(count: int, path: str = "doc.txt"):
    text = "重复的段落。\n\n" * (count + 1)
    doc = Document(text, path=path)
    finding = Finding("DUP001", "duplicate-paragraph", Severity.WARNING, 1.0, "copy", Span(0, 6),
                      fingerprint="DUP001:重复的段落。:重复的段落。")
    findings = [replace(finding, span=Span(8 * i, 8 * i + 6)) for i in range(1, count + 1)]
    return build_record(CheckResult(doc, findings))


def test_identical_fingerprints_are_counted(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    baseline = Baseline.from_records([_record(2)], tmp_path / "b.json")
    (tmp_path / "b.json").write_text(baseline.dumps(), encoding="utf-8")
    loaded = Baseline.load(tmp_path / "b.json")
    [entry] = json.loads(baseline.dumps())["documents"]["doc.txt"]
    assert entry["count"] == 2
    assert loaded.new_findings(_record(2))[1] == 2
    new, accepted = loaded.new_findings(_record(3))
    # the first two occurrences are the accepted ones; the third is new
    assert (len(new), accepted) == (1, 2)
    assert new[0].span.start == 24
    new, accepted = loaded.new_findings(_record(1))
    assert (new, accepted) == ([], 1)


def test_a_third_copy_on_a_generated_document_is_new(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    a, b, c, d = (
        "第一段讲述城市更新的总体安排，包括老旧小区改造和道路修缮等工作。",
        "第二段说明今年的财政预算安排，重点保障教育、医疗和养老支出。",
        "第三段回顾去年的主要工作，经济运行总体平稳，就业形势保持稳定。",
        "第四段部署下一步任务，强调要抓好安全生产和防灾减灾各项工作。",
    )
    doc = tmp_path / "doc.txt"
    doc.write_text("\n\n".join([a, b, a, c, d]) + "\n", encoding="utf-8")
    assert _run(["check", "--write-baseline", "b.json", "doc.txt"], tmp_path, monkeypatch).exit_code == EXIT_OK
    before = json.loads((tmp_path / "b.json").read_text(encoding="utf-8"))["documents"]["doc.txt"]
    assert [e["rule"] for e in before] == ["DUP001"]
    doc.write_text("\n\n".join([a, b, a, c, a, d]) + "\n", encoding="utf-8")
    result = _run(["check", "-f", "json", "--baseline", "b.json", "doc.txt"], tmp_path, monkeypatch)
    assert result.exit_code == EXIT_FINDINGS
    assert [f["rule"] for f in _findings(result.output)] == ["DUP001"]
