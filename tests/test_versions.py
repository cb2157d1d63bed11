"""Every version of every legal document (data/legal-versions.yml: terms, privacy, ...) stays published, at its address, with its text.

data/published-versions.txt lists each version ever published. A line is never removed (like the anchor
registry): its pages in both languages and its PDF/A must be built, and a frozen version's sources must not
change (the sha256 of each is in the line). A version still drafted includes the current text (`current`).
A frozen version also names the commit that froze it: its archive holds, word for word, the text its page had
in that commit (docs/DOC.md at COMMIT), with the archived note and its links two folders deeper. A frozen version of
the data processing agreement also keeps its annexes (its section of data/dpa.yml): their sha256 is in its line
(`annexes:SHA`), and they are the section that data/dpa.yml had for it in that commit.

Every version's page ends with what changed from the version before, word by word (#compare,
artelabs/markers/diff.py), and so does its PDF; the history list links to each comparison.
"""

from __future__ import annotations

import difflib
import hashlib
import re
import subprocess
from pathlib import Path
from urllib.parse import urljoin

import pytest
import yaml
from pypdf import PdfReader

from artelabs import datafile
from artelabs.markers import dpa
from artelabs.markers.diff import ANCHOR
from conftest import LANGUAGES, ROOT, page_path, pdf_pages, soup

REGISTRY = ROOT / "data" / "published-versions.txt"
LINES = [line.split() for line in REGISTRY.read_text(encoding="utf-8").splitlines() if line and not line.startswith("#")]
FROZEN = [line for line in LINES if line[2] != "current"]  # DOC VERSION SHA256-EN SHA256-FR COMMIT [annexes:SHA256]
ANNEXES = "annexes:"  # the sha256 of a frozen agreement's annexes (data/dpa.yml, artelabs/markers/dpa.py `digest`)

DOCUMENTS = yaml.safe_load((ROOT / "data" / "legal-versions.yml").read_text(encoding="utf-8"))  # newest version first
STRINGS = datafile.Strings(ROOT / "data" / "strings.yml")


def source(doc: str, version: str, lang: str) -> Path:
    return ROOT / "docs" / doc / "versions" / (f"{version}.md" if lang == "en" else f"{version}.{lang}.md")


@pytest.mark.parametrize("line", LINES, ids=lambda line: f"{line[0]}-{line[1]}")
def test_a_published_version_stays_at_its_address_with_its_pdf(site: Path, line: list[str]) -> None:
    doc, version = line[:2]
    for lang in LANGUAGES:
        page = page_path(site, lang, f"{doc}/versions/{version}/")
        assert page.is_file(), f"{doc} {version} ({lang}) is no longer published at its address"
        prefix = "" if lang == "en" else f"{lang}/"
        pdf = site / f"{prefix}{doc}/versions/{version}/artelabs-{doc}-{version}-{lang}.pdf"
        assert pdf.is_file(), f"{pdf.relative_to(site)} is not built"
        metadata = PdfReader(pdf).xmp_metadata
        assert metadata is not None and "pdfaid" in str(metadata.rdf_root.toxml()), f"{pdf.name} is not PDF/A"


@pytest.mark.parametrize("line", FROZEN, ids=lambda line: f"{line[0]}-{line[1]}")
def test_a_frozen_version_keeps_its_text(line: list[str]) -> None:
    doc, version, *hashes = (word for word in line if not word.startswith(ANNEXES))
    assert len(hashes) == len(LANGUAGES) + 1, f"{doc} {version}: expected a sha256 per language and the commit that froze it"
    for lang, expected in zip(LANGUAGES, hashes):
        digest = hashlib.sha256(source(doc, version, lang).read_bytes()).hexdigest()[:16]
        assert digest == expected, f"docs/{doc}/versions/{version} ({lang}) changed: a published version is kept as it was"


def test_every_version_of_the_data_is_registered() -> None:
    versions = yaml.safe_load((ROOT / "data" / "legal-versions.yml").read_text(encoding="utf-8"))
    registered = {(line[0], line[1]) for line in LINES}
    listed = {(doc, entry["version"]) for doc, entries in versions.items() for entry in entries}
    assert listed <= registered, f"add to data/published-versions.txt: {sorted(listed - registered)}"
    drafted = {(line[0], line[1]) for line in LINES if line[2] == "current"}
    for doc, version in drafted:
        assert "versions:include" in source(doc, version, "en").read_text(encoding="utf-8")


# ---------------------------------------------------------------------------
# An archive is the text its page had when it was frozen
# ---------------------------------------------------------------------------

FRONT_MATTER = re.compile(r"\A---\n.*?\n---\n", re.S)
# A relative link to a page, two folders deeper in the archive: ](../../mail/setup.md#backups). Only targets
# that are pages: "[Art. 6][nlpd-6](1)" is text, and an archive that reads "(../../1)" has been damaged.
ARCHIVE_LINK = re.compile(r"\]\(\.\./\.\./([A-Za-z0-9_./-]+\.md(?:#[\w-]+)?)\)")
# The terms, the privacy page and the data processing agreement of one time link to each other's archives.
VERSION_LINK = re.compile(r"\]\((terms|privacy|dpa)/versions/\d+\.\d+\.md")


def git(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["git", "-C", str(ROOT), *args], capture_output=True, text=True)


def archive_text(doc: str, version: str, lang: str) -> str:
    """The archive as its page read: no front matter, no archived note, links as on the page."""
    text = FRONT_MATTER.sub("", source(doc, version, lang).read_text(encoding="utf-8"))
    note = re.compile(rf"^!!! note .*?^<!-- versions:{re.escape(doc)}\.{re.escape(version)} -->\n\n?", re.M | re.S)
    assert note.search(text), f"docs/{doc}/versions/{version} ({lang}): no archived note above <!-- versions:{doc}.{version} -->"
    text = note.sub("", text, count=1)
    text = ARCHIVE_LINK.sub(r"](\1)", text)
    return VERSION_LINK.sub(r"](\1.md", text)


def page_text(doc: str, lang: str, commit: str) -> str:
    name = f"docs/{doc}.md" if lang == "en" else f"docs/{doc}.{lang}.md"
    shown = git("show", f"{commit}:{name}")
    assert shown.returncode == 0, f"{name} at {commit}: {shown.stderr.strip()}"
    text = FRONT_MATTER.sub("", shown.stdout)
    return re.sub(rf"^<!-- versions:{re.escape(doc)}\.current -->\n\n?", "", text, flags=re.M)


@pytest.mark.parametrize("line", FROZEN, ids=lambda line: f"{line[0]}-{line[1]}")
def test_an_archive_is_its_page_as_frozen(line: list[str]) -> None:
    doc, version, commit = line[0], line[1], line[4]
    if git("rev-parse", "--verify", "HEAD").returncode != 0:
        pytest.skip("no git history in this checkout: the archives cannot be compared with their pages as frozen")
    assert re.fullmatch(r"[0-9a-f]{7,40}", commit), f"{doc} {version}: {commit!r} is not a commit"
    known = git("cat-file", "-e", f"{commit}^{{commit}}")
    assert known.returncode == 0, f"{doc} {version}: commit {commit} is not in this repository's history"
    for lang in LANGUAGES:
        archived, page = archive_text(doc, version, lang), page_text(doc, lang, commit)
        if archived != page:
            diff = "\n".join(difflib.unified_diff(page.splitlines(), archived.splitlines(), f"docs/{doc} at {commit}", "archive", lineterm="", n=0))
            pytest.fail(f"docs/{doc}/versions/{version} ({lang}) differs from its page as frozen in {commit}:\n{diff}")

@pytest.mark.parametrize("line", FROZEN, ids=lambda line: f"{line[0]}-{line[1]}")
def test_a_frozen_version_keeps_its_history_line(line: list[str]) -> None:
    """What its page says of a frozen version (its date and what changed, data/legal-versions.yml) stays as it was
    in the commit that froze it: a published version's page never changes, its history line included."""
    doc, version, commit = line[0], line[1], line[4]
    if git("rev-parse", "--verify", "HEAD").returncode != 0:
        pytest.skip("no git history in this checkout: the history lines cannot be compared with those frozen")
    shown = git("show", f"{commit}:data/legal-versions.yml")
    if shown.returncode != 0:  # frozen before the file existed (2.0): its lines as the file first wrote them
        first = git("log", "--diff-filter=A", "--format=%H", "--", "data/legal-versions.yml").stdout.split()[-1]
        commit, shown = first, git("show", f"{first}:data/legal-versions.yml")
    assert shown.returncode == 0, f"data/legal-versions.yml at {commit}: {shown.stderr.strip()}"
    then = next(e for e in yaml.safe_load(shown.stdout)[doc] if str(e["version"]) == version)
    now = next(e for e in DOCUMENTS[doc] if str(e["version"]) == version)
    for key in ("effective", "changes"):
        assert now[key] == then[key], (
            f"data/legal-versions.yml: {doc} {version}.{key} differs from what was published in {commit}: a frozen "
            "version's history line is kept as it was"
        )


def frozen_annexes(line: list[str]) -> str | None:
    return next((word.removeprefix(ANNEXES) for word in line[5:] if word.startswith(ANNEXES)), None)


@pytest.mark.parametrize("line", FROZEN, ids=lambda line: f"{line[0]}-{line[1]}")
def test_a_frozen_agreement_keeps_its_annexes(line: list[str]) -> None:
    """A frozen version whose pages show annexes (<!-- dpa:... -->) keeps them: their sha256 is in its line, and they
    are, value for value, the section data/dpa.yml had for that version in the commit that froze it."""
    doc, version, commit = line[0], line[1], line[4]
    shows = any("<!-- dpa:" in source(doc, version, lang).read_text(encoding="utf-8") for lang in LANGUAGES)
    expected = frozen_annexes(line)
    if not shows:
        assert expected is None, f"{doc} {version}: {ANNEXES}{expected}, but its pages show no annexes"
        return
    now = dpa.annexes(dpa.load(ROOT), version)
    assert expected is not None, f"{doc} {version}: add {ANNEXES}{dpa.digest(now)} to its line in data/published-versions.txt"
    assert dpa.digest(now) == expected, (
        f"data/dpa.yml: the annexes of {doc} {version} changed (sha256 {dpa.digest(now)}, published {expected}): a published "
        "version's annexes are kept as they were; change the current version's section instead"
    )
    if git("rev-parse", "--verify", "HEAD").returncode != 0:
        return  # no history in this checkout: the sha256 above is the check
    shown = git("show", f"{commit}:{dpa.FILE}")
    assert shown.returncode == 0, f"{dpa.FILE} at {commit}: {shown.stderr.strip()}"
    then = yaml.safe_load(shown.stdout)
    sections = then.get("versions", []) if isinstance(then, dict) else []
    published = next((section for section in sections if str(section.get("version")) == version), None)
    assert published is not None, f"{dpa.FILE} at {commit} has no annexes for {doc} {version}"
    assert dpa.digest(published) == expected, f"data/dpa.yml: the annexes of {doc} {version} differ from those it was frozen with in {commit}"


def test_a_change_to_a_frozen_annex_fails_the_archive_test(tmp_path: Path) -> None:
    """The check above, on a copy of data/dpa.yml where one word of a frozen version's Annex 2 changed."""
    import shutil

    frozen = [line for line in FROZEN if frozen_annexes(line)]
    assert frozen, "no frozen version with annexes in data/published-versions.txt"
    doc, version = frozen[0][:2]
    for name in (dpa.FILE, dpa.SCHEMA):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(ROOT / name, tmp_path / name)
    text = (tmp_path / dpa.FILE).read_text(encoding="utf-8")
    data = yaml.safe_load(text)
    section = next(s for s in data["versions"] if s["version"] == version)
    section["security"][0]["text"]["en"] += " Changed."
    (tmp_path / dpa.FILE).write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    assert dpa.digest(dpa.annexes(dpa.load(ROOT), version)) == frozen_annexes(frozen[0])
    assert dpa.digest(dpa.annexes(dpa.load(tmp_path), version)) != frozen_annexes(frozen[0])


def test_a_frozen_version_carries_no_comparison_marker() -> None:
    """The comparison is added by the build, never written into a frozen text."""
    for doc, version, *_ in LINES:
        for lang in LANGUAGES:
            assert "diff:" not in source(doc, version, lang).read_text(encoding="utf-8"), f"docs/{doc}/versions/{version} ({lang})"


# ---------------------------------------------------------------------------
# What changed, word by word, on every version's page and in its PDF
# ---------------------------------------------------------------------------


def previous_version(doc: str, version: str) -> str | None:
    numbers = [entry["version"] for entry in DOCUMENTS[doc]]
    index = numbers.index(version)
    return numbers[index + 1] if index + 1 < len(numbers) else None


def comparison(site: Path, lang: str, doc: str, version: str):
    page = soup(site, lang, f"{doc}/versions/{version}/")
    heading = page.select_one(f"article #{ANCHOR}")
    assert heading is not None and heading.name == "h2", f"{doc} {version} ({lang}): no section #{ANCHOR}"
    section = heading.find_next_sibling("div", class_="mdx-diff")
    assert section is not None, f"{doc} {version} ({lang}): #{ANCHOR} has no comparison under it"
    return heading, section


def inserted_words(section) -> list[str]:
    """The text of each <ins>, without the words said to screen readers."""
    out = []
    for ins in section.select("ins"):
        said = ins.select_one(".mdx-sr")
        out.append(ins.get_text().removeprefix(said.get_text() if said else ""))
    return out


@pytest.mark.parametrize("line", LINES, ids=lambda line: f"{line[0]}-{line[1]}")
def test_a_version_page_shows_what_changed_word_by_word(site: Path, line: list[str]) -> None:
    doc, version = line[:2]
    previous = previous_version(doc, version)
    for lang in LANGUAGES:
        heading, section = comparison(site, lang, doc, version)
        if previous is None:
            assert not section.select("ins, del"), f"{doc} {version} ({lang}) is the first version: nothing to compare"
            assert STRINGS("diff.first", lang) in section.get_text(" "), f"{doc} {version} ({lang}) does not say it is the first"
            continue
        assert STRINGS("diff.title", lang).format(version=previous) in heading.get_text()
        marks = section.select("ins, del")
        assert section.select("ins") and section.select("del"), f"{doc} {version} ({lang}): no word inserted or deleted"
        for mark in marks:  # not by colour alone: each says what it is to a screen reader
            said = mark.select_one(".mdx-sr")
            expected = STRINGS("diff.inserted" if mark.name == "ins" else "diff.deleted", lang)
            assert said is not None and said.get_text().strip() == expected, f"{doc} {version} ({lang}): {mark}"


@pytest.mark.parametrize("doc", list(DOCUMENTS))
def test_the_history_links_to_each_comparison(site: Path, doc: str) -> None:
    for lang in LANGUAGES:
        base = f"/{'' if lang == 'en' else lang + '/'}{doc}/"
        history = soup(site, lang, f"{doc}/").select(".mdx-versions__compare")
        assert len(history) == len(DOCUMENTS[doc]), f"{base}: one comparison line per version"
        links = [urljoin(base, a["href"]) for p in history for a in p.select("a")]
        expected = [f"{base}versions/{entry['version']}/#{ANCHOR}" for entry in DOCUMENTS[doc][:-1]]
        assert links == expected, f"{base}: the history links to {links}"
        assert STRINGS("diff.first-short", lang) in history[-1].get_text(), f"{base}: the first version says it has no comparison"


@pytest.mark.parametrize("line", [line for line in LINES if previous_version(line[0], line[1])], ids=lambda line: f"{line[0]}-{line[1]}")
def test_a_version_pdf_carries_what_changed(site: Path, line: list[str]) -> None:
    doc, version = line[:2]
    for lang in LANGUAGES:
        _, section = comparison(site, lang, doc, version)
        inserted = [" ".join(text.split()) for text in inserted_words(section) if len(text.split()) >= 3]
        assert inserted, f"{doc} {version} ({lang}): no inserted passage of three words or more"
        prefix = "" if lang == "en" else f"{lang}/"
        pdf = site / f"{prefix}{doc}/versions/{version}/artelabs-{doc}-{version}-{lang}.pdf"
        text = " ".join(" ".join(pdf_pages(pdf)).split())
        title = STRINGS("diff.title", lang).format(version=previous_version(doc, version))
        assert title in text, f"{pdf.name}: no section '{title}'"
        # Compared without spaces and without the words said to screen readers, which the PDF keeps in its text
        # (tiny and transparent on paper: a text extractor may set them on lines of their own).
        after = "".join(text[text.index(title) :].split())
        for said in (STRINGS("diff.inserted", lang), STRINGS("diff.deleted", lang)):
            after = after.replace("".join(said.split()), "")
        for passage in (inserted[0], inserted[-1]):
            words = " ".join(passage.split()[:6])
            assert "".join(words.split()) in after, f"{pdf.name}: the inserted words '{words}' are not in the PDF's comparison"
