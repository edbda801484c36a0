"""Batch clustering: precision/recall on the generated corpus, local vs Ray, keepers, resume, rewrite."""

from __future__ import annotations

import os
import random
from pathlib import Path
from typing import Any

import pytest

from dedup.corpus.cluster import build_clusters
from dedup.corpus.passages import PassageMatch
from dedup.corpus.pipeline import DedupResult, dedup_corpus
from dedup.corpus.rewrite import write_deduplicated
from dedup.corpus.synthetic import SyntheticCorpus, evaluate, generate_corpus


def test_generated_corpus_has_every_kind_of_duplicate(synthetic: tuple[SyntheticCorpus, Path]) -> None:
    corpus, _ = synthetic
    variants = {i.variant for i in corpus.instances}
    assert variants == {"source", "exact", "noisy", "partial", "scan"}
    assert len(corpus.docs) >= 2000
    texts = list(corpus.docs.values())
    assert sum(any("\u4e00" <= c <= "\u9fff" for c in t[:50]) for t in texts) > 500
    assert sum(t[:50].isascii() for t in texts) > 500
    # partial copies sit inside longer documents, not alone
    partial = [i for i in corpus.instances if i.variant == "partial"]
    assert all(i.end - i.start < 0.8 * len(corpus.docs[i.doc]) for i in partial)


def test_precision_and_recall_at_passage_level(synthetic: tuple[SyntheticCorpus, Path],
                                              synthetic_local: DedupResult) -> None:
    corpus, _ = synthetic
    scores = evaluate(synthetic_local, corpus.instances)
    assert scores["precision"] >= 0.95, scores
    assert scores["recall"] >= 0.95, scores
    assert scores["pair_precision"] >= 0.95, scores
    assert scores["pair_recall"] >= 0.95, scores


@pytest.mark.parametrize("variant", ["exact", "noisy", "partial", "scan"])
def test_each_kind_of_duplicate_is_found(synthetic: tuple[SyntheticCorpus, Path], synthetic_local: DedupResult,
                                        variant: str) -> None:
    corpus, _ = synthetic
    groups = {i.group for i in corpus.instances if i.variant == variant}
    subset = [i for i in corpus.instances if i.group in groups and (i.variant in (variant, "source", "scan"))]
    assert evaluate(synthetic_local, subset)["recall"] >= 0.9


def test_whole_document_duplicates_form_document_clusters(synthetic: tuple[SyntheticCorpus, Path],
                                                          synthetic_local: DedupResult) -> None:
    corpus, _ = synthetic
    scanned = {(i.doc.replace("-rescan", "")) for i in corpus.instances if i.variant == "scan"}
    found = {frozenset(Path(synthetic_local.documents[d].path).name.replace("-rescan", "") for d in g)
             for g in synthetic_local.doc_clusters}
    assert sum(frozenset({name}) in found for name in scanned) >= 0.95 * len(scanned)
    assert all(len(g) == 1 for g in found), "a document cluster joined unrelated documents"


@pytest.mark.ray
def test_ray_engine_gives_identical_clusters(synthetic: tuple[SyntheticCorpus, Path], synthetic_local: DedupResult,
                                             ray_local: None) -> None:
    on_ray = dedup_corpus([synthetic[1]], engine="ray", workers=2)
    assert list(on_ray.cluster_records()) == list(synthetic_local.cluster_records())
    assert on_ray.summary()["clusters"] == synthetic_local.summary()["clusters"]


def test_same_input_same_clusters_whatever_the_sharding(tmp_path: Path) -> None:
    corpus = generate_corpus(160, seed=3, groups=30, scans=4)
    corpus.write(tmp_path / "c")
    a = dedup_corpus([tmp_path / "c"], workers=1, shard_size=7)
    b = dedup_corpus([tmp_path / "c"], workers=2, shard_size=50)
    assert list(a.cluster_records()) == list(b.cluster_records())
    assert a.clusters, "the small corpus has duplicates"


def _match(a: int, a0: int, a1: int, b: int, b0: int, b1: int) -> PassageMatch:
    return PassageMatch(a, a0, a1, b, b0, b1, 0.9)


@pytest.mark.parametrize(("keep", "expected"), [("first", (0, 0)), ("longest", (2, 50)), ("most-complete", (1, 10))])
def test_keeper_policies(keep: str, expected: tuple[int, int]) -> None:
    matches = [_match(0, 0, 100, 1, 10, 150), _match(1, 10, 150, 2, 50, 250)]
    score = {0: 1.0, 1: 5.0, 2: 2.0}
    [cluster] = build_clusters(matches, keep, completeness=lambda n: score[n.doc])
    assert (cluster.keeper.doc, cluster.keeper.start) == expected


def test_keeper_does_not_depend_on_match_order() -> None:
    matches = [_match(0, 0, 100, 1, 10, 150), _match(1, 10, 150, 2, 50, 250), _match(3, 0, 90, 2, 60, 240)]
    ref = [(c.keeper.doc, [(n.doc, n.start) for n in c.nodes]) for c in build_clusters(matches, "longest")]
    for seed in range(5):
        shuffled = matches[:]
        random.Random(seed).shuffle(shuffled)
        got = [(c.keeper.doc, [(n.doc, n.start) for n in c.nodes]) for c in build_clusters(shuffled, "longest")]
        assert got == ref


def test_unknown_keep_policy_is_refused() -> None:
    with pytest.raises(ValueError, match="keep policy"):
        build_clusters([], "newest")


def test_resume_redoes_only_unfinished_shards(tmp_path: Path) -> None:
    corpus = generate_corpus(120, seed=5, groups=20, scans=3)
    corpus.write(tmp_path / "c")
    work = tmp_path / "work"
    first = dedup_corpus([tmp_path / "c"], work_dir=work, shard_size=20, workers=1)
    shards = sorted(work.glob("shard-*.json"))
    assert len(shards) == 6
    stamps = {p.name: p.stat().st_mtime_ns for p in shards}
    # an interrupted run: two shards and a verification result never got written
    shards[1].unlink()
    shards[4].unlink()
    next(iter(sorted(work.glob("verify-*.json")))).unlink()
    again = dedup_corpus([tmp_path / "c"], work_dir=work, shard_size=20, workers=1, resume=True)
    after = {p.name: p.stat().st_mtime_ns for p in sorted(work.glob("shard-*.json"))}
    redone = {name for name in after if after[name] != stamps.get(name)}
    assert redone == {shards[1].name, shards[4].name}
    assert list(again.cluster_records()) == list(first.cluster_records())


def test_resume_notices_a_changed_document(tmp_path: Path) -> None:
    corpus = generate_corpus(60, seed=9, groups=10, scans=2)
    corpus.write(tmp_path / "c")
    work = tmp_path / "work"
    dedup_corpus([tmp_path / "c"], work_dir=work, shard_size=20, workers=1)
    target = sorted((tmp_path / "c").iterdir())[45]
    target.write_text(target.read_text(encoding="utf-8") + "\nA new closing line.\n", encoding="utf-8")
    os.utime(target, ns=(1, 1))
    before = {p.name: p.stat().st_mtime_ns for p in work.glob("shard-*.json")}
    dedup_corpus([tmp_path / "c"], work_dir=work, shard_size=20, workers=1, resume=True)
    after = {p.name: p.stat().st_mtime_ns for p in work.glob("shard-*.json")}
    assert [n for n in sorted(after) if after[n] != before[n]] == ["shard-000002.json"]


def _texts(folder: Path) -> dict[str, str]:
    return {p.name: p.read_text(encoding="utf-8") for p in sorted(folder.iterdir())}


def test_write_deduplicated_keeps_one_copy_and_loses_nothing(tmp_path: Path) -> None:
    from dedup.normalize import normalize

    corpus = generate_corpus(200, seed=11, groups=40, scans=5)
    corpus.write(tmp_path / "c")
    result = dedup_corpus([tmp_path / "c"], workers=1, keep="longest")
    written = write_deduplicated(result, tmp_path / "out")
    before, after = _texts(tmp_path / "c"), _texts(tmp_path / "out")
    assert before.keys() == after.keys()
    assert written.characters_removed > 0
    removed_any = False
    for path, findings in written.applied.items():
        name = Path(path).name
        for f in findings:
            removed_any = True
            ev: dict[str, Any] = dict(f.evidence)
            twin_name = Path(ev["twin_path"]).name
            twin = before[twin_name][ev["twin_start"] : ev["twin_end"]]
            # the retained twin survives verbatim in the keeper's output ...
            assert twin in after[twin_name], (name, twin_name)
            # ... and holds what was deleted (same text up to OCR noise)
            from rapidfuzz.fuzz import partial_ratio

            deleted = normalize(f.span.slice(before[name])).text
            assert partial_ratio(deleted, normalize(twin).text) >= 75
            assert f.fix is not None and f.fix.keeps == ()
            assert f.kind in ("duplicate-paragraph", "duplicate-section")
    assert removed_any
    # every cluster keeps its keeper's passage untouched
    for c in result.clusters:
        k = c.keeper
        name = Path(result.documents[k.doc].path).name
        if name not in {Path(p).name for p in written.applied if written.applied[p]}:
            assert after[name] == before[name]
    # running again on the output finds (almost) nothing left to remove
    second = dedup_corpus([tmp_path / "out"], workers=1)
    assert second.summary()["duplicate_fraction"] < 0.2 * result.summary()["duplicate_fraction"]


def test_write_deduplicated_keeps_bom_and_line_endings(tmp_path: Path) -> None:
    corpus = generate_corpus(40, seed=13, groups=10, scans=1, chinese_share=1.0)
    corpus.write(tmp_path / "c")
    files = sorted((tmp_path / "c").iterdir())
    for p in files[:20]:
        p.write_bytes("\ufeff".encode() + p.read_bytes())
    for p in files[20:]:
        p.write_bytes(p.read_bytes().replace(b"\n", b"\r\n"))
    result = dedup_corpus([tmp_path / "c"], workers=1)
    assert result.clusters
    written = write_deduplicated(result, tmp_path / "out")
    assert written.characters_removed > 0
    for p in files[:20]:
        assert (tmp_path / "out" / p.name).read_bytes().startswith(b"\xef\xbb\xbf")
    rescans = {Path(result.documents[d].path).name for g in result.doc_clusters for d in g[1:]}
    for p in files[20:]:
        data = (tmp_path / "out" / p.name).read_bytes()
        assert not data.startswith(b"\xef\xbb\xbf")
        if p.name in rescans and not data.strip():
            continue  # one of two scans of a whole page: everything in it is kept in the other
        assert data.count(b"\n") == data.count(b"\r\n") > 0


def test_empty_and_tiny_documents(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("", encoding="utf-8")
    (tmp_path / "b.txt").write_text("word", encoding="utf-8")
    (tmp_path / "c.txt").write_text("，。", encoding="utf-8")
    result = dedup_corpus([tmp_path], workers=1)
    assert result.summary()["documents"] == 3
    assert result.clusters == []


def test_most_complete_keeper_holds_the_most_shingles(tmp_path: Path) -> None:
    from dedup.similarity import shingles

    corpus = generate_corpus(120, seed=17, groups=30, scans=2)
    corpus.write(tmp_path / "c")
    result = dedup_corpus([tmp_path / "c"], workers=1, keep="most-complete")
    texts = {d.path: Path(d.path).read_text(encoding="utf-8") for d in result.documents}
    assert result.clusters
    for c in result.clusters:
        sizes = [len(shingles(texts[result.documents[n.doc].path][n.start : n.end])) for n in c.nodes]
        keeper = c.nodes.index(c.keeper)
        assert sizes[keeper] == max(sizes)
