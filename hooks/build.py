"""Begin and end each build: the core starts afresh, and the site is replaced only when complete.

`mkdocs serve` calls on_startup once and rebuilds many times; each rebuild loads
the configuration again, and its first on_config is the start of a new build:
data, words, date and version are read again from the files (artelabs/core.py).

`mkdocs build` writes into a temporary sibling of the output folder
(`.site.building-PID` beside `site/`) and swaps it into place only once every step
has succeeded: both languages, the PDFs, the profiles, `.htaccess`, and MkDocs's
own strict check. A failed or interrupted build leaves the previous site as it
was, and its temporary folder is removed. A lock beside the output folder keeps a
second build into the same folder out until the first is done.
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

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority

from artelabs import core, pages

_target: Path | None = None  # the output folder the user asked for
_staging: Path | None = None  # where this build writes
_lock: TextIO | None = None
_complete = False
_handlers: dict[int, Any] = {}  # the signal handlers this build replaced, put back when it ends


# -----------------------------------------------------------------------------
# Hooks
# -----------------------------------------------------------------------------


def on_startup(*, command: str, dirty: bool = False, **kwargs: Any) -> None:
    core.startup(command)


def on_config(config: MkDocsConfig, **kwargs: Any) -> None:
    if not core.is_start_of_build(config):
        return
    root = Path(config.config_file_path).parent
    core.start(root)
    problem = pages.outside(root)  # before anything is read: a file of the build machine is never published
    if problem:
        raise PluginError(problem)
    _watch(config)
    if core.command() in ("build", "gh-deploy") and _target is None:
        _stage(config)


@event_priority(-1000)  # the last step of the outer pass: every language and every other step done
def on_post_build(*, config: MkDocsConfig, **kwargs: Any) -> None:
    global _complete
    if core.is_outer_pass(config) and _staging is not None:
        _complete = True  # swapped in on_shutdown, after MkDocs's strict check has passed too


def on_build_error(**kwargs: Any) -> None:
    global _complete
    _complete = False


def on_shutdown(**kwargs: Any) -> None:
    global _target, _staging, _complete, _lock
    try:
        if _staging is not None and _target is not None:
            if _complete:
                _swap(_staging, _target)
            shutil.rmtree(_staging, ignore_errors=True)
    finally:
        for number, handler in _handlers.items():  # the process's own handlers again (a test process goes on)
            signal.signal(number, handler)
        _handlers.clear()
        core.finish()
        if _lock is not None:
            _lock.close()
        _target = _staging = _lock = None
        _complete = False


# -----------------------------------------------------------------------------
# Helpers
# -----------------------------------------------------------------------------


def _watch(config: MkDocsConfig) -> None:
    """`mkdocs serve` rebuilds when data/ or overrides/ change, not only docs/."""
    root = Path(config.config_file_path).parent
    for folder in (root / "data", root / "overrides"):
        if folder.is_dir() and str(folder) not in config.watch:
            config.watch.append(str(folder))


def _stage(config: MkDocsConfig) -> None:
    global _target, _staging, _lock
    target = Path(config.site_dir).resolve()
    parent = target.parent
    try:
        parent.mkdir(parents=True, exist_ok=True)
        lock = open(parent / f".{target.name}.lock", "w")  # noqa: SIM115 (held until on_shutdown)
    except OSError as error:
        raise PluginError(f"{target}: cannot write beside it ({error.strerror}), expected a writable folder") from None
    try:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        lock.close()
        raise PluginError(
            f"{target}: another build is writing it now ({parent / f'.{target.name}.lock'}), expected one build at a time"
        ) from None
    staging = parent / f".{target.name}.building-{os.getpid()}"
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir()
    _target, _staging, _lock = target, staging, lock
    config.site_dir = str(staging)
    if threading.current_thread() is threading.main_thread():  # signal handlers belong to the main thread
        for number in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
            _handlers[number] = signal.signal(number, _stopped)


def _stopped(number: int, frame: Any) -> None:
    """Stopped (SIGTERM, Ctrl-C, a closed terminal): the temporary folder goes, the previous site stays,
    and the process ends as the signal asks (its workers end with it)."""
    if _staging is not None:
        shutil.rmtree(_staging, ignore_errors=True)
    print(f"ERROR   -  build stopped by signal {signal.Signals(number).name}: the previous site is unchanged", file=sys.stderr)
    signal.signal(number, signal.SIG_DFL)
    os.kill(os.getpid(), number)


def _swap(staging: Path, target: Path) -> None:
    """The new site into place in one step where Linux allows (renameat2 RENAME_EXCHANGE)."""
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
