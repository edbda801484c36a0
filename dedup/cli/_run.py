"""What ``check`` and ``clean`` share: finding the files, resolving config per file, running the core."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import click

from dedup.config import Config, ConfigError, find_config_file, load_config
from dedup.records import FileRecord, build_record, error_record

__all__ = [
    "ConfigResolver",
    "RunOutcome",
    "Target",
    "changed_files",
    "collect_targets",
    "process_targets",
    "shared_options",
    "split_multi",
]


@dataclass(frozen=True)
class Target:
    """One input: a path (``-`` for stdin), or an error found while collecting inputs."""

    path: str
    error: str | None = None


class ConfigResolver:
    """The config of each file: defaults < nearest config file (and its per-path tables) < command line.

    The config file is the one given with ``--config``, else the nearest ``dedup.toml``
    or ``pyproject.toml`` with ``[tool.dedup]`` upward from the file's folder, so a
    folder may carry its own settings.  Files are read once per run.
    """

    def __init__(self, config_path: str | None, overrides: dict[str, Any]) -> None:
        self.config_path = config_path
        self.overrides = {k: v for k, v in overrides.items() if v not in (None, ())}
        self._files: dict[Path | None, Config] = {}
        self._found: dict[Path, Path | None] = {}

    def file_config(self, anchor: str) -> Config:
        """The config file that governs ``anchor`` (a file or folder; ``-`` is the working directory)."""
        if self.config_path:
            file: Path | None = Path(self.config_path)
        else:
            start = Path(anchor if anchor != "-" else ".")
            folder = start if start.is_dir() else start.parent
            key = folder.resolve() if str(folder) else Path.cwd()
            if key not in self._found:
                self._found[key] = find_config_file(key)
            file = self._found[key]
        if file not in self._files:
            self._files[file] = load_config(file)
        return self._files[file]

    def for_folder(self, folder: str) -> Config:
        """Settings that decide which files of ``folder`` are checked (include/exclude)."""
        return self.file_config(folder).merged(self.overrides)

    def for_file(self, path: str) -> Config:
        """The settings a file is checked with; per-path tables already applied.

        Raises:
            ConfigError: the config file, a selector or a rule option is invalid.
        """
        file_config = self.file_config(path)
        config = file_config.for_path(path) if path != "-" else file_config
        return config.merged(self.overrides).without_per_path().validate()


def collect_targets(paths: Sequence[str], resolver: ConfigResolver) -> list[Target]:
    """Files named directly, and files under named directories matching ``include`` and not ``exclude``.

    ``exclude`` applies to files named directly too (pre-commit passes every
    staged file), ``include`` only to files found in directories.
    """
    targets: list[Target] = []
    for raw in paths:
        if raw == "-":
            targets.append(Target("-"))
            continue
        path = Path(raw)
        if path.is_dir():
            config = resolver.for_folder(raw)
            found = sorted(_walk(path, config))
            if not found:
                targets.append(Target(raw, f"no files matching {', '.join(config.include)} in this directory"))
            targets.extend(Target(str(p)) for p in found)
        elif path.exists() or path.is_symlink():
            if not resolver.for_folder(str(path.parent)).is_excluded(path):
                targets.append(Target(raw))
        else:
            targets.append(Target(raw, "no such file or directory"))
    return targets


def _walk(root: Path, config: Config) -> Iterator[Path]:
    seen: set[tuple[int, int]] = set()
    for folder, dirs, files in os.walk(root, followlinks=True):
        try:
            st = os.stat(folder)
        except OSError:
            dirs[:] = []
            continue
        # a symlink loop would revisit the same directory forever
        if (st.st_dev, st.st_ino) in seen:
            dirs[:] = []
            continue
        seen.add((st.st_dev, st.st_ino))
        dirs[:] = sorted(d for d in dirs if not d.startswith(".") and not config.is_excluded(Path(folder, d)))
        for name in sorted(files):
            path = Path(folder, name)
            if config.is_included(path):
                yield path


def _git(args: Sequence[str]) -> str:
    import subprocess  # lazy: only --changed-since runs git (start-up time)

    try:
        done = subprocess.run(["git", *args], capture_output=True, text=True, check=False)
    except FileNotFoundError:
        raise click.UsageError("--changed-since needs git, which is not installed") from None
    if done.returncode != 0:
        message = done.stderr.strip().splitlines()
        raise click.UsageError(f"--changed-since: git {args[0]} failed: {message[-1] if message else done.returncode}")
    return done.stdout


def changed_files(ref: str, paths: Sequence[str], resolver: ConfigResolver) -> list[Target]:
    """Documents git reports as added, copied, modified or renamed since ``ref`` (untracked ones too).

    The comparison is between ``ref`` and the working tree, so committed, staged and
    unstaged changes all count; deleted files are left out.  Only files under
    ``paths`` (default: everything) that match the ``include`` globs and no
    ``exclude`` glob are returned, relative to the working directory.
    """
    top = Path(_git(["rev-parse", "--show-toplevel"]).strip())
    _git(["rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}"])
    specs = [str(Path(p).resolve()) for p in paths if p != "-"] or [str(Path.cwd())]
    listed = _git(["diff", "--name-only", "-z", "--no-renames", "--diff-filter=ACMR", ref, "--", *specs])
    untracked = _git(["ls-files", "--others", "--exclude-standard", "-z", "--full-name", "--", *specs])
    names = sorted({n for n in (*listed.split("\0"), *untracked.split("\0")) if n})
    targets: list[Target] = []
    for name in names:
        absolute = top / name
        if not absolute.is_file():
            continue
        shown = os.path.relpath(absolute)
        if resolver.for_folder(str(absolute.parent)).is_included(absolute):
            targets.append(Target(shown))
    return targets


@dataclass
class RunOutcome:
    records: list[FileRecord] = field(default_factory=list)
    errors: int = 0


def process_targets(
    targets: Iterable[Target],
    *,
    resolver: ConfigResolver,
    encoding: str | None,
    clean: bool,
    debug: bool = False,
    stdin_name: str | None = None,
    on_record: Callable[[FileRecord], None] | None = None,
    cleaner: Callable[[Any, Config], Any] | None = None,
    jobs: int = 1,
) -> RunOutcome:
    """Read, check (or clean) each target; one bad file never stops the others.

    ``cleaner`` replaces ``clean_document`` when cleaning (``clean --decisions`` passes one).
    ``jobs`` > 1 spreads the documents over that many worker processes; records still
    arrive (and ``on_record`` runs, in this process) in the order of ``targets``.
    """
    work = _Work(resolver, encoding, clean, debug, stdin_name, cleaner)
    targets = list(targets)
    outcome = RunOutcome()
    for record in _records(work, targets, jobs):
        if record.error is not None:
            outcome.errors += 1
        outcome.records.append(record)
        if on_record is not None:
            on_record(record)
    return outcome


@dataclass(frozen=True)
class _Work:
    """What every document of a run is processed with (inherited by worker processes)."""

    resolver: ConfigResolver
    encoding: str | None
    clean: bool
    debug: bool
    stdin_name: str | None
    cleaner: Callable[[Any, Config], Any] | None

    def run(self, target: Target) -> FileRecord:
        from dedup.engine import check_document, clean_document
        from dedup.io import InputError, read_document

        shown = self.stdin_name if (target.path == "-" and self.stdin_name) else target.path
        if target.error is not None:
            return error_record(shown, target.error)
        try:
            config = self.resolver.for_file(shown)
            doc = read_document(target.path, self.encoding)
            doc.path = shown
            if len(doc.text) >= _LONG:
                from dedup._malloc import keep_freed_memory

                keep_freed_memory()
            result = (self.cleaner or clean_document)(doc, config) if self.clean else check_document(doc, config)
            record = build_record(result)
            record.fail_on = config.fail_on
            return record
        except (InputError, ConfigError) as exc:
            if self.debug:
                import traceback

                traceback.print_exc()
            return error_record(shown, str(exc))
        except RecursionError:
            return error_record(shown, "document too deeply nested to process")
        except Exception as exc:
            if self.debug:
                raise
            return error_record(shown, f"internal error: {type(exc).__name__}: {exc}")


#: documents this long (characters) allocate and free enough to keep freed memory in the process
#: (see dedup._malloc); a short one would only pay for loading ctypes
_LONG = 1_000_000

#: the run a worker process serves (set before the pool forks, so nothing needs pickling on the way in)
_WORK: _Work | None = None


def _worker_init() -> None:
    import signal

    # the parent handles Ctrl-C and terminates the pool; workers must not each print a traceback,
    # and the pool's own SIGTERM at shutdown must end them quietly (not through the CLI's handler)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)


def _worker_run(target: Target) -> FileRecord:
    assert _WORK is not None
    return _WORK.run(target)


def available_cores() -> int:
    """Cores this process may run on."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not Linux
        return max(1, os.cpu_count() or 1)


def _records(work: _Work, targets: list[Target], jobs: int) -> Iterator[FileRecord]:
    jobs = available_cores() if jobs <= 0 else jobs
    jobs = min(jobs, len(targets))
    if jobs <= 1 or any(t.path == "-" for t in targets):
        for target in targets:
            yield work.run(target)
        return
    import multiprocessing

    from dedup.rules import registry

    registry.all()  # import the rule modules once, before the workers fork
    global _WORK
    _WORK = work
    try:
        # fork: workers inherit the loaded rules and the resolver (the cleaner may be a closure)
        context = multiprocessing.get_context("fork")
        chunk = max(1, min(64, len(targets) // (jobs * 8)))
        with context.Pool(jobs, initializer=_worker_init) as pool:
            yield from pool.imap(_worker_run, targets, chunksize=chunk)
    finally:
        _WORK = None


def shared_options(func: Callable[..., Any]) -> Callable[..., Any]:
    """Options common to check and clean."""
    options = [
        # readable=False: an unreadable file is reported by the reader with the others processed,
        # not refused by click before anything runs
        click.argument("paths", nargs=-1, type=click.Path(allow_dash=True, readable=False)),
        click.option("--config", "config_path", type=click.Path(dir_okay=False),
                     help="Config file (default: the nearest dedup.toml, or pyproject.toml with [tool.dedup], "
                          "upward from each file)."),
        click.option("--select", multiple=True,
                     help="Rules to run: code, code prefix, name, kind or group (repeatable, comma-separated)."),
        click.option("--ignore", multiple=True,
                     help="Rules to skip: code, name, kind or group (repeatable, comma-separated)."),
        click.option("--encoding", help="Decode input with this encoding instead of detecting it."),
        click.option("--glob", "globs", multiple=True,
                     help="File pattern for directories (default *.txt; repeatable; replaces include)."),
        click.option("--exclude", multiple=True,
                     help="Pattern of files or folders to skip (repeatable; replaces exclude)."),
        click.option("--changed-since", metavar="REF",
                     help="Only the documents git reports as added or modified since REF (under PATHS, default .)."),
        click.option("--stdin-filename", help="Name to report for input read from stdin (and to find config by)."),
        click.option("-q", "--quiet", is_flag=True, help="Print only the summary (and errors); no progress bar."),
        click.option("--no-progress", is_flag=True,
                     help="Never show the progress bar (shown on a terminal for many files)."),
        click.option("-j", "--jobs", type=click.IntRange(min=0), default=1, show_default=True,
                     help="Worker processes (0: one per core); output order does not change."),
    ]
    for option in reversed(options):
        func = option(func)
    return func


def split_multi(values: Sequence[str]) -> tuple[str, ...]:
    return tuple(v for value in values for v in value.replace(",", " ").split() if v)
