"""Search finds what customers type: their words, product names, error messages, in both languages.

tests/search_queries.yml holds how customers phrase things, each with the page the
search must list among its first three results. Material's own search worker runs
on the built index in Node (tests/search.mjs): the same code, lunr and stemmers a
browser runs, without a browser. At least 95% of the queries of each language must
pass; the test prints the share and the misses.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml
from browser import unavailable

from conftest import LANGUAGES, ROOT

QUERIES = yaml.safe_load((ROOT / "tests" / "search_queries.yml").read_text(encoding="utf-8"))
MINIMUM_SHARE = 0.95


def run_search(site: Path, lang: str, queries: list[str], tmp_path: Path) -> list[list[str]]:
    node = shutil.which("node")
    if node is None:
        unavailable("node not found: install Node.js 20 (the search runs Material's worker in Node)")
    file = tmp_path / f"queries-{lang}.json"
    file.write_text(json.dumps(queries, ensure_ascii=False), encoding="utf-8")
    result = subprocess.run(
        [node, str(ROOT / "tests" / "search.mjs"), str(site), lang, str(file)],
        capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    return json.loads(result.stdout)


def report(text: str) -> None:
    """Printed at the end of the test run (tests/conftest.py), also when tests run in parallel."""
    reports = ROOT / "test-reports"
    reports.mkdir(exist_ok=True)
    with open(reports / "summary.txt", "a", encoding="utf-8") as summary:
        summary.write(text + "\n")


def test_each_language_has_forty_queries_or_more() -> None:
    for lang in LANGUAGES:
        assert len(QUERIES[lang]) >= 40, f"{lang}: {len(QUERIES[lang])} queries, expected 40 or more"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_customers_queries_find_their_page_in_the_first_three(site: Path, lang: str, tmp_path: Path) -> None:
    cases = QUERIES[lang]
    results = run_search(site, lang, [case["q"] for case in cases], tmp_path)
    misses = [
        f"  {case['q']!r}: expected /{case['page']}, got {', '.join('/' + page for page in found[:3]) or 'nothing'}"
        for case, found in zip(cases, results)
        if case["page"] not in found[:3]
    ]
    share = 1 - len(misses) / len(cases)
    line = f"search {lang}: {len(cases) - len(misses)}/{len(cases)} queries ({share:.0%}) list their page in the first three"
    report(line + "".join(f"\n{miss}" for miss in misses))
    assert share >= MINIMUM_SHARE, f"{lang}: {share:.0%} of the queries found their page, expected {MINIMUM_SHARE:.0%}:\n" + "\n".join(misses)


def test_a_french_query_finds_only_french_pages_and_the_stemmer_works(site: Path, tmp_path: Path) -> None:
    (serveurs,) = run_search(site, "fr", ["serveurs"], tmp_path)
    assert "mail/setup/" in serveurs[:3], serveurs  # « serveur » on the page: the French stemmer
    index = json.loads((site / "fr" / "search" / "search_index.json").read_text(encoding="utf-8"))
    assert index["config"]["lang"] == ["fr"]
