"""Every version of the terms and the privacy page stays published, at its address, with its text.

data/published-versions.txt lists each version ever published. A line is never removed (like the anchor
registry): its pages in both languages and its PDF/A must be built, and a frozen version's sources must not
change (the sha256 of each is in the line). A version still drafted includes the current text (`current`).
A frozen version also names the commit that froze it: its archive holds, word for word, the text its page had
in that commit (docs/DOC.md at COMMIT), with the archived note and its links two folders deeper.
"""

from __future__ import annotations

import difflib
import hashlib
import re
import subprocess
from pathlib import Path

import pytest
import yaml
from pypdf import PdfReader

from conftest import LANGUAGES, ROOT, page_path

REGISTRY = ROOT / "data" / "published-versions.txt"
LINES = [line.split() for line in REGISTRY.read_text(encoding="utf-8").splitlines() if line and not line.startswith("#")]
FROZEN = [line for line in LINES if line[2] != "current"]  # DOC VERSION SHA256-EN SHA256-FR COMMIT


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
    doc, version, *hashes = line
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
# The terms and the privacy page of one version link to each other's archive of the same time.
VERSION_LINK = re.compile(r"\]\((terms|privacy)/versions/\d+\.\d+\.md")


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
    doc, version, commit = line[0], line[1], line[-1]
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
