"""Every CI format is a registered reporter module, and each renders empty input."""

from __future__ import annotations

import pytest

from dedup.reporters import get_reporter, reporter_names

FORMATS = ["table", "json", "sarif", "github", "rdjson", "junit", "diff"]


def test_all_formats_are_registered():
    assert set(FORMATS) <= set(reporter_names())


@pytest.mark.parametrize("name", FORMATS)
def test_each_format_renders_no_records(name, opts):
    out = get_reporter(name).render([], opts)
    assert isinstance(out, str)
    assert out == "" or out.endswith("\n")


def test_unknown_format_is_a_clear_error():
    with pytest.raises(ValueError, match="unknown format"):
        get_reporter("xml")
