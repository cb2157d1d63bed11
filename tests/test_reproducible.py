"""Reproducible builds: the same commit gives the same bytes, so a diff of two builds shows only real changes.

Every file counts: pages, search indexes, sitemap.xml and its .gz, the PDFs,
the Apple profile, .htaccess. Dates come from SOURCE_DATE_EPOCH, which
artelabs/core.py sets to the last commit's date when it is not set.
"""

from __future__ import annotations

import hashlib
import os
import random
import shutil
import subprocess
import sys
from datetime import datetime, timezone
from pathlib import Path

import pytest

from conftest import ROOT, clean_environment, pdf_reader
from artelabs import core, datafile

# Read before any build of the session sets it.
EPOCH_GIVEN = os.environ.get("SOURCE_DATE_EPOCH")


def tree(root: Path) -> dict[str, bytes]:
    """Every file under root (hidden ones too), by relative path."""
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def sources() -> str:
    """The state of the checkout: HEAD, and the content of changed and untracked files."""

    def git(*args: str) -> str:
        return subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True).stdout

    untracked = git("ls-files", "--others", "--exclude-standard", "-z").split("\0")
    digest = hashlib.sha256(git("rev-parse", "HEAD").encode() + git("diff", "HEAD").encode())
    for name in sorted(filter(None, untracked)):
        path = ROOT / name
        digest.update(name.encode() + (path.read_bytes() if path.is_file() else b""))
    return git("rev-parse", "--short", "HEAD").strip() + ":" + digest.hexdigest()[:12]


SOURCES_AT_START = sources()


def moved() -> str:
    """A note when the sources changed during the session (a commit or an edit landed in this checkout)."""
    now = sources()
    if now == SOURCES_AT_START:
        return ""
    return f" (the sources changed during the session, {SOURCES_AT_START} -> {now}: run again)"


def last_commit_epoch() -> str:
    return subprocess.run(
        ["git", "log", "-1", "--format=%ct"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.strip()




# The PDFs the second build renders afresh (the others it takes from a copy of the session's cache): the French
# DPA, with bookmarks, the annexes' tables, the typography's narrow spaces and the comparison with 1.0, and the
# English terms 2.0, the smallest. Rendering the other twenty again (the guides alone take most of a build's
# processor) would test the same code again.
FRESH = ("fr/dpa/versions/1.1/artelabs-dpa-1.1-fr.pdf", "terms/versions/2.0/artelabs-terms-2.0-en.pdf")


@pytest.mark.long
def test_two_builds_give_byte_identical_trees(request: pytest.FixtureRequest, tmp_path: Path) -> None:
    """A second build, by the mkdocs command in another process (other hash seed, time zone, working
    folder and output folder, the clock a year ahead), cold but for the session's PDFs, gives the same files
    with the same bytes as the session's build; the PDFs of FRESH, gone from its cache, are rendered again (by
    a worker started late, the build having expected every PDF cached) with the same bytes as the session's
    (artelabs/postbuild/pdfcache.py: the cache is keyed on everything a PDF is made from)."""
    epoch = EPOCH_GIVEN or last_commit_epoch()  # what the session's build uses too (artelabs/core.py)
    site = request.getfixturevalue("site")
    other = tmp_path / "second"
    cache = tmp_path / "cache"
    session_pdfs = datafile.cache_folder(ROOT / "data" / "ports.yml") / "pdf"
    fresh = {(site / name).read_bytes() for name in FRESH}
    if any(session_pdfs.glob("*.pdf")):
        shutil.copytree(session_pdfs, cache / "pdf")
        for entry in (cache / "pdf").glob("*.pdf"):
            if entry.read_bytes() in fresh:
                entry.unlink()
    # Dated as the session's build decides it: SOURCE_DATE_EPOCH when the run was given one, else the last
    # commit, read by the build itself (artelabs/core.py) with the machine's clock a year ahead, by libfaketime:
    # the build never reads the clock.
    env = clean_environment(
        PYTHONHASHSEED=str(random.randint(1, 2**31)), TZ="Pacific/Kiritimati",
        ARTELABS_CACHE=str(cache),  # its own cache: cold, but for the session's PDFs
        **({"SOURCE_DATE_EPOCH": EPOCH_GIVEN} if EPOCH_GIVEN else {}),
        **({"ARTELABS_VERSION": os.environ["ARTELABS_VERSION"]} if "ARTELABS_VERSION" in os.environ else {}),
    )
    faketime = shutil.which("faketime")
    if faketime is None and os.environ.get("CI"):
        pytest.fail("faketime is not installed (apt-get install faketime): .ci/run installs it")
    command = [sys.executable, "-m", "mkdocs", "build", "--strict", "-f", str(ROOT / "mkdocs.yml"), "-d", str(other)]
    result = subprocess.run([faketime, "-f", "+365d", *command] if faketime else command,
                            cwd=tmp_path, env=env, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr[-2000:]
    lines = [line.split("PDF ", 1)[1] for line in result.stderr.splitlines() if " PDF " in line]
    rendered = sorted(line.split(":")[0] for line in lines if not line.endswith(" (cached)"))
    if (cache / "pdf").exists():  # the session's cache was there to copy
        assert rendered == sorted(FRESH) and len(lines) >= 4, lines
    else:  # the session could not keep a cache: every PDF rendered again
        assert len(rendered) == len(lines) >= 4, lines
    assert request.getfixturevalue("site_stamp")["SOURCE_DATE_EPOCH"] == epoch
    first, second = tree(site), tree(other)
    assert sorted(first) == sorted(second)
    different = [name for name in first if first[name] != second[name]]
    assert different == [], f"files that differ between two builds of the same sources: {different}{moved()}"
    # Every kind of output took part in the comparison.
    for expected in (
        ".htaccess",
        "sitemap.xml",
        "sitemap.xml.gz",
        "search/search_index.json",
        "fr/search/search_index.json",
        "pdf/artelabs-support-en.pdf",
        "fr/pdf/artelabs-support-fr.pdf",
        "mail/artelabs-mail.mobileconfig",
        "fr/mail/artelabs-mail.mobileconfig",
        "status/feed.xml",
        "fr/status/calendar.ics",
    ):
        assert expected in first, f"{expected} is not built"


def test_source_date_epoch_defaults_to_the_last_commit(monkeypatch: pytest.MonkeyPatch) -> None:
    """Dated by the last commit while the build runs (MkDocs's sitemap reads it), and the process's
    environment as it was once the build is over: the next build decides afresh."""
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    core.start(ROOT)
    try:
        assert os.environ["SOURCE_DATE_EPOCH"] == last_commit_epoch()
        assert str(int(core.build_date().timestamp())) == last_commit_epoch()
    finally:
        core.finish()
    assert "SOURCE_DATE_EPOCH" not in os.environ


def test_a_given_source_date_epoch_is_kept(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    core.start(ROOT)
    core.finish()
    assert os.environ["SOURCE_DATE_EPOCH"] == "1700000000"
    assert int(core.build_date().timestamp()) == 1700000000


def test_the_site_is_dated_by_source_date_epoch(site: Path, site_stamp: dict[str, str]) -> None:
    """The sitemap's lastmod and the PDFs' dates are those of SOURCE_DATE_EPOCH, not of the build."""
    epoch = int(site_stamp["SOURCE_DATE_EPOCH"])
    if EPOCH_GIVEN is None:
        default = int(last_commit_epoch())
        assert epoch == default, f"SOURCE_DATE_EPOCH was not set: the last commit's date is the default{moved()}"
    date = datetime.fromtimestamp(epoch, timezone.utc)
    sitemap = (site / "sitemap.xml").read_text(encoding="utf-8")
    assert f"<lastmod>{date:%Y-%m-%d}</lastmod>" in sitemap
    assert sitemap.count("<lastmod>") == sitemap.count(f"<lastmod>{date:%Y-%m-%d}</lastmod>")
    for pdf in ("pdf/artelabs-support-en.pdf", "fr/pdf/artelabs-support-fr.pdf"):
        info = pdf_reader(site / pdf).metadata
        assert info["/CreationDate"].startswith(f"D:{date:%Y%m%d%H%M%S}"), (pdf, info["/CreationDate"])
