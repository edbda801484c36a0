"""``dedup check`` and ``dedup clean``."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from dedup import __version__
from dedup.cli import EXIT_ERROR, EXIT_FINDINGS, EXIT_OK
from dedup.cli._run import collect_targets, process_targets, shared_options, split_multi
from dedup.records import FileRecord

SEVERITIES = click.Choice(["info", "warning", "error"], case_sensitive=False)


def _format_choice() -> click.Choice:
    from dedup.reporters import reporter_names

    return click.Choice(reporter_names())


def _overrides(select: tuple[str, ...], ignore: tuple[str, ...], fail_on: str | None,
               globs: tuple[str, ...], exclude: tuple[str, ...]) -> dict[str, Any]:
    return {
        "select": split_multi(select) or None,
        "ignore": split_multi(ignore) or None,
        "fail-on": fail_on,
        "include": tuple(globs) or None,
        "exclude": tuple(exclude) or None,
    }


def _targets(paths: tuple[str, ...], config_path: str | None, overrides: dict[str, Any]) -> list[Any]:
    from dedup.cli._run import effective_config
    from dedup.config import ConfigError

    if not paths:
        raise click.UsageError("no PATH given (use - for stdin)")
    try:
        base = effective_config(config_path, paths[0], overrides)
    except ConfigError as exc:
        raise click.UsageError(str(exc)) from None
    return collect_targets(paths, base.include, base.exclude)


def _render(records: list[FileRecord], fmt: str, quiet: bool) -> str:
    from dedup.reporters import ReportOptions, get_reporter
    from dedup.rules import registry

    rules = {r.code: (r.name, r.description(), r.kind) for r in registry.all()}
    return get_reporter(fmt).render(records, ReportOptions(quiet=quiet, tool_version=__version__, rules=rules))


def _exit_code(records: list[FileRecord], fail_on: str | None, config_path: str | None, anchor: str) -> int:
    from dedup.cli._run import effective_config
    from dedup.model import Severity

    if any(r.error is not None for r in records):
        return EXIT_ERROR
    threshold = Severity.parse(fail_on) if fail_on else effective_config(config_path, anchor, {}).fail_on
    for record in records:
        if any(f.severity.rank >= threshold.rank for f in record.findings):
            return EXIT_FINDINGS
    return EXIT_OK


def _errors_to_stderr(records: list[FileRecord]) -> None:
    for record in records:
        if record.error is not None:
            click.echo(f"dedup: {record.path}: {record.error}", err=True)


@click.command()
@shared_options
@click.option("-f", "--format", "fmt", default=None, help="Output format (default: table on a terminal, json otherwise when -o is given).")
@click.option("--fail-on", type=SEVERITIES, default=None, help="Exit 1 when a finding reaches this severity (default: warning).")
@click.option("-o", "--output", type=click.Path(dir_okay=False, writable=True), help="Write the report to this file.")
@click.pass_context
def check(ctx: click.Context, paths: tuple[str, ...], config_path: str | None, select: tuple[str, ...],
          ignore: tuple[str, ...], encoding: str | None, globs: tuple[str, ...], exclude: tuple[str, ...],
          stdin_filename: str | None, quiet: bool, fmt: str | None, fail_on: str | None, output: str | None) -> None:
    """Report duplicated and broken text in PATHS (files, directories, or - for stdin).

    Exit status: 0 no finding at or above --fail-on, 1 findings, 2 usage or input error.
    """
    fmt = fmt or "table"
    if fmt not in _format_choice().choices:
        raise click.BadParameter(f"choose from {', '.join(_format_choice().choices)}", param_hint="--format")
    overrides = _overrides(select, ignore, fail_on, globs, exclude)
    targets = _targets(paths, config_path, overrides)
    debug = bool(ctx.obj and ctx.obj.get("debug"))
    outcome = process_targets(targets, config_path=config_path, overrides=overrides, encoding=encoding,
                              clean=False, debug=debug, stdin_name=stdin_filename)
    text = _render(outcome.records, fmt, quiet)
    if output:
        from dedup.io import write_atomic

        write_atomic(output, text.encode("utf-8"))
    else:
        click.echo(text, nl=False)
    if fmt != "table":
        _errors_to_stderr(outcome.records)
    ctx.exit(_exit_code(outcome.records, fail_on, config_path, paths[0]))


@click.command()
@shared_options
@click.option("-o", "--output", type=click.Path(dir_okay=False, allow_dash=True), help="Write the corrected text here (- for stdout); one input only.")
@click.option("--in-place", is_flag=True, help="Rewrite each input file, atomically.")
@click.option("--out-dir", type=click.Path(file_okay=False), help="Write corrected files into this folder, mirroring the inputs' names.")
@click.option("--report", "report_path", type=click.Path(dir_okay=False), help="Also write the JSON report here.")
@click.option("-f", "--format", "fmt", default="table", help="Format of the summary printed to stderr/stdout (default: table).")
@click.pass_context
def clean(ctx: click.Context, paths: tuple[str, ...], config_path: str | None, select: tuple[str, ...],
          ignore: tuple[str, ...], encoding: str | None, globs: tuple[str, ...], exclude: tuple[str, ...],
          stdin_filename: str | None, quiet: bool, output: str | None, in_place: bool, out_dir: str | None,
          report_path: str | None, fmt: str) -> None:
    """Write the corrected text of PATHS: -o FILE, --in-place, or --out-dir DIR.

    Keeps the encoding, byte-order mark and line endings of each input.  Exit
    status: 0 written, 2 usage or input error (the other files are still written).
    """
    from dedup.io import encode_text, write_atomic

    chosen = [bool(output), in_place, bool(out_dir)]
    if sum(chosen) != 1:
        raise click.UsageError("choose exactly one of -o/--output, --in-place, --out-dir")
    overrides = _overrides(select, ignore, None, globs, exclude)
    targets = _targets(paths, config_path, overrides)
    if output and len(targets) != 1:
        raise click.UsageError("-o/--output takes one input; use --out-dir or --in-place for several")
    if in_place and any(t.path == "-" for t in targets):
        raise click.UsageError("--in-place cannot rewrite stdin; use -o")
    debug = bool(ctx.obj and ctx.obj.get("debug"))
    write_errors: list[FileRecord] = []

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
            write_errors.append(record)
        except UnicodeEncodeError as exc:
            record.error = f"corrected text cannot be encoded as {record.encoding}: {exc.reason}"
            write_errors.append(record)

    outcome = process_targets(targets, config_path=config_path, overrides=overrides, encoding=encoding,
                              clean=True, debug=debug, stdin_name=stdin_filename, on_record=write)
    if report_path:
        from dedup.io import write_atomic as _write

        _write(report_path, _render(outcome.records, "json", quiet).encode("utf-8"))
    summary = _render(outcome.records, fmt, quiet)
    click.echo(summary, nl=False, err=output == "-")
    if fmt != "table":
        _errors_to_stderr(outcome.records)
    ctx.exit(EXIT_ERROR if any(r.error is not None for r in outcome.records) else EXIT_OK)


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
