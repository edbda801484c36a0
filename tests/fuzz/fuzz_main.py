"""atheris driver over the reader and every rule.

Usage::

    python tests/fuzz/fuzz_main.py CORPUS_DIR [SEED_DIR] -max_total_time=1800 -max_len=8192

With ``DEDUP_FUZZ_COLLECT=DIR`` a failing input does not stop the run: it is saved
once per distinct failure (exception type, raising line, message class) under
DIR with a ``.txt`` describing it, and fuzzing goes on, so a long run reports
every bug it meets instead of the first one.  (libFuzzer's ``-fork`` mode does
not work with atheris here: every child job dies at start-up.)
"""

from __future__ import annotations

import hashlib
import os
import re
import sys
import traceback
from pathlib import Path

import atheris

with atheris.instrument_imports(include=["dedup"]):
    import harness

    import dedup.rules

    dedup.rules.registry.all()  # import every rule module now, under instrumentation

COLLECT = os.environ.get("DEDUP_FUZZ_COLLECT")
_seen: dict[str, int] = {}


def _signature(exc: BaseException) -> str:
    frames = traceback.extract_tb(exc.__traceback__)
    inner = [f for f in frames if "/dedup/" in f.filename] or frames
    where = f"{Path(inner[-1].filename).name}:{inner[-1].lineno}" if inner else "?"
    # the message class: drop quoted text and numbers, which differ between inputs
    message = re.sub(r"'[^']*'|\"[^\"]*\"|\d+", "_", str(exc).splitlines()[0] if str(exc) else "")[:60]
    return f"{type(exc).__name__} at {where}: {message}"


def collecting(data: bytes) -> None:
    try:
        harness.one_input(data)
    except Exception as exc:
        assert COLLECT is not None
        sig = _signature(exc)
        _seen[sig] = _seen.get(sig, 0) + 1
        if _seen[sig] > 1:
            return
        folder = Path(COLLECT)
        folder.mkdir(parents=True, exist_ok=True)
        name = hashlib.sha1(sig.encode()).hexdigest()[:12]
        (folder / f"{name}.bin").write_bytes(data)
        (folder / f"{name}.txt").write_text(sig + "\n\n" + "".join(traceback.format_exception(exc)), "utf-8")
        print(f"\nNEW FAILURE {name}: {sig}", file=sys.stderr, flush=True)


def main() -> None:
    atheris.Setup(sys.argv, collecting if COLLECT else harness.one_input)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
