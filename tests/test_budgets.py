"""Byte budgets: what a reader downloads stays small (see guide/benchmark.md).

Every page's first load (empty cache: the page, its styles, scripts and icons)
is at most 100 KB gzip-compressed, opening the search adds at most 60 KB (the worker, the
language's index and stemmers), and each language's search index is at most 100 KB. Everything a first visit requests at load stays within 120 KB: the
site's bundle starts Material's search (worker, index, stemmers) when the reader
opens it; were it to start at load again (Material as it comes), those files
would count there. The sizes come from bench/weight.py, the benchmark's own code;
a browser test checks that it counts the files Chromium really loads, at load
and once the search is opened.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest
from browser import serve

from conftest import EVERY_PAGE, LANGUAGES, ROOT, page_path

from bench import FIRST_LOAD_BUDGET, FIRST_LOAD_WITH_SEARCH_BUDGET, SEARCH_INDEX_BUDGET, SEARCH_OPEN_BUDGET
from bench.weight import first_load, search_indexes

ALL_PAGES = [(lang, path) for lang in LANGUAGES for path in EVERY_PAGE]
IDS = [f"{lang}-{path or 'home'}" for lang, path in ALL_PAGES]


def error_page(site: Path, lang: str) -> Path:
    return site / ("" if lang == "en" else lang) / "404.html"


@pytest.mark.parametrize(
    ("lang", "path"),
    [*ALL_PAGES, *((lang, "404") for lang in LANGUAGES)],
    ids=[*IDS, *(f"{lang}-404" for lang in LANGUAGES)],
)
def test_first_load_within_budget(site: Path, lang: str, path: str) -> None:
    page = error_page(site, lang) if path == "404" else page_path(site, lang, path)
    load = first_load(site, page)
    assert load.missing == [], f"{load.url} loads files the site does not have"
    largest = ", ".join(f"{url} {size / 1000:.1f}" for url, size in sorted(load.files.items(), key=lambda f: -f[1])[:6])
    assert load.page_bytes <= FIRST_LOAD_BUDGET, (
        f"{load.url}: first load {load.page_bytes / 1000:.1f} KB gzip without search, budget "
        f"{FIRST_LOAD_BUDGET / 1000:.0f} KB; largest (KB): {largest}"
    )
    assert 0 < load.search_bytes <= SEARCH_OPEN_BUDGET, (
        f"{load.url}: opening the search adds {load.search_bytes / 1000:.1f} KB gzip ("
        + ", ".join(f"{url} {size / 1000:.1f}" for url, size in load.search.items())
        + f"), budget {SEARCH_OPEN_BUDGET / 1000:.0f} KB: the index's hidden fields (data/search-keywords.yml) count here"
    )
    assert load.bytes <= FIRST_LOAD_WITH_SEARCH_BUDGET, (
        f"{load.url}: first load {load.bytes / 1000:.1f} KB gzip in {load.requests} requests"
        f"{' (with the search, started at load)' if load.search_at_load else ''}, budget "
        f"{FIRST_LOAD_WITH_SEARCH_BUDGET / 1000:.0f} KB; largest (KB): {largest}"
    )


@pytest.mark.parametrize("lang", LANGUAGES)
def test_search_index_within_budget(site: Path, lang: str) -> None:
    index = "search/search_index.json" if lang == "en" else f"{lang}/search/search_index.json"
    sizes = search_indexes(site)
    assert index in sizes, f"{index} is not built"
    raw, compressed = sizes[index]
    assert compressed <= SEARCH_INDEX_BUDGET, f"{index}: {compressed / 1000:.1f} KB gzip, budget 100 KB"


def test_the_site_stylesheets_are_sent_without_their_comments(site: Path) -> None:
    """docs/assets/stylesheets/ explain their rules in comments; a visitor gets the rules only, every one."""
    import tinycss2

    def rules(css: str) -> list[str]:
        parsed = tinycss2.parse_stylesheet(css, skip_comments=True, skip_whitespace=True)
        return [" ".join(tinycss2.serialize([rule]).split()) for rule in parsed]

    for source in sorted((ROOT / "docs" / "assets" / "stylesheets").glob("*.css")):
        text = source.read_text(encoding="utf-8")
        sent = (site / "assets" / "stylesheets" / source.name).read_text(encoding="utf-8")
        assert "/*" in text and "/*" not in sent, source.name
        assert rules(sent) == rules(text), f"{source.name}: the rules sent differ from the source's"
        assert len(rules(sent)) > 20, source.name
    assert "@container (max-width: 30rem)" in (site / "assets" / "stylesheets" / "ports.css").read_text(encoding="utf-8")


# -----------------------------------------------------------------------------
# The benchmark counts what a browser really loads
# -----------------------------------------------------------------------------


@pytest.mark.parametrize(("lang", "path"), [("en", ""), ("fr", "mail/setup/")], ids=["en-home", "fr-mail-setup"])
def test_first_load_counts_what_chromium_loads(site: Path, browser: Any, lang: str, path: str) -> None:
    """The files the budget counts are the files an empty-cache visit in Chromium requests; opening the
    search then requests the worker, the index and the stemmers the benchmark counts for it."""
    load = first_load(site, page_path(site, lang, path))
    assert not load.search_at_load and len(load.search) >= 2, "the site's bundle starts the search when it opens"
    with serve(site) as server:
        context = browser.new_context(service_workers="block")
        try:
            page = context.new_page()
            page.goto(server.url(load.url), wait_until="networkidle")
            page.wait_for_timeout(500)  # anything started late by a script
            at_load = {p for method, p, status in server.requests if method == "GET" and status == 200}
            page.keyboard.press("/")  # Material's shortcut: opens the search
            page.keyboard.type("mail")
            page.locator(".md-search-result__item").first.wait_for(state="attached", timeout=10_000)
            page.wait_for_load_state("networkidle")
            page.wait_for_timeout(500)  # the worker imports its stemmers after the index
        finally:
            context.close()
        requested = {p for method, p, status in server.requests if method == "GET" and status == 200}
    assert at_load == set(load.files)
    assert requested - at_load == set(load.search)
