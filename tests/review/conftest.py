"""Fixtures for the review tests: documents, the CLI, and a real headless Chromium."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from review.review_support import CHROMIUM, CHROMIUM_ARGS, PAGE


@pytest.fixture
def page_copy(tmp_path: Path) -> Path:
    """The example page, copied into the test's folder (outputs land beside it)."""
    target = tmp_path / PAGE.name
    shutil.copyfile(PAGE, target)
    return target


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """Headless Chromium from Debian's package; the tests skip (with the reason) where it is absent."""
    if not Path(CHROMIUM).exists():
        pytest.skip(f"{CHROMIUM} is not installed (apt-get install chromium; .ci/run installs it)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        instance = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            yield instance
        finally:
            instance.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    """A fresh page (own context, downloads allowed, no network) that fails the test on script errors."""
    context = browser.new_context(accept_downloads=True, viewport={"width": 1500, "height": 900})
    pg = context.new_page()
    errors: list[str] = []
    requests: list[str] = []
    pg.on("pageerror", lambda exc: errors.append(str(exc)))
    pg.on("request", lambda request: requests.append(request.url))
    yield pg
    context.close()
    assert not errors, f"script errors on the page: {errors}"
    remote = [u for u in requests if not u.startswith(("file:", "blob:", "data:"))]
    assert not remote, f"the page reached the network: {remote}"
