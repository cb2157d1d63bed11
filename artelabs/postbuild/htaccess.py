"""The site's Apache configuration, `.htaccess`, written into a built site.

Not a hook: hooks/htaccess.py calls it once every language is built, and
tools/postbuild.py on any built site. Rendered from overrides/htaccess/.htaccess:
security headers, caching, compression, MIME types and one 404 page per language.

Its Content-Security-Policy allows nothing outside the site's own origin and no
inline script but those the project's templates write (Material's and overrides/),
by their sha256 hash. The pages are parsed as a browser does (html.parser), not
searched with patterns: a script's hash is computed from its exact text. A script
is allowed only when its text has the shape of a template's script, the template's
{{ … }} filled with a plain value (no quote, bracket, semicolon or backslash): a
script that reached a page any other way stops the build with the page and line,
and is never hashed into the policy. What the policy would block stops the build
too: an inline event handler (`onclick=`), a `style=` attribute, a `javascript:`,
`vbscript:` or `data:` link.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import importlib.util
import json
import logging
import re
import sys
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from artelabs import datafile
from artelabs.postbuild import Site

log = logging.getLogger("mkdocs.plugins.htaccess")

TEMPLATE = "htaccess/.htaccess"
# Material's assets carry a hash of their content in their name.
FINGERPRINTED = r"\.[0-9a-f]{8}\.min\.(css|js)(\.map)?$"
JAVASCRIPT_TYPES = frozenset({"", "module", "text/javascript", "application/javascript", "text/ecmascript"})


class PolicyError(ValueError):
    """Markup the Content-Security-Policy would block: one line naming the page."""


def write_htaccess(site: Site) -> Path:
    allowed = template_scripts(site.root / "overrides")
    cache = datafile.cache_folder(site.root / "data" / "ports.yml") / "htaccess.json"
    scripts, styles = inline_hashes(site.folder, cache, allowed)
    text = site.templates().get_template(TEMPLATE).render(
        script_sources=" ".join(scripts),
        style_sources="".join(f" {source}" for source in styles),
        error_pages=error_pages(site),
        fingerprinted=FINGERPRINTED,
    )
    path = site.folder / ".htaccess"
    path.write_text(text.rstrip("\n") + "\n", encoding="utf-8", newline="\n")
    return path


def inline_hashes(
    folder: Path, cache: Path | None = None, allowed: tuple[re.Pattern[str], ...] | None = None
) -> tuple[list[str], list[str]]:
    """CSP sources ('sha256-...') of every distinct inline script and style of the site's pages; with
    `allowed` (template_scripts()), a script of any other shape stops the build instead of being hashed.

    With cache (a JSON file, .cache/artelabs/htaccess.json), a page whose exact text was parsed by an earlier
    build (same parser, same templates' scripts: this file, Python's version and `allowed`) is not parsed
    again: its sources are remembered, and it passed the checks then. The file keeps the pages of the last
    KEEP_BUILDS builds (a build with PDFs and one without differ in every page: the PDF link)."""
    scripts: set[str] = set()
    styles: set[str] = set()
    key = _parser_key() + hashlib.sha256("\0".join(p.pattern for p in allowed or ()).encode()).hexdigest()
    known, build = _read_cache(cache, key)
    pages = {digest: entry for digest, entry in known.items() if entry[2] > build - KEEP_BUILDS}
    for page in sorted(folder.rglob("*.html")):
        text = page.read_text(encoding="utf-8")
        digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
        found = known.get(digest)
        if found is None:
            parser = _Page(page.relative_to(folder).as_posix())
            parser.feed(text)
            parser.close()
            _refuse_unknown_scripts(parser, allowed)
            found = [sorted({csp_hash(t) for t in parser.scripts if t.strip()}), sorted({csp_hash(t) for t in parser.styles}), 0]
        pages[digest] = [found[0], found[1], build]
        scripts.update(found[0])
        styles.update(found[1])
    if cache is not None and pages != known:
        _write_cache(cache, pages, build, key)
    return sorted(scripts), sorted(styles)


KEEP_BUILDS = 4  # the cache keeps the pages of this many builds


@functools.cache
def _parser_key() -> str:
    return hashlib.sha256(Path(__file__).read_bytes() + sys.version.encode()).hexdigest()


def _read_cache(cache: Path | None, key: str) -> tuple[dict[str, list[Any]], int]:
    """The pages remembered ({sha256: [scripts, styles, build number]}) and this build's number."""
    try:
        stored = json.loads(cache.read_text(encoding="utf-8")) if cache is not None else {}
        if isinstance(stored, dict) and stored.get("parser") == key:
            return dict(stored["pages"]), int(stored["build"]) + 1
    except (OSError, ValueError, KeyError, TypeError):
        pass
    return {}, 1


def _write_cache(cache: Path, pages: dict[str, list[Any]], build: int, key: str) -> None:
    try:
        datafile.write_whole(cache, json.dumps({"parser": key, "build": build, "pages": pages}).encode("utf-8"))
    except OSError as error:
        note = f"{cache.parent}: cannot be written ({error.strerror}): every page is parsed for .htaccess at every build"
        if note not in _notes:
            _notes.add(note)
            log.info(note)


_notes: set[str] = set()


def _refuse_unknown_scripts(parser: "_Page", allowed: tuple[re.Pattern[str], ...] | None) -> None:
    for line, text in zip(parser.lines, parser.scripts):
        if text.strip() and allowed is not None and not any(pattern.fullmatch(text) for pattern in allowed):
            raise PolicyError(
                f"{parser.name}:{line}: an inline script that no template of the site writes ({text.strip()[:40]!r}), "
                "expected none: a page or a data value never holds a script"
            )


SCRIPT = re.compile(r"<script(?P<attrs>[^>]*)>(?P<body>.*?)</script>", re.S | re.I)
JINJA = re.compile(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}", re.S)
FILLED = r"[^\"'`<>;\\]*"  # what a template's {{ … }} may hold in an allowed script: a plain value


@functools.cache
def template_scripts(overrides: Path) -> tuple[re.Pattern[str], ...]:
    """The inline JavaScript of the theme's templates (Material's) and of overrides/, as patterns."""
    spec = importlib.util.find_spec("material")
    folders = [overrides]
    if spec is not None and spec.origin:
        folders.append(Path(spec.origin).parent / "templates")
    patterns = []
    for folder in folders:
        for template in sorted(folder.rglob("*.html")):
            for match in SCRIPT.finditer(template.read_text(encoding="utf-8")):
                kind = re.search(r"\btype\s*=\s*[\"']?([\w/+-]*)", match["attrs"])
                if re.search(r"\bsrc\s*=", match["attrs"]) or (kind and kind.group(1).lower() not in JAVASCRIPT_TYPES):
                    continue
                parts = JINJA.split(match["body"])
                patterns.append(re.compile(FILLED.join(re.escape(part) for part in parts), re.S))
    return tuple(patterns)


def csp_hash(text: str) -> str:
    """The CSP source that allows this exact inline script or style."""
    digest = hashlib.sha256(text.encode("utf-8")).digest()
    return f"'sha256-{base64.b64encode(digest).decode('ascii')}'"


def error_pages(site: Site) -> list[tuple[str, str]]:
    """(URL prefix, 404 page) per language, the default language first."""
    root = urlsplit(site.site_url or "/").path.rstrip("/") + "/"
    return [(f"{root}{site.prefix(lang)}", f"{root}{site.prefix(lang)}404.html") for lang in site.languages]


class _Page(HTMLParser):
    """Inline scripts and styles, exactly as written; what the policy would block refused."""

    def __init__(self, name: str) -> None:
        super().__init__(convert_charrefs=False)
        self.name = name
        self.scripts: list[str] = []
        self.lines: list[int] = []  # the line of each script
        self.styles: list[str] = []
        self._inside: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        names = {name for name, _ in attrs}
        for name, value in attrs:
            if name.startswith("on") or name == "style":
                raise PolicyError(
                    f"{self.name}:{self.getpos()[0]}: <{tag}> has an inline '{name}=' attribute, expected none: the "
                    "Content-Security-Policy blocks it (use a class in a stylesheet or a script file)"
                )
            if name in ("href", "src", "action", "formaction", "data", "srcdoc") and value and _is_script_url(value):
                raise PolicyError(
                    f"{self.name}:{self.getpos()[0]}: <{tag} {name}=\"{value[:40]}\">: a {_scheme(value)}: link, expected "
                    "a page address (the Content-Security-Policy blocks it; use a script file)"
                )
            if tag in ("iframe", "object", "embed", "frame", "applet"):
                raise PolicyError(f"{self.name}:{self.getpos()[0]}: <{tag}>, expected none: the site embeds nothing")
        kind = dict(attrs).get("type") or ""
        if tag == "script" and "src" not in names and kind.strip().lower() in JAVASCRIPT_TYPES:
            self._inside = self.scripts
            self.scripts.append("")
            self.lines.append(self.getpos()[0])
        elif tag == "style":
            self._inside = self.styles
            self.styles.append("")
        else:
            self._inside = None if tag in ("script", "style") else self._inside

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style"):
            self._inside = None

    def handle_data(self, data: str) -> None:
        if self._inside is not None:
            self._inside[-1] += data

    def handle_entityref(self, name: str) -> None:
        self.handle_data(f"&{name};")

    def handle_charref(self, name: str) -> None:
        self.handle_data(f"&#{name};")


SCRIPT_SCHEMES = ("javascript", "vbscript", "data")


def _scheme(url: str) -> str:
    cleaned = "".join(char for char in url if char > " ").lower()  # browsers ignore spaces and controls in a scheme
    return cleaned.partition(":")[0] if ":" in cleaned else ""


def _is_script_url(url: str) -> bool:
    return _scheme(url) in SCRIPT_SCHEMES
