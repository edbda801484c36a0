"""``dedup corpus``: cross-document near-duplicates (index, check against an index, batch dedup)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from dedup.cli import EXIT_ERROR, EXIT_FINDINGS, EXIT_OK

DEFAULT_INDEX = ".dedup-index.sqlite"


def _scheme_options(func: Any) -> Any:
    options = [
        click.option("--num-perm", type=click.IntRange(2, 1024), default=None,
                     help="MinHash permutations per window (default 64)."),
        click.option("--threshold", type=click.FloatRange(0.01, 0.99), default=None,
                     help="Window Jaccard similarity the LSH bands are tuned for (default 0.3)."),
        click.option("--shingle", "shingle_n", type=click.IntRange(1, 20), default=None,
                     help="Tokens per shingle: words in Latin text, characters in CJK (default 3)."),
        click.option("--stride", type=click.IntRange(2, 10000), default=None,
                     help="Tokens between window starts; windows are twice as long (default 25)."),
        click.option("--seed", type=click.IntRange(0), default=None, help="MinHash seed (default 1)."),
    ]
    for option in reversed(options):
        func = option(func)
    return func


def _scheme(num_perm: int | None, threshold: float | None, shingle_n: int | None, stride: int | None,
            seed: int | None) -> Any:
    from dedup.corpus.scheme import Scheme

    given: dict[str, Any] = {k: v for k, v in {"num_perm": num_perm, "threshold": threshold, "shingle_n": shingle_n,
                               "stride": stride, "seed": seed}.items() if v is not None}
    return Scheme(**given) if given else None


def _open(target: str, scheme: Any) -> Any:
    from dedup.corpus.index import open_index
    from dedup.corpus.scheme import SchemeMismatch

    try:
        return open_index(target, scheme)
    except SchemeMismatch as exc:
        raise click.UsageError(f"{target}: {exc}") from None
    except ImportError as exc:
        raise click.UsageError(f"{target}: {exc} (pip install 'ocr-dedup[redis]')") from None
    except Exception as exc:  # connection refused, unreadable database file, ...
        if type(exc).__module__.startswith(("redis", "sqlite3")):
            # an unreachable server or an unreadable file is an input error: exit 2, like check
            click.echo(f"dedup: cannot open index {target}: {exc}", err=True)
            sys.exit(EXIT_ERROR)
        raise


@click.group()
def corpus() -> None:
    """Cross-document near-duplicates: index, check, dedup."""


@corpus.command("index")
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@click.option("--index", "target", default=DEFAULT_INDEX, show_default=True, metavar="TARGET",
              help="A SQLite file, or redis://host:port/db for a shared Redis server.")
@click.option("--remove", is_flag=True, help="Delete these documents from the index instead of adding them.")
@_scheme_options
@click.option("-q", "--quiet", is_flag=True, help="Print only the totals.")
def index_cmd(paths: tuple[str, ...], target: str, remove: bool, num_perm: int | None, threshold: float | None,
              shingle_n: int | None, stride: int | None, seed: int | None, quiet: bool) -> None:
    """Add documents (files, or *.txt under directories) to a persistent index of passage signatures.

    A changed document replaces its old entries; an unchanged one is skipped.  The
    index records its MinHash scheme and refuses options that would not match it.
    """
    from collections import Counter

    from dedup.corpus.pipeline import iter_paths

    with _open(target, _scheme(num_perm, threshold, shingle_n, stride, seed)) as index:
        if remove:
            outcome = {p: ("removed" if index.remove(p) else "not indexed") for p in iter_paths(paths)}
            for p in paths:
                if not Path(p).exists() and p not in outcome:
                    outcome[p] = "removed" if index.remove(p) else "not indexed"
        else:
            outcome = index.add_paths(paths)
        total = len(index.paths())
    if not quiet:
        for path, what in outcome.items():
            click.echo(f"{what}: {path}")
    counts = Counter(v if not v.startswith("error") else "errors" for v in outcome.values())
    click.echo(", ".join(f"{n} {k}" for k, n in sorted(counts.items())) + f"; {total} documents in {target}")
    errors = [p for p, v in outcome.items() if v.startswith("error")]
    for p in errors:
        click.echo(f"dedup: {p}: {outcome[p][7:]}", err=True)
    sys.exit(EXIT_ERROR if errors else EXIT_OK)


@corpus.command("check")
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@click.option("--index", "target", default=DEFAULT_INDEX, show_default=True, metavar="TARGET",
              help="The index to check against (SQLite file or redis:// URL).")
@click.option("-f", "--format", "fmt", default=None, metavar="FORMAT",
              help="Any format of `dedup check` (default: table; with -o, from its extension).")
@click.option("-o", "--output", type=click.Path(dir_okay=False, writable=True), help="Write the report to this file.")
@click.option("--fail-on", type=click.Choice(["info", "warning", "error"], case_sensitive=False), default="warning",
              show_default=True, help="Exit 1 when a finding reaches this severity.")
@click.option("--severity", type=click.Choice(["info", "warning", "error"], case_sensitive=False),
              default="warning", show_default=True, help="Severity of a reprinted passage.")
@click.option("--min-score", type=click.FloatRange(0.0, 1.0), default=None,
              help="Lowest similarity of a reported passage (default 0.75).")
@click.option("--min-length", type=click.IntRange(1), default=None,
              help="Shortest reported passage in matching-form characters (default 60).")
@click.option("-q", "--quiet", is_flag=True, help="Print only the summary.")
def check_cmd(paths: tuple[str, ...], target: str, fmt: str | None, output: str | None, fail_on: str,
              severity: str, min_score: float | None, min_length: int | None, quiet: bool) -> None:
    """Report passages of PATHS that reprint passages already in the index.

    The CI gate "this new page reprints something we already have".  Exit status:
    0 nothing found at or above --fail-on, 1 reprinted passages, 2 usage or input error.
    """
    from dataclasses import replace

    from dedup.cli.check import _choose_format, _errors_to_stderr, _exit_code, _render
    from dedup.corpus.index import check_document
    from dedup.corpus.pipeline import iter_paths
    from dedup.corpus.scheme import MatchParams
    from dedup.io import InputError, read_document, write_atomic
    from dedup.model import Severity
    from dedup.records import FileRecord, error_record
    from dedup.reporters import get_reporter

    fmt = _choose_format(fmt, output)
    if not Path(target).exists() and not target.startswith(("redis://", "rediss://", "unix://")):
        raise click.UsageError(f"no index at {target} (create it with `dedup corpus index`)")
    params = MatchParams()
    if min_score is not None:
        params = replace(params, min_score=min_score)
    if min_length is not None:
        params = replace(params, min_length=min_length)
    records: list[FileRecord] = []
    reporter = get_reporter(fmt)
    files = iter_paths(paths)
    missing = [p for p in paths if not Path(p).exists()]
    with _open(target, None) as index:
        for path in [*files, *missing]:
            try:
                doc = read_document(path)
            except InputError as exc:
                records.append(error_record(path, str(exc)))
                continue
            findings = check_document(index, doc, params=params, severity=Severity.parse(severity))
            record = FileRecord(path=doc.path, encoding=doc.encoding, newline=doc.newline, bom=doc.bom,
                                findings=findings, text=doc.text, doc=doc, fail_on=Severity.parse(fail_on),
                                stats={"characters": len(doc.text), "findings": len(findings)})
            if reporter.needs_clean:
                record.corrected = doc.text
            records.append(record)
    text = _render(records, fmt, quiet)
    if output:
        write_atomic(output, text.encode("utf-8"))
    else:
        click.echo(text, nl=False)
    if fmt != "table":
        _errors_to_stderr(records)
    code = _exit_code(records)
    sys.exit(code if code in (EXIT_OK, EXIT_FINDINGS, EXIT_ERROR) else EXIT_ERROR)


@corpus.command("dedup")
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True))
@click.option("--engine", type=click.Choice(["local", "ray"]), default="local", show_default=True,
              help="local: a process pool; ray: Ray tasks (a local Ray unless --ray-address).")
@click.option("--workers", type=click.IntRange(1), default=None, help="Parallel workers (default: the cores).")
@click.option("--ray-address", default=None, help="Connect to this Ray cluster (e.g. auto, ray://host:10001).")
@click.option("--out", "out", type=click.Path(dir_okay=False), default=None,
              help="Write the clusters as JSON lines here.")
@click.option("--keep", type=click.Choice(["first", "longest", "most-complete"]), default="first",
              show_default=True, help="Which copy of a cluster is kept.")
@click.option("--write-deduplicated", "dedup_dir", type=click.Path(file_okay=False), default=None,
              help="Write the corpus here with duplicate passages removed from all but the keeper.")
@click.option("--work-dir", type=click.Path(file_okay=False), default=None,
              help="Where shard results go (default: OUT.work, or a temporary folder).")
@click.option("--resume", is_flag=True, help="Reuse the finished shards of an interrupted run in the work dir.")
@click.option("--keep-work", is_flag=True, help="Keep the work dir after a successful run.")
@click.option("--shard-size", type=click.IntRange(1), default=64, show_default=True, help="Documents per shard.")
@_scheme_options
@click.option("-f", "--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True,
              help="Format of the summary on stdout.")
@click.option("--no-progress", is_flag=True, help="No progress bars (they appear only on a terminal).")
def dedup_cmd(paths: tuple[str, ...], engine: str, workers: int | None, ray_address: str | None, out: str | None,
              keep: str, dedup_dir: str | None, work_dir: str | None, resume: bool, keep_work: bool,
              shard_size: int, num_perm: int | None, threshold: float | None, shingle_n: int | None,
              stride: int | None, seed: int | None, fmt: str, no_progress: bool) -> None:
    """Cluster near-duplicate passages and documents across the corpus in PATHS.

    Prints a summary (documents, passages, clusters, duplicate fraction); --out
    writes every cluster with its keeper.  The same input gives the same clusters
    with either engine.  Exit status: 0 done, 2 usage or input error.
    """
    import json
    import shutil

    from dedup.corpus.pipeline import dedup_corpus

    if resume and not (work_dir or out):
        raise click.UsageError("--resume needs --work-dir (or --out, whose OUT.work folder is the default)")
    wdir = work_dir or (f"{out}.work" if out else None)
    result = dedup_corpus(paths, engine=engine, workers=workers, keep=keep,
                          scheme=_scheme(num_perm, threshold, shingle_n, stride, seed), work_dir=wdir,
                          resume=resume, ray_address=ray_address, shard_size=shard_size,
                          progress=not no_progress and sys.stderr.isatty())
    if out:
        result.write_jsonl(out)
    summary: dict[str, Any] = result.summary()
    if dedup_dir:
        from dedup.corpus.rewrite import write_deduplicated

        written = write_deduplicated(result, dedup_dir)
        summary["passages_removed"] = sum(len(v) for v in written.applied.values())
        summary["characters_removed"] = written.characters_removed
    if wdir and not keep_work:
        shutil.rmtree(wdir, ignore_errors=True)
    if fmt == "json":
        click.echo(json.dumps(summary, indent=2, sort_keys=True))
    else:
        from tabulate import tabulate

        main = ["documents", "passages", "clusters", "document_clusters", "duplicate_fraction"]
        rows = [(k, summary[k]) for k in main] + [(k, v) for k, v in summary.items() if k not in main]
        click.echo(tabulate(rows, headers=["", "value"], tablefmt="simple"))
    for path, why in result.errors:
        click.echo(f"dedup: {path}: {why}", err=True)
    sys.exit(EXIT_ERROR if result.errors else EXIT_OK)
