"""What a reader downloads: each page's first load, the PDFs, the search indexes.

Read from a built site, without a browser: a page's first load is the page,
the stylesheets, scripts, icons and images its HTML names and the files its
stylesheets name with url(). The search worker, the language's search index
and the lunr stemmers the worker imports for that language are what opening
the search downloads: the site's bundle starts the search only then
(artelabs/postbuild/assets.py); a bundle without that patch (Material as it
comes) starts it at load, and they count in the first load. Each distinct
URL counts once; text files count gzip-compressed (level 6, as Apache's
mod_deflate), others as they are.
"""

from __future__ import annotations

import gzip
import json
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlsplit

# The types the .htaccess compresses (overrides/htaccess/.htaccess).
COMPRESSED = frozenset({".html", ".css", ".js", ".json", ".map", ".xml", ".svg", ".txt", ".webmanifest"})
CSS_URL = re.compile(r"""url\(\s*["']?(?P<url>[^"')]+)["']?\s*\)""")
CONFIG = re.compile(r'<script id="__config" type="application/json">(?P<json>.*?)</script>', re.S)
LUNR = "/assets/javascripts/lunr/"
BUNDLE = "assets/javascripts/bundle.*.min.js"
# Written into the bundle by the patch that starts the search when it opens (artelabs/postbuild/assets.py).
SEARCH_ON_OPEN = "/*mdx: search index when the search opens*/"


@dataclass
class Load:
    """One page's first load."""

    url: str  # the page's URL path, e.g. /fr/mail/setup/
    files: dict[str, int] = field(default_factory=dict)  # what the browser requests at load: URL path -> bytes
    missing: list[str] = field(default_factory=list)  # URL paths the site does not have
    search: dict[str, int] = field(default_factory=dict)  # the search worker, index and stemmers: URL path -> bytes
    search_at_load: bool = False  # Material starts the search at load (bundle not patched): `search` is in `files`

    @property
    def bytes(self) -> int:
        """Everything requested at load."""
        return sum(self.files.values())

    @property
    def search_bytes(self) -> int:
        """What the search needs (worker, index, stemmers), at load or when it opens."""
        return sum(self.search.values())

    @property
    def page_bytes(self) -> int:
        """What the page itself needs: everything at load but the search files."""
        return sum(size for url, size in self.files.items() if url not in self.search)

    @property
    def with_search_bytes(self) -> int:
        """What a reader who opens the search has downloaded: the page and the search."""
        return self.page_bytes + self.search_bytes

    @property
    def requests(self) -> int:
        return len(self.files)


def wire_bytes(file: Path) -> int:
    """Bytes on the wire: gzip level 6 for text, as is for the rest."""
    data = file.read_bytes()
    if file.suffix.lower() in COMPRESSED:
        return len(gzip.compress(data, compresslevel=6, mtime=0))
    return len(data)


def pages(site: Path) -> list[Path]:
    """Every HTML page of the site, 404 pages included."""
    return sorted(site.rglob("*.html"))


def page_url(site: Path, page: Path) -> str:
    path = page.relative_to(site).as_posix()
    return "/" + (path[: -len("index.html")] if path.endswith("index.html") else path)


def first_load(site: Path, page: Path) -> Load:
    """The files a first visit to `page` downloads, with their compressed size."""
    url = page_url(site, page)
    html = page.read_text(encoding="utf-8")
    load = Load(url, search_at_load=not search_on_open(site))
    queue = [url, *(urljoin(url, ref) for ref in _references(html))]
    while queue:
        ref = urlsplit(queue.pop(0)).path
        if ref in load.files or ref in load.missing:
            continue
        file = _file(site, ref)
        if file is None:
            load.missing.append(ref)
            continue
        load.files[ref] = wire_bytes(file)
        if file.suffix == ".css":
            text = file.read_text(encoding="utf-8")
            queue += [urljoin(ref, m.group("url")) for m in CSS_URL.finditer(text) if _fetched(m.group("url"))]
    for ref in _search_files(site, url, html):
        ref = urlsplit(ref).path
        file = _file(site, ref)
        if file is None:
            load.missing.append(ref)
            continue
        load.search[ref] = wire_bytes(file)
        if load.search_at_load:
            load.files[ref] = load.search[ref]
    return load


def search_on_open(site: Path) -> bool:
    """The site's bundle starts Material's search when the reader opens it, not at load."""
    return any(SEARCH_ON_OPEN in bundle.read_text(encoding="utf-8") for bundle in site.glob(BUNDLE))


def search_indexes(site: Path) -> dict[str, tuple[int, int]]:
    """{index path: (bytes, gzip bytes)} of each language's search index."""
    return {
        p.relative_to(site).as_posix(): (p.stat().st_size, wire_bytes(p))
        for p in sorted(site.rglob("search_index.json"))
    }


def pdfs(site: Path) -> dict[str, int]:
    return {p.relative_to(site).as_posix(): p.stat().st_size for p in sorted(site.rglob("*.pdf"))}


# -----------------------------------------------------------------------------
# Helpers
# -----------------------------------------------------------------------------


class _Refs(HTMLParser):
    """The URLs a page's markup makes the browser fetch at load time."""

    def __init__(self) -> None:
        super().__init__()
        self.refs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {name: value or "" for name, value in attrs}
        rel = set(a.get("rel", "").lower().split())
        if tag == "link" and rel & {"stylesheet", "icon", "preload", "modulepreload", "manifest"}:
            self.refs.append(a.get("href", ""))
        elif tag in ("script", "img", "source", "video", "audio", "iframe", "embed") and a.get("src"):
            if a.get("loading") != "lazy":
                self.refs.append(a["src"])
        elif tag == "object" and a.get("data"):
            self.refs.append(a["data"])


def _references(html: str) -> list[str]:
    parser = _Refs()
    parser.feed(html)
    return [ref for ref in parser.refs if _fetched(ref)]


def _fetched(ref: str) -> bool:
    """A URL of the site (not data:, not another origin, not a fragment)."""
    ref = ref.strip()
    return bool(ref) and not ref.startswith(("data:", "#", "about:", "blob:")) and not urlsplit(ref).netloc


def _search_files(site: Path, url: str, html: str) -> list[str]:
    """What Material's search fetches when it starts: its worker, the index, the stemmers."""
    match = CONFIG.search(html)
    if match is None or 'name="search"' not in html:
        return []
    config = json.loads(match.group("json"))
    if not config.get("search"):
        return []
    base = urljoin(url, config["base"].rstrip("/") + "/")
    index = urljoin(base, "search/search_index.json")
    files = [urljoin(url, config["search"]), index]
    index_file = _file(site, urlsplit(index).path)
    langs = json.loads(index_file.read_text(encoding="utf-8"))["config"]["lang"] if index_file else []
    stemmers = [f"{LUNR}min/lunr.{lang}.min.js" for lang in langs if lang != "en"]
    stemmers += [f"{LUNR}tinyseg.js" for lang in langs if lang == "ja"]
    stemmers += [f"{LUNR}wordcut.js" for lang in langs if lang in ("hi", "th")]
    if len(langs) > 1:
        stemmers.append(f"{LUNR}min/lunr.multi.min.js")
    if stemmers:
        stemmers.insert(0, f"{LUNR}min/lunr.stemmer.support.min.js")
    return files + stemmers


def _file(site: Path, path: str) -> Path | None:
    target = site / path.lstrip("/")
    if path.endswith("/") or target.is_dir():
        target = target / "index.html"
    return target if target.is_file() else None
