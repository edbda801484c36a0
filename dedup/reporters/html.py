"""A self-contained HTML review page: the document with its findings highlighted, fixes to accept or reject.

The page needs nothing but a browser: CSS and JavaScript are inline, there is no
network access (a Content-Security-Policy forbids it, and allows only the page's
own script by its hash).  Document text is data: every piece of it is escaped,
and the copy the script works on travels in a JSON block with ``<``, ``>`` and
``&`` escaped, so nothing in a document can close a tag or start a script.

The corrected text the page downloads is computed in the browser by a port of
:func:`dedup.fixer.apply_fixes` over the ORIGINAL text and the fixes the editor
accepted (offsets are code points: the script splits the text with
``Array.from``, never by UTF-16 units).  It is the text ``dedup clean
--decisions`` writes for the decisions file the page also downloads; with every
safe fix accepted and nothing else, it is what ``dedup clean`` writes (unless
clean needed a second pass, which the page then says).
"""

from __future__ import annotations

import base64
import hashlib
import html
import json
import unicodedata
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from importlib import resources
from typing import Any

from dedup.decisions import text_digest
from dedup.fixer import _priority, apply_fixes
from dedup.model import KINDS
from dedup.records import FileRecord
from dedup.reporters import Reporter, ReportOptions, register

__all__ = ["HtmlReporter", "render_index", "render_page"]

#: kinds whose related span is the retained copy of what the fix removes
_TWIN_KINDS = frozenset({"duplicate-paragraph", "duplicate-section", "splice", "boundary-overlap"})

#: Okabe-Ito colours (distinguishable with the common colour-vision deficiencies), each kind also
#: gets its own underline style and a text label, so colour is never the only cue.
_KIND_STYLE: dict[str, tuple[str, str]] = {
    "duplicate-paragraph": ("#E69F00", "solid"),
    "duplicate-section": ("#D55E00", "double"),
    "splice": ("#CC79A7", "dashed"),
    "repeated-phrase": ("#0072B2", "solid"),
    "stutter": ("#56B4E9", "dotted"),
    "repeated-name": ("#009E73", "dashed"),
    "broken-paragraph": ("#F0E442", "solid"),
    "running-header": ("#999999", "dotted"),
    "page-marker": ("#666666", "double"),
    "orphan-fragment": ("#882255", "dotted"),
    "boundary-overlap": ("#117733", "double"),
    "numbering-gap": ("#332288", "dashed"),
}

_KIND_ABBR = {
    "duplicate-paragraph": "DUP-P",
    "duplicate-section": "DUP-S",
    "splice": "SPLICE",
    "repeated-phrase": "REP",
    "stutter": "STUT",
    "repeated-name": "NAME",
    "broken-paragraph": "JOIN",
    "running-header": "HEAD",
    "page-marker": "PAGE",
    "orphan-fragment": "ORPH",
    "boundary-overlap": "OVER",
    "numbering-gap": "NUM",
}

_SEVERITY_ORDER = ("error", "warning", "info")


def _kind_css() -> str:
    rules = []
    for kind, (colour, style) in _KIND_STYLE.items():
        r, g, b = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
        rules.append(
            f".seg.hl.k-{kind}{{background-color:rgba({r},{g},{b},.2);border-bottom:3px {style} {colour}}}"
            f".swatch.k-{kind},.lbl.k-{kind},.detail h3.k-{kind}"
            f"{{background-color:rgba({r},{g},{b},.45);border-bottom:3px {style} {colour}}}"
        )
    return "\n".join(rules)


def _asset(name: str) -> str:
    return resources.files("dedup.reporters").joinpath("_html", name).read_text(encoding="utf-8")


def _esc(text: str) -> str:
    return html.escape(text, quote=True)


def _json_block(data: Any) -> str:
    """JSON that is inert inside ``<script type="application/json">``: no ``<``, ``>`` or ``&`` left."""
    raw = json.dumps(data, ensure_ascii=True, separators=(",", ":"))
    return raw.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def _is_control(ch: str) -> bool:
    if ch in "\n\r\t":
        return False
    return unicodedata.category(ch) in ("Cc", "Cf", "Zl", "Zp", "Co", "Cs")


def _text_html(text: str) -> str:
    """Escaped text; invisible and direction-changing characters wrapped so they show and stay contained."""
    out: list[str] = []
    run: list[str] = []
    for ch in text:
        if _is_control(ch):
            if run:
                out.append(html.escape("".join(run), quote=False))
                run = []
            # the character sits in its own isolate so that a direction override cannot reach even
            # the label drawn after it
            out.append(f'<span class="ctl" data-cp="U+{ord(ch):04X}"><span class="ch">'
                       f"{html.escape(ch, quote=False)}</span></span>")
        else:
            run.append(ch)
    if run:
        out.append(html.escape("".join(run), quote=False))
    return "".join(out)


def _is_join(expected: str, replacement: str) -> bool:
    return bool(expected) and not expected.strip() and ("\n" in expected or "\r" in expected) and (
        "\n" not in replacement and "\r" not in replacement
    )


@dataclass
class _Figures:
    applied: int
    removed: int
    joined: int
    skipped: int


def _clean_figures(record: FileRecord) -> _Figures:
    result = apply_fixes(record.text, record.findings)
    return _Figures(
        applied=len(result.applied),
        removed=max(0, len(record.text) - len(result.text)),
        joined=sum(1 for f in result.applied if f.kind == "broken-paragraph"),
        skipped=len(result.skipped),
    )


def _payload(record: FileRecord) -> dict[str, Any]:
    """What the page's script needs: the text, and per finding its spans and fix."""
    findings = record.findings
    index = {id(f): i for i, f in enumerate(findings)}
    order = [index[id(f)] for f in sorted((f for f in findings if f.fix is not None), key=_priority)]
    items = []
    for i, f in enumerate(findings):
        pos = record.position(f.span)
        items.append(
            {
                "i": i,
                "rule": f.rule,
                "kind": f.kind,
                "severity": f.severity.value,
                "confidence": f.confidence,
                "message": f.message,
                "start": f.span.start,
                "end": f.span.end,
                "line": pos.line,
                "column": pos.column,
                "related": [
                    {"start": r.start, "end": r.end, "line": record.position(r).line} for r in f.related
                ],
                "fingerprint": f.fingerprint,
                "fix": None
                if f.fix is None
                else {
                    "safe": f.fix.safe,
                    "edits": [
                        {"start": e.start, "end": e.end, "replacement": e.replacement, "expected": e.expected}
                        for e in f.fix.edits
                    ],
                    "keeps": [{"start": k.start, "end": k.end} for k in f.fix.keeps],
                },
            }
        )
    return {
        "path": record.path,
        "encoding": record.encoding or "utf-8",
        "bom": record.bom,
        "sha256": text_digest(record.text),
        "text": record.text,
        "findings": items,
        "order": order,
    }


def _segments_html(record: FileRecord) -> str:
    """The document as flat segments; each carries the findings, twins and deletions covering it."""
    text = record.text
    findings = record.findings
    bounds = {0, len(text)}
    # markers inserted before the text at a position: (rank, html); rank orders markers at one point
    markers: dict[int, list[tuple[int, int, str]]] = {}
    for i, f in enumerate(findings):
        bounds.update((f.span.start, f.span.end))
        label = f"#{i + 1} {f.rule} {f.kind}"
        markers.setdefault(f.span.start, []).append(
            (2, i, f'<a class="lbl anchor k-{f.kind}" href="#" data-anchor="{i}" '
                   f'title="{_esc(f.message)}">{_esc(label)}</a>')
        )
        for r in f.related:
            bounds.update((r.start, r.end))
            what = "kept copy of" if f.kind in _TWIN_KINDS else "related to"
            markers.setdefault(r.start, []).append(
                (1, i, f'<a class="lbl twin-lbl k-{f.kind}" href="#" data-twin-of="{i}">'
                       f"{_esc(what)} #{i + 1}</a>")
            )
        if f.fix is not None:
            for e in f.fix.edits:
                bounds.update((e.start, e.end))
                if _is_join(e.expected, e.replacement):
                    markers.setdefault(e.start, []).append(
                        (3, i, f'<span class="join" data-fix="{i}" title="paragraphs joined by #{i + 1}">'
                               f"⏎ join #{i + 1}</span>")
                    )
                if e.replacement:
                    markers.setdefault(e.end, []).append(
                        (0, i, f'<ins class="ins" data-fix="{i}" title="inserted by #{i + 1}">'
                               f"{_text_html(e.replacement)}</ins>")
                    )
    points = sorted(b for b in bounds if b <= len(text))
    out: list[str] = []
    for a, b in zip(points, [*points[1:], None], strict=True):
        for _, _, mark in sorted(markers.get(a, []), key=lambda m: (m[0], m[1])):
            out.append(mark)
        if b is None or a >= b:
            continue
        covering = [i for i, f in enumerate(findings) if f.span.start <= a and b <= f.span.end]
        twins = [i for i, f in enumerate(findings) if any(r.start <= a and b <= r.end for r in f.related)]
        deleting = [
            i for i, f in enumerate(findings)
            if f.fix is not None and any(e.start <= a and b <= e.end for e in f.fix.edits)
        ]
        piece = _text_html(text[a:b])
        if not (covering or twins or deleting):
            out.append(f'<span class="seg">{piece}</span>')
            continue
        classes = ["seg", "hl"]
        attrs = []
        if covering:
            # the most specific (shortest) finding gives the colour
            main = min(covering, key=lambda i: len(findings[i].span))
            classes.append(f"k-{findings[main].kind}")
            attrs.append(f'data-f="{" ".join(map(str, covering))}"')
        if twins:
            classes.append("twin")
            attrs.append(f'data-t="{" ".join(map(str, twins))}"')
        if deleting:
            classes.append("del")
            attrs.append(f'data-d="{" ".join(map(str, deleting))}"')
        out.append(f'<span class="{" ".join(classes)}" {" ".join(attrs)}>{piece}</span>')
    return "".join(out)


def _legend_html(kinds: Iterable[str]) -> str:
    rows = [
        f'<li><span class="swatch k-{k}">{_esc(_KIND_ABBR[k])}</span> {_esc(k)}</li>' for k in kinds
    ]
    rows.append('<li><span class="swatch twin">kept</span> retained copy (twin)</li>')
    rows.append('<li><span class="swatch sw-del">deleted</span> text the fix removes</li>')
    rows.append('<li><span class="swatch sw-ins">added</span> text the fix inserts</li>')
    rows.append('<li><span class="swatch sw-join">⏎ join</span> paragraphs joined</li>')
    return '<ul class="legend">' + "".join(rows) + "</ul>"


def _sidebar_html(record: FileRecord) -> str:
    findings = record.findings
    groups: dict[str, list[int]] = {}
    for i, f in enumerate(findings):
        groups.setdefault(f.kind, []).append(i)
    parts = []
    for kind in [k for k in KINDS if k in groups]:
        members = sorted(
            groups[kind], key=lambda i: (_SEVERITY_ORDER.index(findings[i].severity.value), findings[i].sort_key)
        )
        by_sev = Counter(findings[i].severity.value for i in members)
        sev = ", ".join(f"{by_sev[s]} {s}" for s in _SEVERITY_ORDER if by_sev[s])
        items = []
        for i in members:
            f = findings[i]
            pos = record.position(f.span)
            if f.fix is None:
                fixbox = '<span class="nofix">no fix proposed</span>'
            else:
                safety = "safe" if f.fix.safe else "needs review"
                fixbox = (
                    f'<span class="fixbtns" role="group" aria-label="decision on #{i + 1}">'
                    f'<button type="button" class="acc" data-act="accept" data-i="{i}" aria-pressed="false">'
                    f"accept</button>"
                    f'<button type="button" class="rej" data-act="reject" data-i="{i}" aria-pressed="false">'
                    f"reject</button></span>"
                    f'<span class="safety">{safety}</span>'
                )
            items.append(
                f'<li class="item k-{kind}" data-i="{i}" data-severity="{f.severity.value}">'
                f'<a class="goto" href="#" data-i="{i}"><span class="swatch k-{kind}">#{i + 1}</span> '
                f"{_esc(f.rule)} · line {pos.line} · {_esc(f.severity.value)} · {f.confidence:.2f}</a>"
                f'<div class="msg">{_text_html(f.message)}</div>'
                f'<div class="fixrow">{fixbox}<span class="status" data-status="{i}"></span></div></li>'
            )
        parts.append(
            f'<section class="group" data-kind="{kind}"><h3><span class="swatch k-{kind}">'
            f"{_esc(_KIND_ABBR[kind])}</span> {_esc(kind)} <span class=\"count\">({len(members)})</span>"
            f'<span class="sev">{_esc(sev)}</span></h3><ol>{"".join(items)}</ol></section>'
        )
    if not parts:
        parts.append('<p class="empty">No findings.</p>')
    return "".join(parts)


def _header_html(record: FileRecord, figures: _Figures) -> str:
    by_kind = Counter(f.kind for f in record.findings)
    kinds = " ".join(
        f'<span class="chip"><span class="swatch k-{k}">{_esc(_KIND_ABBR[k])}</span> {_esc(k)} '
        f'<b data-kind-count="{k}">{by_kind[k]}</b></span>'
        for k in KINDS
        if by_kind[k]
    )
    fixable = sum(1 for f in record.findings if f.fix is not None)
    notes = []
    passes = int(record.stats.get("passes", 1) or 1)
    if record.corrected is not None and passes > 1:
        notes.append(
            f"<p class=\"note\">dedup clean needed {passes} passes on this document; the page and "
            "<code>clean --decisions</code> apply one pass: run <code>dedup clean</code> on the result "
            "for the rest.</p>"
        )
    if (record.encoding or "utf-8") != "utf-8":
        notes.append(
            f'<p class="note">The download is UTF-8; the original is {_esc(record.encoding or "")}: '
            "for the original encoding, download the decisions and run "
            "<code>dedup clean --decisions FILE</code>.</p>"
        )
    return (
        f'<div class="totals"><span class="total">findings <b class="n-findings">{len(record.findings)}</b>'
        f"</span> {kinds}</div>"
        f'<div class="figures">'
        f'<span>dedup clean: <b class="clean-applied">{figures.applied}</b> fixes, '
        f'<b class="clean-removed">{figures.removed}</b> characters removed, '
        f'<b class="clean-joined">{figures.joined}</b> paragraphs joined</span> · '
        f'<span>your decisions: <b class="live-applied">0</b> of {fixable} fixes applied, '
        f'<b class="live-removed">0</b> characters removed, <b class="live-joined">0</b> paragraphs joined, '
        f'<b class="live-accepted">0</b> accepted, <b class="live-rejected">0</b> rejected</span></div>'
        + "".join(notes)
    )


def _section_html(record: FileRecord, number: int, *, active: bool, index_href: str | None) -> str:
    sid = f"doc-{number}"
    if record.error is not None:
        return (
            f'<section class="doc error{" active" if active else ""}" id="{sid}"><header class="top">'
            f"<h1>{_esc(record.path)}</h1><p class=\"note\">could not be read: {_esc(record.error)}</p>"
            "</header></section>"
        )
    figures = _clean_figures(record)
    kinds = [k for k in KINDS if any(f.kind == k for f in record.findings)]
    back = f'<a class="back" href="{_esc(index_href)}">← all files</a> ' if index_href else ""
    return (
        f'<section class="doc{" active" if active else ""}" id="{sid}" data-findings="{len(record.findings)}">'
        f'<script type="application/json" class="doc-data">{_json_block(_payload(record))}</script>'
        f'<header class="top"><h1>{back}<span class="path">{_esc(record.path)}</span></h1>'
        f"{_header_html(record, figures)}"
        f'<div class="actions">'
        f'<button type="button" data-global="accept-safe" title="Accept every fix marked safe that you have '
        f'not rejected">Accept all safe</button>'
        f'<button type="button" data-global="reject-all">Reject all</button>'
        f'<button type="button" data-global="reset">Reset</button>'
        f'<button type="button" data-global="download-text" class="primary">Download corrected text</button>'
        f'<button type="button" data-global="download-decisions">Download decisions</button>'
        f"</div>"
        f"<details class=\"legend-box\" open><summary>Legend</summary>{_legend_html(kinds)}</details>"
        f"</header>"
        f'<div class="panes">'
        f'<nav class="sidebar" aria-label="findings">{_sidebar_html(record)}</nav>'
        f'<main class="pane pane-main"><h2 class="pane-title">Document</h2>'
        f'<div class="doc-text">{_segments_html(record)}</div></main>'
        f'<aside class="pane pane-twin"><h2 class="pane-title">Finding and its twin</h2>'
        f'<div class="detail"><p class="hint">Select a finding to see it here with its twin. '
        f"Keys: j / k next / previous finding, a accept, r reject.</p></div>"
        f'<div class="twin-text" aria-label="document, scrolled to the twin"></div></aside>'
        f"</div></section>"
    )


def _page(title: str, body: str, *, script: bool = True) -> str:
    css = _asset("review.css") + "\n" + _kind_css()
    js = _asset("review.js") if script else ""
    digest = base64.b64encode(hashlib.sha256(js.encode("utf-8")).digest()).decode("ascii")
    script_src = f"'sha256-{digest}'" if script else "'none'"
    csp = (
        f"default-src 'none'; script-src {script_src}; style-src 'unsafe-inline'; img-src data:; "
        "base-uri 'none'; form-action 'none'"
    )
    return (
        "<!DOCTYPE html>\n"
        '<html lang="und"><head><meta charset="utf-8">'
        f'<meta http-equiv="Content-Security-Policy" content="{csp}">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{_esc(title)}</title><style>{css}</style></head>"
        f"<body>{body}" + (f"<script>{js}</script>" if script else "") + "</body></html>\n"
    )


def render_page(records: Sequence[FileRecord], *, index_href: str | None = None) -> str:
    """One page: a single document's review, or several documents behind an index of counts."""
    if len(records) == 1:
        record = records[0]
        return _page(f"dedup review: {record.path}", _section_html(record, 1, active=True, index_href=index_href))
    sections = "".join(
        _section_html(r, n, active=False, index_href="#index") for n, r in enumerate(records, start=1)
    )
    index = _index_table(records, [f"#doc-{n}" for n in range(1, len(records) + 1)])
    body = f'<section class="index active" id="index"><h1>dedup review</h1>{index}</section>{sections}'
    return _page("dedup review", body)


def _index_table(records: Sequence[FileRecord], hrefs: Sequence[str]) -> str:
    rows = []
    totals: Counter[str] = Counter()
    for record, href in zip(records, hrefs, strict=True):
        if record.error is not None:
            rows.append(
                f'<tr class="error"><td><a href="{_esc(href)}">{_esc(record.path)}</a></td>'
                f'<td colspan="4">could not be read: {_esc(record.error)}</td></tr>'
            )
            continue
        figures = _clean_figures(record)
        by_kind = Counter(f.kind for f in record.findings)
        totals.update(by_kind)
        kinds = ", ".join(f"{by_kind[k]} {k}" for k in KINDS if by_kind[k]) or "—"
        rows.append(
            f'<tr><td><a href="{_esc(href)}">{_esc(record.path)}</a></td>'
            f'<td class="num" data-count="findings">{len(record.findings)}</td><td>{_esc(kinds)}</td>'
            f'<td class="num">{figures.removed}</td><td class="num">{figures.joined}</td></tr>'
        )
    n = sum(totals.values())
    summary = ", ".join(f"{totals[k]} {k}" for k in KINDS if totals[k]) or "no findings"
    return (
        f'<p class="index-summary">{len(records)} files, {n} findings: {_esc(summary)}</p>'
        '<table class="index-table"><thead><tr><th>file</th><th>findings</th><th>by kind</th>'
        "<th>characters removed by clean</th><th>paragraphs joined by clean</th></tr></thead>"
        f"<tbody>{''.join(rows)}</tbody></table>"
    )


def render_index(records: Sequence[FileRecord], hrefs: Sequence[str]) -> str:
    """A page listing files with their counts, linking to each file's own page."""
    return _page("dedup review: index", f'<section class="index active" id="index"><h1>dedup review</h1>'
                 f"{_index_table(records, hrefs)}</section>", script=False)


@register
class HtmlReporter(Reporter):
    name = "html"
    description = "a self-contained HTML review page (findings highlighted, fixes to accept or reject)"

    def render(self, records: Sequence[FileRecord], options: ReportOptions) -> str:
        return render_page(records, index_href=options.extra.get("index_href"))

