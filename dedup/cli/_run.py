"""What ``check`` and ``clean`` share: finding the files, reading config, running the core."""

from __future__ import annotations

import fnmatch
import os
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import click

from dedup.config import Config, ConfigError, find_config_file, load_config
from dedup.records import FileRecord, build_record, error_record

__all__ = ["Target", "collect_targets", "effective_config", "process_targets", "shared_options"]


@dataclass(frozen=True)
class Target:
    """One input: a path (``-`` for stdin), or an error found while collecting inputs."""

    path: str
    error: str | None = None


def _matches(path: Path, patterns: Sequence[str]) -> bool:
    name = path.name
    posix = path.as_posix()
    return any(fnmatch.fnmatch(name, p) or fnmatch.fnmatch(posix, p) or path.match(p) for p in patterns)


def collect_targets(paths: Sequence[str], include: Sequence[str], exclude: Sequence[str]) -> list[Target]:
    """Files named directly, and files under named directories matching ``include`` and not ``exclude``."""
    targets: list[Target] = []
    for raw in paths:
        if raw == "-":
            targets.append(Target("-"))
            continue
        path = Path(raw)
        if path.is_dir():
            found = sorted(_walk(path, include, exclude))
            if not found:
                targets.append(Target(raw, f"no files matching {', '.join(include)} in this directory"))
            targets.extend(Target(str(p)) for p in found)
        elif path.exists() or path.is_symlink():
            targets.append(Target(raw))
        else:
            targets.append(Target(raw, "no such file or directory"))
    return targets


def _walk(root: Path, include: Sequence[str], exclude: Sequence[str]) -> Iterator[Path]:
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
        dirs[:] = sorted(d for d in dirs if not d.startswith(".") and not _matches(Path(folder, d), exclude))
        for name in sorted(files):
            path = Path(folder, name)
            if _matches(path, include) and not _matches(path, exclude):
                yield path


def effective_config(config_path: str | None, anchor: str, overrides: dict[str, Any]) -> Config:
    """Defaults < config file (given, or found upward from ``anchor``) < command line."""
    file = Path(config_path) if config_path else find_config_file(anchor if anchor != "-" else ".")
    config = load_config(file)
    return config.merged({k: v for k, v in overrides.items() if v not in (None, ())})


@dataclass
class RunOutcome:
    records: list[FileRecord] = field(default_factory=list)
    errors: int = 0


def process_targets(
    targets: Iterable[Target],
    *,
    config_path: str | None,
    overrides: dict[str, Any],
    encoding: str | None,
    clean: bool,
    debug: bool = False,
    stdin_name: str | None = None,
    on_record: Callable[[FileRecord], None] | None = None,
) -> RunOutcome:
    """Read, check (or clean) each target; one bad file never stops the others."""
    from dedup.engine import check_document, clean_document
    from dedup.io import InputError, read_document

    outcome = RunOutcome()
    config_cache: dict[str, Config] = {}
    for target in targets:
        shown = stdin_name if (target.path == "-" and stdin_name) else target.path
        if target.error is not None:
            record = error_record(shown, target.error)
        else:
            try:
                folder = str(Path(shown).parent) if shown != "-" else "."
                if folder not in config_cache:
                    config_cache[folder] = effective_config(config_path, shown, overrides)
                config = config_cache[folder]
                doc = read_document(target.path, encoding)
                doc.path = shown
                result = clean_document(doc, config) if clean else check_document(doc, config)
                record = build_record(result)
            except (InputError, ConfigError) as exc:
                record = error_record(shown, str(exc))
            except RecursionError:
                record = error_record(shown, "document too deeply nested to process")
            except Exception as exc:
                if debug:
                    raise
                record = error_record(shown, f"internal error: {type(exc).__name__}: {exc}")
        if record.error is not None:
            outcome.errors += 1
        outcome.records.append(record)
        if on_record is not None:
            on_record(record)
    return outcome


def shared_options(func: Callable[..., Any]) -> Callable[..., Any]:
    """Options common to check and clean."""
    options = [
        click.argument("paths", nargs=-1, type=click.Path(allow_dash=True)),
        click.option("--config", "config_path", type=click.Path(dir_okay=False), help="Config file (default: nearest dedup.toml or pyproject.toml with [tool.dedup])."),
        click.option("--select", multiple=True, help="Rules to run: code, code prefix, name, kind or group (repeatable, comma-separated)."),
        click.option("--ignore", multiple=True, help="Rules to skip: code, name, kind or group (repeatable, comma-separated)."),
        click.option("--encoding", help="Decode input with this encoding instead of detecting it."),
        click.option("--glob", "globs", multiple=True, help="File pattern for directories (default *.txt; repeatable)."),
        click.option("--exclude", multiple=True, help="Pattern of files or folders to skip (repeatable)."),
        click.option("--stdin-filename", help="Name to report for input read from stdin (and to find config by)."),
        click.option("-q", "--quiet", is_flag=True, help="Print only the summary (and errors)."),
    ]
    for option in reversed(options):
        func = option(func)
    return func


def split_multi(values: Sequence[str]) -> tuple[str, ...]:
    return tuple(v for value in values for v in value.replace(",", " ").split() if v)
