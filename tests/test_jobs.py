"""``--jobs N``: the same report, byte for byte, and the same written files as one process."""

from __future__ import annotations

import random
import subprocess
import sys
from pathlib import Path

from gen_docs import make_document


def _run(args: list[str], cwd: Path) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run([sys.executable, "-m", "dedup", *args], cwd=cwd, capture_output=True, check=False,
                          timeout=300)


def test_jobs_give_the_same_report_and_files(tmp_path: Path) -> None:
    (tmp_path / "dedup.toml").write_text("", "utf-8")
    docs = tmp_path / "docs"
    docs.mkdir()
    rng = random.Random(8)
    for i in range(24):
        (docs / f"d{i:02d}.txt").write_text(make_document(rng, lang=rng.choice(("zh", "en"))).text, "utf-8")
    (docs / "broken.txt").write_bytes(b"\x00\x01binary")
    one = _run(["check", "-f", "json", "--jobs", "1", "docs"], tmp_path)
    two = _run(["check", "-f", "json", "--jobs", "2", "docs"], tmp_path)
    every = _run(["check", "-f", "json", "-j", "0", "docs"], tmp_path)
    assert one.returncode == two.returncode == every.returncode == 2  # the binary file
    assert one.stdout == two.stdout == every.stdout
    assert one.stderr == two.stderr
    assert b"d23.txt" in one.stdout
    for jobs in ("1", "2"):
        done = _run(["clean", "-q", "--jobs", jobs, "--out-dir", f"out{jobs}", "docs"], tmp_path)
        assert done.returncode == 2
    files1 = {p.name: p.read_bytes() for p in (tmp_path / "out1").iterdir()}
    files2 = {p.name: p.read_bytes() for p in (tmp_path / "out2").iterdir()}
    assert files1 == files2
    assert len(files1) == 24
