"""Throughput of the REP rules (repeated-phrase, stutter, repeated-name) on a generated document.

Standalone: ``python benchmarks/bench_repeats.py [--mb 10] [--repeat 3]``.  Prints the
MB/s of the three rules on a generated Chinese document of about ``--mb`` MB (UTF-8),
and the ratio against a baseline measured in the same run: one ``re.finditer`` pass
over the text (the cheapest thing that looks at every character), so the figure is
comparable across machines.  ``main()`` returns the numbers for benchmarks/run.py.

The document is built from the government work reports in ../shared/corpus (beside
the repository); one paragraph in twenty carries an injected repeat, and one in
twenty is a very long paragraph (20–200 paragraphs run together) to show that the
cost does not grow with paragraph length.

Documents of FAST_MIN_CHARS characters or more go through the numpy prefilter of
``dedup.rules._repeats``; ``--reference`` also times the reference scans (every block,
no prefilter) on the same document and prints the speed-up.  Measured (CPU time of
``check_document``, 2-core development machine): 0.12 s/MB for the reference scans at
1 and 5 MB, 0.037 and 0.048 s/MB with the prefilter (real report paragraphs hold many
near-parallel items that the reference code then has to look at); on
``profile_rules.py``'s generated document 0.0086 s/MB at 10 MB once set up.
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]


def _document(mb: float) -> str:
    sys.path.insert(0, str(ROOT / "tests"))
    try:
        from gen_repeats import ZH_DIR, big_chinese_document
    finally:
        sys.path.pop(0)
    if not ZH_DIR.is_dir():
        raise SystemExit(f"corpus not found: {ZH_DIR} (../shared/corpus beside the repository)")
    return big_chinese_document(int(mb * 1_000_000))


def _best(fn: Any, repeat: int) -> tuple[float, Any]:
    best = float("inf")
    result = None
    for _ in range(repeat):
        t0 = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - t0)
    return best, result


def main(argv: list[str] | None = None) -> dict[str, float]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=float, default=10.0, help="document size in MB (UTF-8)")
    parser.add_argument("--repeat", type=int, default=3, help="runs per measurement (best is kept)")
    parser.add_argument("--reference", action="store_true", help="also time the reference scans (no prefilter)")
    args = parser.parse_args(argv)

    from dedup.config import Config
    from dedup.engine import check_document
    from dedup.model import Document

    text = _document(args.mb)
    size_mb = len(text.encode("utf-8")) / 1_000_000
    config = Config(select=("REP001", "REP002", "REP003"))
    pattern = re.compile(r"[\u4e00-\u9fff]+")

    def baseline() -> int:
        return sum(1 for _ in pattern.finditer(text))

    def rules() -> int:
        # a fresh Document each time: blocks and caches are part of the cost
        return len(check_document(Document(text), config).findings)

    base_s, _ = _best(baseline, args.repeat)
    rule_s, findings = _best(rules, args.repeat)
    out = {
        "size_mb": round(size_mb, 2),
        "characters": len(text),
        "findings": findings,
        "rules_s": round(rule_s, 3),
        "rules_mb_s": round(size_mb / rule_s, 2),
        "baseline_s": round(base_s, 3),
        "baseline_mb_s": round(size_mb / base_s, 2),
        "ratio": round(rule_s / base_s, 1),
    }
    print(
        f"REP rules: {out['rules_mb_s']} MB/s on {out['size_mb']} MB ({findings} findings, {rule_s:.2f} s); "
        f"baseline re.finditer {out['baseline_mb_s']} MB/s; rules take {out['ratio']}x the baseline"
    )
    if args.reference:
        from dedup.rules import _repeats

        saved = _repeats.FAST_MIN_CHARS
        _repeats.FAST_MIN_CHARS = len(text) + 1
        try:
            ref_s, ref_findings = _best(rules, args.repeat)
        finally:
            _repeats.FAST_MIN_CHARS = saved
        out["reference_s"] = round(ref_s, 3)
        out["reference_mb_s"] = round(size_mb / ref_s, 2)
        out["speedup"] = round(ref_s / rule_s, 1)
        same = "same findings" if ref_findings == findings else f"{ref_findings} findings: DIFFERENT"
        print(f"reference scans (no prefilter): {out['reference_mb_s']} MB/s, {out['speedup']}x slower; {same}")
    return out


if __name__ == "__main__":
    main()
