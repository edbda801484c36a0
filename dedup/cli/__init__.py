"""The ``dedup`` command: a thin click group whose subcommands load on first use."""

from __future__ import annotations

import os
import sys
from typing import Any

import click

from dedup import __version__

#: subcommand -> "module:attribute"; imported only when that command runs (keeps --help fast)
COMMANDS: dict[str, str] = {
    "check": "dedup.cli.check:check",
    "clean": "dedup.cli.check:clean",
    "rules": "dedup.cli.rules:rules",
    "explain": "dedup.cli.rules:explain",
    "corpus": "dedup.cli.corpus:corpus",
    "report": "dedup.cli.review:report",
    "review": "dedup.cli.review:review",
}

# exit codes, as linters use them
EXIT_OK = 0
EXIT_FINDINGS = 1
EXIT_ERROR = 2


class LazyGroup(click.Group):
    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *COMMANDS})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name in COMMANDS:
            import importlib

            module, attr = COMMANDS[cmd_name].split(":")
            command: click.Command = getattr(importlib.import_module(module), attr)
            return command
        return super().get_command(ctx, cmd_name)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        # short help without importing every command module
        rows = [(name, _SUMMARIES.get(name, "")) for name in self.list_commands(ctx)]
        if rows:
            with formatter.section("Commands"):
                formatter.write_dl(rows)


_SUMMARIES = {
    "check": "Report duplicated and broken text (exit 1 when findings reach --fail-on).",
    "clean": "Write the corrected text (and, with --report, the JSON report).",
    "rules": "List the rules with their codes, kinds and groups.",
    "explain": "Describe a rule, with examples of what it flags and leaves alone.",
    "report": "Write a self-contained HTML review page.",
    "review": "Review proposed fixes one by one in the terminal.",
    "corpus": "Cross-document near-duplicates: index, check, dedup.",
}


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="dedup")
@click.option("--debug", is_flag=True, help="Show tracebacks instead of one-line errors.")
@click.pass_context
def cli(ctx: click.Context, debug: bool) -> None:
    """Find and repair what OCR and page layout do to scanned documents."""
    ctx.ensure_object(dict)
    ctx.obj["debug"] = debug


def _exit_on_signals() -> None:
    """SIGINT and SIGTERM end the run through an exception, so no temporary file stays behind.

    An atomic write in progress removes its temporary file and leaves the input as it
    was; files already rewritten are complete.  Exit status 128 + signal number.
    """
    import signal

    def stop(signum: int, frame: Any) -> None:
        click.echo(f"dedup: interrupted ({signal.Signals(signum).name})", err=True)
        raise SystemExit(128 + signum)

    for sig in (signal.SIGINT, signal.SIGTERM):
        try:
            signal.signal(sig, stop)
        except ValueError:  # not the main thread (embedded use): keep the host's handlers
            return


def main(argv: list[str] | None = None) -> Any:
    """Console-script entry point: one-line errors, exit 2, unless --debug."""
    args = sys.argv[1:] if argv is None else argv
    debug = "--debug" in args
    # numpy's OpenBLAS starts a thread per core at import (~30 ms of CPU) for linear algebra dedup
    # never does; with --jobs every worker would pay it.  A user's own setting wins.
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    _exit_on_signals()
    try:
        return cli.main(args=args, prog_name="dedup", standalone_mode=True)
    except KeyboardInterrupt:
        click.echo("dedup: interrupted", err=True)
        sys.exit(130)
    except Exception as exc:
        if debug:
            raise
        click.echo(f"dedup: internal error: {type(exc).__name__}: {exc} (run with --debug for details)", err=True)
        sys.exit(EXIT_ERROR)
