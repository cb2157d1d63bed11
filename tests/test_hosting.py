"""The built site on a real Apache, configured by its own .htaccess, as on the hosting.

Debian's apache2 is started on 127.0.0.1 (a free port) with a minimal
configuration that honours .htaccess (AllowOverride All), serving the site
built for the session. The tests read headers and status codes, then load
every page of both languages in Chromium (tests/browser.py) and check that the
Content-Security-Policy blocks nothing the site needs: no violation, no failed
request, and the search (a worker) still finds pages.

Without apache2 the tests skip and say why, except when CI is set (then they
fail: .ci/run installs apache2).
"""

from __future__ import annotations

import base64
import gzip
import hashlib
import http.client
import os
import pwd
import re
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from bs4 import BeautifulSoup
from browser import unavailable

from conftest import LANGUAGES, PAGES, ROOT
from artelabs.postbuild import htaccess as htaccessfile

APACHE = Path(os.environ.get("APACHE2", "/usr/sbin/apache2"))
MODULES = Path("/usr/lib/apache2/modules")
# Modules a shared hosting has; the .htaccess may use any of them.
LOAD = ("mpm_event", "authz_core", "dir", "mime", "headers", "filter", "deflate", "alias", "rewrite", "setenvif")
ALL_PAGES = [(lang, path) for lang in LANGUAGES for path in PAGES]
# Loaded in Chromium through Apache: pages with every kind of content (every page's inline scripts are
# checked against the policy without a browser, in test_every_inline_script_is_allowed_by_its_hash).
# The policy is the same for every page, and every page's inline scripts are checked against it without a
# browser (test_every_inline_script_is_allowed_by_its_hash); in Chromium, pages of every kind.
UNDER_POLICY = [("en", ""), ("fr", "mail/setup/"), ("fr", "staff/links/"), ("en", "terms/versions/3.0/")]
YEAR = 31_536_000


def url_path(lang: str, path: str) -> str:
    return "/" + ("" if lang == "en" else f"{lang}/") + path


# -----------------------------------------------------------------------------
# Apache
# -----------------------------------------------------------------------------


@dataclass
class Apache:
    host: str
    port: int
    root: Path

    @property
    def origin(self) -> str:
        return f"http://{self.host}:{self.port}"

    def get(self, path: str, *, gzip_ok: bool = False, method: str = "GET") -> tuple[int, dict[str, str], bytes]:
        """One request; (status, headers with lower-case names, raw body)."""
        connection = http.client.HTTPConnection(self.host, self.port, timeout=10)
        try:
            connection.request(method, path, headers={"Accept-Encoding": "gzip"} if gzip_ok else {})
            response = connection.getresponse()
            headers = {name.lower(): value for name, value in response.getheaders()}
            return response.status, headers, response.read()
        finally:
            connection.close()


@pytest.fixture(scope="module")
def apache(site: Path) -> Iterator[Apache]:
    """Apache serving a copy of the session's site, stopped at the end of the module."""
    binary = APACHE if APACHE.exists() else Path(shutil.which("apache2") or APACHE)
    if not binary.exists():
        unavailable(f"{APACHE} not found: install Debian's apache2 package (apt-get install apache2)")
    missing = [name for name in LOAD if not (MODULES / f"mod_{name}.so").exists()]
    if missing:
        unavailable(f"Apache modules missing in {MODULES}: {', '.join(missing)}")
    # As root, Apache serves files as an unprivileged user, which cannot enter
    # pytest's private temporary folders: serve a world-readable copy.
    work = Path(tempfile.mkdtemp(prefix="apache-"))
    try:
        work.chmod(0o755)
        root = work / "site"
        shutil.copytree(site, root)
        for folder in [root, *(p for p in root.rglob("*") if p.is_dir())]:
            folder.chmod(0o755)
        port = _free_port()
        config = _write_config(work, root, port)
        process = subprocess.Popen(
            [str(binary), "-f", str(config), "-DFOREGROUND"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            start_new_session=True,
        )
        try:
            _wait_for(port, process, work / "error.log")
            yield Apache("127.0.0.1", port, root)
        finally:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _write_config(work: Path, root: Path, port: int) -> Path:
    user = "" if os.geteuid() != 0 else _unprivileged_user()
    lines = [
        f'ServerRoot "{work}"',
        "ServerName 127.0.0.1",
        f"Listen 127.0.0.1:{port}",
        f'PidFile "{work}/httpd.pid"',
        f'ErrorLog "{work}/error.log"',
        "LogLevel warn",
        f"Mutex file:{work} default",
        *(f'LoadModule {name}_module "{MODULES}/mod_{name}.so"' for name in LOAD),
        "TypesConfig /etc/mime.types" if Path("/etc/mime.types").exists() else "",
        user,
        "StartServers 1",
        "ServerLimit 1",
        "ThreadsPerChild 16",
        "MaxRequestWorkers 16",
        f'DocumentRoot "{root}"',
        "<Directory />",
        "  AllowOverride None",
        "  Require all denied",
        "</Directory>",
        f'<Directory "{root}">',
        "  AllowOverride All",
        "  Require all granted",
        "</Directory>",
    ]
    config = work / "httpd.conf"
    config.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return config


def _unprivileged_user() -> str:
    for user in ("www-data", "nobody", "daemon"):
        try:
            entry = pwd.getpwnam(user)
        except KeyError:
            continue
        return f"User {user}\nGroup #{entry.pw_gid}"
    pytest.fail("no unprivileged user (www-data, nobody, daemon) to run Apache as root")


def _wait_for(port: int, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        if process.poll() is not None:
            errors = process.stderr.read().decode(errors="replace") if process.stderr else ""
            errors += log.read_text(errors="replace") if log.exists() else ""
            pytest.fail(f"apache2 stopped at start (exit {process.returncode}): {errors.strip()}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.1)
    pytest.fail(f"apache2 did not listen on 127.0.0.1:{port} within 15 s")


def csp(headers: dict[str, str]) -> dict[str, list[str]]:
    """The Content-Security-Policy as {directive: [sources]}."""
    policy = headers.get("content-security-policy", "")
    directives = (part.split() for part in policy.split(";") if part.strip())
    return {parts[0]: parts[1:] for parts in directives}


# -----------------------------------------------------------------------------
# Headers and status codes
# -----------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/", "/fr/mail/setup/", "/no-such-page/", "/fr/no-such-page/"])
def test_security_headers(apache: Apache, path: str) -> None:
    """Every page, error pages too, carries the headers a security scan asks for."""
    _, headers, _ = apache.get(path)
    hsts = headers.get("strict-transport-security", "")
    assert re.search(r"max-age=(\d+)", hsts) and int(re.search(r"max-age=(\d+)", hsts).group(1)) >= YEAR, hsts
    assert headers.get("x-content-type-options") == "nosniff"
    assert headers.get("referrer-policy") in ("no-referrer", "same-origin", "strict-origin-when-cross-origin")
    assert "camera=()" in headers.get("permissions-policy", "")
    assert "geolocation=()" in headers.get("permissions-policy", "")
    policy = csp(headers)
    assert policy.get("default-src") == ["'self'"]
    assert policy.get("frame-ancestors") == ["'none'"]
    assert policy.get("object-src") == ["'none'"]
    assert policy.get("base-uri") == ["'self'"]
    assert policy.get("form-action") == ["'self'"]
    assert "'unsafe-inline'" not in policy.get("script-src", []) and "'unsafe-eval'" not in policy.get("script-src", [])
    # Nothing outside the site's own origin: only 'keywords', hashes and data: images.
    for directive, sources in policy.items():
        for source in sources:
            assert source.startswith("'") or (directive == "img-src" and source == "data:"), (directive, source)


def test_every_inline_script_is_allowed_by_its_hash(apache: Apache, site: Path) -> None:
    """Material's inline scripts (theme, palette, tabs) run: each one's hash is in the policy Apache sends."""
    _, headers, _ = apache.get("/")
    allowed = set(csp(headers)["script-src"])
    inline = inline_scripts(site)
    assert len(inline) >= 3, "Material writes a few inline scripts into every page"
    missing = {f"'sha256-{digest}'": pages[0] for digest, pages in inline.items()}.keys() - allowed
    assert not missing, {source: inline[source[8:-1]][0] for source in missing}


def inline_scripts(site: Path) -> dict[str, list[str]]:
    """{base64 sha256: pages} of every inline script a browser runs (not type="application/json")."""
    found: dict[str, list[str]] = {}
    for file in sorted(site.rglob("*.html")):
        for script in BeautifulSoup(file.read_text(encoding="utf-8"), "html.parser").find_all("script"):
            if script.get("src") or script.get("type", "text/javascript") not in ("text/javascript", "module"):
                continue
            digest = base64.b64encode(hashlib.sha256(script.string.encode()).digest()).decode()
            found.setdefault(digest, []).append(file.relative_to(site).as_posix())
    return found


@pytest.mark.parametrize(
    ("markup", "attribute"),
    [('<button onclick="go()">Go</button>', "onclick="), ('<p style="color: red">Text</p>', "style=")],
)
def test_markup_the_policy_would_block_stops_the_build(tmp_path: Path, markup: str, attribute: str) -> None:
    """An inline handler or style attribute would silently not work under the policy: the build says so."""
    page = tmp_path / "fr" / "contact" / "index.html"
    page.parent.mkdir(parents=True)
    page.write_text(f"<html><body>{markup}<script>var ok = 1;</script></body></html>", encoding="utf-8")
    with pytest.raises(htaccessfile.PolicyError) as error:
        htaccessfile.inline_hashes(tmp_path)
    message = str(error.value)
    assert "\n" not in message and message.startswith("fr/contact/index.html:1: ") and f"'{attribute}'" in message


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("path", ["no-such-page/", "mail/no-such-page/", "mail/setup/missing.png"])
def test_unknown_path_gets_404_in_its_language(apache: Apache, lang: str, path: str) -> None:
    status, headers, body = apache.get(url_path(lang, path))
    assert status == 404
    assert headers["content-type"].startswith("text/html")
    assert f'<html lang="{lang}"'.encode() in body


@pytest.mark.parametrize(
    ("pattern", "mime"),
    [
        ("pdf/*.pdf", "application/pdf"),
        ("fr/pdf/*.pdf", "application/pdf"),
        ("**/*.mobileconfig", "application/x-apple-aspen-config"),
        ("sitemap.xml", "application/xml"),
        ("search/search_index.json", "application/json"),
        ("fr/search/search_index.json", "application/json"),
        ("assets/javascripts/bundle.*.min.js", "text/javascript"),
        ("assets/stylesheets/main.*.min.css", "text/css"),
        ("assets/favicon.svg", "image/svg+xml"),
        ("sitemap.xml.gz", "application/gzip"),
    ],
)
def test_mime_types(apache: Apache, site: Path, pattern: str, mime: str) -> None:
    """Phones install the profile, browsers open the PDF, the search index loads under nosniff."""
    files = sorted(site.glob(pattern))
    assert files, f"the built site has no {pattern}"
    for file in files:
        status, headers, _ = apache.get("/" + file.relative_to(site).as_posix(), gzip_ok=True)
        assert status == 200
        assert headers["content-type"].split(";")[0] == mime, file
        if mime in ("application/pdf", "application/gzip"):
            assert "content-encoding" not in headers, file  # a download must stay what it is


@pytest.mark.parametrize("path", ["/", "/fr/mail/setup/", "/search/search_index.json", "/sitemap.xml"])
def test_text_is_gzip_compressed(apache: Apache, site: Path, path: str) -> None:
    status, headers, body = apache.get(path, gzip_ok=True)
    assert status == 200
    assert headers.get("content-encoding") == "gzip"
    assert "accept-encoding" in headers.get("vary", "").lower()
    file = site / path.lstrip("/") / ("index.html" if path.endswith("/") else "")
    assert gzip.decompress(body) == file.read_bytes()


def test_fingerprinted_assets_are_cached_for_a_year(apache: Apache, site: Path) -> None:
    assets = [*site.glob("assets/javascripts/bundle.*.min.js"), *site.glob("assets/stylesheets/*.*.min.css")]
    assert assets
    for asset in assets:
        _, headers, _ = apache.get("/" + asset.relative_to(site).as_posix())
        cache = headers.get("cache-control", "")
        assert "immutable" in cache and f"max-age={YEAR}" in cache, (asset.name, cache)


@pytest.mark.parametrize(
    "path", ["/", "/fr/mail/ports/", "/assets/stylesheets/extra.css", "/fr/search/search_index.json"]
)
def test_pages_and_plain_files_are_cached_briefly(apache: Apache, path: str) -> None:
    """A publication shows within minutes: pages are revalidated, unhashed files kept at most an hour."""
    _, headers, _ = apache.get(path)
    cache = headers.get("cache-control", "")
    assert "immutable" not in cache
    max_age = re.search(r"max-age=(\d+)", cache)
    assert "no-cache" in cache or (max_age and int(max_age.group(1)) <= 3600), cache


def test_directories_redirect_and_do_not_list(apache: Apache) -> None:
    status, headers, _ = apache.get("/fr/mail/setup")
    assert status == 301 and headers["location"].endswith("/fr/mail/setup/")
    status, _, body = apache.get("/assets/")
    assert status in (403, 404) and b"Index of" not in body


# -----------------------------------------------------------------------------
# In Chromium: the policy blocks nothing the site needs
# -----------------------------------------------------------------------------

WATCH_VIOLATIONS = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", (e) => {
  const where = `${e.sourceFile}:${e.lineNumber}`;
  window.__violations.push(`${e.violatedDirective} blocked ${e.blockedURI || "inline"} in ${where}`);
});
"""


class Visit:
    """A browser tab that records CSP violations, console errors and failed requests.

    One tab for the module (a new browser context costs more than a page load); `problems`
    start empty at every test, once the last page has gone quiet.
    """

    def __init__(self, browser: Any) -> None:
        self.context = browser.new_context(service_workers="block")
        self.problems: list[str] = []
        self.context.on("requestfailed", lambda r: self.problems.append(f"failed: {r.url} ({r.failure})"))
        self.context.on("response", lambda r: r.status >= 400 and self.problems.append(f"{r.status}: {r.url}"))
        self.context.add_init_script(WATCH_VIOLATIONS)  # runs again at every page load
        self.page = self.context.new_page()
        self.page.on("console", self._console)
        self.page.on("pageerror", lambda e: self.problems.append(f"page error: {e}"))

    def _console(self, message: Any) -> None:
        if message.type in ("error", "warning"):
            self.problems.append(f"console {message.type}: {message.text} ({message.location.get('url')})")

    def open(self, url: str) -> None:
        self.page.goto(url, wait_until="networkidle")

    def violations(self) -> list[str]:
        return self.page.evaluate("window.__violations")


@pytest.fixture(scope="module")
def tab(browser: Any) -> Iterator[Visit]:
    v = Visit(browser)
    try:
        yield v
    finally:
        v.context.close()


@pytest.fixture
def visit(tab: Visit) -> Visit:
    tab.page.wait_for_load_state("networkidle")  # nothing of the last test's page may count in this one
    tab.problems.clear()
    return tab


@pytest.mark.parametrize(("lang", "path"), UNDER_POLICY, ids=[f"{lang}-{path or 'home'}" for lang, path in UNDER_POLICY])
def test_page_works_under_the_policy(apache: Apache, visit: Visit, lang: str, path: str) -> None:
    """Every page loads through Apache with no CSP violation, console error or failed request."""
    visit.open(apache.origin + url_path(lang, path))
    assert visit.violations() == []
    assert visit.problems == []
    # Material's inline scripts ran: its helpers exist and the colour palette is applied.
    assert visit.page.evaluate("typeof __md_get === 'function' && document.body.dataset.mdColorScheme !== undefined")


@pytest.mark.parametrize("lang", LANGUAGES)
def test_404_page_works_under_the_policy(apache: Apache, visit: Visit, lang: str) -> None:
    response = visit.page.goto(apache.origin + url_path(lang, "no-such-page/"), wait_until="networkidle")
    assert response is not None and response.status == 404
    assert visit.page.evaluate("document.documentElement.lang") == lang
    assert visit.violations() == []
    assert [p for p in visit.problems if "no-such-page" not in p] == []


@pytest.mark.parametrize(("lang", "query"), [("en", "password"), ("fr", "mot de passe")])
def test_search_works_under_the_policy(apache: Apache, visit: Visit, lang: str, query: str) -> None:
    """The search runs in a worker (worker-src 'self'): typing a query lists pages of the language."""
    visit.open(apache.origin + url_path(lang, "mail/setup/"))
    field = visit.page.locator("input.md-search__input")
    field.click()
    field.press_sequentially(query, delay=20)
    results = visit.page.locator(".md-search-result__item")
    results.first.wait_for(state="attached", timeout=10_000)
    links = visit.page.locator(".md-search-result__link").evaluate_all("els => els.map(e => e.href)")
    assert links and all(("/fr/" in link) == (lang == "fr") for link in links), links
    assert visit.violations() == []
    assert visit.problems == []


def test_your_own_settings_work_under_the_policy(apache: Apache, visit: Visit) -> None:
    """The reader's address (assets/javascripts/you.js, tests/test_personal.py): from a staff link, typed, and
    the personal profile made from the generic one (fetched: connect-src 'self') and downloaded (a blob: link)."""
    visit.open(apache.origin + url_path("fr", "mail/setup/") + "#smtp&address=anne%40example.ch")
    visit.page.wait_for_function("() => location.hash === '#smtp'")
    field = visit.page.locator("#mdx-you-address")
    assert field.input_value() == "anne@example.ch"
    field.fill("paul@exemple.ch")
    field.press("Enter")
    link = visit.page.locator("[data-you-profile] a")
    link.wait_for(state="visible")
    with visit.page.expect_download() as download:
        link.click()
    assert b"paul@exemple.ch" in Path(download.value.path()).read_bytes()
    assert visit.violations() == []
    assert visit.problems == []
    visit.page.evaluate("() => sessionStorage.clear()")  # the module's tab goes on without it
