"""Output formats.  Each module here defines one ``Reporter`` subclass decorated with ``@register``.

Adding a format is one new module: it is discovered by name (modules not starting
with an underscore) and imported only when formats are listed or used.
"""

from __future__ import annotations

import contextlib
import importlib
import pkgutil
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar

from dedup.records import FileRecord

__all__ = ["ReportOptions", "Reporter", "RuleMeta", "get_reporter", "register", "reporter_names"]


@dataclass(frozen=True)
class RuleMeta:
    """What formats with rule metadata (SARIF) say about a rule; built from the registry by the CLI."""

    code: str
    name: str
    kind: str
    description: str
    #: the rule's whole docstring (description, Anti-pattern, Best practice)
    help: str = ""
    groups: tuple[str, ...] = ()
    default_severity: str = "warning"
    fixable: bool = False


@dataclass
class ReportOptions:
    """What a reporter may need beyond the records."""

    color: bool = False
    quiet: bool = False
    tool_version: str = ""
    #: rule code -> (name, description, kind) for formats that carry rule metadata
    rules: dict[str, tuple[str, str, str]] = field(default_factory=dict)
    #: every registered rule, in registry order, for formats that list them all
    rule_meta: tuple[RuleMeta, ...] = ()
    #: a link to the rule documentation; ``{code}`` is replaced by the rule code
    help_uri: str = ""
    extra: dict[str, Any] = field(default_factory=dict)


class Reporter:
    """Formats records as text.  ``render`` must not read files or run rules."""

    name: ClassVar[str]
    description: ClassVar[str] = ""
    #: the format shows what ``clean`` would change, so ``check`` computes the corrected text too
    needs_clean: ClassVar[bool] = False

    def render(self, records: Sequence[FileRecord], options: ReportOptions) -> str:
        raise NotImplementedError


_REPORTERS: dict[str, type[Reporter]] = {}
_loaded = False


def register(cls: type[Reporter]) -> type[Reporter]:
    if cls.name in _REPORTERS and _REPORTERS[cls.name] is not cls:
        raise ValueError(f"duplicate reporter {cls.name}")
    _REPORTERS[cls.name] = cls
    return cls


def _load() -> None:
    global _loaded
    if _loaded:
        return
    _loaded = True
    for info in pkgutil.iter_modules(__path__):
        if not info.name.startswith("_"):
            importlib.import_module(f"{__name__}.{info.name}")


def _load_one(name: str) -> None:
    """Import only the module named like the format (``table`` -> ``table.py``): start-up stays cheap."""
    if _loaded or name in _REPORTERS or not name.isidentifier() or name.startswith("_"):
        return
    with contextlib.suppress(ImportError):
        importlib.import_module(f"{__name__}.{name}")


def has_reporter(name: str) -> bool:
    """Whether ``name`` is a format, importing as little as possible."""
    _load_one(name)
    if name not in _REPORTERS:
        _load()
    return name in _REPORTERS


def reporter_names() -> list[str]:
    _load()
    return sorted(_REPORTERS)


def get_reporter(name: str) -> Reporter:
    if not has_reporter(name):
        _load()
    try:
        return _REPORTERS[name]()
    except KeyError:
        raise ValueError(f"unknown format {name!r} (choose from {', '.join(sorted(_REPORTERS))})") from None
