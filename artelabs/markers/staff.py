"""`<!-- staff:links -->` (alone on its line): every page#id of data/anchors.txt, titled in every language,
with its full address to copy (partial staff-links.html; the sheet at /staff/links/)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from artelabs import datafile
from artelabs.markers import you
from artelabs.markers.base import COMMENT, MarkerError, MistakeElsewhere, Renderer, outside_code

NAME = "staff"
EXPECTED = "'staff:links'"


def render(renderer: Renderer, rest: str, body: str, alone: bool) -> str:
    if rest != "links":
        raise renderer.wrong(body)
    renderer.block(body, alone)
    if "staff-links" not in renderer.shared:  # the same for every language's sheet
        renderer.shared["staff-links"] = staff_links(renderer)
    return renderer.template("staff-links.html", pages=renderer.shared["staff-links"]) + "\n"


HEADING_ID = re.compile(r"^ {0,3}#{1,6}\s+(?P<text>.*?)\s*\{[^}]*#(?P<id>[\w-]+)[^}]*\}\s*$")
TAB = re.compile(r'^\s*===\+?\s+"(?P<label>[^"]+)"')


def staff_links(renderer: Renderer) -> list[dict[str, Any]]:
    """The pages and anchors of data/anchors.txt, each titled in every language, for the staff sheet."""
    root = renderer.root
    try:
        registry = datafile.load_registry(root / "data" / "anchors.txt")
    except datafile.DataError as error:
        raise MistakeElsewhere(str(error)) from None
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
            pages.append({"path": path, "titles": {lang: titles[lang][path].get("", path) for lang in languages},
                          "personal": _personal(root, path, renderer), "anchors": []})
        pages[-1]["anchors"].append({
            "id": anchor,
            "titles": {lang: titles[lang][path].get(anchor, anchor) for lang in languages},
            "urls": {lang: site + ("" if lang == renderer.default else f"{lang}/") + path.lstrip("/") + "#" + anchor
                     for lang in languages},
        })
    return pages


def _personal(root: Path, path: str, renderer: Renderer) -> bool:
    """The page has places for the reader's address (markers/you.py): a link to it may carry the customer's."""
    stem = path.strip("/") or "index"
    source = root / "docs" / f"{stem}.md"
    return source.is_file() and you.personal(source.read_text(encoding="utf-8"), renderer.env)


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
    for number, line in outside_code(source.read_text(encoding="utf-8")):
        match = HEADING_ID.match(line)
        if match:
            try:
                text = COMMENT.sub(lambda m: re.sub(r"<[^>]+>", "", local.render(m.group("body").strip(), alone=False)), match["text"])
            except MarkerError as error:  # a mistake of that page, not of the staff sheet's
                raise MistakeElsewhere(f"{source.relative_to(root).as_posix()}:{number}: {error}") from None
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
