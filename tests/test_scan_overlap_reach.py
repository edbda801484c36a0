"""LAY007 in clean's later passes: how far a cluster of seeds can reach, and the stretch that follows.

A later pass searches a stretch around each changed place.  Which clusters of seeds must be found
there complete and exact (boilerplate counted) depends on :func:`~dedup.rules.scan_overlap._cluster_reach`:
where the run of any chain drawn from a cluster's seeds may lie.  These tests check that bound on
every chain of every cluster (and on parts of them, as a full search that drops boilerplate seeds
keeps), on texts whose copies stand near and far and read through heavy noise, and that a stretch
sized from it gives what a full run gives near changes placed at the far ends of that reach.
"""

from __future__ import annotations

import random

import pytest
from gen_docs import chinese_paragraph, english_paragraph

from dedup.config import Config
from dedup.model import Document, Finding
from dedup.rules import scan_overlap as so
from dedup.rules.base import Context, Dirty

CONFIG = Config()


def _noisy(rng: random.Random, text: str, rate: float, lang: str) -> str:
    """``text`` with about ``rate`` of its characters misread, dropped or doubled."""
    out: list[str] = []
    for ch in text:
        roll = rng.random()
        if roll < rate / 3:
            out.append("口" if lang == "zh" else "x")
        elif roll < 2 * rate / 3:
            continue
        elif roll < rate:
            out.extend((ch, ch))
        else:
            out.append(ch)
    return "".join(out)


def _paragraphs(rng: random.Random, lang: str, size: int) -> list[str]:
    make = chinese_paragraph if lang == "zh" else english_paragraph
    paras: list[str] = []
    while sum(map(len, paras)) < size:
        paras.append(make(rng))
    return paras


def _doubled_text(rng: random.Random, lang: str) -> str:
    """Prose with passages read again at distances from a line to a lookback, some clean, some noisy
    enough that the seeds are sparse and the walks carry the copies far past them."""
    paras = _paragraphs(rng, lang, 60_000)
    body = "\n\n".join(paras)
    pieces: list[str] = []
    pos = 0
    while pos < len(body) - 8000:
        length = rng.choice((40, 120, 400, 1500, 3000))
        gap = rng.choice((0, 1, 30, 600, 2500, so.LOOKBACK - length - 50))
        start = pos + rng.randrange(0, 2000)
        end = min(len(body), start + length)
        rate = rng.choice((0.0, 0.03, 0.08, 0.12))
        passage = body[start:end]
        pieces.append(body[pos:end])
        pieces.append(body[end : end + max(0, gap)])
        pieces.append("\n" + _noisy(rng, passage, rate, lang))
        pos = end + max(0, gap)
    pieces.append(body[pos:])
    return "".join(pieces)


def _clusters(form: str, seed: int, min_run: int) -> list[tuple[list[tuple[int, int]], tuple[int, int, int, int]]]:
    """Every cluster of uncapped seed pairs of ``form``: its pairs and what :func:`_chains_of` says of it."""
    import numpy as np

    grams = len(form) - seed + 1
    work = so._Work(grams, seed)
    keys = so._window_seed_keys(form, seed, min_run, so.LOOKBACK, 0, grams, 64, work, max_occ=1 << 40)
    keys = np.sort(keys)
    first, second = (keys & 0xFFFFFFFF).tolist(), (keys >> 32).tolist()
    found: list[tuple[list[tuple[int, int]], tuple[int, int, int, int]]] = []
    start = 0
    for k in range(1, len(second) + 1):
        if k == len(second) or second[k] - second[k - 1] > so.MAX_GAP:
            pairs = list(zip(first[start:k], second[start:k], strict=True))
            if len(pairs) >= so.MIN_COVERAGE * min_run:
                high = max(p - i for i, p in pairs)
                found.append((pairs, (second[start], second[k - 1], len(pairs), high)))
            start = k
    return found


def _extents(form: str, pairs: list[tuple[int, int]], seed: int) -> list[tuple[int, int]]:
    """Where the run of each chain of ``pairs`` lies, whether or not the run is long, dense or alike
    enough to be kept (those checks only drop runs)."""
    chains: list[so._Chain] = []
    so._chain_seeds(pairs, seed, chains)
    out: list[tuple[int, int]] = []
    for c in chains:
        c.seeds = 1 << 30  # as dense as need be: only the walks decide where it lies
        o = so._run(form, c, 1, lambda a, b: 100.0)
        if o is not None:
            out.append((o.a0, o.b1))
    return out


@pytest.mark.parametrize("seed", range(6))
def test_every_run_of_a_cluster_lies_within_its_reach(seed: int) -> None:
    rng = random.Random(seed)
    lang = "zh" if seed % 2 == 0 else "en"
    script = "cjk" if lang == "zh" else "latin"
    form = so.matching_text(_doubled_text(rng, lang))
    k, min_run = so.SEED[script], so.MIN_RUN[script]
    clusters = _clusters(form, k, min_run)
    assert len(clusters) > 10
    checked = 0
    widest = 0
    for pairs, (p0, p1, _, high) in clusters:
        lo, hi = so._cluster_reach(p0, p1, high)
        # the whole cluster, and parts a full search may keep when it drops boilerplate seeds
        parts = [pairs, pairs[len(pairs) // 2 :], pairs[: len(pairs) // 2], pairs[::2]]
        parts += [sorted(rng.sample(pairs, max(1, len(pairs) // 3)), key=lambda q: (q[1], q[0])) for _ in range(3)]
        for part in parts:
            for a0, b1 in _extents(form, part, k):
                assert lo <= a0 and b1 <= hi, (p0, p1, high, a0, b1)
                widest = max(widest, (p0 - a0) / max(1, high), (b1 - p1) / max(1, high))
                checked += 1
    assert checked > 50
    assert widest > 0.5, "some runs reach well past their seeds (the bound is tested where it matters)"


def _whole_search(text: str, memo: dict[str, object]) -> Context:
    """A later pass of clean that searches the whole text (a change in its first lines)."""
    return Context(doc=Document(text), config=CONFIG, enabled=frozenset({"LAY007"}), dirty=Dirty([(0, 0)]), memo=memo)


def _ctx(text: str, dirty: Dirty | None) -> Context:
    return Context(doc=Document(text), config=CONFIG, enabled=frozenset({"LAY007"}), dirty=dirty, memo={})


def _safe_fixes(fs: list[Finding]) -> set[tuple[tuple[int, int, str], ...]]:
    return {tuple((e.start, e.end, e.replacement) for e in f.fix.edits) for f in fs if f.fix is not None and f.fix.safe}


def _stretch(f: Finding) -> tuple[int, int]:
    spans = (f.span, *f.related)
    return min(s.start for s in spans), max(s.end for s in spans)


@pytest.mark.parametrize("seed", range(8))
def test_changes_at_the_ends_of_a_far_reach_find_what_a_full_run_finds(seed: int) -> None:
    """Passages printed again up to a lookback away, and changes placed where only a wide reach
    meets them (before the first copy, between the copies, after the second): the stretches give
    every safe fix of a full run that meets a change, and none a full run does not give."""
    rng = random.Random(100 + seed)
    lang = "zh" if seed % 2 == 0 else "en"
    make = chinese_paragraph if lang == "zh" else english_paragraph
    width = 30 if lang == "zh" else 70
    paras = [make(rng, 6) for _ in range(1600 if lang == "zh" else 600)]
    for _ in range(24):
        k = rng.randrange(2, len(paras) - 8)
        para = paras[k]
        if rng.random() < 0.5 and len(para) > 150:
            # a strip read twice where the tiles meet
            cut = rng.randrange(100, len(para) - 20)
            copy = para[cut - rng.randint(60, 90) : cut]
            paras[k] = para[:cut] + "\n" + _noisy(rng, copy, 0.02, lang) + para[cut:]
        else:
            # a paragraph printed again a paragraph or a few later
            paras.insert(k + rng.randint(1, 3), _noisy(rng, para, 0.02, lang))
    text = "\n\n".join("\n".join(p[i : i + width] for i in range(0, len(p), width)) for p in paras) + "\n"
    assert len(text) >= so.SMALL
    full = list(so.ScanOverlap().check(_ctx(text, None)))
    assert full
    ranges: list[tuple[int, int]] = []
    for f in rng.sample(full, min(2, len(full))):
        start, end = _stretch(f)
        for at in (start - rng.randint(0, 3 * (end - start) + 200), (start + end) // 2, end + rng.randint(0, 2000)):
            at = min(max(at, 6000), len(text))
            ranges.append((at, at))
    dirty = Dirty(ranges)
    told = so._check_dirty(so.ScanOverlap(), _ctx(text, dirty), so.script_of(text[:4000]))
    assert told is not None, "a few changes are searched around"
    wanted = {fix for f in full if dirty.touches(*_stretch(f)) for fix in _safe_fixes([f])}
    assert wanted <= _safe_fixes(told)
    assert _safe_fixes(told) <= _safe_fixes(full)


def test_a_change_in_plain_prose_searches_a_short_stretch(monkeypatch: pytest.MonkeyPatch) -> None:
    """With no doubled text near a change, the stretch is sized for the farthest reach a cluster may
    have (the clusters whose runs could reach the change, complete, and the text their walks could
    read), not more."""
    rng = random.Random(4)
    text = "\n\n".join(_paragraphs(rng, "zh", 200_000)) + "\n"
    sizes: list[int] = []
    real = so._form_and_offsets

    def spy(piece: str, *args: object, **kwargs: object) -> object:
        sizes.append(len(piece))
        return real(piece, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(so, "_form_and_offsets", spy)
    at = len(text) // 2
    told = so._check_dirty(so.ScanOverlap(), _ctx(text, Dirty([(at, at)])), "cjk")
    assert told == []
    stretch = 2 * so._CONTEXT + so._FAR_BACK + so._FAR_FWD + so._P_HEAD + so._P_TAIL + 2500
    assert sizes and max(sizes) < stretch + so._WALK_BEFORE + so._WALK_AFTER
    assert max(sizes) < 40_000


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("where", ["first", "second"])
def test_a_long_passage_read_twice_is_found_from_a_change_at_its_far_end(lang: str, where: str) -> None:
    """A band of some 3000 characters read twice, the copies one after the other: the seeds of its
    cluster all lie in the second copy, a band away from a change at the start of the first; a
    change at the end of the second sees seeds a band back whose run reaches it."""
    rng = random.Random(21 if lang == "zh" else 22)
    paras = _paragraphs(rng, lang, 240_000)
    width = 30 if lang == "zh" else 70
    k = len(paras) // 2
    band = " ".join(paras[k : k + 60]) if lang == "en" else "".join(paras[k : k + 60])
    band = band[: 3000 if lang == "zh" else 3600]
    band = band[: band.rfind(" ")] if lang == "en" else band
    wrapped = "\n".join(band[i : i + width] for i in range(0, len(band), width))
    # read again without a fault: one run, whose seeds cover both copies evenly
    paras[k : k + 60] = [wrapped + "\n" + wrapped]
    text = "\n\n".join(paras) + "\n"
    full = [f for f in so.ScanOverlap().check(_ctx(text, None)) if f.fix is not None and f.fix.safe]
    start = text.index(wrapped)
    long_runs = [f for f in full if _stretch(f)[0] <= start + 50 and _stretch(f)[1] >= start + 2 * len(wrapped) - 50]
    assert long_runs, "the band read twice is one finding"
    a, b = _stretch(long_runs[0])
    at = a + 5 if where == "first" else b - 5
    dirty = Dirty([(at, at)])
    told = so._check_dirty(so.ScanOverlap(), _ctx(text, dirty), so.script_of(text[:4000]))
    assert told is not None
    assert _safe_fixes(long_runs) <= _safe_fixes(told)
    assert _safe_fixes(told) <= _safe_fixes(full)


@pytest.mark.parametrize(("length", "short"), [(4400, False), (4900, True)])
def test_a_stretch_that_cannot_hold_a_cluster_reaching_a_change_asks_for_more(length: int, short: bool) -> None:
    """A band read twice, and a change 3000 characters before it: the band's run does not meet the
    change, but where a run of its cluster could reach does.  The stretch sized for the farthest
    cluster holds a band of 4400 characters, its cluster whole and the text its runs' walks could
    read; the cluster of a band of 4900 runs past the stretch's end, and the stretch asks for more
    after it.  Either way nothing is made that a full run does not make."""
    rng = random.Random(23)
    paras = _paragraphs(rng, "zh", 240_000)
    k = len(paras) // 2
    band = "".join(paras[k : k + 120])[:length]
    wrapped = "\n".join(band[i : i + 30] for i in range(0, len(band), 30))
    paras[k : k + 120] = [wrapped + "\n" + wrapped]
    text = "\n\n".join(paras) + "\n"
    at = text.index(wrapped) - 3000
    ctx = _ctx(text, Dirty([(at, at)]))
    before = so._CONTEXT + so._FAR_FWD + so._P_HEAD + 1000
    after = so._CONTEXT + so._FAR_BACK + so._P_TAIL + 1000
    got = so._region_runs(ctx, at - before, at + after, so.SEED["cjk"], so.MIN_RUN["cjk"])
    assert isinstance(got, so._Short) == short
    if isinstance(got, so._Short):
        assert got.after > 0 and got.before == 0
    else:
        assert got[1] == [], "the band's run is clear of the change"
    told = so._check_dirty(so.ScanOverlap(), ctx, "cjk")
    full = list(so.ScanOverlap().check(_ctx(text, None)))
    assert any(_stretch(f)[0] > at + so._CONTEXT for f in full), "the band is found, clear of the change"
    assert told is not None and _safe_fixes(told) <= _safe_fixes(full)


def test_only_the_runs_that_can_reach_a_change_are_extended(monkeypatch: pytest.MonkeyPatch) -> None:
    """Strips read twice all over a stretch, and one change among them: only the chains whose
    cluster could reach the change (or a run there) are extended and compared, not every chain."""
    rng = random.Random(31)
    paras = _paragraphs(rng, "zh", 200_000)
    for k in range(10, len(paras) - 10, 2):
        para = paras[k]
        if len(para) > 100:
            cut = rng.randrange(80, len(para) - 10)
            paras[k] = para[:cut] + "\n" + para[cut - 60 : cut] + para[cut:]
    text = "\n\n".join(paras) + "\n"
    calls: list[int] = []
    real = so._run

    def spy(*args: object) -> object:
        calls.append(1)
        return real(*args)  # type: ignore[arg-type]

    full = list(so.ScanOverlap().check(_ctx(text, None)))
    target = full[len(full) // 2]
    a, b = _stretch(target)
    monkeypatch.setattr(so, "_run", spy)
    at = (a + b) // 2
    told = so._check_dirty(so.ScanOverlap(), _ctx(text, Dirty([(at, at)])), "cjk")
    assert told is not None and _safe_fixes([target]) <= _safe_fixes(told)
    strips_in_stretch = sum(1 for f in full if abs(_stretch(f)[0] - at) < 12_000)
    assert strips_in_stretch > 16
    assert 0 < len(calls) < strips_in_stretch // 2


def test_a_later_pass_builds_no_line_table_and_remembers_the_script_by_its_text() -> None:
    rng = random.Random(32)
    paras = _paragraphs(rng, "zh", 120_000)
    k = len(paras) // 2
    para = paras[k] if len(paras[k]) > 120 else paras[k] + paras[k + 1]
    paras[k] = para[:100] + "\n" + para[40:100] + para[100:]
    text = "\n\n".join(paras) + "\n"
    full = [f for f in so.ScanOverlap().check(_ctx(text, None)) if f.fix is not None]
    at = text.index(para[40:100] + para[100:]) + 5
    memo: dict[str, object] = {}
    doc = Document(text)
    ctx = Context(doc=doc, config=CONFIG, enabled=frozenset({"LAY007"}), dirty=Dirty([(at, at)]), memo=memo)
    told = list(so.ScanOverlap().check(ctx))
    assert _safe_fixes(told) & _safe_fixes(full)
    assert "line_starts" not in doc.__dict__, "the whole text was scanned for a message nobody reads"
    assert all("offset" in f.message for f in told)
    assert memo[so._SCRIPT_KEY] == (text[:4000], "cjk")
    # the memo speaks of the first lines it saw: other first lines are looked at afresh
    latin = "\n\n".join(_paragraphs(random.Random(33), "en", 60_000)) + "\n"
    ctx = Context(
        doc=Document(latin), config=CONFIG, enabled=frozenset({"LAY007"}), dirty=Dirty([(9000, 9000)]), memo=memo
    )
    assert so._script(ctx) == "latin"
    assert memo[so._SCRIPT_KEY] == (latin[:4000], "latin")


@pytest.mark.parametrize("seed", range(8))
def test_runs_competing_for_a_copy_are_decided_as_in_a_full_run(seed: int) -> None:
    """Strips read three and four times (each copy shared by several runs, the longest kept), and
    changes at one copy: the stretches keep the same runs as a full run."""
    rng = random.Random(300 + seed)
    lang = "zh" if seed % 2 == 0 else "en"
    paras = _paragraphs(rng, lang, 500_000)
    width = 30 if lang == "zh" else 70
    short, long_ = (40, 90) if lang == "zh" else (60, 170)
    for _ in range(60):
        k = rng.randrange(2, len(paras) - 2)
        para = paras[k]
        if len(para) < long_ + 20:
            continue
        cut = rng.randrange(long_, len(para) - 10)
        copies = [para[cut - rng.randint(short, long_) : cut] for _ in range(rng.choice((2, 3)))]
        paras[k] = para[:cut] + "".join("\n" + _noisy(rng, c, 0.01, lang) for c in copies) + para[cut:]
    text = "\n\n".join("\n".join(p[i : i + width] for i in range(0, len(p), width)) for p in paras) + "\n"
    full = list(so.ScanOverlap().check(_ctx(text, None)))
    assert full
    ranges: list[tuple[int, int]] = []
    for f in rng.sample(full, min(2, len(full))):
        start, end = _stretch(f)
        for at in (start + rng.randint(0, 20), end - rng.randint(0, 20), end + rng.randint(900, 1100)):
            ranges.append((at, at))
    dirty = Dirty(ranges)
    told = so._check_dirty(so.ScanOverlap(), _ctx(text, dirty), so.script_of(text[:4000]))
    assert told is not None
    wanted = {fix for f in full if dirty.touches(*_stretch(f)) for fix in _safe_fixes([f])}
    assert wanted <= _safe_fixes(told)
    assert _safe_fixes(told) <= _safe_fixes(full)


def test_the_runs_that_matter_close_over_competitors_found_in_any_order() -> None:
    """Runs meeting a change matter, and so does every run competing with one that matters, however
    far down the line and in whichever order they are found; runs whose cluster cannot reach the
    change or such a run are never extended."""
    # run 0 competes with run 1 for its first copy, run 1 meets the change, run 2 competes with run 0
    # for its second copy (its cluster reaches run 0's copies only), run 3 reaches the change but
    # competes with nothing, run 4 is far from everything
    runs = {
        0: so.Overlap(100, 200, 900, 1000, 95.0),
        1: so.Overlap(150, 260, 300, 410, 95.0),
        2: so.Overlap(1500, 1600, 950, 1050, 95.0),
        3: so.Overlap(5000, 5050, 5100, 5150, 95.0),
        4: so.Overlap(90_000, 90_050, 90_100, 90_150, 95.0),
    }
    reach = [(50.0, 1100.0), (140.0, 420.0), (940.0, 1700.0), (300.0, 5200.0), (89_000.0, 91_000.0)]
    extended: list[int] = []

    def extend(k: int) -> so.Overlap | None:
        extended.append(k)
        return runs[k]

    got, matters, must = so._runs_that_matter(reach, (380, 400), extend, lambda o: o.b0 <= 400 < o.b1)
    assert sorted(matters) == [0, 1, 2]
    assert 4 not in extended and sorted(extended) == [0, 1, 2, 3]
    assert got[4] is None and got[3] == runs[3]
    for k in (0, 1, 2):
        o = runs[k]
        assert (o.a0, o.a1) in must and (o.b0, o.b1) in must
    assert (runs[3].a0, runs[3].a1) not in must


def test_a_full_run_keeps_every_grams_hash_and_a_later_pass_reads_them_by_content() -> None:
    """A later pass of clean searching the whole text keeps the high half of every gram's hash (the
    first pass keeps none); a later pass
    finds a window of its own text in that text piece by piece, wherever the pieces moved, reads the
    hashes of the grams lying wholly in a piece and hashes the rest afresh: the same grams as hashing
    the window whole (a few counted twice at most, which only adds to a count)."""
    import numpy as np

    rng = random.Random(41)
    text = "\n\n".join(_paragraphs(rng, "zh", 600_000)) + "\n"
    memo: dict[str, object] = {}
    list(so.ScanOverlap().check(_whole_search(text, memo)))
    grams = memo[so._GRAMS_KEY]
    assert isinstance(grams, so._Grams)
    form = so.matching_text(text)
    k = so.SEED["cjk"]
    assert np.array_equal(grams.hashes, (so._gram_hashes(form, k) >> np.uint64(32)).astype(np.uint32))
    # the text of a later pass: paragraphs deleted, a line joined, a few characters replaced
    later = text
    for at in (30_000, 150_000, 151_000, len(text) - 20_000):
        cut = later.index("\n\n", at)
        later = later[:cut] + later[later.index("\n\n", cut + 2) :]
    join = later.index("\n\n", 200_000)
    later = later[:join] + later[join + 2 :]
    swap = later.index("。", 250_000)
    later = later[:swap] + "！新" + later[swap + 1 :]
    other = "\n\n".join(_paragraphs(random.Random(44), "zh", 300_000))  # text the full search never saw
    windows = ((100_000, 320_000), (10_000, 240_000), (len(later) - 230_000, len(later) - 5000), (0, 90_000))
    for source, b0, x0 in [*((later, b0, x0) for b0, x0 in windows), (other, 10_000, 240_000)]:
        found = grams.window(source, b0, x0, k)
        if found is None:
            assert source is other, "a few changes in a window leave most of it found"
            continue
        hashes, size = found
        fresh = so.matching_text(source[b0:x0])
        assert size == len(fresh)
        want = np.sort((so._gram_hashes(fresh, k) >> np.uint64(32)).astype(np.uint32))
        got = np.sort(hashes)
        # every gram of the window is there as often, and at most a few more
        assert len(want) <= len(got) <= len(want) + 8 * k
        values, counts = np.unique(want, return_counts=True)
        gvalues, gcounts = np.unique(got, return_counts=True)
        at = np.minimum(np.searchsorted(gvalues, values), len(gvalues) - 1)
        assert (gvalues[at] == values).all() and (gcounts[at] >= counts).all()
    assert grams.window(later, 100_000, 320_000, k + 1) is None, "grams of another length"


def test_boilerplate_counted_from_the_memo_decides_as_counted_afresh() -> None:
    """The boilerplate check of a later pass reads the window before a stretch from the memo where
    it can: it decides as folding the window afresh does, boilerplate or not."""
    import numpy as np

    rng = random.Random(42)
    phrase = "各级政府要坚持以人民为中心的发展思想"
    paras = _paragraphs(rng, "zh", 600_000)
    for j in range(len(paras) // 2, len(paras) // 2 + 60, 12):  # five times before the strip
        paras[j] = phrase + paras[j]
    k = len(paras) // 2 + 70
    paras[k] = paras[k] + phrase + "\n" + phrase + "首先"
    text = "\n\n".join(paras) + "\n"
    memo: dict[str, object] = {}
    list(so.ScanOverlap().check(_whole_search(text, memo)))
    grams = memo[so._GRAMS_KEY]
    assert isinstance(grams, so._Grams)
    seed = so.SEED["cjk"]
    at = text.index(phrase + "\n" + phrase)
    for x0, expect_found in ((at - 8000, True), (text.index(paras[len(paras) // 2 + 30]) - 500, True)):
        whole = so.matching_text(text[x0 : x0 + 26_000])
        grams_n = len(whole) - seed + 1
        work = so._Work(grams_n, seed)
        keys = so._window_seed_keys(whole, seed, 30, so.LOOKBACK, 0, grams_n, 64, work, max_occ=1 << 40)
        keys = np.sort(keys)
        first, second = keys & 0xFFFFFFFF, keys >> 32
        b0 = max(0, x0 - (so.WINDOW + so.WINDOW // 16))
        assert (grams.window(text, b0, x0, seed) is not None) == expect_found
        with_memo = so._boilerplate_free(text, x0, whole, first, second, seed, grams)
        afresh = so._boilerplate_free(text, x0, whole, first, second, seed, None)
        assert with_memo == afresh
    assert not with_memo, "the phrase seen five times before is boilerplate, counted either way"


def test_boilerplate_from_the_memo_counts_the_grams_running_into_the_stretch() -> None:
    """A phrase three times well before a stretch, a fourth time across its start (only its first
    grams, which start before the stretch and end in it), and read twice in the stretch: the gram
    opening the phrase is then seen five times before its second copy there, boilerplate; the
    grams the memo cannot hold (those running into the stretch) must be counted too."""
    import numpy as np

    rng = random.Random(43)
    phrase = "各级政府要坚持以人民为中心的发展思想，切实保障和改善民生，推动高质量发展"
    seed = so.SEED["cjk"]
    paras = _paragraphs(rng, "zh", 600_000)
    mid = len(paras) // 2
    for j in (mid - 300, mid - 200, mid - 100):
        paras[j] = phrase + paras[j]
    paras[mid] = paras[mid] + phrase[: seed + 2] + "，另起一行"
    paras[mid + 3] = paras[mid + 3] + phrase + "\n" + phrase + "首先"
    text = "\n\n".join(paras) + "\n"
    memo: dict[str, object] = {}
    list(so.ScanOverlap().check(_whole_search(text, memo)))
    grams = memo[so._GRAMS_KEY]
    assert isinstance(grams, so._Grams)
    x0 = text.index(phrase[: seed + 2] + "，另起一行") + 3  # its first three grams run into the stretch
    whole = so.matching_text(text[x0 : x0 + 26_000])
    n = len(whole) - seed + 1
    keys = np.sort(so._window_seed_keys(whole, seed, 30, so.LOOKBACK, 0, n, 64, so._Work(n, seed), max_occ=1 << 40))
    first, second = keys & 0xFFFFFFFF, keys >> 32
    p = so.matching_text(text[x0 : text.index(phrase + "首先")]).__len__()  # the second copy, in the stretch
    opening = np.flatnonzero(second == p)
    assert opening.size, "the second copy's opening gram pairs with the first"
    assert so._boilerplate_free(text, x0, whole, first[opening], second[opening], seed, None) is False
    assert grams.window(text, max(0, x0 - (so.WINDOW + so.WINDOW // 16)), x0, seed) is not None
    assert so._boilerplate_free(text, x0, whole, first[opening], second[opening], seed, grams) is False
    # the phrase's later grams are seen four times before: kept, either way
    later = np.flatnonzero(second == p + 4)
    assert so._boilerplate_free(text, x0, whole, first[later], second[later], seed, grams) is True


def test_the_first_pass_keeps_no_hashes() -> None:
    rng = random.Random(45)
    text = "\n\n".join(_paragraphs(rng, "zh", 120_000)) + "\n"
    memo: dict[str, object] = {}
    list(so.ScanOverlap().check(Context(doc=Document(text), config=CONFIG, enabled=frozenset({"LAY007"}), memo=memo)))
    assert so._GRAMS_KEY not in memo
    list(so.ScanOverlap().check(_whole_search(text, memo)))
    assert isinstance(memo[so._GRAMS_KEY], so._Grams)
