"""Bytes to text and back: BOM, encoding detection, newline style, atomic writes."""

from __future__ import annotations

import codecs
import contextlib
import os
import sys
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from dedup.model import Document

__all__ = ["InputError", "decode_bytes", "encode_text", "read_document", "write_atomic"]


class InputError(Exception):
    """A file that cannot be read as text; the message is one line naming the cause."""


_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)

# Codecs whose BOM we strip on read and write back on save.
_BOM_FOR = {
    "utf-8": codecs.BOM_UTF8,
    "utf-16-le": codecs.BOM_UTF16_LE,
    "utf-16-be": codecs.BOM_UTF16_BE,
    "utf-32-le": codecs.BOM_UTF32_LE,
    "utf-32-be": codecs.BOM_UTF32_BE,
}


@dataclass(frozen=True, slots=True)
class Decoded:
    text: str
    encoding: str
    bom: bool


def _normalise_codec(name: str) -> str:
    try:
        return codecs.lookup(name).name
    except LookupError:
        raise InputError(f"unknown encoding {name!r}") from None


def _looks_binary(data: bytes) -> bool:
    # NUL bytes never occur in the 8-bit text encodings we read; UTF-16/32 are caught by BOM or
    # by the decoder before this check runs.
    return b"\x00" in data


def _plausible_text(text: str) -> bool:
    """Decoded text that reads as prose: common scripts only, no control or unassigned code points.

    Used to accept UTF-16 without a BOM: a wrong byte order (or binary data) decodes to
    unassigned code points, U+xx00 oddities and controls; real text also has separators.
    """
    if not text:
        return False
    common = 0
    for ch in text:
        o = ord(ch)
        if o < 0x80:
            if o < 32 and ch not in "\t\n\r\f\v":
                return False
            common += 1
        elif 0x4E00 <= o <= 0x9FFF or 0x3000 <= o <= 0x303F or 0xFF00 <= o <= 0xFFEF or 0xA0 <= o <= 0x24F:
            common += 1
        elif unicodedata.category(ch) in ("Cc", "Cs", "Co", "Cn"):
            return False
    if common < 0.9 * len(text):
        return False
    # prose has line breaks, spaces or punctuation somewhere; binary read as UTF-16 rarely does
    return any(sep in text for sep in ("\n", "\r", " ", "，", "。", ",", "."))


def _utf16_without_bom(data: bytes) -> tuple[str, str] | None:
    """``(codec, text)`` when NUL-bearing ``data`` reads as UTF-16 prose in exactly one byte order."""
    if len(data) < 2 or len(data) % 2:
        return None
    found: list[tuple[str, str]] = []
    for codec in ("utf-16-le", "utf-16-be"):
        try:
            text = data.decode(codec)
        except UnicodeDecodeError:
            continue
        if _plausible_text(text):
            found.append((codec, text))
    if len(found) == 2:
        # ASCII read in the wrong byte order becomes U+xx00 characters: the right order has fewer
        odd = [sum(1 for ch in text if ord(ch) > 0xFF and not ord(ch) & 0xFF) for _, text in found]
        if odd[0] != odd[1]:
            return found[0] if odd[0] < odd[1] else found[1]
        return None
    return found[0] if found else None


def _mostly_utf8(data: bytes) -> bool:
    """UTF-8 with a few damaged bytes (not a legacy 8-bit encoding): valid multi-byte sequences dominate."""
    text = data.decode("utf-8", "replace")
    bad = text.count("\ufffd")
    multibyte = sum(1 for ch in text if ord(ch) >= 0x80) - bad
    return multibyte >= 8 and bad <= 0.02 * multibyte


def decode_bytes(data: bytes, encoding: str | None = None) -> Decoded:
    """Decode ``data``: an explicit ``encoding``, else BOM, else strict UTF-8, else detection.

    Raises:
        InputError: the bytes are binary or undecodable.
    """
    if encoding:
        codec = _normalise_codec(encoding)
        bom = False
        if codec in ("utf-8", "utf-8-sig"):
            codec = "utf-8"
            if data.startswith(codecs.BOM_UTF8):
                data, bom = data[len(codecs.BOM_UTF8) :], True
        elif codec in ("utf-16", "utf-32"):
            for mark, name in _BOMS:
                if data.startswith(mark) and name.startswith(codec):
                    data, codec, bom = data[len(mark) :], name, True
                    break
        elif codec in _BOM_FOR and data.startswith(_BOM_FOR[codec]):
            # an explicit byte order with its own BOM: strip it (and write it back), never decode it as U+FEFF
            data, bom = data[len(_BOM_FOR[codec]) :], True
        try:
            return Decoded(data.decode(codec), codec, bom)
        except UnicodeDecodeError as exc:
            raise InputError(f"cannot decode as {encoding}: invalid byte at offset {exc.start}") from None

    for mark, name in _BOMS:
        if data.startswith(mark):
            try:
                return Decoded(data[len(mark) :].decode(name), name, True)
            except UnicodeDecodeError as exc:
                raise InputError(f"invalid {name} after its byte-order mark at offset {exc.start}") from None

    if _looks_binary(data):
        utf16 = _utf16_without_bom(data)
        if utf16 is not None:
            return Decoded(utf16[1], utf16[0], False)
        raise InputError("binary file (contains NUL bytes)")
    try:
        return Decoded(data.decode("utf-8"), "utf-8", False)
    except UnicodeDecodeError as exc:
        if _mostly_utf8(data):
            # guessing a legacy codec for damaged UTF-8 would turn every Chinese character into mojibake
            raise InputError(
                f"invalid UTF-8 at byte {exc.start} (damaged file? pass --encoding to read it another way)"
            ) from None

    from charset_normalizer import from_bytes  # lazy: only non-UTF-8 input pays for it

    best = from_bytes(data, cp_isolation=None).best()
    if best is None:
        raise InputError("not text: no encoding decodes it (pass --encoding)")
    codec = _normalise_codec(best.encoding)
    # GBK is a subset of GB18030: decode with the superset so rare characters survive.
    if codec in ("gbk", "gb2312"):
        codec = "gb18030"
    try:
        text = data.decode(codec)
    except UnicodeDecodeError:
        raise InputError(f"not text: detected {codec} but it does not decode (pass --encoding)") from None
    if _control_ratio(text) > 0.05:
        raise InputError("binary file (mostly control characters)")
    return Decoded(text, codec, False)


def _control_ratio(text: str) -> float:
    if not text:
        return 0.0
    bad = sum(1 for ch in text if ord(ch) < 32 and ch not in "\t\n\r\f\v")
    return bad / len(text)


def encode_text(text: str, encoding: str, bom: bool) -> bytes:
    """The inverse of :func:`decode_bytes` for the same encoding and BOM flag."""
    data = text.encode(encoding)
    if bom:
        data = _BOM_FOR.get(encoding, b"") + data
    return data


def read_document(path: str | os.PathLike[str], encoding: str | None = None) -> Document:
    """Read a file (``-`` for stdin) into a :class:`Document`.

    Raises:
        InputError: with a one-line cause (missing, a directory, unreadable, binary, undecodable).
    """
    name = os.fspath(path)
    if name == "-":
        data = sys.stdin.buffer.read()
    else:
        try:
            if encoding is None or _normalise_codec(encoding) in ("utf-8", "utf-8-sig"):
                streamed = _read_utf8(name)
                if streamed is not None:
                    return Document(streamed.text, path=name, encoding=streamed.encoding, bom=streamed.bom)
            data = Path(name).read_bytes()
        except FileNotFoundError:
            raise InputError("no such file") from None
        except IsADirectoryError:
            raise InputError("is a directory") from None
        except PermissionError:
            raise InputError("permission denied") from None
        except OSError as exc:
            raise InputError(exc.strerror or str(exc)) from None
    decoded = decode_bytes(data, encoding)
    return Document(decoded.text, path=name, encoding=decoded.encoding, bom=decoded.bom)


#: bytes decoded at a time: the decoder's working buffer (4 bytes a character) stays this small
_CHUNK = 1 << 20


def _read_utf8(name: str) -> Decoded | None:
    """The file decoded as UTF-8 chunk by chunk, or None when it needs :func:`decode_bytes`.

    Whole-file decoding holds the bytes, a 4-byte-per-character working buffer and the result
    at once (about 4x a Chinese file); chunks keep the peak near twice the text.  Anything but
    clean UTF-8 (a NUL byte, an invalid sequence, another BOM) returns None, and the caller
    reads the file the general way, so the result is the same as :func:`decode_bytes`.
    """
    decoder = codecs.getincrementaldecoder("utf-8")("strict")
    parts: list[str] = []
    bom = False
    with open(name, "rb") as handle:
        first = True
        while True:
            # the first read covers any BOM whole, whatever the chunk size
            chunk = handle.read(max(_CHUNK, 4) if first else _CHUNK)
            if first:
                first = False
                if chunk.startswith(codecs.BOM_UTF8):
                    chunk, bom = chunk[len(codecs.BOM_UTF8) :], True
                elif any(chunk.startswith(mark) for mark, _ in _BOMS):
                    return None  # a UTF-16 BOM: the general path
            if b"\x00" in chunk:
                return None
            try:
                parts.append(decoder.decode(chunk, final=not chunk))
            except UnicodeDecodeError:
                return None
            if not chunk:
                break
    return Decoded("".join(parts), "utf-8", bom)


def write_atomic(path: str | os.PathLike[str], data: bytes) -> None:
    """Write ``data`` to ``path`` via a temporary file in the same folder, fsync, then rename.

    The original mode is kept; on any failure the original file is untouched.
    """
    import tempfile  # lazy: it pulls in random, shutil and more (~20 ms) that a check never needs

    target = Path(path)
    folder = target.parent if str(target.parent) else Path(".")
    try:
        mode = target.stat().st_mode & 0o7777
    except FileNotFoundError:
        # a new file gets the permissions open() would give it, not mkstemp's private 0600
        umask = os.umask(0)
        os.umask(umask)
        mode = 0o666 & ~umask
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
