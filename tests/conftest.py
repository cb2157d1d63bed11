"""Shared fixtures: the site is built once per test session into a temporary folder.

`build_site` is the one build recipe of the project's tests and of the benchmark
(bench/timing.py imports it): it builds the way `mkdocs build --strict` does.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from mkdocs.commands.build import build
from mkdocs.config import load_config

ROOT = Path(__file__).resolve().parent.parent
LANGUAGES = ("en", "fr")
# The pages of the navigation: URL path without the language prefix.
PAGES = (
    "", "mail/setup/", "mail/passwords/", "mail/ports/", "mail/errors/", "mail/security/", "mail/limits/",
    "mail/sync/",
    "mail/domain/", "privacy/", "terms/", "status/", "contact/",
)
# Every version of the terms and privacy pages, each at its own address for good (tests/versions.txt).
VERSION_PAGES = ("terms/versions/2.0/", "terms/versions/3.0/", "privacy/versions/2.0/", "privacy/versions/3.0/")
# A few pages that stand for the others where a check is slow (every kind of content: tables, tabs, forms of text).
REPRESENTATIVE = (("en", ""), ("fr", "mail/setup/"), ("en", "mail/ports/"), ("fr", "privacy/"), ("en", "mail/domain/"))


def build_site(
    site_dir: Path, config_file: Path = ROOT / "mkdocs.yml", *, pdf: bool = True, on_config_loaded=None, **overrides
) -> Path:
    """Build like `mkdocs build --strict` does, into site_dir; without the PDFs when pdf is False.

    on_config_loaded(config) runs before the build (the benchmark wraps the hooks with timers there).
    """
    previous = os.environ.get("ARTELABS_PDF")
    os.environ["ARTELABS_PDF"] = "1" if pdf else "0"
    try:
        config = load_config(str(config_file), strict=True, site_dir=str(site_dir), **overrides)
        if on_config_loaded is not None:
            on_config_loaded(config)
        config.plugins.on_startup(command="build", dirty=False)
        try:
            build(config)
        finally:
            config.plugins.on_shutdown()
    finally:
        if previous is None:
            os.environ.pop("ARTELABS_PDF", None)
        else:
            os.environ["ARTELABS_PDF"] = previous
    return site_dir


def copy_repo(target: Path) -> Path:
    """A copy of the sources to edit and build in a test (no git, venv, build output or tool caches)."""
    ignore = shutil.ignore_patterns(
        ".git", ".venv", "node_modules", "site", "__pycache__", ".pytest_cache", "test-reports", ".cache"
    )
    return Path(shutil.copytree(ROOT, target, ignore=ignore))


def mkdocs_build(repo: Path, out: Path) -> subprocess.CompletedProcess[str]:
    """`mkdocs build --strict` of a copy, HTML only, in its own process: the output staff would see."""
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "ARTELABS_PDF": "0"}
    return subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-d", str(out)],
        cwd=repo, capture_output=True, text=True, env=env, timeout=600,
    )


@pytest.fixture(scope="session")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The built site (both languages, PDFs and all), once per session."""
    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
    return build_site(tmp_path_factory.mktemp("site"))


def hooks_module(name: str):
    """A module of hooks/ (core, markers, datafile, mailfiles, ...), imported as the hooks import it."""
    import importlib

    if str(ROOT / "hooks") not in sys.path:
        sys.path.insert(0, str(ROOT / "hooks"))
    return importlib.import_module(name)


@pytest.fixture(scope="session")
def changed_site(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A copy of the sources whose IMAP port is 1993 instead of 993, built with PDFs: (sources, site).

    Shared by every test of "one change in the data file shows everywhere" (pages, PDFs, profiles).
    """
    work = tmp_path_factory.mktemp("changed")
    repo = copy_repo(work / "repo")
    data = repo / "data" / "ports.yml"
    text = data.read_text(encoding="utf-8")
    old = "    host: mail.infomaniak.com\n    port: 993\n"
    assert old in text, "the IMAP entry of data/ports.yml changed: update this fixture"
    data.write_text(text.replace(old, old.replace("993", "1993"), 1), encoding="utf-8")
    return repo, build_site(work / "site", repo / "mkdocs.yml")


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
    return BeautifulSoup(page_path(site, lang, path).read_text(encoding="utf-8"), "lxml")


def pytest_sessionstart(session: pytest.Session) -> None:
    if not hasattr(session.config, "workerinput"):  # the main process, not a worker of pytest-xdist
        (ROOT / "test-reports" / "summary.txt").unlink(missing_ok=True)


def pytest_terminal_summary(terminalreporter) -> None:
    """What tests measured for people to read (the search's share per language), printed at the end."""
    summary = ROOT / "test-reports" / "summary.txt"
    if summary.exists():
        terminalreporter.section("measured")
        terminalreporter.write(summary.read_text(encoding="utf-8"))
