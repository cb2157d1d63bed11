"""Phone first: nothing scrolls sideways, port tables become blocks, copy buttons and heading links copy.

The built site is served on 127.0.0.1 (a secure context: the clipboard API
works) and loaded in Debian's Chromium through Playwright (tests/browser.py).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from browser import DESKTOP, Served, assert_nothing_scrolls_sideways, serve, wait_in_view

from conftest import LANGUAGES, PAGES, ROOT, VERSION_PAGES

PHONE_360 = {"width": 360, "height": 740}
PHONE_390 = {"width": 390, "height": 844}
DATA = yaml.safe_load((ROOT / "data" / "ports.yml").read_text(encoding="utf-8"))
IMAP = next(entry for entry in DATA["mail"] if entry["id"] == "imap")
STRINGS = yaml.safe_load((ROOT / "data" / "strings.yml").read_text(encoding="utf-8"))
COPY, COPIED, LINK_COPIED = STRINGS["copy"], STRINGS["copied"], STRINGS["link.copied"]
# Every page, the versions of the legal pages and the error page.
ALL_PAGES = (*PAGES, *VERSION_PAGES, "404.html")
# Dark palette, 390 and 1280 px: the pages with the most in them (tables, diagram, tabs, admonitions).
DARK_PAGES = ("", "mail/setup/", "mail/ports/", "mail/domain/")


def prefix(lang: str) -> str:
    return "" if lang == "en" else f"{lang}/"


def page_id(value: Any) -> str:
    return (value or "home") if isinstance(value, str) else str(value)


# -----------------------------------------------------------------------------
# Fixtures: one server, and one tab per screen and palette for the whole module
# -----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def server(site: Path) -> Iterator[Served]:
    with serve(site) as s:
        yield s


@pytest.fixture(scope="module")
def tabs(browser: Any) -> Iterator[Any]:
    """tabs(viewport, scheme) -> a Page, opened once per screen size and palette, reused by every page load."""
    opened: dict[tuple[int, str], Any] = {}

    def tab(viewport: dict, scheme: str = "light") -> Any:
        key = (viewport["width"], scheme)
        if key not in opened:
            context = browser.new_context(viewport=viewport, color_scheme=scheme, reduced_motion="reduce")
            context.set_default_timeout(10_000)
            opened[key] = context.new_page()
        return opened[key]

    yield tab
    for page in opened.values():
        page.context.close()


@pytest.fixture
def clipboard_tab(browser: Any, server: Served) -> Iterator[Any]:
    """A fresh tab that may read and write the clipboard (one per test: the clipboard is shared)."""
    context = browser.new_context(viewport=DESKTOP, reduced_motion="reduce", permissions=["clipboard-read", "clipboard-write"])
    context.set_default_timeout(10_000)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.errors = errors
    yield page
    context.close()


# (a) No page scrolls sideways: checked on every page at 360 px, and at 390 and 1280 px in both palettes
#     on the busiest pages, by tests/test_browser.py (the same page loads as the accessibility checks).


# -----------------------------------------------------------------------------
# (b) Port tables: blocks with labels on a phone, a table on a computer
# -----------------------------------------------------------------------------


@pytest.mark.parametrize("lang", LANGUAGES)
def test_servers_are_blocks_on_a_phone_and_a_table_on_a_computer(tabs: Any, server: Served, lang: str) -> None:
    label = {"en": '"Server: "', "fr": '"Serveur\u202f: "'}[lang]  # French: a narrow no-break space
    for viewport, display in ((PHONE_360, "block"), (DESKTOP, "table-row")):
        page = tabs(viewport)
        page.goto(server.url(f"/{prefix(lang)}mail/setup/"), wait_until="load")
        row = page.locator("#server-imap")
        assert row.evaluate("el => getComputedStyle(el).display") == display, f"{viewport['width']} px"
        header = page.locator(".mdx-ports thead").first
        host_cell = row.locator("td").first
        before = host_cell.evaluate("el => getComputedStyle(el, '::before').content")
        if display == "block":
            # Each cell says which column it is; the column headers stay for screen readers only.
            assert before.startswith(label), before
            assert header.bounding_box()["height"] <= 1
            assert row.bounding_box()["width"] <= viewport["width"]
        else:
            assert before in ("none", "normal"), before
            assert header.is_visible()
        # Screen readers keep the table: rows, row header and cells.
        assert page.get_by_role("table", name={"en": "Incoming mail servers", "fr": "Serveurs de réception"}[lang]).count() == 1
        assert row.get_by_role("cell").count() == 4


def test_copy_buttons_are_big_enough_to_tap(browser: Any, server: Served) -> None:
    """WCAG 2.5.8: 24 px at least with a mouse, 44 px on a touch screen."""
    for touch, least in ((False, 24), (True, 44)):
        context = browser.new_context(viewport=PHONE_360, has_touch=touch, is_mobile=touch)
        page = context.new_page()
        page.goto(server.url("/mail/setup/"), wait_until="load")
        for button in page.locator("#server-imap button.mdx-copy").all():
            box = button.bounding_box()
            assert box["width"] >= least and box["height"] >= least, f"touch={touch}: {box}"
        context.close()


# -----------------------------------------------------------------------------
# (c) and (d) Copy buttons and heading links: the clipboard and the status
# -----------------------------------------------------------------------------


def _clipboard(page: Any) -> str:
    return page.evaluate("() => navigator.clipboard.readText()")


def _status(page: Any) -> Any:
    return page.locator(".mdx-status[role=status]")


@pytest.mark.parametrize("lang", LANGUAGES)
def test_copy_button_copies_the_value_and_says_so(clipboard_tab: Any, server: Served, lang: str) -> None:
    from playwright.sync_api import expect

    page = clipboard_tab
    page.goto(server.url(f"/{prefix(lang)}mail/setup/"), wait_until="load")
    page.evaluate("() => navigator.clipboard.writeText('before')")
    status = _status(page)
    assert status.count() == 1 and status.inner_text() == "", "the status is there, silent, before it speaks"
    for value in (IMAP["host"], str(IMAP["port"])):
        button = page.get_by_role("button", name=f"{COPY[lang]} {value}", exact=True).first
        expect(button).to_be_visible()
        button.click()
        expect(status).to_have_text(COPIED[lang])
        assert _clipboard(page) == value
    # The buttons say what they copy, in the page's language.
    names = page.locator("#server-imap button.mdx-copy").evaluate_all("bs => bs.map(b => b.getAttribute('aria-label'))")
    assert names == [f"{COPY[lang]} {IMAP['host']}", f"{COPY[lang]} {IMAP['port']}"]
    assert page.errors == []


def test_staff_sheet_button_copies_the_link_before_it(clipboard_tab: Any, server: Served) -> None:
    """The staff sheet's buttons copy the production address of their link, whatever host shows the sheet."""
    from playwright.sync_api import expect

    site_url = re.search(r"^site_url:\s*(\S+)", (ROOT / "mkdocs.yml").read_text(encoding="utf-8"), re.M)[1].rstrip("/")
    page = clipboard_tab
    page.goto(server.url("/fr/staff/links/"), wait_until="load")
    for lang, address in (("fr", f"{site_url}/fr/mail/setup/#smtp"), ("en", f"{site_url}/mail/setup/#smtp")):
        link = page.locator(f'td > a[href="{address}"]')
        assert link.count() == 1, address
        button = link.locator("xpath=following-sibling::button[1]")
        assert button.evaluate("b => b.textContent") == COPY["fr"]
        button.scroll_into_view_if_needed()
        button.click()
        expect(_status(page)).to_have_text(COPIED["fr"])
        assert _clipboard(page) == address, lang
    assert page.errors == []


def test_copy_button_works_without_the_clipboard_api(clipboard_tab: Any, server: Served) -> None:
    """A preview on http:// has no navigator.clipboard: the older copy command takes over."""
    page = clipboard_tab
    page.add_init_script("window.realClipboard = navigator.clipboard; Object.defineProperty(navigator, 'clipboard', {value: undefined})")
    page.goto(server.url("/mail/ports/"), wait_until="load")
    page.locator("#port-submission button.mdx-copy").click()
    port = next(entry["port"] for entry in DATA["standard_ports"] if entry["id"] == "submission")
    assert page.evaluate("() => realClipboard.readText()") == str(port)
    assert page.errors == []


@pytest.mark.parametrize("lang", LANGUAGES)
def test_heading_link_goes_to_the_heading_and_copies_its_full_url(clipboard_tab: Any, server: Served, lang: str) -> None:
    from playwright.sync_api import expect

    page = clipboard_tab
    # Arrived from a search result: the highlight (?h=) is not part of the link staff copy.
    page.goto(server.url(f"/{prefix(lang)}mail/setup/?h=smtp"), wait_until="load")
    heading = page.locator("h2#smtp")
    heading.hover()
    heading.locator("a.headerlink").click()
    assert _clipboard(page) == server.url(f"/{prefix(lang)}mail/setup/#smtp")
    assert page.evaluate("() => location.hash") == "#smtp", "the link still goes to its heading"
    expect(_status(page)).to_have_text(LINK_COPIED[lang])
    assert page.errors == []


# -----------------------------------------------------------------------------
# (e) Renamed anchors: #old moves to #new
# -----------------------------------------------------------------------------

ALIASES = {"outgoing-smtp": "smtp", "first-name": "second-name", "second-name": "imap", "loop": "loop"}


def _with_aliases(page: Any, server: Served, aliases: dict[str, str]) -> None:
    """The page as overrides/main.html writes it when data/anchor-aliases.yml has aliases for it."""
    import json

    def handle(route: Any) -> None:
        response = route.fetch()
        tags = (
            f'<script type="application/json" id="mdx-anchor-aliases">{json.dumps(aliases)}</script>'
            '<script defer src="../../assets/javascripts/anchors.js"></script>'
        )
        route.fulfill(response=response, body=re.sub("</head>", tags + "</head>", response.text(), count=1))

    page.route(re.compile(re.escape(server.url("/mail/setup/")) + r"(#.*)?$"), handle)


def test_old_anchor_moves_to_the_new_one(browser: Any, server: Served) -> None:
    context = browser.new_context(viewport=PHONE_390)
    tab = context.new_page()
    _with_aliases(tab, server, ALIASES)

    def load(hash_: str) -> int:
        """Open the page at #hash_ as a new document (as a link from elsewhere does); the history's length before."""
        tab.goto("about:blank")
        before = tab.evaluate("() => history.length")
        tab.goto(server.url(f"/mail/setup/#{hash_}"), wait_until="load")
        return before

    for old, new in (("outgoing-smtp", "smtp"), ("first-name", "imap")):
        before = load(old)
        tab.wait_for_function(f"() => location.hash === '#{new}'")
        assert tab.evaluate("() => history.length") == before + 1, "no extra history entry (Back leaves the page)"
        wait_in_view(tab, f"#{new}")
        box = tab.locator(f"#{new}").bounding_box()
        header = tab.locator("header.md-header").bounding_box()
        assert header["y"] + header["height"] <= box["y"] + 1, f"#{new} under the header"
        assert box["y"] + box["height"] <= PHONE_390["height"], f"#{new} below the fold"
    # An id that exists, or that no alias leads to, is left alone.
    for kept in ("smtp", "no-such-id", "loop"):
        load(kept)
        tab.wait_for_timeout(200)
        assert tab.evaluate("() => location.hash") == f"#{kept}"
    context.close()
