"""The invariants of tests/test_properties.py on documents long enough for the fast paths.

Hypothesis documents are small, and the rules switch to vectorised kernels (numpy,
windows, LSH) only on long inputs, so these documents are long: generated faulty
documents of every kind (duplicates, layout faults, repeats) strung together to
100,000-300,000 characters.
"""

from __future__ import annotations

import random

import pytest
from content_verifier import lost_content
from gen_docs import make_document
from gen_layout import make_doc
from gen_repeats import big_chinese_document

from dedup.config import Config
from dedup.engine import check_document, clean_document
from dedup.model import Document

CONFIG = Config()


def _long_document(seed: int, lang: str, target: int) -> str:
    rng = random.Random(seed)
    parts: list[str] = []
    size = 0
    while size < target:
        pick = rng.random()
        if pick < 0.45:
            text = make_document(rng, lang=lang).text
        elif pick < 0.9:
            text = make_doc(rng, lang, ["broken-paragraph", "splice", "running-header", "page-marker"]).text
        elif lang == "zh":
            text = big_chinese_document(3000, seed=rng.randrange(1 << 30))
        else:
            text = make_document(rng, lang=lang).text
        parts.append(text.strip("\n"))
        size += len(text)
    return "\n\n".join(parts)


CASES = [(seed, lang, target) for seed, lang, target in ((1, "zh", 120_000), (2, "en", 150_000), (3, "zh", 300_000))]


@pytest.fixture(scope="module", params=CASES, ids=lambda c: f"{c[1]}-{c[2] // 1000}k")
def long_case(request: pytest.FixtureRequest) -> tuple[str, str]:
    seed, lang, target = request.param
    text = _long_document(seed, lang, target)
    return text, clean_document(Document(text), CONFIG).text


def test_long_document_loses_no_unique_content(long_case: tuple[str, str]) -> None:
    text, cleaned = long_case
    assert cleaned != text  # the generated faults are there to be fixed
    losses = lost_content(text, cleaned)
    assert not losses, "\n".join(map(str, losses[:5]))


def test_long_document_clean_is_idempotent(long_case: tuple[str, str]) -> None:
    _, cleaned = long_case
    assert clean_document(Document(cleaned), CONFIG).text == cleaned


def test_long_document_spans_reslice(long_case: tuple[str, str]) -> None:
    text, _ = long_case
    for f in check_document(Document(text), CONFIG).findings:
        for span in (f.span, *f.related):
            assert 0 <= span.start <= span.end <= len(text)
        if f.fix is not None:
            for edit in f.fix.edits:
                assert text[edit.start : edit.end] == edit.expected
