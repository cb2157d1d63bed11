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

import difflib
import html
import posixpath
import re
from pathlib import Path
from typing import Any

from artelabs.markers.base import MarkerError, Renderer

NAME = "versions"
EXPECTED = "'versions:DOC'"
INCLUDE = re.compile(r"^\s*<!--\s*versions:include\s+(?P<doc>[a-z-]+)\s*-->\s*$")
# A relative link to a page: [text](page.md#id) or a reference definition [id]: page.md, and nothing else
# (a bracket followed by "(1)" in a citation is text: "Art. 6(1)" was once rewritten to "Art. 6(../../1)").
LINK = re.compile(r"(\]\(\s*<?|^[ ]{0,3}\[[^\]]+\]:\s*)(?![a-z][a-z0-9+.-]*:|#|/)(?=[^\s()<>]*\.md(?:#[^\s()<>]*)?\s*>?\))", re.M)


def render(renderer: Renderer, rest: str, body: str, alone: bool) -> str:
    words = rest.split()
    documents = renderer.more.get("versions", {})
    names = ", ".join(documents)
    if words[:1] == ["include"]:
        return _include(renderer, words[1:], body, alone)
    if len(words) != 1:
        raise renderer.wrong(body, f"'versions:DOC', 'versions:DOC.current', 'versions:DOC.VERSION' or 'versions:include DOC', "
                                   f"DOC one of {names}")
    doc, _, which = words[0].partition(".")
    entries = documents.get(doc)
    if not entries:
        raise renderer.wrong(body, f"a document of data/legal-versions.yml: {names} ('versions:{_near(doc, documents)}')")
    if which == "current":
        return line(renderer, entries[0])
    entry = next((e for e in entries if e["version"] == which), None)
    if which and entry is None:
        raise MarkerError(f"unknown version '{which}' in '<!-- {body} -->', expected 'current' or a version of {doc} in "
                          f"data/legal-versions.yml: {', '.join(e['version'] for e in entries)}")
    renderer.block(body, alone)
    previous = {e["version"]: (older["version"] if older else None) for e, older in zip(entries, [*entries[1:], None])}
    if entry is None:
        listed = [_version(renderer, doc, e, previous[e["version"]]) for e in entries]
        return renderer.template("versions.html", doc=doc, versions=listed) + "\n"
    here = _version_page(renderer)
    if here is not None and here != (doc, which):  # a frozen page copied to make another keeps the old marker
        raise renderer.wrong(body, f"'<!-- versions:{here[0]}.{here[1]} -->' on the page of {here[0]} {here[1]} "
                                   f"(docs/{renderer.source})")
    one = _version(renderer, doc, entry, previous[which], here=True)
    return renderer.template("versions.html", doc=doc, versions=[one], one=True) + "\n"


def _include(renderer: Renderer, words: list[str], body: str, alone: bool) -> str:
    """`versions:include DOC`: checked only (the text itself is put in by include(), before Markdown reads the page).
    DOC names a document of data/legal-versions.yml whose current text exists, on its newest version's page."""
    documents = renderer.more.get("versions", {})
    renderer.block(body, alone)
    doc = words[0] if len(words) == 1 else ""
    if doc not in documents:
        raise renderer.wrong(body, f"'versions:include DOC', DOC a document of data/legal-versions.yml: {', '.join(documents)} "
                                   f"('versions:include {_near(doc, documents)}')")
    newest = documents[doc][0]["version"]
    here = _version_page(renderer)
    if renderer.own_page() is not None and here != (doc, newest):
        raise MarkerError(f"'<!-- {body} -->' puts the current text of {doc} on this page, expected it only on the page "
                          f"of {doc}'s newest version, docs/{doc}/versions/{newest}.md (data/legal-versions.yml)")
    name = f"{doc}.md" if renderer.lang == renderer.default else f"{doc}.{renderer.lang}.md"
    if not (renderer.root / "docs" / name).is_file():
        raise MarkerError(f"'<!-- {body} -->': no docs/{name}, expected the current text of {doc} there")
    return ""


def _version_page(renderer: Renderer) -> tuple[str, str] | None:
    """(DOC, V) on a version's page, docs/DOC/versions/V.md; None elsewhere or when the page is not known."""
    own = renderer.own_page()
    doc, found, version = (own or "").rpartition("/versions/")
    return (doc, version) if found and doc and version else None


def _near(word: str, documents: dict[str, Any]) -> str:
    """The document a mistyped name means (Terms, term: terms), else the first."""
    near = difflib.get_close_matches(word.lower(), list(documents), n=1, cutoff=0.5)
    return near[0] if near else next(iter(documents), "DOC")


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
