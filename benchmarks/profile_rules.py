"""CPU seconds per MB of UTF-8 input, rule by rule, in one process (where the time goes).

    python benchmarks/profile_rules.py            # 1 MB generated Chinese document
    python benchmarks/profile_rules.py --mb 10 --lang en --select LAY007

The whole-process targets are in run.py; this splits ``check_document`` by rule with
``time.process_time`` (CPU time, so a busy neighbour on the other core matters less)
and reports tracemalloc's peak per rule with ``--memory``.
"""

from __future__ import annotations

import argparse
import sys
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=float, default=1.0)
    parser.add_argument("--lang", default="zh", choices=["zh", "en"])
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--select", default="", help="comma-separated codes (default: all rules)")
    parser.add_argument("--memory", action="store_true", help="tracemalloc peak per rule (slower)")
    args = parser.parse_args(argv)

    sys.path.insert(0, str(ROOT / "tests"))
    from gen_docs import big_document

    from dedup.config import Config
    from dedup.engine import _set_fingerprints
    from dedup.model import Document
    from dedup.rules.base import Context

    per_char = 3 if args.lang == "zh" else 1
    text = big_document(int(args.mb * 1_000_000 / per_char), seed=args.seed, lang=args.lang)
    mb = len(text.encode("utf-8")) / 1_000_000
    config = Config(select=tuple(args.select.split(","))) if args.select else Config()
    config = config.for_path(None)
    rules = config.enabled_rules()
    t0 = time.process_time()
    doc = Document(text)
    _ = doc.blocks
    elapsed = time.process_time() - t0
    print(f"{mb:.2f} MB, {len(text):,} characters, {len(doc.blocks):,} blocks")
    print(f"{'document + blocks':<32} {elapsed / mb:8.4f} s/MB")
    ctx = Context(doc=doc, config=config, enabled=frozenset(r.code for r in rules))
    for rule_cls in rules:
        if args.memory:
            tracemalloc.start()
        t = time.process_time()
        found = list(rule_cls().check(ctx))
        ctx.findings.extend(found)
        spent = time.process_time() - t
        peak = ""
        if args.memory:
            peak = f"  peak {tracemalloc.get_traced_memory()[1] / 1e6:7.1f} MB"
            tracemalloc.stop()
        elapsed += spent
        print(f"{rule_cls.code + ' ' + rule_cls.name:<32} {spent / mb:8.4f} s/MB  findings {len(found):5}{peak}")
    t = time.process_time()
    _set_fingerprints(doc, ctx.findings)
    spent = time.process_time() - t
    elapsed += spent
    print(f"{'fingerprints':<32} {spent / mb:8.4f} s/MB")
    print(f"{'total':<32} {elapsed / mb:8.4f} s/MB  = {mb / elapsed:.2f} MB/s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
