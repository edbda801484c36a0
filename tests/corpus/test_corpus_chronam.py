"""The chronam week (527 OCR'd newspaper pages, 1-7 January 1916): wire stories reprinted across papers."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from dedup.corpus.pipeline import DedupResult, dedup_corpus


@pytest.fixture(scope="module")
def week(chronam: Path) -> DedupResult:
    return dedup_corpus([chronam], workers=2)


def _paper(path: str) -> str:
    m = re.search(r"_([0-9a-z]+)-ed-", Path(path).name)
    assert m is not None
    return m.group(1)


def _clusters_mentioning(week: DedupResult, *words: str) -> list[dict[str, Any]]:
    out = []
    for rec in week.cluster_records(preview=400):
        # OCR hyphenates across lines and sprinkles punctuation ("mili tary ;"): compare letters only
        flat = re.sub(r"\W", "", rec["preview"].lower()) if rec["kind"] == "passage" else ""
        if flat and all(re.sub(r"\W", "", w.lower()) in flat for w in words):
            out.append(rec)
    return out


@pytest.mark.parametrize(("words", "papers"), [
    (("Lamar", "associate justice"), 8),          # Justice J. R. Lamar died 2 January 1916
    (("compulsory", "military service"), 8),      # Asquith's conscription bill, 5 January
    (("Persia", "Cairo"), 8),                     # the liner Persia sunk off Crete, 30 December
])
def test_wire_stories_are_clustered_across_papers(week: DedupResult, words: tuple[str, ...], papers: int) -> None:
    found = _clusters_mentioning(week, *words)
    assert found, words
    best = max(found, key=lambda r: len({_paper(m["path"]) for m in r["members"]}))
    assert len({_paper(m["path"]) for m in best["members"]}) >= papers


def test_reprints_are_across_documents_and_summary_is_sane(week: DedupResult) -> None:
    summary = week.summary()
    assert summary["documents"] == 527
    assert summary["clusters"] >= 300
    assert 0.03 < summary["duplicate_fraction"] < 0.3
    for c in week.clusters:
        assert len({n.doc for n in c.nodes}) >= 2
        assert c.keeper in c.nodes
