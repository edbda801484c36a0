"""DUP003: a duplicated fragment of another article spliced into the text."""

from __future__ import annotations

from dedup.model import Severity
from dedup.rules import register
from dedup.rules._duplicates import DuplicateRunRule


@register
class SpliceDuplicate(DuplicateRunRule):
    """A fragment spliced in from elsewhere whose complete copy stands in its proper place.

    When a duplicated run of paragraphs starts mid-sentence and its twin
    continues a sentence cut at a column end, the twin is where the text
    belongs; this copy was spliced in by the layout and is removed.

    Anti-pattern:
        The tail of a neighbouring article (its last paragraphs and byline)
        appears in the middle of another text, and again where it belongs.

    Best practice:
        The tail stands once, after the sentence it completes.
    """

    code = "DUP003"
    name = "splice-duplicate"
    kind = "splice"
    default_severity = Severity.WARNING
    noun = "spliced fragment"
