"""Debian's Chromium (/usr/bin/chromium) driven by Playwright, headless, with a new empty
profile and nothing that reaches the network on its own. `./scripts/test` installs the browser
with apt-get when it is missing; where apt-get is not available it says so loudly and sets
WHOSBEHIND_NO_BROWSER, and only then are the browser tests skipped."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
NO_BROWSER_ENV = "WHOSBEHIND_NO_BROWSER"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def require_chromium() -> Path:
    if CHROMIUM.exists():
        return CHROMIUM
    if os.environ.get(NO_BROWSER_ENV):
        pytest.skip(
            f"SKIPPED LOUDLY: {CHROMIUM} is missing and apt-get was not available to install it "
            f"({NO_BROWSER_ENV} set by ./scripts/test): the browser tests did not run"
        )
    pytest.fail(f"{CHROMIUM} is missing: ./scripts/test installs it (apt-get install chromium)")


def artifacts_folder() -> Path:
    """Where screenshots go: $WHOSBEHIND_TEST_ARTIFACTS, else a new temporary folder."""
    chosen = os.environ.get("WHOSBEHIND_TEST_ARTIFACTS")
    folder = Path(chosen) if chosen else Path(tempfile.mkdtemp(prefix="whosbehind-browser-"))
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@contextmanager
def chromium_context() -> Iterator[object]:
    """A Playwright browser context of Chromium with a profile of its own (removed after)."""
    executable = require_chromium()
    from playwright.sync_api import sync_playwright

    profile = Path(tempfile.mkdtemp(prefix="whosbehind-chromium-"))
    try:
        with sync_playwright() as playwright:
            context = playwright.chromium.launch_persistent_context(
                str(profile),
                executable_path=str(executable),
                headless=True,
                args=ARGS,
                viewport={"width": 1280, "height": 900},
                service_workers="block",
            )
            try:
                yield context
            finally:
                context.close()
    finally:
        shutil.rmtree(profile, ignore_errors=True)
