"""What changed between two versions, word by word (artelabs/worddiff.py), and the section that shows it at the
end of every version's page (artelabs/markers/diff.py): the rules of the comparison on small texts in both
languages, without a build; then every comparison as built, read back (the section's presence, its title and
its PDF are checked in tests/test_versions.py)."""

from __future__ import annotations

import functools
import re
from pathlib import Path
from typing import Any

import markdown
import pytest
import yaml
from bs4 import BeautifulSoup

from artelabs import markers, worddiff
from artelabs.markers import diff
from conftest import LANGUAGES, ROOT, soup

WORDS = {
    "en": {"inserted": "inserted:", "deleted": "deleted:", "moved": "Moved here unchanged:"},
    "fr": {"inserted": "ajouté :", "deleted": "supprimé :", "moved": "Déplacé ici sans changement :"},
}
EXTENSIONS = ["attr_list", "admonition", "md_in_html", "tables", "toc", "pymdownx.superfences", "pymdownx.tabbed"]


def marks(html: str, lang: str = "en") -> list[tuple[str, str]]:
    """(tag, text without the words said to screen readers, without the space a mark may open with) of every
    <ins> and <del>, in order."""
    soup = BeautifulSoup(html, "html.parser")
    out = []
    for element in soup.find_all(["ins", "del"]):
        said = element.select_one(".mdx-sr")
        assert said is not None and said.get_text() == WORDS[lang]["inserted" if element.name == "ins" else "deleted"] + " "
        out.append((element.name, element.get_text().removeprefix(said.get_text()).strip()))
    return out


def plain(html: str) -> str:
    """What the reader sees: the text without the visually hidden words."""
    soup = BeautifulSoup(html, "html.parser")
    for said in soup.select(".mdx-sr"):
        said.decompose()
    return soup.get_text()


def pieces(html: str) -> list[tuple[str, str]]:
    """("=" shared, "-" deleted, "+" inserted; text) in reading order, without the words said to screen readers
    and the words that say a passage moved ("Moved here unchanged:")."""
    soup = BeautifulSoup(f"<div>{html}</div>", "html.parser")
    for said in soup.select(".mdx-sr, .mdx-diff__moved"):
        said.decompose()
    out = []
    for node in soup.div.descendants:
        if isinstance(node, str) and node:
            mark = node.find_parent(["ins", "del"])
            out.append(("=" if mark is None else "+" if mark.name == "ins" else "-", str(node)))
    return out


def reading(parts: list[tuple[str, str]], version: str) -> str:
    """The old version (insertions dropped) or the new one (deletions dropped), as HTML shows it (a run of
    spaces is one; a no-break space is kept)."""
    dropped = "+" if version == "old" else "-"
    return re.sub(r" +", " ", "".join(text for kind, text in parts if kind != dropped)).strip()


def readings(html: str) -> tuple[str, str]:
    return reading(pieces(html), "old"), reading(pieces(html), "new")


# A citation as a reader sees one (the tests' own pattern, not the module's): "Art. 19(1)–(2) DPO",
# "art. 9 al. 3 LPD", "Arts. 32 and 35 CPC", and citations alone in parentheses: "(art. 32 CPC ; art. 35 CPC)".
_ONE = r"(?:[Aa]rts?\.|[Aa]rticles?)\s\d+[a-z]?(?:\(\w+\))*(?:–\(\w+\))?(?:\s(?:al|par|let)\.\s\w+)*(?:\s(?:and|et)\s\d+)?(?:\s(?:GDPR|RGPD|nFADP|LPD|DPO|OPDo|CO|CPC|PILA|LDIP|UCA|LCD))?"
CITATION = re.compile(rf"\({_ONE}(?:\s?[;,]\s{_ONE})*\)|{_ONE}")


def split_citations(parts: list[tuple[str, str]]) -> list[str]:
    """The citations of each version that do not lie whole in one shared, deleted or inserted run."""
    out = []
    for version, dropped in (("old", "+"), ("new", "-")):
        kept = [(kind, text) for kind, text in parts if kind != dropped]
        text = "".join(t for _, t in kept)
        starts = [0]
        for _, t in kept:
            starts.append(starts[-1] + len(t))
        for found in CITATION.finditer(text):
            inside = [k for k in range(len(kept)) if starts[k] < found.end() and starts[k + 1] > found.start()]
            if len(inside) > 1:
                out.append(f"{version}: {found[0]!r} in {[kept[k] for k in inside]}")
    return out


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
    assert readings(html) == ("Notice of 30 days.", "Notice of two months.")
    insertion = BeautifulSoup(html, "html.parser").find("ins")
    assert insertion["class"] == ["mdx-diff__next"], "apart from the deletion before it by a margin, not by a space"


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
# The rules of the comparison (artelabs/worddiff.py), each in both languages
# ---------------------------------------------------------------------------

# Rule 4: who drops the deletions reads the new text, who drops the insertions the old one, spaced as written.
SPACING = {
    "en": [
        ("We tell you in advance. You may object.", "We tell you in advance, and you may object."),
        ("You may end the contract for the date it takes effect, without charge.",
         "You may end the contract, without charge, for the date it takes effect; fees you paid are refunded."),
        ("A share of the costs of at most CHF 300 may be asked.", "A share of the costs, at most CHF 300, may be asked."),
        ("We answer by e-mail.", "We answer by e-mail and telephone."),
        ("Notice by e-mail or post.", "Notice by e-mail."),
    ],
    "fr": [
        ("Nous vous informons à l'avance. Vous pouvez vous y opposer.", "Nous vous informons à l'avance, et vous pouvez vous y opposer."),
        ("Vous pouvez résilier le contrat pour la date de son entrée en vigueur, sans frais.",
         "Vous pouvez résilier le contrat sans frais pour la date de son entrée en vigueur\u00a0; les montants payés sont remboursés."),
        ("L'accès est gratuit\u00a0; si la réponse exige des efforts, une participation est demandée.",
         "L'accès est gratuit. Si la réponse exige des efforts, une participation est demandée."),
        ("Nous répondons par e-mail.", "Nous répondons par e-mail et par téléphone."),
    ],
}


@pytest.mark.parametrize("lang", LANGUAGES)
def test_each_version_reads_as_written_with_its_spaces(lang: str) -> None:
    for old, new in SPACING[lang]:
        html = worddiff.diff_words(old, new, WORDS[lang])
        assert readings(html) == (old, new), html
        for text in readings(html):
            assert not re.search(r"\s[,.)]|\(\s", text), f"a space before a sign: {text!r}"
        assert "\u00a0;" in "".join(readings(html)) or "\u00a0" not in old + new, "the no-break space before « ; » is kept"


# Rule 3: a citation is one token: never split by a change; changed, it is deleted and inserted whole.
CITED = {
    "en": ("Access is free; if answering takes a disproportionate effort, you pay at most CHF 300 and may withdraw your "
           "request (Art. 19 DPO). The answer comes within 30 days (Art. 18 DPO; under the GDPR, one month, Art. 12 GDPR).",
           "Access is free. If answering takes a disproportionate effort, you pay at most CHF 300 (Art. 19(1)–(2) DPO). If "
           "you do not confirm within 10 days, the request is withdrawn (Art. 19(3) DPO). The answer comes within 30 days "
           "(Art. 18(1) DPO; under the GDPR, one month, Art. 12 GDPR). If we cannot answer in time, we tell you why (Art. 18(2) DPO)."),
    "fr": ("Nous ne pouvons agir contre vous que devant celui-ci ; vous ne pouvez pas y renoncer à l'avance (art. 32 CPC ; art. 35 CPC).",
           "Nous ne pouvons agir contre vous que devant le tribunal de votre domicile (art. 32 CPC). Vous ne pouvez pas "
           "renoncer d'avance à ce for (art. 35 CPC)."),
}


@pytest.mark.parametrize("lang", LANGUAGES)
def test_a_citation_is_never_split_by_a_change(lang: str) -> None:
    old, new = CITED[lang]
    html = worddiff.diff_words(old, new, WORDS[lang])
    assert readings(html) == (old, new)
    assert split_citations(pieces(html)) == []
    changed = {"en": ("(Art. 19 DPO)", "(Art. 19(1)–(2) DPO)"), "fr": ("(art. 32 CPC ; art. 35 CPC)", "(art. 32 CPC)")}[lang]
    assert any(changed[0] in text for kind, text in pieces(html) if kind == "-"), "the old citation deleted whole"
    assert any(changed[1] in text for kind, text in pieces(html) if kind == "+"), "the new citation inserted whole"


@pytest.mark.parametrize("text", ["(Art. 19(1)–(2) DPO)", "Arts. 17, 18 and 21 GDPR", "(art. 9 al. 3 LPD ; art. 28 par. 2 RGPD)",
                                  "GDPR Art. 12(3)", "Art. 15(1)(c) of the Lugano Convention", "l'art. 19 LPD et l'art. 13 RGPD"])
def test_a_citation_is_one_token(text: str) -> None:
    assert [token for _, token in worddiff.tokens(f"See {text}. Then")] == ["See", text, ".", "Then"]


# Rules 1 and 2: too little shared, the whole sentence is deleted and inserted; a lone word shared between two
# changes larger than it is shown changed.
UNRELATED = {
    "en": ("The data stays in Switzerland for ten years.", "We answer in writing within thirty days."),
    "fr": ("Les données restent en Suisse pendant dix ans.", "Nous répondons par écrit en trente jours."),
}
LONE = {
    "en": ("Infomaniak, the Swiss host that runs the servers for us, as our processor, keeps the data in Switzerland.",
           "Infomaniak, the Swiss host that runs the servers, works in one of two ways.", " in "),
    "fr": ("Infomaniak, l'hébergeur suisse qui exploite les serveurs pour nous, en tant que sous-traitant, conserve les données en Suisse.",
           "Infomaniak, l'hébergeur suisse qui exploite les serveurs, intervient en l'une de deux façons.", " en "),
}


@pytest.mark.parametrize("lang", LANGUAGES)
def test_a_sentence_with_too_little_in_common_is_deleted_and_inserted_whole(lang: str) -> None:
    old, new = UNRELATED[lang]
    html = worddiff.diff_words(old, new, WORDS[lang])
    assert marks(html, lang) == [("del", old), ("ins", new)]
    assert [text for kind, text in pieces(html) if kind == "=" and text.strip()] == []


@pytest.mark.parametrize("lang", LANGUAGES)
def test_a_lone_word_between_two_changes_is_not_shown_shared(lang: str) -> None:
    old, new, lone = LONE[lang]
    html = worddiff.diff_words(old, new, WORDS[lang])
    assert readings(html) == (old, new)
    shared = [text for kind, text in pieces(html) if kind == "="]
    assert shared[0].startswith("Infomaniak, "), "what the two sentences share is still shown shared"
    assert not any(text.strip() == lone.strip() for text in shared), f"{lone!r} matched alone: {pieces(html)}"


# Rule 1: an unchanged sentence is never shown deleted and inserted: two paragraphs merged, one rewritten after
# an unchanged first sentence, one split in two.
def _texts(lang: str) -> dict[str, str]:
    if lang == "en":
        first, kept, third = "To provide the services, we use Infomaniak, a Swiss host.", "Your data is kept in Switzerland.", "By accepting these terms, you approve Infomaniak as our sub-processor."
        changed_first = "If you buy the services through us, we use Infomaniak, a Swiss host."
        period = "The contract runs for the period set in your order."
        before, after = "Either party may end it in writing with one month's notice.", "As far as it is a mandate, either party may end it at any time."
    else:
        first, kept, third = "Pour fournir les services, nous faisons appel à Infomaniak, hébergeur suisse.", "Vos données sont conservées en Suisse.", "En acceptant les présentes conditions, vous autorisez le recours à Infomaniak."
        changed_first = "Si vous acquérez les services par notre intermédiaire, nous faisons appel à Infomaniak, hébergeur suisse."
        period = "Le contrat dure pendant la période fixée dans votre commande."
        before, after = "Chaque partie peut le résilier par écrit moyennant un préavis d'un mois.", "Dans la mesure où il relève du mandat, chaque partie peut y mettre fin en tout temps."
    return {"first": first, "kept": kept, "third": third, "changed_first": changed_first, "period": period, "before": before, "after": after}


def _shown_unchanged(html: str, sentence: str) -> bool:
    return any(sentence in text for kind, text in pieces(html) if kind == "=") and not any(
        sentence in text for kind, text in pieces(html) if kind != "=")


@pytest.mark.parametrize("lang", LANGUAGES)
def test_two_merged_paragraphs_keep_their_unchanged_sentences(lang: str) -> None:
    t = _texts(lang)
    old = f"## Sub {{ #sub }}\n\n{t['first']} {t['kept']}\n\n{t['third']}\n"
    new = f"## Sub {{ #sub }}\n\n{t['changed_first']} {t['kept']} {t['third']}\n"
    found = rows(old, new, lang)
    assert [(row.kind, row.status) for row in found] == [("h2", "context"), ("p", "changed")], "one paragraph, changed"
    assert _shown_unchanged(found[1].html, t["kept"]) and _shown_unchanged(found[1].html, t["third"])
    assert readings(found[1].html) == (f"{t['first']} {t['kept']} {t['third']}", f"{t['changed_first']} {t['kept']} {t['third']}")


@pytest.mark.parametrize("lang", LANGUAGES)
def test_a_rewritten_paragraph_keeps_its_unchanged_sentence(lang: str) -> None:
    t = _texts(lang)
    found = rows(f"## End {{ #end }}\n\n{t['period']} {t['before']}\n", f"## End {{ #end }}\n\n{t['period']} {t['after']}\n", lang)
    assert [(row.kind, row.status) for row in found] == [("h2", "context"), ("p", "changed")]
    assert _shown_unchanged(found[1].html, t["period"])
    assert marks(found[1].html, lang) == [("del", t["before"]), ("ins", t["after"])]


@pytest.mark.parametrize("lang", LANGUAGES)
def test_a_paragraph_split_in_two_keeps_its_sentences(lang: str) -> None:
    t = _texts(lang)
    found = rows(f"## Sub {{ #sub }}\n\n{t['first']} {t['kept']} {t['third']}\n", f"## Sub {{ #sub }}\n\n{t['first']} {t['kept']}\n\n{t['changed_first']} {t['third']}\n", lang)
    shown = "".join(row.html for row in found)
    assert "<del>" not in shown, "nothing of the old paragraph is deleted"
    assert not any(t["kept"] in text for kind, text in pieces(shown) if kind != "="), "the first part, unchanged, is not marked"
    assert [row.status for row in found] == ["context", "changed"] and _shown_unchanged(found[1].html, t["third"])
    assert marks(found[1].html, lang) == [("ins", t["changed_first"])]


@pytest.mark.parametrize("lang", LANGUAGES)
def test_a_sentence_moved_to_another_paragraph_says_so(lang: str) -> None:
    if lang == "en":
        first, moving = "We announce each change by e-mail to your contact address and on this page.", "Fees you paid in advance are refunded."
        second = "You may end the contract without charge for the date the change takes effect."
    else:
        first, moving = "Nous annonçons chaque modification par e-mail à votre adresse de contact et sur cette page.", "Les montants payés d'avance vous sont remboursés."
        second = "Vous pouvez résilier le contrat sans frais pour la date d'entrée en vigueur de la modification."
    old, new = f"## Changes {{ #changes }}\n\n{first} {moving}\n\n{second}\n", f"## Changes {{ #changes }}\n\n{first}\n\n{second} {moving}\n"
    found = rows(old, new, lang)
    assert [(row.kind, row.status) for row in found] == [("h2", "context"), ("p", "changed"), ("p", "changed")]
    assert readings(found[1].html) == (f"{first} {moving}", first) and marks(found[1].html, lang) == [("del", moving)]
    assert readings(found[2].html) == (second, f"{second} {moving}") and marks(found[2].html, lang) == [("ins", moving)]
    label = BeautifulSoup(found[2].html, "html.parser").select_one(".mdx-diff__moved")
    assert label is not None and label.get_text() == WORDS[lang]["moved"], "where it went, it says it moved"


# Rule 5: English and French compared alike. Alone, the English consumer paragraph shares too little with its new
# text (deleted, and the new section "all new") while the French one is changed word by word: decided together,
# both show it changed, word by word.
ALIKE = {
    "en": ("## Courts { #courts }\n\nThe courts of Geneva have jurisdiction.\n\nIf you are a consumer, you may also sue at your own "
           "domicile, and we can sue you only there (Art. 32 CPC).\n",
           "## Courts { #courts }\n\nIf you use the services for your business, the courts of Geneva have jurisdiction.\n\n"
           "### Consumers { #consumers }\n\nIf you are a consumer living in Switzerland, you may bring an action before the court "
           "of your domicile or of our seat (Art. 32 CPC).\n"),
    "fr": ("## For { #courts }\n\nLes tribunaux de Genève sont compétents.\n\nSi vous êtes consommateur, vous pouvez aussi agir "
           "devant le tribunal de votre domicile, et nous ne pouvons agir contre vous que devant celui-ci (art. 32 CPC).\n",
           "## For { #courts }\n\nSi vous utilisez les services à des fins professionnelles, les tribunaux de Genève sont "
           "compétents.\n\n### Consommateurs { #consumers }\n\nSi vous êtes consommateur et domicilié en Suisse, vous pouvez agir "
           "devant le tribunal de votre domicile ou de notre siège (art. 32 CPC).\n"),
}


def test_english_and_french_are_compared_alike() -> None:
    words = {lang: {**WORDS[lang], "section": "All new:"} for lang in LANGUAGES}
    versions = {lang: (worddiff.blocks(ALIKE[lang][0]), worddiff.blocks(ALIKE[lang][1])) for lang in LANGUAGES}
    alone = {lang: [(row.kind, row.status) for row in worddiff.compare(*versions[lang], words[lang])] for lang in LANGUAGES}
    assert alone["en"] != alone["fr"], "the example no longer needs the rule"
    together = {lang: worddiff.compare(*versions[lang], words[lang], [versions[other] for other in LANGUAGES if other != lang]) for lang in LANGUAGES}
    shown = {lang: [(row.kind, row.status) for row in together[lang]] for lang in LANGUAGES}
    assert shown["en"] == shown["fr"] == [("h2", "context"), ("p", "changed"), ("h3", "inserted"), ("p", "changed")]
    for lang in LANGUAGES:
        assert readings(together[lang][3].html)[1] == versions[lang][1][-1].text
    # blocks that do not correspond one to one (a paragraph more in French): each language decides alone
    extra = (versions["fr"][0], (*versions["fr"][1], worddiff.Block("p", "Un paragraphe de plus.")))
    assert [(row.kind, row.status) for row in worddiff.compare(*versions["en"], words["en"], [extra])] == alone["en"]


def test_the_cache_is_kept_by_the_code_and_every_language(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    words = {**WORDS["en"], "section": "All new:"}
    other = (ALIKE["fr"][0], ALIKE["fr"][1])
    together = worddiff.changes(*ALIKE["en"], words, tmp_path, [other])
    assert worddiff.changes(*ALIKE["en"], words, tmp_path, [other]) == together, "read back from the cache as written"
    assert worddiff.changes(*ALIKE["en"], words, tmp_path) != together, "another language's text is part of the key"
    for path in tmp_path.glob("*.json"):  # what an older comparison would have left
        path.write_text('[{"kind": "text", "row": {"kind": "p", "status": "changed", "html": "stale"}}]', encoding="utf-8")
    assert worddiff.changes(*ALIKE["en"], words, tmp_path, [other])[0]["row"].html == "stale"
    monkeypatch.setattr(worddiff, "_source", lambda: "the comparison's code changed")
    assert worddiff.changes(*ALIKE["en"], words, tmp_path, [other]) == together, "the code is part of the key"


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


# ---------------------------------------------------------------------------
# The comparisons as built: every version page that has a version before it, in both languages
# ---------------------------------------------------------------------------

COMPARED = [(doc, entries[k]["version"], entries[k + 1]["version"]) for doc, entries in VERSIONS.items() for k in range(len(entries) - 1)]


def built_rows(site: Path, lang: str, doc: str, version: str) -> list[tuple[str, str, Any]]:
    """(kind: title, li or p; what it shows: context, changed, inserted, deleted, moved, section; the element) of
    each row of the page's comparison (#compare), as a reader tells them apart."""
    heading = soup(site, lang, f"{doc}/versions/{version}/").select_one(f"article #{diff.ANCHOR}")
    section = heading.find_next_sibling("div", class_="mdx-diff")
    out = []
    for element in section.find_all(["p", "li"])[1:]:  # after the line that says how to read it
        kind = "title" if "mdx-diff__title" in element.get("class", []) else element.name
        parts = pieces(element.decode_contents())
        old, new = reading(parts, "old"), reading(parts, "new")
        if element.select_one(".mdx-diff__moved") and not element.select("ins, del"):
            shown = "moved"
        elif element.select_one("a[href^='#']") and not element.select("ins, del"):
            shown = "section"
        elif not element.select("ins, del"):
            shown = "context"
        else:
            shown = "inserted" if not old else "deleted" if not new else "changed"
        out.append((kind, shown, element))
    return out


@functools.cache
@functools.cache  # frozen blocks, of Markdown no test changes
def version_blocks(doc: str, version: str, lang: str) -> tuple[worddiff.Block, ...]:
    """A version's blocks as its page reads its Markdown (the text the comparison starts from)."""
    return worddiff.blocks(diff.text(markers.standalone_renderer(ROOT, lang), doc, version))


@pytest.mark.parametrize(("doc", "version", "previous"), COMPARED, ids=lambda value: str(value))
def test_a_built_comparison_gives_back_both_versions_spaced_and_cited_as_written(site: Path, doc: str, version: str, previous: str) -> None:
    for lang in LANGUAGES:
        old_text = plain_spaces(" ".join(block.text for block in version_blocks(doc, previous, lang)))
        new_blocks = {plain_spaces(block.text) for block in version_blocks(doc, version, lang)}
        new_text = " ".join(sorted(new_blocks))
        old_blocks = {plain_spaces(block.text) for block in version_blocks(doc, previous, lang)}
        for kind, shown, element in built_rows(site, lang, doc, version):
            if shown in ("section", "moved", "context"):
                continue
            parts = pieces(element.decode_contents())
            old, new = plain_spaces(reading(parts, "old")), plain_spaces(reading(parts, "new"))  # a space as a space
            where = f"{doc} {version} ({lang}): {element.decode_contents()[:300]}"
            if shown == "deleted":
                assert old in old_blocks, f"not a block of {previous}: {where}"
            else:
                assert new in new_blocks, f"the new reading is not a block of {version}: {new!r} {where}"
                assert shown == "inserted" or old in old_text, f"the old reading is not text of {previous}: {old!r} {where}"
            spaced = re.compile(r"\s[,.)]|\(\s|\s\s" + (r"|\s[;:!?]" if lang == "en" else ""))
            for text, source in ((old, old_text), (new, new_text)):  # (unless the text has one: 2.0 had "Art. 7 , Art. 12")
                assert set(spaced.findall(text)) <= set(spaced.findall(source)), f"a space before a sign: {text!r} {where}"
            assert split_citations(parts) == [], where


@pytest.mark.parametrize(("doc", "version", "previous"), COMPARED, ids=lambda value: str(value))
def test_a_built_comparison_shows_the_same_blocks_alike_in_both_languages(site: Path, doc: str, version: str, previous: str) -> None:
    """Each row is the block it shows (new blocks by their place in the new version, the deleted ones by theirs in
    the old); a block shown in both languages is shown alike (changed, inserted, deleted, moved, a new section); a
    block shown in one language only is one that did not change in the other."""
    found: dict[str, dict[tuple[str, Any], tuple[str, str]]] = {}
    for lang in LANGUAGES:
        old = [block.text for block in version_blocks(doc, previous, lang)]
        new = [block.text for block in version_blocks(doc, version, lang)]
        rows: dict[tuple[str, Any], tuple[str, str]] = {}
        for kind, shown, element in built_rows(site, lang, doc, version):
            if shown == "section":
                key: tuple[str, Any] = ("section", element.select_one("a")["href"])
            else:
                parts = pieces(element.decode_contents())
                text = plain_spaces(reading(parts, "old" if shown == "deleted" else "new"))
                # a title over deleted text may be an old one that moved (shown where it went, too)
                sides = ["old"] if shown == "deleted" else ["new", "old"] if shown == "context" else ["new"]
                places = [(side, k) for side in sides for k, block in enumerate(new if side == "new" else old)
                          if plain_spaces(block) == text and (side, k) not in rows]
                assert places, f"{doc} {version} ({lang}): no block reads {text!r}"
                key = places[0]
            rows[key] = (kind, shown)
        found[lang] = rows
    first, *others = LANGUAGES
    for other in others:
        for key in sorted(set(found[first]) | set(found[other]), key=str):
            shown = {lang: found[lang].get(key) for lang in (first, other)}
            if shown[first] == shown[other]:
                continue
            assert key[0] != "section", f"{doc} {version}: the new section {key[1]} is all new in one language only"
            for lang in (first, other):  # shown alike, unless it did not change in one of them (only its title shown)
                if shown[lang] is None or shown[lang][1] == "context":
                    assert unchanged(doc, version, previous, lang, key), f"{doc} {version}: {key} is {shown[first]} in {first}, {shown[other]} in {other}"


def unchanged(doc: str, version: str, previous: str, lang: str, key: tuple[str, int]) -> bool:
    """Whether a block of one version (the new one or the old one, by its place) is in the other as it is."""
    side, place = key
    text = version_blocks(doc, version if side == "new" else previous, lang)[place].text
    return plain_spaces(text) in {plain_spaces(block.text) for block in version_blocks(doc, previous if side == "new" else version, lang)}


def plain_spaces(text: str) -> str:
    """A text with its no-break spaces as spaces: a change of space alone is no change a reader sees."""
    return text.replace("\u00a0", " ").replace("\u202f", " ")
