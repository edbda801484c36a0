"""Reading and writing text: encodings, BOM, newline styles survive a clean."""

from __future__ import annotations

import codecs
from pathlib import Path

import pytest
from click.testing import CliRunner

from dedup.cli import cli
from dedup.io import InputError, decode_bytes, encode_text, read_document, write_atomic

SAMPLE = "加快建设现代化基础设施体系，推进重大交通项目。\n\n持续优化营商环境，深化改革。"
DUP = "持续优化营商环境，深化放管服改革，降低制度性交易成本，激发市场主体活力。"


@pytest.mark.parametrize(
    ("encoding", "bom"),
    [("utf-8", False), ("utf-8", True), ("utf-16-le", True), ("utf-16-be", True), ("gb18030", False), ("big5", False)],
)
def test_decode_detects_and_round_trips(encoding: str, bom: bool) -> None:
    text = SAMPLE * 4 if encoding != "big5" else "繁體中文的段落，測試編碼偵測是否正確。\n\n第二段落，內容不同。" * 4
    data = encode_text(text, encoding, bom)
    decoded = decode_bytes(data)
    assert decoded.text == text
    assert decoded.bom == bom
    assert encode_text(decoded.text, decoded.encoding, decoded.bom) == data


def test_utf16_without_bom_is_recognised() -> None:
    data = "Plain ASCII text in UTF-16.\nSecond line.".encode("utf-16-le")
    assert decode_bytes(data).text.startswith("Plain ASCII")


def test_binary_is_refused_in_one_line() -> None:
    with pytest.raises(InputError, match="binary"):
        decode_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")


def test_explicit_encoding_wins() -> None:
    data = SAMPLE.encode("gb18030")
    assert decode_bytes(data, "gb18030").text == SAMPLE
    with pytest.raises(InputError):
        decode_bytes(data, "utf-8")


def test_crlf_survives_clean(tmp_path: Path) -> None:
    text = "\r\n\r\n".join(["开篇段落讲述总体要求。", DUP, "中间的段落说明别的事情。", DUP])
    src = tmp_path / "crlf.txt"
    src.write_bytes(text.encode("utf-8"))
    out = tmp_path / "out.txt"
    result = CliRunner().invoke(cli, ["clean", str(src), "-o", str(out)])
    assert result.exit_code == 0, result.output
    data = out.read_bytes()
    assert data.count(DUP.encode()) == 1
    assert b"\r\n" in data and b"\n" not in data.replace(b"\r\n", b"")


@pytest.mark.parametrize(("encoding", "bom"), [("gb18030", False), ("utf-8", True), ("utf-16-le", True)])
def test_encoding_and_bom_survive_clean(tmp_path: Path, encoding: str, bom: bool) -> None:
    text = "\n\n".join(["开篇段落讲述总体要求。", DUP, "中间的段落说明别的事情。", DUP])
    src = tmp_path / "in.txt"
    src.write_bytes(encode_text(text, encoding, bom))
    result = CliRunner().invoke(cli, ["clean", str(src), "--in-place"])
    assert result.exit_code == 0, result.output
    doc = read_document(src)
    assert doc.encoding == encoding and doc.bom == bom
    assert doc.text.count(DUP) == 1


def test_write_atomic_keeps_mode_and_leaves_no_temp(tmp_path: Path) -> None:
    target = tmp_path / "f.txt"
    target.write_text("old")
    target.chmod(0o640)
    write_atomic(target, b"new")
    assert target.read_bytes() == b"new"
    assert target.stat().st_mode & 0o777 == 0o640
    assert [p.name for p in tmp_path.iterdir()] == ["f.txt"]


def test_utf8_bom_codec_name() -> None:
    data = codecs.BOM_UTF8 + SAMPLE.encode()
    decoded = decode_bytes(data)
    assert decoded.encoding == "utf-8" and decoded.bom


def test_new_output_file_gets_ordinary_permissions(tmp_path: Path) -> None:
    import os

    target = tmp_path / "new.txt"
    write_atomic(target, b"x")
    umask = os.umask(0)
    os.umask(umask)
    assert target.stat().st_mode & 0o777 == 0o666 & ~umask


def test_chunked_utf8_read_equals_whole_file_decoding(tmp_path: Path) -> None:
    """Chunked reading (memory) must give what decode_bytes gives, whatever falls on a chunk edge."""
    import dedup.io as dio

    samples = {
        "zh": ("统筹推进，高新区。\r\n" * 40).encode("utf-8"),
        "bom": codecs.BOM_UTF8 + "𠮷野家\n".encode() * 30,
        "fullwidth-first": "！开头\n".encode() * 30,
        "invalid": "好".encode() * 20 + b"\xff" + b"tail",
        "nul": b"a\x00b",
        "utf16": codecs.BOM_UTF16_LE + "文本".encode("utf-16-le"),
    }
    old = dio._CHUNK
    try:
        for size in (1, 2, 5, 7, 1 << 20):
            dio._CHUNK = size  # multi-byte characters split across chunks
            for name, data in samples.items():
                path = tmp_path / f"{name}.txt"
                path.write_bytes(data)
                try:
                    expected: object = dio.decode_bytes(data)
                except dio.InputError as exc:
                    expected = str(exc)
                try:
                    doc = dio.read_document(path)
                    got: object = dio.Decoded(doc.text, doc.encoding, doc.bom)
                except dio.InputError as exc:
                    got = str(exc)
                assert got == expected, (name, size)
    finally:
        dio._CHUNK = old
