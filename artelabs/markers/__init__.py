"""Markers in the pages, as a Python-Markdown extension: the values of data/ into HTML.

Pages never type a port, a host name or a company detail: they write a marker,
an HTML comment that names what fills it, and this extension puts the value in,
in the page's language:

    <!-- ports:table NAME -->    a table (alone on its line): mail, incoming, outgoing,
                                 account, standard, not-standard, other-providers, or any
                                 list of data/ports.yml with a partial ports-table-NAME.html
    <!-- ports:diagram -->       the mail program / server diagram
    <!-- ports:PATH -->          one value in a sentence: imap.port, smtp.host, smtp.security,
                                 std.submission.port, other.port-2525.port, provider.webmail,
                                 account.username, SECTION.ID.FIELD of any list
    <!-- mobileconfig-offer -->  the box that offers the Apple profile (alone on its line)
    <!-- company:KEY -->         a detail of data/company.yml (legal name, address, ...); one that
                                 the company has not confirmed shows "to be confirmed"
    <!-- sources:PAGE -->        the sources of a page, with the date each was checked (data/sources.yml)
    <!-- versions:DOC.current --> "Version 3.0, effective ..." of the terms or the privacy page
    <!-- versions:DOC -->        every version, with its date, its page and what changed
    <!-- versions:DOC.V -->      one version and what changed (on the version's own page)
    <!-- versions:include DOC --> (alone on a line) the current text of docs/DOC.md, on its version's page
    <!-- diff:DOC.V -->          what changed in version V from the one before, word by word: put at the end
                                 of every version's page by the extension itself (section "Changes from
                                 version X" { #compare }), never typed, so that frozen texts stay as written
    <!-- dpa:subprocessors -->  (alone on a line) Annex 1 of the data processing agreement (data/dpa.yml)
    <!-- dpa:security -->       (alone on a line) Annex 2: the security measures, each with its source
    <!-- staff:links -->         every page#id of data/anchors.txt, titled in both languages, to copy
    <!-- announcements:current --> (also recent, archive) the announcements of data/announcements.yml
                                 as of the build date, each at #a-ID
    <!-- you:field -->           (alone) the field "Your e-mail address" (also `domain`, `staff`)
    <!-- you:address "WORDS" --> WORDS, or the reader's own address once typed (also `local`, `domain`,
                                 `code`): filled in the reader's browser, sent nowhere (markers/you.py)

It works on Python-Markdown's own parse: a marker in a code span or a code block
is code, shown as written. Markup lives in overrides/partials/, words in
data/strings.yml. A comment that looks like a marker but is not one (`port:`,
`PORTS:`, `ports:tabel`) stops the build: `scan()` finds them with their line
before anything is built (hooks/markers.py), and the extension itself refuses them
too, so that no builder publishes a page with a table missing.

Each kind of marker is a module of this package with its partial (ports, company,
sources, versions, diff, dpa, staff, offer, announcements, you); `base` finds markers and holds the renderer they
share. A new kind: a module with NAME, EXPECTED and render(), listed in KIND_MODULES.

MkDocs: hooks/markers.py adds the extension with the data and sets the language
of each page. Any other builder that runs Python-Markdown (Zensical): list
`artelabs.markers` in markdown_extensions; it then reads data/ itself and takes
the language from the builder's configuration.
"""

from __future__ import annotations

import html
import re
from pathlib import Path
from typing import Any

from markdown import Extension, Markdown
from markdown.inlinepatterns import InlineProcessor
from markdown.postprocessors import Postprocessor
from markdown.preprocessors import Preprocessor

from artelabs import datafile
from artelabs.markers import announcements, company, diff, dpa, offer, ports, sources, staff, versions, you
from artelabs.markers.base import (  # noqa: F401 (what the hooks and tests use)
    COMMENT, END, EXPECTED, KINDS, START, TOKEN, Marker, MarkerError, MistakeElsewhere, Renderer, looks_like_marker, outside_code,
    refusal, scan,
)

# The kinds of marker, each a module with NAME, EXPECTED and render(): a new kind is one more module here.
KIND_MODULES = (ports, company, sources, versions, diff, dpa, staff, offer, announcements, you)
for _kind in KIND_MODULES:
    KINDS[_kind.NAME] = _kind.render
    EXPECTED[_kind.NAME] = _kind.EXPECTED


# -----------------------------------------------------------------------------
# The Python-Markdown extension
# -----------------------------------------------------------------------------


class MarkersExtension(Extension):
    def __init__(self, **kwargs: Any) -> None:
        self.config = {
            "lang": ["", "The page's language; empty: the builder's language (Zensical), else en"],
            "page": ["", "The page's path under its language root (mail/setup/), for relative links"],
            "root": [".", "The repository, whose data/ and overrides/ are read when no data is given (default: the working folder)"],
        }
        super().__init__(**kwargs)
        self.renderer: Renderer | None = None  # set by hooks/ports.py under MkDocs

    def extendMarkdown(self, md: Markdown) -> None:  # noqa: N802 (Python-Markdown's name)
        md.registerExtension(self)
        # Python-Markdown takes a comment that starts a line for a block of raw HTML, even within
        # a paragraph. So, after fenced code is set aside (25) and before raw HTML is (20), each
        # marker becomes a token of private-use characters; the inline pattern (after code spans,
        # 190, and before raw HTML, 90) fills it; a token left inside code is put back as written.
        md.preprocessors.register(_Changes(md, self), "artelabs_changes", 36)  # before the include replaces its line
        md.preprocessors.register(_Include(md, self), "artelabs_include", 35)  # before fenced code (25)
        md.preprocessors.register(_Tokens(md), "artelabs_markers", 22)
        md.inlinePatterns.register(_Fill(TOKEN.pattern, md, self), "artelabs_markers", 95)
        md.postprocessors.register(_Restore(md), "artelabs_markers", 25)

    def current(self) -> Renderer:
        if self.renderer is None:
            self.renderer = standalone_renderer(Path(self.getConfig("root")).resolve(), self.getConfig("lang") or _builder_language())
        if self.getConfig("page"):
            self.renderer.page = self.getConfig("page")
        return self.renderer


class _ExtensionStep(Preprocessor):
    """A preprocessor that asks the extension for the page's renderer."""

    def __init__(self, md: Markdown, extension: MarkersExtension) -> None:
        super().__init__(md)
        self.extension = extension


class _Changes(_ExtensionStep):
    """A version's page (docs/DOC/versions/V.md) ends with what changed from the version before (diff.section)."""

    def run(self, lines: list[str]) -> list[str]:
        if not any("versions:" in line for line in lines):
            return lines
        renderer = self.extension.current()
        found = diff.version_of(lines, renderer.more.get("versions", {}))
        if found is None or (renderer.page.strip("/") not in ("", f"{found[0]}/versions/{found[1]}")):
            return lines  # not a version's page (its path, when the builder gives it, says so too)
        return lines + diff.section(renderer, *found)


class _Include(_ExtensionStep):
    """`<!-- versions:include terms -->` alone on a line: the current text of docs/terms.md (versions.include)."""

    def run(self, lines: list[str]) -> list[str]:
        if not any("versions:include" in line for line in lines):
            return lines
        renderer = self.extension.current()
        return versions.include(lines, renderer.root / "docs", renderer.lang, renderer.default)


class _Tokens(Preprocessor):
    def run(self, lines: list[str]) -> list[str]:
        out = []
        for line in lines:
            if "<!--" in line:
                alone = line.strip()
                line = COMMENT.sub(
                    lambda m: f"{START}{'!' if alone == m.group(0) else ''}{m.group('body')}{END}"
                    if looks_like_marker(m.group("body").strip()) else m.group(0),
                    line,
                )
            out.append(line)
        return out


class _Fill(InlineProcessor):
    def __init__(self, pattern: str, md: Markdown, extension: MarkersExtension) -> None:
        super().__init__(pattern, md)
        self.extension = extension

    def handleMatch(self, m: re.Match[str], data: str) -> tuple[str, int, int]:  # noqa: N802
        body = m.group("body")
        alone = body.startswith("!")
        rendered = self.extension.current().render(body.removeprefix("!").strip(), alone=alone)
        return self.md.htmlStash.store(rendered), m.start(0), m.end(0)


class _Restore(Postprocessor):
    def run(self, text: str) -> str:
        return TOKEN.sub(lambda m: f"&lt;!--{html.escape(m.group('body').removeprefix('!'), quote=False)}--&gt;", text)


def standalone_renderer(root: Path, lang: str) -> Renderer:
    """What the extension uses without MkDocs: data/ and overrides/ of the repository at root."""
    from jinja2 import Environment, FileSystemLoader, select_autoescape

    data = datafile.load(root / "data" / "ports.yml", name="data/ports.yml")
    strings = datafile.Strings(root / "data" / "strings.yml")
    env = Environment(loader=FileSystemLoader([str(root / "overrides")]), autoescape=select_autoescape(default=True))
    renderer = Renderer(data, strings, env, lang, more=datafile.load_more(root))
    renderer.root = root
    found = re.search(r"^site_url:\s*(\S+)", (root / "mkdocs.yml").read_text(encoding="utf-8"), re.M)
    renderer.site_url = found.group(1) if found else ""
    renderer.languages = ["en", "fr"]
    return renderer


def _builder_language() -> str:
    """Zensical (zensical-i18n builds each language in its own process with its own configuration)."""
    try:
        from zensical.config import get_config  # type: ignore[import-not-found]

        return str(get_config()["theme"]["language"])
    except Exception:  # noqa: BLE001 (another builder, or none: the default language)
        return "en"


def makeExtension(**kwargs: Any) -> MarkersExtension:  # noqa: N802 (Python-Markdown's entry point)
    return MarkersExtension(**kwargs)
