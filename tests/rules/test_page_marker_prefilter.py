"""LAY004 scans only blocks holding a page word: the prefilter must never hide a marker."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from dedup.config import Config
from dedup.model import Document
from dedup.rules.base import Context
from dedup.rules.page_marker import PageMarker

_PIECES = [
    "【紧接第5版】", "（下转第4版）", "(上接第1版)", "接 第 3 版", "转至笫]版", "续见第十二页", "见第A3面",
    "Continued on page 4", "(From page 1)", "Page 3 of 12", "CONTINUED ON PAGE B2", "Contlnued on Pge Bight.",
    "see p. 4", "turn to pg 7", "pPage 3 of 12",
    "统筹推进", "方面", "全面发展", "版面", "页码", "a page", "upper", "map.",
    "。", "，", " ", "\n", "\n\n", "\r\n", "\u3000", "x", "他", "第", "版", "p", "P",
]


def _findings(text: str, prefilter: bool) -> list[tuple[object, ...]]:
    doc = Document(text)
    ctx = Context(doc=doc, config=Config())
    rule = PageMarker()
    rule.prefilter = prefilter  # type: ignore[misc]
    return [(f.span, f.message, f.fix) for f in rule.check(ctx)]


@settings(max_examples=400)
@given(st.lists(st.sampled_from(_PIECES), max_size=40).map("".join))
def test_prefilter_finds_what_every_block_finds(text: str) -> None:
    assert _findings(text, True) == _findings(text, False)


def test_prefilter_sees_markers() -> None:
    text = "统筹推进。\n\n【紧接第5版】全面发展。\n\nThe council met.\n\n(Continued on page 4)\n\n方面"
    found = _findings(text, True)
    assert len(found) == 2
    assert found == _findings(text, False)
