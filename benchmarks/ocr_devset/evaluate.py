#!/usr/bin/env python3
"""How much of the layout error ``dedup clean`` removes on the real-OCR development set.

For every page of ``tests/data/ocr-dev/`` (tesseract output of rendered multi-column
pages, see README.md) it measures, against the page's truth:

* ``CER raw`` -- character error rate of the raw OCR text;
* ``CER clean`` -- character error rate of ``dedup.clean_text(raw OCR).text``;
* ``CER floor`` -- character error rate of the *oracle layout fix*: the raw OCR with
  exactly the characters removed that align to the furniture (running header, jump
  markers) and to the injected duplicates (doubled paragraph, doubled strip) of the
  page's layout text.  What remains are recognition errors (misread characters, lost
  or invented ones) that no text-only tool can repair, read from the *same* OCR run;
* ``removed`` -- the share of the layout error removed,
  ``(CER raw - CER clean) / (CER raw - CER floor)``;
* ``lost`` -- characters of truth lost: truth characters that the raw OCR has (aligned
  as equal) and the cleaned text no longer has.  Should be ~0.  A clean that keeps the
  worse-read of two copies of a duplicate shows here as a few characters too;
* ``moved`` -- of those, the characters of runs of at least 8 that the cleaned text
  still has elsewhere (90% alike or more): text moved out of reading order (an
  alignment is monotone),
  not deleted.  ``lost`` excludes them; both raise ``CER clean``;
* ``breaks`` -- paragraph breaks (blank lines) in the wrong place, spurious / missed,
  raw -> clean: a blank line inside a truth paragraph is the column-end or hard-wrap
  break that LAY001 should join; a truth break the text lacks is a wrong join.

Comparison is on the project's matching form (``dedup.normalize.normalize``: NFKC width
folding, punctuation variants unified, lower case), with all whitespace dropped for
Chinese and runs of whitespace as one space for English: line breaks never count.
CER = Levenshtein distance / truth length.  Totals add the distances over all pages.

Usage::

    python benchmarks/ocr_devset/evaluate.py [--data tests/data/ocr-dev] [--json out.json]
"""

from __future__ import annotations

import argparse
import bisect
import json
import re
import sys
import time
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[2]
DATA = REPO / "tests" / "data" / "ocr-dev"

_BLANK_LINE = re.compile(r"\n[ \t\r\f\v]*\n\s*")


@dataclass
class DevPage:
    """One page of the development set."""

    name: str
    lang: str
    ocr: str
    truth: str
    layout: str
    meta: dict[str, Any]

    @property
    def fault_spans(self) -> list[tuple[int, int]]:
        """Layout-text spans of furniture and injected duplicates (all absent from the truth)."""
        return sorted((s["start"], s["end"]) for s in self.meta["faults"] + self.meta["furniture"])


def load_devset(data: Path = DATA, names: Iterable[str] | None = None) -> list[DevPage]:
    """The pages in ``data`` (one ``NAME.meta.json`` per page; all unless ``names``), by name."""
    wanted = set(names) if names else None
    pages = []
    for meta_path in sorted(data.glob("*.meta.json")):
        name = meta_path.name.removesuffix(".meta.json")
        if wanted is not None and name not in wanted:
            continue
        meta = json.loads(meta_path.read_text(encoding="utf-8"))

        def read(kind: str, name: str = name) -> str:
            return (data / f"{name}.{kind}.txt").read_text(encoding="utf-8")

        pages.append(DevPage(name, meta["lang"], read("ocr"), read("truth"), read("layout"), meta))
    return pages


# --------------------------------------------------------------------------- metrics


def matching(text: str, lang: str) -> tuple[str, tuple[int, ...]]:
    """Matching form of ``text`` and, per character, its offset in ``text``."""
    from dedup.normalize import normalize

    n = normalize(text, keep_space=lang != "zh")
    s, offs = n.text, n.offsets
    if s.startswith(" "):
        s, offs = s[1:], offs[1:]
    if s.endswith(" "):
        s, offs = s[:-1], offs[:-1]
    return s, offs


def distance(hyp: str, ref: str, lang: str) -> int:
    """Levenshtein distance of the matching forms."""
    from rapidfuzz.distance import Levenshtein

    return int(Levenshtein.distance(matching(hyp, lang)[0], matching(ref, lang)[0]))


def cer(hyp: str, ref: str, lang: str) -> float:
    """Character error rate of ``hyp`` against ``ref`` (whitespace-insensitive for Chinese)."""
    return distance(hyp, ref, lang) / max(1, len(matching(ref, lang)[0]))


def _ops(a: str, b: str) -> list[tuple[str, int, int, int, int]]:
    """Levenshtein opcodes turning ``a`` into ``b``."""
    from rapidfuzz.distance import Levenshtein

    return [(str(t), int(i1), int(i2), int(j1), int(j2)) for t, i1, i2, j1, j2 in Levenshtein.opcodes(a, b)]


def _proportional(i1: int, i2: int, j1: int, j2: int) -> Callable[[int], int]:
    return lambda j: i1 + (j - j1) * (i2 - i1) // max(1, j2 - j1)


def oracle_fix(ocr: str, layout: str, spans: Iterable[tuple[int, int]], lang: str) -> str:
    """``ocr`` minus the characters aligned to ``spans`` of ``layout`` (the oracle layout fix).

    Characters the OCR invented next to a removed span go with it only when the span
    continues on both sides, so a recognition error at a span's edge stays counted.
    """
    lt, loffs = matching(layout, lang)
    starts_ends = sorted(spans)
    starts = [a for a, _ in starts_ends]

    def in_span(off: int) -> bool:
        k = bisect.bisect_right(starts, off) - 1
        return k >= 0 and off < starts_ends[k][1]

    fault = [in_span(o) for o in loffs]
    ot, ooffs = matching(ocr, lang)
    drop = [False] * len(ot)
    for tag, i1, i2, j1, j2 in _ops(lt, ot):
        if tag in ("equal", "replace"):
            at = _proportional(i1, i2, j1, j2)
            for j in range(j1, j2):
                drop[j] = fault[at(j)]
        elif tag == "insert":
            before = fault[i1 - 1] if i1 > 0 else None
            after = fault[i1] if i1 < len(lt) else None
            both = (before is not False) and (after is not False) and (before or after)
            for j in range(j1, j2):
                drop[j] = bool(both)
    dropped_offsets = {ooffs[j] for j in range(len(ot)) if drop[j]}
    kept_offsets = {ooffs[j] for j in range(len(ot)) if not drop[j]}
    # a source character folds to one or more matching characters: drop it if all went
    return "".join(ch for i, ch in enumerate(ocr) if i not in dropped_offsets or i in kept_offsets)


def truth_present(truth: str, hyp: str, lang: str) -> set[int]:
    """Indices of matching-form truth characters that ``hyp`` has, aligned as equal."""
    tt, _ = matching(truth, lang)
    ht, _ = matching(hyp, lang)
    present: set[int] = set()
    for tag, i1, i2, _j1, _j2 in _ops(tt, ht):
        if tag == "equal":
            present.update(range(i1, i2))
    return present


#: a run of missing truth this long found elsewhere in the cleaned text was moved, not lost
MOVED_MIN = 8


def missing_runs(truth: str, raw: str, cleaned: str, lang: str) -> list[tuple[str, int, bool]]:
    """Runs of truth that ``raw`` has and ``cleaned`` lacks in place: (text, characters, moved).

    ``characters`` counts only those the raw OCR had read right; ``moved`` says the run
    is still in ``cleaned``, out of reading order.
    """
    tt, _ = matching(truth, lang)
    ct, _ = matching(cleaned, lang)
    missing = sorted(truth_present(truth, raw, lang) - truth_present(truth, cleaned, lang))
    runs: list[list[int]] = []
    for i in missing:
        if runs and i - runs[-1][-1] <= 2:
            runs[-1].append(i)
        else:
            runs.append([i])
    from rapidfuzz import fuzz

    out = []
    for r in runs:
        text = tt[r[0] : r[-1] + 1]
        # found elsewhere, give or take the recognition errors of the copy read there
        moved = len(text) >= MOVED_MIN and fuzz.partial_ratio(text, ct) >= 90
        out.append((text, len(r), moved))
    return out


def lost_and_moved(truth: str, raw: str, cleaned: str, lang: str) -> tuple[int, int]:
    """Truth characters ``cleaned`` deleted, and those it moved out of reading order."""
    runs = missing_runs(truth, raw, cleaned, lang)
    return sum(n for _, n, moved in runs if not moved), sum(n for _, n, moved in runs if moved)


def _break_positions(text: str, lang: str) -> list[int]:
    """Matching-form positions of the paragraph breaks (blank lines) of ``text``."""
    _, offs = matching(text, lang)
    return [bisect.bisect_left(offs, m.start()) for m in _BLANK_LINE.finditer(text.strip())]


def paragraph_breaks(hyp: str, truth: str, lang: str) -> tuple[int, int]:
    """(spurious, missed) paragraph breaks of ``hyp`` against ``truth``, within one character."""
    ht, _ = matching(hyp, lang)
    tt, _ = matching(truth, lang)
    to_truth = [0] * (len(ht) + 1)
    for tag, i1, i2, j1, j2 in _ops(ht, tt):
        if tag in ("equal", "replace"):
            at = _proportional(j1, j2, i1, i2)
            for i in range(i1, i2):
                to_truth[i] = at(i)
        elif tag == "delete":
            for i in range(i1, i2):
                to_truth[i] = j1
    to_truth[len(ht)] = len(tt)
    truth_breaks = _break_positions(truth, lang)
    hyp_breaks = sorted({to_truth[p] for p in _break_positions(hyp, lang)})
    spurious = sum(1 for q in hyp_breaks if 0 < q < len(tt) and not any(abs(q - t) <= 1 for t in truth_breaks))
    missed = sum(1 for t in truth_breaks if not any(abs(q - t) <= 1 for q in hyp_breaks))
    return spurious, missed


# --------------------------------------------------------------------------- evaluation


@dataclass
class PageResult:
    """The figures of one page (distances in matching-form characters)."""

    name: str
    lang: str
    truth_chars: int
    dist_raw: int
    dist_clean: int
    dist_floor: int
    lost: int
    moved: int
    breaks_raw: tuple[int, int]
    breaks_clean: tuple[int, int]
    seconds: float

    @property
    def cer_raw(self) -> float:
        return self.dist_raw / self.truth_chars

    @property
    def cer_clean(self) -> float:
        return self.dist_clean / self.truth_chars

    @property
    def cer_floor(self) -> float:
        return self.dist_floor / self.truth_chars

    @property
    def removed(self) -> float | None:
        """Share of the layout error removed (None when the page has none)."""
        layout_err = self.dist_raw - self.dist_floor
        return None if layout_err <= 0 else (self.dist_raw - self.dist_clean) / layout_err

    @property
    def lost_share(self) -> float:
        return self.lost / self.truth_chars


def clean(text: str) -> str:
    """``dedup clean`` with the default configuration."""
    import dedup

    return dedup.clean_text(text).text


def evaluate_page(page: DevPage, cleaned: str | None = None, seconds: float = 0.0) -> PageResult:
    """Figures for one page; ``cleaned`` (taking ``seconds``) is computed with :func:`clean` unless given."""
    if cleaned is None:
        t0 = time.perf_counter()
        cleaned = clean(page.ocr)
        seconds = time.perf_counter() - t0
    floor_text = oracle_fix(page.ocr, page.layout, page.fault_spans, page.lang)
    lost, moved = lost_and_moved(page.truth, page.ocr, cleaned, page.lang)
    return PageResult(
        name=page.name,
        lang=page.lang,
        truth_chars=len(matching(page.truth, page.lang)[0]),
        dist_raw=distance(page.ocr, page.truth, page.lang),
        dist_clean=distance(cleaned, page.truth, page.lang),
        dist_floor=distance(floor_text, page.truth, page.lang),
        lost=lost,
        moved=moved,
        breaks_raw=paragraph_breaks(page.ocr, page.truth, page.lang),
        breaks_clean=paragraph_breaks(cleaned, page.truth, page.lang),
        seconds=seconds,
    )


def _pct(x: float | None) -> str:
    return "-" if x is None else f"{100 * x:.1f}%"


def _total(name: str, results: list[PageResult]) -> PageResult:
    def add(pairs: Iterable[tuple[int, int]]) -> tuple[int, int]:
        ps = list(pairs)
        return sum(a for a, _ in ps), sum(b for _, b in ps)

    return PageResult(
        name=name,
        lang=",".join(sorted({r.lang for r in results})),
        truth_chars=sum(r.truth_chars for r in results),
        dist_raw=sum(r.dist_raw for r in results),
        dist_clean=sum(r.dist_clean for r in results),
        dist_floor=sum(r.dist_floor for r in results),
        lost=sum(r.lost for r in results),
        moved=sum(r.moved for r in results),
        breaks_raw=add(r.breaks_raw for r in results),
        breaks_clean=add(r.breaks_clean for r in results),
        seconds=sum(r.seconds for r in results),
    )


def table(results: list[PageResult]) -> str:
    """Per-page rows, then per-language and overall totals."""
    from tabulate import tabulate

    rows = list(results)
    for lang in sorted({r.lang for r in results}):
        rows.append(_total(f"total {lang}", [r for r in results if r.lang == lang]))
    rows.append(_total("TOTAL", results))
    headers = [
        "page",
        "truth chars",
        "CER raw",
        "CER clean",
        "CER floor",
        "layout err removed",
        "truth lost",
        "moved",
        "spurious breaks raw>clean",
        "missed breaks raw>clean",
        "clean s",
    ]
    body = [
        [
            r.name,
            r.truth_chars,
            _pct(r.cer_raw),
            _pct(r.cer_clean),
            _pct(r.cer_floor),
            _pct(r.removed),
            f"{r.lost} ({100 * r.lost_share:.2f}%)",
            r.moved,
            f"{r.breaks_raw[0]} > {r.breaks_clean[0]}",
            f"{r.breaks_raw[1]} > {r.breaks_clean[1]}",
            f"{r.seconds:.2f}",
        ]
        for r in rows
    ]
    return str(tabulate(body, headers=headers, tablefmt="github", disable_numparse=True))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    ap.add_argument("--data", type=Path, default=DATA)
    ap.add_argument("--only", nargs="*", help="page names (default: all)")
    ap.add_argument("--json", type=Path, help="also write the figures as JSON here")
    ap.add_argument("--explain", action="store_true", help="print the runs of truth each page lost or moved")
    ap.add_argument("--dump", type=Path, help="write NAME.clean.txt and NAME.floor.txt here")
    args = ap.parse_args(argv)
    pages = load_devset(args.data, args.only)
    if not pages:
        print(f"no pages in {args.data}", file=sys.stderr)
        return 2
    results = []
    for page in pages:
        t0 = time.perf_counter()
        cleaned = clean(page.ocr)
        results.append(evaluate_page(page, cleaned, time.perf_counter() - t0))
        if args.explain:
            for run, n, moved in missing_runs(page.truth, page.ocr, cleaned, page.lang):
                what = "moved" if moved else "lost"
                print(f"{page.name}: {what} {n}: {run[:60]}{'…' if len(run) > 60 else ''}")
        if args.dump:
            args.dump.mkdir(parents=True, exist_ok=True)
            (args.dump / f"{page.name}.clean.txt").write_text(cleaned, encoding="utf-8")
            floor_text = oracle_fix(page.ocr, page.layout, page.fault_spans, page.lang)
            (args.dump / f"{page.name}.floor.txt").write_text(floor_text, encoding="utf-8")
    print(table(results))
    total = _total("TOTAL", results)
    print(
        f"\nlayout error removed: {_pct(total.removed)} "
        f"(CER raw {_pct(total.cer_raw)}, clean {_pct(total.cer_clean)}, floor {_pct(total.cer_floor)}); "
        f"truth characters lost: {total.lost} of {total.truth_chars} ({100 * total.lost_share:.2f}%), "
        f"moved out of reading order: {total.moved}"
    )
    if args.json:
        out = [
            asdict(r)
            | {
                "cer_raw": r.cer_raw,
                "cer_clean": r.cer_clean,
                "cer_floor": r.cer_floor,
                "removed": r.removed,
                "lost_share": r.lost_share,
            }
            for r in [*results, total]
        ]
        args.json.write_text(json.dumps(out, indent=1) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
