"""Processes that render PDFs beside the build (hooks/pdf.py): forked before the HTML build, they import
WeasyPrint meanwhile, then write the PDFs they are sent; each dies with the build, even one killed by SIGKILL.
"""

from __future__ import annotations

import ctypes
import logging
import multiprocessing
import os
import signal
from typing import Any

from artelabs.postbuild import pdf as pdfbook

log = logging.getLogger("mkdocs.plugins.pdf")


def fork(jobs: list[dict[str, Any]] | None = None) -> tuple[Any, Any]:
    """A process that imports WeasyPrint now, then writes the PDFs it is sent, or `jobs` (fork: nothing to pickle)."""
    context = multiprocessing.get_context("fork")
    receiver, sender = context.Pipe(duplex=False)
    parent = os.getpid()

    def run() -> None:
        _die_with(parent)
        sender.close()
        import weasyprint  # noqa: F401 (while the HTML builds)

        todo = jobs
        if todo is None:
            try:
                todo = receiver.recv()
            except EOFError:
                return  # the build stopped before its PDFs
        try:
            for job in todo:
                if os.getppid() != parent:
                    return  # the build is gone: write nothing
                pdfbook.write_pdf(job)
        except Exception as error:  # noqa: BLE001 (one line, then the parent fails the build)
            log.error("artelabs/postbuild/pdf.py: %s", error)
            raise SystemExit(1) from None

    process = context.Process(target=run, daemon=True)
    process.start()
    receiver.close()
    return process, sender


def _die_with(parent: int) -> None:
    """Linux: the kernel kills this worker when the build process dies, even by SIGKILL."""
    try:
        libc = ctypes.CDLL("libc.so.6", use_errno=True)
        libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass
    if os.getppid() != parent:
        os._exit(0)
