"""Browser test helpers: Debian's Chromium through Playwright, and a local server.

Not a test module. Use it from tests like this::

    from browser import chromium, serve

    @pytest.fixture(scope="session")
    def browser():
        with chromium() as b:
            yield b

    @pytest.fixture(scope="session")
    def server(site):
        with serve(site) as s:
            yield s          # s.origin == "http://127.0.0.1:PORT"

Without Chromium or Playwright, `chromium()` skips the test with the reason;
when the environment variable CI is set, it fails it instead. It never
downloads a browser (`playwright install` cannot work here).
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, NoReturn

import pytest

# Debian's Chromium, the full browser: what Lighthouse measures (tests/test_lighthouse.py), as readers run it.
FULL_CHROMIUM = Path(os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"))
# The tests drive Debian's chromium-headless-shell when it is installed: the same Chromium build without the
# windowing layer, which is what Playwright itself runs for headless tests. A page load costs a third less
# processor there (tests/test_browser.py: 70 core-seconds against 108 with the full browser, 7 December 2026).
# Without it, the full browser. CHROMIUM_PATH, when set, names the one to use.
HEADLESS_SHELL = Path("/usr/bin/chromium-headless-shell")
CHROMIUM = Path(os.environ.get("CHROMIUM_PATH") or (HEADLESS_SHELL if HEADLESS_SHELL.exists() else FULL_CHROMIUM))
CHROMIUM_ARGS = (
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
)
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}
PHONE_360 = {"width": 360, "height": 740}  # the smallest phone the site is made for


# -----------------------------------------------------------------------------
# Browser
# -----------------------------------------------------------------------------


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


def unavailable(reason: str) -> NoReturn:
    """Skip the test, or fail it when CI is set (CI must run every browser test)."""
    if in_ci():
        pytest.fail(f"{reason} (CI is set, so this is a failure, not a skip)", pytrace=False)
    pytest.skip(reason)


@contextmanager
def chromium(**launch_options: Any) -> Iterator[Any]:
    """Start Playwright and Debian's Chromium (headless); yield the Browser."""
    if not CHROMIUM.exists():
        unavailable(f"{CHROMIUM} not found: install Debian's Chromium (apt-get install chromium chromium-headless-shell)")
    try:
        from playwright.sync_api import Error, sync_playwright
    except ImportError:
        unavailable("Playwright for Python is not installed: pip install -r requirements-dev.txt")
    with sync_playwright() as playwright:
        try:
            browser = playwright.chromium.launch(
                executable_path=str(CHROMIUM), args=list(CHROMIUM_ARGS), **launch_options
            )
        except Error as error:
            unavailable(f"{CHROMIUM} did not start under Playwright: {str(error).splitlines()[0]}")
        try:
            yield browser
        finally:
            browser.close()


# -----------------------------------------------------------------------------
# Local server
# -----------------------------------------------------------------------------

from artelabs.localserve import Served, serve  # noqa: E402,F401 (the tests serve the site with it)


def node_tool(name: str) -> Path:
    """A program from the repo's node_modules/.bin (npm ci), or skip/fail."""
    tool = Path(__file__).resolve().parent.parent / "node_modules" / ".bin" / name
    if not tool.exists():
        unavailable(f"{tool} not found: run `npm ci` in the repository (Node 20 and npm)")
    if shutil.which("node") is None:
        unavailable("node not found: install Node.js 20")
    return tool


# -----------------------------------------------------------------------------
# Phone first: nothing scrolls sideways
# -----------------------------------------------------------------------------

# Elements that scroll sideways, or stick out of the screen, in the page's
# content, header and footer (closed drawers and the closed search are not shown).
SIDEWAYS = """() => {
  const width = document.documentElement.clientWidth
  const out = []
  for (const el of document.querySelectorAll(".md-header *, .md-main *, .md-footer *")) {
    if (!el.getClientRects().length || el.clientWidth === 0 || el.closest(".md-search, .md-sidebar")) continue
    const style = getComputedStyle(el)
    if (style.visibility === "hidden") continue
    if (["auto", "scroll"].includes(style.overflowX) && el.scrollWidth > el.clientWidth + 1)
      out.push(`${el.tagName.toLowerCase()}.${el.className} scrolls (${el.scrollWidth} > ${el.clientWidth})`)
  }
  return {page: document.documentElement.scrollWidth, width, inner: window.innerWidth, out}
}"""


def assert_nothing_scrolls_sideways(page: Any, url: str) -> None:
    """Neither the page nor any element of it scrolls sideways (Material's closed drawers and search aside)."""
    result = page.evaluate(SIDEWAYS)
    assert result["page"] <= result["inner"], f"{url}: the page is {result['page']} px wide on a {result['inner']} px screen"
    assert result["out"] == [], f"{url}: " + "; ".join(result["out"])



# -----------------------------------------------------------------------------
# Deep links: the heading in view
# -----------------------------------------------------------------------------

IN_VIEW = """selector => {
  const element = document.querySelector(selector), header = document.querySelector("header.md-header")
  if (!element || !header) return false
  const box = element.getBoundingClientRect()
  return header.getBoundingClientRect().bottom <= box.top + 1 && box.bottom <= window.innerHeight
}"""


def wait_in_view(page: Any, selector: str, timeout: float = 5000) -> None:
    """Until the element is below the sticky header and above the fold: Material scrolls after the load,
    later on a busy machine. The caller's assertions then say what is wrong, if it never is."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    try:
        page.wait_for_function(IN_VIEW, arg=selector, timeout=timeout)
    except PlaywrightTimeout:
        pass
