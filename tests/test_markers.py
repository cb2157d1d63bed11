"""The markers extension on its own, with Python-Markdown (as any builder runs it, Zensical included)."""

from __future__ import annotations

from typing import Any

import markdown
import pytest
import yaml
from bs4 import BeautifulSoup

from conftest import ROOT
from artelabs import markers
from artelabs import tablewrap

DATA = yaml.safe_load((ROOT / "data" / "ports.yml").read_text(encoding="utf-8"))
IMAP = next(entry for entry in DATA["mail"] if entry["id"] == "imap")
EXTENSIONS = ["attr_list", "admonition", "md_in_html", "tables", "toc", "pymdownx.superfences", "pymdownx.tabbed"]


def convert(text: str, lang: str = "en", **config: Any) -> str:
    return markdown.markdown(
        text,
        extensions=[*EXTENSIONS, markers.makeExtension(lang=lang, **config)],
        extension_configs={"pymdownx.tabbed": {"alternate_style": True}},  # as in mkdocs.yml
    )


def test_a_value_in_a_sentence_in_each_language() -> None:
    assert convert("Port <!-- ports:imap.port -->, <!-- ports:imap.security -->.", "fr") == (
        f"<p>Port {IMAP['port']}, SSL/TLS.</p>"
    )
    assert convert("Security: <!-- ports:std.http.security -->", "fr") == "<p>Security: Aucune</p>"
    assert convert("Security: <!-- ports:std.http.security -->", "en") == "<p>Security: None</p>"


def test_a_value_that_starts_a_line_stays_in_its_sentence() -> None:
    """Python-Markdown takes a comment that starts a line for raw HTML: the sentence must not break."""
    html = convert("The live state is at\n<!-- ports:provider.status_page -->.\nNext line.")
    paragraphs = BeautifulSoup(html, "html.parser").find_all("p")
    assert len(paragraphs) == 1
    assert paragraphs[0].get_text() == f"The live state is at\n{DATA['provider']['status_page'].removeprefix('https://')}.\nNext line."


def test_a_host_is_code_and_a_link_is_a_link() -> None:
    html = BeautifulSoup(convert("Server <!-- ports:imap.host -->, webmail <!-- ports:provider.webmail -->."), "html.parser")
    assert html.select_one("code").get_text() == IMAP["host"]
    assert html.select_one("a")["href"] == DATA["provider"]["webmail"]


@pytest.mark.parametrize(
    "text",
    [
        "Write `<!-- ports:imap.port -->` in a page.",
        "```\n<!-- ports:imap.port -->\n```",
        "Text.\n\n    <!-- ports:imap.port -->\n",
        '=== "Tab"\n\n    ```\n    <!-- ports:table mail -->\n    ```\n',
    ],
    ids=["code-span", "fenced", "indented", "fenced-in-tab"],
)
def test_a_marker_in_code_is_shown_as_written(text: str) -> None:
    html = convert(text)
    assert "&lt;!-- ports:" in html and str(IMAP["port"]) not in html.replace("<!--", "")
    assert "<table" not in html


def test_a_table_inside_a_content_tab_stays_in_the_tab() -> None:
    html = convert('=== "Outlook"\n\n    <!-- ports:table incoming -->\n\n    After.\n', "fr")
    block = BeautifulSoup(html, "html.parser").select_one(".tabbed-block")
    assert block.select_one("table tr#server-imap") is not None
    assert block.select_one(".mdx-ports table")["aria-label"] == "Serveurs de réception"
    assert block.find("p", string="After.") is not None
    assert "<p><div" not in html


def test_a_heading_with_a_value_has_the_value_in_its_title() -> None:
    md = markdown.Markdown(extensions=[*EXTENSIONS, markers.makeExtension(lang="en")])
    md.convert("## Port <!-- ports:std.smtp-relay.port --> { #port-25 }\n")
    assert md.toc_tokens[0]["name"] == "Port 25"


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("<!-- port:table mail -->", "unknown marker '<!-- port:table mail -->'"),
        ("<!-- PORTS:table mail -->", "names are lower case"),
        ("<!-- ports:tabel mail -->", "unknown marker"),
        ("<!-- ports:table mial -->", "unknown table 'mial'"),
        ("Port <!-- ports:imap.prot -->.", "unknown marker '<!-- ports:imap.prot -->'"),
        ("<!-- mobileconfig offer -->", "unknown marker"),
        ("Text <!-- ports:table mail --> here.", "must stand alone on its line"),
    ],
)
def test_a_marker_mistake_is_refused(text: str, words: str) -> None:
    with pytest.raises(markers.MarkerError, match=words.replace("(", r"\(").replace(")", r"\)").replace(".", r"\.").replace("*", r"\*")):
        convert(text)


def test_scan_finds_mistakes_with_their_line_and_skips_code() -> None:
    text = (
        "---\ndescription: x\n---\n\n# Title { #t }\n\n"  # lines 1-5
        "Port <!-- ports:imap.port -->.\n\n"  # 7
        "```\n<!-- port:table mail -->\n```\n\n"  # 9-11: code, skipped
        "`<!-- PORTS:x -->` in code.\n\n"  # 13: code span, skipped
        "<!-- ordinary comment -->\n\n"  # 15: not a marker
        "<!-- PORTS:table mail -->\n"  # 17
    )
    found = [(m.line, m.body) for m in markers.scan(text)]
    assert found == [(7, "ports:imap.port"), (17, "PORTS:table mail")]


def test_a_value_alone_on_its_line_is_a_paragraph_of_its_own() -> None:
    assert convert("Record:\n\n<!-- ports:imap.host -->\n") == f"<p>Record:</p>\n<p><code>{IMAP['host']}</code></p>"


def test_an_ordinary_comment_is_left_alone() -> None:
    assert convert("Text.\n\n<!-- a note for editors -->\n") == "<p>Text.</p>\n<!-- a note for editors -->"


# -----------------------------------------------------------------------------
# The tables extension (artelabs/tablewrap.py), on its own too
# -----------------------------------------------------------------------------


def test_a_table_is_written_in_the_theme_wrapper_with_its_class() -> None:
    """Material's script moves a table without a class into this wrapper while the page starts,
    laying the page out again; written in the HTML, the table stays where it is."""
    text = (
        "Before.\n\n| Program | Message |\n|---|---|\n| Mail | “Cannot Get Mail” |\n\nAfter.\n\n"
        "!!! note\n\n    | A | B |\n    |---|---|\n    | 1 | 2 |\n\n"
        '<table class="mine"><tr><td>raw</td></tr></table>\n'
    )
    html = markdown.markdown(text, extensions=[*EXTENSIONS, tablewrap.makeExtension()])
    page = BeautifulSoup(html, "html.parser")
    tables = page.find_all("table")
    assert len(tables) == 3
    for table in tables[:2]:
        assert table["class"] == ["mdx-table"]
        assert table.parent["class"] == ["md-typeset__table"]
        assert table.parent.parent["class"] == ["md-typeset__scrollwrap"]
    assert tables[0].get_text(" ", strip=True) == "Program Message Mail “Cannot Get Mail”"
    assert "admonition" in tables[1].parent.parent.parent["class"]  # wrapped where it was
    assert tables[2]["class"] == ["mine"] and tables[2].parent.name == "[document]"  # raw HTML: as written
    assert [p.get_text() for p in page.find_all("p", recursive=False)] == ["Before.", "After."]


# -----------------------------------------------------------------------------
# A marker that names nothing stops the build: every kind, with a wrong argument, checked before the build
# -----------------------------------------------------------------------------

VERSIONS = yaml.safe_load((ROOT / "data" / "legal-versions.yml").read_text(encoding="utf-8"))
NEWEST, FROZEN = (f"terms/versions/{VERSIONS['terms'][n]['version']}.md" for n in (0, 1))  # the current text's page, an older one
NUMBERS = ", ".join(entry["version"] for entry in VERSIONS["terms"])
PAGE_HEAD = "---\ndescription: A page.\n---\n\n# Title { #title }\n\nText.\n\n"  # the marker is on line 9
WRONG = [  # (page of docs/, the line with the marker, what the refusal must say the editor should write)
    ("mail/ports.md", "<!-- ports:table mial -->", "unknown table 'mial' in '<!-- ports:table mial -->' (did you mean 'mail'?)"),
    ("mail/ports.md", "<!-- ports:table -->", "expected 'ports:table NAME' (NAME: mail, incoming, outgoing"),
    ("mail/ports.md", "Port <!-- ports:imap.prot -->.", "expected 'ports:imap.port' (did you mean it?)"),
    ("mail/ports.fr.md", "Hôte <!-- ports:smpt.host -->.", "expected 'ports:smtp.host' (did you mean it?)"),
    ("mail/ports.md", "Port <!-- ports:imap.port\n-->.", "marker '<!-- ports:imap.port' is not closed on its line"),  # rewrapped
    ("contact.md", "Name: <!-- company:legal-name -->.", "expected 'company:legal_name' (did you mean it?)"),
    ("mail/ports.md", "<!-- sources:mail/setup -->", "expected this page's own sources, '<!-- sources:mail/ports -->'"),  # a copied page
    ("mail/ports.md", "<!-- sources:mail/prots -->", "expected this page's own sources, '<!-- sources:mail/ports -->'"),
    (NEWEST, "<!-- versions:include Terms -->", "a document of data/legal-versions.yml: terms, privacy, dpa ('versions:include terms')"),
    (NEWEST, "<!-- versions:include term -->", "('versions:include terms')"),
    (NEWEST, "<!-- versions:include mail/setup -->", "expected 'versions:include DOC', DOC a document of data/legal-versions.yml"),
    (NEWEST, "<!-- versions:include index -->", "expected 'versions:include DOC', DOC a document of data/legal-versions.yml"),
    (NEWEST.replace(".md", ".fr.md"), "<!-- versions:include conditions -->", "expected 'versions:include DOC'"),
    (FROZEN, "<!-- versions:include terms -->", f"expected it only on the page of terms's newest version, docs/{NEWEST}"),
    ("terms.md", "<!-- versions:include terms -->", f"expected it only on the page of terms's newest version, docs/{NEWEST}"),
    ("terms.md", "Version: <!-- versions:terms.curent -->.", f"expected 'current' or a version of terms in data/legal-versions.yml: {NUMBERS}"),
    ("terms.md", "<!-- versions:term -->", "expected a document of data/legal-versions.yml: terms, privacy, dpa ('versions:terms')"),
    (FROZEN, f"<!-- versions:terms.{VERSIONS['terms'][0]['version']} -->",  # a frozen page copied for the next
     f"expected '<!-- versions:terms.{VERSIONS['terms'][1]['version']} -->' on the page of terms {VERSIONS['terms'][1]['version']}"),
    (NEWEST, "<!-- diff:terms.9.9 -->", f"unknown version '9.9' in '<!-- diff:terms.9.9 -->', expected one of data/legal-versions.yml: {NUMBERS}"),
    ("dpa.md", "<!-- dpa:subprocesors -->", "expected 'dpa:subprocessors', 'dpa:security'"),
    ("staff/links.md", "<!-- staff:link -->", "expected 'staff:links'"),
    ("mail/setup.md", "<!-- mobileconfig-offer:ios -->", "expected 'mobileconfig-offer' alone, with nothing after its name"),
    ("mail/setup.fr.md", "<!-- mobileconfig-offer ios -->", "expected 'mobileconfig-offer'"),
    ("status.md", "<!-- announcements:curent -->", "expected one of announcements:current, announcements:recent, announcements:archive"),
    ("status.md", "<!-- Announcements:current -->", "names are lower case"),
    ("mail/setup.md", "<!-- you:feild -->", "expected 'you:field', 'you:field domain'"),
    ("mail/setup.md", "<!-- you:field dns -->", "expected 'you:field', 'you:field domain' or 'you:field staff'"),
    ("mail/setup.fr.md", "Nom : <!-- you:address votre adresse -->.", "the words the page shows without the reader's address, in double quotes"),
]


def page_renderer(page: str) -> markers.Renderer:
    """The renderer the build checks a page of docs/ with (hooks/markers.py): its language, its path, its file."""
    from artelabs import core

    lang = "fr" if page.endswith(".fr.md") else "en"
    renderer = markers.standalone_renderer(ROOT, lang)
    renderer.page, renderer.source = core.page_path(page), page
    return renderer


@pytest.mark.parametrize(("page", "line", "says"), WRONG, ids=[f"{page} {line.split('<!--')[1].split('-->')[0].strip()}" for page, line, _ in WRONG])
def test_a_marker_that_names_nothing_is_refused_before_the_build_with_page_and_line(page: str, line: str, says: str) -> None:
    """Every kind of marker, with a wrong argument: one line naming the page and the line, and what to write."""
    found = markers.scan(PAGE_HEAD + line + "\n")
    assert found, f"not even taken for a marker: {line!r}"
    problem = markers.refusal(page_renderer(page), found, f"docs/{page}")
    assert problem is not None, f"accepted: {line!r} on docs/{page}"
    assert "\n" not in problem and problem.startswith(f"docs/{page}:9: "), problem
    assert says in problem, problem


def test_each_kind_of_marker_is_walked_with_a_wrong_argument() -> None:
    from artelabs.markers.base import LOOKS_LIKE

    walked = {LOOKS_LIKE.match(line[line.index("<!--") + 4:].strip())["name"].lower() for _, line, _ in WRONG}
    assert walked >= set(markers.KINDS), f"kinds without a wrong argument above: {sorted(set(markers.KINDS) - walked)}"


@pytest.mark.parametrize("page", ["mail/ports.md", "mail/ports.fr.md", "terms/versions/3.0.md", "status.md", "index.md"])
def test_the_right_markers_of_a_page_are_accepted(page: str) -> None:
    text = (ROOT / "docs" / page).read_text(encoding="utf-8")
    assert markers.refusal(page_renderer(page), markers.scan(text), f"docs/{page}") is None


def test_a_data_mistake_needed_by_a_marker_names_the_data_file_first(tmp_path) -> None:
    """The file to edit is the data file: its line comes first, the page whose marker needs it after."""
    import shutil

    shutil.copytree(ROOT / "data", tmp_path / "data")
    shutil.copytree(ROOT / "overrides", tmp_path / "overrides")
    shutil.copyfile(ROOT / "mkdocs.yml", tmp_path / "mkdocs.yml")
    dpa = tmp_path / "data" / "dpa.yml"
    text = dpa.read_text(encoding="utf-8")
    lines = text.splitlines()
    number = next(n for n, row in enumerate(lines, start=1) if not row.lstrip().startswith("#") and "status: confirmed}" in row)
    lines[number - 1] = lines[number - 1].replace("status: confirmed}", "status: confimred}")
    dpa.write_text("\n".join(lines) + "\n", encoding="utf-8")
    renderer = markers.standalone_renderer(tmp_path, "en")
    renderer.page, renderer.source = "dpa/", "dpa.md"
    problem = markers.refusal(renderer, markers.scan(PAGE_HEAD + "<!-- dpa:subprocessors -->\n<!-- dpa:security -->\n"), "docs/dpa.md")
    assert problem is not None and problem.startswith(f"data/dpa.yml:{number}: "), problem
    assert "'confimred' is not allowed" in problem and problem.endswith("(needed by the marker on docs/dpa.md:9)"), problem
