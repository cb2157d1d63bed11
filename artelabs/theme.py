"""What the site's templates know: `artelabs` in overrides/main.html and 404.html (set by hooks/theme.py).

    {{ artelabs.t("pdf.download") }}   a UI word of data/strings.yml, in the page's language
    {{ artelabs.pdf }}                 the language's PDF under the site, or none (not built)
    {{ artelabs.lang }}, {{ artelabs.root }}   the language, and its root's URL path ("/", "/fr/")
    {{ artelabs.version_pdf(page.url) }}   on a version's page, its own PDF, else none
    {{ artelabs.anchor_aliases }}      {page path: {old id: new id}} (data/anchor-aliases.yml)
    {{ artelabs.date }}                the build's date, 2026-12-01 (SOURCE_DATE_EPOCH), or none: undated
    {{ artelabs.banner }}              the announcements in progress or starting within 72 hours of the build
                                       date, in the language (artelabs/announcements.py): the banner
    {{ artelabs.feeds }}               the language's announcement feed and calendar, as absolute addresses

And the pages' Markdown tables in the theme's wrapper, written in the HTML (artelabs/tablewrap.py).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from markupsafe import Markup, escape
from mkdocs.config.defaults import MkDocsConfig

from artelabs import announcements, core


@dataclass(frozen=True)
class Words:
    lang: str
    root: str
    pdf: str | None
    strings: Any
    anchor_aliases: dict[str, dict[str, str]]
    date = property(lambda self: core.build_date().date().isoformat() if core.build_date() else None)
    banner: tuple[dict[str, str], ...] = ()
    feeds: dict[str, str] = field(default_factory=dict)

    def t(self, key: str) -> Markup:
        """Escaped for HTML (MkDocs's templates do not escape what they print): a word is text, never markup."""
        return escape(self.strings(key, self.lang))

    def version_pdf(self, url: str) -> str | None:
        """fr/terms/versions/3.0/ -> fr/terms/versions/3.0/artelabs-terms-3.0-fr.pdf (when PDFs are built)."""
        parts = url.strip("/").split("/")
        if self.pdf is None or len(parts) < 3 or parts[-2] != "versions":
            return None
        return f"{url}artelabs-{parts[-3]}-{parts[-1]}-{self.lang}.pdf"


def banner(config: MkDocsConfig, lang: str) -> tuple[dict[str, str], ...]:
    """What the banner says of each announcement in progress or starting within 72 hours of the build date."""
    strings = core.strings(config)

    def t(key: str) -> str:
        return strings(key, lang)

    items = announcements.load(Path(config.config_file_path).parent)  # checked in on_config (hooks/announcements.py)
    return tuple(
        {
            "id": item.id,
            "link": f"{core.prefix(lang, config)}status/#{item.anchor}",
            "kind": t(f"announce.kind.{item.kind}"),
            "title": item.title[lang],
            "status": t(f"announce.status.{item.status}"),
            "when": announcements.span(item.start, item.end, t),
            "start": announcements.utc(item.start),
            "end": announcements.utc(item.end),
        }
        for item in announcements.banner(items, core.build_date())
    )


def feeds(config: MkDocsConfig, lang: str) -> dict[str, str]:
    base = (config.site_url or "/").rstrip("/") + "/" + core.prefix(lang, config) + "status/"
    return {"atom": base + "feed.xml", "calendar": base + "calendar.ics"}
