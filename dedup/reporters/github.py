"""GitHub Actions workflow commands: one annotation per finding, then a summary line.

GitHub shows only the first 10 annotations of each level per step (50 per job),
so the same findings are also listed as plain lines in a collapsible group and
a summary line says how many there are in all.  Columns are UTF-16 code units
(GitHub counts in JavaScript string indices) and are given only when a finding
starts and ends on one line, as GitHub ignores them otherwise.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from dedup.model import Severity
from dedup.records import FileRecord
from dedup.reporters import Reporter, ReportOptions, register
from dedup.reporters._units import line_col

#: annotations GitHub displays per level and step
ANNOTATION_LIMIT = 10
_COMMAND = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}


def escape_data(text: str) -> str:
    """Escape a workflow command's message.

    >>> escape_data("50% done\\nnext")
    '50%25 done%0Anext'
    """
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """Escape a workflow command's property value (``,`` and ``:`` separate properties).

    >>> escape_property("a,b: c")
    'a%2Cb%3A c'
    """
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


@register
class GithubReporter(Reporter):
    name = "github"
    description = "GitHub Actions annotations (columns in UTF-16 units) and a summary line"

    def render(self, records: Sequence[FileRecord], options: ReportOptions) -> str:
        lines: list[str] = []
        plain: list[str] = []
        for record in records:
            if record.error is not None:
                lines.append(f"::error file={escape_property(record.path)},title=dedup::"
                             + escape_data(f"cannot check: {record.error}"))
                continue
            for f in record.findings:
                line, col = line_col(record, f.span.start, "utf16")
                end_line, end_col = line_col(record, f.span.end, "utf16")
                props = [f"file={escape_property(record.path)}", f"line={line}", f"endLine={end_line}"]
                if line == end_line:
                    props[2:2] = [f"col={col}"]
                    props.append(f"endColumn={end_col}")
                name = options.rules.get(f.rule, (f.kind, "", ""))[0]
                props.append(f"title={escape_property(f'{f.rule} {name}')}")
                lines.append(f"::{_COMMAND[f.severity]} {','.join(props)}::{escape_data(f.message)}")
                plain.append(f"{record.path}:{line}:{col}: {f.rule} [{f.severity.value}] {' '.join(f.message.split())}")
        if plain and not options.quiet:
            lines.append("::group::dedup: all findings")
            lines.extend(plain)
            lines.append("::endgroup::")
        lines.append(summary(records))
        return "\n".join(lines) + "\n"


def summary(records: Sequence[FileRecord]) -> str:
    """One plain line with the totals, which GitHub's annotation limit never hides."""
    counts = Counter(f.severity for r in records for f in r.findings)
    total = sum(counts.values())
    checked = sum(1 for r in records if r.error is None)
    with_findings = sum(1 for r in records if r.findings)
    errors = sum(1 for r in records if r.error is not None)
    parts = [f"dedup: {total} finding{'s' if total != 1 else ''}"]
    if total:
        parts[0] += " (" + ", ".join(f"{counts[s]} {s.value}" for s in
                                     (Severity.ERROR, Severity.WARNING, Severity.INFO) if counts[s]) + ")"
    parts.append(f"in {with_findings} of {checked} document{'s' if checked != 1 else ''}")
    baselined = sum(r.baselined for r in records)
    text = " ".join(parts)
    if baselined:
        text += f"; {baselined} accepted by the baseline"
    if errors:
        text += f"; {errors} file{'s' if errors != 1 else ''} could not be checked"
    if any(counts[s] > ANNOTATION_LIMIT for s in counts):
        text += f"; GitHub shows only the first {ANNOTATION_LIMIT} annotations of each level, see the log group above"
    return text + "."
