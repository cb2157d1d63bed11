"""`<!-- sources:PAGE -->` (alone on its line): the sources of a page (data/sources.yml), each with the
date we read it and, when the source shows one, the date its author last updated it (partial sources.html)."""

from __future__ import annotations

from artelabs.markers.base import MarkerError, Renderer

NAME = "sources"
EXPECTED = "'sources:PAGE'"


def render(renderer: Renderer, rest: str, body: str, alone: bool) -> str:
    entries = renderer.more.get("sources", {}).get(rest) if rest and " " not in rest else None
    if not entries:
        raise MarkerError(f"'<!-- {body} -->': no sources for {rest} in data/sources.yml, expected a list of sources")
    renderer.block(body, alone)
    items = [
        {
            "title": renderer.loc(e["title"]), "url": renderer.loc(e["url"]), "checked": renderer.date(e["checked"]),
            "updated": renderer.date(e["updated"]) if e.get("updated") else None,
        }
        for e in entries
    ]
    return renderer.template("sources.html", items=items) + "\n"
