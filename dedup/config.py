"""Configuration: defaults < ``[tool.dedup]`` in pyproject.toml or ``dedup.toml`` < command line."""

from __future__ import annotations

import functools
import re
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from dedup.model import Severity

if TYPE_CHECKING:
    from dedup.rules.base import Rule

__all__ = ["Config", "ConfigError", "find_config_file", "glob_match", "load_config"]

CONFIG_FILES = ("dedup.toml", "pyproject.toml")


class ConfigError(ValueError):
    """A configuration file or option that cannot be used; the message is one line."""


@dataclass(frozen=True)
class Config:
    """Settings for one run.  Immutable: derive variants with :meth:`merged`."""

    select: tuple[str, ...] = ("all",)
    ignore: tuple[str, ...] = ()
    fail_on: Severity = Severity.WARNING
    #: rule code or name -> {option: value}; "severity" is accepted as an option too
    rules: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    include: tuple[str, ...] = ("*.txt",)
    exclude: tuple[str, ...] = ()
    #: glob -> partial config (same keys as the top level)
    per_path: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    #: clean's fixed-point loop: every pass shrinks the text, so it ends; joins can uncover new copies
    #: several passes deep (found by fuzzing), and a low cap left clean non-idempotent
    max_passes: int = 10
    source: str | None = None

    # --- rule selection ---------------------------------------------------------------

    def enabled_rules(self) -> list[type[Rule]]:
        """Selected rules minus ignored ones, in execution order."""
        from dedup.rules import registry

        chosen: dict[str, type[Rule]] = {}
        for selector in self.select:
            matched = registry.match(selector)
            if not matched and selector.lower() != "all":
                raise ConfigError(f"select: no rule, kind or group named {selector!r}")
            for rule in matched:
                chosen[rule.code] = rule
        for selector in self.ignore:
            matched = registry.match(selector)
            if not matched:
                raise ConfigError(f"ignore: no rule, kind or group named {selector!r}")
            for rule in matched:
                chosen.pop(rule.code, None)
        return sorted(chosen.values(), key=lambda r: (r.phase, r.code))

    def _rule_table(self, rule: type[Rule] | Rule) -> Mapping[str, Any]:
        merged: dict[str, Any] = {}
        for key in (rule.kind, rule.name, rule.code):
            merged.update(self.rules.get(key, {}))
            merged.update(self.rules.get(key.lower(), {}))
        return merged

    def rule_option(self, rule: type[Rule] | Rule, name: str) -> Any:
        table = self._rule_table(rule)
        if name in table:
            return table[name]
        alt = name.replace("_", "-")
        if alt in table:
            return table[alt]
        if name not in rule.options:
            raise KeyError(f"{rule.code} has no option {name!r}")
        return rule.options[name]

    def rule_severity(self, rule: type[Rule] | Rule) -> Severity:
        value = self._rule_table(rule).get("severity")
        return Severity.parse(value) if value else rule.default_severity

    # --- layering -----------------------------------------------------------------------

    def merged(self, overrides: Mapping[str, Any]) -> Config:
        """This config with ``overrides`` (keys as in the TOML table) applied on top."""
        changes: dict[str, Any] = {}
        for key, value in overrides.items():
            attr = key.replace("-", "_")
            if value is None:
                continue
            if attr in ("select", "ignore", "include", "exclude"):
                changes[attr] = _str_tuple(key, value)
            elif attr == "extend_select":
                changes["select"] = (*changes.get("select", self.select), *_str_tuple(key, value))
            elif attr == "extend_ignore":
                changes["ignore"] = (*changes.get("ignore", self.ignore), *_str_tuple(key, value))
            elif attr == "fail_on":
                try:
                    changes["fail_on"] = Severity.parse(value)
                except ValueError as exc:
                    raise ConfigError(f"fail-on: {exc}") from None
            elif attr == "rules":
                if not isinstance(value, Mapping):
                    raise ConfigError("rules must be a table of rule tables")
                rules = {k: dict(v) for k, v in self.rules.items()}
                for code, table in value.items():
                    if not isinstance(table, Mapping):
                        raise ConfigError(f"rules.{code} must be a table")
                    rules.setdefault(code, {}).update(table)
                changes["rules"] = rules
            elif attr == "per_path":
                if not isinstance(value, Mapping):
                    raise ConfigError("per-path must be a table of glob tables")
                tables: dict[str, dict[str, Any]] = {}
                for pattern, table in value.items():
                    if not isinstance(table, Mapping):
                        raise ConfigError(f"per-path.{pattern!r} must be a table")
                    if {"per-path", "per_path", "include"} & set(table):
                        raise ConfigError(f"per-path.{pattern!r}: per-path and include cannot be nested")
                    Config().merged(table)  # fail early on unknown keys, not when a file matches
                    tables[pattern] = dict(table)
                changes["per_path"] = {**self.per_path, **tables}
            elif attr == "max_passes":
                if not isinstance(value, int) or isinstance(value, bool) or value < 1:
                    raise ConfigError("max-passes must be a positive integer")
                changes["max_passes"] = value
            elif attr == "source":
                changes["source"] = str(value)
            else:
                raise ConfigError(f"unknown setting {key!r}")
        return replace(self, **changes)

    def for_path(self, path: str | Path) -> Config:
        """This config with the per-path overrides whose glob matches ``path`` applied.

        Globs are matched against the path relative to the config file's folder (see
        :func:`glob_match`); tables are applied in file order, later ones winning.
        """
        if not self.per_path:
            return self
        relative = self.relative_path(path)
        config = self
        for pattern, table in self.per_path.items():
            if glob_match(relative, pattern):
                config = config.merged(table)
        return config

    @property
    def root(self) -> Path:
        """The folder globs are relative to: the config file's folder, else the working directory."""
        return _config_folder(self.source) if self.source else Path.cwd()

    def relative_path(self, path: str | Path) -> str:
        """``path`` as a POSIX path relative to :attr:`root` (as given when it lies outside)."""
        candidate = Path(path)
        try:
            return _resolved(candidate).relative_to(self.root).as_posix()
        except (ValueError, OSError, RuntimeError):  # RuntimeError: a symlink loop
            return candidate.as_posix()

    def is_excluded(self, path: str | Path) -> bool:
        """Whether ``path`` (a file or a folder) matches one of the ``exclude`` globs."""
        if not self.exclude:
            return False
        relative = self.relative_path(path)
        return any(glob_match(relative, p) for p in self.exclude)

    def is_included(self, path: str | Path) -> bool:
        """Whether a file found in a folder is checked: matches ``include`` and not ``exclude``."""
        relative = self.relative_path(path)  # once: resolving a path costs a system call per part
        return any(glob_match(relative, p) for p in self.include) and not any(
            glob_match(relative, p) for p in self.exclude
        )

    def without_per_path(self) -> Config:
        """This config with the per-path tables dropped (once they have been applied)."""
        return replace(self, per_path={}) if self.per_path else self

    # --- validation -----------------------------------------------------------------------

    def validate(self) -> Config:
        """Check rule selectors and the ``rules`` tables against the registry; return self.

        Raises:
            ConfigError: a selector, rule table or option that names nothing.
        """
        from dedup.rules import registry

        self.enabled_rules()
        for key, table in self.rules.items():
            matched = [r for r in registry.all() if key.lower() in (r.code.lower(), r.name, r.kind)]
            if not matched:
                raise ConfigError(f"rules.{key}: no rule or kind of that name")
            known = {"severity"} | {o for r in matched for o in r.options}
            for option, value in table.items():
                if option not in known and option.replace("-", "_") not in known:
                    choices = ", ".join(sorted(known))
                    raise ConfigError(f"rules.{key}: unknown option {option!r} (known: {choices})")
                if option == "severity":
                    try:
                        Severity.parse(value)
                    except (ValueError, AttributeError):
                        raise ConfigError(f"rules.{key}.severity: {value!r} is not info, warning or error") from None
        return self


@functools.lru_cache(maxsize=512)
def _glob_regex(pattern: str) -> re.Pattern[str]:
    out: list[str] = []
    i, n = 0, len(pattern)
    while i < n:
        ch = pattern[i]
        if pattern.startswith("**/", i):
            out.append("(?:.*/)?")
            i += 3
        elif pattern.startswith("**", i):
            out.append(".*")
            i += 2
        elif ch == "*":
            out.append("[^/]*")
            i += 1
        elif ch == "?":
            out.append("[^/]")
            i += 1
        elif ch == "[" and pattern.find("]", i + 2) > 0:
            close = pattern.find("]", i + 2)
            body = pattern[i + 1 : close]
            if body.startswith("!"):
                body = "^" + body[1:]
            out.append("[" + body.replace("\\", "\\\\") + "]")
            i = close + 1
        else:
            out.append(re.escape(ch))
            i += 1
    return re.compile("".join(out))


def glob_match(path: str, pattern: str) -> bool:
    """Whether the POSIX relative ``path`` matches ``pattern``, as .gitignore patterns do.

    ``*`` and ``?`` stay within one folder, ``**`` crosses folders, and a pattern
    without a slash matches a file or folder name at any depth (a leading slash
    anchors it to the top); a folder pattern covers everything under the folder.

    >>> glob_match("docs/2022/a.txt", "*.txt"), glob_match("docs/2022/a.txt", "docs/*.txt")
    (True, False)
    >>> glob_match("docs/2022/a.txt", "docs/**/*.txt"), glob_match("a/drafts/x.txt", "drafts")
    (True, True)
    """
    path = path.strip("/")
    pattern = pattern.strip()
    if not pattern:
        return False
    if pattern.startswith("./"):
        pattern = pattern[2:]
    anchored = pattern.startswith("/")
    pattern = pattern.strip("/")
    parts = path.split("/")
    regex = _glob_regex(pattern)
    if not anchored and "/" not in pattern:
        return any(regex.fullmatch(part) for part in parts)
    # a folder pattern covers what lies under the folder
    return any(regex.fullmatch("/".join(parts[:k])) for k in range(len(parts), 0, -1))


def _str_tuple(key: str, value: Any) -> tuple[str, ...]:
    if isinstance(value, str):
        value = [v for v in value.replace(",", " ").split() if v]
    if not isinstance(value, Iterable) or not all(isinstance(v, str) for v in value):
        raise ConfigError(f"{key} must be a list of strings")
    return tuple(value)


def _resolved(path: Path) -> Path:
    """``path.resolve()``, resolving each folder once: a batch of thousands of files in a few
    folders would otherwise pay a system call per part of every path."""
    import os

    if path.name in ("", ".", "..") or os.path.islink(path):
        return path.resolve()
    # keyed by the absolute folder: a relative one means another folder once the cwd changes
    return _resolved_folder(os.path.abspath(path.parent)) / path.name


@functools.lru_cache(maxsize=1024)
def _resolved_folder(folder: str) -> Path:
    return Path(folder).resolve()


@functools.lru_cache(maxsize=64)
def _config_folder(source: str) -> Path:
    return Path(source).resolve().parent


def find_config_file(start: str | Path) -> Path | None:
    """The nearest ``dedup.toml``, or ``pyproject.toml`` with a ``[tool.dedup]`` table, upward."""
    folder = Path(start).resolve()
    if folder.is_file() or not folder.exists():
        folder = folder.parent
    for candidate in (folder, *folder.parents):
        for name in CONFIG_FILES:
            path = candidate / name
            if not path.is_file():
                continue
            if name == "pyproject.toml":
                try:
                    if "dedup" not in tomllib.loads(path.read_text(encoding="utf-8")).get("tool", {}):
                        continue
                except (tomllib.TOMLDecodeError, OSError, UnicodeDecodeError):
                    continue
            return path
    return None


def load_config(path: str | Path | None, base: Config | None = None) -> Config:
    """Read a config file into a :class:`Config` on top of ``base`` (defaults when None)."""
    config = base or Config()
    if path is None:
        return config
    file = Path(path)
    try:
        data = tomllib.loads(file.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ConfigError(f"{file}: {exc.strerror or exc}") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{file}: invalid TOML: {exc}") from None
    table = data.get("tool", {}).get("dedup", {}) if file.name == "pyproject.toml" else data
    if not isinstance(table, Mapping):
        raise ConfigError(f"{file}: [tool.dedup] must be a table")
    return config.merged({**table, "source": str(file)})
