"""Guard rails: a wrong value never reaches a customer, and a failed build never replaces a good site.

Each test is named after what a person sees. The mistakes are the ones people
make when they edit YAML and Markdown by hand. Most are checked on the function
the build calls (fast); the build itself is run where the whole chain matters:
one ERROR line, no traceback, the previous site untouched.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import COPY_STAMP, ROOT, clean_environment, copy_repo, mkdocs_build, once_per_run
from artelabs import core
from artelabs import datafile
from artelabs import pages
from artelabs import postbuild
from artelabs.postbuild import assets as bundle
from artelabs.postbuild import htaccess as htaccessfile
from artelabs.postbuild import pdf as pdfbook

DATA = ROOT / "data" / "ports.yml"
SCHEMA = ROOT / "data" / "schemas" / "ports.schema.json"


def line_of(fragment: str) -> int:
    """The line of data/ports.yml where fragment starts (the file changes: its lines are not written here)."""
    text = DATA.read_text(encoding="utf-8")
    assert fragment in text, fragment
    return text[: text.index(fragment)].count("\n") + 1


IMAP_ID, IMAP_HOST, IMAP_PORT = line_of("  - id: imap\n"), line_of("    host: mail.infomaniak.com\n"), line_of("    port: 993\n")
POP3_ID, POP3_PORT = line_of("  - id: pop3\n"), line_of("    port: 995\n")
STARTTLS_SECURITY = line_of("    security: starttls\n    recommended: true\n")


def load_edited(tmp_path: Path, old: str, new: str, *, raw: bytes | None = None) -> str:
    """The one-line refusal for data/ports.yml with `old` replaced by `new` (or raw bytes)."""
    path = tmp_path / "ports.yml"
    if raw is not None:
        path.write_bytes(raw)
    else:
        text = DATA.read_text(encoding="utf-8")
        assert old in text, old
        path.write_text(text.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(datafile.DataError) as error:
        datafile.load(path, name="data/ports.yml", schema=SCHEMA)
    message = str(error.value)
    assert "\n" not in message, message
    return message


def tree(folder: Path) -> dict[str, str]:
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


# -----------------------------------------------------------------------------
# Types that mean what they say
# -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("written", "found"),
    [("993.0", "993.0 is a decimal number"), ('"993"', "'993' is text"), ("true", "true (yes/no)"), ("", "found empty")],
    ids=["decimal", "quoted", "boolean", "empty"],
)
def test_a_port_not_written_as_a_whole_number_is_refused(tmp_path: Path, written: str, found: str) -> None:
    message = load_edited(tmp_path, "    port: 993\n", f"    port: {written}\n")
    assert message == f"data/ports.yml:{IMAP_PORT}: mail[imap].port: {found}, expected a whole number from 1 to 65535"


@pytest.mark.parametrize(
    ("written", "found"),
    [
        ('"mail.infomaniak.com\\n"', "holds a line break (\\n)"),
        ('" mail.infomaniak.com"', "has spaces around it"),
        ('"mail.infomaniak.com\\t"', "holds a tab (\\t)"),
    ],
    ids=["final-newline", "leading-space", "tab"],
)
def test_a_host_with_a_hidden_character_is_refused(tmp_path: Path, written: str, found: str) -> None:
    message = load_edited(tmp_path, "    host: mail.infomaniak.com\n", f"    host: {written}\n")
    assert message.startswith(f"data/ports.yml:{IMAP_HOST}: mail[imap].host: ") and found in message


@pytest.mark.parametrize("written", ["mail.infomaniak.com/", "mail infomaniak.com", "https://mail.infomaniak.com", "mail"])
def test_a_host_that_is_not_a_host_name_is_refused_in_words(tmp_path: Path, written: str) -> None:
    message = load_edited(tmp_path, "    host: mail.infomaniak.com\n", f"    host: {written}\n")
    assert message.startswith(f"data/ports.yml:{IMAP_HOST}: mail[imap].host: ")
    assert message.endswith("expected a host name such as mail.example.ch (letters, digits, hyphens and dots)")
    assert "^(" not in message, "a raw regular expression is no help"


def test_a_typo_in_a_key_names_the_key_it_resembles(tmp_path: Path) -> None:
    message = load_edited(tmp_path, "    host: mail.infomaniak.com\n", "    hots: mail.infomaniak.com\n")
    assert message.startswith(f"data/ports.yml:{IMAP_ID}: mail[imap]: ")
    # The missing key or the unknown one, with the near miss named.
    assert "'host'" in message


def test_a_key_written_twice_names_both_lines(tmp_path: Path) -> None:
    message = load_edited(tmp_path, "    port: 993\n", "    port: 993\n    port: 994\n")
    assert message == f"data/ports.yml:{IMAP_PORT + 1}: key 'port' is written twice (first on line {IMAP_PORT}), expected each key once"


def test_an_id_used_twice_is_named_by_its_line(tmp_path: Path) -> None:
    message = load_edited(tmp_path, "  - id: pop3\n", "  - id: imap\n")
    assert message.startswith(f"data/ports.yml:{POP3_ID}: mail: id 'imap' is used twice")


def test_bytes_that_are_not_utf8_give_one_line(tmp_path: Path) -> None:
    raw = DATA.read_bytes().replace("Télécharge".encode(), "Télécharge".encode("latin-1"), 1)
    message = load_edited(tmp_path, "", "", raw=raw)
    assert re.fullmatch(r"data/ports\.yml:\d+: byte 0xe9 at column \d+ is not UTF-8, expected the file saved as UTF-8 text", message)


@pytest.mark.parametrize("raw", [b"", b"\n\n", b"# only a comment\n"], ids=["empty", "blank", "comment"])
def test_an_empty_data_file_says_so(tmp_path: Path, raw: bytes) -> None:
    assert load_edited(tmp_path, "", "", raw=raw).startswith("data/ports.yml:1: the file is empty, expected its data")


def test_an_entry_is_named_by_its_id_not_its_position(tmp_path: Path) -> None:
    message = load_edited(tmp_path, "    security: starttls\n    recommended: true\n", "    security: tls\n    recommended: true\n")
    assert message.startswith(f"data/ports.yml:{STARTTLS_SECURITY}: mail[smtp-starttls].security: 'tls' is not allowed")


# -----------------------------------------------------------------------------
# Pages
# -----------------------------------------------------------------------------

PAGE = "---\ndescription: A page.\n---\n\n# Title { #title }\n\nText.\n"


@pytest.mark.parametrize(
    ("markdown", "line", "words"),
    [
        (PAGE + "\n## No id here\n", 9, "heading 'No id here' has no id"),
        (PAGE + "\n## Again { #title }\n", 9, "id 'title' is used twice on this page (first on line 5)"),
        ("---\ndescription: [A page\n---\n\n# T { #t }\n", 3, "front matter is not valid YAML"),
        ("---\ntitle: x\n---\n\n# T { #t }\n", 1, "no description: in the front matter"),
        ("# T { #t }\n", 1, "no front matter"),
        (PAGE + "\n[Click](javascript:alert(1))\n", 9, "a javascript: link"),
        (PAGE + '\n<a href=" JavaScript:go()">x</a>\n', 9, "a javascript: link"),
        # Front matter: only the fields this site reads, each what it must be (a title is text: hooks/pages.py)
        ("---\ndescription: A page.\ntemplate: redirect.html\n---\n\n# T { #t }\n", 3,
         "front matter field 'template' is not one this site reads, expected only description, title, search, hide, robots"),
        ("---\ndescription: A page.\ntitel: Q&A\n---\n\n# T { #t }\n", 3, "field 'titel' is not one this site reads (did you mean 'title'?)"),
        ("---\ndescription: A page.\nauthor: <script>x()</script>\n---\n\n# T { #t }\n", 3, "field 'author' is not one"),
        ("---\ndescription: A page.\ntitle: no\n---\n\n# T { #t }\n", 3, "front matter title: false (yes/no) (quote it to make it text)"),
        ("---\ndescription: A page.\ntitle: [Q, A]\n---\n\n# T { #t }\n", 3, "front matter title: found a list, expected the page's title"),
        ("---\ndescription: A page.\ntitle: \"Q&A\\nSign in\"\n---\n\n# T { #t }\n", 3, "front matter title: 'Q&A\\nSign in' holds a line break"),
        ("---\ndescription: 2026\n---\n\n# T { #t }\n", 2, "front matter description: 2026 (quote it to make it text)"),
        ("---\ndescription: A page.\ntitle: 2026-12-01\n---\n\n# T { #t }\n", 3, "front matter title: 2026-12-01 (a date) (quote it"),
        ("---\ndescription: A page.\ntitle: 2026-02-30\n---\n\n# T { #t }\n", 3,  # found by generation: was a traceback
         "front matter value cannot be read (day is out of range for month), expected it in quotes if it is text"),
        ("---\ndescription: A page.\nrobots: 'noindex\"><script>x()</script>'\n---\n\n# T { #t }\n", 3,
         "front matter robots: 'noindex\"><script>x()</script>', expected words for search engines separated by commas"),
        ("---\ndescription: A page.\nhide: navigation\n---\n\n# T { #t }\n", 3, "front matter hide: 'navigation' is text, expected a list"),
        ("---\ndescription: A page.\nsearch: yes\n---\n\n# T { #t }\n", 3, "front matter search: true (yes/no), expected boost:"),
        ("---\ndescription: A page.\nsearch:\n  exlcude: true\n---\n\n# T { #t }\n", 3, "front matter search: unknown key 'exlcude'"),
        # A character no output can carry, at its real line
        (PAGE + "\nQ&A\ufffe here.\n", 9, "U+FFFE (a Unicode noncharacter) at column 4, expected text that a page and its PDF can carry"),
        (PAGE + "\n\ue000ports:imap.port\ue001 typed.\n", 9, "U+E000 (a private-use character this site's build uses for its markers)"),
    ],
    ids=["heading-without-id", "id-twice", "front-matter", "no-description", "no-front-matter", "javascript-md", "javascript-html",
         "template", "title-typo", "author-script", "title-yes-no", "title-list", "title-two-lines", "description-number", "title-date", "title-no-such-day",
         "robots-script", "hide-text", "search-yes", "search-typo", "noncharacter", "marker-token"],
)
def test_a_page_mistake_is_refused_with_its_line(markdown: str, line: int, words: str) -> None:
    problem = pages.check(markdown)
    assert problem is not None and problem[0] == line and words in problem[1], problem


def test_code_in_a_page_is_not_checked_as_a_heading() -> None:
    assert pages.check(PAGE + "\n```sh\n# a shell comment\n```\n") is None


def test_the_fields_the_site_reads_are_accepted_as_written() -> None:
    page = ("---\ntitle: 'Q&A: <mail> & \"quotes\"'\ndescription: >-\n  Folded\n  over two lines.\nrobots: noindex, nofollow\n"
            "search:\n  boost: 2\n  exclude: false\nhide:\n  - navigation\n  - toc\n---\n\n# T { #t }\n")
    assert pages.check(page) is None


@pytest.mark.parametrize(
    ("built", "says"),
    [
        ("mail/limits/index.html", "docs/mail/limits.md, built as mail/limits/index.html:11: "),
        ("fr/mail/limits/index.html", "docs/mail/limits.fr.md, built as fr/mail/limits/index.html:11: "),
        ("fr/index.html", "docs/index.fr.md, built as fr/index.html:11: "),
        ("404.html", "404.html:11: "),  # a template's page: as it is
    ],
)
def test_a_refusal_found_in_a_built_page_names_its_source_first(built: str, says: str) -> None:
    """The checks after the build (the Content-Security-Policy's) read built pages: the file to edit is the source."""
    message = f"{built}:11: an inline script that no template of the site writes ('x()'), expected none"
    assert pages.at_source(message, ROOT / "docs", ["en", "fr"], "en") == says + message.split(": ", 1)[1]


def test_a_link_warning_of_an_included_text_names_the_text_not_the_version_page() -> None:
    """MkDocs checks the links of a version's page, which holds only `<!-- versions:include terms -->`: its warning
    names docs/terms.md (the file to edit), with the link as written there."""
    import importlib.util
    import logging

    spec = importlib.util.spec_from_file_location("markers_hook", ROOT / "hooks" / "markers.py")
    hook = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(hook)
    hook._included.clear()
    hook._included.update({"terms/versions/3.1.fr.md": ("terms.fr.md", "../../")})
    record = logging.LogRecord("mkdocs.structure.pages", logging.WARNING, __file__, 1,
                               "Doc file 'terms/versions/3.1.fr.md' contains a link '../../mail/limits.md#storagee', but …", (), None)
    assert hook._IncludedLinks().filter(record)
    assert record.getMessage() == ("Doc file 'terms.fr.md' (the current text that 'terms/versions/3.1.fr.md' includes) "
                                   "contains a link 'mail/limits.md#storagee', but …")


# -----------------------------------------------------------------------------
# Content-Security-Policy: parsed HTML, not patterns
# -----------------------------------------------------------------------------


def test_a_script_with_a_gt_in_an_attribute_gets_the_hash_of_its_text(tmp_path: Path) -> None:
    (tmp_path / "index.html").write_text('<p title="a style= b">x</p><script data-x="a>b">go()</script>', encoding="utf-8")
    scripts, _ = htaccessfile.inline_hashes(tmp_path)
    assert scripts == [htaccessfile.csp_hash("go()")]


def test_a_javascript_link_in_a_built_page_stops_the_build(tmp_path: Path) -> None:
    (tmp_path / "index.html").write_text('<a href="javascript:void(0)">x</a>', encoding="utf-8")
    with pytest.raises(htaccessfile.PolicyError, match=r"^index\.html:1: <a href=.*javascript: link"):
        htaccessfile.inline_hashes(tmp_path)


def test_a_page_parsed_for_htaccess_is_remembered_by_its_text(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The same page is not parsed again; a page whose text changed is, and is checked again."""
    site, cache = tmp_path / "site", tmp_path / "cache" / "htaccess.json"
    site.mkdir()
    (site / "index.html").write_text("<script>go()</script>", encoding="utf-8")
    first = htaccessfile.inline_hashes(site, cache)
    parsed: list[str] = []
    real = htaccessfile._Page
    monkeypatch.setattr(htaccessfile, "_Page", lambda name: parsed.append(name) or real(name))
    assert htaccessfile.inline_hashes(site, cache) == first and parsed == []
    (site / "index.html").write_text('<script>go()</script><a href="javascript:x()">x</a>', encoding="utf-8")
    with pytest.raises(htaccessfile.PolicyError, match="javascript: link"):
        htaccessfile.inline_hashes(site, cache)
    assert parsed == ["index.html"]


# -----------------------------------------------------------------------------
# A failed build never replaces a good site
# -----------------------------------------------------------------------------


# The newest version's page of the terms, which includes the current text.
INCLUDING = next(f"docs/terms/versions/{line.split()[1]}.md" for line in
                 (ROOT / "data" / "published-versions.txt").read_text(encoding="utf-8").splitlines()
                 if line.startswith("terms ") and line.split()[2:] == ["current"])


def _dpa_mistake() -> tuple[str, str]:
    """The first status of an annex detail, mistyped ('confimred'): (that line, the line mistyped)."""
    for line in (ROOT / "data" / "dpa.yml").read_text(encoding="utf-8").splitlines(keepends=True):
        if not line.lstrip().startswith("#") and re.search(r"status: (un)?confirmed\}", line):
            return line, re.sub(r"status: (un)?confirmed\}", "status: confimred}", line)
    raise AssertionError("data/dpa.yml has no detail with a status: update this test")


DPA_MISTAKE = _dpa_mistake()


def _good_build(work: Path) -> None:
    repo = copy_repo(work / "repo")  # no git history here: dated and named by conftest.COPY_STAMP
    result = mkdocs_build(repo, work / "out")
    assert result.returncode == 0, result.stderr[-2000:]


@pytest.fixture(scope="session")
def good_build(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, dict[str, str]]:
    """A copy of the sources and a first, good build of it (HTML only), once per test run for every worker.

    Nobody changes them: a test that edits the sources edits its own copy, and a test that builds into the
    output folder builds into its own copy of it (`own_output`)."""
    work = once_per_run(tmp_path_factory, "guard", _good_build)
    return work / "repo", work / "out", tree(work / "out")


def own_output(good_build: tuple[Path, Path, dict[str, str]], tmp_path: Path) -> Path:
    """The good build's output, copied for one test to build into (the same files, in a folder of its own)."""
    return Path(shutil.copytree(good_build[1], tmp_path / "out"))


@pytest.mark.parametrize(
    ("file", "old", "new", "error"),
    [
        ("data/ports.yml", "    port: 993\n", "    port: [993\n", r"^ERROR\s+-\s+data/ports\.yml:\d+: YAML syntax error: .+$"),
        (
            "data/ports.yml", "    host: mail.infomaniak.com\n", "",
            rf"^ERROR\s+-\s+data/ports\.yml:{IMAP_ID}: mail\[imap\]: missing key 'host', expected id, protocol, .+$",
        ),
        (
            "data/ports.yml", "    port: 995\n", "    port: 99999\n",
            rf"^ERROR\s+-\s+data/ports\.yml:{POP3_PORT}: mail\[pop3\]\.port: 99999, expected a whole number from 1 to 65535$",
        ),
        (
            "data/ports.yml", "    port: 993\n", "    port: 993.0\n",
            rf"^ERROR\s+-\s+data/ports\.yml:{IMAP_PORT}: mail\[imap\]\.port: 993\.0 is a decimal number, expected a whole number "
            r"from 1 to 65535$",
        ),
        (
            "docs/mail/ports.fr.md", "<!-- ports:table standard -->", "<!-- ports:table standard -->\n\nPort <!-- ports:imap.prot -->.",
            r"^ERROR\s+-\s+docs/mail/ports\.fr\.md:\d+: unknown marker '<!-- ports:imap\.prot -->', expected .+$",
        ),
        (
            "docs/mail/ports.fr.md", "<!-- ports:table standard -->", "<!-- port:table standard -->",
            r"^ERROR\s+-\s+docs/mail/ports\.fr\.md:\d+: unknown marker '<!-- port:table standard -->', expected .+$",
        ),
        ("docs/mail/ports.fr.md", "{ #port-25 }", "", r"^ERROR\s+-\s+docs/mail/ports\.fr\.md:\d+: heading .* has no id"),
        ("docs/status.fr.md", "\n## ", "\n[lien](absent.md)\n\n## ", r"absent\.md"),
        # A marker that names nothing: the version's page would be published without its text.
        (INCLUDING, "<!-- versions:include terms -->", "<!-- versions:include Terms -->",
         rf"^ERROR\s+-\s+{re.escape(INCLUDING)}:\d+: unknown marker '<!-- versions:include Terms -->', expected "
         r"'versions:include DOC', DOC a document of data/legal-versions\.yml: .*\('versions:include terms'\)$"),
        # A mistake in a data file that only a marker reads: the data file's line first, the one to edit.
        ("data/dpa.yml", *DPA_MISTAKE,
         r"^ERROR\s+-\s+data/dpa\.yml:\d+: versions\[1\.1\]\.subprocessors\[\w+\]\.\w+\.status: 'confimred' is not allowed, expected one of "
         r"confirmed, unconfirmed \(needed by the marker on docs/dpa(\.fr)?\.md:\d+\)$"),
    ],
    ids=["yaml-syntax", "missing-key", "port-out-of-range", "port-as-decimal", "unknown-value", "marker-typo",
         "heading-without-id", "french-pass-warning", "include-names-nothing", "data-mistake-of-a-marker"],
)
def test_a_failed_build_leaves_the_previous_site_as_it_was(
    good_build: tuple[Path, Path, dict[str, str]], file: str, old: str, new: str, error: str, tmp_path: Path
) -> None:
    _, _, before = good_build
    repo, out = copy_repo(tmp_path / "repo"), own_output(good_build, tmp_path)  # the same sources, to edit
    path = repo / file
    original = path.read_text(encoding="utf-8")
    assert old in original
    path.write_text(original.replace(old, new, 1), encoding="utf-8")
    try:
        result = mkdocs_build(repo, out)
    finally:
        path.write_text(original, encoding="utf-8")
    assert result.returncode != 0, "the build did not stop"
    errors = [line for line in result.stderr.splitlines() if line.startswith("ERROR")]
    if error.startswith("^"):  # a mistake in the sources: one ERROR line that says it all
        assert len(errors) == 1 and re.search(error, errors[0]), result.stderr[-1500:]
    else:  # a strict-mode warning of the French pass, after the English pages were written
        assert re.search(error, result.stderr), result.stderr[-1500:]
    assert "Traceback" not in result.stderr
    assert tree(out) == before, "the previous site changed"
    assert not list(out.parent.glob(f".{out.name}.building-*")), "the temporary build folder was left behind"


def test_a_second_build_into_the_same_folder_waits_its_turn(good_build: tuple[Path, Path, dict[str, str]], tmp_path: Path) -> None:
    repo, _, before = good_build
    out = own_output(good_build, tmp_path)
    with open(out.parent / f".{out.name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)  # a build in progress
        result = mkdocs_build(repo, out)
    errors = [line for line in result.stderr.splitlines() if line.startswith("ERROR")]
    assert result.returncode != 0 and len(errors) == 1 and "another build is writing it now" in errors[0], result.stderr
    assert tree(out) == before


def test_a_good_build_replaces_the_site_whole(good_build: tuple[Path, Path, dict[str, str]], tmp_path: Path) -> None:
    repo, _, before = good_build
    out = own_output(good_build, tmp_path)
    (out / "stale-file.html").write_text("left from an old build", encoding="utf-8")
    result = mkdocs_build(repo, out)
    assert result.returncode == 0, result.stderr[-1500:]
    assert tree(out) == before, "the new site is the build, nothing more, nothing less"


# -----------------------------------------------------------------------------
# Dating and the cache
# -----------------------------------------------------------------------------


def test_a_build_outside_git_without_a_date_warns_in_one_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Sources without git history, and no SOURCE_DATE_EPOCH or ARTELABS_VERSION: one warning of one line,
    and the process's environment is left as it was."""
    import logging

    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    monkeypatch.delenv("ARTELABS_VERSION", raising=False)
    records: list[logging.LogRecord] = []
    handler = logging.Handler()
    handler.emit = records.append  # type: ignore[method-assign]
    logging.getLogger("artelabs").addHandler(handler)
    try:
        core.start(tmp_path)
        core.finish()
    finally:
        logging.getLogger("artelabs").removeHandler(handler)
    warnings = [r.getMessage() for r in records if r.levelno == logging.WARNING]
    assert len(warnings) == 1 and "SOURCE_DATE_EPOCH and ARTELABS_VERSION" in warnings[0], warnings
    assert "undated" in warnings[0] and "\n" not in warnings[0]
    assert core.build_date() is None and core.version() is None
    assert "SOURCE_DATE_EPOCH" not in os.environ


def test_git_information_comes_only_from_the_project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A checkout inside another repository does not take that repository's date or commit."""
    monkeypatch.setattr(core, "_root", tmp_path / "project")
    (tmp_path / "project").mkdir()
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    assert core._own_repository() is False


def test_an_undated_pdf_says_so_on_its_cover() -> None:
    site = postbuild.site_from_yaml(Path("/nonexistent"), ROOT / "mkdocs.yml")
    assert site.date is None and site.version is None
    words = site.t("pdf.undated", "fr"), site.t("pdf.unversioned", "fr")
    assert all(words) and pdfbook  # the cover's words exist in both languages
    template = (ROOT / "overrides" / "pdf" / "document.html").read_text(encoding="utf-8")
    assert "date_text" in template and "version" in template


def test_a_cache_that_cannot_be_written_is_skipped_with_one_note(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(datafile, "CACHE", Path("/proc/artelabs-cache"))  # unwritable, even for root
    data = datafile.load(DATA, name="data/ports.yml", schema=SCHEMA)
    assert data["mail"]
    notes = datafile.cache_notes()
    assert len(notes) == 1 and "cannot be written" in notes[0]


def test_the_cache_is_keyed_on_content_not_on_time(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A file restored with an old modification time (cp -p) is checked again, not taken for the old one."""
    monkeypatch.setattr(datafile, "CACHE", tmp_path / "cache")
    good = tmp_path / "ports.yml"
    good.write_bytes(DATA.read_bytes())
    datafile.load(good, name="data/ports.yml", schema=SCHEMA)
    stat = good.stat()
    good.write_text(DATA.read_text(encoding="utf-8").replace("    port: 993\n", "    port: 993.0\n", 1), encoding="utf-8")
    os.utime(good, ns=(stat.st_atime_ns, stat.st_mtime_ns))  # same time, other content
    with pytest.raises(datafile.DataError, match="993.0 is a decimal number"):
        datafile.load(good, name="data/ports.yml", schema=SCHEMA)


# -----------------------------------------------------------------------------
# The staff command
# -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("arguments", "words"),
    [
        (["autoconfig", "-rf"], "'-rf' is not an option"),
        (["autoconfig"], "required: DOMAIN"),
        ([], "required: command"),
        (["autoconfig", "example.ch", "--out"], "expected one argument"),
        (["autoconfig", "example.ch", "--out", "/proc/none"], "cannot write"),
    ],
    ids=["unknown-option", "no-domain", "no-command", "out-without-folder", "unwritable-folder"],
)
def test_the_staff_command_answers_a_bad_argument_in_one_line(arguments: list[str], words: str) -> None:
    result = subprocess.run(
        [sys.executable, str(ROOT / "tools" / "autoconfig.py"), *arguments], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 2
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("autoconfig: ") and words in lines[0], result.stderr


def test_the_staff_command_does_not_replace_a_file_unasked(tmp_path: Path) -> None:
    command = [sys.executable, str(ROOT / "tools" / "autoconfig.py"), "autoconfig", "example.ch", "--out", str(tmp_path)]
    (tmp_path / "config-v1.1.xml").write_text("kept", encoding="utf-8")
    result = subprocess.run(command, capture_output=True, text=True, timeout=60)
    assert result.returncode == 2 and "exists" in result.stderr and "--force" in result.stderr
    assert (tmp_path / "config-v1.1.xml").read_text(encoding="utf-8") == "kept"
    (tmp_path / "file").write_text("x", encoding="utf-8")
    result = subprocess.run([*command[:-1], str(tmp_path / "file")], capture_output=True, text=True, timeout=60)
    assert result.returncode == 2 and "is a file, expected a folder" in result.stderr


# -----------------------------------------------------------------------------
# No worker outlives the build; the preview follows data/ and overrides/
# -----------------------------------------------------------------------------


def test_a_killed_build_leaves_no_worker_and_no_file(good_build: tuple[Path, Path, dict[str, str]], tmp_path: Path) -> None:
    """Killed while the PDF workers run: they die with it, and nothing is written afterwards."""
    import signal
    import time

    repo, _, _ = good_build
    out = tmp_path / "out"
    env = clean_environment(ARTELABS_PDF="1", **COPY_STAMP)
    build = subprocess.Popen(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-q", "-d", str(out)], cwd=repo, env=env,
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
    )
    deadline = time.monotonic() + 120
    children: list[int] = []
    while time.monotonic() < deadline and not children:  # the PDF workers are forked before the HTML build
        time.sleep(0.2)
        children = [int(pid) for pid in Path(f"/proc/{build.pid}/task/{build.pid}/children").read_text().split()] \
            if Path(f"/proc/{build.pid}").exists() else []
    assert children, "the build forked no PDF worker"
    build.send_signal(signal.SIGKILL)
    build.wait()

    def alive() -> list[int]:
        return [pid for pid in children if Path(f"/proc/{pid}").exists() and "zombie" not in Path(f"/proc/{pid}/status").read_text()]

    deadline = time.monotonic() + 3  # the kernel kills them at once (PR_SET_PDEATHSIG): 3 s is plenty on a loaded machine
    while alive() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert alive() == [], "a PDF worker outlived the build"  # gone: nothing can be written after this
    assert not out.exists() or not list(out.rglob("*.pdf")), "a PDF was written after the build was killed"


@pytest.mark.long
def test_the_preview_follows_the_data_and_recovers_after_a_mistake(tmp_path: Path) -> None:
    """`mkdocs serve`: a mistake in the data is reported in one line; fixed, with a port changed, the page
    shows the new port at the next reload. Live reload stays fast: it builds no PDF unless asked
    (ARTELABS_PDF=1), and its pages do not link to one."""
    import socket
    import threading
    import time
    import urllib.error
    import urllib.request

    repo = copy_repo(tmp_path / "repo")  # its own copy: the test edits its data
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    data = repo / "data" / "ports.yml"
    original = data.read_text(encoding="utf-8")
    serve = subprocess.Popen(
        [sys.executable, "-m", "mkdocs", "serve", "-a", f"127.0.0.1:{port}"], cwd=repo,
        env={**{k: v for k, v in os.environ.items() if k != "ARTELABS_PDF"}, "NO_MKDOCS_2_WARNING": "1"},
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, start_new_session=True,
    )

    log: list[str] = []  # what `mkdocs serve` prints, read as it comes (a full pipe would stop it)
    threading.Thread(target=lambda: log.extend(serve.stderr), daemon=True).start()

    def page(path: str = "mail/ports/") -> str:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/{path}", timeout=5) as response:
                return response.read().decode("utf-8")
        except OSError:
            return ""

    def wait_for(condition, what: str) -> None:
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            if condition(page()):
                return
            time.sleep(0.5)
        pytest.fail(f"the preview did not {what} within 90 s")

    try:
        wait_for(lambda html: 'id="port-port-2525"' in html, "start")
        assert "mdx-pdf-link" not in page() and "mdx-pdf-link" not in page("fr/mail/setup/"), "a link to a PDF not built"
        for pdf in ("pdf/artelabs-support-en.pdf", "fr/pdf/artelabs-support-fr.pdf"):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/{pdf}", timeout=5).close()
                pytest.fail(f"mkdocs serve built /{pdf}")
            except urllib.error.HTTPError as error:
                assert error.code == 404, (pdf, error.code)
        data.write_text(original.replace("    port: 993\n", "    port: 993.0\n", 1), encoding="utf-8")
        deadline = time.monotonic() + 90
        while not any("993.0" in line for line in log) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert any("data/ports.yml" in line and "993.0" in line for line in log), "no one-line report:\n" + "".join(log[-20:])
        # MkDocs then holds the browser's requests ("the server will appear stuck") until the data is fixed.
        # Fixed, and a port changed at the same time: the page shows the new port.
        data.write_text(original.replace("  - id: port-2525\n    port: 2525\n", "  - id: port-2525\n    port: 2527\n"), encoding="utf-8")
        wait_for(lambda html: "2527" in html, "recover after the mistake was fixed and show the changed port")
    finally:
        data.write_text(original, encoding="utf-8")
        os.killpg(serve.pid, 15)
        serve.wait(timeout=30)


# -----------------------------------------------------------------------------
# The site's stylesheets, sent without comments (hooks/bundle.py)
# -----------------------------------------------------------------------------


def test_a_stylesheet_comment_left_open_is_refused_with_its_line(tmp_path: Path) -> None:
    """An open comment hides the rest of the file from browsers; a `/*` inside a string is not a comment."""
    from mkdocs.exceptions import PluginError

    css = tmp_path / "assets" / "stylesheets" / "extra.css"
    css.parent.mkdir(parents=True)
    css.write_text('a::before { content: "/* not a comment */"; }\n/* a note */\nb { color: red; }\n', encoding="utf-8")
    bundle.strip_comments(tmp_path, ["assets/stylesheets/extra.css"])
    assert css.read_text(encoding="utf-8") == 'a::before { content: "/* not a comment */"; }\nb { color: red; }\n'
    css.write_text("a { color: red; }\n\n/* a note left open\nb { color: blue; }\n", encoding="utf-8")
    with pytest.raises(bundle.AssetError) as refused:
        bundle.strip_comments(tmp_path, ["assets/stylesheets/extra.css"])
    assert str(refused.value) == "docs/assets/stylesheets/extra.css:3: a comment is not closed, expected /* ... */"


def test_material_s_bundle_is_patched_once_and_refused_when_its_text_changed(tmp_path: Path) -> None:
    """Each patch of Material's bundle and search worker applies once (a second run changes nothing); a file whose
    text changed (a Material upgrade) is refused with the patch's name, not sent half patched."""
    import material

    templates = Path(material.__file__).parent / "templates"
    copies = {}
    for pattern in (bundle.BUNDLE_GLOB, bundle.WORKER_GLOB):
        shipped = next(templates.glob(pattern))
        target = tmp_path / shipped.relative_to(templates)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(shipped.read_bytes())
        copies[pattern] = (shipped, target)
    bundle.patch_bundle(tmp_path)
    (_, target), (shipped_worker, worker) = copies[bundle.BUNDLE_GLOB], copies[bundle.WORKER_GLOB]
    patched, patched_worker = target.read_text(encoding="utf-8"), worker.read_text(encoding="utf-8")
    assert [patched.count(f"/*mdx: {name}*/") for name in bundle.PATCHES] == [1] * len(bundle.PATCHES)
    assert [patched_worker.count(f"/*mdx: {name}*/") for name in bundle.WORKER_PATCHES] == [1] * len(bundle.WORKER_PATCHES)
    assert 'namedItem("search")?ks():tt' not in patched and "new Worker(e)" in patched
    assert "self.mdxSearch.runString(w)" in patched_worker and "let g=.5*!c.parent+" in patched_worker
    bundle.patch_bundle(tmp_path)
    assert target.read_text(encoding="utf-8") == patched and worker.read_text(encoding="utf-8") == patched_worker
    shipped, _ = copies[bundle.BUNDLE_GLOB]
    material_text, _ = bundle.PATCHES["search worker when the search opens"]
    target.write_text(shipped.read_text(encoding="utf-8").replace(material_text, "let r=Mn(e);"), encoding="utf-8")
    with pytest.raises(bundle.AssetError) as refused:
        bundle.patch_bundle(tmp_path)
    assert "found 0 times" in str(refused.value) and "search worker when the search opens" in str(refused.value)
    target.write_text(patched, encoding="utf-8")
    material_text, _ = bundle.WORKER_PATCHES["the words typed through that pipeline"]
    worker.write_text(shipped_worker.read_text(encoding="utf-8").replace(material_text, ".map(r=>r)"), encoding="utf-8")
    with pytest.raises(bundle.AssetError) as refused:
        bundle.patch_bundle(tmp_path)
    assert str(refused.value).startswith(worker.name) and "the words typed through that pipeline" in str(refused.value)
    assert "\n" not in str(refused.value)


# -----------------------------------------------------------------------------
# The site's install (README: `pip install -r requirements.txt`, then `mkdocs serve`)
# -----------------------------------------------------------------------------


def test_every_package_the_build_imports_is_installed_by_requirements_txt() -> None:
    """requirements-dev.txt adds the test tools only: a package the hooks import but only it installs would
    work in the tests and fail the README's first command on a fresh machine (bs4 did, for the PDFs)."""
    import ast
    import importlib.metadata as metadata

    from packaging.requirements import Requirement

    def closure(names: set[str]) -> set[str]:
        seen: set[str] = set()
        while names:
            name = names.pop().lower().replace("_", "-")
            if name in seen:
                continue
            seen.add(name)
            for line in metadata.requires(name) or []:
                requirement = Requirement(line)
                if requirement.marker is None or requirement.marker.evaluate({"extra": ""}):
                    names.add(requirement.name)
        return seen

    lines = (ROOT / "requirements.txt").read_text(encoding="utf-8").splitlines()
    requirements = [line for line in lines if line.strip() and not line.startswith(("#", "-e "))]
    assert "-e ." in lines, "requirements.txt installs the project's own package (artelabs/) in place"
    installed = closure({Requirement(line).name for line in requirements})
    local = {"artelabs"}
    distributions = metadata.packages_distributions()
    missing = set()
    for path in sorted([*(ROOT / "hooks").glob("*.py"), *(ROOT / "artelabs").rglob("*.py")]):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            modules = [alias.name for alias in node.names] if isinstance(node, ast.Import) else (
                [node.module] if isinstance(node, ast.ImportFrom) and node.module and not node.level else []
            )
            for module in modules:
                top = module.split(".")[0]
                if top in local or top in sys.stdlib_module_names or top == "zensical":  # zensical: its own venv
                    continue
                if not {d.lower().replace("_", "-") for d in distributions.get(top, [top])} & installed:
                    missing.add(f"{path.relative_to(ROOT)}: {top}")
    assert not missing, f"imported by the build, not installed by requirements.txt: {sorted(missing)}"
