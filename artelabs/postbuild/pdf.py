"""One PDF of the whole site per language, made with WeasyPrint from the built pages.

Not a hook (hooks/pdf.py calls it; tools/postbuild.py too). For one language it
reads the built site: the navigation of the language's home page gives the
order and the titles, each page's <article> gives its content. It renders
overrides/pdf/document.html (cover, contents, pages) with tabs unfolded,
`<details>` open, ids prefixed with the page's slug and links between pages
inside the PDF, into /pdf/artelabs-support-en.pdf or /fr/pdf/artelabs-support-fr.pdf.
Dated by the build's date: same sources, same bytes.

A PDF once rendered is kept in .cache/artelabs/pdf/ (git-ignored) and reused
while everything it is made from is unchanged ("The cache" below): the exact
HTML document and stylesheets handed to WeasyPrint, every file it loads, the
fonts fontconfig offers, the WeasyPrint and pydyf versions and this file's
source. The bytes are the same with or without it.
"""

from __future__ import annotations

import logging
import re
from datetime import datetime, timezone
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

from artelabs.postbuild import Site
from artelabs.postbuild.pdfcache import (  # noqa: F401 (the hooks use them here)
    cache_folder, site_relative, stamp_cached, store, write, write_cached,
)

log = logging.getLogger("mkdocs.plugins.pdf")

TEMPLATE = "pdf/document.html"
STYLESHEET = "pdf/print.css"
SVG_STYLESHEET = "pdf/svg.css"  # WeasyPrint draws an inline <svg> with its own <style> only
SVG = "{http://www.w3.org/2000/svg}"


def documents(root: Path) -> list[str]:
    """The documents kept in every version, each version with its own PDF: those of data/legal-versions.yml."""
    import yaml

    return list(yaml.safe_load((root / "data" / "legal-versions.yml").read_text(encoding="utf-8")) or {})


def version_target(doc: str, version: str, lang: str, prefix: str = "") -> str:
    """The PDF of one version, beside its page: terms/versions/3.0/artelabs-terms-3.0-en.pdf."""
    return f"{prefix}{doc}/versions/{version}/artelabs-{doc}-{version}-{lang}.pdf"


def frozen(root: Path) -> dict[tuple[str, str], tuple[datetime, str]]:
    """(doc, version) -> (its effective date, the commit that froze it) for every frozen version: what its PDF
    is dated and named by, so that it does not change with each build (data/published-versions.txt,
    data/legal-versions.yml)."""
    import yaml

    effective = {
        (doc, str(entry["version"])): str(entry["effective"])
        for doc, entries in (yaml.safe_load((root / "data" / "legal-versions.yml").read_text(encoding="utf-8")) or {}).items()
        for entry in entries
    }
    found = {}
    for line in (root / "data" / "published-versions.txt").read_text(encoding="utf-8").splitlines():
        words = line.split()
        # DOC VERSION SHA-EN SHA-FR COMMIT [annexes:SHA]: the commit is the fifth word
        if len(words) >= 5 and not line.startswith("#") and (words[0], words[1]) in effective:
            day = datetime.fromisoformat(effective[(words[0], words[1])]).replace(tzinfo=timezone.utc)
            found[(words[0], words[1])] = (day, words[4][:12])
    return found


def prepare_versions(site: Site, lang: str) -> list[dict[str, Any]]:
    """One archival PDF (PDF/A-3u) per published version of each document of data/legal-versions.yml. A frozen
    version's PDF is dated by the version's effective date and named by the commit that froze it, not by the
    build: its bytes stay the same from build to build while its text, template and this code do, so the
    PDF cache renders it once (builds do not grow with the history of the legal texts)."""
    jobs = []
    still = frozen(site.root)
    for doc in documents(site.root):
        folder = site.folder / site.prefix(lang) / doc / "versions"
        for page in sorted(folder.glob("*/index.html")) if folder.is_dir() else []:
            version = page.parent.name
            url = f"{site.prefix(lang)}{doc}/versions/{version}/"
            entry = _page_at(site, url)
            date, name = still.get((doc, version), (site.date, site.version))
            job = _job(site, lang, [entry], version_target(doc, version, lang, site.prefix(lang)), contents=False,
                       date=date, version=name)
            job["variant"] = "pdf/a-3u"
            jobs.append(job)
    return jobs


def target(site: Site, lang: str) -> str:
    """Where a language's PDF goes in the site: pdf/artelabs-support-en.pdf, fr/pdf/artelabs-support-fr.pdf."""
    return f"{site.prefix(lang)}pdf/artelabs-support-{lang}.pdf"


# -----------------------------------------------------------------------------
# The document, from the built pages
# -----------------------------------------------------------------------------


def prepare(site: Site, lang: str) -> dict[str, Any]:
    """Everything WeasyPrint needs, as plain values: the document's HTML, styles, where to write."""
    return _job(site, lang, _navigation(site, lang), target(site, lang), contents=True)


def _job(
    site: Site, lang: str, entries: list[dict[str, Any]], out: str, *, contents: bool,
    date: datetime | None = None, version: str | None = None,
) -> dict[str, Any]:
    pages = [page for entry in entries for page in entry.get("children", [entry])]
    env = site.templates()
    date = date or site.date
    version = version or site.version
    months = site.t("months", lang).split()
    source = env.get_template(TEMPLATE).render(
        lang=lang,
        t=lambda key: site.t(key, lang),
        site=site,
        description=site.descriptions.get(lang, ""),
        copyright=site.copyrights.get(lang, ""),
        site_address=site.site_url + site.prefix(lang),
        date=date,
        date_text=(f"{site.t('date.first-day', lang) if date.day == 1 else date.day} {months[date.month - 1]} {date.year}"
                   if date else site.t("pdf.undated", lang)),
        version=version or site.t("pdf.unversioned", lang),
        entries=entries,
        contents=contents,
    )
    epoch = int(date.timestamp()) if date else 0
    return {
        "source": source,
        "site": site.folder,
        "target": out,
        "slugs": {page["url"]: page["slug"] for page in pages},
        "site_url": site.site_url or "/",
        "css": (site.root / "overrides" / STYLESHEET).read_text(encoding="utf-8"),
        "svg_css": (site.root / "overrides" / SVG_STYLESHEET).read_text(encoding="utf-8"),
        "identifier": f"{out}-{epoch}".encode(),
        "variant": None,
        "cache": cache_folder(site),
        "stamp": f"{date.isoformat() if date else 'undated'} {version or 'unversioned'}",
    }


def _navigation(site: Site, lang: str) -> list[dict[str, Any]]:
    """The language's navigation, as sections and pages, each page with its article's HTML."""
    home = site.folder / site.prefix(lang) / "index.html"
    nav = _parse(home.read_text(encoding="utf-8"), "nav", "md-nav--primary").select_one("nav.md-nav--primary")
    if nav is None:
        raise ValueError(f"{home.relative_to(site.folder)}: no primary navigation, expected Material's nav.md-nav--primary")
    base = "/" + site.prefix(lang)
    entries: list[dict[str, Any]] = []
    for item in nav.select(":scope > ul > li"):
        children = item.select(":scope > nav:not(.md-nav--secondary) > ul > li > a.md-nav__link")
        if children:
            title = " ".join(item.select_one(":scope > label, :scope > a").get_text(" ", strip=True).split())
            pages = [_page(site, base, link) for link in children]
            entries.append({"title": title, "slug": f"section-{_slug(title)}", "children": pages})
        else:
            entries.append(_page(site, base, item.select_one(":scope > a.md-nav__link")))
    return entries


def _page(site: Site, base: str, link: Any) -> dict[str, Any]:
    url = urlsplit(urljoin(base, link["href"])).path.lstrip("/")  # fr/mail/setup/
    return _page_at(site, url, " ".join(link.get_text(" ", strip=True).split()))


def _page_at(site: Site, url: str, title: str | None = None) -> dict[str, Any]:
    file = site.folder / url / "index.html"
    article = _parse(file.read_text(encoding="utf-8"), "article", "md-content__inner").select_one("article.md-content__inner")
    for extra in article.select(".mdx-pdf-link"):
        extra.decompose()
    content = "".join(str(child) for child in article.contents).strip()
    if title is None:
        heading = article.select_one("h1")
        title = " ".join(heading.get_text(" ", strip=True).rstrip("¶").split()) if heading else url
    return {"title": title, "url": url, "slug": _slug(url), "content": content}


def _parse(page: str, tag: str, css_class: str) -> Any:
    """The page's first <tag class="... css_class ..."> element alone, parsed (html.parser): the rest of the
    page (header, navigation, footer, scripts) is most of its markup and none of the PDF's. The whole page
    when the element is not found as Material writes it (the caller's own check then says what is missing)."""
    from bs4 import BeautifulSoup

    start = re.search(rf'<{tag}\s[^>]*class="(?:[^"]*\s)?{re.escape(css_class)}[\s"]', page)
    if start is not None:
        depth = 0
        for match in re.compile(rf"<(/?){tag}(?=[\s>/])[^>]*>").finditer(page, start.start()):
            depth += -1 if match.group(1) else 1
            if depth == 0:
                page = page[start.start() : match.end()]
                break
    return BeautifulSoup(page, "html.parser")


def _slug(url: str) -> str:
    """A page's URL (or a title) as an id: "fr/mail/setup/" -> "page-fr-mail-setup"."""
    text = "".join(c if c.isalnum() else "-" for c in url.strip("/").lower())
    return "page-" + ("-".join(part for part in text.split("-") if part) or "home")


# -----------------------------------------------------------------------------
# Rendering
# -----------------------------------------------------------------------------


def write_pdf(job: dict[str, Any]) -> None:
    """Write one job's PDF: from the cache when nothing it is made from changed, else rendered (and kept)."""
    if write_cached(job):
        return
    pdf, loaded = render(job)
    write(job, pdf)
    store(job, loaded, pdf)


def render(job: dict[str, Any]) -> tuple[bytes, list[str]]:
    """The PDF of one job, rendered by WeasyPrint; and the files it loaded (paths under the site, or absolute)."""
    import weasyprint  # imported here: a build without PDFs does not pay for it
    from weasyprint.urls import URLFetcher

    site: Path = job["site"]
    loaded: list[str] = []

    class Local(URLFetcher):
        """Never the network; remembers every file loaded, for the cache's key."""

        def fetch(self, url: str, headers: Any = None) -> Any:
            if url.startswith("file:"):
                loaded.append(site_relative(site, url))
            return super().fetch(url, headers)

    local = Local(allowed_protocols={"file", "data"}, fail_on_errors=True)
    document = weasyprint.HTML(string=job["source"], base_url=site.as_uri() + "/", url_fetcher=local)
    # WeasyPrint's parsed tree, changed before layout: one parse, and inline <svg> stays SVG.
    make_printable(document.etree_element, job["slugs"], job["site_url"], job["svg_css"])
    # Tagged (a screen reader follows headings, lists and tables); the site's PDFs are PDF/UA-1,
    # each version's PDF/A-3u for archiving, tagged too.
    options = {"pdf_variant": job.get("variant") or "pdf/ua-1", "pdf_tags": True}
    pdf = document.write_pdf(
        stylesheets=[weasyprint.CSS(string=job["css"])], pdf_identifier=job["identifier"], **options
    )
    return pdf, sorted(set(loaded))


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
        resolved = urlsplit(urljoin("https://pdf.invalid/" + url, href))  # as the browser would
        path = resolved.path[len("/") :]
        if path in slugs:
            link.set("href", f"#{slugs[path]}--{resolved.fragment}" if resolved.fragment else f"#{slugs[path]}")
        else:  # a file of the site that is not a page (a profile, an image): the published one
            link.set("href", urljoin(site_url, path) + (f"#{resolved.fragment}" if resolved.fragment else ""))
