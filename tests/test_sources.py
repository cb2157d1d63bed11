"""Every instruction rests on sources, each with the date it was checked; publishing refuses stale ones."""

from __future__ import annotations

import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from conftest import LANGUAGES, PAGES, ROOT, copy_repo, soup
from artelabs import datafile

SOURCES_TITLE = {"en": "Sources", "fr": "Sources"}


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_page_ends_with_its_dated_sources(site: Path, lang: str) -> None:
    for path in PAGES:
        article = soup(site, lang, path).select_one("article")
        heading = article.select_one("h2#sources")
        assert heading is not None, f"/{lang}/{path}: no Sources section"
        assert heading.get_text(strip=True).rstrip("¶") == SOURCES_TITLE[lang]
        assert heading.find_next_siblings("h2") == [], f"/{lang}/{path}: the Sources section is not the last"
        items = heading.find_next_sibling("ul", class_="mdx-sources").select("li")
        assert items, f"/{lang}/{path}: the Sources section lists nothing"
        for item in items:
            assert item.select_one("a[href^='https://']"), f"/{lang}/{path}: a source without its address"
            checked = item.select_one(".mdx-sources__checked").get_text()
            assert ("checked on" if lang == "en" else "vérifié le") in checked


def test_every_page_has_sources_in_the_data() -> None:
    more = datafile.load_more(ROOT)
    pages = {(path.rstrip("/") or "index") for path in PAGES}
    assert pages <= set(more["sources"]), f"pages without sources: {sorted(pages - set(more['sources']))}"


def test_publishing_refuses_a_source_checked_more_than_a_year_before(tmp_path: Path) -> None:
    check = datafile  # noqa: F841 (the data is read as publishing reads it)
    from artelabs import publishing as publish_check

    fresh = [p for p in publish_check.problems(ROOT, date(2026, 12, 1)) if "data/sources.yml" in p]
    assert fresh == []
    stale = [p for p in publish_check.problems(ROOT, date(2028, 1, 1)) if "data/sources.yml" in p]
    assert len(stale) == 1 and "checked more than 12 months before 2028-01-01" in stale[0]
    text = (ROOT / "data" / "sources.yml").read_text(encoding="utf-8")
    first = text[: text.index("    checked: ")].count("\n") + 1  # the line to change: the first source's `checked:`
    assert f"check again: line {first} " in stale[0], stale[0]


def test_publishing_refuses_unconfirmed_details_in_one_line(tmp_path: Path) -> None:
    repo = copy_repo(tmp_path / "repo")  # no git: undated too
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "PYTHON": sys.executable}
    result = subprocess.run(
        ["bash", str(repo / "tools" / "publish.sh"), "--dry-run", "user@host:web"], cwd=repo,
        capture_output=True, text=True, env=env, timeout=120,
    )
    assert result.returncode != 0
    refused = [line for line in result.stderr.splitlines() if line.startswith("publish: refused: ")]
    unconfirmed = [line for line in refused if "not confirmed by the company" in line]
    assert len(unconfirmed) == 1 and "legal_name" in unconfirmed[0] and "terms 3.0 effective date" in unconfirmed[0]
    assert any("undated or unversioned" in line for line in refused)
    assert "1/3 build" not in result.stdout, "nothing is built once publishing is refused"
