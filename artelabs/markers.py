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
    <!-- staff:links -->         every page#id of data/anchors.txt, titled in both languages, to copy

It works on Python-Markdown's own parse: a marker in a code span or a code block
is code, shown as written. Markup lives in overrides/partials/, words in
data/strings.yml. A comment that looks like a marker but is not one (`port:`,
`PORTS:`, `ports:tabel`) stops the build: `scan()` finds them with their line
before anything is built (hooks/ports.py), and the extension itself refuses them
too, so that no builder publishes a page with a table missing.

MkDocs: hooks/ports.py adds the extension with the data and sets the language
of each page. Any other builder that runs Python-Markdown (Zensical): list
`markers` in markdown_extensions with hooks/ on PYTHONPATH; it then reads data/
itself and takes the language from the builder's configuration.
"""

from __future__ import annotations

import difflib
import html
import posixpath
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from markdown import Extension, Markdown
from markdown.inlinepatterns import InlineProcessor
from markdown.postprocessors import Postprocessor
from markdown.preprocessors import Preprocessor

from artelabs import datafile

NAMES = ("ports", "company", "sources", "versions", "staff", "mobileconfig-offer")  # what a marker starts with
PROFILE = "mail/artelabs-mail.mobileconfig"  # the Apple profile, under each language's root
COMMENT = re.compile(r"<!--(?P<body>.*?)-->", re.S)
LOOKS_LIKE = re.compile(r"^\s*(?P<name>[A-Za-z][\w-]*)\s*(?P<colon>:)?")
FENCE = re.compile(r"^(?P<indent>[ \t]*)(?P<fence>`{3,}|~{3,})")
OPENER = re.compile(r"^(?P<indent>[ \t]*)(?:(?:===|!!!|\?\?\?\+?)\s|(?P<item>[-*+]|\d+[.)])\s)")
CODE_SPAN = re.compile(r"(?P<ticks>`+)(?:.+?)(?P=ticks)")
START, END = "\ue000", "\ue001"  # a marker between Markdown's steps (private-use characters)
TOKEN = re.compile(f"{START}(?P<body>[^{START}{END}]*){END}")


class MarkerError(ValueError):
    """A marker that cannot be filled: one line, with the page and line when known."""


@dataclass(frozen=True)
class Marker:
    line: int  # from 1
    text: str  # the whole comment, as written
    body: str  # what is between <!-- and -->, stripped
    alone: bool  # the only thing on its line


# -----------------------------------------------------------------------------
# Finding markers in Markdown (for the check before a build)
# -----------------------------------------------------------------------------


def outside_code(markdown: str) -> Iterator[tuple[int, str]]:
    """(line number, line) of every line that is not code, with its code spans blanked out.

    Fenced blocks (at any indentation, as inside a content tab) and indented code
    blocks (4 spaces deeper than the text they follow, after a blank line) are
    skipped; `code spans` become spaces, so that columns stay where they were.
    """
    fence: str | None = None
    content_indent, blank, in_code = 0, True, False
    for number, line in enumerate(markdown.splitlines(), start=1):
        stripped = line.strip()
        indent = len(line) - len(line.lstrip(" \t"))
        if fence is not None:  # inside a fenced block, until its closing fence
            if stripped.startswith(fence) and set(stripped) <= set(fence[0]):
                fence = None
            continue
        opening = FENCE.match(line)
        if opening:
            fence = opening.group("fence")
            continue
        if not stripped:
            blank = True
            continue
        if (blank or in_code) and indent >= content_indent + 4:
            in_code = True  # an indented code block
            continue
        in_code, blank = False, False
        opener = OPENER.match(line)
        if opener:
            width = len(opener.group(0)) if opener.group("item") else 4
            content_indent = len(opener.group("indent")) + width
        else:
            content_indent = indent
        yield number, CODE_SPAN.sub(lambda m: " " * len(m.group(0)), line)


def scan(markdown: str) -> list[Marker]:
    """Every comment outside code that is, or looks like, a marker, with its line."""
    found: list[Marker] = []
    for number, visible in outside_code(markdown):
        if "<!--" not in visible:
            continue
        for match in COMMENT.finditer(visible):
            body = match.group("body").strip()
            if looks_like_marker(body):
                found.append(Marker(number, match.group(0), body, visible.strip() == match.group(0)))
    return found


def looks_like_marker(body: str) -> bool:
    """`ports:…`, `mobileconfig-offer`, and what is close to them (`port:`, `PORTS:`, `company :`)."""
    match = LOOKS_LIKE.match(body)
    if match is None:
        return False
    name = match.group("name")
    if match.group("colon"):
        return True  # any `word:` comment is a marker or a mistake
    return bool(difflib.get_close_matches(name.lower(), NAMES, n=1, cutoff=0.75))


# -----------------------------------------------------------------------------
# What a marker becomes
# -----------------------------------------------------------------------------


class Renderer:
    """Fills markers from the data, in one language; shared by the extension and the checks."""

    def __init__(
        self, data: dict[str, Any], strings: datafile.Strings, env: Any, lang: str, page: str = "",
        more: dict[str, Any] | None = None,
    ) -> None:
        self.data, self.strings, self.env, self.lang = data, strings, env, lang
        self.page = page  # the page's path under its language root, e.g. mail/setup/ (for relative links)
        self.more = more or {}  # company, sources, versions (datafile.load_more)
        self.site_url = ""  # the published site's address, for the profile's QR code
        self.languages = [lang]  # every language of the site (the staff sheet titles each link in all)
        self.default = "en"  # the language of docs/x.md (others: docs/x.LANG.md)
        self.root = Path.cwd()  # the repository: docs/ and data/anchors.txt (the staff sheet)

    def t(self, key: str) -> str:
        return self.strings(key, self.lang)

    def loc(self, value: Any) -> Any:
        return value[self.lang] if isinstance(value, dict) and self.lang in value else value

    def render(self, body: str, *, alone: bool) -> str:
        """The HTML for a marker body ('ports:table mail', 'ports:imap.port', 'mobileconfig-offer')."""
        name, _, rest = body.partition(":")
        words = rest.split()
        if body == "mobileconfig-offer":
            self._block(body, alone)
            return self.offer()
        if name == "company" and len(words) == 1:
            return self.company(words[0], body)
        if name == "sources" and len(words) == 1:
            self._block(body, alone)
            return self.sources(words[0], body)
        if name == "versions" and len(words) == 1:
            return self.versions(words[0], body, alone)
        if body == "staff:links":
            self._block(body, alone)
            return self._template("staff-links.html", pages=staff_links(self)) + "\n"
        if name == "versions" and len(words) == 2 and words[0] == "include":
            self._block(body, alone)
            return ""  # the text itself is put in by the include step, before Markdown reads the page
        if name != "ports" or not words:
            raise MarkerError(f"unknown marker '<!-- {body} -->', expected {self._expected(body)}")
        if words[0] == "table" and len(words) == 2:
            self._block(body, alone)
            return self.table(words[1], body) + "\n"
        if words == ["diagram"]:
            self._block(body, alone)
            return self._template("ports-diagram.html") + "\n"
        if len(words) == 1 and words[0] not in ("table", "diagram"):
            return self.value(words[0], body)
        raise MarkerError(f"unknown marker '<!-- {body} -->', expected {self._expected(body)}")

    def table(self, name: str, body: str) -> str:
        if name in TABLES:
            partial, rows = TABLES[name]
            rows_of = rows(self.data)
        else:
            section = self.data.get(name.replace("-", "_"))
            partial = f"ports-table-{name}.html"
            if not isinstance(section, list) or not self._has_template(partial):
                tables = ", ".join([*TABLES, *self._other_tables()])
                raise MarkerError(f"unknown table '{name}' in '<!-- {body} -->', expected one of {tables}")
            rows_of = section
        return self._template(partial, rows=rows_of, caption=self.t(f"table.{name}"))

    def value(self, path: str, body: str) -> str:
        parts = path.split(".")
        value = _lookup(self.data, parts)
        if value is None or isinstance(value, (list, bool)) or (isinstance(value, dict) and self.lang not in value):
            raise MarkerError(
                f"unknown marker '<!-- {body} -->', expected a value of data/ports.yml such as imap.port, "
                "smtp.host, smtp.security, std.submission.port, provider.webmail or account.username"
            )
        value = self.loc(value)
        if parts[-1] == "security":
            return html.escape(self.t(f"security.{value}"))
        if isinstance(value, str) and value.startswith("https://"):
            shown = value.removeprefix("https://").rstrip("/")
            return f'<a href="{html.escape(value)}">{html.escape(shown)}</a>'
        if parts[-1] == "host":
            return f"<code>{html.escape(str(value))}</code>"
        return html.escape(str(value))

    def company(self, key: str, body: str) -> str:
        """A detail of the company; unknown or unconfirmed ones are marked for the reader and refused by publishing."""
        entry = self.more.get("company", {}).get(key)
        if not isinstance(entry, dict):
            keys = ", ".join(self.more.get("company", {}))
            raise MarkerError(f"unknown marker '<!-- {body} -->', expected a key of data/company.yml: {keys}")
        value = self.loc(entry.get("value"))
        shown = html.escape(str(value)) if value else f'<span class="mdx-unknown">{html.escape(self.t("legal.unknown"))}</span>'
        if entry.get("status") != "confirmed":
            shown += f' <span class="mdx-tbc">{html.escape(self.t("legal.unconfirmed"))}</span>'
        return shown

    def sources(self, page: str, body: str) -> str:
        entries = self.more.get("sources", {}).get(page)
        if not entries:
            raise MarkerError(f"'<!-- {body} -->': no sources for {page} in data/sources.yml, expected a list of sources")
        items = [
            {
                "title": self.loc(e["title"]), "url": self.loc(e["url"]), "checked": self.date(e["checked"]),
                "updated": self.date(e["updated"]) if e.get("updated") else None,
            }
            for e in entries
        ]
        return self._template("sources.html", items=items) + "\n"

    def versions(self, what: str, body: str, alone: bool) -> str:
        doc, _, which = what.partition(".")
        entries = self.more.get("versions", {}).get(doc)
        if not entries:
            raise MarkerError(f"unknown marker '<!-- {body} -->', expected terms or privacy (data/legal-versions.yml)")
        if which == "current":
            return self._version_line(doc, entries[0], link=False)
        if not which:
            self._block(body, alone)
            return self._template("versions.html", doc=doc, versions=[self._version(doc, e) for e in entries]) + "\n"
        entry = next((e for e in entries if e["version"] == which), None)
        if entry is None:
            raise MarkerError(f"unknown version '{which}' in '<!-- {body} -->', expected one of data/legal-versions.yml")
        self._block(body, alone)
        return self._template("versions.html", doc=doc, versions=[self._version(doc, entry)], one=True) + "\n"

    def _version(self, doc: str, entry: dict[str, Any]) -> dict[str, Any]:
        link = posixpath.relpath(f"{doc}/versions/{entry['version']}/", self.page.strip("/") or ".") + "/"
        return {
            "line": self._version_line(doc, entry, link=False),
            "version": entry["version"],
            "link": link,
            "changes": entry["changes"][self.lang],
        }

    def _version_line(self, doc: str, entry: dict[str, Any], *, link: bool) -> str:
        line = html.escape(self.t("legal.version").format(version=entry["version"], date=self.date(entry["effective"])))
        if entry.get("status") != "confirmed":
            line += f' <span class="mdx-tbc">{html.escape(self.t("legal.unconfirmed"))}</span>'
        return line

    def date(self, value: str) -> str:
        """2026-11-30 as a reader writes it: 30 November 2026, 1er décembre 2026."""
        year, month, day = (int(part) for part in str(value).split("-"))
        months = self.t("months").split()
        first = self.t("date.first-day") if day == 1 else str(day)
        return f"{first} {months[month - 1]} {year}"

    def offer(self) -> str:
        """The box that offers the Apple profile of the page's language."""
        words = {key: self.t(key) for key in ("ui.ios", "ui.macos", "ui.macos-old", "offer.title", "offer.link")}
        sentence = _strong(html.escape(self.t("offer.text"))).format(
            ios=html.escape(words["ui.ios"]), macos=html.escape(words["ui.macos"]), macos_old=html.escape(words["ui.macos-old"])
        )
        link = posixpath.relpath(PROFILE, self.page.strip("/") or ".") if self.page else PROFILE
        address = self.site_url.rstrip("/") + "/" + ("" if self.lang == self.default else f"{self.lang}/") + PROFILE
        return self._template(
            "mobileconfig-offer.html", words=words, sentence=sentence, link=link, qr=qr_svg(address), address=address,
            one_line=False,
        )

    def _template(self, name: str, *, one_line: bool = True, **context: Any) -> str:
        text = self.env.get_template(f"partials/{name}").render(
            data=self.data, t=self.t, loc=self.loc, lang=self.lang, **context
        )
        # One line per block: nothing in it that Markdown or a reader of the HTML must reflow.
        return re.sub(r">\s+<", "><", text.strip()) if one_line else text.strip()

    def _has_template(self, name: str) -> bool:
        return f"partials/{name}" in self.env.list_templates(filter_func=lambda n: n.startswith("partials/ports-table-"))

    def _other_tables(self) -> list[str]:
        names = self.env.list_templates(filter_func=lambda n: n.startswith("partials/ports-table-"))
        found = [n.removeprefix("partials/ports-table-").removesuffix(".html") for n in names]
        return sorted(n for n in found if n not in TABLES and isinstance(self.data.get(n.replace("-", "_")), list))

    def _block(self, body: str, alone: bool) -> None:
        if not alone:
            raise MarkerError(f"marker '<!-- {body} -->' must stand alone on its line")

    def _expected(self, body: str) -> str:
        name = LOOKS_LIKE.match(body)
        near = difflib.get_close_matches(name.group("name").lower(), NAMES, n=1, cutoff=0.6) if name else []
        hint = f"'<!-- {near[0]}:… -->'" if near and near[0] != "mobileconfig-offer" else "'<!-- mobileconfig-offer -->'" if near else ""
        known = (
            "'ports:table NAME', 'ports:diagram', a value such as 'ports:imap.port', 'company:KEY', "
            "'sources:PAGE', 'versions:DOC', or 'mobileconfig-offer'"
        )
        return f"{hint} (names are lower case: {known})" if hint else known


def _lookup(data: dict[str, Any], parts: list[str]) -> Any:
    """imap.port (mail), std.ID.FIELD, other.ID.FIELD, provider.KEY, account.KEY, SECTION.ID.FIELD."""
    if len(parts) == 2 and parts[0] in ("provider", "account"):
        return data[parts[0]].get(parts[1])
    if len(parts) == 2:
        return _find(data["mail"], parts[0], parts[1])
    if len(parts) == 3:
        section = {"std": "standard_ports", "other": "not_standard"}.get(parts[0], parts[0].replace("-", "_"))
        entries = data.get(section)
        return _find(entries, parts[1], parts[2]) if isinstance(entries, list) else None
    return None


def _find(entries: list[dict[str, Any]], entry_id: str, field: str) -> Any:
    for entry in entries:
        if isinstance(entry, dict) and entry.get("id") == entry_id:
            return entry.get(field) if field != "id" else None
    return None


HEADING_ID = re.compile(r"^ {0,3}#{1,6}\s+(?P<text>.*?)\s*\{[^}]*#(?P<id>[\w-]+)[^}]*\}\s*$")
TAB = re.compile(r'^\s*===\+?\s+"(?P<label>[^"]+)"')


def staff_links(renderer: Renderer) -> list[dict[str, Any]]:
    """The pages and anchors of data/anchors.txt, each titled in every language, for the staff sheet."""
    root = renderer.root
    registry = [line for line in (root / "data" / "anchors.txt").read_text(encoding="utf-8").splitlines()
                if line and not line.startswith("#")]
    languages = list(dict.fromkeys([renderer.default, *renderer.languages]))
    titles = {lang: {} for lang in languages}
    for lang in languages:
        for line in registry:
            path = line.split("#")[0]
            if path not in titles[lang]:
                titles[lang][path] = _titles_of(root, path, lang, renderer)
    site = renderer.site_url.rstrip("/") + "/"
    pages: list[dict[str, Any]] = []
    for line in registry:
        path, anchor = line.split("#", 1)
        if not pages or pages[-1]["path"] != path:
            pages.append({"path": path, "titles": {lang: titles[lang][path].get("", path) for lang in languages}, "anchors": []})
        pages[-1]["anchors"].append({
            "id": anchor,
            "titles": {lang: titles[lang][path].get(anchor, anchor) for lang in languages},
            "urls": {lang: site + ("" if lang == renderer.default else f"{lang}/") + path.lstrip("/") + "#" + anchor
                     for lang in languages},
        })
    return pages


def _titles_of(root: Path, path: str, lang: str, renderer: Renderer) -> dict[str, str]:
    """{id: title} of a page's headings and content tabs, from its Markdown; "" is the page's title."""
    stem = path.strip("/") or "index"
    source = root / "docs" / (f"{stem}.md" if lang == renderer.default else f"{stem}.{lang}.md")
    if not source.is_file():
        return {}
    local = Renderer(renderer.data, renderer.strings, renderer.env, lang, path.lstrip("/"), renderer.more)
    local.root = renderer.root
    local.default, local.site_url, local.languages = renderer.default, renderer.site_url, renderer.languages
    titles: dict[str, str] = {}
    heading = ""
    for _, line in outside_code(source.read_text(encoding="utf-8")):
        match = HEADING_ID.match(line)
        if match:
            text = COMMENT.sub(lambda m: re.sub(r"<[^>]+>", "", local.render(m.group("body").strip(), alone=False)), match["text"])
            heading = match["id"]
            titles[heading] = " ".join(text.replace("*", "").split())
            if line.lstrip().startswith("# "):
                titles[""] = titles[heading]
            continue
        tab = TAB.match(line)
        if tab and heading:
            slug = re.sub(r"[^\w-]", "", tab["label"].lower().replace(" ", "-"))
            titles.setdefault(f"{heading}-{slug}", f"{titles.get(heading, heading)} › {tab['label']}")
    return titles


def qr_svg(address: str) -> str:
    """A QR code of an address, as inline SVG drawn from the address alone (segno; no service asked)."""
    import segno

    svg = segno.make(address, error="m").svg_inline(scale=1, omitsize=True, dark="#000", light="#fff", border=2)
    return svg.replace('<svg ', '<svg role="img" aria-hidden="true" focusable="false" ', 1).replace(' class="segno"', "")


def _strong(text: str) -> str:
    return re.sub(r"\*\*(.+?)\*\*", r"<strong>\1</strong>", text)


def _rows_mail(direction: str | None) -> Callable[[dict[str, Any]], list[dict[str, Any]]]:
    return lambda data: [entry for entry in data["mail"] if direction in (None, entry["direction"])]


# The tables whose rows are not simply a list of data/ports.yml: (partial, rows).
TABLES: dict[str, tuple[str, Callable[[dict[str, Any]], list[Any]]]] = {
    "mail": ("ports-table-mail.html", _rows_mail(None)),
    "incoming": ("ports-table-mail.html", _rows_mail("incoming")),
    "outgoing": ("ports-table-mail.html", _rows_mail("outgoing")),
    "account": ("ports-table-account.html", lambda data: [data["account"]]),
    "standard": ("ports-table-standard.html", lambda data: data["standard_ports"]),
    "not-standard": ("ports-table-not-standard.html", lambda data: data["not_standard"]),
    "other-providers": ("ports-table-other-providers.html", lambda data: data["other_providers"]),
}


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


class _Include(Preprocessor):
    """`<!-- versions:include terms -->` alone on a line: the current text of docs/terms.md, without its front matter."""

    INCLUDE = re.compile(r"^<!--\s*versions:include\s+(?P<doc>[a-z-]+)\s*-->\s*$")
    # A relative link target: [text](target) or a reference definition [id]: target.
    LINK = re.compile(r"(\]\(\s*<?|^[ ]{0,3}\[[^\]]+\]:\s*)(?![a-z][a-z0-9+.-]*:|#|/)", re.M)

    def __init__(self, md: Markdown, extension: MarkersExtension) -> None:
        super().__init__(md)
        self.extension = extension

    def run(self, lines: list[str]) -> list[str]:
        out: list[str] = []
        for line in lines:
            match = self.INCLUDE.match(line)
            if match is None:
                out.append(line)
                continue
            renderer = self.extension.current()
            docs = Path(self.extension.getConfig("root")) / "docs"
            source = docs / (f"{match['doc']}.md" if renderer.lang == renderer.default else f"{match['doc']}.{renderer.lang}.md")
            if not source.is_file():
                raise MarkerError(f"'{line.strip()}': no {source.relative_to(docs.parent)}, expected the current text")
            text = source.read_text(encoding="utf-8")
            front = re.match(r"\A---\n.*?\n---\n", text, re.S)
            # Relative links of docs/DOC.md, read from docs/DOC/versions/V.md: two folders deeper.
            up = "../" * (match["doc"].count("/") + 2)
            body = self.LINK.sub(lambda m: f"{m.group(1)}{up}", text[front.end() if front else 0 :])
            out += body.splitlines()
        return out


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

    data = datafile.load(root / "data" / "ports.yml", name="data/ports.yml", schema=root / "data" / "ports.schema.json")
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
