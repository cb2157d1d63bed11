"""Write the site's Apache configuration, `.htaccess`, at the site root.

The site is published as static files on Infomaniak web hosting (Apache,
`.htaccess` honoured). The configuration, rendered from the template
`overrides/htaccess/.htaccess`, sets the security headers, caching,
compression, MIME types and one 404 page per language.

Its Content-Security-Policy allows nothing outside the site's own origin and
no inline script but those Material writes into the pages, by their sha256
hash: this hook collects the inline scripts (and styles) of every built page.
An inline event handler (`onclick=`) or style attribute would be blocked by
that policy, so it stops the build instead.

mkdocs-static-i18n builds the French pages inside the English pass's
`on_post_build` (priority -100); this hook runs at -300 in the outer pass, when
every language and every other hook is done.
"""

from __future__ import annotations

import base64
import hashlib
import logging
import re
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority

log = logging.getLogger("mkdocs.plugins.htaccess")

TEMPLATE = "htaccess/.htaccess"
# Material's assets carry a hash of their content in their name.
FINGERPRINTED = r"\.[0-9a-f]{8}\.min\.(css|js)(\.map)?$"

SCRIPT = re.compile(r"<script\b(?P<attrs>[^>]*)>(?P<body>.*?)</script\s*>", re.S | re.I)
STYLE = re.compile(r"<style\b[^>]*>(?P<body>.*?)</style\s*>", re.S | re.I)
TYPE = re.compile(r"""\btype\s*=\s*["']?\s*(?P<type>[^"'\s>]*)""", re.I)
SRC = re.compile(r"\bsrc\s*=", re.I)
# An attribute inside a tag that the policy blocks: onclick=..., style=...
BLOCKED_ATTRIBUTE = re.compile(r"<[a-zA-Z][^<>]*?\s(?P<name>on[a-z]+|style)\s*=", re.S)
JAVASCRIPT_TYPES = frozenset({"", "module", "text/javascript", "application/javascript", "text/ecmascript"})


# -----------------------------------------------------------------------------
# Hooks
# -----------------------------------------------------------------------------


@event_priority(-300)
def on_post_build(*, config: MkDocsConfig, **kwargs: Any) -> None:
    """Write site_dir/.htaccess once every language is built."""
    i18n = config.plugins.get("i18n")
    if i18n is not None and i18n.building:
        return  # an inner language pass: the outer one writes the file
    site = Path(config.site_dir)
    scripts, styles = inline_hashes(site)
    template = config.theme.get_env().get_template(TEMPLATE)
    text = template.render(
        script_sources=" ".join(scripts),
        style_sources="".join(f" {source}" for source in styles),
        error_pages=error_pages(config),
        fingerprinted=FINGERPRINTED,
    )
    (site / ".htaccess").write_text(text.rstrip("\n") + "\n", encoding="utf-8", newline="\n")
    log.debug("wrote .htaccess: %d inline script hashes, %d inline style hashes", len(scripts), len(styles))


# -----------------------------------------------------------------------------
# Helpers
# -----------------------------------------------------------------------------


def inline_hashes(site: Path) -> tuple[list[str], list[str]]:
    """CSP sources ('sha256-...') of every distinct inline script and style of the site's pages."""
    scripts: set[str] = set()
    styles: set[str] = set()
    for page in sorted(site.rglob("*.html")):
        html = page.read_text(encoding="utf-8")
        name = page.relative_to(site).as_posix()
        _refuse_blocked_attributes(html, name)
        for match in SCRIPT.finditer(html):
            if _executable(match.group("attrs")) and match.group("body").strip():
                scripts.add(csp_hash(match.group("body")))
        styles.update(csp_hash(match.group("body")) for match in STYLE.finditer(html))
    return sorted(scripts), sorted(styles)


def csp_hash(text: str) -> str:
    """The CSP source that allows this exact inline script or style."""
    digest = hashlib.sha256(text.encode("utf-8")).digest()
    return f"'sha256-{base64.b64encode(digest).decode('ascii')}'"


def error_pages(config: MkDocsConfig) -> list[tuple[str, str]]:
    """(URL prefix, 404 page) per language, the default language first."""
    root = urlsplit(config.site_url or "/").path.rstrip("/") + "/"
    pages = [(root, f"{root}404.html")]
    i18n = config.plugins.get("i18n")
    if i18n is not None:
        others = [lang for lang in i18n.build_languages if lang != i18n.default_language]
        pages += [(f"{root}{lang}/", f"{root}{lang}/404.html") for lang in others]
    return pages


def _executable(attrs: str) -> bool:
    """A script without src whose type a browser runs (not application/json)."""
    if SRC.search(attrs):
        return False
    match = TYPE.search(attrs)
    return (match.group("type").lower() if match else "") in JAVASCRIPT_TYPES


def _refuse_blocked_attributes(html: str, name: str) -> None:
    match = BLOCKED_ATTRIBUTE.search(SCRIPT.sub("", html))
    if match is not None:
        attribute = match.group("name")
        raise PluginError(
            f"{name}: inline '{attribute}=' attribute, expected none: the Content-Security-Policy of "
            f"overrides/htaccess/.htaccess blocks it (use a class in extra.css or a script file)"
        )
