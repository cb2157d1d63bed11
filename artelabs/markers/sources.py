"""`<!-- sources:PAGE -->` (alone on its line): the sources of a page (data/sources.yml), each with the
date we read it and, when the source shows one, the date its author last updated it (partial sources.html)."""

from __future__ import annotations

from artelabs.markers.base import MarkerError, Renderer

NAME = "sources"
EXPECTED = "'sources:PAGE'"


def render(renderer: Renderer, rest: str, body: str, alone: bool) -> str:
    own = renderer.own_page()
    if own is not None:  # a page shows its own sources (a copied page keeps the marker of the page it was copied from)
        own = own.split("/versions/")[0]  # a version of a legal text: the document's (terms/versions/3.0: terms)
        if rest != own:
            raise renderer.wrong(body, f"this page's own sources, '<!-- sources:{own} -->'")
    pages = renderer.more.get("sources", {})
    entries = pages.get(rest) if rest and " " not in rest else None
    if not entries:
        if own is not None:  # the marker is right: the data file lacks the page (the file to edit)
            raise MarkerError(f"'<!-- {body} -->': data/sources.yml has no entry {rest}:, expected one listing the "
                              "sources of this page")
        raise renderer.wrong(body, f"a page of data/sources.yml: {', '.join(pages)}")
    renderer.block(body, alone)
    items = [
        {
            "title": renderer.loc(e["title"]), "url": renderer.loc(e["url"]), "checked": renderer.date(e["checked"]),
            "updated": renderer.date(e["updated"]) if e.get("updated") else None,
        }
        for e in entries
    ]
    return renderer.template("sources.html", items=items) + "\n"
