"""Configuration: defaults < ``[tool.dedup]`` in pyproject.toml or ``dedup.toml`` < command line."""

from __future__ import annotations

import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from dedup.model import Severity

if TYPE_CHECKING:
    from dedup.rules.base import Rule

__all__ = ["Config", "ConfigError", "find_config_file", "load_config"]

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
    max_passes: int = 4
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
                changes["per_path"] = {**self.per_path, **{k: dict(v) for k, v in value.items()}}
            elif attr == "max_passes":
                changes["max_passes"] = int(value)
            elif attr == "source":
                changes["source"] = str(value)
            else:
                raise ConfigError(f"unknown setting {key!r}")
        return replace(self, **changes)

    def for_path(self, path: str | Path) -> Config:
        """This config with the per-path overrides whose glob matches ``path`` applied."""
        if not self.per_path:
            return self
        candidate = Path(path)
        config = self
        for pattern, table in self.per_path.items():
            if candidate.match(pattern) or candidate.name == pattern:
                config = config.merged(table)
        return config


def _str_tuple(key: str, value: Any) -> tuple[str, ...]:
    if isinstance(value, str):
        value = [v for v in value.replace(",", " ").split() if v]
    if not isinstance(value, Iterable) or not all(isinstance(v, str) for v in value):
        raise ConfigError(f"{key} must be a list of strings")
    return tuple(value)


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
