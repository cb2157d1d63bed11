"""Write one PDF of the whole site per language, with WeasyPrint.

mkdocs-static-i18n runs one build pass per language. In each pass this hook
keeps the pages' rendered Markdown (`on_post_page`) and the navigation
(`on_nav`), then in that pass's `on_post_build` renders `overrides/pdf/`
(cover, table of contents, every page in navigation order) into

    /pdf/artelabs-support-en.pdf      /fr/pdf/artelabs-support-fr.pdf

Before rendering, the pages are made printable: every content tab is shown
under its label, `<details>` are open, ids get the page's slug as a prefix
and links between pages jump inside the PDF. Dates come from
SOURCE_DATE_EPOCH, so the same sources give the same bytes.

`mkdocs serve` skips the PDFs unless ARTELABS_PDF=1; ARTELABS_PDF=0 skips
them in `mkdocs build` too (the HTML-only build of the benchmark).
"""

from __future__ import annotations

import logging
import os
import subprocess
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

from jinja2 import Environment
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import Files
from mkdocs.structure.nav import Navigation, Section
from mkdocs.structure.pages import Page

log = logging.getLogger("mkdocs.plugins.pdf")

ENV_VAR = "ARTELABS_PDF"
TEMPLATE = "pdf/document.html"
STYLESHEET = "pdf/print.css"
SVG_STYLESHEET = "pdf/svg.css"  # WeasyPrint draws an inline <svg> with its own <style> only
SVG = "{http://www.w3.org/2000/svg}"
# Where each language's PDF goes, relative to the site root.
OUTPUT = {"en": "pdf/artelabs-support-en.pdf", "fr": "fr/pdf/artelabs-support-fr.pdf"}
LOCAL = "https://pdf.invalid/"  # a base to resolve the site's relative links against


@dataclass
class _Pass:
    """What one language pass collects."""

    nav: Navigation | None = None
    pages: dict[str, Page] = field(default_factory=dict)  # page.url -> page (content rendered)


_enabled = True
_passes: dict[str, _Pass] = {}
_version = ""


# -----------------------------------------------------------------------------
# Hooks
# -----------------------------------------------------------------------------


def on_startup(*, command: str, **kwargs: Any) -> None:
    """PDFs in `build` and `gh-deploy`; in `serve` only when asked for."""
    global _enabled, _version
    setting = os.environ.get(ENV_VAR, "")
    _enabled = setting == "1" if command == "serve" else setting != "0"
    _version = _git_version(Path(__file__).parent.parent)


def on_files(files: Files, *, config: MkDocsConfig, **kwargs: Any) -> Files | None:
    """The print stylesheet lives in the theme folder: do not publish it."""
    for file in [f for f in files if f.src_uri.startswith("pdf/") and not f.is_documentation_page()]:
        files.remove(file)
    return files


def on_nav(nav: Navigation, *, config: MkDocsConfig, files: Files, **kwargs: Any) -> None:
    """A new pass begins: keep its navigation, in the pass's language."""
    _passes[_language(config)] = _Pass(nav=nav)


def on_env(env: Environment, *, config: MkDocsConfig, files: Files, **kwargs: Any) -> None:
    """The "Download PDF" link of overrides/main.html (hidden when no PDF is built)."""
    lang = _language(config)
    env.globals["artelabs_pdf"] = {"url": OUTPUT[lang], "label": STRINGS[lang]["download"]} if _enabled else None


def on_post_page(output: str, *, page: Page, config: MkDocsConfig, **kwargs: Any) -> None:
    if _enabled:
        _passes[_language(config)].pages[page.url] = page


def on_post_build(*, config: MkDocsConfig, **kwargs: Any) -> None:
    """Render this pass's language (runs before mkdocs-static-i18n starts the next one)."""
    if not _enabled:
        return
    lang = _language(config)
    collected = _passes.pop(lang, None)
    if collected is None or collected.nav is None:
        return
    target = Path(config.site_dir) / OUTPUT[lang]
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(render_pdf(collected, lang, config))
    log.info("PDF %s: %d pages of text, %d KB", OUTPUT[lang], len(collected.pages), target.stat().st_size // 1024)


# -----------------------------------------------------------------------------
# Rendering
# -----------------------------------------------------------------------------


def render_pdf(collected: _Pass, lang: str, config: MkDocsConfig) -> bytes:
    """The whole language as one PDF document (bytes)."""
    import weasyprint  # imported here: `mkdocs serve` without PDFs does not pay for it

    assert collected.nav is not None
    entries = [_entry(item, collected, lang) for item in collected.nav.items]
    entries = [entry for entry in entries if entry]
    env = config.theme.get_env().overlay(autoescape=True)
    epoch = int(os.environ.get("SOURCE_DATE_EPOCH") or datetime.now(timezone.utc).timestamp())
    date = datetime.fromtimestamp(epoch, timezone.utc)
    source = env.get_template(TEMPLATE).render(
        lang=lang,
        t=STRINGS[lang],
        config=config,
        language_name=_language_name(config, lang),
        date=date,
        date_text=f"{date.day} {STRINGS[lang]['months'][date.month - 1]} {date.year}",
        version=_version or "—",
        entries=entries,
    )
    site = Path(config.site_dir)
    document = weasyprint.HTML(string=source, base_url=site.as_uri() + "/", url_fetcher=_local_fetcher(site))
    slugs = {page.url: _slug(page.url) for page in collected.pages.values()}
    make_printable(document.etree_element, slugs, config.site_url or "/", _source(env, SVG_STYLESHEET))
    css = weasyprint.CSS(string=_source(env, STYLESHEET))
    return document.write_pdf(stylesheets=[css], pdf_identifier=f"artelabs-support-{lang}-{epoch}".encode())


def make_printable(root: Any, slugs: dict[str, str], site_url: str, svg_css: str) -> None:
    """Tabs unfolded, details open, no permalinks, ids unique and links inside the PDF."""
    for svg in root.iter(f"{SVG}svg"):
        style = svg.makeelement(f"{SVG}style", {})
        style.text = svg_css
        svg.insert(0, style)
    for article in root.iter("article"):
        url = article.get("data-url", "")
        _unfold_tabs(article)
        for parent in list(article.iter()):
            for child in list(parent):
                if child.tag in ("input", "script", "button") or "headerlink" in child.get("class", "").split():
                    parent.remove(child)
        for details in article.iter("details"):
            details.set("open", "")
        _link_inside(article, url, slugs, site_url)


def _unfold_tabs(article: Any) -> None:
    """Every content tab printed, each under its label, with the tab's id."""
    for tabs in [e for e in article.iter("div") if "tabbed-set" in e.get("class", "").split()]:
        ids = [tab.get("id") for tab in tabs.iter("input")]
        labels = [label for div in tabs.iter("div") if "tabbed-labels" in div.get("class", "") for label in div]
        blocks = [div for div in tabs.iter("div") if "tabbed-block" in div.get("class", "").split()]
        for tab_id, label, block in zip(ids, labels, blocks, strict=False):
            label.tag = "p"
            label.attrib = {"class": "mdx-pdf-tab"}
            label.tail = None
            block.insert(0, label)
            if tab_id:
                block.set("id", tab_id)
        for div in [d for d in tabs if "tabbed-labels" in d.get("class", "")]:
            tabs.remove(div)


def _link_inside(article: Any, url: str, slugs: dict[str, str], site_url: str) -> None:
    """Prefix ids with the page's slug; links to the site's pages jump inside the PDF."""
    slug = slugs[url]
    for element in article.iter():
        if element.get("id") and element is not article:
            element.set("id", f"{slug}--{element.get('id')}")
        for name in ("aria-labelledby", "aria-describedby"):
            if element.get(name):
                element.set(name, " ".join(f"{slug}--{ref}" for ref in element.get(name).split()))
    for link in article.iter("a"):
        href = link.get("href")
        if href is None or urlsplit(href).scheme or href.startswith("//"):
            continue  # external (https:, mailto:, tel:) stays a URI
        target = urlsplit(urljoin(LOCAL + url, href))
        path = target.path[len("/") :]
        if path in slugs:
            link.set("href", f"#{slugs[path]}--{target.fragment}" if target.fragment else f"#{slugs[path]}")
        else:  # a file of the site that is not a page (a profile, an image): the published one
            link.set("href", urljoin(site_url, path) + (f"#{target.fragment}" if target.fragment else ""))


def _entry(item: Any, collected: _Pass, lang: str) -> dict[str, Any] | None:
    """A navigation item as the template needs it: a section or a page."""
    if isinstance(item, Section):
        children = [child for child in (_entry(c, collected, lang) for c in item.children) if child]
        return {"title": item.title, "children": children, "slug": f"section-{_slug(item.title)}"} if children else None
    page = collected.pages.get(getattr(item, "url", None))
    if page is None:
        return None
    if page.content is None:
        raise PluginError(f"hooks/pdf.py: {page.file.src_uri}: page not rendered, expected its HTML for the PDF")
    slug = _slug(page.url)
    headings = [child for top in page.toc for child in (top.children if top.level == 1 else [top])]
    return {
        "title": page.title,
        "url": page.url,
        "slug": slug,
        "content": page.content,
        "has_h1": "<h1" in page.content,
        "sections": [{"title": h.title, "href": f"#{slug}--{h.id}"} for h in headings],
    }


def _local_fetcher(site: Path) -> Any:
    """Images and styles from the built site only: the PDF never asks the network."""
    import weasyprint

    root = site.resolve().as_uri()

    def fetch(url: str, *args: Any, **kwargs: Any) -> Any:
        if not url.startswith(root + "/") and not url.startswith("data:"):
            raise PluginError(f"hooks/pdf.py: {url}: not a file of the built site, expected no external resource")
        return weasyprint.default_url_fetcher(url, *args, **kwargs)

    return fetch


# -----------------------------------------------------------------------------
# Small helpers
# -----------------------------------------------------------------------------


def _source(env: Environment, name: str) -> str:
    """A file of the theme folders (overrides/ first), as text."""
    return env.loader.get_source(env, name)[0]  # type: ignore[union-attr]


def _language(config: MkDocsConfig) -> str:
    i18n = config.plugins.get("i18n")
    return i18n.current_language if i18n else "en"


def _language_name(config: MkDocsConfig, lang: str) -> str:
    i18n = config.plugins.get("i18n")
    names = {language.locale: language.name for language in i18n.config.languages} if i18n else {}
    return names.get(lang, lang)


def _slug(url: str) -> str:
    """A page's URL (or a title) as an id: "fr/mail/setup/" -> "fr-mail-setup"."""
    text = "".join(c if c.isalnum() else "-" for c in url.strip("/").lower())
    return "page-" + ("-".join(part for part in text.split("-") if part) or "home")


def _git_version(repo: Path) -> str:
    """The commit the PDF was built from (tag if any), or "" outside a git checkout."""
    try:
        result = subprocess.run(
            ["git", "describe", "--tags", "--always", "--dirty"],
            cwd=repo, capture_output=True, text=True, check=True, timeout=10,
        )
    except (OSError, subprocess.SubprocessError):
        return ""
    return result.stdout.strip()


# -----------------------------------------------------------------------------
# Words of the PDF and of its link, in both languages
# -----------------------------------------------------------------------------

STRINGS: dict[str, dict[str, Any]] = {
    "en": {
        "download": "Download PDF",
        "contents": "Contents",
        "language": "Language",
        "date": "Edition of",
        "version": "Version",
        "offline": "Offline copy of the support site",
        "months": ["January", "February", "March", "April", "May", "June", "July", "August", "September",
                   "October", "November", "December"],
    },
    "fr": {
        "download": "Télécharger le PDF",
        "contents": "Table des matières",
        "language": "Langue",
        "date": "Édition du",
        "version": "Version",
        "offline": "Copie hors ligne du site d'assistance",
        "months": ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre",
                   "octobre", "novembre", "décembre"],
    },
}
