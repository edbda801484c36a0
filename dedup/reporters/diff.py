"""The unified diff that ``dedup clean`` would apply (``patch -p1`` or ``git apply`` takes it).

Only documents that would change appear.  A last line without a line break
carries the ``\\ No newline at end of file`` marker so the patch reproduces the
file exactly.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Sequence
from pathlib import PurePath

from dedup.records import FileRecord
from dedup.reporters import Reporter, ReportOptions, register

# split at LF only: str.splitlines also breaks at form feeds and U+2028, which patch does not
_LINES = re.compile(r"[^\n]*\n|[^\n]+\Z")
_NO_EOL = "\\ No newline at end of file\n"


def _lines(text: str) -> list[str]:
    return _LINES.findall(text)


def unified_diff(record: FileRecord, context: int = 3) -> str:
    """The diff of one record's text to its corrected text ("" when nothing changes)."""
    if record.error is not None or record.corrected is None or record.corrected == record.text:
        return ""
    path = PurePath(record.path).as_posix() if record.path != "-" else "stdin"
    old, new = (path, path) if PurePath(path).is_absolute() else (f"a/{path}", f"b/{path}")
    out: list[str] = []
    for line in difflib.unified_diff(_lines(record.text), _lines(record.corrected), old, new, n=context):
        if line.endswith("\n"):
            out.append(line)
        else:
            out.append(line + "\n" + _NO_EOL)
    return "".join(out)


@register
class DiffReporter(Reporter):
    name = "diff"
    description = "the unified diff `dedup clean` would apply"
    needs_clean = True

    def render(self, records: Sequence[FileRecord], options: ReportOptions) -> str:
        return "".join(unified_diff(r) for r in records)
