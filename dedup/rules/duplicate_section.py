"""DUP002: a run of consecutive paragraphs (heading and body) printed twice."""

from __future__ import annotations

from dedup.model import Severity
from dedup.rules import register
from dedup.rules._duplicates import DuplicateRunRule


@register
class DuplicateSection(DuplicateRunRule):
    """A section (a heading and its paragraphs) printed twice, reported once with both ranges.

    Consecutive duplicated blocks form one finding.  Headings may differ in
    their number (（七） and （九）) when the text under them is the same.

    Anti-pattern:
        A heading and the paragraphs under it reappear as a block elsewhere,
        typically with the first copy cut off mid-sentence.

    Best practice:
        The section stands once, in its complete copy; ``numbering-gap`` then
        reports the number that is missing.
    """

    code = "DUP002"
    name = "duplicate-section"
    kind = "duplicate-section"
    default_severity = Severity.WARNING
    noun = "section"
    examples_bad = (
        ("（一）稳增长\n\n扩大有效投资，加快重大项目建设。\n\n（二）保民生\n\n（一）稳增长\n\n扩大有效投资，加快重大项目建设。",
         None),
    )
    examples_good = ("（一）稳增长\n\n扩大有效投资。\n\n（二）保民生\n\n稳定就业。",)
