"""Write a corpus with duplicated passages removed from all but their keeper.

Every deletion goes through :func:`dedup.fixer.apply_fixes` as a finding with a fix,
like a duplicate paragraph inside one document.  The retained twin lives in another
document, so it cannot be a ``Fix.keeps`` span; it is named in the finding's
``evidence`` (``twin_path``, ``twin_start``, ``twin_end``) instead, and a deletion is
only kept when the twin survives untouched in the keeper's own output (checked
across documents until nothing changes).  What is deleted is what aligned to the
twin, narrowed to whole lines or sentences: never text the keeper does not hold.
"""

from __future__ import annotations

import os
import re
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from dedup.corpus.pipeline import DedupResult, _TextCache
from dedup.corpus.scheme import MatchParams
from dedup.model import Edit, Finding, Fix, Severity, Span
from dedup.similarity.verify import align

__all__ = ["RewriteResult", "plan_deletions", "snap_passage", "write_deduplicated"]

# Where a deletion may start or end inside a line: after a sentence end (with its closers), or at a line break.
_CUT = re.compile(r"[。！？!?；;…]+[”’」』）)\]】》〉\"']*|\.(?=\s)|\n")


def snap_passage(text: str, start: int, end: int) -> tuple[int, int] | None:
    """Narrow ``[start, end)`` to whole lines or sentences (widened only over whitespace).

    >>> t = "head line\\nA copied line.\\nanother copied.\\ntail"
    >>> s, e = snap_passage(t, t.index("copied line"), t.index("tail") - 1)
    >>> t[s:e]
    'another copied.\\n'
    >>> snap_passage(t, 10, 40)
    (10, 41)
    """
    ls = text.rfind("\n", 0, start) + 1
    if not text[ls:start].strip():
        s = ls
    else:
        m = _CUT.search(text, start, end)
        if m is None:
            return None
        s = m.end()
        while s < end and text[s] in " \t\r\n":
            s += 1
    le = text.find("\n", end)
    le = len(text) if le < 0 else le
    if not text[end:le].strip():
        e = le + 1 if le < len(text) else le
    else:
        e = -1
        for m in _CUT.finditer(text, s, end):
            e = m.end()
        if e < 0:
            return None
    if e <= s or not text[s:e].strip():
        return None
    return s, e


@dataclass(frozen=True, slots=True)
class _Planned:
    start: int
    end: int
    twin_doc: int
    twin_start: int
    twin_end: int
    score: float
    cluster: int


def plan_deletions(result: DedupResult, params: MatchParams | None = None) -> dict[int, list[_Planned]]:
    """Per document, the deletions of its non-keeper passages (aligned against the keeper)."""
    params = params or MatchParams()
    per_doc: dict[int, list[tuple[int, int, int, int, int]]] = defaultdict(list)
    for c in result.clusters:
        for n in c.nodes:
            if n is not c.keeper and n.doc != c.keeper.doc:
                per_doc[n.doc].append((n.start, n.end, c.keeper.doc, c.keeper.start, c.keeper.end))
    cluster_of = {(n.doc, n.start): c.id for c in result.clusters for n in c.nodes}
    cache = _TextCache(32)
    plans: dict[int, list[_Planned]] = {}
    for doc in sorted(per_doc):
        text = cache.get(result.documents[doc].path)
        if text is None:
            continue
        out: list[_Planned] = []
        for start, end, kdoc, kstart, kend in sorted(per_doc[doc]):
            ktext = cache.get(result.documents[kdoc].path)
            if ktext is None:
                continue
            for al in align(text[start:end], ktext[kstart:kend], min_length=params.min_length,
                            min_score=params.min_score, max_gap=params.max_gap, a_base=start, b_base=kstart):
                snapped = snap_passage(text, al.a_start, al.a_end)
                if snapped is not None:
                    out.append(_Planned(snapped[0], snapped[1], kdoc, al.b_start, al.b_end, al.score,
                                        cluster_of[(doc, start)]))
        plans[doc] = out
    return plans


def _findings(text: str, plans: list[_Planned], result: DedupResult) -> list[Finding]:
    out = []
    for p in plans:
        deleted = text[p.start : p.end]
        multi = "\n\n" in deleted.strip("\n") or "\n\r\n" in deleted
        twin = result.documents[p.twin_doc].path
        out.append(Finding(
            rule="DUP002" if multi else "DUP001",
            kind="duplicate-section" if multi else "duplicate-paragraph",
            severity=Severity.WARNING,
            confidence=min(1.0, p.score),
            message=f"passage reprinted from {twin} ({p.score:.0%} similar); kept there",
            span=Span(p.start, p.end),
            evidence={"scope": "corpus", "twin_path": twin, "twin_start": p.twin_start,
                      "twin_end": p.twin_end, "similarity": p.score, "cluster": p.cluster},
            fix=Fix((Edit.delete(text, p.start, p.end),), keeps=(), safe=True),
        ))
    return out


@dataclass
class RewriteResult:
    """What :func:`write_deduplicated` wrote: per document path, the findings applied and skipped."""

    written: list[Path] = field(default_factory=list)
    applied: dict[str, list[Finding]] = field(default_factory=dict)
    skipped: dict[str, list[tuple[Finding, str]]] = field(default_factory=dict)

    @property
    def characters_removed(self) -> int:
        return sum(len(f.span) for fs in self.applied.values() for f in fs)


def write_deduplicated(result: DedupResult, out_dir: str | os.PathLike[str], *,
                       params: MatchParams | None = None, root: str | os.PathLike[str] | None = None) -> RewriteResult:
    """Write every document of ``result`` under ``out_dir`` with non-keeper passages removed.

    Args:
        result: a corpus run.
        out_dir: output folder; documents keep their path relative to ``root``.
        params: alignment parameters for the deletions (those of the run by default).
        root: common folder of the inputs (their common path by default).
    """
    from dedup.fixer import apply_fixes
    from dedup.io import encode_text, read_document, write_atomic

    plans = plan_deletions(result, params)
    paths = [d.path for d in result.documents]
    base = Path(root) if root is not None else Path(os.path.commonpath([os.path.dirname(os.path.abspath(p))
                                                                          for p in paths])) if paths else Path()
    blocked: set[tuple[int, int, int]] = set()
    applied_spans: dict[int, list[tuple[int, int]]] = {}
    cache = _TextCache(32)

    def run(doc: int) -> tuple[list[Finding], list[Any]]:
        text = cache.get(paths[doc]) or ""
        chosen = [p for p in plans.get(doc, []) if (doc, p.start, p.end) not in blocked]
        fixed = apply_fixes(text, _findings(text, chosen, result))
        return fixed.applied, fixed.skipped

    for doc in plans:
        applied_spans[doc] = [(f.span.start, f.span.end) for f in run(doc)[0]]
    changed = True
    while changed:
        changed = False
        for doc in sorted(plans):
            spans = set(applied_spans.get(doc, []))
            bad = [p for p in plans[doc] if (p.start, p.end) in spans and any(
                s < p.twin_end and p.twin_start < e for s, e in applied_spans.get(p.twin_doc, []))]
            for p in bad:
                blocked.add((doc, p.start, p.end))
            if bad:
                applied_spans[doc] = [(f.span.start, f.span.end) for f in run(doc)[0]]
                changed = True

    out = RewriteResult()
    target_root = Path(out_dir)
    for doc, path in enumerate(paths):
        src = read_document(path)
        text = src.text
        if doc in plans:
            chosen = [p for p in plans[doc] if (doc, p.start, p.end) not in blocked]
            fixed = apply_fixes(text, _findings(text, chosen, result))
            new_text = fixed.text
            out.applied[path] = fixed.applied
            out.skipped[path] = [(s.finding, s.reason) for s in fixed.skipped]
            out.skipped[path].extend((f, "its twin in the keeper document is changed by another deletion")
                                     for f in _findings(text, [p for p in plans[doc]
                                                               if (doc, p.start, p.end) in blocked], result))
        else:
            new_text = text
        rel = os.path.relpath(os.path.abspath(path), base)
        target = target_root / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(target, encode_text(new_text, src.encoding, src.bom))
        out.written.append(target)
    return out
