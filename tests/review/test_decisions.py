"""Decisions: the file format, matching findings, and the rule that turns decisions into text."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from review.review_support import generated_text, run_dedup

from dedup.decisions import (
    ACCEPT,
    REJECT,
    SKIP,
    Decision,
    DecisionsError,
    DecisionSet,
    DocumentDecisions,
    apply_decisions,
    chosen_findings,
    clean_with_decisions,
    match_decisions,
)
from dedup.engine import check_document, clean_document
from dedup.fixer import apply_fixes
from dedup.model import Document, Edit, Finding, Fix, Span

LATIN = (
    "The council met on Monday to discuss the new bridge over the river.\n\n"
    "It voted to fund the project with a bond issue next spring.\n\n"
    "The council met on Monday to discuss the new bridge over the river.\n\n"
    "The mayor said work would start in May and end in the autumn.\n"
)


def _finding(text: str, start: int, end: int, *, safe: bool = True, rule: str = "DUP001") -> Finding:
    f = Finding(rule, "duplicate-paragraph", "warning", 0.9, "m", Span(start, end),
                fix=Fix((Edit.delete(text, start, end),), safe=safe))
    f.fingerprint = f"{rule}:{text[start:end]}"
    return f


def test_round_trip_through_json() -> None:
    doc = Document(LATIN, path="a.txt")
    findings = check_document(doc).findings
    states = {id(findings[0]): REJECT}
    saved = DecisionSet([DocumentDecisions.record(doc, findings, states)]).dumps()
    loaded = DecisionSet.loads(saved)
    assert loaded.to_dict() == json.loads(saved)
    assert [d.decision for d in loaded.documents[0].decisions] == [REJECT] + [SKIP] * (
        sum(1 for f in findings if f.fix) - 1
    )


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ("{", "not JSON"),
        ('{"schema": "dedup-report/1", "documents": []}', "not a decisions file"),
        ('{"schema": "dedup-decisions/1", "documents": {}}', "must be a list"),
        ('{"schema": "dedup-decisions/1", "documents": [{"decisions": [{"rule": "X"}]}]}', "malformed"),
        ('{"schema": "dedup-decisions/1", "documents": [{"decisions": [{"rule": "X", "fingerprint": "f",'
         ' "start": 0, "end": 1, "decision": "maybe"}]}]}', "decision must be one of"),
    ],
    ids=["not-json", "other-schema", "documents-not-list", "missing-keys", "unknown-decision"],
)
def test_bad_files_are_refused_with_a_reason(data: str, message: str) -> None:
    with pytest.raises(DecisionsError, match=message):
        DecisionSet.loads(data)


def test_undecided_follows_clean_accept_overrides_safety_reject_and_skip_leave_text() -> None:
    text = "aaaa bbbb cccc dddd"
    safe = _finding(text, 0, 5)
    unsafe = _finding(text, 5, 10, safe=False)
    other = _finding(text, 10, 15)
    findings = [safe, unsafe, other]
    assert chosen_findings(findings, {}) == [safe, other]
    assert chosen_findings(findings, {id(unsafe): ACCEPT, id(safe): REJECT, id(other): SKIP}) == [unsafe]
    assert apply_decisions(text, findings, {id(unsafe): ACCEPT}).text == "dddd"
    assert apply_decisions(text, findings, {}).text == apply_fixes(text, findings).text == "bbbb dddd"


def test_conflicting_accepted_fixes_still_go_through_the_fixer() -> None:
    text = "aaaa bbbb cccc"
    first = _finding(text, 0, 7)
    second = _finding(text, 5, 10)
    result = apply_decisions(text, [first, second], {id(first): ACCEPT, id(second): ACCEPT})
    assert result.applied == [first]
    assert [s.finding for s in result.skipped] == [second]


def test_matching_prefers_exact_offsets_then_nearest_same_fingerprint() -> None:
    text = "xx yy xx yy xx"
    a, b = _finding(text, 0, 2), _finding(text, 6, 8)
    a.fingerprint = b.fingerprint = "DUP001:xx"
    exact = Decision("DUP001:xx", "DUP001", 6, 8, REJECT)
    moved = Decision("DUP001:xx", "DUP001", 1, 3, ACCEPT)
    gone = Decision("DUP001:zz", "DUP001", 0, 2, ACCEPT)
    matched = match_decisions([a, b], [exact, moved, gone])
    assert matched.states == {id(b): REJECT, id(a): ACCEPT}
    assert matched.unmatched == [gone]


def test_decisions_survive_an_edit_elsewhere_in_the_document() -> None:
    doc = Document(LATIN, path="a.txt")
    findings = check_document(doc).findings
    dup = next(f for f in findings if f.kind == "duplicate-paragraph")
    saved = DecisionSet([DocumentDecisions.record(doc, findings, {id(dup): REJECT})])
    shifted = Document("A new first line.\n\n" + LATIN, path="a.txt")
    result = clean_with_decisions(shifted, None, saved)
    assert result.stats["decisions"]["rejected"] == 1
    assert result.stats["decisions"]["unmatched"] == 0
    assert result.text == shifted.text  # the rejected duplicate stays


@pytest.mark.parametrize("seed", range(6))
def test_no_decisions_is_one_pass_of_clean(seed: int) -> None:
    doc = Document(generated_text(seed), path="g.txt")
    empty = DecisionSet([DocumentDecisions(doc.path, "", [])])
    result = clean_with_decisions(doc, None, empty)
    cleaned = clean_document(doc)
    assert result.passes == 1
    if cleaned.passes == 1:
        assert result.text == cleaned.text
    assert result.text == apply_fixes(doc.text, check_document(doc).findings).text


def test_document_entry_is_found_by_text_then_path_then_as_the_only_one() -> None:
    one = Document("abc", path="one.txt")
    two = Document("xyz", path="two.txt")
    entries = DecisionSet([DocumentDecisions.record(one, [], {}), DocumentDecisions.record(two, [], {})])
    assert entries.for_document(Document("xyz", path="renamed.txt")) is entries.documents[1]
    assert entries.for_document(Document("changed", path="one.txt")) is entries.documents[0]
    assert entries.for_document(Document("other", path="other.txt")) is None
    single = DecisionSet([entries.documents[0]])
    assert single.for_document(Document("other", path="other.txt")) is single.documents[0]


def test_clean_decisions_cli_rejects_one_fix(tmp_path: Path, page_copy: Path) -> None:
    doc_text = page_copy.read_bytes().decode("utf-8")
    findings = check_document(Document(doc_text, path=str(page_copy))).findings
    fixable = [f for f in findings if f.fix is not None and f.fix.safe]
    assert len(fixable) >= 2
    rejected = fixable[len(fixable) // 2]
    decisions = tmp_path / "d.json"
    decisions.write_text(
        DecisionSet([DocumentDecisions("p.txt", "", [Decision.of(rejected, REJECT)])]).dumps(), encoding="utf-8"
    )
    out = tmp_path / "out.txt"
    done = run_dedup("clean", str(page_copy), "--decisions", str(decisions), "-o", str(out), "-q")
    assert done.returncode == 0, done.stderr
    expected = apply_fixes(doc_text, [f for f in findings if f is not rejected]).text
    assert out.read_bytes().decode("utf-8") == expected
    assert rejected.span.slice(doc_text) in expected or rejected.fix is None


def test_clean_decisions_cli_refuses_a_bad_file(tmp_path: Path, page_copy: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text("[]", encoding="utf-8")
    done = run_dedup("clean", str(page_copy), "--decisions", str(bad), "-o", str(tmp_path / "o.txt"))
    assert done.returncode == 2
    assert b"not a decisions file" in done.stderr
    assert not (tmp_path / "o.txt").exists()


def test_clean_decisions_cli_warns_about_decisions_that_match_nothing(tmp_path: Path) -> None:
    doc = tmp_path / "a.txt"
    doc.write_text(LATIN, encoding="utf-8")
    stale = Decision("DUP001:gone", "DUP001", 0, 5, REJECT)
    decisions = tmp_path / "d.json"
    decisions.write_text(DecisionSet([DocumentDecisions(str(doc), "", [stale])]).dumps(), encoding="utf-8")
    done = run_dedup("clean", str(doc), "--decisions", str(decisions), "-o", str(tmp_path / "o.txt"), "-q")
    assert done.returncode == 0
    assert b"1 recorded decision matches no current finding" in done.stderr
    # the unmatched decision changes nothing: the duplicate is removed as clean removes it
    assert (tmp_path / "o.txt").read_text(encoding="utf-8") == apply_fixes(LATIN, check_document(
        Document(LATIN)).findings).text
    other = tmp_path / "b.txt"
    other.write_text("Another document.\n", encoding="utf-8")
    two = DecisionSet([DocumentDecisions(str(doc), "", []), DocumentDecisions("c.txt", "", [])])
    decisions.write_text(two.dumps(), encoding="utf-8")
    done = run_dedup("clean", str(other), "--decisions", str(decisions), "-o", str(tmp_path / "p.txt"), "-q")
    assert b"no decisions recorded for this document" in done.stderr
