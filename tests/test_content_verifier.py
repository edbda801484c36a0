"""The independent no-loss verifier must see real losses and excuse only twins and furniture."""

from __future__ import annotations

import pytest
from content_verifier import lost_content

PARA = "今年要稳定粮食生产，保障重要农产品供给，加快建设现代化产业体系。"
OTHER = "推进高水平对外开放，稳住外贸外资基本盘，持续优化营商环境。"
NEAR = PARA.replace("粮", "量")


@pytest.mark.parametrize(
    ("before", "after"),
    [
        (f"{PARA}\n\n{OTHER}", PARA),  # a unique paragraph deleted
        (f"{PARA}\n\n{OTHER}", f"{PARA}\n\n推进高水平对外开放。"),  # a unique tail cut off
        (f"{PARA}{OTHER}", OTHER),  # the head of a line deleted
        ("The council met on Monday and voted.\n\nIt adjourned at noon.", "The council met on Monday and voted."),
    ],
    ids=["paragraph", "tail", "head-of-line", "english"],
)
def test_losses_are_seen(before: str, after: str) -> None:
    assert lost_content(before, after)


@pytest.mark.parametrize(
    ("before", "after"),
    [
        (f"{PARA}\n\n{OTHER}\n\n{PARA}", f"{PARA}\n\n{OTHER}"),  # an exact copy
        (f"{PARA}\n\n{OTHER}\n\n{NEAR}", f"{PARA}\n\n{OTHER}"),  # a copy with one OCR substitution
        ("\n\n".join([PARA, NEAR, PARA, PARA, NEAR, NEAR, PARA]), PARA),  # seven copies, two readings
        # found by hypothesis: repeated lines collapsed, and one line kept only its head's attribution
        ("\n\n".join(f"回九积产{c}、风布见线需备没，东不位节研个！" for c in "做做增做做增增") + "\n",
         "回九积产做、风布见线需备没，东不位节研个！\n"),
        (f"{PARA}\n\n人民日报 2022年3月1日\n\n{OTHER}\n\n人民日报 2022年3月2日", f"{PARA}\n\n{OTHER}"),  # headers
        (f"{PARA[:12]}\n\n{OTHER}\n\n{PARA[12:]}", f"{PARA}\n\n{OTHER}"),  # a join moves text, loses none
    ],
    ids=["exact-copy", "near-copy", "seven-copies", "seven-copies-found", "running-header", "join"],
)
def test_twins_and_furniture_are_excused(before: str, after: str) -> None:
    assert not lost_content(before, after)


def test_a_copy_alike_but_for_its_number_is_no_twin() -> None:
    numbered = "\n\n".join(f"第{i}段，内容各不相同。" for i in (1, 2, 300))
    lost = lost_content(numbered, "第1段，内容各不相同。")
    assert len(lost) == 2 and lost[0].text.startswith("第2段")
    years = "In 1915 the council approved the bridge.\n\nIn 1916 the council approved the bridge."
    assert lost_content(years, "In 1915 the council approved the bridge.")
    # a true copy (same number) may go; a lone digit inside a word is OCR noise, not a number
    assert not lost_content(numbered + "\n\n第2段，内容各不相同。", numbered)
    assert not lost_content("The mayor of t`e2county spoke.\n\nThe mayor of t`e county spoke.",
                            "The mayor of t`e county spoke.")


def test_numbers_end_with_their_line() -> None:
    # the skeleton drops line breaks: 0 and the 1 of the next line are two numbers, not "01"
    before = "Some text of the council.\n\n。一0\n\n1. Proposal Station Moved\n\nMore text here."
    after = "Some text of the council.\n\n1. Proposal Station Moved 。一0\n\nMore text here."
    assert not lost_content(before, after)
