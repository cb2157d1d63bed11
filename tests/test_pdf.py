"""The offline PDF of each language (artelabs/postbuild/pdf.py), read back with pypdf."""

from __future__ import annotations

import functools
import re
import shutil
from datetime import datetime, timezone
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

import pytest
import yaml
from pypdf import PdfReader
from pypdf.generic import IndirectObject

from conftest import LANGUAGES, PAGES, ROOT, copy_repo, page_path, pdf_pages, pdf_reader, soup, strings_outside

PDF = {"en": "pdf/artelabs-support-en.pdf", "fr": "fr/pdf/artelabs-support-fr.pdf"}
SITE_URL = "https://support.artelabs.ch/"
LANGUAGE_NAMES = {"en": "English", "fr": "Français"}
MONTHS = {
    "en": "January February March April May June July August September October November December".split(),
    "fr": "janvier février mars avril mai juin juillet août septembre octobre novembre décembre".split(),
}
DATA = yaml.safe_load((ROOT / "data" / "ports.yml").read_text(encoding="utf-8"))


# -----------------------------------------------------------------------------
# Helpers
# -----------------------------------------------------------------------------


def reader(site: Path, lang: str) -> PdfReader:
    return pdf_reader(site / PDF[lang])


@cache
def pdf_text(site: Path, lang: str) -> str:
    """All the text of a PDF, whitespace made single spaces (lines wrap anywhere)."""
    return " ".join(" ".join(pdf_pages(site / PDF[lang])).split())


def words(text: str) -> str:
    return " ".join(text.split())


def outline(pdf: PdfReader, items: list[Any] | None = None, depth: int = 0) -> list[tuple[int, str, int]]:
    """The bookmarks as (depth, title, page number from 1), in order."""
    result: list[tuple[int, str, int]] = []
    for item in pdf.outline if items is None else items:
        if isinstance(item, list):
            result += outline(pdf, item, depth + 1)
        else:
            result.append((depth, item.title, pdf.get_destination_page_number(item) + 1))
    return result


def navigation(site: Path, lang: str) -> list[tuple[int, str]]:
    """The site's primary navigation as readers see it: (depth, title), sections and pages, in order."""
    nav = soup(site, lang, "").select_one("nav.md-nav--primary")
    assert nav is not None, "no primary navigation on the home page"
    entries = []
    for item in nav.select(":scope > ul > li"):
        entries.append((0, words(item.select_one(":scope > a, :scope > label").get_text())))
        for child in item.select(":scope > nav:not(.md-nav--secondary) > ul > li"):
            entries.append((1, words(child.select_one(":scope > a").get_text())))
    return entries


def h1(site: Path, lang: str, path: str) -> str:
    return words(soup(site, lang, path).select_one("article h1").get_text()).rstrip("¶").strip()


def link_annotations(pdf: PdfReader) -> list[dict[str, Any]]:
    annotations = []
    for page in pdf.pages:
        for annotation in page.get("/Annots", []):
            annotation = annotation.get_object()
            if annotation.get("/Subtype") == "/Link":
                annotations.append(annotation)
    return annotations


def resolve(value: Any) -> Any:
    return value.get_object() if isinstance(value, IndirectObject) else value


def all_ports(node: Any) -> set[int]:
    """Every `port:` value of data/ports.yml, wherever it is."""
    if isinstance(node, dict):
        found = {node["port"]} if isinstance(node.get("port"), int) else set()
        return found.union(*(all_ports(value) for value in node.values()))
    if isinstance(node, list):
        return set().union(*(all_ports(value) for value in node))
    return set()


# -----------------------------------------------------------------------------
# Tests
# -----------------------------------------------------------------------------


@pytest.mark.parametrize("lang", LANGUAGES)
def test_bookmarks_are_the_navigation_in_that_language(site: Path, lang: str) -> None:
    """Top level: the navigation's sections and pages; under a section, its pages; under a page, its headings."""
    nav = navigation(site, lang)
    sections = {nav[i][1] for i in range(len(nav) - 1) if nav[i][0] == 0 and nav[i + 1][0] == 1}
    marks, parent, headings = [], None, 0
    for depth, title, _ in outline(reader(site, lang)):
        if depth == 0:
            parent = title
            marks.append((0, title))
        elif depth == 1 and parent in sections:
            marks.append((1, title))
        else:
            headings += 1
    assert marks == nav
    assert sections and headings > len(nav), "the pages' sections are not bookmarked"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_contents_give_each_page_its_page_number(site: Path, lang: str) -> None:
    pdf = reader(site, lang)
    marks = outline(pdf)
    first_page = min(page for _, _, page in marks)
    contents = " ".join(" ".join(pdf.pages[i].extract_text().split()) for i in range(1, first_page - 1))
    nav = navigation(site, lang)
    pages = [title for i, (depth, title) in enumerate(nav) if i + 1 == len(nav) or nav[i + 1][0] <= depth]
    for title in pages:
        page = next(p for d, t, p in marks if t == title and d <= 1)  # the page's mark, not a heading's
        match = re.search(re.escape(title) + r"[ .]*?(\d+)\b", contents)
        assert match, f"{title!r} not in the table of contents"
        assert int(match.group(1)) == page, f"{title!r}: contents say page {match.group(1)}, it is on {page}"


def test_each_pdf_holds_only_its_language(site: Path) -> None:
    for path in PAGES:
        english, french = h1(site, "en", path), h1(site, "fr", path)
        assert english in pdf_text(site, "en"), f"English page {path or '/'} missing from the English PDF"
        assert french in pdf_text(site, "fr"), f"French page {path or '/'} missing from the French PDF"
        if english != french:
            assert english not in pdf_text(site, "fr"), f"English page {path or '/'} in the French PDF"
            assert french not in pdf_text(site, "en"), f"French page {path or '/'} in the English PDF"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_metadata_language_title_author_and_dates(site: Path, site_stamp: dict[str, str], lang: str) -> None:
    pdf = reader(site, lang)
    assert pdf.trailer["/Root"]["/Lang"] == lang
    assert pdf.metadata.title == "Artelabs Support"
    assert pdf.metadata.author == "Artelabs"
    epoch = datetime.fromtimestamp(int(site_stamp["SOURCE_DATE_EPOCH"]), timezone.utc)
    assert pdf.metadata.creation_date == epoch
    assert pdf.metadata.modification_date == epoch


@pytest.mark.parametrize("lang", LANGUAGES)
def test_cover_names_site_language_date_and_version(site: Path, site_stamp: dict[str, str], lang: str) -> None:
    cover = words(pdf_pages(site / PDF[lang])[0])
    date = datetime.fromtimestamp(int(site_stamp["SOURCE_DATE_EPOCH"]), timezone.utc)
    assert "Artelabs Support" in cover
    assert LANGUAGE_NAMES[lang] in cover
    day = {"en": "1", "fr": "1er"}[lang] if date.day == 1 else str(date.day)  # « 1er décembre », as written in French
    assert f"{day} {MONTHS[lang][date.month - 1]} {date.year}" in cover
    assert re.search(r"Version \S+", cover)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_mail_host_and_every_port_are_in_the_text(site: Path, lang: str) -> None:
    text = pdf_text(site, lang)
    for entry in DATA["mail"]:
        assert entry["host"] in text
    missing = sorted(port for port in all_ports(DATA) if not re.search(rf"\b{port}\b", text))
    assert not missing, f"ports of data/ports.yml not in the {lang} PDF: {missing}"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_port_tables_are_text(site: Path, lang: str) -> None:
    """The port tables print as text in rows (selectable, searchable), not as a picture."""
    layout = "\n".join(page for page in pdf_pages(site / PDF[lang], layout=True) if DATA["mail"][0]["host"] in page)
    for entry in DATA["mail"]:
        row = re.search(rf"{entry['protocol']}.*{re.escape(entry['host'])}\s+{entry['port']}\b", layout)
        assert row, f"no table row for {entry['id']} in the {lang} PDF"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_links_between_pages_jump_inside_the_pdf(site: Path, lang: str) -> None:
    pdf = reader(site, lang)
    destinations = set(pdf.named_destinations)
    internal = [a for a in link_annotations(pdf) if "/Dest" in a or resolve(a.get("/A", {})).get("/S") == "/GoTo"]
    first_page = min(page for _, _, page in outline(pdf))
    assert internal, "no internal link"
    for annotation in internal:
        target = annotation.get("/Dest") or resolve(annotation["/A"])["/D"]
        assert str(target) in destinations, f"link to {target}, which is not in the PDF"
    # the cover names the site's address on purpose; every other link to a page must stay inside
    cover = [a.idnum for a in pdf.pages[0].get("/Annots", [])]
    uris = [
        str(resolve(a["/A"])["/URI"])
        for page in pdf.pages[1:]
        for a in (ref.get_object() for ref in page.get("/Annots", []) if ref.idnum not in cover)
        if "/URI" in resolve(a.get("/A", {}))
    ]
    pages = {urljoin(SITE_URL, ("" if code == "en" else f"{code}/") + path) for code in LANGUAGES for path in PAGES}
    to_pages = [uri for uri in uris if uri.split("#")[0] in pages]
    assert not to_pages, f"links to the site's pages instead of inside the PDF: {to_pages}"
    # links of the page text too, not only the table of contents
    on_pages = sum(1 for page in pdf.pages[first_page - 1 :] for a in page.get("/Annots", []) if "/Dest" in a.get_object())
    assert on_pages > 0, "no internal link on the content pages"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_external_links_are_kept(site: Path, lang: str) -> None:
    pdf = reader(site, lang)
    uris = {str(resolve(a["/A"])["/URI"]) for a in link_annotations(pdf) if "/URI" in resolve(a.get("/A", {}))}
    external = set()
    for path in PAGES:
        for link in soup(site, lang, path).select("article a[href]"):
            href = link["href"]
            if urlsplit(href).scheme in ("http", "https", "mailto") and not href.startswith(SITE_URL):
                external.add(href)
    assert external, "no external link in the site: this test would test nothing"
    assert external <= uris, f"external links lost in the {lang} PDF: {sorted(external - uris)}"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_content_tab_is_printed_under_its_label(site: Path, lang: str) -> None:
    text = pdf_text(site, lang)
    tabbed = [path for path in PAGES if soup(site, lang, path).select(".tabbed-set")]
    assert tabbed, "no page with content tabs: this test would test nothing"
    for path in tabbed:
        for tabs in soup(site, lang, path).select(".tabbed-set"):
            labels = [words(label.get_text()) for label in tabs.select(".tabbed-labels > label")]
            blocks = tabs.select(":scope > .tabbed-content > .tabbed-block")
            assert len(labels) == len(blocks) > 1
            for label, block in zip(labels, blocks):
                start = words(block.get_text())[:40]
                # a list prints its first marker (number or bullet) between the two
                printed = re.search(rf"{re.escape(label)} (?:1\. |• )?{re.escape(start)}", text)
                assert printed, f"{path}: tab {label!r} not printed with its label"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_collapsed_answers_print_open(site: Path, lang: str) -> None:
    text = pdf_text(site, lang)
    answers = [d for path in PAGES for d in soup(site, lang, path).select("article details")]
    assert answers, "no collapsible answer in the site: this test would test nothing"
    for details in answers:  # the answer without its question (the shared tree is read, not changed)
        assert words("".join(strings_outside(details, ":scope > summary")))[:60] in text


@pytest.mark.parametrize("lang", LANGUAGES)
def test_no_site_chrome_and_no_permalink_sign(site: Path, lang: str) -> None:
    text = pdf_text(site, lang)
    assert "¶" not in text
    for chrome in {"en": ["Skip to content", "Back to top", "Search"], "fr": ["Aller au contenu", "Retour en haut"]}[lang]:
        assert chrome not in text


@pytest.mark.parametrize("lang", LANGUAGES)
def test_download_link_on_every_page(site: Path, lang: str) -> None:
    for path in PAGES:
        link = soup(site, lang, path).select_one("a[href$='.pdf']")
        assert link is not None, f"/{lang}/{path}: no Download PDF link"
        assert {"en": "Download PDF", "fr": "Télécharger le PDF"}[lang] in link.get_text()
        page = page_path(site, lang, path)
        target = (page.parent / link["href"]).resolve()
        assert target == (site / PDF[lang]).resolve(), f"/{lang}/{path}: link to {link['href']}"
        assert target.is_file()


@pytest.mark.parametrize("lang", LANGUAGES)
def test_fonts_are_embedded_with_french_glyphs(site: Path, lang: str) -> None:
    pdf = reader(site, lang)
    descriptors = {}
    for page in pdf.pages:
        for font in page["/Resources"].get("/Font", {}).values():
            font = font.get_object()
            for part in font.get("/DescendantFonts", [font]):
                part = part.get_object()
                descriptors[str(part["/BaseFont"])] = part["/FontDescriptor"].get_object()
    assert descriptors
    for name, descriptor in descriptors.items():
        assert {"/FontFile", "/FontFile2", "/FontFile3"} & set(descriptor), f"{name} is not embedded"
        assert "DejaVu" in name, f"{name}: expected the DejaVu fonts named in print.css"
    if lang == "fr":
        assert re.search(r"[éèàçêô]", pdf_text(site, lang)) and "�" not in pdf_text(site, lang)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_pdf_is_under_2_mb(site: Path, lang: str) -> None:
    assert (site / PDF[lang]).stat().st_size < 2 * 1024 * 1024


def test_pdf_templates_are_not_published(site: Path) -> None:
    """overrides/pdf/ holds the PDF's templates, styles and words: only the PDFs are published."""
    files = [path.relative_to(site) for path in site.rglob("*") if path.is_file()]
    assert {path.as_posix() for path in files if "pdf" in path.parts} == set(PDF.values())


# -----------------------------------------------------------------------------
# The cache (.cache/artelabs/pdf/): rendered once, reused while the input is unchanged
# -----------------------------------------------------------------------------


def test_a_cached_pdf_is_rendered_again_when_any_of_its_input_changes(
    site: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A frozen version's PDF, rendered once into a copy, then taken from the cache with the same bytes; the
    template, the print stylesheet, an image it loads, WeasyPrint's version: each changed renders it again,
    and once it is back the cache gives the first bytes again. (Rendered for real once; after that a stand-in
    says whether it was asked to render.)"""
    from artelabs import datafile, postbuild
    from artelabs.postbuild import pdf as pdfbook

    monkeypatch.setattr(datafile, "CACHE", tmp_path / "cache")
    repo = copy_repo(tmp_path / "repo")
    built = tmp_path / "site"
    shutil.copytree(site / "terms" / "versions" / "2.0", built / "terms" / "versions" / "2.0")
    (built / "assets").mkdir()
    shutil.copy(site / "assets" / "favicon.svg", built / "assets" / "favicon.svg")

    def write() -> bytes:
        [job] = pdfbook.prepare_versions(postbuild.site_from_yaml(built, repo / "mkdocs.yml"), "en")
        assert job["cache"] == str(tmp_path / "cache" / "pdf")
        pdfbook.write_pdf(job)
        return (built / job["target"]).read_bytes()

    rendered: list[list[str]] = []
    real = pdfbook.render

    def first_render(job: dict[str, Any]) -> tuple[bytes, list[str]]:
        pdf, loaded = real(job)
        rendered.append(loaded)
        return pdf, loaded

    monkeypatch.setattr(pdfbook, "render", first_render)
    first = write()
    assert first.startswith(b"%PDF") and rendered == [["assets/favicon.svg"]]
    monkeypatch.setattr(pdfbook, "render", lambda job: (rendered.append(job["target"]) or b"%PDF-again", rendered[0]))
    assert write() == first and len(rendered) == 1, "unchanged, yet rendered again"

    def changed(what: str, change, restore) -> None:
        change()
        count = len(rendered)
        assert write() == b"%PDF-again" and len(rendered) == count + 1, f"{what} changed, yet taken from the cache"
        restore()
        assert write() == first and len(rendered) == count + 1, f"{what} back as it was, yet rendered again"

    for name, edit in (
        ("overrides/pdf/document.html", lambda text: text.replace('class="mdx-pdf-cover__kicker"', 'class="mdx-pdf-cover__kicker x"')),
        ("overrides/pdf/print.css", lambda text: text + "\nh1 { letter-spacing: 0.01em; }\n"),
        ("overrides/pdf/svg.css", lambda text: text + "\ncircle { fill: red; }\n"),
    ):
        file = repo / name
        original = file.read_text(encoding="utf-8")
        edited = edit(original)
        assert edited != original, f"{name}: the test's edit no longer applies"
        changed(name, functools.partial(file.write_text, edited, encoding="utf-8"),
                functools.partial(file.write_text, original, encoding="utf-8"))
    image = built / "assets" / "favicon.svg"
    svg = image.read_bytes()
    changed("the logo it loads", lambda: image.write_bytes(svg.replace(b"<svg", b"<svg data-x=\"\"", 1)),
            lambda: image.write_bytes(svg))
    import importlib.metadata

    version = importlib.metadata.version
    changed("WeasyPrint's version",
            lambda: monkeypatch.setattr(importlib.metadata, "version", lambda name: "0" if name == "weasyprint" else version(name)),
            lambda: monkeypatch.setattr(importlib.metadata, "version", version))


def test_an_unwritable_pdf_cache_is_skipped_with_one_note(monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture) -> None:
    from artelabs import datafile, postbuild
    from artelabs.postbuild import pdf as pdfbook

    monkeypatch.setattr(datafile, "CACHE", Path("/proc/artelabs-cache"))  # unwritable, even for root
    from artelabs.postbuild import pdfcache

    monkeypatch.setattr(pdfcache, "_notes", set())
    site = postbuild.site_from_yaml(Path("/nonexistent"), ROOT / "mkdocs.yml")
    with caplog.at_level("INFO", logger="mkdocs.plugins.pdf"):
        assert pdfbook.cache_folder(site) is None and pdfbook.cache_folder(site) is None
    notes = [record.getMessage() for record in caplog.records if "cannot be written" in record.getMessage()]
    assert len(notes) == 1 and "rendered at every build" in notes[0], notes


@pytest.mark.parametrize("lang", LANGUAGES)
def test_a_frozen_version_pdf_is_dated_by_the_version_not_by_the_build(site: Path, lang: str) -> None:
    """Its cover gives the version's effective date and the commit that froze it: the same bytes at every build."""
    from artelabs.postbuild import pdf as pdfbook

    frozen = pdfbook.frozen(ROOT)
    assert frozen, "no frozen version in data/published-versions.txt"
    (doc, version), (day, commit) = sorted(frozen.items())[0]
    cover = words(pdf_pages(site / pdfbook.version_target(doc, version, lang, "" if lang == "en" else f"{lang}/"))[0])
    first = {"en": "1", "fr": "1er"}[lang] if day.day == 1 else str(day.day)
    assert f"{first} {MONTHS[lang][day.month - 1]} {day.year}" in cover and commit in cover, cover
