"""`<!-- company:KEY -->`: a detail of data/company.yml (legal name, address, ...), in a sentence.

A detail the company has not confirmed shows "to be confirmed" (partial company.html); publishing
refuses it (artelabs/publishing.py).
"""

from __future__ import annotations

from artelabs.markers.base import MarkerError, Renderer

NAME = "company"
EXPECTED = "'company:KEY'"


def render(renderer: Renderer, rest: str, body: str, alone: bool) -> str:
    entry = renderer.more.get("company", {}).get(rest) if rest and " " not in rest else None
    if not isinstance(entry, dict):
        keys = ", ".join(renderer.more.get("company", {}))
        raise MarkerError(f"unknown marker '<!-- {body} -->', expected a key of data/company.yml: {keys}")
    return renderer.template(
        "company.html", value=renderer.loc(entry.get("value")), confirmed=entry.get("status") == "confirmed", one_line=False,
    )
