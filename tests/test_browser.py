"""The built site in a real Chromium: accessible, private, nothing broken, links that keep working.

Every page of both languages is served on 127.0.0.1 (gzip, real 404s) and
loaded in Debian's Chromium through Playwright (see tests/browser.py).
"""

from __future__ import annotations

import functools
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from datetime import datetime, timezone
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
import yaml
from browser import DESKTOP, PHONE, PHONE_360, Served, assert_nothing_scrolls_sideways, serve, wait_in_view

from conftest import LANGUAGES, PAGES, ROOT, soup

SITE_URL = "https://support.artelabs.ch/"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
ALL_PAGES = [(lang, path) for lang in LANGUAGES for path in PAGES]
# Every page once (phone, light palette), a version page of each document too.
CHECKED = [*ALL_PAGES, ("en", "terms/versions/3.0/"), ("fr", "privacy/versions/2.0/"), ("fr", "staff/links/")]
# Where the per-page check also opens the search (the same worker and index on every page of a language).
SEARCHED = {("en", ""), ("fr", "mail/setup/"), ("fr", "privacy/versions/2.0/")}
# The other palettes and widths, on pages that hold every kind of content (tables, wide tables, tabs, diagram,
# QR, DNS values) and the site's header, navigation and footer.
MATRIX = [
    (lang, path, scheme, width)
    for lang, path in (("fr", "mail/setup/"), ("en", "mail/ports/"), ("fr", "mail/domain/"))
    for scheme, width in (("light", "desktop"), ("dark", "desktop"), ("dark", "phone"))
]


def page_id(value: Any) -> str:
    if isinstance(value, str):
        return value or "home"
    return str(value)


def prefix(lang: str) -> str:
    return "" if lang == "en" else f"{lang}/"


# -----------------------------------------------------------------------------
# Fixtures
# -----------------------------------------------------------------------------


@pytest.fixture(scope="session")
def server(site: Path) -> Iterator[Served]:
    with serve(site) as s:
        yield s


class Visit:
    """One page load, with everything the page did on the network and the console."""

    def __init__(self, page: Any, context: Any, origin: str) -> None:
        self.page = page
        self.context = context
        self.origin = origin
        self.requests: list[str] = []
        self.failed: list[str] = []
        self.errors: list[str] = []
        self.bad: list[str] = []

    def settled(self) -> None:
        """Wait until nothing has gone over the network for 500 ms (at once if that already happened)."""
        self.page.wait_for_load_state("networkidle")

    def foreign(self) -> list[str]:
        return [u for u in self.requests if urlsplit(u).scheme not in ("data", "blob") and not u.startswith(self.origin + "/")]


class Tab:
    """A browser context and its page, whose events go to the current visit.

    Checks that only read a page share one tab per viewport and palette for the session: a new
    context starts a renderer and compiles the site's scripts again, which costs more than the check.
    """

    def __init__(self, browser: Any, origin: str, shared: bool, **options: Any) -> None:
        self.origin = origin
        self.context = browser.new_context(**{"viewport": DESKTOP, "reduced_motion": "reduce", **options})
        self.context.set_default_timeout(10_000)
        self.current: Visit | None = None
        # A request counts for the visit during which it started: the search worker of the last page may
        # still be fetching a stemmer (which the network-idle wait does not see) when the next page opens.
        self.started: dict[Any, Visit | None] = {}
        self.context.on("request", self._request)
        self.context.on("requestfailed", lambda r: self._to_visit("failed", f"{r.url} ({r.failure})", r))
        self.context.on("response", lambda r: r.status >= 400 and self._to_visit("bad", f"{r.status} {r.url}", r.request))
        if shared:  # sent once, run at every page load (a few ms): cheaper than sending it for every check
            self.context.add_init_script(script=axe_script())
        self.page = self.context.new_page()
        self.page.on("console", lambda m: m.type == "error" and self._to_visit("errors", f"console: {m.text}"))
        self.page.on("pageerror", lambda e: self._to_visit("errors", f"page error: {e}"))

    def _request(self, request: Any) -> None:
        self.started[request] = self.current
        self._to_visit("requests", request.url)

    def _to_visit(self, kind: str, entry: str, request: Any = None) -> None:
        visit = self.started.get(request, self.current) if request is not None else self.current
        if visit is not None:
            getattr(visit, kind).append(entry)

    def open(self, url: str, wait: str) -> Visit:
        if self.current is not None:
            self.current.settled()  # nothing of the last page may end up in this visit
        self.current = Visit(self.page, self.context, self.origin)
        self.page.goto(url, wait_until=wait)
        return self.current


@pytest.fixture(scope="session")
def shared_tabs(browser: Any, server: Served) -> Iterator[dict[str, Tab]]:
    tabs: dict[str, Tab] = {}
    yield tabs
    for tab in tabs.values():
        tab.context.close()


@pytest.fixture
def visit(browser: Any, server: Served, shared_tabs: dict[str, Tab]) -> Iterator[Any]:
    """Factory: visit(url_path, fresh=False, **context_options) -> Visit, loaded (the `load` event).

    fresh=True gives the visit a context of its own (for tests that click, type or remember a choice);
    otherwise it reuses the session's tab with the same options. Tests that judge the page's
    requests call `v.settled()` first: it waits until the network is idle.
    """
    own: list[Tab] = []

    def open_page(path: str, wait: str = "load", fresh: bool = False, **options: Any) -> Visit:
        key = repr(sorted(options.items()))
        if fresh:
            tab = Tab(browser, server.origin, False, **options)
            own.append(tab)
        else:
            if key not in shared_tabs:
                shared_tabs[key] = Tab(browser, server.origin, True, **options)
            tab = shared_tabs[key]
        return tab.open(server.url(path), wait)

    yield open_page
    for tab in own:
        tab.context.close()


# -----------------------------------------------------------------------------
# 1. Accessibility: axe-core, WCAG 2.2 A/AA, light and dark, desktop and phone
# -----------------------------------------------------------------------------


@functools.cache
def axe_script() -> str:
    """axe-core, as axe-playwright-python ships it (570 KB, read once)."""
    from axe_playwright_python.sync_playwright import Axe

    return Axe().axe_script


def _axe(page: Any, exclude: str | None = None) -> list[dict]:
    if not page.evaluate("typeof axe === 'object'"):  # shared tabs load it with every page
        page.evaluate(axe_script())
    options = {"runOnly": {"type": "tag", "values": WCAG_TAGS}, "resultTypes": ["violations"]}
    context = {"exclude": [[exclude]]} if exclude else None
    return page.evaluate(
        "([context, options]) => axe.run(context || document, options).then(results => results.violations)", [context, options]
    )


@pytest.mark.parametrize(("lang", "path"), CHECKED, ids=page_id)
def test_page_is_accessible_private_and_whole(visit: Any, lang: str, path: str) -> None:
    """On a 360 px phone: nothing scrolls sideways, axe finds no WCAG 2.2 AA violation (French pages and the
    English home page); then, search opened, nothing leaves the site."""
    v = visit(f"/{prefix(lang)}{path}", viewport=PHONE_360, color_scheme="light")
    assert v.page.locator("body").get_attribute("data-md-color-scheme") == "default"
    # The staff sheet lays out a page's table when it nears the screen: all of them, as a reader scrolls.
    v.page.evaluate("document.querySelectorAll('.mdx-staff .md-typeset__scrollwrap').forEach(s => s.style.contentVisibility = 'visible')")
    assert_nothing_scrolls_sideways(v.page, v.page.url)
    # axe on every French page (the longer words, and most customers' language) and on the English home page:
    # an English page is the same template and markup as its French one (tests/test_site.py compares their ids),
    # and axe costs more than the rest of this check. On the staff sheet, its first two tables: the 15 others
    # are the same template (1.5 s instead of 4.5 s).
    if lang == "fr" or path == "":
        violations = _axe(v.page, exclude=".mdx-staff:nth-of-type(n+3)" if path == "staff/links/" else None)
        assert not violations, "\n" + _describe(violations)
    assert v.page.locator("html").get_attribute("lang") == lang
    if (lang, path) in SEARCHED:  # the search loads the worker, the index and the stemmers
        _search(v.page, "mail")
    v.settled()
    assert v.foreign() == [], "requests to another origin"
    assert v.context.cookies() == [], "cookies set"
    assert v.bad == [], "responses of 400 or more"
    assert v.failed == [], "requests that failed"
    assert v.errors == [], "console errors"


@pytest.mark.parametrize(("lang", "path", "scheme", "width"), MATRIX, ids=lambda v: page_id(v))
def test_axe_finds_no_violation_in_the_other_palette_and_width(
    visit: Any, lang: str, path: str, scheme: str, width: str
) -> None:
    v = visit(f"/{prefix(lang)}{path}", viewport=DESKTOP if width == "desktop" else PHONE, color_scheme=scheme)
    expected = {"light": "default", "dark": "slate"}[scheme]
    assert v.page.locator("body").get_attribute("data-md-color-scheme") == expected
    assert_nothing_scrolls_sideways(v.page, v.page.url)
    violations = _axe(v.page)
    assert not violations, "\n" + _describe(violations)


def test_axe_finds_no_violation_in_the_open_search(visit: Any) -> None:
    """The search dialog with results, where contrast and names matter too (both palettes)."""
    for scheme in ("light", "dark"):
        v = visit("/fr/", viewport=PHONE, color_scheme=scheme)
        _search(v.page, "Infomaniak")
        violations = _axe(v.page)
        assert not violations, f"{scheme}:\n" + _describe(violations)


def _describe(violations: list[dict]) -> str:
    lines = []
    for violation in violations:
        lines.append(f"{violation['id']} ({violation['impact']}): {violation['help']}")
        for node in violation["nodes"][:6]:
            summary = " ".join(node.get("failureSummary", "").split())[:220]
            lines.append(f"    {' '.join(map(str, node['target']))}: {summary}")
    return "\n".join(lines)


# -----------------------------------------------------------------------------
# 2 and 3. Privacy and nothing broken
# -----------------------------------------------------------------------------


@pytest.mark.parametrize("lang", LANGUAGES)
def test_unknown_path_gets_the_404_page_of_its_language(visit: Any, server: Served, lang: str) -> None:
    v = visit(f"/{prefix(lang)}no/such/page/", viewport=PHONE_360)
    assert_nothing_scrolls_sideways(v.page, v.page.url)
    v.settled()
    assert v.bad == [f"404 {server.url(f'/{prefix(lang)}no/such/page/')}"], "only the page itself is 404"
    assert v.page.locator("html").get_attribute("lang") == lang
    assert v.foreign() == []
    assert [e for e in v.errors if "404" not in e] == []
    home = v.page.locator(".md-header a.md-logo")
    assert home.evaluate("a => a.href") == server.url(f"/{prefix(lang)}")


# -----------------------------------------------------------------------------
# 4. Language switching keeps the page and the section
# -----------------------------------------------------------------------------


def test_language_selector_keeps_the_section(visit: Any, server: Served) -> None:
    v = visit("/mail/setup/#smtp")
    _switch_language(v.page, "fr")
    v.page.wait_for_url(server.url("/fr/mail/setup/#smtp"))
    assert v.page.locator("html").get_attribute("lang") == "fr"
    _switch_language(v.page, "en")
    v.page.wait_for_url(server.url("/mail/setup/#smtp"))
    assert v.page.locator("html").get_attribute("lang") == "en"
    assert v.errors == []


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_language_selector_works_by_keyboard_and_touch_width(visit: Any, server: Served, viewport: dict) -> None:
    v = visit("/fr/privacy/#your-rights", viewport=viewport)
    button = v.page.locator(".md-select > button")
    button.focus()
    link = v.page.locator('a.md-select__link[hreflang="en"]')
    link.focus()  # the list opens with focus inside it (Material's :focus-within)
    assert link.is_visible()
    v.page.keyboard.press("Enter")
    v.page.wait_for_url(server.url("/privacy/#your-rights"))


def _switch_language(page: Any, lang: str) -> None:
    page.locator(".md-select > button").hover()
    page.locator(f'a.md-select__link[hreflang="{lang}"]').click()


# -----------------------------------------------------------------------------
# 5. Search: the page's language only, best match first
# -----------------------------------------------------------------------------

# In the browser, two searches per language (the Node harness of tests/test_search.py runs every query of
# tests/search_queries.yml through Material's own search worker).
SEARCHES = [
    # language, page searched from, query, a page that must be among the first three results
    ("fr", "fr/mail/setup/", "mots de passe", "fr/mail/passwords/"),
    ("fr", "fr/", "serveurs", "fr/mail/ports/"),  # an inflected form: the French stemmer finds « serveur »
    ("en", "privacy/", "servers", "mail/ports/"),
    ("en", "", "GDPR", "privacy/"),
]


@pytest.mark.parametrize(("lang", "start", "query", "best"), SEARCHES, ids=lambda v: page_id(v) if v else "-")
def test_search_lists_pages_of_its_language_only(
    visit: Any, server: Served, lang: str, start: str, query: str, best: str | None
) -> None:
    v = visit(f"/{start}")
    results = _search(v.page, query)
    assert results, f"no result for {query!r}"
    paths = [urlsplit(r).path for r in results]
    if lang == "en":
        assert not [p for p in paths if p.startswith("/fr/")], f"French results for {query!r}"
    else:
        assert all(p.startswith(f"/{lang}/") for p in paths), f"results outside /{lang}/: {paths}"
    assert f"/{best}" in paths[:3], f"{query!r}: /{best} not among the first three: {paths[:3]}"
    assert v.errors == []


NO_RESULT = {"en": ("No matching documents", "Contact us"), "fr": ("Aucun document trouvé", "Contactez-nous")}


@pytest.mark.parametrize("lang", LANGUAGES)
def test_no_result_offers_the_contact_page_and_the_most_asked_guides(visit: Any, lang: str) -> None:
    """Nothing found: under Material's "No matching documents", the contact page and the most asked guides, in
    the page's language (overrides/main.html); gone as soon as there are results. CSS alone shows it: no script."""
    v = visit(f"/{prefix(lang)}mail/setup/", fresh=True, viewport=PHONE)
    none, contact = NO_RESULT[lang]
    v.page.locator('label.md-header__button[for="__search"]').click()
    field = v.page.locator("input.md-search__input")
    field.press_sequentially("qqzzxw", delay=5)
    meta, help_ = v.page.locator(".md-search-result__meta"), v.page.locator(".mdx-search-help")
    v.page.wait_for_function(f"() => document.querySelector('.md-search-result__meta').textContent.trim() === {none!r}")
    assert help_.is_visible() and meta.is_visible()
    links = help_.locator("a").evaluate_all("links => links.map(a => [a.getAttribute('href'), a.textContent.trim()])")
    assert [f"/{prefix(lang)}contact/", contact] == links[-1], links
    assert [href for href, _ in links[:3]] == [f"/{prefix(lang)}mail/{p}/" for p in ("setup", "passwords", "errors")]
    assert len(links) == 7 and all(title for _, title in links), links
    field.fill("")
    field.press_sequentially("webmail", delay=5)
    v.page.locator(".md-search-result__item").first.wait_for(state="attached", timeout=10_000)
    assert not help_.is_visible(), "the guides stay under the results"
    assert v.errors == []


# The search starts when the reader opens it (artelabs/postbuild/assets.py): language, page, width, how the
# reader opens it, what they type at once, a page that must come among the first three.
ON_DEMAND = [
    ("fr", "fr/mail/setup/", "phone", "icon", "serveurs", "fr/mail/ports/"),
    ("fr", "fr/privacy/", "desktop", "field", "mots de passe", "fr/mail/passwords/"),
    ("en", "", "desktop", "key", "GDPR", "privacy/"),
    ("en", "mail/setup/?q=servers", "phone", "link", "", "mail/ports/"),  # a deep link opens it with its words
]


@pytest.mark.parametrize(
    ("lang", "start", "width", "how", "query", "best"), ON_DEMAND, ids=[f"{c[0]}-{c[3]}" for c in ON_DEMAND]
)
def test_search_downloads_its_index_when_opened(
    visit: Any, lang: str, start: str, width: str, how: str, query: str, best: str
) -> None:
    """An empty-cache visit requests no search index, worker or stemmer at load; opening the search
    requests them, the index once, and what the reader types at once finds the page."""
    v = visit(f"/{start}", fresh=True, viewport=DESKTOP if width == "desktop" else PHONE)
    index = f"/{prefix(lang)}search/search_index.json"
    if how != "link":
        v.settled()
        assert _search_files(v) == [], "requested at load"
        if how == "icon":
            v.page.locator('label.md-header__button[for="__search"]').click()
        elif how == "field":
            v.page.locator("input.md-search__input").click()
        else:
            v.page.keyboard.press("/")  # Material's shortcut, like f and s
        v.page.keyboard.type(query, delay=5)  # no wait: the index is still on its way
    items = v.page.locator(".md-search-result__item > a.md-search-result__link")
    items.first.wait_for(state="attached", timeout=10_000)
    paths = list(dict.fromkeys(urlsplit(href).path for href in items.evaluate_all("links => links.map(a => a.href)")))
    assert f"/{best}" in paths[:3], f"{query or start!r}: /{best} not among the first three: {paths[:3]}"
    v.settled()
    requested = _search_files(v)
    assert requested.count(index) == 1 and any("/workers/search." in p for p in requested), requested
    assert (lang == "fr") == any(p.endswith("/lunr.fr.min.js") for p in requested), requested
    assert v.bad == [] and v.failed == [] and v.errors == []


def test_page_opened_from_a_result_highlights_without_the_worker(visit: Any) -> None:
    """?h= (search.highlight) needs the index's settings at load, not the worker: it starts with the search."""
    v = visit("/fr/mail/setup/?h=serveur", fresh=True, viewport=PHONE)
    v.page.locator("mark[data-md-highlight]").first.wait_for(state="attached", timeout=10_000)
    v.settled()
    assert _search_files(v) == ["/fr/search/search_index.json"]
    assert v.errors == []


def _search_files(v: Any) -> list[str]:
    """The search's files the visit requested: index, worker, stemmers (in order)."""
    paths = [urlsplit(url).path for url in v.requests]
    return [p for p in paths if p.endswith("/search_index.json") or "/workers/search." in p or "/lunr/" in p]


def _search(page: Any, query: str) -> list[str]:
    """Open the search, type like a person, return the result pages' URLs (best first)."""
    button = page.locator('label.md-header__button[for="__search"]')
    if button.is_visible():  # phone: the magnifier opens the search; desktop: the field is there
        button.click()
    field = page.locator("input.md-search__input")
    field.click()
    field.press_sequentially(query, delay=5)
    items = page.locator(".md-search-result__item > a.md-search-result__link")
    try:
        items.first.wait_for(state="attached", timeout=10_000)
    except Exception:  # noqa: BLE001 - no result is an answer too
        return []
    # Each result is a page with, under it, its sections that answer: the pages, each once, best first.
    pages: dict[str, str] = {}
    for url in items.evaluate_all("links => links.map(a => a.href.split('#')[0])"):
        pages.setdefault(urlsplit(url).path, url)
    return list(pages.values())


# -----------------------------------------------------------------------------
# 6. Deep links: a heading in view, a content tab selected
# -----------------------------------------------------------------------------


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
@pytest.mark.parametrize("lang", LANGUAGES)
def test_deep_link_shows_the_heading(visit: Any, lang: str, viewport: dict) -> None:
    v = visit(f"/{prefix(lang)}mail/setup/#smtp", viewport=viewport)
    heading = v.page.locator("h2#smtp, h3#smtp")
    assert heading.count() == 1
    wait_in_view(v.page, "#smtp")
    box = heading.bounding_box()
    header = v.page.locator("header.md-header").bounding_box()
    assert box is not None and header is not None
    # In view, and not hidden under the sticky header.
    assert header["y"] + header["height"] <= box["y"] + 1, "heading under the header"
    assert box["y"] + box["height"] <= viewport["height"], "heading below the fold"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_link_to_a_content_tab_selects_it(visit: Any, lang: str) -> None:
    v = visit(f"/{prefix(lang)}mail/setup/#clients-thunderbird", fresh=True)
    tab = v.page.locator("input#clients-thunderbird")
    assert tab.count() == 1, "no content tab with id clients-thunderbird"
    assert tab.is_checked()
    label = v.page.locator('label[for="clients-thunderbird"]')
    assert label.is_visible()
    assert "Thunderbird" in label.inner_text()
    # The tab's panel is the one shown.
    tabbed = tab.locator("xpath=..")
    index = tabbed.locator("> input").evaluate_all("inputs => inputs.findIndex(i => i.id === 'clients-thunderbird')")
    panel = tabbed.locator("> .tabbed-content > .tabbed-block").nth(index)
    assert panel.is_visible()


# -----------------------------------------------------------------------------
# 6b. Printing one page for a customer: the browser's print
# -----------------------------------------------------------------------------


def test_printed_page_is_the_text_with_its_address_and_date(visit: Any, site_stamp: dict[str, str]) -> None:
    # A narrow window, where the port tables are stacked blocks on screen; printed, they are tables.
    v = visit("/fr/mail/setup/", fresh=True, viewport={"width": 560, "height": 800})
    shown = "els => els.filter(e => e.checkVisibility()).length"
    displays = "els => [...new Set(els.map(e => getComputedStyle(e).display))]"
    assert v.page.locator(".mdx-ports__table").evaluate_all(displays) == ["block"]
    assert v.page.locator(".mdx-print").evaluate_all(shown) == 0  # on screen: not there
    v.page.emulate_media(media="print")
    for selector in (".mdx-copy", ".headerlink", "header.md-header", ".md-sidebar", ".md-footer", ".mdx-pdf-link", ".md-search"):
        assert v.page.locator(selector).count() > 0, selector
        assert v.page.locator(selector).evaluate_all(shown) == 0, f"{selector} is printed"
    assert v.page.locator(".mdx-ports__table").count() >= 3
    assert v.page.locator(".mdx-ports__table").evaluate_all(displays) == ["table"]
    assert v.page.locator(".mdx-ports__table thead").evaluate_all(displays) == ["table-header-group"]
    foot = v.page.locator(".mdx-print")
    assert foot.count() == 1 and foot.is_visible()
    epoch = site_stamp["SOURCE_DATE_EPOCH"]
    date = datetime.fromtimestamp(int(epoch), timezone.utc).date().isoformat() if epoch else None
    assert foot.inner_text().strip() == f"{SITE_URL}fr/mail/setup/" + (f" · {date}" if date else "")
    # It comes after the text, at the foot of the document.
    assert foot.evaluate("e => !!(document.querySelector('article').compareDocumentPosition(e) & Node.DOCUMENT_POSITION_FOLLOWING)")
    # Printed from the dark palette, the text is still dark on the white paper (the title is a muted colour).
    v.page.evaluate("document.body.setAttribute('data-md-color-scheme', 'slate')")
    for selector in ("article h1", "article p", ".mdx-sources__checked"):
        color = v.page.locator(selector).first.evaluate("e => getComputedStyle(e).color")
        assert re.fullmatch(r"rgba?\(0, 0, 0(, [\d.]+)?\)", color), f"{selector} printed in {color}"
    # Content tabs whose labels do not fit the width: Material adds an arrow to scroll them, on screen; on paper
    # there is nothing to scroll. (This page's labels fit: longer ones, as another page may have, are made here.)
    v.page.evaluate("document.body.setAttribute('data-md-color-scheme', 'default')")
    v.page.emulate_media(media="screen")
    v.page.set_viewport_size({"width": 800, "height": 800})  # wide enough for one row of labels (narrower: they wrap)
    labels = v.page.locator(".tabbed-labels").first
    labels.evaluate("e => e.querySelectorAll('label').forEach(l => { l.textContent += ' : une étiquette bien plus longue'; })")
    labels.scroll_into_view_if_needed()
    seen = "els => els.filter(e => e.checkVisibility({opacityProperty: true})).length"
    v.page.wait_for_function("() => [...document.querySelectorAll('.tabbed-control')].some(e => !e.hidden)")
    assert v.page.locator(".tabbed-control").evaluate_all(seen) >= 1, "on screen, an arrow scrolls the labels"
    v.page.emulate_media(media="print")
    assert v.page.locator(".tabbed-control").evaluate_all(seen) == 0, "a tab arrow is printed"


# -----------------------------------------------------------------------------
# 7. Search engines and sharing (from the built HTML, no browser needed)
# -----------------------------------------------------------------------------


@pytest.mark.parametrize(("lang", "path"), ALL_PAGES, ids=page_id)
def test_page_has_description_canonical_and_alternates(site: Path, lang: str, path: str) -> None:
    html = soup(site, lang, path)
    description = html.find("meta", attrs={"name": "description"})
    assert description is not None
    assert " ".join(description["content"].split()) == _front_matter_description(lang, path)
    canonical = html.find("link", rel="canonical")
    assert canonical is not None and canonical["href"] == f"{SITE_URL}{prefix(lang)}{path}"
    alternates = {link["hreflang"]: link["href"] for link in html.find_all("link", rel="alternate", hreflang=True)}
    assert alternates == {
        "en": f"{SITE_URL}{path}",
        "fr": f"{SITE_URL}fr/{path}",
        "x-default": f"{SITE_URL}{path}",
    }


def test_descriptions_are_in_each_language(site: Path) -> None:
    for path in PAGES:
        en, fr = (_front_matter_description(lang, path) for lang in LANGUAGES)
        assert en != fr, f"{path or 'home'}: the same description in English and French"


def test_sitemap_lists_both_languages(site: Path) -> None:
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9", "x": "http://www.w3.org/1999/xhtml"}
    root = ET.parse(site / "sitemap.xml").getroot()
    entries = {
        url.findtext("s:loc", namespaces=ns): {
            link.get("hreflang"): link.get("href") for link in url.findall("x:link", ns)
        }
        for url in root.findall("s:url", ns)
    }
    for lang in LANGUAGES:
        for path in PAGES:
            loc = f"{SITE_URL}{prefix(lang)}{path}"
            assert loc in entries, f"{loc} is not a <loc> of sitemap.xml"
            assert entries[loc].get("en") == f"{SITE_URL}{path}"
            assert entries[loc].get("fr") == f"{SITE_URL}fr/{path}"


def _front_matter_description(lang: str, path: str) -> str:
    stem = path.rstrip("/") or "index"
    source = ROOT / "docs" / (f"{stem}.md" if lang == "en" else f"{stem}.{lang}.md")
    match = re.match(r"---\n(.*?)\n---\n", source.read_text(encoding="utf-8"), re.S)
    assert match, f"{source.relative_to(ROOT)}: no front matter"
    description = (yaml.safe_load(match.group(1)) or {}).get("description")
    assert description, f"{source.relative_to(ROOT)}: no description in the front matter"
    return " ".join(str(description).split())
