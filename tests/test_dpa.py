"""The data processing agreement has a clause for every element the law asks of it, in both languages.

tests/specs/dpa-requirements.yml is the project's table of what a contract between a controller and its processor
must contain (GDPR Art. 28(3): its first sentence, points (a) to (h) and its last subparagraph, with Art. 28(2) and
(4); nFADP Art. 9(1)-(3); DPO Art. 7), written from the laws' texts, each element with the clause of docs/dpa.md
(the same `{ #id }` in docs/dpa.fr.md) that contains it. The agreement as published (/dpa/ and /fr/dpa/) must have
that clause, citing the element and saying what it asks for: a clause dropped, renamed or emptied in either
language fails here, with the element and the clause named.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from bs4 import Tag

from conftest import LANGUAGES, ROOT, soup

SPEC = ROOT / "tests" / "specs" / "dpa-requirements.yml"
ELEMENTS = yaml.safe_load(SPEC.read_text(encoding="utf-8"))["elements"]
HEADINGS = ("h1", "h2", "h3", "h4", "h5", "h6")


def clause_text(page, clause: str) -> str | None:
    """The text of the clause `{ #clause }`: its heading and what follows it up to the next heading, spaces
    (no-break ones too) made plain; None when the page has no such heading."""
    heading = page.select_one(f"article #{clause}")
    if heading is None or heading.name not in HEADINGS:
        return None
    parts = [heading.get_text(" ")]
    for sibling in heading.next_siblings:
        if isinstance(sibling, Tag) and sibling.name in HEADINGS:
            break
        parts.append(sibling.get_text(" ") if isinstance(sibling, Tag) else str(sibling))
    return " ".join(" ".join(parts).replace("\u00a0", " ").replace("\u202f", " ").replace("¶", " ").split())


def test_the_table_covers_every_element_the_laws_name() -> None:
    """Every point (a) to (h) of Art. 28(3) GDPR, the six elements of its first sentence, its last subparagraph,
    Art. 28(2) and (4) GDPR, Art. 9(1)(a), 9(1)(b), 9(2), 9(3) nFADP and Art. 7 DPO; each element once, each
    with its words, its clause, its citation and what the clause must say in both languages."""
    refs = [element["ref"] for element in ELEMENTS]
    assert len(refs) == len(set(refs)), "an element twice in tests/specs/dpa-requirements.yml"
    letters = {m.group(1) for ref in refs if (m := re.fullmatch(r"GDPR 28\(3\)\(([a-h])\)", ref))}
    assert letters == set("abcdefgh"), f"GDPR Art. 28(3): points {sorted(set('abcdefgh') - letters)} have no element"
    preamble = [ref for ref in refs if re.fullmatch(r"GDPR 28\(3\) (?!last)[a-z -]+", ref)]
    assert len(preamble) == 6, preamble  # subject-matter, duration, nature and purpose, data, people, controller
    for ref in ("GDPR 28(3) last subparagraph", "GDPR 28(2)", "GDPR 28(4)", "nFADP 9(1)(a)", "nFADP 9(1)(b)",
                "nFADP 9(2)", "nFADP 9(3)", "DPO 7(2)"):
        assert ref in refs, f"tests/specs/dpa-requirements.yml: no element {ref}"
    for element in ELEMENTS:
        assert element["law"]["en"], element["ref"]
        assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", element["clause"]), element["ref"]
        for lang in LANGUAGES:
            assert element["cites"][lang] and element["says"][lang], f"{element['ref']} ({lang})"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_element_has_its_clause_in_the_agreement(site: Path, lang: str) -> None:
    page = soup(site, lang, "dpa/")
    missing = []
    for element in ELEMENTS:
        text = clause_text(page, element["clause"])
        where = f"/{'' if lang == 'en' else lang + '/'}dpa/#{element['clause']} ({element['ref']})"
        if text is None:
            missing.append(f"{where}: no such clause")
            continue
        if element["cites"][lang] not in text:
            missing.append(f"{where}: does not cite {element['cites'][lang]!r}")
        for words in element["says"][lang]:
            if words not in text:
                missing.append(f"{where}: does not say {words!r}")
    assert not missing, "the agreement lacks what the law asks of it:\n" + "\n".join(missing)


def test_a_clause_removed_from_the_agreement_is_found_missing() -> None:
    """The check above on a page whose clause (a) is gone: it names the element and the clause."""
    from bs4 import BeautifulSoup

    page = BeautifulSoup(
        "<article><h2 id='subject'>1. Subject</h2><p>the subject-matter of the processing (Art. 28(3) GDPR)</p>"
        "<h2 id='duration'>2. Duration</h2><p>as long as the contract</p></article>", "lxml"
    )
    assert clause_text(page, "instructions") is None
    assert "Art. 28(3) GDPR" in clause_text(page, "subject") and "contract" not in clause_text(page, "subject")
