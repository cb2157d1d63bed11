"""What changed between two versions, word by word (artelabs/worddiff.py), and the section that shows it at the
end of every version's page (artelabs/markers/diff.py). Without a build: the built site is checked in
tests/test_versions.py."""

from __future__ import annotations

import re

import markdown
import pytest
import yaml
from bs4 import BeautifulSoup

from artelabs import markers, worddiff
from artelabs.markers import diff
from conftest import LANGUAGES, ROOT

WORDS = {
    "en": {"inserted": "inserted:", "deleted": "deleted:", "moved": "Moved here unchanged:"},
    "fr": {"inserted": "ajouté :", "deleted": "supprimé :", "moved": "Déplacé ici sans changement :"},
}
EXTENSIONS = ["attr_list", "admonition", "md_in_html", "tables", "toc", "pymdownx.superfences", "pymdownx.tabbed"]


def marks(html: str, lang: str = "en") -> list[tuple[str, str]]:
    """(tag, text without the words said to screen readers) of every <ins> and <del>, in order."""
    soup = BeautifulSoup(html, "html.parser")
    out = []
    for element in soup.find_all(["ins", "del"]):
        said = element.select_one(".mdx-sr")
        assert said is not None and said.get_text() == WORDS[lang]["inserted" if element.name == "ins" else "deleted"] + " "
        out.append((element.name, element.get_text().removeprefix(said.get_text())))
    return out


def plain(html: str) -> str:
    """What the reader sees: the text without the visually hidden words."""
    soup = BeautifulSoup(html, "html.parser")
    for said in soup.select(".mdx-sr"):
        said.decompose()
    return soup.get_text()


# ---------------------------------------------------------------------------
# Words
# ---------------------------------------------------------------------------


def test_an_inserted_word() -> None:
    html = worddiff.diff_words("We answer by e-mail.", "We answer by e-mail and telephone.", WORDS["en"])
    assert marks(html) == [("ins", "and telephone")]
    assert plain(html) == "We answer by e-mail and telephone."


def test_a_deleted_word() -> None:
    html = worddiff.diff_words("Storage is unlimited and free.", "Storage is free.", WORDS["en"])
    assert marks(html) == [("del", "unlimited and")]
    assert plain(html) == "Storage is unlimited and free."
    html = worddiff.diff_words("Notice by e-mail or post.", "Notice by e-mail.", WORDS["en"])
    assert marks(html) == [("del", "or post")]
    assert plain(html) == "Notice by e-mail or post.", "spaced as the old text was"


def test_a_replaced_word_shows_what_went_then_what_came() -> None:
    html = worddiff.diff_words("Notice of 30 days.", "Notice of two months.", WORDS["en"])
    assert marks(html) == [("del", "30 days"), ("ins", "two months")]
    assert plain(html) == "Notice of 30 days two months."


def test_unchanged_text_has_no_marks() -> None:
    assert worddiff.diff_words("Same text.", "Same text.", WORDS["en"]) == "Same text."


def test_french_words_keep_their_elision_and_accents() -> None:
    html = worddiff.diff_words("Le client reçoit l'offre ; il l'accepte.", "Le client reçoit d'abord l'offre écrite ; il l'accepte.", WORDS["fr"])
    assert marks(html, "fr") == [("ins", "d'abord"), ("ins", "écrite")]
    assert plain(html) == "Le client reçoit d'abord l'offre écrite ; il l'accepte."


def test_signs_are_escaped() -> None:
    html = worddiff.diff_words("if a < b & c", "if a <= b & c > d", WORDS["en"])
    assert "<=" not in html and "&lt;" in html and "&amp; c" in html
    assert "<script" not in worddiff.diff_words("x", "<script>alert(1)</script>", WORDS["en"])
    assert plain(html) == "if a <= b & c > d"
    assert [text for _, text in marks(html)] == ["=", "> d"]


# ---------------------------------------------------------------------------
# Blocks
# ---------------------------------------------------------------------------

OLD = """# Terms { #terms }

## Storage { #storage }

Each address has unlimited storage.

We keep backups for you.

## Liability { #liability }

- We answer for intent.
- We answer for gross negligence.

A paragraph that will move to the storage section, word for word.
"""


def rows(old: str, new: str, lang: str = "en") -> list[worddiff.Row]:
    return worddiff.compare(worddiff.blocks(old), worddiff.blocks(new), WORDS[lang])


def test_only_changed_blocks_are_shown_under_their_section_title() -> None:
    new = OLD.replace("unlimited storage", "the storage of its offer")
    found = rows(OLD, new)
    assert [(row.kind, row.status) for row in found] == [("h2", "context"), ("p", "changed")]
    assert found[0].html == "Storage"
    assert marks(found[1].html) == [("del", "unlimited"), ("ins", "the"), ("ins", "of its offer")]


def test_inserted_and_deleted_blocks_are_marked_whole() -> None:
    new = OLD.replace("We keep backups for you.\n", "").replace("- We answer for gross negligence.\n", "- We answer for gross negligence.\n- We answer for Infomaniak as for ourselves.\n")
    found = rows(OLD, new)
    assert [(row.kind, row.status) for row in found] == [("h2", "context"), ("p", "deleted"), ("h2", "context"), ("li", "inserted")]
    assert marks(found[1].html) == [("del", "We keep backups for you.")]
    assert marks(found[3].html) == [("ins", "We answer for Infomaniak as for ourselves.")]


def test_a_moved_paragraph_is_shown_whole_where_it_went() -> None:
    moved = "A paragraph that will move to the storage section, word for word.\n"
    new = OLD.replace(moved, "").replace("We keep backups for you.\n", f"We keep backups for you.\n\n{moved}")
    found = rows(OLD, new)
    assert [(row.kind, row.status) for row in found] == [("h2", "context"), ("p", "moved")]
    assert "<ins>" not in found[1].html and "<del>" not in found[1].html
    assert plain(found[1].html) == "Moved here unchanged: " + moved.strip()


def test_a_changed_paragraph_beside_a_moved_one_is_not_garbled() -> None:
    moved = "A paragraph that will move to the storage section, word for word.\n"
    new = OLD.replace(moved, "").replace("Each address has", f"{moved}\nEach mail address has")
    found = rows(OLD, new)
    assert [row.status for row in found] == ["context", "moved", "changed"]
    assert marks(found[2].html) == [("ins", "mail")]


def test_a_new_section_is_its_title_and_a_link_to_its_text() -> None:
    words = {**WORDS["en"], "section": "All new, in full in the text above:"}
    new = OLD.replace("## Liability", "## Backups { #backups }\n\nWe keep backups.\n\n- Daily.\n- For 30 days.\n\n## Liability")
    found = worddiff.compare(worddiff.blocks(OLD), worddiff.blocks(new), words)
    assert [(row.kind, row.status) for row in found] == [("h2", "inserted"), ("p", "section")]
    assert marks(found[0].html) == [("ins", "Backups")]
    link = BeautifulSoup(found[1].html, "html.parser").find("a")
    assert link["href"] == "#backups" and link.get_text() == "Backups"


def test_a_section_whose_text_is_all_new_keeps_its_old_text_deleted() -> None:
    words = {**WORDS["en"], "section": "All new, in full in the text above:"}
    new = OLD.replace("Each address has unlimited storage.\n\nWe keep backups for you.\n", "Quotas depend on the offer you chose.\n\nArchives are yours to make.\n")
    found = worddiff.compare(worddiff.blocks(OLD), worddiff.blocks(new), words)
    assert [(row.kind, row.status) for row in found] == [("h2", "context"), ("p", "deleted"), ("p", "deleted"), ("p", "section")]
    assert BeautifulSoup(found[3].html, "html.parser").find("a")["href"] == "#storage"


def test_a_section_with_a_changed_paragraph_is_shown_word_by_word() -> None:
    words = {**WORDS["en"], "section": "All new, in full in the text above:"}
    new = OLD.replace("We keep backups for you.", "We keep backups for you.\n\nA new paragraph about quotas.")
    found = worddiff.compare(worddiff.blocks(OLD), worddiff.blocks(new), words)
    assert [(row.kind, row.status) for row in found] == [("h2", "context"), ("p", "inserted")]


def test_a_rewritten_title_with_the_same_number_is_not_paired() -> None:
    old, new = "## 1. Your duties { #a }\n\nText.\n", "## 1. The parties { #a }\n\nText.\n"
    assert [(row.kind, row.status) for row in rows(old, new)] == [("h2", "deleted"), ("h2", "inserted")]


def test_lists_stay_lists_and_french_reads_alike() -> None:
    old = "## Droits { #rights }\n\n- Accès gratuit.\n- Rectification.\n"
    new = "## Droits { #rights }\n\n- Accès en principe gratuit.\n- Rectification.\n- Opposition.\n"
    found = worddiff.changes(old, new, WORDS["fr"])
    assert [item["kind"] for item in found] == ["title", "list"]
    assert [row.status for row in found[1]["rows"]] == ["changed", "inserted"]
    assert marks(found[1]["rows"][0].html, "fr") == [("ins", "en principe")]


def test_markdown_is_read_as_text() -> None:
    found = list(worddiff.blocks("## A title { #id }\n\nSee [the **terms**](terms.md#x) & more.\n\n| a | b |\n|---|---|\n| 1 | 2 |\n"))
    assert found == [
        worddiff.Block("h2", "A title"), worddiff.Block("p", "See the terms & more."),
        worddiff.Block("tr", "a | b"), worddiff.Block("tr", "1 | 2"),
    ]


# ---------------------------------------------------------------------------
# The section on a version's page (the markers extension, as any builder runs it)
# ---------------------------------------------------------------------------

VERSIONS = yaml.safe_load((ROOT / "data" / "legal-versions.yml").read_text(encoding="utf-8"))


def convert(path: str, lang: str) -> str:
    text = (ROOT / "docs" / path).read_text(encoding="utf-8")
    body = re.sub(r"\A---\n.*?\n---\n", "", text, flags=re.S)
    page = re.sub(r"(\.[a-z]{2})?\.md$", "/", path)
    extension = markers.makeExtension(lang=lang, root=str(ROOT), page=page)
    return markdown.markdown(body, extensions=[*EXTENSIONS, extension], extension_configs={"pymdownx.tabbed": {"alternate_style": True}})


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("doc", list(VERSIONS))
def test_the_newest_version_page_compares_with_the_one_before(doc: str, lang: str) -> None:
    entries = VERSIONS[doc]
    suffix = "" if lang == "en" else f".{lang}"
    soup = BeautifulSoup(convert(f"{doc}/versions/{entries[0]['version']}{suffix}.md", lang), "html.parser")
    heading = soup.find(id=diff.ANCHOR)
    assert heading is not None and heading.name == "h2"
    section = heading.find_next_sibling("div", class_="mdx-diff")
    assert section is not None
    if len(entries) == 1:
        assert not section.select("ins, del")
        return
    assert entries[1]["version"] in heading.get_text()
    assert section.select("ins") or section.select("del"), f"{doc}: no change found from {entries[1]['version']}"


def test_a_page_that_is_not_a_version_has_no_comparison() -> None:
    assert f'id="{diff.ANCHOR}"' not in convert("terms.md", "en")
    doc = next(iter(VERSIONS))
    one = f"# Title {{ #title }}\n\n<!-- versions:{doc}.{VERSIONS[doc][-1]['version']} -->\n"
    elsewhere = markdown.markdown(one, extensions=[*EXTENSIONS, markers.makeExtension(lang="en", root=str(ROOT), page="contact/")])
    assert "mdx-versions" in elsewhere and f'id="{diff.ANCHOR}"' not in elsewhere


def test_the_first_version_says_it_has_nothing_to_compare_with() -> None:
    doc = next(iter(VERSIONS))
    first = VERSIONS[doc][-1]["version"]
    renderer = markers.standalone_renderer(ROOT, "fr")
    html = renderer.render(f"diff:{doc}.{first}", alone=True)
    assert "<ins>" not in html and "première version" in html.lower()


def test_a_wrong_diff_marker_says_what_is_expected() -> None:
    renderer = markers.standalone_renderer(ROOT, "en")
    with pytest.raises(markers.MarkerError, match="data/legal-versions.yml"):
        renderer.render("diff:nothing.1.0", alone=True)
    with pytest.raises(markers.MarkerError, match="unknown version"):
        renderer.render(f"diff:{next(iter(VERSIONS))}.9.9", alone=True)
    with pytest.raises(markers.MarkerError, match="alone"):
        renderer.render(f"diff:{next(iter(VERSIONS))}.{VERSIONS[next(iter(VERSIONS))][0]['version']}", alone=False)


def test_a_version_page_knows_its_own_path() -> None:
    """The dot of a version is not a language suffix: the page is terms/versions/3.0/, not terms/versions/3/."""
    from artelabs import core

    assert core.page_path("terms/versions/3.0.md") == "terms/versions/3.0/"
    assert core.page_path("terms/versions/3.0.fr.md") == "terms/versions/3.0/"
    assert core.page_path("mail/setup.fr.md") == "mail/setup/" and core.page_path("index.fr.md") == ""
