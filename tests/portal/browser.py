"""A real browser for the portal's tests: Debian's chromium driven by Playwright (never a downloaded browser).

Screenshots of every page go to PHOIHOP_SCREENSHOTS (default var/screenshots); the README's pictures are
made by running the browser tests with PHOIHOP_SCREENSHOTS=docs/images/portal.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
ROOT = Path(__file__).parents[2]


def screenshots_dir() -> Path:
    folder = Path(os.environ.get("PHOIHOP_SCREENSHOTS", ROOT / "var" / "screenshots"))
    folder.mkdir(parents=True, exist_ok=True)
    return folder


# Per module: Playwright's sync API keeps an event loop running in this thread while it is open, and a
# later test's asyncio.run() would find it.
@pytest.fixture(scope="module")
def chromium() -> Iterator[object]:
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
        yield browser
        browser.close()


def shoot(page, name: str) -> Path:  # noqa: ANN001 — a Playwright page
    path = screenshots_dir() / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
