"""The invariants the fuzzer checks on one input: reader, every rule, the fixer, and clean.

``one_input(data)`` raises ``AssertionError`` (or any other exception) when an
invariant breaks; it is shared by the atheris driver (``fuzz_main.py``) and the
regression tests over the saved corpus (``test_fuzz_regressions.py``).

Input layout: the first byte picks a mode, the rest is the payload.

* mode % 3 == 0: the payload is a file's bytes; it goes through the reader first.
* mode % 3 == 1: the payload is UTF-8 text (undecodable bytes become surrogate
  escapes, which the reader never produces but the API accepts).
* mode % 3 == 2: the payload is UTF-8 text made into a document by repeating and
  interleaving its paragraphs, so the duplicate rules see copies more often than
  random bytes would give them.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from content_verifier import lost_content

from dedup.config import Config
from dedup.engine import check_document, clean_document
from dedup.io import InputError, decode_bytes, encode_text
from dedup.model import Document

CONFIG = Config(select=("all",))


def _structured(text: str) -> str:
    """Paragraphs of ``text`` with some copied, to reach the duplicate and repeat rules."""
    paras = [p for p in text.split("|") if p]
    if not paras:
        return text
    out: list[str] = []
    for i, p in enumerate(paras):
        out.append(p)
        if i % 3 == 1:
            out.append(p)
        if i % 4 == 2 and i >= 2:
            out.append(paras[i - 2])
    return "\n\n".join(out)


def check_text_invariants(text: str) -> None:
    """Every finding's spans re-slice ``text``; clean keeps content, is idempotent, and its
    incremental later passes end where whole-text passes do."""
    doc = Document(text, path="<fuzz>")
    result = check_document(doc, CONFIG)
    n = len(text)
    for f in result.findings:
        for span in (f.span, *f.related):
            assert 0 <= span.start <= span.end <= n, f"{f.rule} span {span} outside [0, {n}]"
        if f.fix is not None:
            for e in f.fix.edits:
                assert text[e.start : e.end] == e.expected, f"{f.rule} edit expects text that is not there"
            for k in f.fix.keeps:
                assert 0 <= k.start <= k.end <= n, f"{f.rule} keep {k} outside the text"
    cleaned = clean_document(doc, CONFIG)
    again = clean_document(Document(cleaned.text, path="<fuzz>"), CONFIG)
    assert again.text == cleaned.text, "clean is not idempotent"
    if cleaned.passes > 1:
        # later passes look only where the text changed: they must end where re-checking it all does
        reference = clean_document(Document(text, path="<fuzz>"), CONFIG, incremental=False)
        assert reference.text == cleaned.text, "incremental later passes differ from whole-text passes"
    losses = lost_content(text, cleaned.text)
    assert not losses, f"clean lost unique content: {losses[0]}"


def check_reader(payload: bytes) -> str | None:
    """The reader raises only InputError; what it decodes re-encodes to the same text."""
    try:
        decoded = decode_bytes(payload)
    except InputError as exc:
        message = str(exc)
        assert message and "\n" not in message, "InputError message must be one line"
        return None
    data = encode_text(decoded.text, decoded.encoding, decoded.bom)
    if decoded.encoding.startswith("utf"):
        # UTF codecs are bijections: the bytes must survive exactly
        assert data == payload, f"{decoded.encoding} round trip changed the bytes"
    again = decode_bytes(data, decoded.encoding)
    assert again.text == decoded.text, "re-reading the written bytes gives other text"
    return decoded.text


def one_input(data: bytes) -> None:
    if not data:
        return
    mode, payload = data[0] % 3, data[1:]
    if mode == 0:
        text = check_reader(payload)
        if text is None:
            return
    elif mode == 1:
        text = payload.decode("utf-8", "surrogateescape")
    else:
        text = _structured(payload.decode("utf-8", "replace"))
    check_text_invariants(text)
