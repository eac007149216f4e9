"""Headless Chromium for the browser tests: Debian's package (or GH_ANALYSIS_TEST_CHROMIUM), launched by path
through Playwright's sync API. Tests that use the `browser` fixture (tests/conftest.py) carry `needs_chromium`,
so they are skipped where no Chromium is installed."""

from __future__ import annotations

import os

import pytest

CHROMIUM = os.environ.get("GH_ANALYSIS_TEST_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
needs_chromium = pytest.mark.skipif(
    not os.access(CHROMIUM, os.X_OK),
    reason=f"no Chromium at {CHROMIUM} (apt-get install chromium, or set GH_ANALYSIS_TEST_CHROMIUM)",
)
