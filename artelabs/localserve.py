"""A built site served on 127.0.0.1 (a free port) from a background thread, as the hosting serves it:
gzip for text, the 404 page of each language, a folder without its slash redirected. For the tests and
the benchmark (`with serve(site) as s: s.origin`).
"""

from __future__ import annotations

import gzip
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit


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
    ".ics": "text/calendar; charset=utf-8",
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
