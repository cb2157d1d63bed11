"""`<!-- versions:… -->`: the versions of the legal texts (data/legal-versions.yml).

    <!-- versions:DOC.current -->  "Version 3.0, effective ..." of the current text
    <!-- versions:DOC -->          every version, with its date, its page, what changed and a link to the
                                   word-by-word comparison on its page (#compare, diff.py) (alone on its line)
    <!-- versions:DOC.V -->        one version and what changed (on the version's own page)
    <!-- versions:include DOC -->  (alone on a line) the current text of docs/DOC.md, on its version's page:
                                   put in by `include()` before Markdown reads the page

DOC is any document of data/legal-versions.yml (terms, privacy, ...). Partial: versions.html.
"""

from __future__ import annotations

import html
import posixpath
import re
from pathlib import Path
from typing import Any

from artelabs.markers.base import MarkerError, Renderer

NAME = "versions"
EXPECTED = "'versions:DOC'"
INCLUDE = re.compile(r"^<!--\s*versions:include\s+(?P<doc>[a-z-]+)\s*-->\s*$")
# A relative link to a page: [text](page.md#id) or a reference definition [id]: page.md, and nothing else
# (a bracket followed by "(1)" in a citation is text: "Art. 6(1)" was once rewritten to "Art. 6(../../1)").
LINK = re.compile(r"(\]\(\s*<?|^[ ]{0,3}\[[^\]]+\]:\s*)(?![a-z][a-z0-9+.-]*:|#|/)(?=[^\s()<>]*\.md(?:#[^\s()<>]*)?\s*>?\))", re.M)


def render(renderer: Renderer, rest: str, body: str, alone: bool) -> str:
    words = rest.split()
    if len(words) == 2 and words[0] == "include":
        renderer.block(body, alone)
        return ""  # the text itself is put in by include(), before Markdown reads the page
    if len(words) != 1:
        raise MarkerError(f"unknown marker '<!-- {body} -->', expected {renderer.expected(body)}")
    doc, _, which = words[0].partition(".")
    documents = renderer.more.get("versions", {})
    entries = documents.get(doc)
    if not entries:
        raise MarkerError(
            f"unknown marker '<!-- {body} -->', expected a document of data/legal-versions.yml: {', '.join(documents)}"
        )
    if which == "current":
        return line(renderer, entries[0])
    renderer.block(body, alone)
    previous = {e["version"]: (older["version"] if older else None) for e, older in zip(entries, [*entries[1:], None])}
    if not which:
        listed = [_version(renderer, doc, e, previous[e["version"]]) for e in entries]
        return renderer.template("versions.html", doc=doc, versions=listed) + "\n"
    entry = next((e for e in entries if e["version"] == which), None)
    if entry is None:
        raise MarkerError(f"unknown version '{which}' in '<!-- {body} -->', expected one of data/legal-versions.yml")
    one = _version(renderer, doc, entry, previous[which], here=True)
    return renderer.template("versions.html", doc=doc, versions=[one], one=True) + "\n"


def line(renderer: Renderer, entry: dict[str, Any]) -> str:
    text = html.escape(renderer.t("legal.version").format(version=entry["version"], date=renderer.date(entry["effective"])))
    if entry.get("status") != "confirmed":
        text += f' <span class="mdx-tbc">{html.escape(renderer.t("legal.unconfirmed"))}</span>'
    return text


def _version(renderer: Renderer, doc: str, entry: dict[str, Any], previous: str | None, *, here: bool = False) -> dict[str, Any]:
    """What the partial shows of a version; `compare`: its comparison with the previous one (on its own page
    when `here`), None for the first version."""
    from artelabs.markers.diff import ANCHOR

    link = posixpath.relpath(f"{doc}/versions/{entry['version']}/", renderer.page.strip("/") or ".") + "/"
    return {
        "line": line(renderer, entry),
        "version": entry["version"],
        "link": link,
        "changes": entry["changes"][renderer.lang],
        "previous": previous,
        "compare": (f"#{ANCHOR}" if here else f"{link}#{ANCHOR}") if previous else None,
    }


def include(lines: list[str], docs: Path, lang: str, default: str) -> list[str]:
    """Each `<!-- versions:include DOC -->` line replaced by the current text of docs/DOC.md (or DOC.LANG.md),
    without its front matter, its relative links made relative to docs/DOC/versions/V.md."""
    out: list[str] = []
    for text_line in lines:
        match = INCLUDE.match(text_line)
        if match is None:
            out.append(text_line)
            continue
        source = docs / (f"{match['doc']}.md" if lang == default else f"{match['doc']}.{lang}.md")
        if not source.is_file():
            raise MarkerError(f"'{text_line.strip()}': no {source.relative_to(docs.parent)}, expected the current text")
        text = source.read_text(encoding="utf-8")
        front = re.match(r"\A---\n.*?\n---\n", text, re.S)
        up = "../" * (match["doc"].count("/") + 2)  # two folders deeper: docs/DOC/versions/V.md
        body = LINK.sub(lambda m: f"{m.group(1)}{up}", text[front.end() if front else 0 :])
        out += body.splitlines()
    return out
