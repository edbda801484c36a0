"""LAY007 in clean's later passes: told where the text changed (``Context.dirty``).

The contract (see :class:`dedup.rules.base.Context`): every finding with a safe fix that a
full run makes and whose evidence meets a changed place is made again; the rest may be skipped.
LAY007 reads a stretch around each changed place; these tests compare it with the full run on
long generated documents (above :data:`~dedup.rules.scan_overlap.SMALL`, where the stretches are
searched on their own), with changes far from and right at the doubled strips, with a change that
brings two copies together, with boilerplate that makes the stretch unable to tell, and check
that the whole text is never folded for a few changes.
"""

from __future__ import annotations

import random

import pytest
from gen_docs import chinese_paragraph, english_paragraph

from dedup.config import Config
from dedup.engine import changed_places
from dedup.fixer import apply_fixes
from dedup.model import Document, Edit, Finding, Fix, Span
from dedup.rules import scan_overlap as so
from dedup.rules.base import Context, Dirty

CONFIG = Config()


def _ctx(text: str, dirty: Dirty | None) -> Context:
    return Context(doc=Document(text), config=CONFIG, enabled=frozenset({"LAY007"}), dirty=dirty, memo={})


def _lay007(text: str, dirty: Dirty | None) -> list[Finding]:
    return list(so.ScanOverlap().check(_ctx(text, dirty)))


def _told(text: str, dirty: Dirty) -> list[Finding] | None:
    """What the stretches around ``dirty`` give, or None when the rule searched the whole text instead."""
    return so._check_dirty(so.ScanOverlap(), _ctx(text, dirty), so.script_of(text[:4000]))


def _fix(f: Finding) -> tuple[tuple[int, int, str], ...]:
    assert f.fix is not None
    return tuple((e.start, e.end, e.replacement) for e in f.fix.edits)


def _stretch(f: Finding) -> tuple[int, int]:
    """From the first copy to the end of the second (the least of what decides the finding)."""
    spans = (f.span, *f.related)
    return min(s.start for s in spans), max(s.end for s in spans)


def _wrapped(para: str, width: int) -> str:
    return "\n".join(para[k : k + width] for k in range(0, len(para), width))


def _document(rng: random.Random, lang: str, size: int, strips: int) -> str:
    """Hard-wrapped paragraphs with ``strips`` strips read twice (the copy after a line break, a
    character or two misread), about ``size`` characters."""
    make = chinese_paragraph if lang == "zh" else english_paragraph
    width = 30 if lang == "zh" else 70
    paras: list[str] = []
    while sum(map(len, paras)) < size:
        paras.append(make(rng))
    for k in rng.sample(range(1, len(paras) - 1), min(strips, len(paras) - 2)):
        para = paras[k]
        low, high = (35, 70) if lang == "zh" else (80, 150)
        if len(para) < high + 10:
            continue
        cut = rng.randrange(high, len(para))
        strip = list(para[cut - rng.randint(low, high) : cut])
        for _ in range(rng.randint(0, 2)):
            at = rng.randrange(len(strip))
            if strip[at].isalnum():
                strip[at] = "口" if lang == "zh" else "x"
        paras[k] = para[:cut] + "\n" + "".join(strip) + para[cut:]
    return "\n\n".join(_wrapped(p, width) for p in paras) + "\n"


def _odd(rng: random.Random, text: str) -> str:
    """``text`` with CRLF line ends and characters that fold to several or to none sprinkled in."""
    marks = ["㈠", "⑴", "\u3000", "Ａ", "½"]
    chars = list(text)
    for _ in range(len(chars) // 500):
        at = rng.randrange(len(chars))
        if chars[at] not in "\n":
            chars[at] = rng.choice(marks)
    return "".join(chars).replace("\n", "\r\n")


@pytest.mark.parametrize("seed", range(16))
def test_told_mode_makes_every_full_finding_near_a_change(seed: int) -> None:
    rng = random.Random(seed)
    lang = "zh" if seed % 2 == 0 else "en"
    text = _document(rng, lang, rng.randint(120_000, 260_000), strips=rng.randint(4, 10))
    if seed % 4 == 3:
        text = _odd(rng, text)
    assert len(text) >= so.SMALL
    full = _lay007(text, None)
    assert full, "the generated strips are found by a full run"
    # changes at some findings (a point, or a range over part of a copy) and some anywhere
    ranges: list[tuple[int, int]] = []
    for f in rng.sample(full, max(1, len(full) // 2)):
        start, end = _stretch(f)
        at = rng.randint(start, end)
        ranges.append((at, at) if rng.random() < 0.5 else (at, min(len(text), at + rng.randint(1, 40))))
    for _ in range(rng.randint(0, 3)):
        at = rng.randrange(4000, len(text))
        ranges.append((at, at))
    dirty = Dirty(ranges)
    told = _told(text, dirty)
    wanted = {_fix(f) for f in full if f.fix is not None and f.fix.safe and dirty.touches(*_stretch(f))}
    assert wanted, "some findings meet a change"
    got = {_fix(f) for f in _lay007(text, dirty)}
    assert wanted <= got
    if told is not None:
        # with no earlier findings to read, the stretches make nothing a full run does not
        assert {_fix(f) for f in told} <= {_fix(f) for f in full}


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_change_far_from_a_strip_leaves_it_alone_and_one_at_it_finds_it(lang: str) -> None:
    rng = random.Random(7)
    text = _document(rng, lang, 300_000, strips=12)
    full = _lay007(text, None)
    assert full
    target = full[len(full) // 2]
    start, end = _stretch(target)
    # a change right between the copies: the strip is made again, from the stretch alone
    at = Dirty([(end - 1, end - 1)])
    told = _told(text, at)
    assert told is not None
    assert _fix(target) in {_fix(f) for f in told}
    # a change 100,000 characters away: decided by the pass before, not searched again
    far = start - 100_000 if start > 150_000 else end + 100_000
    told = _told(text, Dirty([(far, far)]))
    assert told is not None
    assert _fix(target) not in {_fix(f) for f in told}


def test_a_deletion_that_brings_the_copies_together_is_searched_again() -> None:
    """Pass 1 removes a stray line that stood between a strip and its second reading; pass 2,
    told only where the line was, must find the strip read twice."""
    rng = random.Random(11)
    paras: list[str] = []
    while sum(map(len, paras)) < 150_000:
        paras.append(chinese_paragraph(rng))
    k = len(paras) // 2
    para = paras[k]
    cut = len(para) // 2
    strip = para[cut - 50 : cut]
    stray = chinese_paragraph(rng)[:12]
    paras[k] = para[:cut] + "\n" + stray + "\n" + strip + para[cut:]
    more = random.Random(12)
    while sum(map(len, paras)) < 300_000:  # long enough that the stretch is a small part of it
        paras.append(chinese_paragraph(more))
    text = "\n\n".join(paras) + "\n"
    first = text.index(strip)
    second = text.index(strip, first + 1)
    assert not any(_stretch(f)[0] <= second < _stretch(f)[1] for f in _lay007(text, None))
    start = text.index(stray)
    removal = Finding(
        rule="LAY004", kind="page-marker", severity=so.ScanOverlap.default_severity, confidence=1.0,
        message="stray line", span=Span(start, start + len(stray) + 1),
        fix=Fix((Edit.delete(text, start, start + len(stray) + 1),)),
    )
    step = apply_fixes(text, [removal])
    assert step.applied
    after = step.text
    full = [f for f in _lay007(after, None) if f.fix is not None and f.fix.safe]
    assert any(_stretch(f)[0] <= after.index(strip) + 60 < _stretch(f)[1] for f in full), "the copies now meet"
    dirty = changed_places(step)
    told = _told(after, dirty)
    assert told is not None, "a few changes are searched around, not over the whole text"
    wanted = {_fix(f) for f in full if dirty.touches(*_stretch(f))}
    assert wanted and wanted <= {_fix(f) for f in told}


@pytest.mark.parametrize("after", [2, 6])
def test_boilerplate_is_counted_from_where_the_full_search_window_starts(
    after: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A gram seen more than MAX_OCCURRENCES times before in its window makes no seed in a full run,
    and the window starts at a multiple of WINDOW matching-form characters.  A phrase three times
    just before a window start and ``after`` times after it, then in a strip read twice: counted
    over a whole window back it is boilerplate, so the stretch must count from the true start."""
    rng = random.Random(3)
    phrase = "各级政府要坚持以人民为中心的发展思想，切实保障和改善民生，推动高质量发展"
    paras: list[str] = []
    while sum(map(len, paras)) < 2 * so.WINDOW + 80_000:
        paras.append(chinese_paragraph(rng))
    starts = [0]
    for para in paras:
        starts.append(starts[-1] + len(para) + 2)
    text = "\n\n".join(paras)
    boundary = next(k for k, x in enumerate(starts) if so._folded_length(text, x) >= 2 * so.WINDOW)
    # more than a lookback apart (no pair of them is a seed): three before the window start, well
    # within a window of it, and ``after`` between it and the strip
    spaced = [boundary - 120, boundary - 80, boundary - 40, *range(boundary + 10, boundary + 10 + 40 * after, 40)]
    for j in spaced:
        paras[j] = phrase + paras[j]
    k = spaced[-1] + 40
    para = paras[k]
    cut = len(para) // 2
    copy = phrase + para[cut : cut + 6]
    paras[k] = para[:cut] + copy + "\n" + copy + para[cut + 6 :]
    text = "\n\n".join(paras) + "\n"
    at = text.index(copy + "\n" + copy) + len(copy)
    assert so._folded_length(text, text.index(paras[boundary - 40])) < 2 * so.WINDOW
    assert so._folded_length(text, text.index(paras[boundary + 10])) > 2 * so.WINDOW
    calls: list[int] = []
    exact = so._exact_seeds

    def spy(*args: object) -> object:
        calls.append(1)
        return exact(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(so, "_exact_seeds", spy)
    dirty = Dirty([(at, at)])
    told = _told(text, dirty)
    assert told is not None and calls, "counted over a whole window back the phrase is boilerplate"
    full = [f for f in _lay007(text, None) if f.fix is not None and f.fix.safe]
    # within its window the phrase is seen at most four times before the second copy: a seed
    assert any(_stretch(f)[0] <= at <= _stretch(f)[1] for f in full) == (after + 1 <= so.MAX_OCCURRENCES)
    assert {_fix(f) for f in full if dirty.touches(*_stretch(f))} <= {_fix(f) for f in told}
    assert {_fix(f) for f in told} <= {_fix(f) for f in full}


def test_a_few_changes_never_fold_the_whole_text(monkeypatch: pytest.MonkeyPatch) -> None:
    rng = random.Random(5)
    text = _document(rng, "zh", 400_000, strips=6)
    full = _lay007(text, None)
    start = _stretch(full[0])[0]

    def whole(*args: object, **kwargs: object) -> object:
        raise AssertionError("the whole text folded in a later pass")

    monkeypatch.setattr(so, "_held_form", whole)
    monkeypatch.setattr(so, "_matching_form", whole)
    told = _lay007(text, Dirty([(start, start), (len(text) // 2, len(text) // 2 + 3)]))
    assert _fix(full[0]) in {_fix(f) for f in told}


def test_many_changes_search_the_whole_text_as_before() -> None:
    rng = random.Random(8)
    text = _document(rng, "en", 200_000, strips=8)
    dirty = Dirty([(k, k) for k in range(5000, len(text), 3000)])
    assert _told(text, dirty) is None
    assert [_fix(f) for f in _lay007(text, dirty)] == [_fix(f) for f in _lay007(text, None)]


def test_a_short_text_is_searched_whole() -> None:
    text = so.ScanOverlap.examples_bad[0][0]
    assert _told(text, Dirty([(5, 5)])) is None
    assert [_fix(f) for f in _lay007(text, Dirty([(5, 5)]))] == [_fix(f) for f in _lay007(text, None)]
