"""The rule registry.

Adding a rule is one new module in this package whose rule class is decorated
with ``@register``: modules are discovered by name (any module not starting with
an underscore, besides ``base``).  They are imported only when the registry is
first used, so ``dedup --help`` stays cheap.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterable

from dedup.rules.base import Context, Rule

__all__ = ["Context", "Registry", "Rule", "registry"]



def _discover() -> list[str]:
    import pkgutil

    return sorted(
        f"{__name__}.{info.name}"
        for info in pkgutil.iter_modules(__path__)
        if not info.name.startswith("_") and info.name != "base"
    )


class Registry:
    """Rules by code; refuses duplicate codes and names."""

    def __init__(self, modules: Iterable[str] | None = None) -> None:
        self._modules = tuple(modules) if modules is not None else None
        self._rules: dict[str, type[Rule]] = {}
        self._loaded = False

    def register(self, rule: type[Rule]) -> type[Rule]:
        for attr in ("code", "name", "kind"):
            if not getattr(rule, attr, None):
                raise TypeError(f"{rule.__name__} lacks a {attr}")
        if rule.code in self._rules and self._rules[rule.code] is not rule:
            raise ValueError(f"duplicate rule code {rule.code}")
        if any(r.name == rule.name and r is not rule for r in self._rules.values()):
            raise ValueError(f"duplicate rule name {rule.name}")
        self._rules[rule.code] = rule
        return rule

    def _load(self) -> None:
        if self._loaded:
            return
        self._loaded = True
        for module in self._modules if self._modules is not None else _discover():
            importlib.import_module(module)

    def all(self) -> list[type[Rule]]:
        """Every rule, in execution order (phase, then code)."""
        self._load()
        return sorted(self._rules.values(), key=lambda r: (r.phase, r.code))

    def get(self, key: str) -> type[Rule]:
        """A rule by code or name (case-insensitive)."""
        self._load()
        folded = key.strip().lower()
        for rule in self._rules.values():
            if rule.code.lower() == folded or rule.name == folded:
                return rule
        raise KeyError(key)

    def groups(self) -> set[str]:
        return {g for r in self.all() for g in r.groups}

    def match(self, selector: str) -> list[type[Rule]]:
        """Rules a ``select``/``ignore`` entry names: a code, a code prefix, a name, a kind or a group."""
        folded = selector.strip().lower()
        if folded == "all":
            return self.all()
        return [
            r
            for r in self.all()
            if r.code.lower() == folded
            or r.code.lower().startswith(folded)
            or r.name == folded
            or r.kind == folded
            or folded in r.groups
        ]


registry = Registry()
register = registry.register
