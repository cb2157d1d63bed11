"""`<!-- diff:DOC.V -->` (alone on its line): what changed in version V of DOC from the version before, word by word.

Nobody types it: every version's page (docs/DOC/versions/V.md, each language) ends with a section
"Changes from version X" `{ #compare }` and this marker, put there by the markers extension (`section()`,
called by artelabs/markers/__init__.py before Markdown reads the page), so that frozen versions stay as they
were written, byte for byte. The first version of a document says that it has nothing to compare with.

The two texts are the versions' Markdown as their pages read it: the frozen text of an archived version, the
current text (docs/DOC.md) for the version that includes it; without front matter, the archived note and the
markers that stand alone on their line (the version line, the history, the sources); a marker in a sentence
(`<!-- company:legal_name -->`) counts as the words it shows. artelabs/worddiff.py compares them, with the
same two versions in the site's other languages, so that English and French show each change alike; the
partial diff.html writes the result. Words in data/strings.yml (diff.*).

The section's id is `compare`, not `changes`: the terms have a section "Changes to these terms" `{ #changes }`.
"""

from __future__ import annotations

import copy
import html
import re
from typing import Any

from artelabs import datafile, worddiff
from artelabs.markers import versions
from artelabs.markers.base import COMMENT, MarkerError, MistakeElsewhere, Renderer, looks_like_marker

NAME = "diff"
EXPECTED = "'diff:DOC.VERSION'"
ANCHOR = "compare"  # /terms/versions/3.0/#compare
VERSION_LINE = re.compile(r"^<!--\s*versions:(?P<doc>[a-z-]+)\.(?P<version>\d+(?:\.\d+)*)\s*-->\s*$")
FRONT_MATTER = re.compile(r"\A---\n.*?\n---\n", re.S)
MARKDOWN_SIGNS = re.compile(r"([\\`*_\[\]{}#])")


def render(renderer: Renderer, rest: str, body: str, alone: bool) -> str:
    renderer.block(body, alone)
    doc, _, version = rest.partition(".")
    documents = renderer.more.get("versions", {})
    entries = documents.get(doc)
    if not entries or not version:
        raise MarkerError(f"unknown marker '<!-- {body} -->', expected {EXPECTED} with a document of data/legal-versions.yml: {', '.join(documents)}")
    numbers = [entry["version"] for entry in entries]  # newest first
    if version not in numbers:
        raise MarkerError(f"unknown version '{version}' in '<!-- {body} -->', expected one of data/legal-versions.yml: {', '.join(numbers)}")
    index = numbers.index(version)
    previous = numbers[index + 1] if index + 1 < len(numbers) else None
    items: list[dict[str, Any]] = []
    if previous is not None:
        said = {key: renderer.t(f"diff.{key}") for key in ("inserted", "deleted", "moved", "section")}
        cache = datafile.cache_folder(renderer.root / "data" / "ports.yml") / "diff"
        others = [(text(other, doc, previous), text(other, doc, version)) for other in _other_languages(renderer)]
        items = worddiff.changes(text(renderer, doc, previous), text(renderer, doc, version), said, cache, others)
    return renderer.template("diff.html", items=items, previous=previous, one_line=False) + "\n"


def _other_languages(renderer: Renderer) -> list[Renderer]:
    """The renderer in each of the site's other languages: their texts are compared alike (worddiff, rule 5)."""
    out = []
    for lang in renderer.languages:
        if lang != renderer.lang:
            other = copy.copy(renderer)
            other.lang = lang
            vars(other).pop("render", None)  # a wrapper set on the instance (hooks/markers.py) renders in its own language
            out.append(other)
    return out


def version_of(lines: list[str], documents: dict[str, Any]) -> tuple[str, str] | None:
    """(DOC, V) when the page is a version's page: a frozen one (`<!-- versions:DOC.V -->` alone on a line)
    or the current one (`<!-- versions:include DOC -->`, the newest version of data/legal-versions.yml)."""
    for line in lines:
        if "versions:" not in line:
            continue
        frozen, current = VERSION_LINE.match(line.strip()), versions.INCLUDE.match(line.strip())
        if frozen and frozen["doc"] in documents:
            return frozen["doc"], frozen["version"]
        if current and documents.get(current["doc"]):
            return current["doc"], documents[current["doc"]][0]["version"]
    return None


def section(renderer: Renderer, doc: str, version: str) -> list[str]:
    """The lines that end a version's page: the section's title and the marker that fills it."""
    numbers = [entry["version"] for entry in renderer.more.get("versions", {}).get(doc, [])]
    index = numbers.index(version) if version in numbers else len(numbers)
    previous = numbers[index + 1] if index + 1 < len(numbers) else None
    title = renderer.t("diff.title").format(version=previous) if previous else renderer.t("diff.title-first")
    return ["", "", f"## {title} {{ #{ANCHOR} }}", "", f"<!-- {NAME}:{doc}.{version} -->", ""]


def text(renderer: Renderer, doc: str, version: str) -> str:
    """The Markdown of one version as its page reads it, ready to compare (see the module's docstring)."""
    docs = renderer.root / "docs"
    name = f"{version}.md" if renderer.lang == renderer.default else f"{version}.{renderer.lang}.md"
    source = docs / doc / "versions" / name
    if not source.is_file():
        raise MistakeElsewhere(f"docs/{doc}/versions/{name}: missing, expected the text of {doc} {version} (a version of "
                               "data/legal-versions.yml), which the next version's page compares itself with")
    body = FRONT_MATTER.sub("", source.read_text(encoding="utf-8"), count=1)
    lines = versions.include(body.splitlines(), docs, renderer.lang, renderer.default)
    return "\n".join(_filled(renderer, _without_note(lines))) + "\n"


def _without_note(lines: list[str]) -> list[str]:
    """Without the archived note of a frozen version: the admonition above its `<!-- versions:DOC.V -->` line."""
    for number, line in enumerate(lines):
        if VERSION_LINE.match(line.strip()):
            start = next((n for n in range(number - 1, -1, -1) if lines[n].startswith("!!! ")), number)
            return lines[:start] + lines[number + 1 :]
    return lines


def _filled(renderer: Renderer, lines: list[str]) -> list[str]:
    """Markers alone on their line left out; one in a sentence as the plain words it shows."""
    out = []
    for line in lines:
        if "<!--" in line:
            alone = COMMENT.fullmatch(line.strip())
            if alone and looks_like_marker(alone["body"].strip()):
                continue
            line = COMMENT.sub(lambda m: _words(renderer, m["body"].strip()) if looks_like_marker(m["body"].strip()) else m[0], line)
        out.append(line)
    return out


def _words(renderer: Renderer, body: str) -> str:
    try:
        shown = renderer.render(body, alone=False)
    except MarkerError:
        shown = ""
    plain = " ".join(html.unescape(re.sub(r"<[^>]+>", " ", shown)).split())
    return MARKDOWN_SIGNS.sub(r"\\\1", html.escape(plain, quote=False))
