"""Helpers shared by the review tests (imported as ``review_support``)."""

from __future__ import annotations

import os
import random
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PAGE = ROOT / "tests" / "data" / "seeds" / "ningbo-2022-ocr-page.txt"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def run_dedup(*args: str, input: bytes | None = None, cwd: Path | None = None) -> subprocess.CompletedProcess[bytes]:
    """The installed CLI in a subprocess, as a user runs it."""
    return subprocess.run(
        [sys.executable, "-m", "dedup", *args], input=input, capture_output=True, cwd=cwd, check=False,
        env={**os.environ, "PYTHONIOENCODING": "utf-8"},
    )


def generated_text(seed: int) -> str:
    """A generated document with duplicates, repeats and a broken paragraph (no example-page text)."""
    from gen_docs import make_document

    rng = random.Random(seed)
    doc = make_document(
        rng, lang="mixed" if seed % 2 else "zh", paragraphs=10,
        faults=("duplicate-paragraph", "duplicate-section", "stutter", "broken-paragraph", "page-marker"),
    )
    return doc.text
