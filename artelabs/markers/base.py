"""What every kind of marker shares: finding markers in Markdown, and the renderer that fills them.

A marker is an HTML comment that names what fills it (`<!-- ports:imap.port -->`). Each kind lives in
its own module of this package (ports, company, sources, versions, staff, offer) with its partial in
overrides/partials/, and registers a function in KINDS: `render(renderer, rest, body, alone) -> html`.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from artelabs import datafile

COMMENT = re.compile(r"<!--(?P<body>.*?)-->", re.S)
LOOKS_LIKE = re.compile(r"^\s*(?P<name>[A-Za-z][\w-]*)\s*(?P<colon>:)?")
FENCE = re.compile(r"^(?P<indent>[ \t]*)(?P<fence>`{3,}|~{3,})")
OPENER = re.compile(r"^(?P<indent>[ \t]*)(?:(?:===|!!!|\?\?\?\+?)\s|(?P<item>[-*+]|\d+[.)])\s)")
CODE_SPAN = re.compile(r"(?P<ticks>`+)(?:.+?)(?P=ticks)")
START, END = "\ue000", "\ue001"  # a marker between Markdown's steps (private-use characters)
TOKEN = re.compile(f"{START}(?P<body>[^{START}{END}]*){END}")


class MarkerError(ValueError):
    """A marker that cannot be filled: one line, with the page and line when known."""


class MistakeElsewhere(MarkerError):
    """A marker that cannot be filled because of a mistake in another file (a data file, an earlier version's
    page): its one line starts with that file and line (`data/dpa.yml:12: ...`), the one to edit; the page
    whose marker needs it comes after, as context."""


@dataclass(frozen=True)
class Marker:
    line: int  # from 1
    text: str  # the whole comment, as written
    body: str  # what is between <!-- and -->, stripped
    alone: bool  # the only thing on its line
    problem: str | None = None  # what is wrong with it before it is even read (a marker split over two lines)


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
        yield number, CODE_SPAN.sub(lambda m: " " * len(m.group(0)), line) if "`" in line else line


def scan(markdown: str) -> list[Marker]:
    """Every comment outside code that is, or looks like, a marker, with its line; a marker that an editor's
    rewrapping split over two lines (`<!-- company:` here, `legal_name -->` on the next) with its `problem`:
    Markdown would take it for an ordinary comment and publish nothing in its place."""
    found: list[Marker] = []
    if "<!--" not in markdown:
        return found
    for number, visible in outside_code(markdown):
        if "<!--" not in visible:
            continue
        for match in COMMENT.finditer(visible):
            body = match.group("body").strip()
            if looks_like_marker(body):
                found.append(Marker(number, match.group(0), body, visible.strip() == match.group(0)))
        rest = COMMENT.sub("", visible)
        if "<!--" in rest:
            opened = rest[rest.index("<!--"):]
            body = opened[4:].strip()
            if looks_like_marker(body):
                found.append(Marker(number, opened, body, False, problem=(
                    f"marker '{opened.strip()}' is not closed on its line, expected the whole marker on one line, "
                    f"'<!-- {body} … -->' (an editor's rewrapping may have split it)"
                )))
    return found


def refusal(renderer: "Renderer", found: list[Marker], where: str, context: str = "") -> str | None:
    """The one-line refusal of the first marker of `found` (scan()) that cannot be filled, as the build says it,
    or None: `docs/mail/ports.md:14: unknown marker …` (where: the page's file), or, when the mistake is in a
    data file, that file's line first, the one to edit: `data/dpa.yml:25: … (needed by the marker on
    docs/dpa.md:40)`. Each marker is rendered once (the renderer may remember it for the page's conversion)."""
    for marker in found:
        try:
            if marker.problem:
                raise MarkerError(marker.problem)
            renderer.render(marker.body, alone=marker.alone)
        except (MistakeElsewhere, datafile.DataError) as error:
            return f"{error} (needed by the marker on {where}:{marker.line}{context})"
        except MarkerError as error:
            return f"{where}:{marker.line}: {error}{context}"
    return None


def looks_like_marker(body: str) -> bool:
    """`ports:…`, `mobileconfig-offer`, and what is close to them (`port:`, `PORTS:`, `company :`)."""
    match = LOOKS_LIKE.match(body)
    if match is None:
        return False
    name = match.group("name")
    if match.group("colon"):
        return True  # any `word:` comment is a marker or a mistake
    return bool(difflib.get_close_matches(name.lower(), list(KINDS), n=1, cutoff=0.75))


# -----------------------------------------------------------------------------
# What a marker becomes
# -----------------------------------------------------------------------------

# The kinds of marker, by the word before the colon ("mobileconfig-offer" has none): filled in by the
# package's __init__ from the kind modules, so that a new kind is a new module and one line there.
Render = Callable[["Renderer", str, str, bool], str]
KINDS: dict[str, Render] = {}
# What the kinds accept, for the one-line error of an unknown marker.
EXPECTED: dict[str, str] = {}


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
        self.source: str | None = None  # the page's file under docs/ (mail/setup.fr.md) when the builder says it
        # What every page of one build computes alike (the staff sheet's links, data/dpa.yml), computed once:
        # a builder that builds many pages hands every renderer of a build the same dict (hooks/markers.py).
        self.shared: dict[str, Any] = {}

    def t(self, key: str) -> str:
        return self.strings(key, self.lang)

    def loc(self, value: Any) -> Any:
        return value[self.lang] if isinstance(value, dict) and self.lang in value else value

    def render(self, body: str, *, alone: bool) -> str:
        """The HTML for a marker body ('ports:table mail', 'ports:imap.port', 'mobileconfig-offer')."""
        name, colon, rest = body.partition(":")
        kind = KINDS.get(name if colon else body)
        if kind is None:
            raise MarkerError(f"unknown marker '<!-- {body} -->', expected {self.expected(body)}")
        return kind(self, rest.strip(), body, alone)

    def date(self, value: str) -> str:
        """2026-11-30 as a reader writes it: 30 November 2026, 1er décembre 2026."""
        year, month, day = (int(part) for part in str(value).split("-"))
        months = self.t("months").split()
        first = self.t("date.first-day") if day == 1 else str(day)
        return f"{first} {months[month - 1]} {year}"

    def template(self, name: str, *, one_line: bool = True, **context: Any) -> str:
        text = self.env.get_template(f"partials/{name}").render(
            data=self.data, t=self.t, loc=self.loc, lang=self.lang, **context
        )
        # One line per block: nothing in it that Markdown or a reader of the HTML must reflow.
        return re.sub(r">\s+<", "><", text.strip()) if one_line else text.strip()

    def block(self, body: str, alone: bool) -> None:
        if not alone:
            raise MarkerError(f"marker '<!-- {body} -->' must stand alone on its line")

    def wrong(self, body: str, expected: str | None = None) -> MarkerError:
        """The refusal of a marker that names nothing: what its kind accepts (or `expected`), in the editor's words."""
        return MarkerError(f"unknown marker '<!-- {body} -->', expected {expected or self.expected(body)}")

    def own_page(self) -> str | None:
        """The page as its markers name it: mail/setup, index, terms (a version of the terms: terms/versions/3.0);
        None when the builder does not say which page it converts."""
        if self.source is None:
            return None
        return self.page.strip("/") or "index"

    def expected(self, body: str) -> str:
        name = LOOKS_LIKE.match(body)
        kind = name.group("name") if name else ""
        if kind in EXPECTED:  # the kind is right, not what follows it
            return EXPECTED[kind]
        near = difflib.get_close_matches(name.group("name").lower(), list(KINDS), n=1, cutoff=0.6) if name else []
        hint = f"'<!-- {near[0]}:… -->'" if near and near[0] != "mobileconfig-offer" else "'<!-- mobileconfig-offer -->'" if near else ""
        known = ", ".join(EXPECTED.values())
        return f"{hint} (names are lower case: {known})" if hint else known
