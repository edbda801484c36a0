"""DUP001: a paragraph printed twice."""

from __future__ import annotations

from dedup.model import Severity
from dedup.rules import register
from dedup.rules._duplicates import DuplicateRunRule


@register
class DuplicateParagraph(DuplicateRunRule):
    """A paragraph that stands twice in the document, exactly or with a few OCR errors.

    The copy to keep is the more complete one: a copy cut off mid-sentence, or
    a truncated copy, is removed in favour of its twin; otherwise the first is
    kept.  A short line repeated on its own (a heading, "(完)") is not reported.

    Anti-pattern:
        The same paragraph, or a truncated copy of it, appears again later on
        the page because a column was scanned twice.

    Best practice:
        The paragraph stands once, where it is complete.
    """

    code = "DUP001"
    name = "duplicate-paragraph"
    kind = "duplicate-paragraph"
    default_severity = Severity.WARNING
    noun = "paragraph"
    examples_bad = (
        ("今年要稳定粮食生产，保障重要农产品供给。\n\n加强基础设施建设。\n\n今年要稳定粮食生产，保障重要农产品供给。",
         "今年要稳定粮食生产，保障重要农产品供给。\n\n加强基础设施建设。"),
    )
    examples_good = ("（完）\n\n第一篇文章正文。\n\n（完）",)
