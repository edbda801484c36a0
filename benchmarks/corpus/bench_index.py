"""Throughput of the persistent passage index: SQLite file vs Redis (our layout), add and check.

    python benchmarks/corpus/bench_index.py [--docs 300] [--check 100]

Indexes the first ``--docs`` pages of the chronam week into a fresh SQLite file and
into a fresh Redis database (a redis-server started on a free loopback port), then
checks the next ``--check`` pages against each.  Prints MB/s and index size.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

from dedup.corpus.index import open_index
from dedup.corpus.pipeline import iter_paths

CHRONAM = Path(__file__).resolve().parents[2].parent / "shared" / "corpus" / "chronam-1916-01-01_07"


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def measure(target: str, add: list[str], check: list[str]) -> dict[str, float]:
    mb_add = sum(os.path.getsize(p) for p in add) / 1e6
    mb_check = sum(os.path.getsize(p) for p in check) / 1e6
    t = time.perf_counter()
    with open_index(target) as index:
        index.add_paths(add)
    t_add = time.perf_counter() - t
    t = time.perf_counter()
    with open_index(target) as index:
        found = sum(len(f) for _, f in index.check_paths(check))
    t_check = time.perf_counter() - t
    return {"add_mb_per_s": round(mb_add / t_add, 3), "check_mb_per_s": round(mb_check / t_check, 3),
            "add_seconds": round(t_add, 2), "check_seconds": round(t_check, 2), "findings": found}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--docs", type=int, default=300)
    ap.add_argument("--check", type=int, default=100)
    args = ap.parse_args()
    files = iter_paths([CHRONAM])
    add, check = files[: args.docs], files[args.docs : args.docs + args.check]
    folder = Path(tempfile.mkdtemp())
    results = {}
    sqlite = folder / "index.sqlite"
    results["sqlite"] = measure(str(sqlite), add, check)
    results["sqlite"]["size_mb"] = round(sum(p.stat().st_size for p in folder.glob("index.sqlite*")) / 1e6, 1)
    binary = shutil.which("redis-server")
    if binary:
        import redis

        port = _port()
        proc = subprocess.Popen([binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly",
                                 "no", "--dir", str(folder)], stdout=subprocess.DEVNULL)
        try:
            client = redis.Redis(port=port)
            for _ in range(100):
                try:
                    client.ping()
                    break
                except redis.ConnectionError:
                    time.sleep(0.05)
            results["redis"] = measure(f"redis://127.0.0.1:{port}/0", add, check)
            results["redis"]["size_mb"] = round(client.info("memory")["used_memory"] / 1e6, 1)
        finally:
            proc.terminate()
            proc.wait()
    shutil.rmtree(folder, ignore_errors=True)
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
