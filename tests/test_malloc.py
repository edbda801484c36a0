"""The command line keeps freed memory in the process (glibc): fewer page faults, same results."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

from dedup._malloc import keep_freed_memory

_PROBE = textwrap.dedent(
    """
    import resource, sys
    if sys.argv[1] == "tuned":
        from dedup._malloc import keep_freed_memory
        assert keep_freed_memory()
    before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
    for _ in range(40):
        # temporaries of 1 MB, touched and freed together (as a rule's arrays are)
        blocks = [bytearray(1 << 20) for _ in range(8)]
        del blocks
    print(resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before)
    """
)


def _faults(mode: str) -> int:
    out = subprocess.run([sys.executable, "-c", _PROBE, mode], capture_output=True, text=True, check=True)
    return int(out.stdout)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc's allocator")
def test_freed_memory_is_reused_instead_of_faulted_in_again() -> None:
    default, tuned = _faults("default"), _faults("tuned")
    # 8 MB freed at the top of the heap goes back to the system by default, often, and is faulted in
    # again (2,048 pages a round); kept, it is faulted in once
    assert tuned < 1.5 * 2048
    assert default > 4 * tuned


def test_tuning_twice_is_harmless() -> None:
    first = keep_freed_memory()
    assert keep_freed_memory() == first
    assert first == sys.platform.startswith("linux") or not first


def test_the_command_line_tunes_for_long_documents_only(tmp_path: pytest.TempPathFactory,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    from pathlib import Path

    from click.testing import CliRunner

    import dedup._malloc as malloc
    from dedup.cli import cli

    folder = Path(str(tmp_path))
    short = folder / "short.txt"
    short.write_text("一段文字。\n\n另一段文字。", encoding="utf-8")
    long = folder / "long.txt"
    long.write_text("\n\n".join(f"第{i}段，内容各不相同。" for i in range(90_000)), encoding="utf-8")
    monkeypatch.setattr(malloc, "_done", False)
    runner = CliRunner()
    assert runner.invoke(cli, ["check", "-q", str(short)]).exit_code in (0, 1)
    assert not malloc._done
    assert runner.invoke(cli, ["check", "-q", str(long)]).exit_code in (0, 1)
    assert malloc._done == sys.platform.startswith("linux")
