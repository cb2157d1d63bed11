"""A build's output swapped in whole, or not at all (hooks/build.py under MkDocs).

The build writes into a temporary sibling of the output folder (`.site.building-PID` beside `site/`);
`finish(complete=True)` swaps it into place in one step where Linux allows (renameat2 RENAME_EXCHANGE),
and any other end removes it: a failed build, or one stopped by SIGTERM, Ctrl-C or a closed terminal,
leaves the previous site as it was. A lock beside the output folder keeps a second build into the same
folder out until the first is done.
"""

from __future__ import annotations

import ctypes
import fcntl
import os
import shutil
import signal
import sys
import threading
from pathlib import Path
from typing import Any, TextIO


class StagingError(Exception):
    """The output folder cannot be written beside, or another build is writing it: one line."""


class Staging:
    def __init__(self, target: Path) -> None:
        self.target = Path(target).resolve()
        parent = self.target.parent
        try:
            parent.mkdir(parents=True, exist_ok=True)
            self._lock: TextIO | None = open(parent / f".{self.target.name}.lock", "w")  # noqa: SIM115 (until finish)
        except OSError as error:
            raise StagingError(f"{self.target}: cannot write beside it ({error.strerror}), expected a writable folder") from None
        try:
            fcntl.flock(self._lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            self._lock.close()
            raise StagingError(
                f"{self.target}: another build is writing it now ({parent / f'.{self.target.name}.lock'}), "
                "expected one build at a time"
            ) from None
        self.folder = parent / f".{self.target.name}.building-{os.getpid()}"
        shutil.rmtree(self.folder, ignore_errors=True)
        self.folder.mkdir()
        self._handlers: dict[int, Any] = {}
        if threading.current_thread() is threading.main_thread():  # signal handlers belong to the main thread
            for number in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
                self._handlers[number] = signal.signal(number, self._stopped)

    def finish(self, *, complete: bool) -> None:
        """The new site into place when complete; the temporary folder gone in every case."""
        try:
            if complete:
                _swap(self.folder, self.target)
            shutil.rmtree(self.folder, ignore_errors=True)
        finally:
            for number, handler in self._handlers.items():  # the process's own handlers again (a test process goes on)
                signal.signal(number, handler)
            self._handlers.clear()
            if self._lock is not None:
                self._lock.close()
                self._lock = None

    def _stopped(self, number: int, frame: Any) -> None:
        """Stopped: the temporary folder goes, the previous site stays, and the process ends as the signal asks
        (its PDF workers end with it)."""
        shutil.rmtree(self.folder, ignore_errors=True)
        print(f"ERROR   -  build stopped by signal {signal.Signals(number).name}: the previous site is unchanged", file=sys.stderr)
        signal.signal(number, signal.SIG_DFL)
        os.kill(os.getpid(), number)


def _swap(staging: Path, target: Path) -> None:
    if not target.exists():
        staging.rename(target)
        return
    if _exchange(staging, target):
        return  # staging now holds the previous site, removed by the caller
    old = target.with_name(f".{target.name}.old-{os.getpid()}")
    target.rename(old)
    staging.rename(target)
    shutil.rmtree(old, ignore_errors=True)


def _exchange(a: Path, b: Path) -> bool:
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    at_fdcwd, rename_exchange = -100, 2
    return renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange) == 0
