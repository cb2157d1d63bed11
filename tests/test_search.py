"""Search finds what customers type: their words, product names, error messages, in both languages.

Two sets of queries, each with the page the search must list among its first three results:
tests/search_queries.yml, the tuning set (the search's words and weights are tuned on it; a few
queries also name the section, page#anchor, that must come first), and tests/search_heldout.yml,
written from how customers ask by someone who does not tune the search, and never tuned on. Material's
own search worker runs on the built index in Node (tests/search.mjs): the same code, lunr and stemmers
a browser runs, patched as the site sends it, without a browser. The tuning set must find 98% in
each language, the held-out set 95%; each test prints the share and the misses.

A held-out set whose misses have been seen is burned: its queries join the tuning set and a new set
is written apart (the first one, measured once at 93.8% / 93.2% on 6 December 2026, went that way, then
the second, measured once the same day at 93.5% / 93.0%, and the third, at 94.3% / 94.6%); the
fourth, written blind, measured once the same day at 97.1% / 96.4%, is tests/search_heldout.yml.
Between the two, tests/search_heldout.yml may be absent from a branch: its tests then skip, saying
so, and fail when CI is set (the lead merges the new set before the suite runs in CI).
"""

from __future__ import annotations

import atexit
import functools
import json
import select
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml
from browser import unavailable

from conftest import LANGUAGES, ROOT

# libyaml's safe loader when PyYAML has it: the same YAML, read by every test process at collection in a tenth
# of the time.
SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
QUERIES = yaml.load((ROOT / "tests" / "search_queries.yml").read_text(encoding="utf-8"), Loader=SAFE_LOADER)
HELDOUT_FILE = ROOT / "tests" / "search_heldout.yml"
# The share of each set's queries that must find their page among the first three, in each language (issue 31).
SETS = {"tuning": 0.98, "held-out": 0.95}


def held_out(path: Path = HELDOUT_FILE) -> dict[str, list[dict]]:
    """The held-out queries; an absent file skips the test that needs it, saying why (a failure when CI is set)."""
    if not path.exists():
        unavailable(
            f"tests/{path.name} is absent: the held-out set is written apart from the tuning and merged by the lead "
            "(the previous one, its misses seen, joined tests/search_queries.yml)"
        )
    return yaml.load(path.read_text(encoding="utf-8"), Loader=SAFE_LOADER)


def queries_of(name: str) -> dict[str, list[dict]]:
    return QUERIES if name == "tuning" else held_out()


def run_search(site: Path, lang: str, queries: list[str], what: str = "pages") -> list[Any]:
    """Per query, the pages found, best first, each as its items' locations in Material's order (or, with
    what="terms", the first result's words: {word: found})."""
    worker = _search_worker(str(site), lang)
    worker.stdin.write(json.dumps({"queries": queries, "what": what}, ensure_ascii=False) + "\n")
    worker.stdin.flush()
    ready, _, _ = select.select([worker.stdout], [], [], 120)
    line = worker.stdout.readline() if ready else ""
    if not line:
        worker.kill()
        _search_worker.cache_clear()
        pytest.fail(f"tests/search.mjs gave no answer:\n{worker.stderr.read()[-2000:]}", pytrace=False)
    return json.loads(line)


@functools.cache
def _search_worker(site: str, lang: str) -> subprocess.Popen[str]:
    """Material's search worker on a site's index in one Node process per test process and language: it builds
    the index once (0.6 s), then answers every test's queries (tests/search.mjs, without a file of queries)."""
    node = shutil.which("node")
    if node is None:
        unavailable("node not found: install Node.js 20 (the search runs Material's worker in Node)")
    worker = subprocess.Popen(
        [node, str(ROOT / "tests" / "search.mjs"), site, lang], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
        stderr=subprocess.PIPE, text=True, encoding="utf-8",
    )
    atexit.register(worker.kill)
    return worker


def answers(case: dict[str, object]) -> list[str]:
    """The pages that answer a query: `page: PATH` (or a list of them), or `pages: [PATH, PATH]` when two answer
    equally well (the held-out set's form)."""
    wanted = case["pages"] if "pages" in case else case["page"]
    return list(wanted) if isinstance(wanted, list) else [wanted]


def pages(groups: list[list[str]]) -> list[str]:
    return [group[0].split("#")[0] for group in groups]


def report(text: str) -> None:
    """Printed at the end of the test run (tests/conftest.py), also when tests run in parallel."""
    reports = ROOT / "test-reports"
    reports.mkdir(exist_ok=True)
    with open(reports / "summary.txt", "a", encoding="utf-8") as summary:
        summary.write(text + "\n")


@pytest.mark.parametrize("name", SETS)
def test_each_set_has_a_hundred_queries_or_more_in_each_language(name: str) -> None:
    queries = queries_of(name)
    for lang in LANGUAGES:
        assert len(queries[lang]) >= 100, f"{name} {lang}: {len(queries[lang])} queries, expected 100 or more"
        typed = [case["q"].lower() for case in queries[lang]]
        twice = sorted({q for q in typed if typed.count(q) > 1})
        for case in queries[lang]:
            for page in answers(case):
                source = ROOT / "docs" / f"{page.rstrip('/') or 'index'}.md"  # "" is the home page
                assert source.is_file(), f"{name} {lang}: {case['q']!r} names a page that does not exist: /{page}"
        assert not twice, f"{name} {lang}: listed twice: {twice}"
        if name == "held-out":
            tuning = {case["q"].lower() for case in QUERIES[lang]}
            both = [case["q"] for case in queries[lang] if case["q"].lower() in tuning]
            assert not both, f"{lang}: in both sets, a held-out query must not be tuned on: {both}"


def test_an_absent_held_out_set_skips_saying_why_and_fails_in_ci(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Between a burned held-out set and the new one, a branch has none: a clear skip, never a silent pass; in CI
    (where the lead has merged the new set) a failure."""
    absent = tmp_path / "search_heldout.yml"
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception, match="search_heldout.yml is absent"):
        held_out(absent)
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="search_heldout.yml is absent.*CI is set"):
        held_out(absent)
    absent.write_text("en: [{q: mail, page: mail/setup/}]\n", encoding="utf-8")
    assert held_out(absent) == {"en": [{"q": "mail", "page": "mail/setup/"}]}


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("name", SETS)
def test_customers_queries_find_their_page_in_the_first_three(site: Path, name: str, lang: str) -> None:
    minimum = SETS[name]
    cases = queries_of(name)[lang]
    results = run_search(site, lang, [case["q"] for case in cases])
    misses = []
    for case, groups in zip(cases, results):
        wanted = answers(case)
        if not set(wanted) & set(pages(groups)[:3]):
            found = ", ".join("/" + group[0] for group in groups[:3]) or "nothing"
            misses.append(f"  {case['q']!r}: expected /{' or /'.join(wanted)}, got {found}")
    share = 1 - len(misses) / len(cases)
    line = f"search {name} {lang}: {len(cases) - len(misses)}/{len(cases)} queries ({share:.1%}) list their page in the first three"
    report(line + "".join(f"\n{miss}" for miss in misses))
    assert share >= minimum, f"{name} {lang}: {share:.1%} of the queries found their page, expected {minimum:.0%}:\n" + "\n".join(misses)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_section_that_answers_comes_first_under_its_page(site: Path, lang: str) -> None:
    """Material shows each page with its best sections under it: for these queries the first result is the page
    and, right under it with its opening words, the section that answers (page#anchor), not the page's top."""
    cases = [case for case in QUERIES[lang] if "section" in case]
    assert len(cases) >= 5, f"{lang}: {len(cases)} queries name their section, expected a few"
    results = run_search(site, lang, [case["q"] for case in cases])
    misses = [
        f"  {case['q']!r}: expected {case['section']} first, got {groups[0][:2] if groups else 'nothing'}"
        for case, groups in zip(cases, results)
        if not groups or groups[0][0] != case["section"]
    ]
    assert not misses, f"{lang}: the section does not come first:\n" + "\n".join(misses)


# Words typed in another form than the page's: the same sections, in the same order.
SAME_RESULTS = {
    "fr": [
        ("sécurité", "securite"),  # accents left out
        ("récupérer messages effacés", "recuperer message efface"),  # and the singular
        ("paramètres", "parametre"),
        ("absence", "d'absence"),  # an elided article
        ("supprimer", "supprimé"),  # the verb and its participle: one stem
    ],
    "en": [
        ("email", "emails"),
        ("delete", "deleted"),
        ("forward", "forwarding"),
        ("colleague", "colleague's"),
    ],
}


@pytest.mark.parametrize("lang", LANGUAGES)
def test_a_word_in_another_form_finds_the_same_sections(site: Path, lang: str) -> None:
    """The index and the query go through one pipeline (artelabs/postbuild/assets.py): elision, stop words, the
    accents folded, the language's stemmer; a French query finds French pages only."""
    pairs = SAME_RESULTS[lang]
    results = run_search(site, lang, [q for pair in pairs for q in pair])
    for (one, other), first, second in zip(pairs, results[::2], results[1::2]):
        assert first, f"{lang}: {one!r} finds nothing"
        assert [g[0] for g in first[:5]] == [g[0] for g in second[:5]], f"{lang}: {one!r} and {other!r} differ"
    (serveurs,) = run_search(site, lang, ["serveurs" if lang == "fr" else "servers"])
    assert "mail/setup/" in pages(serveurs)[:3], serveurs
    index = json.loads((site / ("" if lang == "en" else lang) / "search" / "search_index.json").read_text(encoding="utf-8"))
    assert index["config"]["lang"] == [lang] and "stemmer" in index["config"]["pipeline"]


def test_stop_words_typed_do_not_drown_the_words_that_matter(site: Path) -> None:
    """Material appends a wildcard to every word typed: "i" matched every word starting with i. Stop words are left
    out of the query, so a question finds what its meaningful words find."""
    (question, words) = run_search(site, "en", ["how do I set up an out of office", "set up out office"])
    assert [g[0] for g in question[:3]] == [g[0] for g in words[:3]]
    assert run_search(site, "en", ["the"]) == [[]]


def test_customers_words_are_in_the_index_and_on_no_page(site: Path) -> None:
    """data/search-keywords.yml adds words to a section of the index of its language; no page shows them."""
    keywords = yaml.safe_load((ROOT / "data" / "search-keywords.yml").read_text(encoding="utf-8"))
    key, words = "/mail/mailbox/#restore", {"en": "undelete", "fr": "ramener"}
    for lang in LANGUAGES:
        assert words[lang] in keywords[key][lang]
        root = site if lang == "en" else site / lang
        index = json.loads((root / "search" / "search_index.json").read_text(encoding="utf-8"))
        (section,) = [doc for doc in index["docs"] if doc["location"] == key.lstrip("/")]
        assert words[lang] in section["keywords"].split() and words[lang] not in section["text"]
        assert index["config"]["fields"]["title"]["boost"] > index["config"]["fields"]["keywords"]["boost"] > 1
    shown = [p for p in site.rglob("*.html") if "undelete" in p.read_text(encoding="utf-8")]
    assert shown == [], f"a keyword is shown on {shown}"


# -----------------------------------------------------------------------------
# data/search-keywords.yml: a key naming no searched section stops the build in one line
# -----------------------------------------------------------------------------


def keywords_copy(tmp_path: Path, old: str, new: str) -> Path:
    data = tmp_path / "data"
    (data / "schemas").mkdir(parents=True)
    for name in ("schemas/search-keywords.schema.json", "anchors.txt"):
        (data / name).write_bytes((ROOT / "data" / name).read_bytes())
    text = (ROOT / "data" / "search-keywords.yml").read_text(encoding="utf-8")
    assert old in text, old
    (data / "search-keywords.yml").write_text(text.replace(old, new, 1), encoding="utf-8")
    return data / "search-keywords.yml"


def line_of(text: str) -> int:
    source = (ROOT / "data" / "search-keywords.yml").read_text(encoding="utf-8")
    return source[: source.index(text)].count("\n") + 1


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ("/mail/mailbox/#auto-reply:", "/mail/mailbox/#autoreply:",
         "{line}: /mail/mailbox/#autoreply: no such page#anchor in data/anchors.txt (did you mean "
         "/mail/mailbox/#auto-reply?), expected a section that exists"),
        ("/mail/mailbox/#auto-reply:", "/mail/mailbox/#sources:",
         "{line}: /mail/mailbox/#sources: this section is not searched (sources, history, earlier versions), "
         "expected a section of a page's current text"),
        ("/mail/mailbox/#auto-reply:", "/mail/mailbox/#auto-reply-x:",
         "{line}: /mail/mailbox/#auto-reply-x: no such page#anchor in data/anchors.txt (did you mean "
         "/mail/mailbox/#auto-reply?), expected a section that exists"),
        ("/mail/mailbox/#auto-reply:", "/mail/nowhere/#out:",
         "{line}: /mail/nowhere/#out: no such page#anchor in data/anchors.txt, expected a section that exists"),
        ("/mail/mailbox/#auto-reply:", "mail/mailbox/#auto-reply:",
         "{line}: mail/mailbox/#auto-reply: a key that is not allowed, expected a section as in data/anchors.txt, "
         "such as /mail/mailbox/#auto-reply (/#webmail on the home page)"),
        ("/mail/mailbox/#auto-reply:\n  en: [holiday, vacation, away, away message, absence, autoresponder, auto responder, "
         "autoreply, out-of-office]\n  fr:",
         "/mail/mailbox/#auto-reply:\n  en: [holiday, vacation, away, away message, absence, autoresponder, auto responder, "
         "autoreply, out-of-office]\n  fe:",
         "{line}: /mail/mailbox/#auto-reply: missing key 'fr', expected en, fr"),
    ],
    ids=["typo", "sources", "near-miss", "no-such-page", "no-slash", "language"],
)
def test_a_keyword_key_that_names_no_section_is_refused_in_one_line(tmp_path: Path, old: str, new: str, expected: str) -> None:
    from artelabs import datafile

    path = keywords_copy(tmp_path, old, new)
    with pytest.raises(datafile.DataError) as refused:
        datafile.load_search_keywords(path)
    message = str(refused.value)
    assert "\n" not in message and message.startswith("data/search-keywords.yml:" + expected.format(line=line_of(old))), message


def test_a_keyword_key_on_an_anchor_that_starts_no_section_is_refused_in_one_line(site: Path) -> None:
    """A content tab (/mail/setup/#clients-android) is in data/anchors.txt but starts no section of the index: the
    build stops, naming the file, the line and the key; a page's first heading stands for its opening words."""
    import re

    from artelabs import search

    docs = json.loads((site / "search" / "search_index.json").read_text(encoding="utf-8"))["docs"]
    words = {"en": ["phone"], "fr": ["natel"]}
    with pytest.raises(search.SearchError) as refused:
        search.section_keywords(docs, site, "en", {"/mail/setup/#clients-android": words}, lambda key: f"data/x.yml:7: {key}")
    assert re.fullmatch(r"data/x\.yml:7: /mail/setup/#clients-android: no section of the en search index starts at this "
                        r"anchor \(.*\), expected the anchor of a heading", str(refused.value)), refused.value
    assert search.section_keywords(docs, site, "en", {"/mail/mailbox/#mailbox": words}, str) == {"mail/mailbox/": ["phone"]}


def test_the_hidden_text_holds_each_word_once_without_stop_words(site: Path, tmp_path: Path) -> None:
    """The rest of a section's text (`more`) is what the search reads of it, not what a page shows: each word once,
    none the search drops (lunr's stop words, read from the built site); a Material whose lists moved stops the build
    in one line."""
    from artelabs import search

    for lang in LANGUAGES:
        stop = search.stop_words(site, lang)
        assert {"the", "and"} <= stop if lang == "en" else {"de", "la", "vous"} <= stop, sorted(stop)[:10]
        index = json.loads((site / ("" if lang == "en" else lang) / "search" / "search_index.json").read_text(encoding="utf-8"))
        mores = [doc["more"].split() for doc in index["docs"] if "more" in doc]
        assert len(mores) > 50
        for words in mores:
            assert len(words) == len(set(words)) and not stop & set(words), words
    # A French section holds its English title and English customers' words (for English words typed on a French
    # page), without their stop words: Material leaves a stop word typed that no page holds out of "Missing".
    index = json.loads((site / "fr" / "search" / "search_index.json").read_text(encoding="utf-8"))
    (listing,) = [doc for doc in index["docs"] if doc["location"] == "#all-pages"]  # All pages; list of pages
    assert "list" in listing["more"].split() and not {"all", "of"} & set(listing["more"].split()), listing
    with pytest.raises(search.SearchError) as refused:
        search.stop_words(tmp_path, "fr")
    assert str(refused.value).startswith("assets/javascripts/lunr/min/lunr.fr.min.js: no stop word list found, expected")
    assert "\n" not in str(refused.value)


def test_the_list_of_every_page_is_searched_by_its_title_only(site: Path) -> None:
    """The home page's list of pages answers "all pages" or a site map; a page's name still finds that page."""
    for lang, query, name in (("en", "site map", "privacy"), ("fr", "plan du site", "confidentialité")):
        index = json.loads((site / ("" if lang == "en" else lang) / "search" / "search_index.json").read_text(encoding="utf-8"))
        (listing,) = [doc for doc in index["docs"] if doc["location"] == "#all-pages"]
        assert listing["text"] == "" and "confidentialit" not in listing.get("more", ""), listing
        found, other = run_search(site, lang, [query, name])
        assert found and found[0][0] == "#all-pages", found[:3]
        assert "#all-pages" not in [item for group in other[:3] for item in group], other[:3]


def test_the_words_missing_under_a_result_are_the_words_typed(site: Path) -> None:
    """Material lists under a result the words it did not find there ("Missing: ..."): the words as typed, not the
    stems the search looks up; a word found keeps its stem (the highlight of the page opened looks for it)."""
    for lang, query, missing in (("en", "forwarding zebras", "zebras"), ("fr", "récupérer girafes", "girafes")):
        (terms,) = run_search(site, lang, [query], "terms")
        assert terms is not None, f"{lang}: {query!r} finds nothing"
        assert terms.get(missing) is False, terms
        assert [word for word, found in terms.items() if found] == ["forward" if lang == "en" else "recuper"], terms


def test_a_synonym_group_matches_its_words_as_written_or_in_the_plural(site: Path) -> None:
    """"Contact us" is not the "contacts" of an address book: a group's plural does not match its singular (list both
    where they mean the same); a word the group writes in the singular matches its plural, a phrase either."""
    from artelabs.search import synonyms_of

    book = [["contacts", "address book", "carddav"]]
    assert synonyms_of("please contact us", book) == []
    assert synonyms_of("sync your contacts", book) == ["address book", "carddav"]
    assert synonyms_of("two attachments", [["attachment", "attached file"]]) == ["attachment", "attached file"]
    assert synonyms_of("create application passwords", [["app password", "application password"]]) == [
        "app password", "application password"]
    index = json.loads((site / "search" / "search_index.json").read_text(encoding="utf-8"))
    (incident,) = [doc for doc in index["docs"] if doc["location"] == "status/#incident"]
    assert "carddav" not in incident.get("more", "") + incident.get("keywords", ""), incident


def test_a_remembered_section_is_the_section_made_again(tmp_path: Path) -> None:
    """The build remembers each section's entry while all it is made from is unchanged (.cache/artelabs/search/):
    the same entries as without the memo, a section whose customers' words or synonyms changed made again."""
    import re

    from artelabs.search import Fields

    docs = [{"location": "mail/setup/#smtp", "title": "Outgoing mail", "text": "<p>Send with SMTP, attachments too.</p>"},
            {"location": "mail/setup/", "title": "Set up", "text": "<p>Your phone.</p>"}]
    groups = [["attachment", "attached file"]]

    def fields(keywords: list[str], synonyms: list[list[str]]) -> Fields:
        return Fields(re.compile(r"[\s\-]+"), synonyms, {"mail/setup/#smtp": keywords}, {}, frozenset({"with"}))

    memo = tmp_path / "search" / "en.json"
    plain = fields(["outbox"], groups).indexed(docs)
    assert fields(["outbox"], groups).indexed(docs, memo) == plain and memo.is_file()
    assert fields(["outbox"], groups).indexed(docs, memo) == plain
    changed = fields(["stuck"], groups).indexed(docs, memo)
    assert changed == fields(["stuck"], groups).indexed(docs) and "stuck" in changed[0]["keywords"]
    other = fields(["stuck"], [["attachment", "enclosure"]]).indexed(docs, memo)
    assert "enclosure" in other[0]["more"] and "attached" not in other[0]["more"]
    memo.write_text("[not a memo", encoding="utf-8")
    assert fields(["outbox"], groups).indexed(docs, memo) == plain
