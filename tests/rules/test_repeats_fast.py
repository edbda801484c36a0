"""The prefilter of long texts (REP001–REP003) against the reference scans: same findings.

The fast path (numpy prefilter, then the reference code on flagged blocks or parts of
blocks) runs on texts of FAST_MIN_CHARS characters or more.  Here the threshold is set
to 0 to force it, or out of reach to force the reference path, and the two must report
exactly the same findings (spans, messages, fixes, evidence) on generated documents with
injected repeats, on the rules' data-file cases, and on hypothesis texts built to be
dense in near-repeats, doublings, separators and scripts.  A small WINDOW_CHARS makes
window boundaries and the whole-block fallback of huge blocks happen too.
"""

from __future__ import annotations

import json
import random
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dedup.config import Config
from dedup.engine import check_document
from dedup.model import Document, Finding
from dedup.rules import _repeats

REP = Config(select=("REP001", "REP002", "REP003"))
DATA = Path(__file__).resolve().parents[1] / "data" / "rules"


@contextmanager
def _path(fast: bool, window: int | None = None) -> Iterator[None]:
    saved = (_repeats.FAST_MIN_CHARS, _repeats.WINDOW_CHARS)
    _repeats.FAST_MIN_CHARS = 0 if fast else 1 << 62
    if window is not None:
        _repeats.WINDOW_CHARS = window
    try:
        yield
    finally:
        _repeats.FAST_MIN_CHARS, _repeats.WINDOW_CHARS = saved


def _findings(text: str, fast: bool, config: Config = REP, window: int | None = None) -> list[Finding]:
    with _path(fast, window):
        return check_document(Document(text), config).findings


def assert_same(text: str, config: Config = REP, window: int | None = None) -> list[Finding]:
    reference = _findings(text, False, config)
    fast = _findings(text, True, config, window)
    assert fast == reference
    return reference


# --- generated documents ----------------------------------------------------------------------


def _injected_documents(lang: str, seed: int) -> str:
    from gen_repeats import generate

    kinds = ("items", "inline", "word", "near") if lang == "zh" else ("en-phrase", "en-word", "en-near")
    docs = generate(kinds, 40, seed=seed)
    return "\n\n".join(d.text for d in docs)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_injected_repeats_give_the_same_findings(lang: str, gov_reports_dir: object) -> None:
    text = _injected_documents(lang, seed=3)
    findings = assert_same(text)
    # the documents are full of faults: the comparison is not between two empty lists
    assert len({f.rule for f in findings}) >= 2
    assert len(findings) >= 100


def test_window_boundaries_and_huge_blocks(gov_reports_dir: object) -> None:
    zh = _injected_documents("zh", seed=5)
    en = _injected_documents("en", seed=5)
    # one very long paragraph (bigger than two windows) and many small ones
    long_para = "".join(zh.split("\n\n")[:40])
    text = "\n\n".join([en[:20000], long_para, zh[:30000], en[20000:30000]])
    for window in (3000, 1 << 20):
        assert_same(text, window=window)


@pytest.mark.parametrize("lang", ["zh", "en", "mixed"])
def test_generated_big_documents(lang: str) -> None:
    from gen_docs import big_document, make_document

    rng = random.Random(11)
    parts = [big_document(30000, seed=2, lang="en" if lang == "en" else "zh")]
    for _ in range(30):
        parts.append(make_document(rng, lang=lang, faults=("repeated-phrase", "stutter")).text)
    assert_same("\n\n".join(parts), window=20000)


@pytest.mark.parametrize("max_items", [12, 2])
def test_long_paragraphs_are_scanned_in_parts(max_items: int, gov_reports_dir: object) -> None:
    from gen_repeats import big_chinese_document

    # paragraphs of 20-200 report paragraphs run together, one in five with an injected repeat
    text = big_chinese_document(400_000, seed=4, fault_every=5)
    en = _injected_documents("en", seed=8).replace("\n\n", " ")
    config = Config(select=("REP001", "REP002", "REP003"), rules={"REP001": {"max_items": max_items}})
    findings = assert_same(text + "\n\n" + en, config)
    assert len([f for f in findings if f.rule == "REP001"]) >= 5


def test_options_reach_the_prefilter(gov_reports_dir: object) -> None:
    text = _injected_documents("zh", seed=9)
    for rules in (
        {"REP001": {"max_items": 3, "near": False}},
        {"REP001": {"max_chars": 20}},
        {"REP003": {"min_cjk": 4, "min_words": 2}},
        {"REP003": {"min_cjk": 8}},
    ):
        assert_same(text, Config(select=("REP001", "REP002", "REP003"), rules=rules))


def _case_texts() -> list[str]:
    texts = []
    for rule in ("repeated-phrase", "stutter", "repeated-name"):
        data = json.loads((DATA / f"{rule}.json").read_text(encoding="utf-8"))
        texts += [case["text"] for case in data["cases"]]
    return texts


def test_data_file_cases_give_the_same_findings() -> None:
    texts = _case_texts()
    found = 0
    for text in texts:
        found += len(assert_same(text))
    # and all of them in one document (block boundaries, shared windows)
    found_together = len(assert_same("\n\n".join(texts), window=500))
    assert found > 20 and found_together > 20


# --- hypothesis: texts dense in what the rules look for -----------------------------------

_CJK_WORDS = ["建设", "发展", "推进", "中医", "医院", "项目", "检查", "城市", "基础设施", "人民", "东部", "西部"]
_LATIN_WORDS = ["the", "The", "city", "hall", "council", "Riverside", "Community", "Health", "and", "or", "K", "×b"]
_SEPS = ["、", "，", "。", ",", ", ", ";", " ", "\n", ".", "．", "！", "  ", "\n\n", "（", "）", "3.5", "、"]


@st.composite
def _dense_text(draw: st.DrawFn) -> str:
    pieces = draw(
        st.lists(
            st.one_of(
                st.sampled_from(_CJK_WORDS),
                st.sampled_from(_LATIN_WORDS),
                st.sampled_from(_SEPS),
                st.text(alphabet="中中医药甲乙丙丁戊AaBb'’ ．.,、", min_size=1, max_size=4),
            ),
            min_size=1,
            max_size=60,
        )
    )
    text = "".join(pieces)
    # double some stretches: immediate repeats, with a separator or none, sometimes one char changed
    for _ in range(draw(st.integers(0, 3))):
        if not text:
            break
        i = draw(st.integers(0, len(text) - 1))
        j = draw(st.integers(i + 1, min(len(text), i + 45)))
        copy = text[i:j]
        edit = draw(st.sampled_from(["none", "substitute", "insert", "delete"]))
        if edit != "none" and len(copy) > 2:
            k = draw(st.integers(0, len(copy) - 1))
            new = draw(st.sampled_from("城甲xé"))
            keep_from = k if edit == "insert" else k + 1
            copy = copy[:k] + ("" if edit == "delete" else new) + copy[keep_from:]
        text = text[:j] + draw(st.sampled_from(["", "、", " ", ", ", "\n"])) + copy + text[j:]
    return text


@settings(max_examples=300)
@given(_dense_text())
def test_fast_path_equals_reference_on_dense_texts(text: str) -> None:
    assert_same(text, window=64)


@settings(max_examples=300)
@given(_dense_text(), st.integers(1, 3))
def test_fast_path_equals_reference_with_few_items(text: str, max_items: int) -> None:
    # a small max_items puts the start of a part scan a few items before a point, where an
    # earlier repeat may have made the whole-block scan jump
    config = Config(select=("REP001", "REP002", "REP003"), rules={"REP001": {"max_items": max_items}})
    assert_same(text + text[::-1] + text, config, window=64)


@settings(max_examples=100)
@given(st.lists(_dense_text(), min_size=1, max_size=8))
def test_fast_path_equals_reference_on_several_blocks(texts: list[str]) -> None:
    assert_same("\n\n".join(texts), window=200)


# --- the tables of the prefilter --------------------------------------------------------------


def test_whitespace_table_is_pythons() -> None:
    expected = {chr(o) for o in range(0x10000) if chr(o).isspace()}
    assert set(_repeats._WHITESPACE) == expected


def test_separator_table_matches_the_item_pattern() -> None:
    import re

    sep = re.compile(r"[\s,;:!?…。.]")
    table = _repeats._tables()
    for o in range(0x10000):
        assert bool(table.sep[o]) == bool(sep.fullmatch(_repeats.fold(chr(o)))), hex(o)


def test_latin_token_table_covers_case_insensitive_backreferences() -> None:
    import re

    table = _repeats._tables()
    inside = [chr(o) for o in range(0x10000) if re.fullmatch("[A-Za-z\u00c0-\u024f]", chr(o))]
    probe = re.compile(r"(.) \1", re.IGNORECASE)
    relatives = set()
    for o in range(0x10000):
        ch = chr(o)
        for x in inside:
            related = x.lower() == ch.lower() or x.lower()[0] == ch.lower()[0] or x.upper() == ch.upper()
            if related and probe.fullmatch(f"{x} {ch}"):
                assert table.token[o], hex(o)
                assert table.lower[o] == table.lower[ord(x)], hex(o)
                if ch not in inside:
                    relatives.add(ch)
    assert relatives == set(_repeats._CASE_RELATIVES)


def test_short_texts_do_not_import_numpy() -> None:
    import subprocess
    import sys

    code = (
        "import sys; from dedup import check_text; from dedup.config import Config; "
        "check_text('加快建设沪昆铁路、沿江快速路一期、沿江快速路一期等项目。the the ' * 50, "
        "Config(select=('REP001','REP002','REP003'))); print('numpy' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False"


def test_hard_separators_are_the_unconditional_item_separators() -> None:
    assert frozenset(",;:!?…。" + _repeats._WHITESPACE) == _repeats._HARD_SEPARATORS


def test_a_part_of_a_long_paragraph_is_scanned_alone(gov_reports_dir: object) -> None:
    from gen_repeats import chinese_paragraphs

    from dedup.model import Block

    para = "".join(chinese_paragraphs()[:300])
    middle = para.index("、", len(para) // 2)
    start = para.rindex("，", 0, middle) + 1
    item = para[start:middle]
    text = para[:middle] + "、" + item + para[middle:]
    block = Block(0, 0, len(text), text)
    reference = [r for r in _repeats.scan_block(block) if r.copy.start == middle + 1]
    assert reference, "the injected repeat is found by the reference scan"
    part = _repeats.scan_parts(block, [middle + 1], [], max_items=12, max_chars=400, near=True)
    assert part is not None, "a part around one point is small enough"
    assert [r for r in part if r.copy.start == middle + 1] == reference
    # the part covers a few hundred characters, not the paragraph
    assert all(abs(r.copy.start - middle) < 5000 for r in part)


@settings(max_examples=300)
@given(
    st.lists(st.tuples(st.integers(0, 6), st.integers(0, 4)), max_size=60),
    st.sampled_from([0, 2**63, 2**64 - 8]),
)
def test_lexsort2_is_lexsort(rows: list[tuple[int, int]], offset: int) -> None:
    # many ties in both keys, and keys near the top of the uint64 range
    import numpy as np

    from dedup.rules._repeats import _lexsort2

    primary = np.array([p + offset for p, _ in rows], dtype=np.uint64)
    secondary = np.array([s for _, s in rows], dtype=np.int64)
    expected = np.lexsort((secondary, primary))
    assert _lexsort2(np, primary, secondary).tolist() == expected.tolist()
