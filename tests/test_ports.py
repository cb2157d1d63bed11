"""Ports and servers: one data file, put into every page by artelabs/markers.py."""

from __future__ import annotations

import re
import socket
from pathlib import Path

import pytest
import yaml
from bs4 import BeautifulSoup

from conftest import LANGUAGES, ODD_TEXT, PAGES, ROOT, page_path, parsed, soup, strings_outside
from artelabs import markers
from artelabs import postbuild
from artelabs.postbuild import pdf as pdfbook

DATA = yaml.safe_load((ROOT / "data" / "ports.yml").read_text(encoding="utf-8"))
MONTHS = (
    "January|February|March|April|May|June|July|August|September|October|November|December|"
    "janvier|février|mars|avril|mai|juin|juillet|août|septembre|octobre|novembre|décembre"
)


def renderer(lang: str):
    """The markers extension's renderer, on the repository's data (as under any builder)."""
    return markers.standalone_renderer(ROOT, lang)


def all_ports() -> set[int]:
    return {e["port"] for key in ("mail", "standard_ports", "not_standard") for e in DATA[key]} | {
        e[way]["port"] for e in DATA["other_providers"] for way in ("incoming", "outgoing")
    }


def all_hosts() -> set[str]:
    return {e["host"] for e in DATA["mail"]} | {DATA["provider"]["mx"]} | {
        e[way]["host"] for e in DATA["other_providers"] for way in ("incoming", "outgoing")
    }


def article_text(page: BeautifulSoup, drop: str = "") -> str:
    """The article's text, as get_text(" ", strip=True) gives it, without what `drop` selects. The page is read
    only (conftest.parsed's trees are shared): the dropped elements are skipped, not removed."""
    article = page.select_one("article")
    kept = strings_outside(article, drop) if drop else article.strings
    return " ".join(text for text in (string.strip() for string in kept) if text)


# -----------------------------------------------------------------------------
# What the pages show
# -----------------------------------------------------------------------------


@pytest.mark.parametrize("lang", LANGUAGES)
def test_standard_ports_table(site: Path, lang: str) -> None:
    page = soup(site, lang, "mail/ports/")
    rows = page.select("tr[id^=port-]")
    shown = {row["id"].removeprefix("port-"): row.select_one("th").get_text(strip=True) for row in rows}
    expected = {e["id"]: str(e["port"]) for e in DATA["standard_ports"] + DATA["not_standard"]}
    assert shown == expected
    headers = [th.get_text(strip=True) for th in page.select(".mdx-ports thead th")]
    assert ("Sécurité" if lang == "fr" else "Security") in headers
    status = {"en": "Not for mail programs", "fr": "Pas pour les logiciels de messagerie"}[lang]
    assert page.select_one("#port-smtp-relay .mdx-ports__status").get_text(strip=True) == status
    assert page.select_one("#port-smtp-relay a[href$='rfc5321']")


@pytest.mark.parametrize("lang", LANGUAGES)
def test_mail_setup_shows_every_server(site: Path, lang: str) -> None:
    page = soup(site, lang, "mail/setup/")
    for entry in DATA["mail"]:
        row = page.select_one(f"#server-{entry['id']}")
        assert row is not None, f"{lang} setup page has no row for {entry['id']}"
        cells = [cell.get_text(strip=True) for cell in row.select("td")]
        assert cells[:3] == [entry["host"], str(entry["port"]), {"ssl-tls": "SSL/TLS", "starttls": "STARTTLS"}[entry["security"]]]
        assert cells[3].split() == entry["note"][lang].split()  # French: U+202F where the data has a space (str.split)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_diagram_is_localized_svg_from_the_data(site: Path, lang: str) -> None:
    svg = soup(site, lang, "mail/setup/").select_one("figure.mdx-diagram svg")
    assert svg is not None and svg["role"] == "img"
    title = {"en": "How your mail program talks to the mail server",
             "fr": "Comment votre logiciel de messagerie dialogue avec le serveur"}[lang]
    assert svg.select_one("title").get_text() == title
    text = svg.get_text(" ", strip=True)
    for entry in DATA["mail"]:
        assert str(entry["port"]) in text
    assert ("Réception\u202f:" if lang == "fr" else "Receiving:") in text


def test_inline_values_in_both_languages() -> None:
    en, fr = renderer("en"), renderer("fr")
    smtp = next(e for e in DATA["mail"] if e["id"] == "smtp")
    assert fr.render("ports:smtp.port", alone=False) == str(smtp["port"])
    assert en.render("ports:smtp.host", alone=False) == f"<code>{smtp['host']}</code>"
    assert fr.render("ports:smtp-starttls.security", alone=False) == "STARTTLS"
    assert fr.render("ports:std.http.security", alone=False) == "Aucune"
    assert en.render("ports:std.http.security", alone=False) == "None"
    assert fr.render("ports:account.username", alone=False) == DATA["account"]["username"]["fr"]
    assert en.render("ports:provider.webmail", alone=False) == (
        f'<a href="{DATA["provider"]["webmail"]}">{DATA["provider"]["webmail"].removeprefix("https://")}</a>'
    )


def test_pages_show_the_mail_server_in_both_languages(site: Path) -> None:
    host = next(e["host"] for e in DATA["mail"] if e["id"] == "imap")
    for lang in LANGUAGES:
        for path in ("", "mail/setup/"):
            assert host in article_text(soup(site, lang, path)), (lang, path)


def test_every_marker_shows_its_value_on_its_page(site: Path) -> None:
    """Each marker of each page's Markdown is on the built page as its value's text, not as a comment."""
    checked = 0
    for lang in LANGUAGES:
        values = renderer(lang)
        for path in PAGES:
            stem = ROOT / "docs" / (path.rstrip("/") or "index")
            markdown = Path(f"{stem}{'' if lang == 'en' else '.' + lang}.md").read_text(encoding="utf-8")
            page = soup(site, lang, path)
            text = " ".join(article_text(page).split())
            assert "<!--" not in page.select_one("article").decode_contents().replace(
                "&lt;!--", ""
            ), f"{lang} /{path}: a comment left in the page"
            for marker in markers.scan(markdown):
                if marker.body.startswith("ports:") and not marker.alone:
                    shown = " ".join(BeautifulSoup(values.render(marker.body, alone=False), "lxml").get_text().split())
                    assert shown in text, f"{lang} /{path}:{marker.line}: {marker.text} should show {shown!r}"
                    checked += 1
    assert checked > 40, "the pages use markers: this test must see them"


def test_standard_ports_agree_with_iana_service_names() -> None:
    for entry in DATA["standard_ports"]:
        names = {socket.getservbyport(entry["port"], "tcp")}
        try:
            names.add(socket.getservbyname(entry["service"], "tcp") == entry["port"] and entry["service"])
        except OSError:
            pass
        assert entry["service"] in names, f"{entry['id']}: port {entry['port']} is {names} in /etc/services"
    for entry in DATA["not_standard"]:
        with pytest.raises(OSError):
            socket.getservbyport(entry["port"], "tcp")


def test_no_port_or_mail_host_typed_in_docs() -> None:
    """Ports and host names come from data/ports.yml through markers, never typed."""
    number = re.compile(r"(?<![\w.,/§-])(\d+)(?![\w.,/-]|\s+(?:" + MONTHS + r"))")
    allowed_before = re.compile(r"(?:RFC|Art\.|Arts\.|article|articles|SR|RS|STD|§|al\.)\s*$", re.I)
    problems = []
    for file in sorted((ROOT / "docs").rglob("*.md")):
        text = re.sub(r"<!--.*?-->", "", file.read_text(encoding="utf-8"), flags=re.S)
        for host in all_hosts():
            if host in text:
                problems.append(f"{file.relative_to(ROOT)}: host {host}")
        for match in number.finditer(text):
            if int(match.group(1)) in all_ports() and not allowed_before.search(text[: match.start()][-12:]):
                line = text.count("\n", 0, match.start()) + 1
                problems.append(f"{file.relative_to(ROOT)}:{line}: port {match.group(1)}")
    assert not problems, "typed instead of a marker:\n" + "\n".join(problems)


# -----------------------------------------------------------------------------
# One change in the data file, every page
# -----------------------------------------------------------------------------


def test_special_characters_in_data_show_as_text(odd_values_site: tuple[Path, Path]) -> None:
    """The POP3 description of a copy is ODD_TEXT (conftest.odd_values_site, built once with other odd values)."""
    row = soup(odd_values_site[1], "en", "mail/setup/").select_one("#server-pop3")
    cells = row.select("th, td")
    assert len(cells) == 5 and cells[-1].get_text() == ODD_TEXT
    assert not cells[-1].select("b, em, strong"), "markup in the data became formatting"


def test_changing_one_port_changes_every_page(site: Path, changed_site: tuple[Path, Path]) -> None:
    """Every place that shows the IMAP port of the data file shows the new one.

    The standard ports keep their own number (same digits, another entry), so
    each old number may stay or change, but the IMAP rows, the diagram and the
    IMAP markers must change, on every page of both languages and in the document each PDF is printed
    from (artelabs/postbuild/pdf.py assembles it from the built pages; tests/test_pdf.py reads the printed ports).
    """
    imap = next(e for e in DATA["mail"] if e["id"] == "imap")
    old, new = str(imap["port"]), "1" + str(imap["port"])
    out = changed_site[1]
    imap_markers = re.compile(r"<!--\s*ports:(imap\.port|table (mail|incoming)|diagram)\s*-->")
    shown = 0
    for lang in LANGUAGES:
        for path in PAGES:
            # (the copy is built without PDFs, so without the link to them)
            page = parsed(page_path(out, lang, path))
            before = article_text(soup(site, lang, path), drop=".mdx-pdf-link")
            after = article_text(page, drop=".mdx-pdf-link")
            pattern = "".join(
                re.escape(part) if i % 2 == 0 else f"(?:{old}|{new})"
                for i, part in enumerate(re.split(rf"(?<!\d)({old})(?!\d)", before))
            )
            assert re.fullmatch(pattern, after), f"{lang} /{path}: more than the port changed"
            for row in page.select("#server-imap td:nth-of-type(2), figure.mdx-diagram"):
                assert new in row.get_text(" "), f"{lang} /{path}: old IMAP port in {row.name}"
            source = ROOT / "docs" / (path.rstrip("/") or "index")
            markdown = Path(f"{source}{'' if lang == 'en' else '.' + lang}.md").read_text(encoding="utf-8")
            wanted = len(imap_markers.findall(markdown))
            assert after.count(new) >= wanted, f"{lang} /{path}: {wanted} IMAP markers, {after.count(new)} shown"
            shown += after.count(new)
    assert shown >= 6, "the IMAP port shows on the home and mail pages of both languages"
    built = postbuild.site_from_yaml(out, changed_site[0] / "mkdocs.yml")
    for lang in LANGUAGES:
        document = BeautifulSoup(pdfbook.prepare(built, lang)["source"], "lxml")
        rows = document.select("#server-imap td:nth-of-type(2)")
        assert rows and all(new in row.get_text(" ") for row in rows), f"{lang} PDF: the IMAP rows keep the old port"
        assert not (out / pdfbook.target(built, lang)).exists(), "a PDF nobody reads was rendered"
