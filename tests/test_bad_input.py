"""The bad-input matrix, every case through the real CLI (a ``python -m dedup`` subprocess).

For an input that cannot be processed: exit 2, exactly one line on stderr naming
the file and the cause, no traceback (``--debug`` shows one), the other files
still processed, and no input file changed.  For odd but valid input: processed,
and ``clean`` writes it back in its own encoding, BOM and line endings.
"""

from __future__ import annotations

import codecs
import json
import os
import random
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PAGE = (ROOT / "tests" / "data" / "seeds" / "ningbo-2022-ocr-page.txt").read_text("utf-8")
GOOD = "第一段文字内容写在这里，完全正常。\n\n第二段文字内容也写在这里，同样正常。\n"
# a paragraph printed twice: clean changes the text, so written bytes are really re-encoded
DUPLICATED = (
    "这一段文字在排版时被重复印刷了两次，内容完全相同。\n\n"
    "中间还有一段不同的文字，说明别的事情。\n\n"
    "这一段文字在排版时被重复印刷了两次，内容完全相同。\n"
)
ENV = {**os.environ, "PYTHONWARNINGS": "ignore", "COLUMNS": "200"}
WORDS = ("the", "council", "met", "on", "tuesday", "to", "consider", "a", "proposal", "for", "new", "roads")
NOBODY = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"]


def run(args: list[str], cwd: Path, *, prefix: list[str] | None = None, timeout: float = 300,
        preexec: Callable[[], None] | None = None) -> subprocess.CompletedProcess[str]:
    # an empty config here stops the upward search: a stray config in /tmp must not leak in
    if not (cwd / "dedup.toml").exists():
        (cwd / "dedup.toml").write_text("", "utf-8")
    return subprocess.run([*(prefix or []), sys.executable, "-m", "dedup", *args], cwd=cwd, env=ENV,
                          capture_output=True, text=True, timeout=timeout, preexec_fn=preexec, check=False)


def report(proc: subprocess.CompletedProcess[str]) -> dict[str, dict[str, object]]:
    return {d["path"]: d for d in json.loads(proc.stdout)["documents"]}


def assert_one_line_error(proc: subprocess.CompletedProcess[str], name: str, cause: str) -> None:
    assert proc.returncode == 2, proc.stderr
    lines = [line for line in proc.stderr.splitlines() if line.strip()]
    assert "Traceback" not in proc.stderr
    mine = [line for line in lines if name in line]
    assert len(mine) == 1, lines
    assert cause.lower() in mine[0].lower(), mine[0]


@pytest.fixture(autouse=True)
def _hermetic_config(tmp_path: Path) -> None:
    (tmp_path / "dedup.toml").write_text("", "utf-8")


@pytest.fixture
def shared_tmp() -> Iterator[Path]:
    """A folder 'nobody' can enter (pytest's own tmp_path sits under a root-only folder)."""
    folder = Path(tempfile.mkdtemp(prefix="dedup-bad-input-", dir="/tmp"))
    folder.chmod(0o777)
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def can_drop_privileges() -> bool:
    if shutil.which("setpriv") is None or os.geteuid() != 0:
        return False
    probe = subprocess.run([*NOBODY, sys.executable, "-c", "import dedup"], capture_output=True, check=False)
    return probe.returncode == 0


# --- inputs that cannot be processed ------------------------------------------------------------


@dataclass(frozen=True)
class Bad:
    name: str
    make: Callable[[Path], str]  # builds the input in the folder, returns the argument to pass
    cause: str


def _write(path: Path, data: bytes) -> str:
    path.write_bytes(data)
    return path.name


def _symlink_loop(d: Path) -> str:
    (d / "loop-a.txt").symlink_to("loop-b.txt")
    (d / "loop-b.txt").symlink_to("loop-a.txt")
    return "loop-a.txt"


def _empty_dir(d: Path) -> str:
    (d / "nothing-here").mkdir()
    (d / "nothing-here" / "notes.md").write_text("not a .txt file", "utf-8")
    return "nothing-here"


def _damaged_utf8(d: Path) -> str:
    data = PAGE[:3000].encode("utf-8")
    return _write(d / "damaged.txt", data[:1001] + b"\xff\xfe" + data[1001:])


def _png(d: Path) -> str:
    rng = random.Random(1)
    return _write(d / "scan.png.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + rng.randbytes(4000))


BAD = [
    Bad("nonexistent", lambda d: "missing.txt", "no such file"),
    Bad("directory-without-matches", _empty_dir, "no files matching"),
    Bad("binary-nul-bytes", lambda d: _write(d / "nul.txt", b"abc\x00def\x00" * 200), "binary"),
    Bad("image", _png, "binary"),
    Bad("invalid-utf8", _damaged_utf8, "invalid utf-8 at byte 1001"),
    Bad("symlink-loop", _symlink_loop, "symbolic links"),
    Bad("a-directory-named-like-a-file", lambda d: (d / "folder.txt").mkdir() or "folder.txt/", "no files"),
]


@pytest.mark.parametrize("case", BAD, ids=[b.name for b in BAD])
def test_unprocessable_input_is_one_line_exit_2_and_others_still_processed(case: Bad, tmp_path: Path) -> None:
    (tmp_path / "good.txt").write_text(DUPLICATED, "utf-8")
    arg = case.make(tmp_path)
    before = {p.name: p.read_bytes() for p in tmp_path.iterdir() if p.is_file() and not p.is_symlink()}
    proc = run(["check", "-f", "json", arg, "good.txt"], tmp_path)
    assert_one_line_error(proc, arg.rstrip("/"), case.cause)
    docs = report(proc)
    assert docs["good.txt"].get("error") is None
    assert docs["good.txt"]["findings"], "the good file was checked"
    # clean --in-place over the same inputs: the good file is fixed, nothing else touched
    proc = run(["clean", "--in-place", "-f", "json", arg, "good.txt"], tmp_path)
    assert_one_line_error(proc, arg.rstrip("/"), case.cause)
    after = {p.name: p.read_bytes() for p in tmp_path.iterdir() if p.is_file() and not p.is_symlink()}
    assert after.pop("good.txt") != before.pop("good.txt")
    assert after == before
    assert not list(tmp_path.glob(".*.tmp"))


def test_debug_shows_the_traceback(tmp_path: Path) -> None:
    (tmp_path / "nul.txt").write_bytes(b"\x00\x01\x02" * 100)
    proc = run(["--debug", "check", "-f", "json", "nul.txt"], tmp_path)
    assert proc.returncode == 2
    assert "Traceback" in proc.stderr and "InputError" in proc.stderr


@pytest.mark.skipif(not can_drop_privileges(), reason="needs root and setpriv to run the CLI as 'nobody' "
                    "(root ignores file permissions, so the case cannot be simulated otherwise)")
def test_permission_denied_as_an_unprivileged_user(shared_tmp: Path) -> None:
    tmp_path = shared_tmp
    (tmp_path / "good.txt").write_text(DUPLICATED, "utf-8")
    (tmp_path / "secret.txt").write_text(GOOD, "utf-8")
    (tmp_path / "secret.txt").chmod(0o000)
    proc = run(["check", "-f", "json", "secret.txt", "good.txt"], tmp_path, prefix=NOBODY)
    assert_one_line_error(proc, "secret.txt", "permission denied")
    assert report(proc)["good.txt"]["findings"]


@pytest.mark.skipif(not can_drop_privileges(), reason="needs root and setpriv to run the CLI as 'nobody'")
def test_unwritable_output_folder(shared_tmp: Path) -> None:
    tmp_path = shared_tmp
    (tmp_path / "a.txt").write_text(DUPLICATED, "utf-8")
    locked = tmp_path / "locked"
    locked.mkdir(mode=0o555)
    locked.chmod(0o555)
    open_dir = tmp_path / "out"
    open_dir.mkdir()
    open_dir.chmod(0o777)
    proc = run(["clean", "-f", "json", "-o", "locked/a.txt", "a.txt"], tmp_path, prefix=NOBODY)
    assert_one_line_error(proc, "a.txt", "permission denied")
    assert not list(locked.iterdir())
    assert (tmp_path / "a.txt").read_text("utf-8") == DUPLICATED


def test_output_folder_that_is_a_file(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(DUPLICATED, "utf-8")
    (tmp_path / "b.txt").write_text(GOOD, "utf-8")
    (tmp_path / "out").write_text("a file, not a folder", "utf-8")
    proc = run(["clean", "-f", "json", "--out-dir", "out/sub", "a.txt", "b.txt"], tmp_path)
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr
    assert "cannot write output" in proc.stderr
    assert (tmp_path / "a.txt").read_text("utf-8") == DUPLICATED


def _mount_small_tmpfs(where: Path) -> bool:
    if os.geteuid() != 0 or shutil.which("mount") is None:
        return False
    where.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(where)],
                          capture_output=True, check=False)
    return done.returncode == 0


def _limit_file_size() -> None:
    # the fault-injecting route: writes past 48 KiB fail with EFBIG instead of killing the process
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (48 * 1024, 48 * 1024))


def test_full_disk(tmp_path: Path) -> None:
    import gen_docs

    small = DUPLICATED
    large = gen_docs.big_document(60_000, seed=5, duplicate_rate=0.0)  # 180 kB of unique text: does not fit
    (tmp_path / "a-small.txt").write_text(small, "utf-8")
    (tmp_path / "b-large.txt").write_text(large, "utf-8")
    disk = tmp_path / "disk"
    mounted = _mount_small_tmpfs(disk)
    try:
        if mounted:
            proc = run(["clean", "-f", "json", "--out-dir", str(disk), "a-small.txt", "b-large.txt"], tmp_path)
            cause = "no space left"
        else:
            disk.mkdir(exist_ok=True)
            proc = run(["clean", "-f", "json", "--out-dir", str(disk), "a-small.txt", "b-large.txt"], tmp_path,
                       preexec=_limit_file_size)
            cause = "too large"
        assert_one_line_error(proc, "b-large.txt", cause)
        assert (disk / "a-small.txt").exists(), "the file that fits is written"
        assert not (disk / "b-large.txt").exists(), "no half-written output"
        assert not [p for p in disk.iterdir() if p.name.endswith(".tmp")], "temporary files removed"
        assert (tmp_path / "b-large.txt").read_text("utf-8") == large
    finally:
        if mounted:
            subprocess.run(["umount", str(disk)], check=False)


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_signal_during_clean_in_place_leaves_every_file_whole(sig: signal.Signals, tmp_path: Path) -> None:
    import gen_docs

    text = gen_docs.big_document(120_000, seed=3)
    expected_path = tmp_path / "expected.txt"
    expected_path.write_text(text, "utf-8")
    done = run(["clean", "-o", "expected.out", "expected.txt"], tmp_path)
    assert done.returncode == 0, done.stderr
    cleaned = (tmp_path / "expected.out").read_bytes()
    original = text.encode("utf-8")
    assert cleaned != original
    work = tmp_path / "work"
    work.mkdir()
    for i in range(12):
        (work / f"doc{i:02d}.txt").write_bytes(original)
    proc = subprocess.Popen([sys.executable, "-m", "dedup", "clean", "--in-place", "-q", "work"], cwd=tmp_path,
                            env=ENV, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    # wait until the first file has been rewritten, then interrupt in the middle of the run
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and proc.poll() is None:
        if any(p.read_bytes() == cleaned for p in work.glob("doc*.txt")):
            break
        time.sleep(0.02)
    proc.send_signal(sig)
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 128 + sig, err
    assert "Traceback" not in err
    assert "interrupted" in err
    states = [p.read_bytes() for p in sorted(work.glob("doc*.txt"))]
    assert all(s in (original, cleaned) for s in states), "a file was left half-written"
    assert any(s == cleaned for s in states) and any(s == original for s in states)
    assert not list(work.glob(".*")), "temporary files left behind"


# --- odd but valid inputs: processed, and written back as they came ----------------------------------


@dataclass(frozen=True)
class Odd:
    name: str
    data: bytes
    encoding: str  # what the report must say
    bom: bool = False


def _page(n: int) -> str:
    return PAGE[:n]


ODD = [
    Odd("gb18030", (DUPLICATED + _page(1500)).encode("gb18030"), "gb18030"),
    Odd("big5", "這一段文字在排版時被重複印刷了兩次，內容完全相同。\n\n中間另有一段不同的文字。\n\n"
        "這一段文字在排版時被重複印刷了兩次，內容完全相同。\n".encode("big5"), "big5"),
    Odd("utf-16-le-bom", codecs.BOM_UTF16_LE + DUPLICATED.encode("utf-16-le"), "utf-16-le", True),
    Odd("utf-16-be-bom", codecs.BOM_UTF16_BE + DUPLICATED.encode("utf-16-be"), "utf-16-be", True),
    Odd("utf-16-le-no-bom", DUPLICATED.encode("utf-16-le"), "utf-16-le"),
    Odd("utf-16-be-no-bom", (DUPLICATED + _page(800)).encode("utf-16-be"), "utf-16-be"),
    Odd("utf-8-bom", codecs.BOM_UTF8 + DUPLICATED.encode("utf-8"), "utf-8", True),
    Odd("empty", b"", "utf-8"),
    Odd("whitespace-only", b"  \n\t\n\r\n   ", "utf-8"),
    Odd("mixed-crlf-lf", DUPLICATED.replace("\n", "\r\n", 2).encode("utf-8"), "utf-8"),
    Odd("lone-cr", DUPLICATED.replace("\n", "\r").encode("utf-8"), "utf-8"),
    Odd("control-characters", ("正文\x01\x02\x1b[31m文字。\x07\n\n" + DUPLICATED).encode("utf-8"), "utf-8"),
    Odd("combining-marks", ("Cafe\u0301 de\u0301ja\u0300 vu, the same line here again.\n\n" * 2
                            + "Noe\u0308l and Zoe\u0308 went home.\n").encode("utf-8"), "utf-8"),
    Odd("astral-and-variation-selectors", ("𠀋𠀍𡈽 text 👍🏽 and ︎ selectors，句子。\n\n" * 2).encode("utf-8"), "utf-8"),
]


@pytest.mark.parametrize("case", ODD, ids=[c.name for c in ODD])
def test_odd_input_is_processed_and_written_back_in_kind(case: Odd, tmp_path: Path) -> None:
    (tmp_path / "in.txt").write_bytes(case.data)
    proc = run(["check", "-f", "json", "in.txt"], tmp_path)
    assert proc.returncode in (0, 1), proc.stderr
    assert "Traceback" not in proc.stderr
    doc = report(proc)["in.txt"]
    assert doc.get("error") is None
    assert doc["encoding"] == case.encoding
    assert doc["bom"] is case.bom
    proc = run(["clean", "-q", "--out-dir", "out", "in.txt"], tmp_path)
    assert proc.returncode == 0, proc.stderr
    written = (tmp_path / "out" / "in.txt").read_bytes()
    assert (tmp_path / "in.txt").read_bytes() == case.data, "the input is never touched by --out-dir"
    if case.bom:
        bom = {"utf-8": codecs.BOM_UTF8, "utf-16-le": codecs.BOM_UTF16_LE, "utf-16-be": codecs.BOM_UTF16_BE}
        assert written.startswith(bom[case.encoding])
        body = written[len(bom[case.encoding]) :]
    else:
        body = written
    text_in = case.data.decode(case.encoding).lstrip("\ufeff")
    text_out = body.decode(case.encoding)  # strict: the bytes are in the input's encoding
    # newline style: every line break of the output is one the input used
    used = {nl for nl in ("\r\n", "\r", "\n") if nl in text_in}
    if "\r\n" in used and "\r" not in text_in.replace("\r\n", ""):
        used.discard("\r")
    if "\r\n" in used and "\n" not in text_in.replace("\r\n", ""):
        used.discard("\n")
    for nl in ("\r\n", "\r", "\n"):
        if nl not in used:
            assert nl not in (text_out.replace("\r\n", "") if nl != "\r\n" else text_out), f"{nl!r} introduced"
    # a second clean changes nothing
    proc = run(["clean", "-q", "--out-dir", "out2", "out/in.txt"], tmp_path)
    assert proc.returncode == 0
    assert (tmp_path / "out2" / "in.txt").read_bytes() == written


def test_encoded_surrogates_are_not_a_crash(tmp_path: Path) -> None:
    # CESU-style encoded surrogates: invalid UTF-8.  Either refused in one line or read and written back intact.
    data = b"text with an encoded surrogate \xed\xa0\x80 here, and more text after it.\n"
    (tmp_path / "s.txt").write_bytes(data)
    proc = run(["clean", "-f", "json", "--out-dir", "out", "s.txt"], tmp_path)
    assert "Traceback" not in proc.stderr
    if proc.returncode == 2:
        assert_one_line_error(proc, "s.txt", "")
    else:
        assert proc.returncode == 0
        assert (tmp_path / "out" / "s.txt").read_bytes() == data


def test_directory_symlink_loop_terminates_and_reads_each_file_once(tmp_path: Path) -> None:
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "a.txt").write_text(DUPLICATED, "utf-8")
    (folder / "loop").symlink_to(folder, target_is_directory=True)
    proc = run(["check", "-f", "json", "docs"], tmp_path, timeout=60)
    assert proc.returncode == 1, proc.stderr
    assert list(report(proc)) == ["docs/a.txt"]


@pytest.mark.slow
def test_one_20_mb_line(tmp_path: Path) -> None:
    rng = random.Random(0)
    words = WORDS
    line = " ".join(rng.choice(words) for _ in range(4_000_000))[:20_000_000]
    (tmp_path / "line.txt").write_text(line, "utf-8")
    (tmp_path / "good.txt").write_text(DUPLICATED, "utf-8")
    proc = run(["check", "-f", "json", "line.txt", "good.txt"], tmp_path, timeout=1800)
    assert proc.returncode in (0, 1), proc.stderr[-2000:]
    docs = report(proc)
    assert docs["line.txt"].get("error") is None
    assert docs["good.txt"]["findings"]
