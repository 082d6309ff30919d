"""Where the real-browser tests find Chromium and Playwright.

Both come from package registries: the ``playwright`` Python package (dev extra) and the system's Chromium
(Debian: ``apt-get install chromium``); Playwright's own browser downloads are never used. Without them the
browser tests skip, unless ``ADVISOR_REQUIRE_BROWSER=1`` (set by CI), where a missing browser is a failure.
"""

from __future__ import annotations

import os
import shutil

import pytest

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


def require_browser() -> str:
    """The Chromium executable; skips (or fails under ADVISOR_REQUIRE_BROWSER=1) when it or Playwright is missing."""
    missing = []
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        missing.append("the playwright package (pip install -e '.[dev]')")
    if CHROMIUM is None:
        missing.append("a system Chromium (apt-get install chromium)")
    if missing:
        reason = "browser test needs " + " and ".join(missing)
        if os.environ.get("ADVISOR_REQUIRE_BROWSER") == "1":
            pytest.fail(reason)
        pytest.skip(reason)
    assert CHROMIUM is not None
    return CHROMIUM
