"""LAY007's fast paths against their pure-Python definitions (differential tests).

The numpy seed search (:func:`_seed_arrays`) must give exactly the seeds of the
reference loop (:func:`_seeds`), window semantics and all; the lazily mapped
matching form must give the text and offsets of :func:`dedup.normalize.normalize`;
the cluster-wise chaining must find the same runs; and the rule must report the same
findings on a long document whichever path it takes.  Windows are made small so that
generated texts cross many window boundaries.
"""

from __future__ import annotations

import random
import re
import subprocess
import sys
from bisect import bisect_right
from collections.abc import Callable

import pytest
from gen_docs import big_document, chinese_paragraph, english_paragraph
from gen_layout import make_doc
from hypothesis import given, settings
from hypothesis import strategies as st

from dedup.config import Config
from dedup.model import Document, Span
from dedup.normalize import matching_text, normalize
from dedup.rules import scan_overlap as so
from dedup.rules._layout import ends_sentence
from dedup.rules.base import Context

# --- generated texts ------------------------------------------------------------------


def _doubled(rng: random.Random, text: str, strips: int, noise: float = 0.1) -> str:
    """``text`` with ``strips`` runs read twice (the copy right after, perhaps a little noisy)."""
    for _ in range(strips):
        if len(text) < 20:
            break
        a = rng.randrange(len(text) - 10)
        b = min(len(text), a + rng.randint(5, 90))
        strip = "".join(rng.choice("xyz口") if ch.strip() and rng.random() < noise else ch for ch in text[a:b])
        gap = rng.choice(("", "\n", " ", "\n\n", "。"))
        text = text[:b] + gap + strip + text[b:]
    return text


def _zh(rng: random.Random, size: int) -> str:
    out: list[str] = []
    while sum(map(len, out)) < size:
        out.append(chinese_paragraph(rng))
    return "\n".join(out)


def _en(rng: random.Random, size: int) -> str:
    out: list[str] = []
    while sum(map(len, out)) < size:
        out.append(english_paragraph(rng))
    return "\n".join(out)


# --- the seed search ------------------------------------------------------------------


@settings(max_examples=150)
@given(
    text=st.text(alphabet="abcab\u4e00\u4e01.", max_size=400),
    seed=st.integers(1, 6),
    min_run=st.integers(0, 12),
    window=st.integers(1, 40),
    lookback=st.integers(0, 60),
)
def test_seed_arrays_equal_reference_on_small_alphabets(
    text: str, seed: int, min_run: int, window: int, lookback: int
) -> None:
    # a small alphabet repeats grams often: boilerplate counts, both predecessors, window resets
    assert so._seeds_fast(text, seed, min_run, window, lookback) == so._seeds(text, seed, min_run, window, lookback)


@settings(max_examples=150)
@given(
    text=st.text(alphabet="abc\u4e00.", max_size=300),
    seed=st.integers(2, 8),
    window=st.integers(1, 40),
    bits=st.integers(1, 8),
)
def test_weak_hash_gives_the_reference_seeds(text: str, seed: int, window: int, bits: int) -> None:
    # grams that differ in one character share a hash bucket: the gram comparison must notice
    first, second = so._seed_arrays(text, seed, 3, window, 50, hash_bits=bits)
    assert list(zip(first.tolist(), second.tolist(), strict=True)) == so._seeds(text, seed, 3, window, 50)


@settings(max_examples=40)
@given(seed_=st.integers(0, 10_000), lang=st.sampled_from(["zh", "en"]), strips=st.integers(0, 30))
def test_seed_arrays_equal_reference_on_doubled_strips(seed_: int, lang: str, strips: int) -> None:
    rng = random.Random(seed_)
    text = _doubled(rng, (_zh if lang == "zh" else _en)(rng, 3000), strips)
    norm = matching_text(text)
    seed, min_run = (so.SEED["cjk"], so.MIN_RUN["cjk"]) if lang == "zh" else (so.SEED["latin"], so.MIN_RUN["latin"])
    window = rng.randint(50, 700)
    lookback = rng.randint(min_run, 400)
    assert so._seeds_fast(norm, seed, min_run, window, lookback) == so._seeds(norm, seed, min_run, window, lookback)


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("block", [None, 4096, 1000])
def test_seed_arrays_equal_reference_across_hash_blocks_and_windows(
    lang: str, block: int | None, monkeypatch: pytest.MonkeyPatch
) -> None:
    # windows wider than a hash block, many of them, on a text with boilerplate and doubled strips
    if block is not None:
        monkeypatch.setattr(so, "_BLOCK", block)
    rng = random.Random(7)
    text = _doubled(rng, big_document(40_000, seed=3, lang=lang), 60)
    norm = matching_text(text)
    assert len(norm) > so._BLOCK, "the whole text is more than one block"
    seed, min_run = (8, 30) if lang == "zh" else (14, 48)
    seeds = so._seeds(norm, seed, min_run, 9000, 2500)
    assert len(seeds) > 100
    whole = so._seeds(norm, seed, min_run)

    def reference(*args: object, **kwargs: object) -> None:
        raise AssertionError("a 64-bit hash collided: the keys are wrong")

    # the keys themselves are right (the reference loop, run on a collision, would hide wrong ones)
    monkeypatch.setattr(so, "_window_seeds_py", reference)
    assert so._seeds_fast(norm, seed, min_run, 9000, 2500) == seeds
    assert so._seeds_fast(norm, seed, min_run) == whole


@pytest.mark.parametrize("bits", [1, 6, 12])
def test_hash_collisions_fall_back_to_the_reference(bits: int) -> None:
    # a weakened hash collides all the time: the collision check must catch every case
    rng = random.Random(bits)
    text = _doubled(rng, _zh(rng, 4000), 20)
    norm = matching_text(text)
    first, second = so._seed_arrays(norm, 8, 30, 500, 300, hash_bits=bits)
    expected = so._seeds(norm, 8, 30, 500, 300)
    assert expected
    assert list(zip(first.tolist(), second.tolist(), strict=True)) == expected


@pytest.mark.parametrize("where", [0, 3, 7])
def test_gram_comparison_sees_every_character(where: int) -> None:
    import numpy as np

    text = "abcdefgh" + "abcdefgh"[:where] + "X" + "abcdefgh"[where + 1 :]
    cp = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32)
    at = np.array([0]), np.array([8])
    assert not so._grams_equal(cp, *at, 8)
    assert so._grams_equal(cp, *at, where)


def test_seed_arrays_of_texts_too_short_for_a_gram() -> None:
    for text in ("", "a", "abcdefg"):
        assert so._seeds_fast(text, 8, 0) == so._seeds(text, 8, 0) == []


# --- the runs found from the seeds ------------------------------------------------------


@settings(max_examples=40)
@given(seed_=st.integers(0, 10_000), lang=st.sampled_from(["zh", "en"]), strips=st.integers(1, 40))
def test_find_overlaps_fast_equals_reference(seed_: int, lang: str, strips: int) -> None:
    rng = random.Random(seed_)
    text = _doubled(rng, (_zh if lang == "zh" else _en)(rng, 6000), strips, noise=rng.choice((0.0, 0.05, 0.2)))
    norm = matching_text(text)
    script = "cjk" if lang == "zh" else "latin"
    args = (norm, so.SEED[script], so.MIN_RUN[script])
    assert so.find_overlaps(*args, fast=True) == so.find_overlaps(*args, fast=False)


@pytest.mark.parametrize("stretch", [0, 4, 40, 512])
def test_find_overlaps_reads_pieces_as_the_whole_string(stretch: int, monkeypatch: pytest.MonkeyPatch) -> None:
    # the copies extended within a stretch copied out, or (near its edges) within the whole
    rng = random.Random(stretch)
    norm = matching_text(_doubled(rng, _zh(rng, 8000), 30, noise=0.05))
    expected = so.find_overlaps(norm, 8, 30, fast=True)
    assert expected
    monkeypatch.setattr(so, "_STRETCH", stretch)
    pieces = so._Pieces([norm[k : k + 700] for k in range(0, len(norm), 700)], shift=10)
    assert so.find_overlaps(pieces, 8, 30, fast=True) == expected
    text = _doubled(random.Random(stretch), _zh(random.Random(stretch), 8000), 30, noise=0.05)
    refolded = so._matching_form(text, chunk=64, step=16, hold=False).text
    expected = so.find_overlaps(matching_text(text), 8, 30, fast=True)
    assert expected
    assert so.find_overlaps(refolded, 8, 30, fast=True) == expected
    # a reading window far smaller than the stretches read: folded again and again
    monkeypatch.setattr(so._Reader, "SPAN", 50)
    monkeypatch.setattr(so._Reader, "BACK", 7)
    assert so.find_overlaps(refolded, 8, 30, fast=True) == expected


def test_find_overlaps_fast_equals_reference_on_a_long_document() -> None:
    text = big_document(120_000, seed=5)
    norm = matching_text(text)
    slow = so.find_overlaps(norm, 8, 30, fast=False)
    assert len(slow) > 10
    assert so.find_overlaps(norm, 8, 30, fast=True) == slow


# --- the matching form ------------------------------------------------------------------

_CHARS = "ab Ａ，。、 \t\n\r\u3000中文（）“”㈠ﷺ𠀀x.-—…·\u00a0"


@settings(max_examples=150)
@given(
    text=st.text(alphabet=_CHARS, max_size=300),
    chunk=st.sampled_from([16, 32, 64]),
    step=st.sampled_from([4, 16]),
    hold=st.booleans(),
    data=st.data(),
)
def test_matching_form_equals_normalize(text: str, chunk: int, step: int, hold: bool, data: st.DataObject) -> None:
    lazy = so._matching_form(text, chunk=chunk, step=step, hold=hold)
    ref = normalize(text)
    assert lazy.text[:] == ref.text
    assert len(lazy.text) == len(ref.text)
    a = data.draw(st.integers(-3, len(ref.text) + 3))
    b = data.draw(st.integers(-3, len(ref.text) + 3))
    assert lazy.text[a:b] == ref.text[a:b]
    for k in range(-len(ref.text), len(ref.text)):
        assert lazy.text[k] == ref.text[k]
    n = len(ref.text)
    for start in range(n + 2):
        for end in (start, start + 1, start + 3, n):
            if end <= n or start >= n:
                assert lazy.to_original(start, end) == ref.to_original(start, end), (start, end)


@pytest.mark.parametrize("hold", [True, False])
def test_matching_form_of_a_long_document(hold: bool) -> None:
    text = big_document(60_000, seed=2) + "㈠ 第一\n" + big_document(20_000, seed=3, lang="en")
    lazy = so._matching_form(text, hold=hold)
    ref = normalize(text)
    assert lazy.text[:] == ref.text
    for q in range(0, len(ref.text), 97):
        assert lazy.to_original(q, q + 40) == ref.to_original(q, q + 40)
        assert lazy.text[q : q + 700] == ref.text[q : q + 700]


@settings(max_examples=200)
@given(
    parts=st.lists(st.text(alphabet="ab中", max_size=9), max_size=8),
    shift=st.integers(0, 3),
    data=st.data(),
)
def test_pieces_read_like_the_joined_string(parts: list[str], shift: int, data: st.DataObject) -> None:
    whole = "".join(parts)
    pieces = so._Pieces(parts, shift=shift)
    assert len(pieces) == len(whole)
    assert pieces[:] == whole
    for k in range(-len(whole), len(whole)):
        assert pieces[k] == whole[k]
    for k in (len(whole), -len(whole) - 1):
        with pytest.raises(IndexError):
            pieces[k]
    a = data.draw(st.integers(-3, len(whole) + 3))
    b = data.draw(st.integers(-3, len(whole) + 3))
    assert pieces[a:b] == whole[a:b]


# --- helpers rewritten to look back or up only as far as they must ----------------------


def _opens_reference(text: str, offset: int) -> bool:
    """The former definition of ``_opens`` (copies the whole text before ``offset``)."""
    before = text[:offset].rstrip(" \t\u3000")
    if not before.strip():
        return True
    if before.endswith(("\n\n", "\r\n\r\n", "\r\r")) or re.search(r"\n[ \t\u3000]*\n$", before):
        return True
    return ends_sentence(before.rstrip())


@settings(max_examples=300)
@given(text=st.text(alphabet="ab 。.”)\n\r\t\u3000\u200b", max_size=40), data=st.data())
def test_opens_equals_reference(text: str, data: st.DataObject) -> None:
    offset = data.draw(st.integers(0, len(text)))
    assert so._opens(text, offset) == _opens_reference(text, offset)


def test_opens_looks_past_a_long_tail_of_closers() -> None:
    text = "done。" + "”" * 100 + " x"
    assert so._opens(text, len(text) - 1) == _opens_reference(text, len(text) - 1) is True


def _at_seam_reference(text: str, keep: Span, drop: Span) -> bool:
    """The former definition of ``_at_seam`` (two regexes)."""
    tail = text[keep.end : keep.end + 3]
    head = text[max(0, drop.start - 3) : drop.start]
    ends_line = keep.end >= len(text) or bool(re.match(r"[ \t\u3000]*(?:\r|\n|$)", tail))
    starts_line = drop.start == 0 or bool(re.search(r"(?:\r|\n)[ \t\u3000]*$", head))
    return ends_line or starts_line


@settings(max_examples=400)
@given(text=st.text(alphabet="a \t\u3000\r\n", max_size=12), data=st.data())
def test_at_seam_equals_reference(text: str, data: st.DataObject) -> None:
    k = data.draw(st.integers(0, len(text)))
    d = data.draw(st.integers(0, len(text)))
    keep, drop = Span(0, k), Span(d, len(text))
    assert so._at_seam(text, keep, drop) == _at_seam_reference(text, keep, drop)


def _deletion_reference(text: str, keep: Span, drop: Span) -> tuple[int, int]:
    """The former whitespace handling of ``_deletion`` (regexes over copies of the text)."""
    if drop.start < keep.start:
        if not text[drop.end : keep.start].strip():
            return drop.start, keep.start
    elif not text[keep.end : drop.start].strip():
        return keep.end, drop.end
    start, end = drop.start, drop.end
    after = re.match(r"\s*", text[end:])
    before = re.search(r"\s*$", text[:start])
    ws_after = after.group() if after else ""
    ws_before = before.group() if before else ""
    if ws_after and (ws_before or start == 0):
        if ws_after.count("\n") <= ws_before.count("\n"):
            end += len(ws_after)
        else:
            start -= len(ws_before)
    return start, end


@settings(max_examples=300)
@given(text=st.text(alphabet="ab \n\t\u3000", min_size=3, max_size=30), data=st.data())
def test_deletion_equals_reference(text: str, data: st.DataObject) -> None:
    # two copies, apart or adjacent, never overlapping (as the rule pairs them)
    cuts = sorted(data.draw(st.lists(st.integers(0, len(text)), min_size=4, max_size=4, unique=True)))
    first, second = Span(cuts[0], cuts[1]), Span(cuts[2] - data.draw(st.integers(0, 1)) * (cuts[2] - cuts[1]), cuts[3])
    for keep, drop in ((first, second), (second, first)):
        edit = so._deletion(text, keep, drop)
        assert (edit.span.start, edit.span.end) == _deletion_reference(text, keep, drop)


@settings(max_examples=200)
@given(
    spans=st.lists(st.tuples(st.integers(0, 60), st.integers(0, 20)), max_size=12),
    query=st.tuples(st.integers(0, 70), st.integers(0, 20)),
)
def test_span_index_equals_any_overlap(spans: list[tuple[int, int]], query: tuple[int, int]) -> None:
    owned = [Span(a, a + n) for a, n in spans]
    probe = Span(query[0], query[0] + query[1])
    assert so._SpanIndex(owned).overlaps(probe) == any(s.overlaps(probe) for s in owned)


@settings(max_examples=200)
@given(
    runs=st.lists(st.tuples(st.integers(0, 80), st.integers(1, 15)), max_size=15),
    query=st.tuples(st.integers(0, 90), st.integers(1, 15)),
)
def test_disjoint_equals_any_overlap(runs: list[tuple[int, int]], query: tuple[int, int]) -> None:
    taken = so._Disjoint()
    kept: list[tuple[int, int]] = []
    for a, n in runs:
        if not any(a < e and s < a + n for s, e in kept):
            assert not taken.overlaps(a, a + n)
            taken.add(a, a + n)
            kept.append((a, a + n))
        else:
            assert taken.overlaps(a, a + n)
    a, n = query
    assert taken.overlaps(a, a + n) == any(a < e and s < a + n for s, e in kept)


def test_block_lookups_equal_scans() -> None:
    rng = random.Random(3)
    doc = Document(_doubled(rng, _zh(rng, 3000).replace("\n", "\n\n", 20), 10))
    blocks = doc.blocks
    ctx = Context(doc=doc, config=Config(), enabled=frozenset())
    ends = {b.start + len(b.text.rstrip()) for b in blocks}
    starts = {b.end - len(b.text.lstrip()) for b in blocks}
    for _ in range(400):
        x, y = sorted(rng.sample(range(len(doc.text)), 2))
        keep, drop = Span(x, y), Span(y, min(len(doc.text), y + rng.randint(0, 30)))
        blank = not doc.text[keep.end : drop.start].strip()
        assert so._block_seam(ctx, keep, drop) == (blank and keep.end in ends and drop.start in starts)
        same = any(b.start <= x and y <= b.end for b in blocks)
        assert so._same_block(blocks, x, y) == same
    assert bisect_right([b.start for b in blocks], 0) <= 1


# --- the rule, whichever path it takes ---------------------------------------------------


def _long_layout_doc(lang: str, seed: int) -> str:
    rng = random.Random(seed)
    parts: list[str] = []
    while sum(map(len, parts)) < 1.3 * so.SMALL:
        parts.append(make_doc(rng, lang, ["scan-overlap", "tile-overlap"]).text)
    return "\n\n".join(parts)


def _findings(text: str) -> list[tuple[object, ...]]:
    config = Config(select=("DUP001", "DUP002", "DUP003", "LAY007"))
    doc = Document(text)
    ctx = Context(doc=doc, config=config, enabled=frozenset(r.code for r in config.enabled_rules()))
    out: list[tuple[object, ...]] = []
    for rule in config.enabled_rules():
        found = list(rule().check(ctx))
        ctx.findings.extend(found)
        out.extend(
            (f.rule, f.kind, f.span, f.related, f.message, f.confidence, sorted(f.evidence.items()), f.fix)
            for f in found
            if f.rule == "LAY007"
        )
    return out


def _long_duplicates_doc(lang: str, seed: int) -> str:
    # paragraphs printed twice (DUP001's, which LAY007 must leave alone) and strips read twice
    rng = random.Random(seed)
    return _doubled(rng, big_document(100_000, seed=seed, lang=lang), 40, noise=0.02)


@pytest.mark.parametrize(
    ("make", "lang", "seed"),
    [
        (_long_layout_doc, "zh", 1),
        (_long_layout_doc, "en", 2),
        (_long_duplicates_doc, "zh", 3),
        (_long_duplicates_doc, "en", 4),
    ],
)
def test_rule_gives_the_same_findings_on_either_path(
    make: Callable[[str, int], str], lang: str, seed: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    text = make(lang, seed)
    assert len(text) >= so.SMALL
    fast = _findings(text)
    assert fast, "the generated strips read twice must be found"
    monkeypatch.setattr(so, "_HOLD_LIMIT", 1000)  # the matching form folded again where read
    assert _findings(text) == fast
    monkeypatch.setattr(so, "SMALL", 10 * len(text))  # the pure-Python path, as for a short page
    assert _findings(text) == fast


def test_short_page_does_not_import_numpy() -> None:
    code = (
        "import sys, dedup\n"
        "from dedup.config import Config\n"
        f"text = {_long_layout_doc('zh', 3)[: so.SMALL // 2]!r}\n"
        "dedup.check_text(text, Config(select=('LAY007',)))\n"
        "print('numpy' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


@settings(max_examples=1500, deadline=None)
@given(st.text(alphabet="abcde", max_size=400), st.integers(2, 6), st.integers(1, 30))
def test_small_text_seeds_equal_the_reference(text: str, seed: int, min_run: int) -> None:
    from dedup.rules.scan_overlap import _seeds, _seeds_small

    assert _seeds_small(text, seed, min_run) == _seeds(text, seed, min_run)


def test_small_text_seeds_on_a_doubled_page() -> None:
    from dedup.rules.scan_overlap import _seeds, _seeds_small

    rng = random.Random(3)
    text = _doubled(rng, big_document(8_000, seed=9), 60)
    assert _seeds_small(text, 8, 30) == _seeds(text, 8, 30)
    assert _seeds_small(text, 8, 30)


@pytest.mark.parametrize(
    "text",
    [
        big_document(120_000, seed=4),
        big_document(200_000, seed=5, lang="en"),
        # characters folding to several (㈠), to nothing, beyond the BMP, NUL; blank lines of every kind
        "㈠ 项 ab\n\n" * 9000 + "\U00020000\x00中\n\n  x  \n",
        "\n\n" + "中文。 \n\n\t\n" * 9000 + "end",
    ],
    ids=["zh", "en", "odd-characters", "blank-lines"],
)
def test_held_block_forms_are_the_blocks_matching_forms(text: str, monkeypatch: pytest.MonkeyPatch) -> None:
    from dedup.rules._duplicates import _norm_texts

    doc = Document(text)
    assert len(text) >= so.SMALL
    ctx = Context(doc=doc, config=Config().for_path(None), enabled=frozenset())
    assert so.held_block_forms(ctx) == _norm_texts(doc.blocks)
    # chunk by chunk: block edges anywhere in a chunk, on its first character or the text's end
    monkeypatch.setattr(so, "_form_and_offsets", _small_chunks(so._form_and_offsets))
    ctx = Context(doc=doc, config=Config().for_path(None), enabled=frozenset())
    assert so.held_block_forms(ctx) == _norm_texts(doc.blocks)
    # too big to hold: none, and LAY007 folds its own form
    monkeypatch.setattr(so, "_HOLD_LIMIT", 1000)
    assert so.held_block_forms(Context(doc=doc, config=Config().for_path(None), enabled=frozenset())) is None


def _small_chunks(real: Callable[..., object]) -> Callable[..., object]:
    def call(text: str, chunk: int = 1 << 14, step: int = 16, hold: bool | None = None, at: object = None) -> object:
        return real(text, 48, step, hold, at)

    return call
