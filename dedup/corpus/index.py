"""A persistent index of passage signatures: SQLite (a file, no server) or Redis (shared by a team).

Layout (both stores hold the same things):

* the :class:`~dedup.corpus.scheme.Scheme` as JSON, written by the first writer and
  compared by every later one (a mismatch raises :class:`SchemeMismatch`);
* per document: path, content hash, zlib-compressed text (to align and report offsets
  without the original file), window offsets and band keys;
* per band key: the ``(document, window)`` pairs holding it.

Writing a document is one transaction that first removes its previous entries, so
re-indexing a changed document replaces it, an unchanged one (same content hash) is
skipped, and concurrent writers never lose each other's documents (SQLite: WAL and
``BEGIN IMMEDIATE``; Redis: ``WATCH``/``MULTI`` per document).
"""

from __future__ import annotations

import contextlib
import json
import os
import zlib
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from types import TracebackType
from typing import Any

import numpy as np
import numpy.typing as npt

from dedup.corpus.passages import match_pair
from dedup.corpus.scheme import MatchParams, Scheme, SchemeMismatch, Sketch, content_hash, sketch_text
from dedup.model import Document, Finding, Severity, Span

__all__ = ["CorpusIndex", "IndexedDoc", "RedisIndex", "SQLiteIndex", "SchemeMismatch", "check_document",
           "open_index"]

U64 = npt.NDArray[np.uint64]

#: documents written per transaction by :meth:`CorpusIndex.add_paths`
_BATCH = 32


@dataclass(frozen=True)
class IndexedDoc:
    """A document as stored: its text and window offsets."""

    key: str
    path: str
    digest: str
    text: str
    starts: npt.NDArray[np.int64]
    ends: npt.NDArray[np.int64]


def _pack_windows(sk: Sketch) -> bytes:
    return np.stack([sk.starts, sk.ends]).astype("<i8").tobytes()


def _unpack_windows(data: bytes) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    arr = np.frombuffer(data, dtype="<i8").reshape(2, -1).astype(np.int64)
    return arr[0], arr[1]


class CorpusIndex:
    """Common operations; subclasses implement storage."""

    scheme: Scheme

    def __enter__(self) -> CorpusIndex:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()

    def close(self) -> None:
        """Release the connection."""

    # storage primitives
    def _ensure_scheme(self) -> None:
        raise NotImplementedError

    def digest(self, path: str) -> str | None:
        """Content hash of the indexed ``path``, or ``None`` when it is not indexed."""
        raise NotImplementedError

    def _put(self, path: str, digest: str, text: str, sketch: Sketch) -> None:
        raise NotImplementedError

    def remove(self, path: str) -> bool:
        """Delete ``path`` and its entries; ``False`` when it was not indexed."""
        raise NotImplementedError

    def _lookup(self, keys: U64) -> dict[str, list[tuple[int, int]]]:
        """Indexed document key -> (query window row, indexed window) for every shared band key."""
        raise NotImplementedError

    def _load(self, key: str) -> IndexedDoc | None:
        raise NotImplementedError

    def paths(self) -> list[str]:
        """Indexed paths, sorted."""
        raise NotImplementedError

    # operations
    def add(self, path: str, text: str) -> str:
        """Index ``text`` under ``path``; returns ``added``, ``replaced`` or ``unchanged``."""
        digest = content_hash(text)
        old = self.digest(path)
        if old == digest:
            return "unchanged"
        self._put(path, digest, text, sketch_text(text, self.scheme))
        return "added" if old is None else "replaced"

    def add_paths(self, paths: Iterable[str | os.PathLike[str]]) -> dict[str, str]:
        """Index files and directories (recursively); path -> outcome (or ``error: ...``)."""
        from dedup.corpus.pipeline import iter_paths
        from dedup.io import InputError, read_document

        out: dict[str, str] = {}
        files = iter_paths(paths)
        for first in range(0, len(files), _BATCH):
            # sketch outside the transaction so concurrent writers wait only for the inserts
            ready = []
            for path in files[first : first + _BATCH]:
                try:
                    text = read_document(path).text
                except InputError as exc:
                    out[path] = f"error: {exc}"
                    continue
                digest = content_hash(text)
                old = self.digest(path)
                if old == digest:
                    out[path] = "unchanged"
                    continue
                ready.append((path, digest, text, sketch_text(text, self.scheme)))
                out[path] = "added" if old is None else "replaced"
            with self.batch():
                for path, digest, text, sk in ready:
                    self._put(path, digest, text, sk)
        return dict(sorted(out.items()))

    def batch(self) -> contextlib.AbstractContextManager[Any]:
        """A context in which several writes may share one transaction (a no-op by default)."""
        return contextlib.nullcontext()

    def matches(self, text: str, *, path: str | None = None,
                params: MatchParams | None = None) -> list[tuple[IndexedDoc, Any]]:
        """Passages of ``text`` that near-duplicate indexed passages: (indexed document, alignment).

        The document indexed under ``path`` itself is left out.
        """
        params = params or MatchParams()
        sk = sketch_text(text, self.scheme)
        if not len(sk):
            return []
        found: list[tuple[IndexedDoc, Any]] = []
        for key, pairs in sorted(self._lookup(sk.keys).items()):
            doc = self._load(key)
            if doc is None or (path is not None and doc.path == path):
                continue
            regions = sorted({(int(sk.starts[q]), int(sk.ends[q]), int(doc.starts[w]), int(doc.ends[w]))
                              for q, w in pairs})
            found.extend((doc, al) for al in match_pair(text, doc.text, regions, params))
        found.sort(key=lambda item: (item[1].a_start, item[0].path, item[1].b_start))
        return found

    def check_paths(self, paths: Iterable[str | os.PathLike[str]], *,
                    params: MatchParams | None = None) -> list[tuple[Document, list[Finding]]]:
        """Read each file and report its passages already in the index."""
        from dedup.corpus.pipeline import iter_paths
        from dedup.io import read_document

        return [(doc, check_document(self, doc, params=params)) for doc in
                (read_document(p) for p in iter_paths(paths))]


def check_document(index: CorpusIndex, doc: Document, *, params: MatchParams | None = None,
                   severity: Severity = Severity.WARNING) -> list[Finding]:
    """Findings for the passages of ``doc`` that reprint indexed passages (kind duplicate-paragraph/-section).

    The twin is in another document, so it is named in ``evidence`` (``twin_path``,
    ``twin_start``, ``twin_end``, ``twin_line``), not in ``related`` (whose offsets
    are into this document).  No fix is proposed: which copy to keep is a corpus decision.
    """
    # one finding per passage: copies of it in several indexed documents are listed together
    groups: list[list[tuple[IndexedDoc, Any]]] = []
    for other, al in index.matches(doc.text, path=doc.path, params=params):
        for group in groups:
            g0 = group[0][1]
            if min(g0.a_end, al.a_end) - max(g0.a_start, al.a_start) >= 0.5 * min(
                    g0.a_end - g0.a_start, al.a_end - al.a_start):
                group.append((other, al))
                break
        else:
            groups.append([(other, al)])
    out = []
    for group in groups:
        group.sort(key=lambda item: (-item[1].score, item[0].path))
        other, al = group[0]
        twins = [{"path": o.path, "start": a.b_start, "end": a.b_end, "line": o.text.count("\n", 0, a.b_start) + 1,
                  "similarity": a.score} for o, a in group]
        more = f" and {len(group) - 1} more" if len(group) > 1 else ""
        multi = "\n\n" in doc.text[al.a_start : al.a_end].strip() or "\n\r\n" in doc.text[al.a_start : al.a_end]
        out.append(Finding(
            rule="DUP002" if multi else "DUP001",
            kind="duplicate-section" if multi else "duplicate-paragraph",
            severity=severity,
            confidence=min(1.0, al.score),
            message=f"passage already published in {other.path} "
                    f"(line {twins[0]['line']}, {al.score:.0%} similar){more}",
            span=Span(al.a_start, al.a_end),
            evidence={"scope": "corpus", "twin_path": other.path, "twin_start": al.b_start,
                      "twin_end": al.b_end, "twin_line": twins[0]["line"],
                      "similarity": al.score, "twins": twins},
        ))
    out.sort(key=lambda f: f.sort_key)
    return out


# --- SQLite ------------------------------------------------------------------------------

_SQLITE_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS docs (
    id INTEGER PRIMARY KEY, path TEXT NOT NULL UNIQUE, digest TEXT NOT NULL,
    text BLOB NOT NULL, windows BLOB NOT NULL, bands BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS bands (key INTEGER NOT NULL, doc INTEGER NOT NULL, win INTEGER NOT NULL,
    PRIMARY KEY (key, doc, win)) WITHOUT ROWID;
"""


class SQLiteIndex(CorpusIndex):
    """An index in one SQLite file (WAL mode; safe for several processes on one machine)."""

    def __init__(self, path: str | os.PathLike[str], scheme: Scheme | None = None, *, timeout: float = 60.0) -> None:
        import sqlite3

        self.path = os.fspath(path)
        self.conn = sqlite3.connect(self.path, timeout=timeout, isolation_level=None)
        self.conn.execute("PRAGMA journal_mode=WAL")
        self.conn.execute("PRAGMA synchronous=NORMAL")
        self.conn.execute(f"PRAGMA busy_timeout={int(timeout * 1000)}")
        self._requested = scheme
        self._ensure_scheme()

    def close(self) -> None:
        self.conn.close()

    def _ensure_scheme(self) -> None:
        with self._write():
            for stmt in _SQLITE_SCHEMA.split(";"):
                if stmt.strip():
                    self.conn.execute(stmt)
            row = self.conn.execute("SELECT value FROM meta WHERE key = 'scheme'").fetchone()
            if row is None:
                self.scheme = self._requested or Scheme()
                self.conn.execute("INSERT INTO meta VALUES ('scheme', ?)", (json.dumps(self.scheme.to_dict()),))
                return
        recorded = json.loads(row[0])
        if self._requested is not None:
            self._requested.check_compatible(recorded)
        self.scheme = Scheme.from_dict(recorded)
        self.scheme.check_compatible(recorded)

    class _Tx:
        """A write transaction; nested ones join the outer one (see :meth:`batch`)."""

        def __init__(self, owner: SQLiteIndex) -> None:
            self.owner = owner

        def __enter__(self) -> None:
            if self.owner._depth == 0:
                self.owner.conn.execute("BEGIN IMMEDIATE")
            self.owner._depth += 1

        def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                     tb: TracebackType | None) -> None:
            self.owner._depth -= 1
            if self.owner._depth == 0:
                self.owner.conn.execute("COMMIT" if exc_type is None else "ROLLBACK")

    _depth = 0

    def _write(self) -> SQLiteIndex._Tx:
        return SQLiteIndex._Tx(self)

    def batch(self) -> SQLiteIndex._Tx:
        """One transaction around several writes (faster; other writers wait for it)."""
        return SQLiteIndex._Tx(self)

    def digest(self, path: str) -> str | None:
        row = self.conn.execute("SELECT digest FROM docs WHERE path = ?", (path,)).fetchone()
        return None if row is None else str(row[0])

    def _put(self, path: str, digest: str, text: str, sketch: Sketch) -> None:
        keys = sketch.keys.astype(np.uint64).view(np.int64)
        with self._write():
            self._delete(path)
            cur = self.conn.execute(
                "INSERT INTO docs (path, digest, text, windows, bands) VALUES (?, ?, ?, ?, ?)",
                (path, digest, zlib.compress(text.encode("utf-8", "surrogatepass"), 6), _pack_windows(sketch),
                 keys.astype("<i8").tobytes()))
            doc_id = cur.lastrowid
            rows = ((int(k), doc_id, w) for w in range(keys.shape[0]) for k in keys[w].tolist())
            self.conn.executemany("INSERT OR IGNORE INTO bands VALUES (?, ?, ?)", rows)

    def _delete(self, path: str) -> bool:
        row = self.conn.execute("SELECT id, bands FROM docs WHERE path = ?", (path,)).fetchone()
        if row is None:
            return False
        # the document's own keys say where its entries are: no second index on the band table
        keys = np.frombuffer(row[1], dtype="<i8").reshape(-1, self.scheme.bands)
        self.conn.executemany("DELETE FROM bands WHERE key = ? AND doc = ? AND win = ?",
                              ((int(k), row[0], w) for w in range(keys.shape[0]) for k in keys[w].tolist()))
        self.conn.execute("DELETE FROM docs WHERE id = ?", (row[0],))
        return True

    def remove(self, path: str) -> bool:
        with self._write():
            return self._delete(path)

    def _lookup(self, keys: U64) -> dict[str, list[tuple[int, int]]]:
        flat = keys.astype(np.uint64).view(np.int64)
        where: dict[int, list[int]] = defaultdict(list)
        for row in range(flat.shape[0]):
            for k in flat[row].tolist():
                where[int(k)].append(row)
        out: dict[str, list[tuple[int, int]]] = defaultdict(list)
        unique = list(where)
        for i in range(0, len(unique), 500):
            chunk = unique[i : i + 500]
            q = f"SELECT key, doc, win FROM bands WHERE key IN ({','.join('?' * len(chunk))})"
            for key, doc, win in self.conn.execute(q, chunk):
                out[str(doc)].extend((row, int(win)) for row in where[int(key)])
        return out

    def _load(self, key: str) -> IndexedDoc | None:
        row = self.conn.execute("SELECT path, digest, text, windows FROM docs WHERE id = ?", (int(key),)).fetchone()
        if row is None:
            return None
        starts, ends = _unpack_windows(row[3])
        return IndexedDoc(key, row[0], row[1], zlib.decompress(row[2]).decode("utf-8", "surrogatepass"),
                          starts, ends)

    def paths(self) -> list[str]:
        return [r[0] for r in self.conn.execute("SELECT path FROM docs ORDER BY path")]


# --- Redis -------------------------------------------------------------------------------


class RedisIndex(CorpusIndex):
    """An index in a Redis database, under ``prefix`` (``dedup:`` by default).

    Keys: ``{prefix}scheme`` (JSON), ``{prefix}paths`` (hash path -> document key),
    ``{prefix}doc:{key}`` (hash: path, digest, text, windows, bands), and one set
    ``{prefix}b:{band key}`` of ``"{document key}:{window}"`` members per band key.
    """

    def __init__(self, url: str, scheme: Scheme | None = None, *, prefix: str = "dedup:") -> None:
        import redis

        self.url = url
        self.prefix = prefix
        self.r: Any = redis.Redis.from_url(url)
        self._requested = scheme
        self._ensure_scheme()

    def close(self) -> None:
        self.r.close()

    def _ensure_scheme(self) -> None:
        proposed = json.dumps((self._requested or Scheme()).to_dict())
        self.r.setnx(self.prefix + "scheme", proposed)
        recorded = json.loads(self.r.get(self.prefix + "scheme"))
        if self._requested is not None:
            self._requested.check_compatible(recorded)
        self.scheme = Scheme.from_dict(recorded)
        self.scheme.check_compatible(recorded)

    @staticmethod
    def _doc_key(path: str) -> str:
        import hashlib

        return hashlib.blake2b(path.encode("utf-8", "surrogatepass"), digest_size=10).hexdigest()

    def digest(self, path: str) -> str | None:
        value = self.r.hget(self.prefix + "doc:" + self._doc_key(path), "digest")
        return None if value is None else bytes(value).decode()

    def _put(self, path: str, digest: str, text: str, sketch: Sketch) -> None:
        self._replace(path, (digest, text, sketch))

    def remove(self, path: str) -> bool:
        return self._replace(path, None)

    def _replace(self, path: str, new: tuple[str, str, Sketch] | None) -> bool:
        import redis

        key = self._doc_key(path)
        hkey = self.prefix + "doc:" + key
        while True:
            pipe: Any
            with self.r.pipeline(transaction=True) as pipe:
                try:
                    pipe.watch(hkey)
                    old = pipe.hget(hkey, "bands")
                    pipe.multi()
                    if old is not None:
                        old_keys = np.frombuffer(old, dtype="<u8").reshape(-1, self.scheme.bands)
                        for w in range(old_keys.shape[0]):
                            for k in old_keys[w].tolist():
                                pipe.srem(f"{self.prefix}b:{k}", f"{key}:{w}")
                        pipe.delete(hkey)
                        pipe.hdel(self.prefix + "paths", path)
                    if new is not None:
                        digest, text, sk = new
                        pipe.hset(hkey, mapping={
                            "path": path.encode("utf-8", "surrogatepass"), "digest": digest,
                            "text": zlib.compress(text.encode("utf-8", "surrogatepass"), 6),
                            "windows": _pack_windows(sk), "bands": sk.keys.astype("<u8").tobytes()})
                        pipe.hset(self.prefix + "paths", path, key)
                        for w in range(sk.keys.shape[0]):
                            for k in sk.keys[w].tolist():
                                pipe.sadd(f"{self.prefix}b:{k}", f"{key}:{w}")
                    pipe.execute()
                    return old is not None
                except redis.WatchError:
                    continue

    def _lookup(self, keys: U64) -> dict[str, list[tuple[int, int]]]:
        where: dict[int, list[int]] = defaultdict(list)
        for row in range(keys.shape[0]):
            for k in keys[row].tolist():
                where[int(k)].append(row)
        unique = list(where)
        pipe = self.r.pipeline(transaction=False)
        for k in unique:
            pipe.smembers(f"{self.prefix}b:{k}")
        out: dict[str, list[tuple[int, int]]] = defaultdict(list)
        for k, members in zip(unique, pipe.execute(), strict=True):
            for m in members:
                doc, _, win = bytes(m).decode().partition(":")
                out[doc].extend((row, int(win)) for row in where[k])
        return out

    def _load(self, key: str) -> IndexedDoc | None:
        data = self.r.hgetall(self.prefix + "doc:" + key)
        if not data:
            return None
        starts, ends = _unpack_windows(data[b"windows"])
        return IndexedDoc(key, data[b"path"].decode("utf-8", "surrogatepass"), data[b"digest"].decode(),
                          zlib.decompress(data[b"text"]).decode("utf-8", "surrogatepass"), starts, ends)

    def paths(self) -> list[str]:
        return sorted(bytes(p).decode("utf-8", "surrogatepass") for p in self.r.hkeys(self.prefix + "paths"))


def open_index(target: str | os.PathLike[str], scheme: Scheme | None = None) -> CorpusIndex:
    """An index at ``target``: ``redis://host:port/db`` for Redis, anything else a SQLite file path.

    Args:
        target: where the index lives.
        scheme: the scheme to create the index with; an existing index must match it
            (when ``None``, an existing index's recorded scheme is used).

    Raises:
        SchemeMismatch: the index was built with another scheme.
    """
    name = os.fspath(target)
    if name.startswith(("redis://", "rediss://", "unix://")):
        return RedisIndex(name, scheme)
    return SQLiteIndex(name, scheme)


def iter_findings(index: CorpusIndex, docs: Sequence[Document]) -> Iterator[tuple[Document, list[Finding]]]:
    """``check_document`` over several documents."""
    for doc in docs:
        yield doc, check_document(index, doc)
