"""The persistent passage index: SQLite and a real Redis server."""

from __future__ import annotations

import json
import multiprocessing
import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest

from dedup.corpus.index import CorpusIndex, check_document, open_index
from dedup.corpus.scheme import Scheme, SchemeMismatch
from dedup.corpus.synthetic import generate_corpus
from dedup.model import Document

BACKENDS = ["sqlite", pytest.param("redis", marks=pytest.mark.redis)]


@pytest.fixture(scope="module")
def small_corpus(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[tuple[str, int, int, int]]]:
    corpus = generate_corpus(80, seed=21, groups=25, scans=2)
    folder = tmp_path_factory.mktemp("small") / "docs"
    corpus.write(folder)
    truth = [(i.doc, i.start, i.end, i.group) for i in corpus.instances]
    return folder, truth


@pytest.fixture
def target(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "redis":
        url: str = request.getfixturevalue("redis_url")
        return url
    return str(tmp_path / "index.sqlite")


def _doc(path: Path) -> Document:
    from dedup.io import read_document

    return read_document(path)


@pytest.mark.parametrize("target", BACKENDS, indirect=True)
def test_index_then_check_finds_reprints_across_documents(target: str, small_corpus: tuple[Path, list]) -> None:
    folder, truth = small_corpus
    files = sorted(folder.iterdir())
    indexed, fresh = files[:50], files[50:]
    with open_index(target) as index:
        outcome = index.add_paths(indexed)
        assert set(outcome.values()) == {"added"}
        assert len(index.paths()) == 50
    indexed_names = {p.name for p in indexed}
    by_group: dict[int, set[str]] = {}
    for doc, _, _, group in truth:
        by_group.setdefault(group, set()).add(doc)
    expected = {name for p in fresh for name in [p.name]
                if any(name in docs and docs & indexed_names for docs in by_group.values())}
    assert expected, "the split leaves reprints of indexed passages among the fresh documents"
    with open_index(target) as index:
        flagged = {Path(doc.path).name for doc, findings in index.check_paths(fresh) if findings}
        for _doc, findings in index.check_paths(fresh[:5]):
            for f in findings:
                assert f.kind in ("duplicate-paragraph", "duplicate-section")
                assert Path(f.evidence["twin_path"]).name in indexed_names
                assert f.related == ()
    assert len(flagged & expected) >= 0.95 * len(expected)
    assert flagged - expected == set(), "a document without reprints was flagged"


@pytest.mark.parametrize("target", BACKENDS, indirect=True)
def test_reindexing_replaces_and_remove_deletes(target: str, tmp_path: Path) -> None:
    passage = " ".join(f"word{i} alpha{i % 7} beta{i % 5}" for i in range(80))
    a = tmp_path / "a.txt"
    a.write_text("Preface of a.\n" + passage + "\n", encoding="utf-8")
    new = Document("Something else.\n" + passage + "\n", path="new.txt")
    with open_index(target) as index:
        assert index.add_paths([a]) == {str(a): "added"}
        assert index.add_paths([a]) == {str(a): "unchanged"}
        assert check_document(index, new)
        a.write_text("Only new words now, nothing of the old text at all " * 20, encoding="utf-8")
        assert index.add_paths([a]) == {str(a): "replaced"}
        assert check_document(index, new) == [], "the old entries of a.txt must be gone"
        a.write_text("Preface again.\n" + passage + "\n", encoding="utf-8")
        index.add_paths([a])
        assert check_document(index, new)
        assert index.remove(str(a)) is True
        assert index.remove(str(a)) is False
        assert check_document(index, new) == []
        assert index.paths() == []


@pytest.mark.parametrize("target", BACKENDS, indirect=True)
def test_a_document_is_not_reported_against_itself(target: str, tmp_path: Path) -> None:
    a = tmp_path / "a.txt"
    a.write_text(" ".join(f"token{i}" for i in range(300)), encoding="utf-8")
    with open_index(target) as index:
        index.add_paths([a])
        [(_doc, findings)] = index.check_paths([a])
        assert findings == []


@pytest.mark.parametrize("target", BACKENDS, indirect=True)
def test_incompatible_scheme_is_refused(target: str) -> None:
    with open_index(target, Scheme(num_perm=64, seed=1)):
        pass
    with pytest.raises(SchemeMismatch, match="seed"):
        open_index(target, Scheme(num_perm=64, seed=2))
    with pytest.raises(SchemeMismatch, match="num_perm"):
        open_index(target, Scheme(num_perm=128))
    with open_index(target) as index:  # no scheme asked: the recorded one is used
        assert index.scheme == Scheme(num_perm=64, seed=1)


def test_a_datasketch_built_scheme_is_refused(tmp_path: Path) -> None:
    """An index whose record says datasketch's hashing (2.x changed its default) never mixes with ours."""
    path = tmp_path / "ix.sqlite"
    with open_index(path):
        pass
    conn = sqlite3.connect(path)
    recorded = json.loads(conn.execute("SELECT value FROM meta WHERE key='scheme'").fetchone()[0])
    recorded["hashing"]["minhash"] = "datasketch-2.0/sha1_hash32"
    conn.execute("UPDATE meta SET value=? WHERE key='scheme'", (json.dumps(recorded),))
    conn.commit()
    conn.close()
    with pytest.raises(SchemeMismatch, match="hashing"):
        open_index(path)


def test_sqlite_index_survives_a_restart(tmp_path: Path, small_corpus: tuple[Path, list]) -> None:
    folder, _ = small_corpus
    files = sorted(folder.iterdir())
    path = tmp_path / "ix.sqlite"
    with open_index(path) as index:
        index.add_paths(files[:40])
        before = [(d.path, [(f.span, f.evidence["twin_path"]) for f in fs]) for d, fs in index.check_paths(files[40:])]
    # a new process opens the file: everything is still there
    ctx = multiprocessing.get_context("spawn")
    with ctx.Pool(1) as pool:
        after = pool.apply(_check_in_new_process, (str(path), [str(f) for f in files[40:]]))
    assert after == [(p, [(s.start, s.end, t) for s, t in fs]) for p, fs in before]
    assert any(fs for _, fs in before)


def _check_in_new_process(path: str, files: list[str]) -> list[tuple[str, list[tuple[int, int, str]]]]:
    with open_index(path) as index:
        return [(d.path, [(f.span.start, f.span.end, f.evidence["twin_path"]) for f in fs])
                for d, fs in index.check_paths(files)]


def _index_some(target: str, files: list[str]) -> int:
    with open_index(target) as index:
        for f in files:
            index.add_paths([f])
        return len(files)


@pytest.mark.parametrize("target", BACKENDS, indirect=True)
def test_two_processes_indexing_at_once_lose_nothing(target: str, small_corpus: tuple[Path, list]) -> None:
    folder, _ = small_corpus
    files = [str(p) for p in sorted(folder.iterdir())]
    with open_index(target):
        pass  # create it, so both writers find the scheme recorded
    ctx = multiprocessing.get_context("spawn")
    with ctx.Pool(2) as pool:
        # interleaved halves, and both also write the same ten documents
        jobs = [pool.apply_async(_index_some, (target, files[0::2] + files[:10])),
                pool.apply_async(_index_some, (target, files[1::2] + files[:10]))]
        assert [j.get(timeout=300) for j in jobs]
    with open_index(target) as index:
        assert index.paths() == sorted(files)
        # every document's own passages are findable again: none of its entries was lost
        single = _fresh_copy(index, target)
        for f in files[::9]:
            text = Path(f).read_text(encoding="utf-8")
            assert _lookup_sizes(index, text) == _lookup_sizes(single(f), text)


def _lookup_sizes(index: CorpusIndex, text: str) -> list[int]:
    from dedup.corpus.scheme import sketch_text

    found = index._lookup(sketch_text(text, index.scheme).keys)
    return sorted(len(v) for v in found.values())


def _fresh_copy(index: CorpusIndex, target: str) -> Callable[[str], CorpusIndex]:
    """The same documents indexed by one process, one at a time (the reference)."""
    import tempfile

    folder = tempfile.mkdtemp()
    ref = open_index(Path(folder) / "ref.sqlite", index.scheme)
    for p in index.paths():
        ref.add_paths([p])
    return lambda _path: ref
