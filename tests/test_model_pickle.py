"""Records cross process boundaries (--jobs): model objects survive pickling whole."""

from __future__ import annotations

import pickle

from dedup.engine import clean_document
from dedup.model import Document
from dedup.records import build_record


def test_records_round_trip(page_text: str) -> None:
    doc = Document(page_text, path="page.txt", encoding="gb18030", bom=True, newline="\r\n")
    record = build_record(clean_document(doc))
    again = pickle.loads(pickle.dumps(record))
    assert again.findings == record.findings
    assert [f.fingerprint for f in again.findings] == [f.fingerprint for f in record.findings]
    assert again.corrected == record.corrected
    assert again.doc is not None and record.doc is not None
    assert (again.doc.text, again.doc.path, again.doc.encoding, again.doc.bom, again.doc.newline) == (
        page_text, "page.txt", "gb18030", True, "\r\n")
    assert again.doc.blocks == record.doc.blocks
    assert [again.position(f.span) for f in again.findings] == [record.position(f.span) for f in record.findings]
    # the cached blocks stay behind: they are recomputed on the other side
    assert "blocks" not in pickle.loads(pickle.dumps(record.doc)).__dict__
