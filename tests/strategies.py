"""Hypothesis strategies: documents in Chinese, English or both, with and without injected faults.

The bulk of a document comes from :mod:`gen_docs` (seeded by hypothesis, so a failing
example replays), and hypothesis adds paragraphs of its own drawing (which shrink
well) and, for the "faults" variant, raw damage: control characters, combining
marks, lone surrogates, stray CR, full-width forms.
"""

from __future__ import annotations

import random

import gen_docs
from hypothesis import strategies as st

__all__ = ["FAULT_KINDS", "documents", "raw_paragraphs"]

FAULT_KINDS = gen_docs.FAULTS

_ALPHABET = list("的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说")
_ALPHABET += list("，。、；！？“”（）《》：")
_ALPHABET += list("the council met on tuesday mayor roads ABC .,;!?'\"()-0123456789")
_DAMAGE = ["\x00", "\x07", "\x1b", "\u0301", "\u0308", "\ud800", "\udcff", "\r", "\ufeff", "\u3000", "Ａ", "１",
           "\u200b", "\U00020000", "\t", "\f"]

#: a paragraph hypothesis draws itself (no blank line inside it)
raw_paragraphs = st.text(alphabet=st.sampled_from(_ALPHABET), min_size=1, max_size=80).filter(lambda s: s.strip())


@st.composite
def documents(draw: st.DrawFn, *, faults: bool | None = None) -> str:
    """A document; ``faults`` True forces injected faults, False forbids them, None draws either way."""
    with_faults = draw(st.booleans()) if faults is None else faults
    lang = draw(st.sampled_from(("zh", "en", "mixed")))
    seed = draw(st.integers(min_value=0, max_value=2**32 - 1))
    count = draw(st.integers(min_value=1, max_value=10))
    kinds = tuple(draw(st.lists(st.sampled_from(FAULT_KINDS), min_size=1, max_size=5))) if with_faults else ()
    newline = draw(st.sampled_from(("\n", "\n", "\r\n", "\r")))
    doc = gen_docs.make_document(random.Random(seed), lang=lang, paragraphs=count, faults=kinds, newline="\n")
    blocks = doc.text.rstrip("\n").split("\n\n")
    # paragraphs of hypothesis's own, some copied (a duplicate hypothesis can shrink)
    for para in draw(st.lists(raw_paragraphs, max_size=3)):
        blocks.insert(draw(st.integers(0, len(blocks))), para)
        if with_faults and draw(st.booleans()):
            blocks.insert(draw(st.integers(0, len(blocks))), para)
    text = "\n\n".join(blocks) + draw(st.sampled_from(("\n", "", "\n\n")))
    if with_faults and draw(st.booleans()):
        chars = list(text)
        for _ in range(draw(st.integers(1, 4))):
            chars.insert(draw(st.integers(0, len(chars))), draw(st.sampled_from(_DAMAGE)))
        text = "".join(chars)
    return text.replace("\n", newline) if newline != "\n" else text
