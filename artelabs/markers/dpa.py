"""`<!-- dpa:subprocessors -->`, `<!-- dpa:security -->` (each alone on its line): the annexes of the data
processing agreement (docs/dpa.md), from data/dpa.yml.

    <!-- dpa:subprocessors -->  Annex 1: one row per sub-processor (name, legal name, address, country, what it
                                does and when, where the data is kept, its own processor terms)
    <!-- dpa:security -->       Annex 2: one row per security measure, with where it is stated and when read

data/dpa.yml is read and checked against data/schemas/dpa.schema.json through `datafile.load` (its public API
only). A detail or a measure the company has not confirmed shows "to be confirmed" (strings legal.unconfirmed),
an unknown value "not yet available", and publishing refuses them (artelabs/publishing.py, `unconfirmed`).
Partials: dpa-subprocessors.html, dpa-security.html.
"""

from __future__ import annotations

import posixpath
import re
from pathlib import Path
from typing import Any

from artelabs import datafile
from artelabs.markers.base import MarkerError, Renderer

NAME = "dpa"
EXPECTED = "'dpa:subprocessors', 'dpa:security'"
PARTS = ("subprocessors", "security")
FILE, SCHEMA = "data/dpa.yml", "data/schemas/dpa.schema.json"
DETAILS = ("name", "legal_name", "address", "country", "service", "data_location", "terms")


def load(root: Path) -> dict[str, Any]:
    """data/dpa.yml, checked against its schema (one line naming the file, the line and what was expected)."""
    return datafile.load(root / FILE, name=FILE, schema=root / SCHEMA)


def render(renderer: Renderer, rest: str, body: str, alone: bool) -> str:
    if rest not in PARTS:
        raise MarkerError(f"unknown marker '<!-- {body} -->', expected {EXPECTED}")
    renderer.block(body, alone)
    try:
        data = renderer.shared["dpa"] if "dpa" in renderer.shared else renderer.shared.setdefault("dpa", load(renderer.root))
    except datafile.DataError as error:
        raise MarkerError(str(error)) from None
    if rest == "subprocessors":
        rows = [_subprocessor(renderer, entry) for entry in data["subprocessors"]]
        return renderer.template("dpa-subprocessors.html", rows=rows, caption=renderer.t("dpa.subprocessors"), one_line=False) + "\n"
    rows = [_measure(renderer, entry) for entry in data["security"]]
    return renderer.template("dpa-security.html", rows=rows, caption=renderer.t("dpa.security"), one_line=False) + "\n"


def unconfirmed(root: Path) -> list[str]:
    """What the company has not confirmed yet ("infomaniak.legal_name", "security.tls"); none without data/dpa.yml."""
    if not (root / FILE).is_file():
        return []
    data = load(root)
    out = [
        f"{entry['id']}.{key}" for entry in data["subprocessors"] for key in DETAILS if entry[key]["status"] != "confirmed"
    ]
    return out + [f"security.{entry['id']}" for entry in data["security"] if entry["status"] != "confirmed"]


def _detail(renderer: Renderer, field: dict[str, Any]) -> dict[str, Any]:
    """A detail as the partial shows it: its text in the page's language, and for processor terms written
    {title, date, url} the title, its date and its link."""
    value, url, dated = field["value"], None, None
    if isinstance(value, dict) and "title" in value:
        url, dated = value.get("url"), renderer.date(value["date"]) if value.get("date") else None
        value = value["title"]
    return {"value": renderer.loc(value), "url": url, "date": dated, "confirmed": field["status"] == "confirmed"}


def _subprocessor(renderer: Renderer, entry: dict[str, Any]) -> dict[str, Any]:
    return {"id": entry["id"], "when": renderer.loc(entry["when"]), **{key: _detail(renderer, entry[key]) for key in DETAILS}}


def _measure(renderer: Renderer, entry: dict[str, Any]) -> dict[str, Any]:
    source = entry["source"]
    if source.startswith("https://"):
        link, title = source, re.sub(r"^https://(www\.)?", "", source).split("/")[0]
    else:
        page, _, anchor = source.partition("#")
        target = re.sub(r"(^|/)index\.md$", r"\1", page).removesuffix(".md")
        target = f"{target}/" if target and not target.endswith("/") else target
        link = posixpath.relpath(target or ".", renderer.page.strip("/") or ".") + "/"
        link = (link if link != "./" else "") + (f"#{anchor}" if anchor else "") or "./"
        title = _page_title(renderer, page) or source
    return {
        "id": entry["id"],
        "text": renderer.loc(entry["text"]),
        "confirmed": entry["status"] == "confirmed",
        "link": link,
        "source": title,
        "checked": renderer.date(entry["checked"]),
    }


def _page_title(renderer: Renderer, page: str) -> str | None:
    """The first heading of docs/PAGE (or its language's file), without its { #id }; None if there is no such page
    (tests/test_diff.py checks that every source page exists)."""
    name = page if renderer.lang == renderer.default else page.removesuffix(".md") + f".{renderer.lang}.md"
    path = renderer.root / "docs" / name
    if not path.is_file():
        return None
    found = re.search(r"^# (.+?)(?:\s*\{[^}]*\})?\s*$", path.read_text(encoding="utf-8"), re.M)
    return found.group(1).strip() if found else None
