"""Shared fixtures: the site is built once per test session into a temporary folder.

`artelabs.building.build_site` is the one build recipe of the project's tests and of the benchmark:
it builds the way `mkdocs build --strict` does.
"""

from __future__ import annotations

import atexit
import fcntl
import functools
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import weakref
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from bs4 import BeautifulSoup

from artelabs import core
from artelabs.building import build_site
from buildserver import Builds

ROOT = Path(__file__).resolve().parent.parent
LANGUAGES = ("en", "fr")
# The pages of the navigation: URL path without the language prefix.
PAGES = (
    "", "mail/setup/", "mail/passwords/", "mail/ports/", "mail/errors/", "mail/security/", "mail/limits/",
    "mail/sync/",
    "mail/domain/", "mail/mailbox/", "mail/moving/", "privacy/", "terms/", "dpa/", "status/", "contact/",
)
# Every version of every legal document (terms, privacy, dpa, ...), each at its own address for good:
# "DOC VERSION ..." lines of data/published-versions.txt.
VERSION_PAGES = tuple(
    f"{line.split()[0]}/versions/{line.split()[1]}/"
    for line in (ROOT / "data" / "published-versions.txt").read_text(encoding="utf-8").splitlines()
    if line.strip() and not line.startswith("#")
)
# Every page of each language: the navigation's, the versions of the legal pages and the staff sheet.
EVERY_PAGE = (*PAGES, *VERSION_PAGES, "staff/links/")


def copy_repo(target: Path) -> Path:
    """A copy of the sources to edit and build in a test (no git, venv, build output or tool caches)."""
    ignore = shutil.ignore_patterns(
        ".git", ".venv", "node_modules", "site", "__pycache__", ".pytest_cache", "test-reports", ".cache", "*.egg-info",
        ".hypothesis",  # another test's examples, written while the copy is made
    )
    return Path(shutil.copytree(ROOT, target, ignore=ignore))


# A copy has no git history: its builds are dated and named by these, the same for every copy and every day,
# so that two builds of a copy give the same bytes whatever the clock says.
COPY_STAMP = {"SOURCE_DATE_EPOCH": "1764547200", "ARTELABS_VERSION": "copy"}  # 1 December 2025, 00:00 UTC


def project_stamp() -> dict[str, str]:
    """The date and version a build of this checkout takes by default (its last commit, `git describe`), for a
    copy that must come out as the checkout's own build does; {} when the checkout has no git history."""
    def git(*arguments: str) -> str:
        result = subprocess.run(["git", *arguments], cwd=ROOT, capture_output=True, text=True,
                                env={**os.environ, "GIT_CEILING_DIRECTORIES": str(ROOT.parent)})
        return result.stdout.strip() if result.returncode == 0 else ""

    if Path(git("rev-parse", "--show-toplevel") or "/nonexistent").resolve() != ROOT:
        return {}
    stamp = {"SOURCE_DATE_EPOCH": os.environ.get("SOURCE_DATE_EPOCH") or git("log", "-1", "--format=%ct"),
             "ARTELABS_VERSION": os.environ.get("ARTELABS_VERSION") or git("describe", "--tags", "--always", "--dirty", "--abbrev=12")}
    return {key: value for key, value in stamp.items() if value}


def clean_environment(**extra: str) -> dict[str, str]:
    """The test process's environment without what dates or names a build, plus extra.

    The builds of copies share one cache for the test run (ARTELABS_CACHE, unless extra sets another): a copy
    has no .cache/, and its build would otherwise check every data file, compare the legal versions word by word
    and compile the templates again. The cache is keyed on content (an edited file is a new key), so a copy's
    changed data is checked and shown as if it were cold; the session's build and tests/test_reproducible.py
    (its own empty cache) still take the cold path."""
    env = {key: value for key, value in os.environ.items() if key not in BUILD_ENVIRONMENT}
    shared = os.environ.get(COPIES_CACHE)
    return {**env, "NO_MKDOCS_2_WARNING": "1", **({"ARTELABS_CACHE": shared} if shared else {}), **extra}


COPIES_CACHE = "ARTELABS_TEST_COPIES_CACHE"  # the folder of the test run's shared cache (pytest_configure)


def mkdocs_build(repo: Path, out: Path, *, pdf: bool = False, stamp: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """`mkdocs build --strict` of a copy, HTML only unless pdf, in its own process: the output staff would see.

    Dated and named by COPY_STAMP unless stamp says otherwise ({} for an undated build): never by
    whatever the test process's environment holds. A copy is never built inside the test process:
    its hooks would import the copy's modules, which the process would then keep for every later build. The
    process is forked from one that imported MkDocs, Material and Markdown ahead (tests/buildserver.py), never the
    copy's own modules: the same build, without 0.4 s of imports each time.
    """
    env = clean_environment(ARTELABS_PDF="1" if pdf else "0", **(COPY_STAMP if stamp is None else stamp))
    return _builds.run(["build", "--strict", "-d", str(out)], cwd=repo, env=env, timeout=600)


# `python -m mkdocs` forked from a process that imported MkDocs and its plugins once (tests/buildserver.py).
_builds = Builds()
atexit.register(_builds.close)


# What dates and names a build (read by the build from the environment, never left there by it).
BUILD_ENVIRONMENT = ("SOURCE_DATE_EPOCH", "ARTELABS_VERSION")


def _run_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    base = tmp_path_factory.getbasetemp()
    return base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base  # shared by the workers (pytest-N/popen-gwK)


def once_per_run(tmp_path_factory: pytest.TempPathFactory, name: str, make) -> Path:
    """make(folder) once for the whole test run, shared by pytest-xdist's worker processes.

    The first worker that needs it builds it under a lock; the others wait, then take the folder.
    What make returns (the date and version the build stamped) is kept beside it: `run_record`.
    """
    return once_in(_run_folder(tmp_path_factory), name, make)


def once_in(base: Path, name: str, make) -> Path:
    """once_per_run in the run's folder `base` (also tests/sitebuild.py, the session's site built ahead)."""
    folder = base / name
    done = base / f"{name}.record.json"
    with open(base / f"{name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not done.exists():
            shutil.rmtree(folder, ignore_errors=True)  # what a failed attempt left
            record = make(folder)
            done.write_text(json.dumps(record if isinstance(record, dict) else {}), encoding="utf-8")
    return folder


def run_record(tmp_path_factory: pytest.TempPathFactory, name: str) -> dict[str, str]:
    return json.loads((_run_folder(tmp_path_factory) / f"{name}.record.json").read_text(encoding="utf-8"))


def _build_and_stamp(folder: Path) -> dict[str, str]:
    """The session's site, built in this process; the date and version it was stamped with."""
    build_site(folder, ROOT / "mkdocs.yml")
    date, version = core.build_date(), core.version()
    return {"SOURCE_DATE_EPOCH": str(int(date.timestamp())) if date else "", "ARTELABS_VERSION": version or ""}


# Built ahead (tests/sitebuild.py) when a collected test asks for them: fixture -> once_per_run's name.
AHEAD = {"site": "site", "site_stamp": "site", "changed_site": "changed"}


@pytest.fixture(scope="session", autouse=True)
def site_built_ahead(tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest) -> Iterator[None]:
    """When a collected test needs the session's site (or the copy with the IMAP port changed), its build
    starts now, in a process of its own (tests/sitebuild.py), while the tests that need neither run: a test
    that needs it waits for it on once_per_run's lock instead of building it after every other test is handed
    out. The first worker starts it; should a build fail there, its fixture builds it again and shows why."""
    wanted = {AHEAD[name] for item in request.session.items for name in getattr(item, "fixturenames", ()) if name in AHEAD}
    if not wanted:
        yield
        return
    base = _run_folder(tmp_path_factory)
    try:
        os.close(os.open(base / "ahead.log", os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644))
    except FileExistsError:  # another worker started it
        yield
        return
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    names = [name for name in ("site", "changed") if name in wanted]  # the session's site first
    with open(base / "ahead.log", "w") as log:
        process = subprocess.Popen([sys.executable, str(ROOT / "tests" / "sitebuild.py"), str(base), *names], cwd=ROOT,
                                   env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        yield
    finally:
        process.wait()


@pytest.fixture(scope="session")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The built site (both languages, PDFs and all), once per test run."""
    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
    return once_per_run(tmp_path_factory, "site", _build_and_stamp)


@pytest.fixture(scope="session")
def site_stamp(site: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """The SOURCE_DATE_EPOCH and ARTELABS_VERSION the session's site was built with."""
    return run_record(tmp_path_factory, "site")


def pdf_reader(pdf: Path) -> Any:
    """pypdf's reader of a built PDF, one per test process and version of the file: it keeps the objects it has
    parsed (a tagged PDF's objects are packed in streams, read whole at the first look inside, 0.5 s for the
    whole site's). Read it, never change it."""
    stat = pdf.stat()
    return _pdf_reader(str(pdf), stat.st_mtime_ns, stat.st_size)


@functools.lru_cache(maxsize=32)
def _pdf_reader(pdf: str, mtime_ns: int, size: int) -> Any:
    from pypdf import PdfReader

    return PdfReader(pdf)


@functools.cache
def pdf_pages(pdf: Path, *, layout: bool = False) -> tuple[str, ...]:
    """The text of each page of a PDF: poppler's pdftotext (fast), else pypdf (slow, same text); read once."""
    pdftotext = shutil.which("pdftotext")
    if pdftotext:
        command = [pdftotext, "-enc", "UTF-8", *(["-layout"] if layout else []), str(pdf), "-"]
        text = subprocess.run(command, capture_output=True, text=True, check=True).stdout
        return tuple(text.split("\f")[:-1])  # every page ends with a form feed
    from pypdf import PdfReader

    mode = "layout" if layout else "plain"
    return tuple(page.extract_text(extraction_mode=mode) for page in PdfReader(pdf).pages)


@pytest.fixture(scope="session")
def changed_site(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A copy of the sources whose IMAP port is 1993 instead of 993, built: (sources, site).

    Shared by every test of "one change in the data file shows everywhere" (pages, profiles, the
    document each PDF is printed from). Without the PDFs themselves: rendering takes most of a
    build, and tests/test_pdf.py shows that every port of the document reaches the PDF's text.
    """
    work = once_per_run(tmp_path_factory, "changed", _build_changed)
    return work / "repo", work / "site"


def _build_changed(work: Path) -> None:
    repo = copy_repo(work / "repo")
    data = repo / "data" / "ports.yml"
    text = data.read_text(encoding="utf-8")
    old = "    host: mail.infomaniak.com\n    port: 993\n"
    assert old in text, "the IMAP entry of data/ports.yml changed: update this fixture"
    data.write_text(text.replace(old, old.replace("993", "1993"), 1), encoding="utf-8")
    result = mkdocs_build(repo, work / "site", stamp=project_stamp())  # dated as the session's site
    assert result.returncode == 0, f"the copy with IMAP on 1993 did not build:\n{result.stderr[-3000:]}"


# Values a person might type that look like code or markup: published as text, never run or formatted.
HOSTILE = 'A "quoted" <script>alert(1)</script> & Co'  # the company's name (data/company.yml), a page's description
TITLE = 'Q&A <a href="https://sign-in.example/">Sign in again</a> </title><b>bold'  # a front-matter title: text
HEADING = "Q&amp;A &lt;/title&gt;&lt;b&gt;bold"  # a # heading that writes markup as entities
ODD_TEXT = "Use it | or not <b>bold</b> & *stars* _under_"  # a port's description (data/ports.yml, POP3, English)


@pytest.fixture(scope="session")
def odd_values_site(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A copy of the sources with such values, built once per test run (HTML only): (sources, site).

    HOSTILE as the company's legal name and as the description of docs/status.md, TITLE as its front-matter title
    and HEADING in the French status archive's heading (tests/test_values_as_typed.py),
    ODD_TEXT as the POP3 description (tests/test_ports.py): one build for both, each value in its own place."""

    def make(work: Path) -> None:
        repo = copy_repo(work / "repo")
        company = repo / "data" / "company.yml"
        text = company.read_text(encoding="utf-8")
        assert "legal_name: {value: null, status: unconfirmed}" in text, "data/company.yml changed: update this fixture"
        company.write_text(text.replace("legal_name: {value: null,", f"legal_name: {{value: '{HOSTILE}',", 1), encoding="utf-8")
        page = repo / "docs" / "status.md"
        page.write_text(re.sub(r"^description: .*$", f"description: '{HOSTILE}'\ntitle: '{TITLE}'", page.read_text(encoding="utf-8"),
                               count=1, flags=re.M), encoding="utf-8")
        french = repo / "docs" / "status" / "archive.fr.md"  # a heading that writes markup as entities (a page out of
        french.write_text(re.sub(r"^# (.*?) \{ #archive \}$", lambda m: f"# {m[1]} {HEADING} {{ #archive }}",  # the navigation:
                                 french.read_text(encoding="utf-8"), count=1, flags=re.M), encoding="utf-8")  # its title is the heading's
        ports = repo / "data" / "ports.yml"
        text = ports.read_text(encoding="utf-8")
        old = "      en: Downloads your mail to one device. Choose it only if you know why.\n"
        assert old in text, "the POP3 description of data/ports.yml changed: update this fixture"
        ports.write_text(text.replace(old, f'      en: "{ODD_TEXT}"\n', 1), encoding="utf-8")
        result = mkdocs_build(repo, work / "site")
        assert result.returncode == 0, f"the copy with odd values did not build:\n{result.stderr[-3000:]}"

    work = once_per_run(tmp_path_factory, "odd-values", make)
    return work / "repo", work / "site"


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium through Playwright, one for the whole session (tests/browser.py).

    Playwright's sync API runs one event loop per thread: every test module shares
    this browser instead of starting its own.
    """
    from browser import chromium

    with chromium() as instance:
        yield instance


def page_path(site: Path, lang: str, path: str) -> Path:
    prefix = "" if lang == "en" else f"{lang}/"
    return site / prefix / path / "index.html"


def soup(site: Path, lang: str, path: str) -> BeautifulSoup:
    return parsed(page_path(site, lang, path))


def parsed(file: Path) -> BeautifulSoup:
    """A built HTML file's tree, parsed once per test process and version of the file: every test that reads the
    page gets the same tree, so read it and never change it (parsing was a tenth of the suite's processor)."""
    stat = file.stat()
    return _parsed(str(file), stat.st_mtime_ns, stat.st_size)


@functools.lru_cache(maxsize=256)  # about 1.5 MB a page
def _parsed(file: str, mtime_ns: int, size: int) -> BeautifulSoup:
    tree = BeautifulSoup(Path(file).read_text(encoding="utf-8"), "lxml")
    _SHARED.add(id(tree))
    weakref.finalize(tree, _SHARED.discard, id(tree))
    return tree


def strings_outside(element: Any, selector: str) -> Iterator[Any]:
    """The element's strings (as get_text joins them) but those inside what `selector` selects under it: a shared
    tree's text without some of its parts, read, not changed."""
    left_out = {id(part) for part in element.select(selector)}
    for string in element.strings:
        if not any(id(up) in left_out for up in string.parents):
            yield string


# The trees `parsed` hands out: a test that changes one (removes an element, sets an attribute) fails at once,
# instead of another test, later and in a random order, reading a page that is no longer the one built.
_SHARED: set[int] = set()  # by identity: two trees of the same page are equal (==) for BeautifulSoup


def _refuse_changes_to_shared_trees() -> None:
    from bs4.element import PageElement, Tag

    def guarded(method):
        @functools.wraps(method)
        def guard(self, *args, **kwargs):
            root = self
            while root.parent is not None:
                root = root.parent
            if id(root) in _SHARED:
                raise AssertionError(
                    f"{method.__qualname__} on a page tree shared by conftest.parsed: read it without changing it, or "
                    "parse a tree of your own (BeautifulSoup(path.read_text(), 'lxml'))"
                )
            return method(self, *args, **kwargs)

        return guard

    for cls, names in (
        (PageElement, ("extract", "replace_with", "insert_before", "insert_after", "decompose", "wrap")),
        (Tag, ("insert", "append", "extend", "clear", "smooth", "unwrap", "__setitem__", "__delitem__")),
    ):
        for name in names:
            setattr(cls, name, guarded(cls.__dict__[name]))


_refuse_changes_to_shared_trees()


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_collection_modifyitems(items: list[pytest.Item]):
    """The order pytest-xdist hands tests out: those that need no built site first, so that a worker has
    work while the other builds it; then, within each, those marked `long` first, so that the two workers
    finish together instead of one waiting for the other's last long test.

    Within each group the order is pytest-randomly's (a wrapper registered after it: this runs once it
    has shuffled), so that no test can rely on another having run before it."""
    result = yield

    def key(item: pytest.Item) -> tuple[bool, bool]:
        needs_site = bool({"site", "changed_site"} & set(getattr(item, "fixturenames", ())))
        return needs_site, item.get_closest_marker("long") is None

    items.sort(key=key)
    return result


def pytest_configure(config: pytest.Config) -> None:
    """The main process makes the copies' shared cache folder; pytest-xdist's workers inherit its name."""
    if not hasattr(config, "workerinput") and COPIES_CACHE not in os.environ:
        os.environ[COPIES_CACHE] = tempfile.mkdtemp(prefix="artelabs-test-cache-")
        config.add_cleanup(lambda: (shutil.rmtree(os.environ.pop(COPIES_CACHE), ignore_errors=True)))


def pytest_sessionstart(session: pytest.Session) -> None:
    if not hasattr(session.config, "workerinput"):  # the main process, not a worker of pytest-xdist
        (ROOT / "test-reports" / "summary.txt").unlink(missing_ok=True)


def pytest_terminal_summary(terminalreporter) -> None:
    """What tests measured for people to read (the search's share per language), printed at the end."""
    summary = ROOT / "test-reports" / "summary.txt"
    if summary.exists():
        terminalreporter.section("measured")
        terminalreporter.write(summary.read_text(encoding="utf-8"))
