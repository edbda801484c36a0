"""Regular expressions compiled once per machine, not once per run.

``re.compile`` parses a pattern and generates its matcher code in pure Python: for
the rules' patterns (ideograph ranges, case-insensitive marker words) that is about
14 ms of every ``dedup check`` on a one-page document, a quarter of what dedup adds
to the interpreter's start-up.  Like ``.pyc`` files for modules, the generated code
is kept in a small cache file keyed by the Python version and the regular
expression engine's version (``_sre.MAGIC``), and patterns are rebuilt from it with
the engine's own constructor; anything unexpected (another Python, an unreadable or
damaged file, internals that moved) falls back to ``re.compile``.

The cache lives in ``$DEDUP_CACHE_DIR``, else ``$XDG_CACHE_HOME/dedup``, else
``~/.cache/dedup``; ``DEDUP_NO_CACHE=1`` turns it off.  It is written once, at exit,
when a run compiled a pattern the file did not hold, and never read as anything
but data (``marshal``).
"""

from __future__ import annotations

import atexit
import os
import re
import sys
from pathlib import Path
from typing import Any

__all__ = ["cache_file", "compile"]

#: (pattern, flags) -> arguments of ``_sre.compile`` after the pattern
_Entry = tuple[int, list[int], int, dict[str, int], tuple[str | None, ...]]

#: the package's own patterns number about a hundred; a pattern built from document text (which
#: belongs in re.compile) must not grow the file without end
_MAX_ENTRIES = 1000
_PATTERNS: dict[tuple[str, int], re.Pattern[str]] = {}
_STORED: dict[tuple[str, int], _Entry] | None = None
_NEW: dict[tuple[str, int], _Entry] = {}


def _sre() -> Any:
    """The regular expression engine (CPython's C module; typeshed has no stub for it)."""
    import importlib

    return importlib.import_module("_sre")


def cache_file() -> Path | None:
    """Where the compiled patterns of this Python are kept (None when caching is off)."""
    if os.environ.get("DEDUP_NO_CACHE"):
        return None
    try:
        magic = _sre().MAGIC
    except (ImportError, AttributeError):  # pragma: no cover - another implementation
        return None
    folder = os.environ.get("DEDUP_CACHE_DIR")
    if folder:
        base = Path(folder)
    else:
        xdg = os.environ.get("XDG_CACHE_HOME")
        base = (Path(xdg) if xdg else Path.home() / ".cache") / "dedup"
    version = f"{sys.implementation.name}-{sys.version_info[0]}.{sys.version_info[1]}-{magic}"
    return base / f"regex-{version}.marshal"


def _load() -> dict[tuple[str, int], _Entry]:
    global _STORED
    if _STORED is None:
        _STORED = {}
        path = cache_file()
        if path is not None:
            try:
                import marshal

                data = marshal.loads(path.read_bytes())
                if isinstance(data, dict):
                    _STORED = data
            except (OSError, ValueError, EOFError, TypeError):
                pass
    return _STORED


def compile(pattern: str, flags: int = 0) -> re.Pattern[str]:
    """``re.compile(pattern, flags)``, rebuilt from the cache when this machine compiled it before."""
    key = (pattern, int(flags))
    found = _PATTERNS.get(key)
    if found is not None:
        return found
    entry = _load().get(key)
    if entry is not None:
        found = _rebuild(pattern, entry)
    if found is None:
        found, entry = _compile_fresh(pattern, int(flags))
        if entry is not None and len(_load()) + len(_NEW) < _MAX_ENTRIES:
            if not _NEW:
                atexit.register(_save)
            _NEW[key] = entry
    _PATTERNS[key] = found
    return found


def _rebuild(pattern: str, entry: Any) -> re.Pattern[str] | None:
    try:
        flags, code, groups, groupindex, indexgroup = entry
        found: re.Pattern[str] = _sre().compile(pattern, flags, code, groups, groupindex, indexgroup)
        return found
    except Exception:  # a damaged entry: compile afresh (the engine validates the code it is given)
        return None


def _compile_fresh(pattern: str, flags: int) -> tuple[re.Pattern[str], _Entry | None]:
    """What ``re._compiler.compile`` does, keeping the generated code for the cache."""
    try:
        from re import _compiler, _parser  # type: ignore[attr-defined]

        tree = _parser.parse(pattern, flags)
        code = [int(op) for op in _compiler._code(tree, flags)]  # opcodes are int subclasses: plain for marshal
        groupindex = dict(tree.state.groupdict)
        indexgroup: list[str | None] = [None] * tree.state.groups
        for name, index in groupindex.items():
            indexgroup[index] = name
        entry: _Entry = (flags | tree.state.flags, code, tree.state.groups - 1, groupindex, tuple(indexgroup))
        found: re.Pattern[str] = _sre().compile(pattern, *entry)
    except Exception:  # internals of another Python: the public way, uncached
        return re.compile(pattern, flags), None
    if found != re.compile(pattern, flags):  # pragma: no cover - internals changed meaning
        return re.compile(pattern, flags), None
    return found, entry


def _save() -> None:
    path = cache_file()
    if path is None or not _NEW:
        return
    try:
        import marshal
        import tempfile

        merged = {**_load(), **_NEW}
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".regex-", dir=path.parent)
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(marshal.dumps(merged))
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    except Exception:  # a read-only home, a full disk: the next run compiles again
        pass
