"""``dedup corpus`` through click's runner: exit codes, formats, outputs."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from dedup.cli import cli
from dedup.corpus.synthetic import generate_corpus


@pytest.fixture(scope="module")
def folders(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, Path]:
    root = tmp_path_factory.mktemp("cli")
    corpus = generate_corpus(100, seed=31, groups=30, scans=3)
    corpus.write(root / "all")
    files = sorted((root / "all").iterdir())
    old, new = root / "old", root / "new"
    old.mkdir()
    new.mkdir()
    for i, f in enumerate(files):
        (old if i < 70 else new).joinpath(f.name).write_bytes(f.read_bytes())
    return root, old, new


def _run(args: list[str]) -> tuple[int, str, str]:
    res = CliRunner().invoke(cli, args, catch_exceptions=False)
    return res.exit_code, res.stdout, res.stderr


def test_index_check_exit_codes_and_formats(folders: tuple[Path, Path, Path], tmp_path: Path) -> None:
    _, old, new = folders
    ix = str(tmp_path / "ix.sqlite")
    code, out, err = _run(["corpus", "index", str(old), "--index", ix])
    assert code == 0, err
    assert "70 added" in out
    code, out, _ = _run(["corpus", "index", str(old), "--index", ix, "-q"])
    assert code == 0 and "70 unchanged" in out

    code, out, _ = _run(["corpus", "check", str(new), "--index", ix, "-f", "json"])
    assert code == 1
    report = json.loads(out)
    findings = [f for d in report["documents"] for f in d["findings"]]
    assert findings
    assert all(f["evidence"]["twin_path"].startswith(str(old)) for f in findings)
    assert {f["kind"] for f in findings} <= {"duplicate-paragraph", "duplicate-section"}

    clean = [p for p in sorted(new.iterdir()) if not any(d["path"] == str(p) and d["findings"]
                                                         for d in report["documents"])]
    code, out, _ = _run(["corpus", "check", str(clean[0]), "--index", ix])
    assert code == 0
    for fmt in ("table", "sarif", "github", "rdjson", "junit", "diff"):
        code, out, err = _run(["corpus", "check", str(new), "--index", ix, "-f", fmt])
        assert code == 1, (fmt, err)
        # a reprint proposes no fix (which copy to keep is a corpus decision): the diff is empty
        assert bool(out.strip()) == (fmt != "diff"), fmt
    sarif = json.loads(_run(["corpus", "check", str(new), "--index", ix, "-f", "sarif"])[1])
    assert {r["ruleId"] for r in sarif["runs"][0]["results"]} <= {"DUP001", "DUP002"}
    code, out, _ = _run(["corpus", "check", str(new), "--index", ix, "--fail-on", "error"])
    assert code == 0


def test_check_usage_and_input_errors(folders: tuple[Path, Path, Path], tmp_path: Path) -> None:
    _, old, _ = folders
    code, _, err = _run(["corpus", "check", str(old), "--index", str(tmp_path / "none.sqlite")])
    assert code == 2 and "no index" in err
    ix = str(tmp_path / "ix.sqlite")
    _run(["corpus", "index", str(old), "--index", ix, "--num-perm", "32"])
    code, _, err = _run(["corpus", "index", str(old), "--index", ix, "--num-perm", "64"])
    assert code == 2 and "incompatible MinHash scheme" in err
    code, _, err = _run(["corpus", "check", str(tmp_path / "missing.txt"), "--index", ix])
    assert code == 2
    code, _, err = _run(["corpus", "check", str(old), "--index", "redis://127.0.0.1:1/0"])
    assert code == 2 and "cannot open index" in err


def test_remove_documents(folders: tuple[Path, Path, Path], tmp_path: Path) -> None:
    _, old, _ = folders
    ix = str(tmp_path / "ix.sqlite")
    _run(["corpus", "index", str(old), "--index", ix])
    first = sorted(old.iterdir())[0]
    code, out, _ = _run(["corpus", "index", str(first), "--index", ix, "--remove"])
    assert code == 0 and f"removed: {first}" in out and "69 documents" in out


@pytest.mark.redis
def test_index_and_check_on_redis(folders: tuple[Path, Path, Path], redis_url: str) -> None:
    _, old, new = folders
    code, out, err = _run(["corpus", "index", str(old), "--index", redis_url, "-q"])
    assert code == 0, err
    code, out, _ = _run(["corpus", "check", str(new), "--index", redis_url, "-f", "json"])
    assert code == 1 and json.loads(out)["documents"]


def test_dedup_command_writes_clusters_and_deduplicated_corpus(folders: tuple[Path, Path, Path],
                                                               tmp_path: Path) -> None:
    root, _, _ = folders
    out = tmp_path / "clusters.jsonl"
    code, stdout, err = _run(["corpus", "dedup", str(root / "all"), "--out", str(out), "--keep", "longest",
                              "--write-deduplicated", str(tmp_path / "dd"), "-f", "json", "--workers", "1"])
    assert code == 0, err
    summary = json.loads(stdout)
    assert summary["documents"] == 100 and summary["clusters"] > 0
    assert 0 < summary["duplicate_fraction"] < 0.5
    assert summary["passages_removed"] > 0
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    passages = [r for r in records if r["kind"] == "passage"]
    assert len(passages) == summary["clusters"]
    for r in passages:
        keepers = [m for m in r["members"] if m["keeper"]]
        assert len(keepers) == 1
        assert keepers[0]["end"] - keepers[0]["start"] == max(m["end"] - m["start"] for m in r["members"])
    assert len(list((tmp_path / "dd").iterdir())) == 100
    assert not Path(f"{out}.work").exists()

    code, table, _ = _run(["corpus", "dedup", str(root / "all"), "--workers", "1"])
    assert code == 0
    assert "duplicate_fraction" in table and "clusters" in table


def test_dedup_resume_needs_a_work_dir(folders: tuple[Path, Path, Path]) -> None:
    root, _, _ = folders
    code, _, err = _run(["corpus", "dedup", str(root / "all"), "--resume"])
    assert code == 2 and "--resume" in err


def test_corpus_is_listed_without_importing_numpy() -> None:
    import subprocess
    import sys

    code = ("import sys; from dedup.cli import cli; from click.testing import CliRunner; "
            "r = CliRunner().invoke(cli, ['--help']); assert 'corpus' in r.output; "
            "assert 'numpy' not in sys.modules and 'datasketch' not in sys.modules, sorted(sys.modules)")
    subprocess.run([sys.executable, "-c", code], check=True)
