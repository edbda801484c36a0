"""Properties of check and clean over generated documents (hypothesis).

1. clean loses no character unless its twin remains or it is furniture (an
   independent verifier: tests/content_verifier.py, no fixer bookkeeping);
2. clean is idempotent;
3. every finding's spans re-slice the input;
4. applying the JSON report's edits with a ten-line applier gives clean's text;
5. the result does not depend on the order of files or rules.

Examples per property: 2,000 (CI); ``DEDUP_HYPOTHESIS_PROFILE=nightly`` raises it to
20,000 (see the README).
"""

from __future__ import annotations

import json
import os
import random
from dataclasses import replace
from typing import Any

from content_verifier import lost_content
from hypothesis import given, settings
from hypothesis import strategies as st
from strategies import documents

from dedup import __version__
from dedup.config import Config
from dedup.engine import check_document, clean_document
from dedup.fixer import apply_fixes
from dedup.model import Document
from dedup.records import build_record
from dedup.reporters import ReportOptions, get_reporter
from dedup.rules import registry

NIGHTLY = os.environ.get("DEDUP_HYPOTHESIS_PROFILE") == "nightly"
EXAMPLES = int(os.environ.get("DEDUP_PROPERTY_EXAMPLES", 20_000 if NIGHTLY else 2_000))
CONFIG = Config()
ONE_PASS = replace(CONFIG, max_passes=1)
many = settings(max_examples=EXAMPLES, deadline=None)


def _doc(text: str, path: str = "<generated>") -> Document:
    return Document(text, path=path)


@many
@given(documents())
def test_clean_loses_no_unique_content(text: str) -> None:
    cleaned = clean_document(_doc(text), CONFIG).text
    losses = lost_content(text, cleaned)
    assert not losses, "\n".join(map(str, losses))


@many
@given(documents())
def test_clean_is_idempotent(text: str) -> None:
    once = clean_document(_doc(text), CONFIG).text
    assert clean_document(_doc(once), CONFIG).text == once


@many
@given(documents())
def test_every_span_reslices_the_input(text: str) -> None:
    n = len(text)
    for f in check_document(_doc(text), CONFIG).findings:
        for span in (f.span, *f.related):
            assert 0 <= span.start <= span.end <= n
        assert f.span.slice(text) == text[f.span.start : f.span.end]
        if f.fix is not None:
            for edit in f.fix.edits:
                assert text[edit.start : edit.end] == edit.expected
            for keep in f.fix.keeps:
                assert 0 <= keep.start <= keep.end <= n


def apply_report(text: str, document: dict[str, Any]) -> str:
    """The independent applier: splice the applied findings' edits of one JSON document into ``text``."""
    edits = sorted((e["start"], e["end"], e["replacement"]) for f in document["findings"] if f.get("applied")
                   for e in f["fix"]["edits"])
    out, pos = [], 0
    for start, end, replacement in edits:
        assert start >= pos, "overlapping edits in the report"
        out += [text[pos:start], replacement]
        pos = end
    return "".join([*out, text[pos:]])


def _json_document(text: str) -> dict[str, Any]:
    result = clean_document(_doc(text), ONE_PASS)
    rendered = get_reporter("json").render([build_record(result)], ReportOptions(tool_version=__version__))
    document: dict[str, Any] = json.loads(rendered)["documents"][0]
    return document


@many
@given(documents())
def test_report_edits_reproduce_clean(text: str) -> None:
    current = text
    for _ in range(CONFIG.max_passes):
        following = apply_report(current, _json_document(current))
        if following == current:
            break
        current = following
    assert current == clean_document(_doc(text), CONFIG).text


@many
@given(documents(), documents(), st.randoms(use_true_random=False))
def test_result_does_not_depend_on_order_of_files_or_rules(first: str, second: str, rnd: random.Random) -> None:
    def run(texts: list[str], config: Config) -> list[tuple[str, list[tuple[str, int, int]]]]:
        out = []
        for t in texts:
            result = clean_document(_doc(t), config)
            out.append((result.text, [(f.rule, f.span.start, f.span.end) for f in result.findings]))
        return out

    forward = run([first, second], CONFIG)
    backward = run([second, first], CONFIG)
    assert forward == backward[::-1]
    codes = [r.code for r in registry.all()]
    rnd.shuffle(codes)
    assert run([first], replace(CONFIG, select=tuple(codes))) == forward[:1]
    # the fixer does not care in which order findings arrive
    findings = check_document(_doc(first), CONFIG).findings
    shuffled = list(findings)
    rnd.shuffle(shuffled)
    assert apply_fixes(first, shuffled).text == apply_fixes(first, findings).text
