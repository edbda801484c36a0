"""The diff format: exactly what clean would write, as a patch that applies with patch(1) and git apply."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from dedup.config import Config
from dedup.engine import clean_document
from dedup.model import Document
from dedup.records import build_record
from dedup.reporters import get_reporter


def _apply(tmp_path: Path, name: str, original: str, patch_text: str) -> str:
    target = tmp_path / name
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(original.encode("utf-8"))
    patch_file = tmp_path / "fix.diff"
    patch_file.write_bytes(patch_text.encode("utf-8"))
    subprocess.run(["git", "apply", "--check", "-p1", str(patch_file)], cwd=tmp_path, check=True)
    if shutil.which("patch") is None:
        pytest.skip("patch(1) is not installed")
    subprocess.run(["patch", "-p1", "-s", "-i", str(patch_file)], cwd=tmp_path, check=True)
    return target.read_bytes().decode("utf-8")


def test_patch_reproduces_clean_on_the_example_page(page_clean_record, opts, tmp_path):
    assert not page_clean_record.text.endswith("\n"), "the page has no final newline"
    patch_text = get_reporter("diff").render([page_clean_record], opts)
    assert patch_text.startswith(f"--- a/{page_clean_record.path}\n+++ b/{page_clean_record.path}\n")
    assert page_clean_record.corrected is not None and page_clean_record.corrected != page_clean_record.text
    patched = _apply(tmp_path, page_clean_record.path, page_clean_record.text, patch_text)
    assert patched == page_clean_record.corrected


def test_crlf_and_missing_final_newline(tmp_path, opts, page_text):
    text = page_text.replace("\n", "\r\n")
    record = build_record(clean_document(Document(text, path="docs/crlf.txt"), Config()))
    assert record.corrected is not None and record.corrected != text
    patch_text = get_reporter("diff").render([record], opts)
    assert "\r\n" in patch_text
    assert _apply(tmp_path, "docs/crlf.txt", text, patch_text) == record.corrected


def test_unchanged_and_unreadable_documents_add_nothing(opts, unreadable):
    record = build_record(clean_document(Document("一段正常的文字。\n", path="ok.txt"), Config()))
    assert get_reporter("diff").render([record, unreadable], opts) == ""


def test_diff_reporter_asks_for_the_clean_run():
    assert get_reporter("diff").needs_clean
    assert not get_reporter("sarif").needs_clean
