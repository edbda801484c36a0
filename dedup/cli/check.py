"""``dedup check`` and ``dedup clean``."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from dedup import __version__
from dedup.cli import EXIT_ERROR, EXIT_FINDINGS, EXIT_OK
from dedup.cli._run import ConfigResolver, Target, process_targets, shared_options, split_multi
from dedup.records import FileRecord

if TYPE_CHECKING:
    from dedup.reporters import ReportOptions

SEVERITIES = click.Choice(["info", "warning", "error"], case_sensitive=False)

#: the progress bar appears (on a terminal) from this many documents on
PROGRESS_MIN = 10

#: format chosen from the extension of ``-o FILE`` when ``--format`` is not given
_FORMAT_BY_SUFFIX = {
    ".json": "json",
    ".sarif": "sarif",
    ".rdjson": "rdjson",
    ".xml": "junit",
    ".diff": "diff",
    ".patch": "diff",
    ".txt": "table",
}


def _choose_format(fmt: str | None, output: str | None) -> str:
    from dedup.reporters import has_reporter, reporter_names

    if fmt is None:
        fmt = _FORMAT_BY_SUFFIX.get(Path(output).suffix.lower(), "json") if output else "table"
    # has_reporter imports only the chosen format's module (start-up time); all of them on a miss
    if not has_reporter(fmt):
        names = reporter_names()
        raise click.BadParameter(f"{fmt!r}: choose from {', '.join(names)}", param_hint="'-f' / '--format'")
    return fmt


def _overrides(select: tuple[str, ...], ignore: tuple[str, ...], fail_on: str | None,
               globs: tuple[str, ...], exclude: tuple[str, ...]) -> dict[str, Any]:
    """Command-line settings, keyed as in the TOML table; they override the config file."""
    return {
        "select": split_multi(select) or None,
        "ignore": split_multi(ignore) or None,
        "fail-on": fail_on,
        "include": tuple(globs) or None,
        "exclude": tuple(exclude) or None,
    }


def _targets(paths: tuple[str, ...], resolver: ConfigResolver, changed_since: str | None) -> list[Target]:
    from dedup.cli._run import changed_files, collect_targets
    from dedup.config import ConfigError

    if changed_since and "-" in paths:
        raise click.UsageError("--changed-since reads file names from git; it cannot be combined with -")
    if not paths and not changed_since:
        raise click.UsageError("no PATH given (use - for stdin)")
    try:
        resolver.for_folder(paths[0] if paths and paths[0] != "-" else ".").validate()
        if changed_since:
            return changed_files(changed_since, paths, resolver)
        return collect_targets(paths, resolver)
    except ConfigError as exc:
        raise click.UsageError(str(exc)) from None


def _report_options(quiet: bool) -> ReportOptions:
    import inspect

    from dedup.reporters import ReportOptions, RuleMeta
    from dedup.rules import registry

    metas = tuple(
        RuleMeta(
            code=r.code,
            name=r.name,
            kind=r.kind,
            description=r.description(),
            help=inspect.cleandoc(r.__doc__ or ""),
            groups=tuple(r.groups),
            default_severity=r.default_severity.value,
            fixable=r.fixable,
        )
        for r in registry.all()
    )
    return ReportOptions(
        quiet=quiet,
        tool_version=__version__,
        rules={m.code: (m.name, m.description, m.kind) for m in metas},
        rule_meta=metas,
    )


def _render(records: list[FileRecord], fmt: str, quiet: bool) -> str:
    from dedup.reporters import get_reporter

    return get_reporter(fmt).render(records, _report_options(quiet))


def _exit_code(records: list[FileRecord]) -> int:
    """2 if a document could not be checked, else 1 if a finding reaches its document's fail-on."""
    if any(r.error is not None for r in records):
        return EXIT_ERROR
    return EXIT_FINDINGS if any(r.failing() for r in records) else EXIT_OK


def _errors_to_stderr(records: list[FileRecord]) -> None:
    for record in records:
        if record.error is not None:
            click.echo(f"dedup: {record.path}: {record.error}", err=True)


@contextmanager
def _progress(count: int, enabled: bool) -> Iterator[Callable[[FileRecord], None] | None]:
    """A progress bar on stderr, only when stderr is a terminal and there are many documents."""
    stream = sys.stderr
    if not enabled or count < PROGRESS_MIN or not stream.isatty():
        yield None
        return
    bar: Any = click.progressbar(length=count, label="dedup", file=stream, show_pos=True, show_eta=True)
    with bar:
        yield lambda _record: bar.update(1)


class _WriteError(click.ClickException):
    # ClickException's default status 1 would read as "findings"
    exit_code = EXIT_ERROR


def _write_file(path: str, text: str) -> None:
    """Write a report or baseline atomically, creating its folder; a failure is exit 2 with the reason."""
    from dedup.io import write_atomic

    try:
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        write_atomic(path, text.encode("utf-8"))
    except OSError as exc:
        raise _WriteError(f"cannot write {path}: {exc.strerror or exc}") from None


def _debug(ctx: click.Context) -> bool:
    return bool(ctx.obj and ctx.obj.get("debug"))


@click.command()
@shared_options
@click.option("-f", "--format", "fmt", default=None, metavar="FORMAT",
              help="table, json, sarif, github, rdjson, junit or diff (default: table; with -o, from its extension).")
@click.option("--fail-on", type=SEVERITIES, default=None,
              help="Exit 1 when a finding reaches this severity (default: warning).")
@click.option("-o", "--output", type=click.Path(dir_okay=False, writable=True), help="Write the report to this file.")
@click.option("--baseline", "baseline_path", type=click.Path(dir_okay=False),
              help="Report only the findings this baseline file does not accept.")
@click.option("--write-baseline", type=click.Path(dir_okay=False, writable=True),
              help="Record the current findings as accepted in this file (exit 0).")
@click.pass_context
def check(ctx: click.Context, paths: tuple[str, ...], config_path: str | None, select: tuple[str, ...],
          ignore: tuple[str, ...], encoding: str | None, globs: tuple[str, ...], exclude: tuple[str, ...],
          changed_since: str | None, stdin_filename: str | None, quiet: bool, no_progress: bool, fmt: str | None,
          fail_on: str | None, output: str | None, baseline_path: str | None, write_baseline: str | None,
          jobs: int = 1) -> None:
    """Report duplicated and broken text in PATHS (files, directories, or - for stdin).

    Exit status: 0 no finding at or above --fail-on, 1 findings, 2 usage or input
    error.  With --write-baseline the status is 0 unless a file could not be read.
    """
    from dedup.reporters import get_reporter

    if baseline_path or write_baseline:  # lazy: hashing and JSON only when a baseline is used
        from dedup.baseline import Baseline, BaselineError
    fmt = _choose_format(fmt, output)
    resolver = ConfigResolver(config_path, _overrides(select, ignore, fail_on, globs, exclude))
    targets = _targets(paths, resolver, changed_since)
    baseline = None
    if baseline_path:
        try:
            baseline = Baseline.load(baseline_path)
        except BaselineError as exc:
            raise click.UsageError(str(exc)) from None
    reporter = get_reporter(fmt)
    with _progress(len(targets), not (quiet or no_progress)) as tick:
        outcome = process_targets(targets, resolver=resolver, encoding=encoding, clean=reporter.needs_clean,
                                  debug=_debug(ctx), stdin_name=stdin_filename, on_record=tick, jobs=jobs)
    if write_baseline:
        written = Baseline.from_records(outcome.records, write_baseline)
        _write_file(write_baseline, written.dumps(__version__))
    if baseline is not None:
        baseline.apply(outcome.records)
    text = reporter.render(outcome.records, _report_options(quiet))
    if output:
        _write_file(output, text)
    else:
        click.echo(text, nl=False)
    if fmt != "table":
        _errors_to_stderr(outcome.records)
    code = _exit_code(outcome.records)
    ctx.exit(EXIT_OK if write_baseline and code == EXIT_FINDINGS else code)


@click.command()
@shared_options
@click.option("-o", "--output", type=click.Path(dir_okay=False, allow_dash=True),
              help="Write the corrected text here (- for stdout); one input only.")
@click.option("--in-place", is_flag=True, help="Rewrite each input file, atomically.")
@click.option("--out-dir", type=click.Path(file_okay=False),
              help="Write corrected files into this folder, mirroring the inputs' names.")
@click.option("--report", "report_path", type=click.Path(dir_okay=False), help="Also write the JSON report here.")
@click.option("-f", "--format", "fmt", default="table", metavar="FORMAT",
              help="Format of the summary printed to stdout (stderr with -o -); default: table.")
@click.option("--decisions", "decisions_path", type=click.Path(dir_okay=False),
              help="Replay an editor's decisions (from dedup review or the review page): accepted fixes are "
                   "applied, rejected and skipped ones are not, unlisted ones as clean would; one pass.")
@click.pass_context
def clean(ctx: click.Context, paths: tuple[str, ...], config_path: str | None, select: tuple[str, ...],
          ignore: tuple[str, ...], encoding: str | None, globs: tuple[str, ...], exclude: tuple[str, ...],
          changed_since: str | None, stdin_filename: str | None, quiet: bool, no_progress: bool,
          output: str | None, in_place: bool, out_dir: str | None, report_path: str | None, fmt: str,
          decisions_path: str | None = None, jobs: int = 1) -> None:
    """Write the corrected text of PATHS: -o FILE, --in-place, or --out-dir DIR.

    Keeps the encoding, byte-order mark and line endings of each input.  Exit
    status: 0 written, 2 usage or input error (the other files are still written).
    """
    from dedup.io import encode_text, write_atomic

    fmt = _choose_format(fmt, None)
    chosen = [bool(output), in_place, bool(out_dir)]
    if sum(chosen) != 1:
        raise click.UsageError("choose exactly one of -o/--output, --in-place, --out-dir")
    resolver = ConfigResolver(config_path, _overrides(select, ignore, None, globs, exclude))
    targets = _targets(paths, resolver, changed_since)
    if output and len(targets) != 1:
        raise click.UsageError("-o/--output takes one input; use --out-dir or --in-place for several")
    if in_place and any(t.path == "-" for t in targets):
        raise click.UsageError("--in-place cannot rewrite stdin; use -o")

    def write(record: FileRecord) -> None:
        if record.error is not None or record.corrected is None:
            return
        data = encode_text(record.corrected, record.encoding or "utf-8", record.bom)
        try:
            if output == "-":
                sys.stdout.buffer.write(data)
                sys.stdout.flush()
            elif output:
                write_atomic(output, data)
            elif in_place:
                if record.corrected != record.text:
                    write_atomic(record.path, data)
            else:
                assert out_dir is not None
                destination = Path(out_dir) / _relative_name(record.path, paths)
                destination.parent.mkdir(parents=True, exist_ok=True)
                write_atomic(destination, data)
        except OSError as exc:
            record.error = f"cannot write output: {exc.strerror or exc}"
        except UnicodeEncodeError as exc:
            record.error = f"corrected text cannot be encoded as {record.encoding}: {exc.reason}"

    with _progress(len(targets), not (quiet or no_progress or output == "-")) as tick:

        def on_record(record: FileRecord) -> None:
            write(record)
            if tick is not None:
                tick(record)

        outcome = process_targets(targets, resolver=resolver, encoding=encoding, clean=True,
                                  debug=_debug(ctx), stdin_name=stdin_filename, on_record=on_record,
                                  cleaner=_decisions_cleaner(decisions_path), jobs=jobs)
    if report_path:
        write_atomic(report_path, _render(outcome.records, "json", quiet).encode("utf-8"))
    summary = _render(outcome.records, fmt, quiet)
    click.echo(summary, nl=False, err=output == "-")
    if fmt != "table":
        _errors_to_stderr(outcome.records)
    ctx.exit(EXIT_ERROR if any(r.error is not None for r in outcome.records) else EXIT_OK)


def _decisions_cleaner(path: str | None) -> Callable[..., Any] | None:
    if not path:
        return None
    from dedup.cli.review import decisions_cleaner

    return decisions_cleaner(path)


def _relative_name(path: str, roots: tuple[str, ...]) -> Path:
    """Where an input lands under --out-dir: relative to the directory argument it came from."""
    p = Path(path)
    for root in roots:
        r = Path(root)
        if r.is_dir():
            try:
                return p.relative_to(r)
            except ValueError:
                continue
    return Path(p.name if path != "-" else "stdin.txt")
