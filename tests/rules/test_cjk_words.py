"""The CJK word list (dedup/data/cjk_words.txt) and the word evidence the layout rules draw from it.

* the shipped file is what ``tools/build_cjk_words.py`` derives from jieba's dictionary
  (checked where jieba is installed: the ``dev`` extra), and says so in its header;
* its tables are well formed, and a lookup agrees with a plain dictionary built from them;
* a break inside a word gains, a break between two whole words does not;
* the list is read lazily (not by importing the CLI, not for Latin text) and jieba is
  never imported at run time.
"""

from __future__ import annotations

import importlib.util
import random
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import dedup
from dedup.rules import _cjk_words
from dedup.rules._cjk_words import (
    DATA,
    MAX_WORD,
    ends_on_function_word,
    first_word,
    last_word,
    lexicon,
    segment,
    starts_on_particle,
    straddle_gain,
)
from dedup.rules._layout import WORD_CUT_MIN_GAIN

REPO = Path(__file__).resolve().parents[2]


def test_header_names_source_and_licence() -> None:
    header = DATA.read_text(encoding="utf-8").splitlines()[0]
    assert header.startswith("#")
    assert "jieba" in header and "MIT" in header and "tools/build_cjk_words.py" in header


def test_shipped_file_is_what_the_build_script_gives() -> None:
    pytest.importorskip("jieba")
    spec = importlib.util.spec_from_file_location("build_cjk_words", REPO / "tools" / "build_cjk_words.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert module.build() == DATA.read_text(encoding="utf-8")


def test_tables_are_well_formed() -> None:
    lx = lexicon()
    for n in range(1, MAX_WORD + 1):
        table, costs = lx.words[n - 1], lx.costs[n - 1]
        assert len(table) == n * len(costs) > 0
        words = [table[i : i + n] for i in range(0, len(table), n)]
        assert words == sorted(words) and len(set(words)) == len(words)
    assert lx.function_words >= {"按照", "和", "的"}
    assert lx.particles <= lx.function_words


def test_lookup_agrees_with_a_plain_dictionary() -> None:
    lx = lexicon()
    rng = random.Random(4)
    for n in range(1, MAX_WORD + 1):
        table, costs = lx.words[n - 1], lx.costs[n - 1]
        plain = {table[i * n : i * n + n]: (ord(c) - 48) / 2 for i, c in enumerate(costs)}
        for word in rng.sample(sorted(plain), 300):
            assert lx.cost(word) == plain[word]
        # absent strings next to present ones (a character changed)
        for word in rng.sample(sorted(plain), 300):
            other = word[:-1] + chr(ord(word[-1]) + 1)
            assert lx.cost(other) == plain.get(other)
    assert lx.cost("") is None and lx.cost("中华人民共和国") is None


@pytest.mark.parametrize(
    ("tail", "head"),
    [
        ("制定和实施国家中长期教", "育改革和发展规划纲要。"),
        ("继续把发展农业和农村经", "济、增加农民收入。"),
        ("（一）深入推进供给侧结", "构性改革。"),
        ("依法保护海外侨", "胞的合法权益。"),
        ("加快推进农业现代", "化。"),
    ],
)
def test_a_break_inside_a_word_gains(tail: str, head: str) -> None:
    assert straddle_gain(tail, head) >= WORD_CUT_MIN_GAIN


@pytest.mark.parametrize(
    ("tail", "head"),
    [
        ("三、积极推进经济结构调整", "进一步解决制约经济发展的问题。"),
        ("四、建设美丽中国", "人民群众对优美生态环境的需要日益增长。"),
        ("（三）夯实农业发展基础", "科学技术是第一生产力。"),
        ("五年来，外交工作开创新局面", "我们坚持独立自主的和平外交政策。"),
        ("稳步推进城镇化建设", "城镇化是现代化的必由之路。"),
    ],
)
def test_a_headline_and_its_body_gain_little(tail: str, head: str) -> None:
    assert straddle_gain(tail, head) < WORD_CUT_MIN_GAIN


_HAN = st.text(alphabet=st.characters(min_codepoint=0x4E00, max_codepoint=0x9FA5), min_size=1, max_size=10)


@settings(max_examples=200, deadline=None)
@given(left=_HAN, right=_HAN, latin=st.sampled_from(["", "abc", "2024", "。"]))
def test_gain_is_never_negative_and_needs_cjk_on_both_sides(left: str, right: str, latin: str) -> None:
    assert straddle_gain(left, right) >= 0
    if latin:
        assert straddle_gain(left + latin, right) == 0.0
        assert straddle_gain(left, latin + right) == 0.0


@settings(max_examples=200, deadline=None)
@given(text=_HAN)
def test_segmentation_covers_the_text(text: str) -> None:
    words = segment(text)
    assert "".join(words) == text
    assert all(0 < len(w) <= MAX_WORD for w in words)
    assert first_word(text) == words[0] and last_word(text) == words[-1]


def test_function_words_and_particles() -> None:
    assert ends_on_function_word("各地要加强生态修复，按照")
    assert not ends_on_function_word("推进经济结构调整")
    assert starts_on_particle("等领域的对外交往。")
    assert not starts_on_particle("等待时机。")


def test_the_list_is_read_lazily_and_jieba_never_imported() -> None:
    code = (
        "import sys, dedup, dedup.cli\n"
        "from dedup.rules import _cjk_words as w\n"
        "assert w.lexicon.cache_info().currsize == 0, 'read at import'\n"
        "dedup.check_text('The council voted to\\n\\napprove the bridge.')\n"
        "assert w.lexicon.cache_info().currsize == 0, 'read for Latin text'\n"
        "dedup.check_text('继续推进职业教\\n\\n育改革，扩大招生规模。')\n"
        "assert w.lexicon.cache_info().currsize == 1, 'not read for an ambiguous CJK break'\n"
        "assert 'jieba' not in sys.modules\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, cwd=REPO)


def test_in_process_lexicon_is_memoised() -> None:
    assert lexicon() is lexicon()
    assert _cjk_words.DATA.is_file()
    findings = dedup.check_text("继续推进职业教\n\n育改革，扩大招生规模。")
    assert [f.rule for f in findings if f.rule.startswith("LAY")] == ["LAY001"]
