"""A real browser for the portal's tests: Debian's chromium driven by Playwright (never a downloaded browser).

Screenshots of every page go to PHOIHOP_SCREENSHOTS (default var/screenshots); the README's pictures are
made by running the browser tests with PHOIHOP_SCREENSHOTS=docs/images/portal.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
ROOT = Path(__file__).parents[2]


def screenshots_dir() -> Path:
    folder = Path(os.environ.get("PHOIHOP_SCREENSHOTS", ROOT / "var" / "screenshots"))
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@contextmanager
def launched_chromium() -> Iterator[object]:
    """Debian's chromium, or a visible skip where the machine has none (a failure in CI, which installs it)."""
    if not CHROMIUM.exists():
        message = f"no browser at {CHROMIUM}: `apt-get install chromium` (.ci/run does)"
        if os.environ.get("PHOIHOP_TEST_REQUIRE_BROWSER"):
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=["--no-sandbox", "--lang=vi"], env={**os.environ, "LANGUAGE": "vi"}
        )
        try:
            yield browser
        finally:
            browser.close()


# Per module: Playwright's sync API keeps an event loop running in this thread while it is open, and a
# later test's asyncio.run() would find it.
@pytest.fixture(scope="module")
def chromium() -> Iterator[object]:
    with launched_chromium() as browser:
        yield browser


def shoot(page, name: str, full_page: bool = True) -> Path:  # noqa: ANN001 — a Playwright page
    """The page (whole, or what the window shows) as `<name>.png`."""
    path = screenshots_dir() / f"{name}.png"
    page.screenshot(path=str(path), full_page=full_page)
    return path
