"""Benchmark ``dedup corpus dedup`` against a peer pipeline (datatrove MinHash dedup) on the same data.

    python benchmarks/corpus/bench_corpus.py [--size-mb 1024] [--workers 2] [--skip-chronam] [--out DIR]

Runs, one after the other and each in its own process tree, ``dedup corpus dedup``
and ``peer_datatrove.py`` on

* the chronam week (527 newspaper pages, shared/corpus/chronam-1916-01-01_07), and
* a generated corpus of ``--size-mb`` megabytes (English and Chinese documents with
  injected duplicates, :mod:`dedup.corpus.synthetic`; generated once and cached).

Reports throughput (MB/s and the ratio ours/peer), peak memory (the largest sum of
RSS over the process tree, sampled every 50 ms, and the largest single process),
and agreement of the clusters: datatrove clusters whole documents, so agreement is
measured on document pairs (pairs in one datatrove cluster vs pairs in one of our
document clusters, and vs pairs sharing any passage cluster), plus our
passage-level precision/recall on the generated corpus, which has ground truth.

Needs the ``bench`` extra (``pip install -e '.[bench]'``).
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
CHRONAM = ROOT.parent / "shared" / "corpus" / "chronam-1916-01-01_07"


def _tree_rss(pid: int) -> tuple[int, int]:
    """(sum, max) resident set size in bytes over ``pid`` and its descendants."""
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    page = os.sysconf("SC_PAGE_SIZE")
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as fh:
                fields = fh.read().rsplit(b")", 1)[1].split()
            ppid, pages = int(fields[1]), int(fields[21])
        except (OSError, IndexError, ValueError):
            continue
        children.setdefault(ppid, []).append(int(entry))
        rss[int(entry)] = pages * page
    todo, seen = [pid], []
    while todo:
        p = todo.pop()
        seen.append(p)
        todo.extend(children.get(p, []))
    values = [rss.get(p, 0) for p in seen]
    return sum(values), max(values, default=0)


def run_measured(cmd: list[str], log: Path) -> dict[str, float]:
    """Run ``cmd``; wall time and peak memory of its process tree."""
    peak = [0, 0]
    with open(log, "wb") as out:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT)
        done = threading.Event()

        def sample() -> None:
            while not done.is_set():
                total, largest = _tree_rss(proc.pid)
                peak[0] = max(peak[0], total)
                peak[1] = max(peak[1], largest)
                time.sleep(0.05)

        t = threading.Thread(target=sample, daemon=True)
        t.start()
        code = proc.wait()
        seconds = time.perf_counter() - start
        done.set()
        t.join()
    if code != 0:
        raise SystemExit(f"{cmd[:3]} failed with {code}; see {log}")
    return {"seconds": round(seconds, 2), "peak_tree_mb": round(peak[0] / 1e6, 1),
            "peak_process_mb": round(peak[1] / 1e6, 1)}


def corpus_bytes(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*.txt"))


def generate(folder: Path, size_mb: int, seed: int = 2026) -> dict[str, Any]:
    """Write about ``size_mb`` MB of generated documents in chunks of 2,000 (cached by size and seed)."""
    from dedup.corpus.synthetic import generate_corpus

    marker = folder / ".done.json"
    if marker.exists():
        meta: dict[str, Any] = json.loads(marker.read_text())
        if meta.get("size_mb") == size_mb and meta.get("seed") == seed:
            return meta
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    written = 0
    truth: list[list[Any]] = []
    for chunk in itertools.count():
        if written >= size_mb * 1_000_000:
            break
        corpus = generate_corpus(2000, seed=seed + chunk)
        sub = folder / f"part-{chunk:04d}"
        corpus.write(sub)
        (folder / f"part-{chunk:04d}.truth.json").unlink()
        truth.extend([f"part-{chunk:04d}/{i.doc}", i.start, i.end, i.group + chunk * 1_000_000, i.variant]
                     for i in corpus.instances)
        written += corpus.size
    (folder.parent / f"{folder.name}.truth.json").write_text(json.dumps(truth))
    meta = {"size_mb": size_mb, "seed": seed, "bytes": written, "chunks": chunk}
    marker.write_text(json.dumps(meta))
    return meta


def _pairs(groups: list[list[str]]) -> set[tuple[str, str]]:
    out: set[tuple[str, str]] = set()
    for g in groups:
        for a, b in itertools.combinations(sorted(g), 2):
            out.add((a, b))
    return out


def _agreement(ours: set[tuple[str, str]], peer: set[tuple[str, str]]) -> dict[str, Any]:
    both = len(ours & peer)
    return {"ours_pairs": len(ours), "peer_pairs": len(peer), "common": both,
            "peer_pairs_found_by_ours": round(both / len(peer), 4) if peer else None,
            "ours_pairs_found_by_peer": round(both / len(ours), 4) if ours else None,
            "jaccard": round(both / len(ours | peer), 4) if ours | peer else 1.0}


def compare(name: str, data: Path, work: Path, workers: int) -> dict[str, Any]:
    work.mkdir(parents=True, exist_ok=True)
    size = corpus_bytes(data)
    ours_out = work / f"{name}.clusters.jsonl"
    ours = run_measured([sys.executable, "-m", "dedup.cli", "corpus", "dedup", str(data), "--out", str(ours_out),
                         "--workers", str(workers), "-f", "json", "--no-progress"], work / f"{name}.ours.log")
    peer_out = work / f"{name}.peer.json"
    shutil.rmtree(work / f"{name}.peer-work", ignore_errors=True)
    peer = run_measured([sys.executable, str(HERE / "peer_datatrove.py"), str(data), str(work / f"{name}.peer-work"),
                         str(peer_out), "--tasks", str(workers)], work / f"{name}.peer.log")
    for r in (ours, peer):
        r["mb_per_s"] = round(size / 1e6 / r["seconds"], 3)
    records = [json.loads(line) for line in ours_out.read_text(encoding="utf-8").splitlines()]
    doc_groups = [r["documents"] for r in records if r["kind"] == "document"]
    passage_doc_groups = [sorted({m["path"] for m in r["members"]}) for r in records if r["kind"] == "passage"]
    peer_groups = json.loads(peer_out.read_text(encoding="utf-8"))
    result: dict[str, Any] = {
        "corpus": name, "megabytes": round(size / 1e6, 2), "workers": workers,
        "ours": ours, "peer": peer,
        "throughput_ratio": round(ours["mb_per_s"] / peer["mb_per_s"], 3),
        "ours_clusters": {"passage": len(passage_doc_groups), "document": len(doc_groups)},
        "peer_clusters": len(peer_groups),
        "agreement_document_clusters": _agreement(_pairs(doc_groups), _pairs(peer_groups)),
        "agreement_any_shared_passage": _agreement(_pairs(passage_doc_groups), _pairs(peer_groups)),
    }
    truth_file = data.parent / f"{data.name}.truth.json"
    if truth_file.exists():
        result["ours_passage_scores"] = _score_passages(records, truth_file, data)
    return result


def _score_passages(records: list[dict[str, Any]], truth_file: Path, data: Path) -> dict[str, float]:
    """Precision/recall of our passage clusters against the generated ground truth."""
    from dedup.corpus.cluster import Node
    from dedup.corpus.synthetic import Instance, evaluate

    truth = [Instance(*row) for row in json.loads(truth_file.read_text())]

    class _Doc:
        def __init__(self, path: str) -> None:
            self.path = path

    class _Cluster:
        def __init__(self, nodes: list[Node]) -> None:
            self.nodes = nodes

    class _Result:
        def __init__(self) -> None:
            self.documents: list[_Doc] = []
            self.clusters: list[_Cluster] = []

    res = _Result()
    index: dict[str, int] = {}
    for r in records:
        if r["kind"] != "passage":
            continue
        nodes = []
        for m in r["members"]:
            if m["path"] not in index:
                index[m["path"]] = len(res.documents)
                res.documents.append(_Doc(m["path"]))
            nodes.append(Node(0, index[m["path"]], m["start"], m["end"]))
        res.clusters.append(_Cluster(nodes))
    names = {d.path: os.path.relpath(d.path, data) for d in res.documents}
    scores = evaluate(res, truth, names)
    return {k: round(v, 4) for k, v in scores.items()}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--size-mb", type=int, default=1024, help="size of the generated corpus (default 1024)")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--skip-chronam", action="store_true")
    ap.add_argument("--skip-generated", action="store_true")
    ap.add_argument("--data-dir", type=Path, default=Path("/tmp/dedup-bench"), help="where generated data is cached")
    ap.add_argument("--out", type=Path, default=HERE / "results", help="where results and logs go")
    args = ap.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    results = []
    if not args.skip_chronam and CHRONAM.is_dir():
        results.append(compare("chronam-week", CHRONAM.resolve(), args.data_dir / "work", args.workers))
        print(json.dumps(results[-1], indent=2), flush=True)
    if not args.skip_generated:
        data = args.data_dir / f"generated-{args.size_mb}mb"
        t = time.perf_counter()
        generate(data, args.size_mb)
        print(f"generated {corpus_bytes(data) / 1e6:.0f} MB in {time.perf_counter() - t:.0f} s", flush=True)
        results.append(compare(f"generated-{args.size_mb}mb", data, args.data_dir / "work", args.workers))
        print(json.dumps(results[-1], indent=2), flush=True)
    stamp = time.strftime("%Y%m%d-%H%M%S")
    (args.out / f"bench-{stamp}.json").write_text(json.dumps(results, indent=2))
    print(render_markdown(results))


def render_markdown(results: list[dict[str, Any]]) -> str:
    lines = ["| corpus | MB | ours MB/s | peer MB/s | ratio | ours peak MB (tree / largest) | "
             "peer peak MB (tree / largest) | doc-pair agreement (Jaccard) | ours passage P / R |",
             "|---|---|---|---|---|---|---|---|---|"]
    for r in results:
        scores = r.get("ours_passage_scores", {})
        pr = f"{scores['precision']:.3f} / {scores['recall']:.3f}" if scores else "n/a"
        lines.append(
            f"| {r['corpus']} | {r['megabytes']} | {r['ours']['mb_per_s']} | {r['peer']['mb_per_s']} | "
            f"{r['throughput_ratio']} | {r['ours']['peak_tree_mb']} / {r['ours']['peak_process_mb']} | "
            f"{r['peer']['peak_tree_mb']} / {r['peer']['peak_process_mb']} | "
            f"{r['agreement_document_clusters']['jaccard']} | {pr} |")
    return "\n".join(lines)


if __name__ == "__main__":
    main()
