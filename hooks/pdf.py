"""One PDF of the whole site per language (artelabs/postbuild/pdf.py), written at the end of each language's pass.

Workers forked before the HTML build import WeasyPrint meanwhile, and render
each language on the other core while the next language builds; the last pass
waits for every PDF. A worker dies with the build (killed or failed).
A PDF whose input is unchanged since it was rendered is copied from the cache
(.cache/artelabs/pdf/, artelabs/postbuild/pdf.py) here, and never sent to a worker.
`mkdocs serve` builds no PDF unless ARTELABS_PDF=1; `ARTELABS_PDF=0 mkdocs
build` builds none either (artelabs/core.py, `pdf_enabled`).
"""

from __future__ import annotations

import logging
import multiprocessing
import os
from pathlib import Path
from typing import Any

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import Files

from artelabs import core
from artelabs.postbuild import pdf as pdfbook
from artelabs.postbuild import workers

log = logging.getLogger("mkdocs.plugins.pdf")

_workers: dict[str, tuple[Any, Any]] = {}  # lang -> (process, pipe), forked before the HTML build
_running: list[tuple[str, Any]] = []  # (target, process): PDFs rendering while the next language builds


# -----------------------------------------------------------------------------
# Hooks
# -----------------------------------------------------------------------------


def on_files(files: Files, *, config: MkDocsConfig, **kwargs: Any) -> Files | None:
    """overrides/pdf/ (template and styles) is in the theme folder: do not publish it."""
    folder = os.path.join(config.theme.custom_dir or "", "pdf") + os.sep
    for file in [f for f in files if (f.abs_src_path or "").startswith(folder)]:
        files.remove(file)
    return files


def on_pre_build(*, config: MkDocsConfig, **kwargs: Any) -> None:
    """First pass: one worker per language, importing WeasyPrint while the HTML builds; none when this build's
    date and version already have PDFs in the cache (a rebuild of the same commit): importing WeasyPrint
    would only take the other core from the HTML build, and a PDF that is not in the cache after all gets
    its worker at the end of its pass."""
    if core.pdf_enabled() and not _workers and core.current_language(config) == core.default_language(config):
        if "fork" in multiprocessing.get_all_start_methods() and not pdfbook.stamp_cached(
            _stamp(config), Path(config.config_file_path).parent
        ):
            _workers.update({lang: workers.fork() for lang in core.languages(config)})


def on_post_build(*, config: MkDocsConfig, **kwargs: Any) -> None:
    """This pass's language to its worker (or rendered here); the last pass waits for every PDF."""
    if not core.pdf_enabled():
        return
    lang = core.current_language(config)
    try:
        site = core.site(config)
        jobs = [pdfbook.prepare(site, lang), *pdfbook.prepare_versions(site, lang)]
    except ValueError as error:
        raise PluginError(f"artelabs/postbuild/pdf.py: {error}") from None
    jobs = [job for job in jobs if not pdfbook.write_cached(job)]  # unchanged since they were rendered
    if lang in _workers and not jobs:
        process, pipe = _workers.pop(lang)  # nothing to render: the worker stops importing WeasyPrint
        process.kill()
        process.join(timeout=5)
        pipe.close()
    elif lang in _workers:
        _workers[lang][1].send(jobs)
        _running.append((jobs[0]["target"], _workers.pop(lang)[0]))
    elif jobs and "fork" in multiprocessing.get_all_start_methods():
        process, pipe = workers.fork(jobs)  # renders on the other core while the next language builds
        pipe.close()
        _running.append((jobs[0]["target"], process))
    else:
        for job in jobs:
            pdfbook.write_pdf(job)
    if core.is_last_pass(config):
        while _running:  # one that failed stops the build here
            target, process = _running.pop(0)
            process.join()
            if process.exitcode:
                raise PluginError(f"artelabs/postbuild/pdf.py: {target}: not written (exit code {process.exitcode}, error above)")


def on_build_error(**kwargs: Any) -> None:
    stop_workers()


def on_shutdown(**kwargs: Any) -> None:
    stop_workers()


def stop_workers() -> None:
    for process in [process for process, _ in _workers.values()] + [process for _, process in _running]:
        if process.is_alive():
            process.kill()
        process.join(timeout=5)
    _workers.clear()
    _running.clear()


def _stamp(config: MkDocsConfig) -> str:
    """What every PDF of this build is dated and named by (on its cover)."""
    date = core.build_date()
    return f"{date.isoformat() if date else 'undated'} {core.version() or 'unversioned'}"
