"""Cross-document near-duplicates: batch clustering of a corpus and a persistent passage index.

From a notebook or a data pipeline::

    from dedup.corpus import dedup_corpus
    result = dedup_corpus(["archive/"], engine="local", keep="longest")
    result.summary()            # documents, passages, clusters, duplicate fraction
    result.write_jsonl("clusters.jsonl")

    from dedup.corpus import open_index
    with open_index("index.sqlite") as index:   # or "redis://localhost:6379/0"
        index.add_paths(["archive/"])
        reports = index.check_paths(["new-page.txt"])

Names are loaded on first use so ``import dedup.corpus`` stays cheap.
"""

from __future__ import annotations

import importlib
from typing import Any

__all__ = [
    "DedupResult",
    "MatchParams",
    "Scheme",
    "SchemeMismatch",
    "dedup_corpus",
    "open_index",
    "sketch_text",
    "write_deduplicated",
]

_WHERE = {
    "DedupResult": "dedup.corpus.pipeline",
    "dedup_corpus": "dedup.corpus.pipeline",
    "MatchParams": "dedup.corpus.scheme",
    "Scheme": "dedup.corpus.scheme",
    "SchemeMismatch": "dedup.corpus.scheme",
    "sketch_text": "dedup.corpus.scheme",
    "open_index": "dedup.corpus.index",
    "write_deduplicated": "dedup.corpus.rewrite",
}


def __getattr__(name: str) -> Any:
    if name in _WHERE:
        return getattr(importlib.import_module(_WHERE[name]), name)
    raise AttributeError(name)
