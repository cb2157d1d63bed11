"""Every version of every legal document (data/legal-versions.yml: terms, privacy, ...) stays published, at its address, with its text.

data/published-versions.txt lists each version ever published. A line is never removed (like the anchor
registry): its pages in both languages and its PDF/A must be built, and a frozen version's sources must not
change (the sha256 of each is in the line). A version still drafted includes the current text (`current`).
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
import yaml
from pypdf import PdfReader

from conftest import LANGUAGES, ROOT, page_path

REGISTRY = ROOT / "data" / "published-versions.txt"
LINES = [line.split() for line in REGISTRY.read_text(encoding="utf-8").splitlines() if line and not line.startswith("#")]


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


@pytest.mark.parametrize("line", [line for line in LINES if line[2] != "current"], ids=lambda line: f"{line[0]}-{line[1]}")
def test_a_frozen_version_keeps_its_text(line: list[str]) -> None:
    doc, version, *hashes = line
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
