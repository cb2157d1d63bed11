"""`<!-- dpa:subprocessors -->`, `<!-- dpa:security -->` (each alone on its line): the annexes of the data
processing agreement (docs/dpa.md), from data/dpa.yml.

    <!-- dpa:subprocessors -->  Annex 1: one row per sub-processor (name, legal name, address, country, what it
                                does and when, where the data is kept, its own processor terms)
    <!-- dpa:security -->       Annex 2: one row per security measure, with where it is stated and when read

The annexes are versioned with the agreement: data/dpa.yml has one section per version (`versions`, newest
first), and a marker shows the section of the version its page is: /dpa/versions/1.0/ (frozen or current) shows
1.0's, /dpa/ the current version's (the newest of data/legal-versions.yml). A frozen version's section never
changes (its sha256, `digest`, is in data/published-versions.txt; tests/test_versions.py).

data/dpa.yml is read and checked against data/schemas/dpa.schema.json through `datafile.load` (its public API
only). A detail or a measure the company has not confirmed shows "to be confirmed" (strings legal.unconfirmed),
an unknown value "not yet available", and publishing refuses them in the current version's annexes
(artelabs/publishing.py, `unconfirmed`). Partials: dpa-subprocessors.html, dpa-security.html.
"""

from __future__ import annotations

import hashlib
import json
import posixpath
import re
from pathlib import Path
from typing import Any

from artelabs import datafile
from artelabs.markers.base import MistakeElsewhere, Renderer

NAME = "dpa"
EXPECTED = "'dpa:subprocessors', 'dpa:security'"
PARTS = ("subprocessors", "security")
FILE, SCHEMA = "data/dpa.yml", "data/schemas/dpa.schema.json"
DETAILS = ("name", "legal_name", "address", "country", "service", "data_location", "terms")
# The partials of each layout (data/dpa.yml `layout`): 1 for version 1.0, as published; 2 from version 1.1.
PARTIALS = {1: ("dpa-subprocessors.html", "dpa-security.html"), 2: ("dpa-subprocessors-2.html", "dpa-security-2.html")}
VERSION_PAGE = re.compile(r"^dpa/versions/(?P<version>\d+\.\d+)/$")


def load(root: Path) -> dict[str, Any]:
    """data/dpa.yml, checked against its schema (one line naming the file, the line and what was expected)."""
    return datafile.load(root / FILE, name=FILE, schema=root / SCHEMA)


def current_version(root: Path, data: dict[str, Any]) -> str:
    """The agreement's current version: the newest of data/legal-versions.yml (dpa), else data/dpa.yml's newest."""
    import yaml

    versions = root / "data" / "legal-versions.yml"
    entries = (yaml.safe_load(versions.read_text(encoding="utf-8")) or {}).get("dpa") if versions.is_file() else None
    return str(entries[0]["version"]) if entries else data["versions"][0]["version"]


def annexes(data: dict[str, Any], version: str) -> dict[str, Any]:
    """The annexes of one version of the agreement; DataError (one line) when data/dpa.yml has none for it."""
    for section in data["versions"]:
        if section["version"] == version:
            return section
    known = ", ".join(section["version"] for section in data["versions"])
    raise datafile.DataError(
        f"{FILE}: no annexes for version {version} of the data processing agreement (it has {known}), "
        f"expected a section 'version: \"{version}\"' in versions (start it with a copy of the previous one)"
    )


def digest(section: dict[str, Any]) -> str:
    """The sha256 of one version's annexes as read (first 16 hex digits, as data/published-versions.txt writes
    them): the same data gives the same digest whatever the comments, quotes or order of keys in the file."""
    text = json.dumps(section, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def page_version(renderer: Renderer, data: dict[str, Any]) -> str:
    """The version whose annexes a page shows: its own on /dpa/versions/V/, the current one elsewhere."""
    found = VERSION_PAGE.match(renderer.page or "")
    if found:
        return found["version"]
    entries = renderer.more.get("versions", {}).get("dpa")
    return str(entries[0]["version"]) if entries else current_version(renderer.root, data)


def render(renderer: Renderer, rest: str, body: str, alone: bool) -> str:
    if rest not in PARTS:
        raise renderer.wrong(body)
    renderer.block(body, alone)
    try:
        whole = renderer.shared["dpa"] if "dpa" in renderer.shared else renderer.shared.setdefault("dpa", load(renderer.root))
        data = annexes(whole, page_version(renderer, whole))
    except datafile.DataError as error:
        raise MistakeElsewhere(str(error)) from None
    layout = data.get("layout", 1)  # a published version keeps the layout it was published with
    words = "dpa" if layout == 1 else "dpa2"
    if rest == "subprocessors":
        rows = [_subprocessor(renderer, entry) for entry in data["subprocessors"]]
        return renderer.template(
            PARTIALS[layout][0], rows=rows, caption=renderer.t(f"{words}.subprocessors"), one_line=False
        ) + "\n"
    names = {entry["id"]: entry["name"]["value"] for entry in data["subprocessors"]}
    rows = [_measure(renderer, entry, names, data["version"]) for entry in data["security"]]
    return renderer.template(PARTIALS[layout][1], rows=rows, caption=renderer.t(f"{words}.security"), one_line=False) + "\n"


def unconfirmed(root: Path) -> list[str]:
    """What the company has not confirmed yet in the current version's annexes ("infomaniak.legal_name",
    "security.tls"); none without data/dpa.yml. A frozen version's annexes stay as they were published."""
    if not (root / FILE).is_file():
        return []
    whole = load(root)
    data = annexes(whole, current_version(root, whole))
    out = [
        f"{entry['id']}.{key}" for entry in data["subprocessors"] for key in (*DETAILS, "subprocessors")
        if key in entry and entry[key]["status"] != "confirmed"
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
    row = {"id": entry["id"], "when": renderer.loc(entry["when"]), **{key: _detail(renderer, entry[key]) for key in DETAILS}}
    row["kind"] = renderer.loc(entry["kind"]) if "kind" in entry else None
    row["subprocessors"] = _detail(renderer, entry["subprocessors"]) if "subprocessors" in entry else None
    return row


def _measure(renderer: Renderer, entry: dict[str, Any], names: dict[str, Any] | None = None, version: str = "") -> dict[str, Any]:
    row: dict[str, Any] = {
        "id": entry["id"],
        "text": renderer.loc(entry["text"]),
        "confirmed": entry["status"] == "confirmed",
        "goal": entry.get("goal"),
        "by": None,
        "link": None,
        "source": None,
        "checked": None,
    }
    if "by" in entry:
        names = names or {}
        if entry["by"] != "artelabs" and entry["by"] not in names:
            known = ", ".join(["artelabs", *names])
            raise MistakeElsewhere(
                f"{FILE}: version {version}: security[{entry['id']}].by: '{entry['by']}', expected artelabs or a "
                f"sub-processor of the same version: {known}"
            )
        row["by"] = renderer.t("dpa2.by-artelabs") if entry["by"] == "artelabs" else renderer.loc(names[entry["by"]]) or entry["by"]
    source = entry.get("source")
    if not source:
        return row
    if source.startswith("https://"):
        link, title = source, re.sub(r"^https://(www\.)?", "", source).split("/")[0]
    else:
        page, _, anchor = source.partition("#")
        target = re.sub(r"(^|/)index\.md$", r"\1", page).removesuffix(".md")
        target = f"{target}/" if target and not target.endswith("/") else target
        link = posixpath.relpath(target or ".", renderer.page.strip("/") or ".") + "/"
        link = (link if link != "./" else "") + (f"#{anchor}" if anchor else "") or "./"
        title = _page_title(renderer, page) or source
    return {**row, "link": link, "source": title, "checked": renderer.date(entry["checked"])}


def _page_title(renderer: Renderer, page: str) -> str | None:
    """The first heading of docs/PAGE (or its language's file), without its { #id }; None if there is no such page
    (tests/test_diff.py checks that every source page exists)."""
    name = page if renderer.lang == renderer.default else page.removesuffix(".md") + f".{renderer.lang}.md"
    path = renderer.root / "docs" / name
    if not path.is_file():
        return None
    found = re.search(r"^# (.+?)(?:\s*\{[^}]*\})?\s*$", path.read_text(encoding="utf-8"), re.M)
    return found.group(1).strip() if found else None
