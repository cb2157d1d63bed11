"""Write one PDF of the whole site per language, with WeasyPrint.

mkdocs-static-i18n runs one build pass per language. Each pass keeps its
navigation and rendered pages, then renders `overrides/pdf/` (cover,
contents, every page in navigation order) into /pdf/artelabs-support-en.pdf
and /fr/pdf/artelabs-support-fr.pdf: every content tab under its label,
`<details>` open, ids prefixed with the page's slug, links between pages
inside the PDF. Dated from SOURCE_DATE_EPOCH: same sources, same bytes.

`mkdocs serve` skips the PDFs unless ARTELABS_PDF=1; ARTELABS_PDF=0 skips
them in `mkdocs build` too (the HTML-only build of the benchmark).
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import subprocess
from datetime import datetime, timezone
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

import yaml
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
STRINGS_FILE = "overrides/pdf/strings.yml"
OUTPUT = {"en": "pdf/artelabs-support-en.pdf", "fr": "fr/pdf/artelabs-support-fr.pdf"}  # in the site
LOCAL = "https://pdf.invalid/"  # a base to resolve the site's relative links against

_enabled = True
_passes: dict[str, tuple[Navigation, dict[str, Page]]] = {}  # lang -> (nav, {page.url: page})
_running: list[tuple[str, Any]] = []  # (target, process): PDFs rendering while the next language builds
_version = ""
STRINGS: dict[str, dict[str, Any]] = {}  # lang -> key -> text, from STRINGS_FILE


# -----------------------------------------------------------------------------
# Hooks
# -----------------------------------------------------------------------------


def on_startup(*, command: str, **kwargs: Any) -> None:
    """PDFs in `build` and `gh-deploy`; in `serve` only when asked for."""
    global _enabled, _version
    setting = os.environ.get(ENV_VAR, "")
    _enabled = setting == "1" if command == "serve" else setting != "0"
    root = Path(__file__).parent.parent
    _version = _git_version(root)
    STRINGS.clear()
    STRINGS.update(_strings(root / STRINGS_FILE))


def on_files(files: Files, *, config: MkDocsConfig, **kwargs: Any) -> Files | None:
    """overrides/pdf/ (templates, styles, words) is in the theme folder: do not publish it."""
    folder = os.path.join(config.theme.custom_dir or "", "pdf") + os.sep
    for file in [f for f in files if (f.abs_src_path or "").startswith(folder)]:
        files.remove(file)
    return files


def on_nav(nav: Navigation, *, config: MkDocsConfig, files: Files, **kwargs: Any) -> None:
    """A new pass begins: keep its navigation, in the pass's language."""
    _passes[_language(config)] = (nav, {})


def on_env(env: Environment, *, config: MkDocsConfig, files: Files, **kwargs: Any) -> None:
    """The "Download PDF" link of overrides/main.html (hidden when no PDF is built)."""
    lang = _language(config)
    env.globals["artelabs_pdf"] = {"url": OUTPUT[lang], "label": STRINGS[lang]["download"]} if _enabled else None


def on_post_page(output: str, *, page: Page, config: MkDocsConfig, **kwargs: Any) -> None:
    if _enabled:
        _passes[_language(config)][1][page.url] = page


def on_post_build(*, config: MkDocsConfig, **kwargs: Any) -> None:
    """Render this pass's language: in a forked process while the next language builds, if one follows."""
    lang = _language(config)
    if not _enabled or lang not in _passes:
        return
    job = prepare(*_passes.pop(lang), lang, config)
    if lang != _last_language(config) and "fork" in multiprocessing.get_all_start_methods():
        _running.append(_in_background(job))  # on the other core, while the next language builds
        return
    write_pdf(job)
    while _running:  # the last pass waits for the others; one that failed stops the build here
        target, process = _running.pop(0)
        process.join()
        if process.exitcode:
            raise PluginError(f"hooks/pdf.py: {target}: not written (exit code {process.exitcode}, error above)")


# -----------------------------------------------------------------------------
# Rendering
# -----------------------------------------------------------------------------


def prepare(nav: Navigation, pages: dict[str, Page], lang: str, config: MkDocsConfig) -> dict[str, Any]:
    """Everything WeasyPrint needs, as plain values: the document's HTML, styles, where to write."""
    entries = [_entry(item, pages) for item in nav.items]
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
        entries=[entry for entry in entries if entry],
    )
    return {
        "source": source,
        "site": Path(config.site_dir),
        "target": OUTPUT[lang],
        "slugs": {url: _slug(url) for url in pages},
        "site_url": config.site_url or "/",
        "css": _source(env, STYLESHEET),
        "svg_css": _source(env, SVG_STYLESHEET),
        "identifier": f"artelabs-support-{lang}-{epoch}".encode(),
    }


def write_pdf(job: dict[str, Any]) -> None:
    """Render one language's document and write its PDF."""
    import weasyprint  # imported here: `mkdocs serve` without PDFs does not pay for it

    site: Path = job["site"]
    document = weasyprint.HTML(string=job["source"], base_url=site.as_uri() + "/", url_fetcher=_local_fetcher(site))
    # WeasyPrint's parsed tree, changed before layout: one parse, and inline <svg> stays SVG.
    make_printable(document.etree_element, job["slugs"], job["site_url"], job["svg_css"])
    pdf = document.write_pdf(stylesheets=[weasyprint.CSS(string=job["css"])], pdf_identifier=job["identifier"])
    target = site / job["target"]
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(pdf)
    log.info("PDF %s: %d KB", job["target"], len(pdf) // 1024)


def _in_background(job: dict[str, Any]) -> tuple[str, Any]:
    """A forked process writes the PDF (fork: nothing to pickle; a hook is no importable module)."""
    def run() -> None:
        try:
            write_pdf(job)
        except Exception as error:
            log.error("%s: %s", job["target"], error)
            raise SystemExit(1) from None

    process = multiprocessing.get_context("fork").Process(target=run, daemon=True)
    process.start()
    return job["target"], process


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


def _entry(item: Any, pages: dict[str, Page]) -> dict[str, Any] | None:
    """A navigation item as the template needs it: a section or a page."""
    if isinstance(item, Section):
        children = [child for child in (_entry(c, pages) for c in item.children) if child]
        return {"title": item.title, "children": children, "slug": f"section-{_slug(item.title)}"} if children else None
    page = pages.get(getattr(item, "url", None))
    return page and {"title": page.title, "url": page.url, "slug": _slug(page.url), "content": page.content or ""}


def _local_fetcher(site: Path) -> Any:
    """Images and styles from the built site only: the PDF never asks the network."""
    from weasyprint.urls import URLFetcher

    class SiteFetcher(URLFetcher):
        def fetch(self, url: str, headers: Any = None) -> Any:
            if not url.startswith(root) and not url.startswith("data:"):
                raise ValueError(f"{url}: not a file of the built site, expected no external resource")
            return super().fetch(url, headers)

    root = site.resolve().as_uri() + "/"
    return SiteFetcher(allowed_protocols={"file", "data"}, fail_on_errors=True)


# -----------------------------------------------------------------------------
# Small helpers
# -----------------------------------------------------------------------------


def _source(env: Environment, name: str) -> str:  # a file of the theme folders, overrides/ first
    return env.loader.get_source(env, name)[0]  # type: ignore[union-attr]


def _language(config: MkDocsConfig) -> str:
    i18n = config.plugins.get("i18n")
    return i18n.current_language if i18n else "en"


def _last_language(config: MkDocsConfig) -> str:
    """The language whose pass ends the build (mkdocs-static-i18n builds the default one first)."""
    i18n = config.plugins.get("i18n")
    if i18n is None:
        return "en"
    others = [lang for lang in i18n.build_languages if lang != i18n.default_language]
    return others[-1] if others else i18n.default_language


def _language_name(config: MkDocsConfig, lang: str) -> str:
    i18n = config.plugins.get("i18n")
    names = [language.name for language in (i18n.config.languages if i18n else []) if language.locale == lang]
    return names[0] if names else lang


def _slug(url: str) -> str:
    """A page's URL (or a title) as an id: "fr/mail/setup/" -> "fr-mail-setup"."""
    text = "".join(c if c.isalnum() else "-" for c in url.strip("/").lower())
    return "page-" + ("-".join(part for part in text.split("-") if part) or "home")


def _git_version(repo: Path) -> str:
    """The commit the PDF was built from (tag if any), or "" outside a git checkout."""
    command = ["git", "describe", "--tags", "--always", "--dirty"]
    try:
        return subprocess.run(command, cwd=repo, capture_output=True, text=True, check=True, timeout=10).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return ""


def _strings(path: Path) -> dict[str, dict[str, Any]]:
    """overrides/pdf/strings.yml ({key: {en, fr}}) as {lang: {key: text}}."""
    table = yaml.safe_load(path.read_text(encoding="utf-8"))
    languages = set().union(*(texts for texts in table.values()))
    for key, texts in table.items():
        if set(texts) != languages:
            raise PluginError(f"overrides/pdf/strings.yml: {key}: expected a text in each of {sorted(languages)}")
    return {lang: {key: texts[lang] for key, texts in table.items()} for lang in languages}
