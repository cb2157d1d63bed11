"""Steps that run on a built site folder: the PDFs, the Apple profiles, the announcements' feed and calendar, `.htaccess`.

Not a hook: the hooks (pdf.py, mailconfig.py, htaccess.py) call these steps at
the end of an MkDocs build, and `python tools/postbuild.py SITE` runs them on any
built site (another builder's output too). Each step reads only the built pages,
data/ and overrides/, so it needs no builder: what it needs of the configuration
is in `Site`, made from the MkDocs configuration (artelabs/core.py) or from
mkdocs.yml read as YAML (`site_from_yaml`).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import yaml

from artelabs import datafile

STEPS = ("profiles", "announcements", "htaccess", "pdf")


@dataclass
class Site:
    """A built site and what the steps need to know of it."""

    folder: Path
    site_url: str
    languages: list[str]  # the default language first
    name: str
    author: str
    descriptions: dict[str, str]  # per language
    copyrights: dict[str, str]  # per language (the footer's line, with the company's details)
    date: datetime | None  # None: undated
    version: str | None  # None: unversioned
    data: dict[str, Any] = field(default_factory=dict)  # data/ports.yml
    strings: datafile.Strings | None = None
    root: Path = field(default_factory=Path.cwd)  # the repository: data/ and overrides/

    def prefix(self, lang: str) -> str:
        return "" if lang == self.languages[0] else f"{lang}/"

    def t(self, key: str, lang: str) -> str:
        assert self.strings is not None
        return self.strings(key, lang)

    def templates(self) -> Any:
        """overrides/ as a Jinja environment (the steps' templates use no theme template)."""
        return _templates(str(Path(self.root).resolve() / "overrides"))


@functools.cache
def _templates(folder: str) -> Any:
    """One environment per folder for the process: each template is compiled once, not once per PDF; Jinja
    checks the file's time at each use and compiles an edited one again (`mkdocs serve`)."""
    from jinja2 import Environment, FileSystemLoader, select_autoescape

    return Environment(loader=FileSystemLoader(folder), autoescape=select_autoescape(["html"]), keep_trailing_newline=True)


def site_from_yaml(folder: Path, config_file: Path = Path("mkdocs.yml")) -> Site:
    """A Site from mkdocs.yml read as plain YAML (for tools/postbuild.py; no MkDocs needed)."""

    class Loader(yaml.SafeLoader):
        pass

    Loader.add_multi_constructor("tag:yaml.org,2002:python/", lambda loader, suffix, node: None)
    config = yaml.load(config_file.read_text(encoding="utf-8"), Loader=Loader)  # noqa: S506 (a safe loader)
    i18n = next((p["i18n"] for p in config.get("plugins", []) if isinstance(p, dict) and "i18n" in p), None)
    entries = i18n["languages"] if i18n else [{"locale": config.get("theme", {}).get("language", "en"), "default": True}]
    entries = sorted(entries, key=lambda entry: not entry.get("default"))
    languages = [entry["locale"] for entry in entries if entry.get("build", True)]
    descriptions = {entry["locale"]: entry.get("site_description", config.get("site_description", "")) for entry in entries}
    copyrights = {entry["locale"]: entry.get("copyright", config.get("copyright", "")) for entry in entries}
    root = config_file.parent
    return Site(
        folder=folder,
        site_url=config.get("site_url", "/"),
        languages=languages,
        name=config.get("site_name", ""),
        author=config.get("site_author", ""),
        descriptions={k: " ".join(str(v).split()) for k, v in descriptions.items()},
        copyrights={k: " ".join(str(v).split()) for k, v in copyrights.items()},
        date=None,
        version=None,
        data=datafile.load(root / "data" / "ports.yml", name="data/ports.yml"),
        strings=datafile.Strings(root / "data" / "strings.yml", languages=tuple(languages)),
        root=root,
    )
