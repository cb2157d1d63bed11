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

import gzip
import os
import shutil
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, NoReturn
from urllib.parse import unquote, urlsplit

import pytest

CHROMIUM = Path(os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"))
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
        unavailable(f"{CHROMIUM} not found: install Debian's chromium package (apt-get install chromium)")
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

MIME_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".mjs": "text/javascript; charset=utf-8",
    ".json": "application/json",
    ".map": "application/json",
    ".xml": "application/xml",
    ".svg": "image/svg+xml",
    ".txt": "text/plain; charset=utf-8",
    ".webmanifest": "application/manifest+json",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".webp": "image/webp",
    ".ico": "image/x-icon",
    ".woff2": "font/woff2",
    ".woff": "font/woff",
    ".pdf": "application/pdf",
    ".mobileconfig": "application/x-apple-aspen-config",
    ".gz": "application/gzip",
}
COMPRESSED_SUFFIXES = frozenset({".html", ".css", ".js", ".mjs", ".json", ".map", ".xml", ".svg", ".txt", ".webmanifest"})


@dataclass
class Served:
    """A directory served on 127.0.0.1; `requests` logs (method, path, status)."""

    root: Path
    origin: str
    requests: list[tuple[str, str, int]] = field(default_factory=list)

    def url(self, path: str = "/") -> str:
        return self.origin + "/" + path.lstrip("/")


@contextmanager
def serve(directory: Path, *, compress: bool = True) -> Iterator[Served]:
    """Serve `directory` on 127.0.0.1 (a free port) from a background thread.

    Text responses are gzip-compressed when the client accepts it; unknown
    paths get status 404 with the 404 page of their language (`/fr/...` ->
    fr/404.html, else 404.html); a directory without its slash is redirected.
    """
    root = Path(directory).resolve()
    handler = type("Handler", (_Handler,), {"root": root, "compress": compress, "cache": {}})
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    httpd.daemon_threads = True
    served = Served(root=root, origin=f"http://127.0.0.1:{httpd.server_address[1]}")
    handler.served = served
    thread = threading.Thread(target=httpd.serve_forever, name=f"serve {root}", daemon=True)
    thread.start()
    try:
        yield served
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(timeout=5)


class _Handler(BaseHTTPRequestHandler):
    root: Path
    compress: bool
    cache: dict[tuple[Path, bool], bytes]
    served: Served
    protocol_version = "HTTP/1.1"
    server_version = "mdx-test-server"
    sys_version = ""

    def do_GET(self) -> None:
        self._respond(body=True)

    def do_HEAD(self) -> None:
        self._respond(body=False)

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - quiet, logged in `served`
        pass

    def _respond(self, *, body: bool) -> None:
        path = unquote(urlsplit(self.path).path)
        target = self._resolve(path)
        if target is not None and target.is_dir():
            if not path.endswith("/"):
                self._send(HTTPStatus.MOVED_PERMANENTLY, b"", None, body, location=path + "/")
                return
            target = target / "index.html"
        if target is None or not target.is_file():
            not_found = self.root / ("fr/404.html" if path.startswith("/fr/") else "404.html")
            self._send(HTTPStatus.NOT_FOUND, *self._read(not_found), body)
            return
        self._send(HTTPStatus.OK, *self._read(target), body)

    def _resolve(self, path: str) -> Path | None:
        target = (self.root / path.lstrip("/")).resolve()
        return target if target == self.root or self.root in target.parents else None

    def _read(self, file: Path) -> tuple[bytes, str | None]:
        suffix = file.suffix.lower()
        gzip_ok = self.compress and suffix in COMPRESSED_SUFFIXES and "gzip" in self.headers.get("Accept-Encoding", "")
        key = (file, gzip_ok)
        if key not in self.cache:
            data = file.read_bytes() if file.is_file() else b"Not found"
            self.cache[key] = gzip.compress(data, compresslevel=6, mtime=0) if gzip_ok else data
        self._content_type = MIME_TYPES.get(suffix, "application/octet-stream")
        return self.cache[key], "gzip" if gzip_ok else None

    def _send(
        self, status: HTTPStatus, data: bytes, encoding: str | None, body: bool, location: str | None = None
    ) -> None:
        self.served.requests.append((self.command, self.path, int(status)))
        self.send_response(status)
        if location:
            self.send_header("Location", location)
        else:
            self.send_header("Content-Type", self._content_type)
            self.send_header("Vary", "Accept-Encoding")
            self.send_header("Cache-Control", "no-cache")
        if encoding:
            self.send_header("Content-Encoding", encoding)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if body:
            self.wfile.write(data)


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
