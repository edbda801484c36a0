"""The peer pipeline: datatrove's MinHash deduplication (stages 1-3), as a separate process.

    python benchmarks/corpus/peer_datatrove.py CORPUS_DIR WORK_DIR OUT.json [--tasks 2]

Reads every *.txt under CORPUS_DIR (sorted, the same order as ``dedup corpus dedup``),
runs signature -> buckets -> cluster with datatrove's LocalPipelineExecutor and writes
the duplicate clusters as lists of paths.  Datatrove clusters whole documents; its
default word tokenizer for English needs NLTK data, so both tools get the same token
rule here (CJK characters and Latin words), to compare the pipelines, not tokenizers.
"""

from __future__ import annotations

import json
import re
import struct
import sys
from pathlib import Path

import datatrove.utils.hashes.xxhash as _dt_xxhash
import xxhash
from datatrove.data import Document
from datatrove.executor import LocalPipelineExecutor
from datatrove.pipeline.dedup.minhash import (
    MinhashConfig,
    MinhashDedupBuckets,
    MinhashDedupCluster,
    MinhashDedupSignature,
)
from datatrove.utils.word_tokenizers import WordTokenizer

_CJK = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af"
_TOKEN = re.compile(rf"[{_CJK}]|[^\W_{_CJK}]+")


def _xxhash64(data: str | bytes) -> int:
    # xxhash 4 no longer hashes str; datatrove 0.10 still passes str: encode as xxhash 3 did
    return int(xxhash.xxh64_intdigest(data.encode("utf-8") if isinstance(data, str) else data))


_dt_xxhash.xxhash64 = _xxhash64


class CjkWordTokenizer(WordTokenizer):
    def word_tokenize(self, text: str) -> list[str]:
        return _TOKEN.findall(text)

    def sent_tokenize(self, text: str) -> list[str]:
        return [text]

    def span_tokenize(self, text: str) -> list[tuple[int, int]]:
        return [m.span() for m in _TOKEN.finditer(text)]


def files_of(root: str) -> list[str]:
    return sorted(str(p) for p in Path(root).rglob("*.txt") if not any(part.startswith(".") for part in p.parts))


class Reader:
    """A pipeline step yielding the documents of one task: files[rank::world_size]."""

    def __init__(self, root: str) -> None:
        self.root = root

    def __call__(self, data: object, rank: int = 0, world_size: int = 1):
        for i, path in enumerate(files_of(self.root)[rank::world_size]):
            yield Document(text=Path(path).read_text(encoding="utf-8", errors="replace"), id=str(i),
                           metadata={"path": path})


def main(argv: list[str]) -> None:
    root, work, out = argv[:3]
    tasks = int(argv[argv.index("--tasks") + 1]) if "--tasks" in argv else 2
    config = MinhashConfig()  # 5-grams, 14 buckets x 8 hashes (threshold ~0.72), 64-bit hashes
    sig = Path(work) / "signatures"
    buckets = Path(work) / "buckets"
    clusters = Path(work) / "clusters"
    LocalPipelineExecutor(pipeline=[Reader(root), MinhashDedupSignature(output_folder=str(sig), config=config,
                                                                        language=CjkWordTokenizer())],
                          tasks=tasks, workers=tasks, logging_dir=str(Path(work) / "logs1")).run()
    LocalPipelineExecutor(pipeline=[MinhashDedupBuckets(input_folder=str(sig), output_folder=str(buckets),
                                                        config=config)],
                          tasks=config.num_buckets, workers=tasks, logging_dir=str(Path(work) / "logs2")).run()
    LocalPipelineExecutor(pipeline=[MinhashDedupCluster(input_folder=str(buckets), output_folder=str(clusters),
                                                        config=config, save_cluster_id=True)],
                          tasks=1, logging_dir=str(Path(work) / "logs3")).run()
    files = files_of(root)
    groups: dict[int, list[str]] = {}
    for rank in range(tasks):
        mine = files[rank::tasks]
        f = clusters / f"{rank:06d}.clusters"
        if not f.exists():
            continue
        data = f.read_bytes()
        for doc, cid in struct.iter_unpack("<2I", data):
            groups.setdefault(cid, []).append(mine[doc])
    Path(out).write_text(json.dumps(sorted(sorted(g) for g in groups.values() if len(g) > 1)), encoding="utf-8")


if __name__ == "__main__":
    main(sys.argv[1:])
