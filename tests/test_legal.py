"""Legal pages: every article cited is in the register (data/legal-refs.yml), the terms have their sections,
every document of data/legal-versions.yml has its versions.

The citation forms are written down at the top of data/legal-refs.yml:
English "Art. 9(3) nFADP", "Arts. 13–14 GDPR"; French "art. 9 al. 3 LPD", "art. 13 et 14 RGPD".
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from bs4 import BeautifulSoup

from conftest import LANGUAGES, ROOT, page_path, parsed, soup

REGISTER = ROOT / "data" / "legal-refs.yml"
VERSIONS = ROOT / "data" / "legal-versions.yml"

# The law as written after the article, per language; aliases map to the register's spelling.
LAWS = {
    "en": {
        "GDPR": "GDPR", "nFADP": "nFADP", "FADP": "nFADP", "DPO": "DPO", "CO": "CO", "CPC": "CPC",
        "UCA": "UCA", "PILA": "PILA", "LC": "LC", "Rome I": "Rome I",
    },
    "fr": {
        "RGPD": "RGPD", "LPD": "LPD", "nLPD": "LPD", "OPDo": "OPDo", "CO": "CO", "CPC": "CPC",
        "LCD": "LCD", "LDIP": "LDIP", "CL": "CL", "Rome I": "Rome I",
    },
}
# "Art. 6(1)(b) GDPR", "Arts. 13–14 GDPR", "Art. 32 CPC", "Arts. 17, 18 and 21 GDPR"
CITATION = {
    "en": re.compile(
        r"\bArts?\.\s+((?:\d+[a-z]?|\(\d+\)|\([a-z]\)|[–-]|,|\s+and\s+|\s)+?)\s*\b("
        + "|".join(LAWS["en"]) + r")\b"
    ),
    # "art. 9 al. 3 LPD", "art. 3 par. 2 let. b RGPD", "art. 13 et 14 RGPD", "art. 17, 18 et 21 RGPD"
    "fr": re.compile(
        r"\b[Aa]rt\.\s+((?:\d+[a-z]?|(?:al|par|ch)\.\s*\d+|let\.\s*[a-z]|[–-]|,|\s+(?:et|à)\s+|\s)+?)\s*\b("
        + "|".join(LAWS["fr"]) + r")\b"
    ),
}
# What a French article list holds besides article numbers: "al. 1 et 2", "par. 2", "let. b", "ch. 2".
FR_SUBDIVISION = re.compile(r"(?:al|par|ch)\.\s*\d+(?:\s*(?:et|à|,|–)\s*\d+)*|let\.\s*[a-z]")

# Sections the terms must have in both languages (the ids staff link to).
TERMS_IDS = {
    "parties", "services", "liability", "availability", "maintenance", "privacy-and-confidentiality",
    "subprocessors", "disclosure", "changes", "termination", "governing-law", "language", "history",
}
PRIVACY_IDS = {"controller", "retention", "recipients", "your-rights", "complaints", "history"}


def citations(text: str, lang: str) -> list[tuple[str, str, str]]:
    """(law as in the register, article, the citation as written) for every citation in a text."""
    found = []
    for match in CITATION[lang].finditer(text):
        spec, law = match.group(1), LAWS[lang][match.group(2)]
        if lang == "fr":
            spec = FR_SUBDIVISION.sub(" ", spec)
        spec = re.sub(r"\([^)]*\)", " ", spec)  # "(1)", "(b)": paragraphs and letters
        for article in re.findall(r"\d+[a-z]?", spec):
            found.append((law, article, " ".join(match.group(0).split())))
    return found


def register() -> list[dict]:
    return yaml.safe_load(REGISTER.read_text(encoding="utf-8"))


def registered(lang: str) -> set[tuple[str, str]]:
    return {(entry["law"][lang], entry["article"]) for entry in register()}


def built_pages(site: Path, lang: str) -> list[Path]:
    """Every content page of one language, archived versions included."""
    root = site / "fr" if lang == "fr" else site
    pages = sorted(root.rglob("index.html"))
    if lang == "en":
        pages = [page for page in pages if not page.relative_to(site).parts[0] in LANGUAGES]
    return pages


# ---------------------------------------------------------------------------
# Tests without a build
# ---------------------------------------------------------------------------


def test_citation_forms() -> None:
    assert citations("(Art. 100(1) CO)", "en") == [("CO", "100", "Art. 100(1) CO")]
    assert [c[:2] for c in citations("Arts. 13–14 GDPR; Art. 6(1)–(2) nFADP", "en")] == [
        ("GDPR", "13"), ("GDPR", "14"), ("nFADP", "6"),
    ]
    assert [c[:2] for c in citations("art. 6 al. 1 et 2 LPD ; art. 3 par. 2 let. b RGPD", "fr")] == [
        ("LPD", "6"), ("RGPD", "3"),
    ]
    assert [c[:2] for c in citations("art. 17, 18 et 21 RGPD", "fr")] == [("RGPD", "17"), ("RGPD", "18"), ("RGPD", "21")]
    assert [c[:2] for c in citations("(Arts. 15–17 LC); (Art. 120 PILA); (Art. 8 UCA)", "en")] == [
        ("LC", "15"), ("LC", "17"), ("PILA", "120"), ("UCA", "8"),
    ]
    assert [c[:2] for c in citations("(art. 15 à 17 CL) ; (art. 114 LDIP) ; (art. 8 LCD)", "fr")] == [
        ("CL", "15"), ("CL", "17"), ("LDIP", "114"), ("LCD", "8"),
    ]
    assert [c[:2] for c in citations("(Art. 149(2)(b) PILA; Art. 6 Rome I)", "en")] == [("PILA", "149"), ("Rome I", "6")]
    assert [c[:2] for c in citations("(art. 149 al. 2 let. b LDIP ; art. 6 Rome I)", "fr")] == [("LDIP", "149"), ("Rome I", "6")]
    assert citations("Article 5 of the old FAQ; the CO of 1911", "en") == []


def test_every_register_entry_is_complete() -> None:
    seen = set()
    for entry in register():
        where = f"data/legal-refs.yml: {entry.get('id')}"
        for key in ("id", "law", "article", "title", "url", "source", "read"):
            assert entry.get(key), f"{where}: no {key}"
        assert set(entry) <= {"id", "law", "article", "title", "url", "source", "read", "unverified"}, f"{where}: {sorted(entry)}"
        langs = entry.get("unverified", [])
        assert isinstance(langs, list) and set(langs) <= set(LANGUAGES) and len(set(langs)) == len(langs), f"{where}: unverified: {langs}"
        # The flag and the source say the same thing: a title said unverified in the source is flagged, and the
        # reverse, so that the list staff read on Fedlex (publishing's warning) misses none.
        said = "unverified" in entry["source"]
        assert said == bool(langs), f"{where}: the source {'says' if said else 'does not say'} a title is unverified, unverified: {langs}"
        for key in ("law", "title", "url"):
            assert set(entry[key]) == {"en", "fr"} and all(entry[key].values()), f"{where}: {key} needs en and fr"
        assert all(url.startswith("https://") for url in entry["url"].values()), f"{where}: url"
        assert isinstance(entry["article"], str), f"{where}: article must be a string"
        assert (entry["law"]["en"], entry["article"]) not in seen, f"{where}: listed twice"
        seen.add((entry["law"]["en"], entry["article"]))


def test_versions_have_changes_in_both_languages() -> None:
    versions = yaml.safe_load(VERSIONS.read_text(encoding="utf-8"))
    for page in versions:  # every document: terms, privacy, dpa, ...
        for entry in versions[page]:
            where = f"data/legal-versions.yml: {page} {entry['version']}"
            assert entry["status"] in ("confirmed", "unconfirmed"), where
            assert entry["changes"]["en"] and len(entry["changes"]["en"]) == len(entry["changes"]["fr"]), where
            if entry is not versions[page][0]:
                for lang in LANGUAGES:
                    suffix = "" if lang == "en" else f".{lang}"
                    archived = ROOT / "docs" / page / "versions" / f"{entry['version']}{suffix}.md"
                    assert archived.is_file(), f"{where}: {archived.relative_to(ROOT)} is missing"


def test_the_titles_to_read_on_fedlex_are_listed_in_one_place() -> None:
    """Publishing's warning is the one list of the register's titles not yet read in the law's own text: every
    entry flagged, in the languages flagged, and no other; the French titles read on 2026-12-06 in a copy of
    Fedlex (UCA Art. 8, the Lugano Convention's consumer section) are no longer in it."""
    from artelabs import publishing

    (line,) = publishing.warnings(ROOT)
    assert line.startswith("data/legal-refs.yml: ") and "Fedlex" in line and "before publishing" in line
    listed = publishing.unverified_titles(ROOT)
    flagged = [entry for entry in register() if entry.get("unverified")]
    assert [item.split(" ", 1)[0] for item in listed] == [entry["id"] for entry in flagged]
    for entry, item in zip(flagged, listed):
        for lang in LANGUAGES:
            assert (f'"{entry["title"][lang]}"' in item) == (lang in entry["unverified"]), item
    by_id = {entry["id"]: entry for entry in register()}
    assert by_id["uca-8"]["unverified"] == ["en"] and by_id["uca-8"]["title"]["fr"] == "Utilisation de conditions commerciales abusives"
    for lc in ("lc-15", "lc-16", "lc-17"):
        assert by_id[lc]["unverified"] == ["en"], lc
        assert by_id[lc]["title"]["fr"].startswith("Compétence en matière de contrats conclus par les consommateurs")
        assert "benjamin-arfa/swiss-law" in by_id[lc]["source"] and "f337b54e78353315932405805ad7dc0adfff9729" in by_id[lc]["source"]
    assert "ch/fr/241.md" in by_id["uca-8"]["source"] and "f337b54e78353315932405805ad7dc0adfff9729" in by_id["uca-8"]["source"]
    assert "Utilisation de conditions commerciales abusives" not in line


def confirmed_data(tmp_path: Path, keep_unverified: bool) -> Path:
    """tools/publish_check.py and data/ with every company detail, version date and current annex confirmed (the
    register as it is, or without its `unverified` flags)."""
    import shutil

    (tmp_path / "tools").mkdir(parents=True)
    shutil.copy(ROOT / "tools" / "publish_check.py", tmp_path / "tools")
    shutil.copytree(ROOT / "data", tmp_path / "data")
    company = yaml.safe_load((tmp_path / "data" / "company.yml").read_text(encoding="utf-8"))
    for entry in company.values():
        value = entry["value"]
        entry["value"] = {lang: value.get(lang) or "known" for lang in value} if isinstance(value, dict) else value or "known"
        entry["status"] = "confirmed"
    (tmp_path / "data" / "company.yml").write_text(yaml.safe_dump(company, allow_unicode=True), encoding="utf-8")
    versions = (tmp_path / "data" / "legal-versions.yml").read_text(encoding="utf-8")
    (tmp_path / "data" / "legal-versions.yml").write_text(versions.replace("status: unconfirmed", "status: confirmed"), encoding="utf-8")
    from artelabs.markers import dpa

    whole = yaml.safe_load((tmp_path / dpa.FILE).read_text(encoding="utf-8"))
    current = dpa.current_version(tmp_path, whole)
    for section in whole["versions"]:
        if section["version"] == current:
            for entry in section["subprocessors"]:
                for key in (*dpa.DETAILS, "subprocessors"):
                    if key in entry:
                        entry[key] = {"value": entry[key]["value"] or "known", "status": "confirmed"}
            for entry in section["security"]:
                entry["status"] = "confirmed"
    (tmp_path / dpa.FILE).write_text(yaml.safe_dump(whole, allow_unicode=True, sort_keys=False), encoding="utf-8")
    if not keep_unverified:
        refs = (tmp_path / "data" / "legal-refs.yml").read_text(encoding="utf-8")
        (tmp_path / "data" / "legal-refs.yml").write_text(re.sub(r"(?m)^  unverified: .*\n", "", refs), encoding="utf-8")
    return tmp_path


def test_publishing_warns_but_does_not_refuse_while_a_title_is_unverified(tmp_path: Path) -> None:
    import subprocess
    import sys

    for keep in (True, False):
        root = confirmed_data(tmp_path / str(keep), keep)
        result = subprocess.run(
            [sys.executable, str(root / "tools" / "publish_check.py"), "--date", "2026-12-06"],
            capture_output=True, text=True, timeout=60,
        )
        assert result.returncode == 0, result.stderr
        assert not [line for line in result.stderr.splitlines() if line.startswith("publish: refused")], result.stderr
        warned = [line for line in result.stderr.splitlines() if line.startswith("publish: warning: ")]
        if keep:
            assert len(warned) == 1 and "to read on Fedlex" in warned[0] and "dpo-18 (en, fr)" in warned[0], result.stderr
        else:
            assert warned == [], "nothing left to read on Fedlex: no warning"


# ---------------------------------------------------------------------------
# Tests on the built site
# ---------------------------------------------------------------------------


def test_every_cited_article_is_in_the_register(site: Path) -> None:
    unknown = []
    for lang in LANGUAGES:
        known = registered(lang)
        for page in built_pages(site, lang):
            article = parsed(page).select_one("article")
            if article is None:
                continue
            for law, number, written in citations(article.get_text(" "), lang):
                if (law, number) not in known:
                    unknown.append(f"/{page.parent.relative_to(site).as_posix()}/: {written!r}")
    assert not unknown, "articles cited but not in data/legal-refs.yml:\n" + "\n".join(sorted(set(unknown)))


def test_terms_and_privacy_have_their_sections(site: Path) -> None:
    for path, ids in (("terms/", TERMS_IDS), ("privacy/", PRIVACY_IDS)):
        for lang in LANGUAGES:
            page = soup(site, lang, path)
            missing = {i for i in ids if page.find(id=i) is None}
            assert not missing, f"/{'' if lang == 'en' else lang + '/'}{path} lacks #{', #'.join(sorted(missing))}"


def test_archived_versions_are_published(site: Path) -> None:
    versions = yaml.safe_load(VERSIONS.read_text(encoding="utf-8"))
    for page in versions:  # every document: terms, privacy, dpa, ...
        for entry in versions[page][1:]:
            for lang in LANGUAGES:
                built = page_path(site, lang, f"{page}/versions/{entry['version']}/")
                assert built.is_file(), f"{page} {entry['version']} ({lang}) is not published"


# ---------------------------------------------------------------------------
# The annexes of the data processing agreement (<!-- dpa:subprocessors -->, <!-- dpa:security -->, data/dpa.yml),
# one section per version of the agreement: a version's page shows its own
# ---------------------------------------------------------------------------


def dpa_data(root: Path = ROOT) -> dict:
    return yaml.safe_load((root / "data" / "dpa.yml").read_text(encoding="utf-8"))


def current_annexes(data: dict) -> dict:
    """The current version's section: the newest (first) one, as data/legal-versions.yml lists the versions."""
    return data["versions"][0]


def dpa_copy(tmp_path: Path, change=None) -> Path:
    """A folder with data/dpa.yml (changed by change(data), data being its current section, or change(data, whole)
    for one that takes two arguments), its schema, the words and the partials; no data/legal-versions.yml: the
    current version is data/dpa.yml's newest."""
    import inspect
    import shutil

    for name in ("data/schemas/dpa.schema.json", "data/schemas/strings.schema.json", "data/strings.yml", "overrides/partials"):
        target = tmp_path / name
        target.parent.mkdir(parents=True, exist_ok=True)
        (shutil.copytree if (ROOT / name).is_dir() else shutil.copy)(ROOT / name, target)
    whole = dpa_data()
    if change:
        change(*((current_annexes(whole), whole) if len(inspect.signature(change).parameters) == 2 else (current_annexes(whole),)))
    (tmp_path / "data" / "dpa.yml").write_text(yaml.safe_dump(whole, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return tmp_path


def dpa_renderer(root: Path, lang: str, page: str = "dpa/"):
    from jinja2 import Environment, FileSystemLoader, select_autoescape

    from artelabs import datafile, markers

    env = Environment(loader=FileSystemLoader([str(root / "overrides")]), autoescape=select_autoescape(default=True))
    renderer = markers.Renderer({}, datafile.Strings(root / "data" / "strings.yml"), env, lang, page)
    renderer.root = root
    return renderer


def test_the_annexes_show_each_entry_in_both_languages() -> None:
    data = current_annexes(dpa_data())
    for lang in LANGUAGES:
        renderer = dpa_renderer(ROOT, lang)
        table = BeautifulSoup(renderer.render("dpa:subprocessors", alone=True), "html.parser")
        for entry in data["subprocessors"]:
            row = table.find(id=f"subprocessor-{entry['id']}")
            name = entry["name"]["value"]
            assert row is not None and (name if isinstance(name, str) else renderer.t("legal.unknown")) in row.get_text()
            assert entry["when"][lang] in row.get_text()
        table = BeautifulSoup(renderer.render("dpa:security", alone=True), "html.parser")
        for entry in data["security"]:
            row = table.find(id=f"measure-{entry['id']}")
            assert row is not None and entry["text"][lang] in row.get_text(), f"{lang}: {entry['id']}"
            if entry.get("source"):
                assert row.find("a")["href"], f"{lang}: {entry['id']} links to where it is stated"


def test_each_version_of_the_agreement_shows_its_own_annexes(tmp_path: Path) -> None:
    """/dpa/versions/1.0/ keeps the annexes it was published with when a later version changes them; /dpa/ and the
    newest version's page show the newest."""
    def add_a_version(current, whole):
        later = yaml.safe_load(yaml.safe_dump(current))
        later["version"] = "9.9"
        later["security"][0]["text"] = {"en": "A measure of version 9.9 only.", "fr": "Une mesure de la version 9.9 seulement."}
        whole["versions"].insert(0, later)

    root = dpa_copy(tmp_path, add_a_version)
    older = dpa_data(root)["versions"][1]
    first = older["security"][0]
    for lang in LANGUAGES:
        for page, expected in (("dpa/", "9.9"), ("dpa/versions/9.9/", "9.9"), (f"dpa/versions/{older['version']}/", older["version"])):
            text = BeautifulSoup(dpa_renderer(root, lang, page).render("dpa:security", alone=True), "html.parser").get_text()
            assert ("9.9 " in text) == (expected == "9.9"), f"{lang} {page}: {text[:200]}"
            assert (first["text"][lang] in text) == (expected != "9.9"), f"{lang} {page}"


def test_a_version_of_the_agreement_without_annexes_stops_the_build_in_one_line(tmp_path: Path) -> None:
    from artelabs import markers

    renderer = dpa_renderer(dpa_copy(tmp_path), "fr", "dpa/versions/7.3/")
    with pytest.raises(markers.MarkerError, match=r"^data/dpa\.yml: no annexes for version 7\.3 .*expected a section 'version: \"7\.3\"'") as raised:
        renderer.render("dpa:subprocessors", alone=True)
    assert "\n" not in str(raised.value)


def test_an_unconfirmed_detail_shows_to_be_confirmed(tmp_path: Path) -> None:
    def change(data):
        data["subprocessors"][0]["country"] = {"value": {"en": "Switzerland", "fr": "Suisse"}, "status": "confirmed"}
        data["subprocessors"][0]["legal_name"] = {"value": None, "status": "unconfirmed"}
        data["subprocessors"][0]["address"] = {"value": None, "status": "unconfirmed"}
        data["security"][0]["status"] = "confirmed"
        data["security"][1]["status"] = "unconfirmed"

    root = dpa_copy(tmp_path, change)
    data = current_annexes(dpa_data(root))
    first, second = (entry["id"] for entry in data["security"][:2])
    for lang, tbc in (("en", "to be confirmed"), ("fr", "à confirmer")):
        renderer = dpa_renderer(root, lang)
        table = BeautifulSoup(renderer.render("dpa:subprocessors", alone=True), "html.parser")
        row = table.find(id=f"subprocessor-{data['subprocessors'][0]['id']}")
        identity = " ".join(row.find("td").get_text(" ").split())
        assert ("Switzerland" if lang == "en" else "Suisse") in identity
        assert identity.count(tbc) == 2, identity  # legal name and address; not the confirmed country
        measures = BeautifulSoup(renderer.render("dpa:security", alone=True), "html.parser")
        assert tbc not in measures.find(id=f"measure-{first}").get_text() and tbc in measures.find(id=f"measure-{second}").get_text()


def test_publishing_refuses_unconfirmed_annex_entries_of_the_current_version_only(tmp_path: Path) -> None:
    from artelabs.markers import dpa

    def confirm_all(data):
        for entry in data["subprocessors"]:
            for key in (*dpa.DETAILS, "subprocessors"):
                if key in entry:
                    entry[key] = {"value": entry[key]["value"] or "known", "status": "confirmed"}
        for entry in data["security"]:
            entry["status"] = "confirmed"

    def confirm_all_but_an_older_version(data, whole):
        older = yaml.safe_load(yaml.safe_dump(data))
        older["version"] = "0.1"
        older["security"][0]["status"] = "unconfirmed"
        confirm_all(data)
        whole["versions"].append(older)

    assert dpa.unconfirmed(dpa_copy(tmp_path / "ok", confirm_all)) == []
    assert dpa.unconfirmed(dpa_copy(tmp_path / "older", confirm_all_but_an_older_version)) == [], "a frozen version stays as published"
    first = current_annexes(dpa_data())["subprocessors"][0]
    unknown = [key for key in dpa.DETAILS if first[key]["status"] != "confirmed"]
    assert unknown and f"{first['id']}.{unknown[0]}" in dpa.unconfirmed(ROOT)
    assert dpa.unconfirmed(tmp_path / "none") == [], "no data/dpa.yml: nothing to confirm"


def test_a_mistake_in_the_annexes_names_the_file_and_line(tmp_path: Path) -> None:
    from artelabs import markers

    def wrong(data):
        data["security"][0]["status"] = "maybe"

    renderer = dpa_renderer(dpa_copy(tmp_path / "status", wrong), "en")
    with pytest.raises(markers.MarkerError, match=r"data/dpa\.yml:\d+: .*maybe.*confirmed, unconfirmed"):
        renderer.render("dpa:security", alone=True)

    def confirmed_but_unknown(data):
        data["subprocessors"][0]["address"] = {"value": None, "status": "confirmed"}

    renderer = dpa_renderer(dpa_copy(tmp_path / "null", confirmed_but_unknown), "en")
    with pytest.raises(markers.MarkerError, match=r"data/dpa\.yml:\d+: "):
        renderer.render("dpa:subprocessors", alone=True)
    with pytest.raises(markers.MarkerError, match="dpa:subprocessors"):
        renderer.render("dpa:annexes", alone=True)
    with pytest.raises(markers.MarkerError, match="alone"):
        dpa_renderer(ROOT, "en").render("dpa:security", alone=False)


def test_every_security_measure_names_a_source_that_exists() -> None:
    for section in dpa_data()["versions"]:
        for entry in section["security"]:
            page = (entry.get("source") or "").partition("#")[0]
            if not page or page.startswith("https://"):
                continue
            for lang in LANGUAGES:
                name = page if lang == "en" else page.replace(".md", f".{lang}.md")
                assert (ROOT / "docs" / name).is_file(), f"data/dpa.yml: {section['version']}: {entry['id']}: no docs/{name}"


def test_annex_1_lists_our_own_tools_and_where_the_provider_lists_its_own() -> None:
    """From version 1.1: our own tools that receive customers' data are sub-processors too (shown by their kind
    while their name is unknown), and the provider's row says where it lists its own sub-processors, or that
    this is not known yet; the French says "sous-traitants ultérieurs"."""
    data = current_annexes(dpa_data())
    assert data.get("layout") == 2
    ours = [entry for entry in data["subprocessors"] if "kind" in entry]
    assert ours, "no tool of our own in Annex 1"
    for lang, caption in (("en", "Sub-processors"), ("fr", "Sous-traitants ultérieurs")):
        renderer = dpa_renderer(ROOT, lang)
        table = BeautifulSoup(renderer.render("dpa:subprocessors", alone=True), "html.parser")
        assert table.find("table")["aria-label"] == caption
        for entry in ours:
            row = table.find(id=f"subprocessor-{entry['id']}")
            shown = entry["name"]["value"] or entry["kind"][lang]
            assert shown in row.find("th").get_text(), f"{lang}: {entry['id']}"
        for entry in data["subprocessors"]:
            own = entry.get("subprocessors")
            if own is None:
                continue
            cell = table.find(id=f"subprocessor-{entry['id']}").find_all("td")[-1]
            assert renderer.t("dpa2.own-list") in cell.get_text()
            if own["value"] is None:
                assert cell.find("a") is None and renderer.t("legal.unknown") in cell.get_text(), "no address is invented"


def test_annex_2_says_who_takes_each_measure_and_its_goal() -> None:
    """From version 1.1: each measure with who takes it and the goal of Art. 3 DPO it serves; a provider's measure
    as the provider states it, with where and when that was read, or marked as still to be confirmed."""
    data = current_annexes(dpa_data())
    names = {entry["id"] for entry in data["subprocessors"]}
    for lang in LANGUAGES:
        renderer = dpa_renderer(ROOT, lang)
        table = BeautifulSoup(renderer.render("dpa:security", alone=True), "html.parser")
        for entry in data["security"]:
            cells = table.find(id=f"measure-{entry['id']}").find_all("td")
            assert entry["by"] == "artelabs" or entry["by"] in names
            assert cells[2].get_text() == renderer.t(f"dpa2.goal.{entry['goal']}")
            if entry["by"] != "artelabs":
                assert entry.get("source") or entry["status"] == "unconfirmed", f"{entry['id']}: the provider's measure has no source"
                if entry.get("source"):
                    assert cells[3].find("a")["href"] == entry["source"] and renderer.date(entry["checked"]) in cells[3].get_text()
            else:
                assert entry.get("source") or renderer.t("dpa2.own") in cells[3].get_text()


def test_a_measure_by_an_unknown_sub_processor_is_refused_in_one_line(tmp_path: Path) -> None:
    from artelabs import markers

    def wrong(data):
        data["security"][0]["by"] = "infomanik"

    renderer = dpa_renderer(dpa_copy(tmp_path, wrong), "en")
    with pytest.raises(markers.MarkerError, match=r"^data/dpa\.yml: version [0-9.]+: security\[.*\]\.by: 'infomanik', expected artelabs or a sub-processor"):
        renderer.render("dpa:security", alone=True)


def test_a_published_version_keeps_the_layout_of_its_annexes() -> None:
    """/dpa/versions/1.0/ shows its annexes with the columns and words it was published with, whatever later
    versions changed (layout 1: "Sous-traitants", one column for where a measure is stated)."""
    for section in dpa_data()["versions"]:
        if section.get("layout", 1) != 1:
            continue
        renderer = dpa_renderer(ROOT, "fr", f"dpa/versions/{section['version']}/")
        annex1 = BeautifulSoup(renderer.render("dpa:subprocessors", alone=True), "html.parser")
        assert annex1.find("table")["aria-label"] == "Sous-traitants"
        assert [th.get_text() for th in annex1.select("thead th")][-1] == "Ses propres clauses de sous-traitance"
        annex2 = BeautifulSoup(renderer.render("dpa:security", alone=True), "html.parser")
        assert [th.get_text() for th in annex2.select("thead th")] == ["Mesure", "Où elle est indiquée"]
