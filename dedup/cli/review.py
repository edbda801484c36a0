"""``dedup report`` (the HTML review page) and ``dedup review`` (fix by fix, in the terminal).

Both end in the same place as ``dedup clean --decisions FILE``: the decisions an
editor took, replayed through the fixer (see :mod:`dedup.decisions`).
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

import click

from dedup.cli import EXIT_ERROR, EXIT_OK
from dedup.cli._run import ConfigResolver, collect_targets, process_targets, split_multi

if TYPE_CHECKING:
    from dedup.config import Config
    from dedup.decisions import DecisionSet
    from dedup.engine import CleanResult
    from dedup.model import Document, Finding

__all__ = ["decisions_cleaner", "report", "review"]


def decisions_cleaner(path: str) -> Callable[[Document, Config], CleanResult]:
    """The cleaner ``clean --decisions PATH`` uses: a loaded decisions file bound to
    :func:`dedup.decisions.clean_with_decisions`.

    Raises:
        click.BadParameter: the file cannot be read or is not a decisions file.
    """
    from dedup.decisions import DecisionsError, DecisionSet, clean_with_decisions

    try:
        decisions: DecisionSet = DecisionSet.load(path)
    except DecisionsError as exc:
        raise click.BadParameter(str(exc), param_hint="'--decisions'") from None

    def cleaner(doc: Document, config: Config) -> CleanResult:
        result = clean_with_decisions(doc, config, decisions)
        # a decision that finds nothing to apply to is worth a word: the text or the rules changed
        if decisions.for_document(doc) is None:
            click.echo(f"dedup: {doc.path}: no decisions recorded for this document; "
                       "its safe fixes are applied as clean applies them", err=True)
        elif result.matched.unmatched:
            n = len(result.matched.unmatched)
            click.echo(f"dedup: {doc.path}: {n} recorded decision{'s match' if n != 1 else ' matches'} no current "
                       "finding (the document or the rules changed)", err=True)
        return result

    return cleaner


def _overrides(select: tuple[str, ...], ignore: tuple[str, ...], globs: tuple[str, ...] = (),
               exclude: tuple[str, ...] = ()) -> dict[str, Any]:
    return {
        "select": split_multi(select) or None,
        "ignore": split_multi(ignore) or None,
        "include": tuple(globs) or None,
        "exclude": tuple(exclude) or None,
    }


def _page_name(path: str, roots: Sequence[str], used: set[str]) -> str:
    """A file name for one document's page: its path below the folder argument it came from (or its
    name), made safe and unique within the output folder."""
    shown = Path(path).name if path != "-" else "stdin.txt"
    for root in roots:
        if Path(root).is_dir():
            try:
                shown = Path(path).relative_to(root).as_posix()
                break
            except ValueError:
                continue
    base = re.sub(r"[^\w.-]+", "_", shown.replace("/", "__")) or "document"
    name = f"{base}.html"
    n = 2
    while name.lower() in used or name.lower() == "index.html":
        name = f"{base}-{n}.html"
        n += 1
    used.add(name.lower())
    return name


# ---------------------------------------------------------------------------------------------------------
# dedup report


@click.command()
@click.argument("paths", nargs=-1, type=click.Path(allow_dash=True))
@click.option("-o", "--output", required=True, type=click.Path(),
              help="The HTML page to write (one input), or the folder for one page per file and index.html.")
@click.option("--config", "config_path", type=click.Path(dir_okay=False),
              help="Config file (default: the nearest dedup.toml, or pyproject.toml with [tool.dedup]).")
@click.option("--select", multiple=True, help="Rules to run: code, code prefix, name, kind or group.")
@click.option("--ignore", multiple=True, help="Rules to skip: code, name, kind or group.")
@click.option("--encoding", help="Decode input with this encoding instead of detecting it.")
@click.option("--glob", "globs", multiple=True, help="File pattern for directories (default *.txt; repeatable).")
@click.option("--exclude", multiple=True, help="Pattern of files or folders to skip (repeatable).")
@click.option("--stdin-filename", help="Name to show for input read from stdin.")
@click.pass_context
def report(ctx: click.Context, paths: tuple[str, ...], output: str, config_path: str | None,
           select: tuple[str, ...], ignore: tuple[str, ...], encoding: str | None, globs: tuple[str, ...],
           exclude: tuple[str, ...], stdin_filename: str | None) -> None:
    """Write a self-contained HTML review page for PATHS.

    The page shows each document with its findings highlighted by kind, every
    finding beside its twin, and each proposed fix to accept or reject; it
    downloads the corrected text and the decisions (replay them with
    ``dedup clean --decisions FILE``).  With several inputs, -o names a folder
    that receives one page per file and index.html.  Exit status: 0 written,
    2 usage or input error (the pages of the other files are still written).
    """
    from dedup.config import ConfigError
    from dedup.io import write_atomic
    from dedup.reporters.html import render_index, render_page

    if not paths:
        raise click.UsageError("no PATH given (use - for stdin)")
    resolver = ConfigResolver(config_path, _overrides(select, ignore, globs, exclude))
    try:
        resolver.for_folder(paths[0] if paths[0] != "-" else ".").validate()
        targets = collect_targets(paths, resolver)
    except ConfigError as exc:
        raise click.UsageError(str(exc)) from None
    debug = bool(ctx.obj and ctx.obj.get("debug"))
    outcome = process_targets(targets, resolver=resolver, encoding=encoding, clean=True, debug=debug,
                              stdin_name=stdin_filename)
    records = outcome.records
    for record in records:
        if record.error is not None:
            click.echo(f"dedup: {record.path}: {record.error}", err=True)
    if len(records) == 1 and not Path(output).is_dir():
        write_atomic(output, render_page(records).encode("utf-8"))
        click.echo(f"wrote {output} ({len(records[0].findings)} findings)", err=True)
    else:
        folder = Path(output)
        if folder.exists() and not folder.is_dir():
            raise click.UsageError(f"{output} exists and is not a folder (several inputs need a folder for -o)")
        folder.mkdir(parents=True, exist_ok=True)
        used: set[str] = set()
        names = [_page_name(r.path, paths, used) for r in records]
        for record, name in zip(records, names, strict=True):
            write_atomic(folder / name, render_page([record], index_href="index.html").encode("utf-8"))
        write_atomic(folder / "index.html", render_index(records, names).encode("utf-8"))
        total = sum(len(r.findings) for r in records)
        click.echo(f"wrote {folder / 'index.html'} and {len(records)} pages ({total} findings)", err=True)
    ctx.exit(EXIT_ERROR if outcome.errors else EXIT_OK)


# ---------------------------------------------------------------------------------------------------------
# dedup review

_HELP = """\
y - accept this fix
n - reject this fix
s - skip it for now (the text stays; recorded as "skip")
a - accept this fix and every remaining safe fix
d - reject this fix and every remaining fix
q - quit: keep the decisions so far, skip the rest
? - this help"""

_KEYS = "y,n,s,a,d,q,?"
_MAX_SHOWN = 360


def _oneline(text: str) -> str:
    return text.replace("\r\n", "⏎").replace("\n", "⏎").replace("\r", "⏎")


def _shorten(text: str, limit: int = _MAX_SHOWN) -> str:
    if len(text) <= limit:
        return text
    head, tail = limit * 2 // 3, limit // 4
    return f"{text[:head]} … [{len(text) - head - tail} more characters] … {text[-tail:]}"


class _Terminal:
    """Where the review talks: colour only on a terminal, answers read line by line (pipes work too)."""

    def __init__(self, out: TextIO, inp: TextIO, color: bool) -> None:
        self.out = out
        self.inp = inp
        self.color = color

    def say(self, text: str = "", **style: Any) -> None:
        self.out.write((click.style(text, **style) if self.color and style else text) + "\n")
        self.out.flush()

    def styled(self, text: str, **style: Any) -> str:
        return click.style(text, **style) if self.color else text

    def ask(self, prompt: str) -> str | None:
        self.out.write(self.styled(prompt, fg="blue", bold=True))
        self.out.flush()
        line = self.inp.readline()
        if not line:
            self.out.write("\n")
            return None
        if not self.inp.isatty():
            # piped answers are not echoed by a terminal: show them so the transcript reads right
            self.out.write(line if line.endswith("\n") else line + "\n")
        return line.strip()


def _hunk(term: _Terminal, doc: Document, finding: Finding, number: int, total: int, context: int,
          blocked: str) -> None:
    fix = finding.fix
    assert fix is not None
    line, _ = doc.line_col(finding.span.start)
    safety = "safe" if fix.safe else "needs review"
    term.say(f"── ({number}/{total}) {finding.rule} {finding.kind} · {finding.severity.value} · "
             f"{finding.confidence:.2f} · line {line} · {safety} ──", bold=True)
    term.say(finding.message)
    text = doc.text
    first, last = fix.edits[0].start, fix.edits[-1].end
    pieces = [term.styled("…" + _oneline(text[max(0, first - context):first]), dim=True)]
    pos = first
    for edit in fix.edits:
        pieces.append(_oneline(_shorten(text[pos:edit.start])))
        if edit.expected:
            pieces.append(term.styled(f"[-{_oneline(_shorten(edit.expected))}-]", fg="red"))
        if edit.replacement:
            pieces.append(term.styled(f"{{+{_oneline(edit.replacement)}+}}", fg="green"))
        pos = edit.end
    pieces.append(term.styled(_oneline(text[last:last + context]) + "…", dim=True))
    term.say("  " + "".join(pieces))
    twins = list(fix.keeps) or list(finding.related)
    for twin in twins[:2]:
        twin_line, _ = doc.line_col(twin.start)
        label = "kept copy" if fix.keeps else "related"
        term.say(f"  {label} (line {twin_line}): " + _oneline(_shorten(twin.slice(text))),
                 fg="cyan")
    if blocked:
        term.say(f"  note: with the fixes accepted so far this one would not apply: {blocked}", fg="yellow")


def _blocked(doc: Document, findings: Sequence[Finding], states: dict[int, str], finding: Finding) -> str:
    """Why ``finding``'s fix would not apply next to the fixes accepted so far ('' if it would)."""
    from dedup.decisions import ACCEPT, SKIP, apply_decisions

    trial = {id(f): states.get(id(f), SKIP) for f in findings if f.fix is not None}
    trial[id(finding)] = ACCEPT
    result = apply_decisions(doc.text, findings, trial)
    if any(f is finding for f in result.applied):
        return ""
    return next((s.reason for s in result.skipped if s.finding is finding), "it conflicts with another fix")


def run_review(doc: Document, findings: Sequence[Finding], term: _Terminal, context: int = 40) -> dict[int, str]:
    """Ask about each fix in document order; the decisions by ``id(finding)`` (every fix gets one)."""
    from dedup.decisions import ACCEPT, REJECT, SKIP

    fixable = [f for f in findings if f.fix is not None]
    states: dict[int, str] = {}
    if not fixable:
        term.say("No fixes proposed.")
    for number, finding in enumerate(fixable, start=1):
        if id(finding) in states:
            continue
        _hunk(term, doc, finding, number, len(fixable), context, _blocked(doc, findings, states, finding))
        while True:
            answer = term.ask(f"Apply this fix [{_KEYS}]? ")
            if answer is None:
                answer = "q"
            key = answer[:1].lower()
            if key in ("y", "n", "s", "a", "d", "q"):
                break
            term.say(_HELP, fg="yellow")
        if key == "y":
            states[id(finding)] = ACCEPT
        elif key == "n":
            states[id(finding)] = REJECT
        elif key == "s":
            states[id(finding)] = SKIP
        elif key == "a":
            states[id(finding)] = ACCEPT
            for other in fixable[number:]:
                assert other.fix is not None
                states.setdefault(id(other), ACCEPT if other.fix.safe else SKIP)
        elif key == "d":
            for other in fixable[number - 1:]:
                states.setdefault(id(other), REJECT)
        else:
            break
        term.say()
    for finding in fixable:
        states.setdefault(id(finding), SKIP)
    return states


@click.command()
@click.argument("path", type=click.Path(dir_okay=False, exists=True))
@click.option("-o", "--output", type=click.Path(dir_okay=False),
              help="Corrected text (default: NAME.reviewed.EXT beside the input).")
@click.option("--decisions", "decisions_path", type=click.Path(dir_okay=False),
              help="Decisions record (default: NAME.decisions.json beside the input).")
@click.option("--config", "config_path", type=click.Path(dir_okay=False),
              help="Config file (default: the nearest dedup.toml, or pyproject.toml with [tool.dedup]).")
@click.option("--select", multiple=True, help="Rules to run: code, code prefix, name, kind or group.")
@click.option("--ignore", multiple=True, help="Rules to skip: code, name, kind or group.")
@click.option("--encoding", help="Decode input with this encoding instead of detecting it.")
@click.option("--context", default=40, show_default=True, type=click.IntRange(0, 2000),
              help="Characters of context shown around each fix.")
@click.option("--color/--no-color", default=None, help="Colour the hunks (default: when stdout is a terminal).")
@click.pass_context
def review(ctx: click.Context, path: str, output: str | None, decisions_path: str | None,
           config_path: str | None, select: tuple[str, ...], ignore: tuple[str, ...], encoding: str | None,
           context: int, color: bool | None) -> None:
    """Review the proposed fixes of PATH one by one, as `git add -p` does hunks.

    Each fix is shown with its context ([-deleted-] {+inserted+}) and the twin it
    keeps; answer y (accept), n (reject), s (skip), a (accept this and the
    remaining safe fixes), d (reject this and the rest), q (quit) or ?.  Answers
    are read line by line, so they can be piped in.  Writes the text with the
    accepted fixes applied, and the decisions, which `dedup clean --decisions
    FILE` replays.
    """
    from dedup.config import ConfigError
    from dedup.decisions import ACCEPT, REJECT, SKIP, DecisionSet, DocumentDecisions, apply_decisions
    from dedup.engine import check_document
    from dedup.io import InputError, encode_text, read_document, write_atomic

    source = Path(path)
    suffix = source.suffix
    output = output or str(source.with_name(f"{source.stem}.reviewed{suffix}"))
    decisions_path = decisions_path or str(source.with_name(f"{source.stem}.decisions.json"))
    resolver = ConfigResolver(config_path, _overrides(select, ignore))
    try:
        config = resolver.for_file(path)
        doc = read_document(path, encoding)
    except (ConfigError, InputError) as exc:
        click.echo(f"dedup: {path}: {exc}", err=True)
        ctx.exit(EXIT_ERROR)
        return
    findings = check_document(doc, config).findings
    use_color = sys.stdout.isatty() if color is None else color
    term = _Terminal(sys.stdout, sys.stdin, use_color)
    states = run_review(doc, findings, term, context)
    result = apply_decisions(doc.text, findings, states)
    entry = DocumentDecisions.record(doc, findings, states)
    try:
        write_atomic(output, encode_text(result.text, doc.encoding, doc.bom))
        write_atomic(decisions_path, DecisionSet([entry]).dumps().encode("utf-8"))
    except (OSError, UnicodeEncodeError) as exc:
        click.echo(f"dedup: cannot write: {exc}", err=True)
        ctx.exit(EXIT_ERROR)
        return
    values = [d.decision for d in entry.decisions]
    blocked = list(result.skipped)
    summary = (f"{values.count(ACCEPT)} accepted, {values.count(REJECT)} rejected, {values.count(SKIP)} skipped; "
               f"{len(result.applied)} applied")
    if blocked:
        summary += f" ({len(blocked)} accepted but not applied: {blocked[0].reason})"
    term.say(summary + ".")
    term.say(f"wrote {output} and {decisions_path}")
    ctx.exit(EXIT_OK)

