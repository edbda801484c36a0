"""dedup: find and repair what OCR and page layout do to scanned documents.

The public API (heavy modules load on first use)::

    import dedup
    findings = dedup.check_text(text)
    result = dedup.clean_text(text)
    result.text, result.applied, result.skipped
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

__all__ = [
    "Config",
    "Document",
    "Finding",
    "__version__",
    "check_file",
    "check_text",
    "clean_file",
    "clean_text",
]

if TYPE_CHECKING:
    from dedup.config import Config
    from dedup.engine import CheckResult, CleanResult
    from dedup.model import Document, Finding


def check_text(text: str, config: Config | None = None, *, path: str = "<text>") -> list[Finding]:
    """Findings on ``text`` (offsets are code points into ``text``)."""
    from dedup.engine import check_document
    from dedup.model import Document

    return check_document(Document(text, path=path), config).findings


def clean_text(text: str, config: Config | None = None, *, path: str = "<text>") -> CleanResult:
    """Corrected ``text``: ``.text``, ``.applied``, ``.skipped``, ``.findings``."""
    from dedup.engine import clean_document
    from dedup.model import Document

    return clean_document(Document(text, path=path), config)


def check_file(path: str, config: Config | None = None, *, encoding: str | None = None) -> CheckResult:
    """Read ``path`` (encoding detected unless given) and check it."""
    from dedup.engine import check_document
    from dedup.io import read_document

    return check_document(read_document(path, encoding), config)


def clean_file(path: str, config: Config | None = None, *, encoding: str | None = None) -> CleanResult:
    """Read ``path`` and clean it; write the result yourself or use ``dedup clean``."""
    from dedup.engine import clean_document
    from dedup.io import read_document

    return clean_document(read_document(path, encoding), config)


def __getattr__(name: str) -> Any:
    if name == "Config":
        from dedup.config import Config

        return Config
    if name in ("Document", "Finding"):
        from dedup import model

        return getattr(model, name)
    raise AttributeError(name)
