"""Write one PDF of the whole site per language, with WeasyPrint.

mkdocs-static-i18n runs one build pass per language. Each pass keeps its
navigation and pages, then renders `overrides/pdf/` (cover, contents, pages)
into /pdf/artelabs-support-en.pdf or /fr/pdf/artelabs-support-fr.pdf: tabs
unfolded, `<details>` open, ids prefixed with the page's slug, links between
pages inside the PDF. Dated from SOURCE_DATE_EPOCH: same sources, same bytes.
Workers forked before the HTML build render the PDFs on the other core.
`mkdocs serve` skips the PDFs unless ARTELABS_PDF=1; `ARTELABS_PDF=0 mkdocs
build` skips them too (the benchmark's HTML-only build).
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

_enabled = True
_passes: dict[str, tuple[Navigation, dict[str, Page]]] = {}  # lang -> (nav, {page.url: page})
_workers: dict[str, tuple[Any, Any]] = {}  # lang -> (process, pipe), forked before the HTML build
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


def on_pre_build(*, config: MkDocsConfig, **kwargs: Any) -> None:
    """First pass: fork one worker per language; each imports WeasyPrint while the HTML builds."""
    if _enabled and not _workers and "fork" in multiprocessing.get_all_start_methods():
        _workers.update({lang: _fork_worker() for lang in _languages(config)})


def on_post_build(*, config: MkDocsConfig, **kwargs: Any) -> None:
    """Hand this pass's language to its worker (or render it here); the last pass waits for all."""
    lang = _language(config)
    if not _enabled or lang not in _passes:
        return
    job = prepare(*_passes.pop(lang), lang, config)
    if lang in _workers:
        _workers[lang][1].send(job)
        _running.append((job["target"], _workers.pop(lang)[0]))
    else:
        write_pdf(job)
    while lang == _languages(config)[-1] and _running:  # one that failed stops the build here
        target, process = _running.pop(0)
        process.join()
        if process.exitcode:
            raise PluginError(f"hooks/pdf.py: {target}: not written (exit code {process.exitcode}, error above)")


def on_build_error(**kwargs: Any) -> None:
    for process in [process for process, _ in _workers.values()] + [process for _, process in _running]:
        process.terminate()
    _workers.clear()
    _running.clear()


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
    from weasyprint.urls import URLFetcher

    site: Path = job["site"]
    local = URLFetcher(allowed_protocols={"file", "data"}, fail_on_errors=True)  # never the network
    document = weasyprint.HTML(string=job["source"], base_url=site.as_uri() + "/", url_fetcher=local)
    # WeasyPrint's parsed tree, changed before layout: one parse, and inline <svg> stays SVG.
    make_printable(document.etree_element, job["slugs"], job["site_url"], job["svg_css"])
    pdf = document.write_pdf(stylesheets=[weasyprint.CSS(string=job["css"])], pdf_identifier=job["identifier"])
    target = site / job["target"]
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(pdf)
    log.info("PDF %s: %d KB", job["target"], len(pdf) // 1024)


def _fork_worker() -> tuple[Any, Any]:
    """A process that imports WeasyPrint now, then writes the PDF it is sent (fork: nothing to pickle)."""
    context = multiprocessing.get_context("fork")
    receiver, sender = context.Pipe(duplex=False)

    def run() -> None:
        sender.close()
        import weasyprint  # noqa: F401 (while the HTML builds)
        try:
            write_pdf(receiver.recv())
        except EOFError:
            return  # the build stopped before its PDFs
        except Exception as error:
            log.error("hooks/pdf.py: %s", error)
            raise SystemExit(1) from None

    process = context.Process(target=run, daemon=True)
    process.start()
    receiver.close()
    return process, sender


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
        target = urlsplit(urljoin("https://pdf.invalid/" + url, href))  # resolved as the browser would
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


# -----------------------------------------------------------------------------
# Small helpers
# -----------------------------------------------------------------------------


def _source(env: Environment, name: str) -> str:  # a file of the theme folders, overrides/ first
    return env.loader.get_source(env, name)[0]  # type: ignore[union-attr]


def _language(config: MkDocsConfig) -> str:
    i18n = config.plugins.get("i18n")
    return i18n.current_language if i18n else "en"


def _languages(config: MkDocsConfig) -> list[str]:
    """In the order of their passes: mkdocs-static-i18n builds the default language first."""
    i18n = config.plugins.get("i18n")
    return [i18n.default_language, *(x for x in i18n.build_languages if x != i18n.default_language)] if i18n else ["en"]


def _slug(url: str) -> str:
    """A page's URL (or a title) as an id: "fr/mail/setup/" -> "fr-mail-setup"."""
    text = "".join(c if c.isalnum() else "-" for c in url.strip("/").lower())
    return "page-" + ("-".join(part for part in text.split("-") if part) or "home")


def _git_version(repo: Path) -> str:
    """The commit the PDF was built from (tag if any), or "" outside a git checkout."""
    command = ["git", "describe", "--tags", "--always", "--dirty", "--abbrev=12"]
    try:
        return subprocess.run(command, cwd=repo, capture_output=True, text=True, check=True, timeout=10).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return ""


def _strings(path: Path) -> dict[str, dict[str, Any]]:
    """overrides/pdf/strings.yml ({key: {en, fr}}) as {lang: {key: text}}."""
    table = yaml.safe_load(path.read_text(encoding="utf-8"))
    for key, texts in table.items():
        if set(texts) != set(OUTPUT):
            raise PluginError(f"{STRINGS_FILE}: {key}: expected a text in each of {', '.join(OUTPUT)}")
    return {lang: {key: texts[lang] for key, texts in table.items()} for lang in OUTPUT}
