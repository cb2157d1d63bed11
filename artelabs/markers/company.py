"""`<!-- company:KEY -->`: a detail of data/company.yml (legal name, address, ...), in a sentence.

A detail the company has not confirmed shows "to be confirmed" (partial company.html); publishing
refuses it (artelabs/publishing.py).
"""

from __future__ import annotations

import difflib

from artelabs.markers.base import Renderer

NAME = "company"
EXPECTED = "'company:KEY'"


def render(renderer: Renderer, rest: str, body: str, alone: bool) -> str:
    entry = renderer.more.get("company", {}).get(rest) if rest and " " not in rest else None
    if not isinstance(entry, dict):
        keys = list(renderer.more.get("company", {}))
        near = difflib.get_close_matches(rest, keys, n=1, cutoff=0.7)
        hint = f"'company:{near[0]}' (did you mean it?), or another " if near else "a "
        raise renderer.wrong(body, f"{hint}key of data/company.yml: {', '.join(keys)}")
    return renderer.template(
        "company.html", value=renderer.loc(entry.get("value")), confirmed=entry.get("status") == "confirmed", one_line=False,
    )
