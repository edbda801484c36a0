"""The layout rules on generated documents (tests/gen_layout.py): recall, no edits on clean text, no loss.

* every injected kind is found with recall >= 0.9, in Chinese and in English;
* documents without faults (real paragraphs of the government reports and of
  CPython's documentation) get no edit at all;
* no character of the original text is lost, whatever faults are combined
  (property-tested with hypothesis), and ``clean`` is idempotent;
* the corrected text does not depend on the order findings are applied in.
"""

from __future__ import annotations

import random
from collections import Counter

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import dedup
from dedup.config import Config
from dedup.fixer import apply_fixes
from tests.corpora import SHARED
from tests.gen_layout import DUPLICATE_SPLICE, KINDS, LayoutDoc, make_doc

pytestmark = pytest.mark.skipif(
    not (SHARED / "corpus" / "zh-gov-reports").is_dir(), reason="../shared/corpus is not beside the repository"
)

LAYOUT = Config(select=("LAY",))
#: the finding kinds that report each injected fault
FOUND_AS = {"scan-overlap": ("duplicate-section", "repeated-phrase"), "tile-overlap": ("boundary-overlap",)}
DOCS = 30


def _kinds(lang: str) -> list[str]:
    # every kind in both languages (unique Chinese splices are cut inside a word, the evidence a
    # reader has, as English ones are cut before a lowercase word)
    return list(KINDS)


def _docs(lang: str) -> list[LayoutDoc]:
    return [make_doc(random.Random(1000 + i), lang, _kinds(lang)) for i in range(DOCS)]


def _found(doc: LayoutDoc, findings: list[dedup.Finding], kind: str, span: tuple[int, int]) -> bool:
    kinds = FOUND_AS.get(kind, (kind,))
    return any(f.kind in kinds and f.span.start < span[1] and span[0] < f.span.end for f in findings)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_recall_per_kind(lang: str) -> None:
    hits: Counter[str] = Counter()
    total: Counter[str] = Counter()
    for doc in _docs(lang):
        findings = dedup.check_text(doc.text, LAYOUT)
        for fault in doc.faults:
            total[fault.kind] += 1
            hits[fault.kind] += _found(doc, findings, fault.kind, fault.span)
    recall = {kind: hits[kind] / total[kind] for kind in total}
    assert set(total) >= {"broken-paragraph", "page-marker", "running-header", "boundary-overlap"}
    low = {kind: round(r, 2) for kind, r in recall.items() if r < 0.9}
    assert not low, f"recall below 0.9: {low} (of {dict(total)})"


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_actions(lang: str) -> None:
    """Removals and joins carry a safe fix; flags carry none."""
    for doc in _docs(lang)[:10]:
        findings = dedup.check_text(doc.text, LAYOUT)
        for fault in doc.faults:
            kinds = FOUND_AS.get(fault.kind, (fault.kind,))
            for f in findings:
                if f.kind in kinds and f.span.start < fault.span[1] and fault.span[0] < f.span.end:
                    if fault.action == "flag":
                        assert f.fix is None
                    else:
                        assert f.fix is not None and f.fix.safe


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_clean_restores_most_documents_exactly(lang: str) -> None:
    docs = _docs(lang)
    exact = sum(dedup.clean_text(d.text, LAYOUT).text in (d.clean, *d.alternatives) for d in docs)
    assert exact >= 0.6 * len(docs)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_no_edit_on_clean_originals(lang: str) -> None:
    for i in range(DOCS):
        doc = make_doc(random.Random(2000 + i), lang, (), paragraphs=14)
        assert not doc.faults
        findings = dedup.check_text(doc.text, LAYOUT)
        fixes = [(f.rule, f.span, f.message) for f in findings if f.fix is not None]
        assert not fixes, fixes
        assert dedup.clean_text(doc.text, LAYOUT).text == doc.text


def _content(text: str) -> Counter[str]:
    return Counter(ch for ch in text if not ch.isspace())


@settings(max_examples=40, deadline=None)
@given(
    seed=st.integers(min_value=0, max_value=10**6),
    lang=st.sampled_from(["zh", "en"]),
    kinds=st.sets(st.sampled_from(KINDS), max_size=len(KINDS)),
)
def test_no_unique_character_lost(seed: int, lang: str, kinds: set[str]) -> None:
    doc = make_doc(random.Random(seed), lang, sorted(k for k in kinds if k in _kinds(lang)))
    result = dedup.clean_text(doc.text, LAYOUT)
    # every character of the original survives (a misread character of a strip read
    # twice may survive in its misread form instead)
    missing = _content(doc.clean) - _content(result.text)
    noisy = sum(1 for f in doc.faults if f.kind in ("scan-overlap", "tile-overlap"))
    assert sum(missing.values()) <= noisy, missing
    assert dedup.clean_text(result.text, LAYOUT).text == result.text


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_fix_order_does_not_matter(lang: str) -> None:
    rng = random.Random(7)
    for doc in _docs(lang)[:10]:
        findings = dedup.check_text(doc.text, LAYOUT)
        reference = apply_fixes(doc.text, findings).text
        for _ in range(3):
            shuffled = list(findings)
            rng.shuffle(shuffled)
            assert apply_fixes(doc.text, shuffled).text == reference
        # selecting the rules in another order runs them in the same (phase) order
        codes = ("LAY001", "LAY002", "LAY003", "LAY004", "LAY005", "LAY006", "LAY007")
        backwards = Config(select=tuple(reversed(codes)))
        assert dedup.clean_text(doc.text, backwards).text == dedup.clean_text(doc.text, LAYOUT).text


@pytest.mark.parametrize(("lang", "minimum"), [("zh", 0.9), ("en", 0.85)])
def test_hard_wrapped_columns(lang: str, minimum: float) -> None:
    """Hard-wrapped text with blank lines at column breaks: joins only there, never between paragraphs.

    English continuations that start with a capital (a name) cannot be told from a new
    paragraph, hence the lower bar.
    """
    from tests.gen_layout import wrapped_doc

    joined = expected = 0
    for i in range(20):
        doc = wrapped_doc(random.Random(i), lang)
        findings = dedup.check_text(doc.text, LAYOUT)
        joins = {(f.span.start, f.span.end) for f in findings if f.kind == "broken-paragraph"}
        assert joins <= set(doc.column_breaks), sorted(joins - set(doc.column_breaks))
        assert not [f for f in findings if f.fix is not None and f.kind != "broken-paragraph"]
        mid_sentence = [c for c in doc.column_breaks if doc.text[c[0] - 1] not in "。.;；:："]
        expected += len(mid_sentence)
        joined += len(joins & set(mid_sentence))
    assert joined >= minimum * expected, (joined, expected)


def test_a_fallen_splice_leaves_the_plain_join() -> None:
    """A later block that could also continue a cut makes a splice hypothesis; when another cut
    claims part of that run, the cut must still be joined to the block right after it."""
    doc = make_doc(random.Random(5037), "zh", list(KINDS))
    cuts = [f for f in doc.faults if f.kind == "broken-paragraph"]
    assert cuts
    findings = dedup.check_text(doc.text, LAYOUT)
    for fault in cuts:
        assert _found(doc, findings, fault.kind, fault.span), doc.text[fault.span[0] - 30 : fault.span[1] + 30]


def _duplicate_splice_recall(lang: str, count: int = 60) -> tuple[int, int]:
    hits = total = 0
    for i in range(count):
        doc = make_doc(random.Random(3000 + i), lang, [DUPLICATE_SPLICE])
        findings = dedup.check_text(doc.text, DUPLICATES_AND_LAYOUT)
        for fault in doc.faults:
            total += 1
            hits += _found(doc, findings, fault.kind, fault.span)
    return hits, total


#: duplicated splices are DUP003's (kind ``splice``); the layout rules repair the cuts around them
DUPLICATES_AND_LAYOUT = Config(select=("LAY", "DUP003"))


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_duplicate_splices_found(lang: str) -> None:
    """A neighbouring paragraph's tail read again inside a cut sentence: found as a splice, removed."""
    hits, total = _duplicate_splice_recall(lang)
    assert total >= 50
    assert hits >= 0.9 * total, (hits, total)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_duplicate_splice_clean_loses_nothing(lang: str) -> None:
    for i in range(20):
        doc = make_doc(random.Random(3000 + i), lang, [DUPLICATE_SPLICE])
        result = dedup.clean_text(doc.text)
        assert not _content(doc.clean) - _content(result.text)
