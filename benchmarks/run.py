"""Every performance target of dedup, measured against a baseline taken in the same run.

One command::

    python benchmarks/run.py              # the full set (10 MB and 100 MB documents, 10,000 files)
    python benchmarks/run.py --quick      # smaller sizes, same targets (a few minutes)
    python benchmarks/run.py --json out.json

Each line prints the measured figure, the baseline it is compared with, the ratio
and PASS/FAIL.  Whole-process times are medians of several runs of a fresh
``python -m dedup`` (start-up included, as CI pays it); throughput is MB of UTF-8
input per second of wall time of one process (one core).  Documents are generated
(tests/gen_docs.py), never taken from the example page.

Also runs benchmarks/bench_repeats.py (the REP rules' own benchmark) when present.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "ningbo-2022-ocr-page.txt"
PY = sys.executable
ENV = {**os.environ, "PYTHONWARNINGS": "ignore"}


@dataclass
class Result:
    name: str
    measured: float
    unit: str
    baseline: float | None
    baseline_name: str
    ratio: float | None
    target: str
    passed: bool | None

    def line(self) -> str:
        status = "" if self.passed is None else ("PASS" if self.passed else "FAIL")
        base = f"{self.baseline:.3f} {self.baseline_name}" if self.baseline is not None else self.baseline_name
        ratio = f"{self.ratio:.2f}" if self.ratio is not None else "-"
        return (f"{status:4}  {self.name:<58} {self.measured:>9.3f} {self.unit:<5} vs {base:<40} "
                f"ratio {ratio:>7}  ({self.target})")


#: runs behind each 10 MB figure (check, clean, Gopher): their median is reported
SAMPLES = 3
#: check and clean of the 10 MB document: this many runs each, alternating, so that a slow spell of
#: the machine falls on both sides of their ratio (three runs of one, then three of the other,
#: gave 1.11 to 1.26 within an hour)
PAIRED_SAMPLES = 5


def wall(cmd: Sequence[str], cwd: Path = ROOT, ok: Sequence[int] = (0, 1)) -> float:
    t0 = time.perf_counter()
    done = subprocess.run(list(cmd), cwd=cwd, env=ENV, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                          check=False)
    elapsed = time.perf_counter() - t0
    if done.returncode not in ok:
        raise SystemExit(f"{' '.join(cmd)} failed ({done.returncode}): {done.stderr.decode()[-500:]}")
    return elapsed


def median_wall(cmd: Sequence[str], runs: int, cwd: Path = ROOT, ok: Sequence[int] = (0, 1)) -> float:
    wall(cmd, cwd, ok)  # warm the file cache and .pyc files
    return statistics.median(wall(cmd, cwd, ok) for _ in range(runs))


def paired_median_walls(first: Sequence[str], second: Sequence[str], runs: int,
                        ok: tuple[Sequence[int], Sequence[int]] = ((0, 1), (0, 1))) -> tuple[float, float]:
    """Medians of ``runs`` runs of two commands run alternately (after one warm-up run of each)."""
    wall(first, ok=ok[0])
    wall(second, ok=ok[1])
    times: tuple[list[float], list[float]] = ([], [])
    for _ in range(runs):
        times[0].append(wall(first, ok=ok[0]))
        times[1].append(wall(second, ok=ok[1]))
    return statistics.median(times[0]), statistics.median(times[1])


def peak_rss_mb(cmd: Sequence[str]) -> tuple[float, float]:
    """Wall time and peak resident memory (MB) of ``cmd`` run under a fresh parent."""
    probe = (
        "import resource, subprocess, sys, time\n"
        "t = time.perf_counter()\n"
        f"r = subprocess.run({list(cmd)!r}, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)\n"
        "e = time.perf_counter() - t\n"
        "print(e, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024, r.returncode)\n"
    )
    out = subprocess.run([PY, "-c", probe], capture_output=True, text=True, check=True, cwd=ROOT, env=ENV)
    elapsed, rss, code = out.stdout.split()
    if int(code) not in (0, 1):
        raise SystemExit(f"{' '.join(cmd)} failed with {code}")
    return float(elapsed), float(rss)


def dedup(*args: str) -> list[str]:
    return [PY, "-m", "dedup", *args]


def ratio_result(name: str, measured: float, unit: str, baseline: float, baseline_name: str, limit: float,
                 *, higher_is_better: bool = False, target: str = "") -> Result:
    ratio = measured / baseline if baseline else float("inf")
    passed = ratio >= limit if higher_is_better else ratio <= limit
    return Result(name, measured, unit, baseline, baseline_name, ratio, target, passed)


# --- measurements -----------------------------------------------------------------------------------


def compile_bytecode() -> None:
    """Write the package's .pyc files, as installing it does.

    Without them (an editable install under PYTHONDONTWRITEBYTECODE=1, as on the project
    VM) every run compiles every module from source, ~35 ms that no installed copy pays.
    """
    import compileall

    compileall.compile_dir(str(ROOT / "dedup"), quiet=1)


def start_up(runs: int) -> list[Result]:
    compile_bytecode()
    py_pass = median_wall([PY, "-c", "pass"], runs)
    py_click = median_wall([PY, "-c", "import click, tabulate"], runs)
    check_page = median_wall(dedup("check", "-q", str(EXAMPLE)), runs)
    help_time = median_wall(dedup("--help"), runs)
    return [
        ratio_result("dedup check example page (cold start)", check_page, "s", py_click,
                     "s `import click, tabulate`", 2.0, target="<= 2x"),
        ratio_result("dedup --help", help_time, "s", py_click, "s `import click, tabulate`", 1.2,
                     target="<= 1.2x"),
        Result("dedup check example page beside `python -c pass`", check_page, "s", py_pass,
               "s `python -c pass`", check_page / py_pass, "figure", None),
    ]


def _generated(path: Path, mb: float, seed: int = 1) -> float:
    sys.path.insert(0, str(ROOT / "tests"))
    try:
        from gen_docs import big_document
    finally:
        sys.path.pop(0)
    # Chinese is 3 bytes a character in UTF-8
    text = big_document(int(mb * 1_000_000 / 3), seed=seed)
    data = text.encode("utf-8")
    path.write_bytes(data)
    return len(data) / 1_000_000


def gopher_mb_s(text: str, repeat: int = 1) -> float:
    """datatrove's Gopher repetition filter with a character tokenizer, every statistic computed."""
    from datatrove.data import Document
    from datatrove.pipeline.filters import gopher_repetition_filter as grf

    grf.split_into_words = lambda text, language=None: [c for c in text if not c.isspace()]  # type: ignore[assignment]
    # fractions above 1 are never exceeded: the filter computes every statistic instead of stopping early
    f = grf.GopherRepetitionFilter(dup_line_frac=1.1, dup_para_frac=1.1, dup_line_char_frac=1.1,
                                   dup_para_char_frac=1.1, top_n_grams=((2, 1.1), (3, 1.1), (4, 1.1)),
                                   dup_n_grams=tuple((n, 1.1) for n in range(5, 11)))
    doc = Document(text=text, id="bench")
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        f.filter(doc)
        times.append(time.perf_counter() - t0)
    return len(text.encode("utf-8")) / 1_000_000 / statistics.median(times)


def throughput(small_mb: float, large_mb: float, tmp: Path) -> list[Result]:
    small = tmp / "small.txt"
    size_small = _generated(small, small_mb)
    # medians on both sides of every ratio: one run of either is at the mercy of the machine
    t_check, t_clean = paired_median_walls(dedup("check", "-q", str(small)),
                                           dedup("clean", "-q", "-o", str(tmp / "small.clean.txt"), str(small)),
                                           PAIRED_SAMPLES, ok=((0, 1), (0,)))
    mb_s = size_small / t_check
    results = [
        Result(f"dedup check, all rules, {size_small:.0f} MB Chinese (MB/s, one core)", mb_s, "MB/s", 10.0,
               "MB/s target", mb_s / 10.0, ">= 10 MB/s", mb_s >= 10.0),
        ratio_result(f"dedup clean vs check, {size_small:.0f} MB", t_clean, "s", t_check, "s check", 1.2,
                     target="<= 1.2x"),
    ]
    try:
        gopher = gopher_mb_s(small.read_text("utf-8"), repeat=SAMPLES)
        results.append(ratio_result("dedup check vs datatrove Gopher repetition (char tokenizer)", mb_s, "MB/s",
                                    gopher, "MB/s Gopher", 10.0, higher_is_better=True, target=">= 10x"))
    except ImportError:
        results.append(Result("datatrove Gopher repetition filter", 0.0, "MB/s", None,
                              "not installed: pip install -e .[bench]", None, ">= 10x", False))
    large = tmp / "large.txt"
    size_large = _generated(large, large_mb, seed=2)
    small.unlink()
    t_large, rss_large = peak_rss_mb(dedup("check", "-q", str(large)))
    scale = size_large / size_small
    results += [
        ratio_result(f"time {size_large:.0f} MB / time {size_small:.0f} MB (x{scale:.0f} input)", t_large / t_check,
                     "x", scale, "x input", 1.1, target=f"<= {1.1 * scale:.0f} (linear)"),
        # the interpreter and numpy alone take ~40 MB: the 4x target is the issue's, at 100 MB
        ratio_result(f"peak memory, {size_large:.0f} MB document", rss_large, "MB", size_large, "MB file", 4.0,
                     target="<= 4x file")
        if size_large >= 50 else
        Result(f"peak memory, {size_large:.0f} MB document", rss_large, "MB", size_large, "MB file",
               rss_large / size_large, "figure (target at 100 MB)", None),
        Result(f"throughput, {size_large:.0f} MB document", size_large / t_large, "MB/s", None, "figure", None,
               "figure", None),
    ]
    large.unlink()
    return results


def many_files(count: int, tmp: Path) -> list[Result]:
    sys.path.insert(0, str(ROOT / "tests"))
    try:
        import random

        from gen_docs import make_document
    finally:
        sys.path.pop(0)
    folder = tmp / "many"
    folder.mkdir()
    rng = random.Random(4)
    for i in range(count):
        (folder / f"doc{i:05d}.txt").write_text(make_document(rng, lang=rng.choice(("zh", "en"))).text, "utf-8")
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    one = wall(dedup("check", "-q", "--jobs", "1", str(folder)))
    two = wall(dedup("check", "-q", "--jobs", "2", str(folder)))
    every = wall(dedup("check", "-q", "--jobs", "0", str(folder)))
    return [
        ratio_result(f"{count} files, --jobs 1 / --jobs 2 (speed-up)", one / two, "x", 1.0, "x", 1.8,
                     higher_is_better=True, target=">= 1.8x"),
        Result(f"{count} files, --jobs 0 ({cores} cores)", every, "s", one, "s --jobs 1", one / every,
               "figure", None),
    ]


def repeats_benchmark(quick: bool) -> list[Result]:
    script = ROOT / "benchmarks" / "bench_repeats.py"
    if not script.exists():
        return []
    sys.path.insert(0, str(script.parent))
    try:
        import bench_repeats

        figures: dict[str, Any] = bench_repeats.main(["--mb", "2" if quick else "10", "--repeat", "1"])
    except SystemExit as exc:
        return [Result("bench_repeats.py", 0.0, "", None, f"skipped: {exc}", None, "figure", None)]
    finally:
        sys.path.pop(0)
    return [Result(f"bench_repeats: {k}", float(v), "", None, "figure", None, "figure", None)
            for k, v in figures.items() if isinstance(v, int | float)]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="1 MB / 10 MB documents and 1,000 files")
    parser.add_argument("--runs", type=int, default=7, help="runs per start-up median")
    parser.add_argument("--json", help="also write the results here")
    parser.add_argument("--skip", action="append", default=[],
                        choices=["startup", "throughput", "files", "repeats"], help="leave a group out")
    args = parser.parse_args(argv)
    steps: list[tuple[str, Callable[[Path], list[Result]]]] = [
        ("startup", lambda tmp: start_up(args.runs)),
        ("throughput", lambda tmp: throughput(1.0 if args.quick else 10.0, 10.0 if args.quick else 100.0, tmp)),
        ("files", lambda tmp: many_files(1_000 if args.quick else 10_000, tmp)),
        ("repeats", lambda tmp: repeats_benchmark(args.quick)),
    ]
    print(f"machine: {platform.platform()}, {platform.processor() or platform.machine()}, "
          f"{os.cpu_count()} cores, Python {platform.python_version()}; load {os.getloadavg()[0]:.1f}")
    results: list[Result] = []
    with tempfile.TemporaryDirectory(prefix="dedup-bench-") as tmp_name:
        for name, step in steps:
            if name in args.skip:
                continue
            for result in step(Path(tmp_name)):
                print(result.line(), flush=True)
                results.append(result)
    failed = [r for r in results if r.passed is False]
    print(f"\n{sum(1 for r in results if r.passed)} passed, {len(failed)} failed")
    if args.json:
        Path(args.json).write_text(json.dumps([asdict(r) for r in results], indent=2), "utf-8")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
