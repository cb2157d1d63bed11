"""The PDFs' cache (artelabs/postbuild/pdf.py): a PDF is rendered once and reused while what it is made from
is unchanged, with the same bytes as a rendered one.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
import subprocess
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from artelabs import datafile
from artelabs.postbuild import Site

log = logging.getLogger("mkdocs.plugins.pdf")


def write(job: dict[str, Any], pdf: bytes, cached: bool = False) -> None:
    out = job["site"] / job["target"]
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(pdf)
    log.info("PDF %s: %d KB%s", job["target"], len(pdf) // 1024, " (cached)" if cached else "")


# -----------------------------------------------------------------------------
# The cache: a PDF is rendered once and reused while what it is made from is unchanged
# -----------------------------------------------------------------------------
#
# .cache/artelabs/pdf/ holds, for each document (its key: the HTML and stylesheets handed to WeasyPrint,
# the job's other values, the fonts, the WeasyPrint and pydyf versions, this file's source), the list
# of files WeasyPrint loaded while rendering it (D.json), and the PDF under the key of the document and
# of those files' contents (K.pdf). The same document loads the same files, so a lookup hashes them
# again and finds the PDF only if none changed: never stale, and no cached entry is ever overwritten
# with other bytes. The fonts come from fontconfig, not through WeasyPrint's fetcher: the key holds
# every font file fontconfig offers (path, size, modification time), so an added, removed or
# upgraded font renders again. Only the newest KEEP_FILES entries are kept.

CACHE_FORMAT = "1"
_notes: set[str] = set()


def cache_folder(site: Site) -> str | None:
    """.cache/artelabs/pdf/ of the project (datafile's cache folder), or None when it cannot be written (one note)."""
    folder = datafile.cache_folder(site.root / "data" / "ports.yml") / "pdf"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        if not os.access(folder, os.W_OK):
            raise PermissionError(13, "Permission denied")
    except OSError as error:
        _note(f"{folder}: cannot be written ({error.strerror}): the PDFs are rendered at every build")
        return None
    if _fonts() is None:
        _note("fc-list (fontconfig) not found: the PDFs are rendered at every build, uncached")
        return None
    return str(folder)


def _note(note: str) -> None:
    if note not in _notes:
        _notes.add(note)
        log.info(note)


def write_cached(job: dict[str, Any]) -> bool:
    """Write the job's PDF from the cache if it is there for exactly this input; False if it must be rendered."""
    if not job.get("cache"):
        return False
    folder = Path(job["cache"])
    document = _document_key(job)
    try:
        manifest = folder / f"{document}.json"
        loaded = json.loads(manifest.read_text(encoding="utf-8"))
        entry = folder / f"{_key(document, job['site'], loaded)}.pdf"
        pdf = entry.read_bytes()
    except (OSError, ValueError):
        return False
    write(job, pdf, cached=True)
    for used in (manifest, entry):  # kept while in use (_prune)
        try:
            os.utime(used)
        except OSError:
            pass
    return True


def store(job: dict[str, Any], loaded: list[str], pdf: bytes) -> None:
    if not job.get("cache"):
        return
    folder = Path(job["cache"])
    document = _document_key(job)
    try:
        datafile.write_whole(folder / f"{_key(document, job['site'], loaded)}.pdf", pdf)
        datafile.write_whole(folder / f"{document}.json", json.dumps(loaded).encode())
    except OSError as error:
        _note(f"{folder}: cannot be written ({error.strerror}): the PDFs are rendered at every build")
        return
    if job.get("stamp"):
        try:
            (folder / f"{_digest(job['stamp'])}.stamp").touch()
        except OSError:
            pass
    _prune(folder)


def stamp_cached(stamp: str, root: Path) -> bool:
    """True when a PDF dated and named by stamp ("DATE VERSION") was stored: a rebuild, its PDFs likely cached.
    Only a guess, for the hook to decide whether to start WeasyPrint early; the cache's answer is per PDF."""
    folder = datafile.cache_folder(root / "data" / "ports.yml") / "pdf"
    try:
        return (folder / f"{_digest(stamp)}.stamp").exists()
    except OSError:
        return False


def _digest(text: str) -> str:
    return hashlib.sha256(f"{CACHE_FORMAT}\0{_own_source()}\0{text}".encode()).hexdigest()


KEEP_FILES = 600  # PDFs, their manifests and stamps: about twenty builds of new PDFs (a frozen version's stays used)


def _prune(folder: Path) -> None:
    """The newest KEEP_FILES entries kept (by the files' own times, as the file system set them), the rest
    removed: a bound on the cache's size that never compares a file with the clock, which a build does not read."""
    try:
        entries = sorted(folder.iterdir(), key=lambda path: path.stat().st_mtime_ns, reverse=True)
    except OSError:
        return
    for path in entries[KEEP_FILES:]:
        try:
            path.unlink()
        except OSError:
            pass  # another build removed it, or it cannot be: the next build tries again


def _document_key(job: dict[str, Any]) -> str:
    from importlib.metadata import version

    digest = hashlib.sha256()
    parts = [
        CACHE_FORMAT, version("weasyprint"), version("pydyf"), _own_source(), _fonts() or "",
        job["source"], job["css"], job["svg_css"], job["site_url"], job["target"], job.get("variant") or "",
        job["identifier"].decode(), json.dumps(job["slugs"], sort_keys=True),
    ]
    for part in parts:
        data = part.encode()
        digest.update(len(data).to_bytes(8, "big") + data)
    return digest.hexdigest()


def _key(document: str, site: Path, loaded: list[str]) -> str:
    """The document's key and the contents of the files it loaded (a missing file counts as one)."""
    digest = hashlib.sha256(document.encode())
    for name in loaded:
        try:
            content = hashlib.sha256((site / name).read_bytes()).hexdigest()
        except OSError:
            content = "missing"
        digest.update(f"\0{name}\0{content}".encode())
    return digest.hexdigest()


def site_relative(site: Path, url: str) -> str:
    """A file: URL as a path under the site folder (the same in every build folder), else absolute."""
    from urllib.request import url2pathname

    path = Path(url2pathname(urlsplit(url).path))
    try:
        return path.relative_to(site).as_posix()
    except ValueError:
        return str(path)


@cache
def _own_source() -> str:
    """The PDF code's source: this file and pdf.py (how a document is made)."""
    return datafile.source_digest(__file__, str(Path(__file__).parent / "pdf.py"))


@cache
def _fonts() -> str | None:
    """Every font file fontconfig offers, by path, size and modification time; None without fc-list."""
    fc_list = shutil.which("fc-list")
    if fc_list is None:
        return None
    try:
        listed = subprocess.run([fc_list, "--format", "%{file}\n"], capture_output=True, text=True, check=True)  # no timeout: fc-list answers at once, and a timed wait reads the clock
    except (OSError, subprocess.SubprocessError):
        return None
    digest = hashlib.sha256()
    for name in sorted(set(listed.stdout.splitlines())):
        try:
            stat = os.stat(name)
        except OSError:
            continue
        digest.update(f"{name}\0{stat.st_size}\0{stat.st_mtime_ns}\n".encode())
    return digest.hexdigest()
