"""Batch near-duplicate clustering of a corpus: sketch shards, band candidates, verify, cluster.

Stages (each shard or task result is a file in the work directory, so an interrupted
run resumes where it stopped):

1. **sketch** (parallel): documents in shards of ``shard_size``; per document the
   window offsets and LSH band keys (:func:`dedup.corpus.scheme.sketch_text`).
2. **candidates** (driver, one band at a time from memory-mapped key columns):
   windows of different documents sharing a band key.
3. **verify** (parallel): per document pair, candidate regions aligned with rapidfuzz
   and extended to whole passages (:func:`dedup.corpus.passages.match_pair`).
4. **cluster** (driver): passage nodes, connected components, keepers.

Memory on the driver holds the window table and the band being processed (the
"index"), never document texts beyond the few a task is working on.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sys
import tempfile
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from dedup.corpus.cluster import Cluster, build_clusters, document_clusters
from dedup.corpus.engines import run_tasks
from dedup.corpus.passages import PassageMatch, match_pair
from dedup.corpus.scheme import MatchParams, Scheme, content_hash, sketch_text

__all__ = ["DedupResult", "DocInfo", "dedup_corpus", "iter_paths"]

# A bucket with more windows than this links each to its neighbours and the first only,
# instead of all pairs: boilerplate printed in hundreds of papers stays linear.
_ALL_PAIRS_MAX = 12
_PAIRS_PER_TASK = 1500


@dataclass(frozen=True, slots=True)
class DocInfo:
    """A corpus document as the run saw it."""

    path: str
    digest: str
    chars: int
    tokens: int
    windows: int


@dataclass
class DedupResult:
    """Clusters of a corpus run, and the figures of its summary table."""

    documents: list[DocInfo]
    matches: list[PassageMatch]
    clusters: list[Cluster]
    doc_clusters: list[list[int]]
    keep: str
    stats: dict[str, Any] = field(default_factory=dict)
    errors: list[tuple[str, str]] = field(default_factory=list)

    def summary(self) -> dict[str, Any]:
        """Documents, passages, clusters and the duplicate fraction (characters outside keepers)."""
        total = sum(d.chars for d in self.documents)
        dup = sum(len(n) for c in self.clusters for n in c.nodes if n is not c.keeper)
        return {
            "documents": len(self.documents),
            "passages": sum(len(c.nodes) for c in self.clusters),
            "clusters": len(self.clusters),
            "document_clusters": len(self.doc_clusters),
            "duplicate_fraction": round(dup / total, 4) if total else 0.0,
            **self.stats,
        }

    def cluster_records(self, *, preview: int = 80) -> Iterator[dict[str, Any]]:
        """One JSON-ready record per passage cluster, then per document cluster."""
        cache = _TextCache(16)
        for c in self.clusters:
            members = []
            for n in c.nodes:
                doc = self.documents[n.doc]
                text = cache.get(doc.path)
                line = text.count("\n", 0, n.start) + 1 if text is not None else None
                members.append({"path": doc.path, "start": n.start, "end": n.end, "line": line,
                                "keeper": n is c.keeper,
                                "similarity": round(max((s for _, s in n.links), default=0.0), 4)})
            keeper_text = cache.get(self.documents[c.keeper.doc].path) or ""
            snippet = " ".join(keeper_text[c.keeper.start : c.keeper.end].split())
            yield {"cluster": c.id, "kind": "passage", "size": len(c.nodes), "documents": len(c.docs),
                   "keeper": {"path": self.documents[c.keeper.doc].path, "start": c.keeper.start,
                              "end": c.keeper.end},
                   "preview": snippet[:preview], "members": members}
        for i, group in enumerate(self.doc_clusters):
            keeper = _doc_keeper(group, self.documents, self.keep)
            yield {"cluster": i, "kind": "document", "size": len(group),
                   "keeper": self.documents[keeper].path,
                   "documents": [self.documents[d].path for d in group]}

    def write_jsonl(self, path: str | os.PathLike[str]) -> None:
        """Write :meth:`cluster_records` as JSON lines (atomically)."""
        from dedup.io import write_atomic

        lines = [json.dumps(r, ensure_ascii=False, sort_keys=True) for r in self.cluster_records()]
        write_atomic(path, ("\n".join(lines) + "\n" if lines else "").encode("utf-8"))


def _doc_keeper(group: list[int], docs: Sequence[DocInfo], keep: str) -> int:
    if keep == "first":
        return min(group)
    if keep == "longest":
        return min(group, key=lambda d: (-docs[d].chars, d))
    return min(group, key=lambda d: (-docs[d].tokens, -docs[d].chars, d))


class _TextCache:
    """The last few documents read (tasks are ordered so that neighbours share documents)."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._data: OrderedDict[str, str | None] = OrderedDict()

    def get(self, path: str) -> str | None:
        if path in self._data:
            self._data.move_to_end(path)
            return self._data[path]
        from dedup.io import InputError, read_document

        try:
            text: str | None = read_document(path).text
        except InputError:
            text = None
        self._data[path] = text
        if len(self._data) > self.size:
            self._data.popitem(last=False)
        return text


def iter_paths(paths: Iterable[str | os.PathLike[str]], pattern: str = "*.txt") -> list[str]:
    """Files named, and files matching ``pattern`` under directories (recursively, hidden entries
    skipped), sorted, once each."""
    import fnmatch

    found: set[str] = set()
    for p in paths:
        path = Path(p)
        if path.is_dir():
            for root, dirs, files in os.walk(path):
                dirs[:] = [d for d in dirs if not d.startswith(".")]
                found.update(str(Path(root) / f) for f in files
                             if not f.startswith(".") and fnmatch.fnmatch(f, pattern))
        else:
            found.add(str(path))
    return sorted(found)


# --- stage 1: sketches -------------------------------------------------------------------


@dataclass(frozen=True)
class _ShardTask:
    index: int
    paths: tuple[str, ...]
    scheme: dict[str, Any]
    work_dir: str


def _file_stamp(path: str) -> str:
    try:
        st = os.stat(path)
    except OSError:
        return f"{path}:missing"
    return f"{path}:{st.st_size}:{st.st_mtime_ns}"


def _shard_key(task: _ShardTask) -> str:
    h = hashlib.blake2b(json.dumps(task.scheme, sort_keys=True).encode(), digest_size=16)
    for p in task.paths:
        h.update(_file_stamp(p).encode("utf-8", "surrogatepass"))
    return h.hexdigest()


def _shard_base(work_dir: str, index: int) -> Path:
    return Path(work_dir) / f"shard-{index:06d}"


def _sketch_shard(task: _ShardTask) -> dict[str, Any]:
    """Sketch one shard and save it; returns its metadata (also saved, last, as the completion mark)."""
    from dedup.io import InputError, read_document

    scheme = Scheme.from_dict(task.scheme)
    docs: list[dict[str, Any]] = []
    errors: list[list[str]] = []
    starts: list[npt.NDArray[np.int64]] = []
    ends: list[npt.NDArray[np.int64]] = []
    keys: list[npt.NDArray[np.uint64]] = []
    for path in task.paths:
        try:
            text = read_document(path).text
        except InputError as exc:
            errors.append([path, str(exc)])
            continue
        sk = sketch_text(text, scheme)
        docs.append({"path": path, "digest": content_hash(text), "chars": len(text), "tokens": sk.tokens,
                     "windows": len(sk)})
        starts.append(sk.starts)
        ends.append(sk.ends)
        keys.append(sk.keys)
    base = _shard_base(task.work_dir, task.index)
    win_keys = np.concatenate(keys) if keys else np.zeros((0, scheme.bands), dtype=np.uint64)
    _save_npy(base.with_suffix(".keys.npy"), np.ascontiguousarray(win_keys.T))
    _save_npy(base.with_suffix(".offsets.npy"),
              np.stack([np.concatenate(starts) if starts else np.zeros(0, dtype=np.int64),
                        np.concatenate(ends) if ends else np.zeros(0, dtype=np.int64)]))
    meta = {"key": _shard_key(task), "docs": docs, "errors": errors}
    _write_text(base.with_suffix(".json"), json.dumps(meta))
    return meta


def _save_npy(path: Path, arr: npt.NDArray[Any]) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp.npy")
    with os.fdopen(fd, "wb") as fh:
        np.save(fh, arr)
    os.replace(tmp, path)


def _write_text(path: Path, text: str) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(text)
    os.replace(tmp, path)


def _load_done(path: Path, key: str) -> dict[str, Any] | None:
    try:
        meta: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return meta if meta.get("key") == key else None


# --- stage 2: candidates -----------------------------------------------------------------


def _bucket_pairs(col: npt.NDArray[np.uint64], win_doc: npt.NDArray[np.int64]) -> npt.NDArray[np.int64]:
    """Window pairs ``(i, j)``, ``i < j``, of different documents sharing a key in ``col``."""
    n = len(col)
    if n < 2:
        return np.zeros((0, 2), dtype=np.int64)
    order = np.argsort(col, kind="stable")
    sk = col[order]
    brk = np.flatnonzero(sk[1:] != sk[:-1]) + 1
    starts = np.concatenate([[0], brk])
    sizes = np.diff(np.concatenate([starts, [n]]))
    out = []
    two = starts[sizes == 2]
    out.append(np.stack([order[two], order[two + 1]], axis=1))
    for s, k in zip(starts[sizes > 2].tolist(), sizes[sizes > 2].tolist(), strict=True):
        members = np.sort(order[s : s + k])
        if k <= _ALL_PAIRS_MAX:
            i, j = np.triu_indices(k, 1)
            out.append(np.stack([members[i], members[j]], axis=1))
        else:
            chain = np.stack([members[:-1], members[1:]], axis=1)
            star = np.stack([np.full(k - 2, members[0]), members[2:]], axis=1)
            out.append(np.concatenate([chain, star]))
    pairs = np.concatenate(out)
    pairs.sort(axis=1)
    kept: npt.NDArray[np.int64] = pairs[win_doc[pairs[:, 0]] != win_doc[pairs[:, 1]]]
    return kept


# --- stage 3: verification ---------------------------------------------------------------


@dataclass(frozen=True)
class _VerifyTask:
    index: int
    #: (doc a, doc b, path a, path b, regions (a0, a1, b0, b1) of candidate windows)
    pairs: tuple[tuple[int, int, str, str, tuple[tuple[int, int, int, int], ...]], ...]
    match: dict[str, Any]
    work_dir: str


def _verify_key(task: _VerifyTask) -> str:
    h = hashlib.blake2b(json.dumps([task.match, task.pairs]).encode("utf-8", "surrogatepass"), digest_size=16)
    return h.hexdigest()


def _verify_task(task: _VerifyTask) -> list[list[float | int]]:
    params = MatchParams(**task.match)
    cache = _TextCache(8)
    found: list[list[float | int]] = []
    for a, b, path_a, path_b, regions in task.pairs:
        ta, tb = cache.get(path_a), cache.get(path_b)
        if ta is None or tb is None:
            continue
        for al in match_pair(ta, tb, regions, params):
            found.append(PassageMatch(a, al.a_start, al.a_end, b, al.b_start, al.b_end, al.score).to_list())
    path = Path(task.work_dir) / f"verify-{task.index:06d}.json"
    _write_text(path, json.dumps({"key": _verify_key(task), "matches": found}))
    return found


# --- the run -----------------------------------------------------------------------------


def _run_resumable(
    tasks: Sequence[Any],
    done_of: Callable[[Any], Any],
    fn: Callable[[Any], Any],
    label: str,
    *,
    progress: bool,
    engine: str,
    workers: int | None,
    ray_address: str | None,
) -> dict[int, Any]:
    """Results by task index: those a resumed run finds already done, the rest run on the engine."""
    results: dict[int, Any] = {}
    todo = []
    for task in tasks:
        done = done_of(task)
        if done is not None:
            results[task.index] = done
        else:
            todo.append(task)
    bar = _Progress(progress, len(tasks), label)
    bar.update(len(results))
    for task, out in zip(todo, run_tasks(fn, todo, engine=engine, workers=workers, ray_address=ray_address),
                         strict=True):
        results[task.index] = out
        bar.update()
    bar.close()
    return results


class _Progress:
    def __init__(self, enabled: bool, length: int, label: str) -> None:
        self.bar: Any = None
        if enabled and length:
            import click

            self.bar = click.progressbar(length=length, label=label, file=sys.stderr)
            self.bar.__enter__()

    def update(self, n: int = 1) -> None:
        if self.bar is not None:
            self.bar.update(n)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.__exit__(None, None, None)


def dedup_corpus(paths: Iterable[str | os.PathLike[str]], *, engine: str = "local", workers: int | None = None,
                 keep: str = "first", scheme: Scheme | None = None, match: MatchParams | None = None,
                 work_dir: str | os.PathLike[str] | None = None, resume: bool = False,
                 ray_address: str | None = None, shard_size: int = 64, progress: bool = False,
                 doc_coverage: float = 0.8) -> DedupResult:
    """Cluster near-duplicate passages and documents across a corpus.

    Args:
        paths: files and directories (searched recursively); processed in sorted path order.
        engine: ``local`` (process pool) or ``ray``; both give the same clusters.
        workers: parallel processes (default: the available cores).
        keep: keeper policy per cluster: ``first``, ``longest`` or ``most-complete``.
        scheme: window signature parameters (:class:`Scheme`).
        match: verification parameters (:class:`MatchParams`).
        work_dir: where shard results go; a temporary folder (removed afterwards) when not given.
        resume: reuse shard and verification results of an earlier run in ``work_dir`` whose inputs match.
        ray_address: an existing Ray cluster for ``engine="ray"``.
        shard_size: documents per sketch task.
        progress: draw progress bars on stderr.
        doc_coverage: share of both documents their common passages must cover for a document cluster.
    """
    started = time.perf_counter()
    scheme = scheme or Scheme()
    match = match or MatchParams()
    files = iter_paths(paths)
    own_tmp = work_dir is None
    wdir = Path(tempfile.mkdtemp(prefix="dedup-corpus-")) if work_dir is None else Path(work_dir)
    wdir.mkdir(parents=True, exist_ok=True)
    try:
        return _run(files, engine, workers, keep, scheme, match, str(wdir), resume, ray_address, shard_size,
                    progress, doc_coverage, started)
    finally:
        if own_tmp:
            shutil.rmtree(wdir, ignore_errors=True)


def _run(files: list[str], engine: str, workers: int | None, keep: str, scheme: Scheme, match: MatchParams,
         wdir: str, resume: bool, ray_address: str | None, shard_size: int, progress: bool,
         doc_coverage: float, started: float) -> DedupResult:
    sdict = scheme.to_dict()
    shard_tasks = [_ShardTask(i, tuple(files[s : s + shard_size]), sdict, wdir)
                   for i, s in enumerate(range(0, len(files), shard_size))]
    metas: dict[int, dict[str, Any]] = _run_resumable(
        shard_tasks,
        lambda t: _load_done(_shard_base(wdir, t.index).with_suffix(".json"), _shard_key(t)) if resume else None,
        _sketch_shard,
        "sketch",
        progress=progress, engine=engine, workers=workers, ray_address=ray_address,
    )
    t_sketch = time.perf_counter()

    documents: list[DocInfo] = []
    errors: list[tuple[str, str]] = []
    for t in shard_tasks:
        meta = metas.pop(t.index)  # the per-document dicts go as soon as they are read
        errors.extend((p, e) for p, e in meta["errors"])
        documents.extend(DocInfo(d["path"], d["digest"], d["chars"], d["tokens"], d["windows"])
                         for d in meta["docs"])
    # the window table, filled in place (no list of per-document arrays to concatenate)
    counts = np.fromiter((d.windows for d in documents), dtype=np.int64, count=len(documents))
    n_win = int(counts.sum())
    win_doc = np.repeat(np.arange(len(documents), dtype=np.int64), counts)
    offsets = np.empty((2, n_win), dtype=np.int64)
    pos = 0
    for t in shard_tasks:
        part = np.load(_shard_base(wdir, t.index).with_suffix(".offsets.npy"))
        offsets[:, pos : pos + part.shape[1]] = part
        pos += part.shape[1]

    pair_parts = []
    for band in range(scheme.bands):
        col = np.empty(n_win, dtype=np.uint64)
        pos = 0
        for t in shard_tasks:
            keys = np.load(_shard_base(wdir, t.index).with_suffix(".keys.npy"), mmap_mode="r")
            col[pos : pos + keys.shape[1]] = keys[band]
            pos += keys.shape[1]
            del keys  # unmap at once: mapped pages would count as resident
        p = _bucket_pairs(col, win_doc)
        pair_parts.append(p[:, 0] * max(n_win, 1) + p[:, 1])
    codes = np.unique(np.concatenate(pair_parts)) if pair_parts else np.zeros(0, dtype=np.int64)
    wa, wb = codes // max(n_win, 1), codes % max(n_win, 1)
    da, db = win_doc[wa], win_doc[wb]
    swap = da > db
    wa, wb = np.where(swap, wb, wa), np.where(swap, wa, wb)
    da, db = win_doc[wa], win_doc[wb]
    order = np.lexsort((wb, wa, db, da))
    wa, wb, da, db = wa[order], wb[order], da[order], db[order]
    t_cand = time.perf_counter()

    verify_tasks = _verify_tasks(wa, wb, da, db, offsets, documents, match, wdir)

    def verified(vt: Any) -> Any:
        done = _load_done(Path(wdir) / f"verify-{vt.index:06d}.json", _verify_key(vt)) if resume else None
        return None if done is None else done["matches"]

    results: dict[int, list[list[float | int]]] = _run_resumable(
        verify_tasks, verified, _verify_task, "verify",
        progress=progress, engine=engine, workers=workers, ray_address=ray_address,
    )
    matches = [PassageMatch(int(m[0]), int(m[1]), int(m[2]), int(m[3]), int(m[4]), int(m[5]), float(m[6]))
               for vt in verify_tasks for m in results[vt.index]]
    t_verify = time.perf_counter()

    clusters = build_clusters(matches, keep, _completeness(documents) if keep == "most-complete" else None)
    doc_groups = document_clusters(matches, [d.chars for d in documents], doc_coverage)
    total_bytes = sum(os.path.getsize(d.path) for d in documents if os.path.exists(d.path))
    elapsed = time.perf_counter() - started
    stats = {"windows": int(n_win), "candidate_pairs": len(codes), "verified_matches": len(matches),
             "megabytes": round(total_bytes / 1e6, 3), "seconds": round(elapsed, 3),
             "mb_per_s": round(total_bytes / 1e6 / elapsed, 3) if elapsed else 0.0,
             "seconds_sketch": round(t_sketch - started, 3), "seconds_candidates": round(t_cand - t_sketch, 3),
             "seconds_verify": round(t_verify - t_cand, 3)}
    return DedupResult(documents, matches, clusters, doc_groups, keep, stats, errors)


def _verify_tasks(wa: npt.NDArray[np.int64], wb: npt.NDArray[np.int64], da: npt.NDArray[np.int64],
                  db: npt.NDArray[np.int64], offsets: npt.NDArray[np.int64], documents: list[DocInfo],
                  match: MatchParams, wdir: str) -> list[_VerifyTask]:
    tasks: list[_VerifyTask] = []
    current: list[tuple[int, int, str, str, tuple[tuple[int, int, int, int], ...]]] = []
    size = 0
    if len(wa):
        brk = np.flatnonzero((da[1:] != da[:-1]) | (db[1:] != db[:-1])) + 1
        bounds = zip(np.concatenate([[0], brk]).tolist(), np.concatenate([brk, [len(wa)]]).tolist(), strict=True)
        mdict = asdict(match)
        for s, e in bounds:
            a, b = int(da[s]), int(db[s])
            regions = tuple(zip(offsets[0, wa[s:e]].tolist(), offsets[1, wa[s:e]].tolist(),
                                offsets[0, wb[s:e]].tolist(), offsets[1, wb[s:e]].tolist(), strict=True))
            current.append((a, b, documents[a].path, documents[b].path, regions))
            size += e - s
            if size >= _PAIRS_PER_TASK:
                tasks.append(_VerifyTask(len(tasks), tuple(current), mdict, wdir))
                current, size = [], 0
        if current:
            tasks.append(_VerifyTask(len(tasks), tuple(current), mdict, wdir))
    return tasks


def _completeness(documents: list[DocInfo]) -> Any:
    """Score for ``most-complete``: distinct shingles of the passage (the version holding the most)."""
    from dedup.corpus.cluster import Node
    from dedup.similarity.shingles import shingles

    cache = _TextCache(32)

    def score(node: Node) -> float:
        text = cache.get(documents[node.doc].path) or ""
        return float(len(shingles(text[node.start : node.end])))

    return score
