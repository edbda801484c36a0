"""The real-OCR development set (tests/data/ocr-dev): well-formed, and clean never hurts it.

The figures themselves (share of layout error removed) come from
benchmarks/ocr_devset/evaluate.py; here only the invariants that must hold whatever the
rules do: the files are complete and consistent, ``clean`` never makes a page's
character error rate worse by more than a small margin, and it loses (almost) no
character of the truth.
"""

from __future__ import annotations

import importlib.util
import itertools
import json
import re
import sys
from functools import cache
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "tests" / "data" / "ocr-dev"
EVALUATE = ROOT / "benchmarks" / "ocr_devset" / "evaluate.py"

#: clean may shift the CER of a page by this much (absolute) without counting as worse:
#: keeping the worse-read copy of a duplicate costs a few characters.
CER_MARGIN = 0.005
#: share of a page's truth characters that clean may lose (see evaluate.py "truth lost").
MAX_LOST = 0.005

KINDS = {"faults": {"dup-paragraph", "dup-section", "dup-strip"}, "furniture": {"header", "marker"}}
NAMES = sorted(p.name.removesuffix(".meta.json") for p in DATA.glob("*.meta.json"))

# Pages on which the rules as they stand break an invariant: a page listed here is
# expected to fail (the reason says why); strict=False since the rules change daily.
KNOWN_BAD: dict[str, str] = {}


@cache
def evaluate() -> ModuleType:
    spec = importlib.util.spec_from_file_location("ocr_devset_evaluate", EVALUATE)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


@cache
def page_result(name: str) -> object:
    ev = evaluate()
    (page,) = ev.load_devset(DATA, [name])
    return ev.evaluate_page(page)


def _meta(name: str) -> dict[str, object]:
    return json.loads((DATA / f"{name}.meta.json").read_text(encoding="utf-8"))  # type: ignore[no-any-return]


def _squash(text: str, lang: str) -> str:
    return re.sub(r"\s+", "" if lang == "zh" else " ", text).strip()


def _known_bad(name: str) -> list[pytest.MarkDecorator]:
    if name in KNOWN_BAD:
        return [pytest.mark.xfail(reason=KNOWN_BAD[name], strict=False)]
    return []


def test_devset_is_complete() -> None:
    assert len(NAMES) >= 20
    langs = {_meta(n)["lang"] for n in NAMES}
    assert langs == {"zh", "en"}
    for name in NAMES:
        for kind in ("ocr", "truth", "layout"):
            assert (DATA / f"{name}.{kind}.txt").is_file(), f"{name}.{kind}.txt missing"
    # no text file without a page
    for path in DATA.glob("*.txt"):
        assert path.name.split(".")[0] in NAMES, f"stray file {path.name}"
    # the set holds every kind of injected fault, and control pages without any
    kinds = [{f["kind"] for f in _meta(n)["faults"]} for n in NAMES]  # type: ignore[attr-defined]
    for fault in KINDS["faults"]:
        assert any(fault in k for k in kinds), f"no page with {fault}"
    assert any(not k for k in kinds)


@pytest.mark.parametrize("name", NAMES)
def test_page_is_consistent(name: str) -> None:
    meta = _meta(name)
    lang = str(meta["lang"])
    layout = (DATA / f"{name}.layout.txt").read_text(encoding="utf-8")
    truth = (DATA / f"{name}.truth.txt").read_text(encoding="utf-8")
    ocr = (DATA / f"{name}.ocr.txt").read_text(encoding="utf-8")
    spans = []
    for group, kinds in KINDS.items():
        for s in meta[group]:  # type: ignore[attr-defined]
            assert s["kind"] in kinds
            assert 0 <= s["start"] < s["end"] <= len(layout)
            assert layout[s["start"] : s["end"]] == s["text"]
            spans.append((s["start"], s["end"]))
    spans.sort()
    assert all(a[1] <= b[0] for a, b in itertools.pairwise(spans)), "overlapping spans"
    kept, pos = [], 0
    for start, end in spans:
        kept.append(layout[pos:start])
        pos = end
    kept.append(layout[pos:])
    # the faults and the furniture are exactly what the truth leaves out
    assert _squash("".join(kept), lang) == _squash(truth, lang)
    # the OCR is a real reading of the page: close to the layout, never a copy of it
    ev = evaluate()
    assert ocr.strip() and ocr != layout
    assert ev.cer(ocr, layout, lang) < 0.2


@pytest.mark.parametrize("name", NAMES)
def test_floor_is_below_raw(name: str) -> None:
    r = page_result(name)
    assert r.dist_floor <= r.dist_raw  # type: ignore[attr-defined]
    if _meta(name)["faults"]:
        # a doubled paragraph or strip is layout error well above the recognition floor
        assert r.cer_raw - r.cer_floor > 0.01  # type: ignore[attr-defined]


@pytest.mark.parametrize("name", [pytest.param(n, marks=_known_bad(n)) for n in NAMES])
def test_clean_does_not_hurt(name: str) -> None:
    r = page_result(name)
    assert r.cer_clean <= r.cer_raw + CER_MARGIN, (  # type: ignore[attr-defined]
        f"clean made {name} worse: CER {r.cer_raw:.3f} -> {r.cer_clean:.3f}"  # type: ignore[attr-defined]
    )
    assert r.lost_share <= MAX_LOST, (  # type: ignore[attr-defined]
        f"clean lost {r.lost} truth characters of {name}"  # type: ignore[attr-defined]
    )


def test_metrics_see_loss_and_repair() -> None:
    # The metrics themselves: dropping a truth paragraph counts as lost and as error;
    # the oracle fix of the layout text is the truth.
    ev = evaluate()
    (page,) = ev.load_devset(DATA, [n for n in NAMES if n.startswith("zh")][:1])
    paras = page.truth.split("\n\n")
    k = max(range(1, len(paras)), key=lambda i: len(paras[i]))
    dropped = len(ev.matching(paras[k], "zh")[0])
    r = ev.evaluate_page(page, cleaned="\n\n".join(paras[:k] + paras[k + 1 :]))
    # lost counts only what the raw OCR had read right
    assert dropped - 10 <= r.lost <= dropped
    assert r.dist_clean == dropped
    assert ev.cer(ev.oracle_fix(page.layout, page.layout, page.fault_spans, "zh"), page.truth, "zh") == 0
    perfect = ev.evaluate_page(page, cleaned=page.truth)
    assert perfect.dist_clean == 0 and perfect.lost == 0
    assert perfect.removed is not None and perfect.removed >= 1.0  # as good as the floor, or better
