"""Begin and end each build: the core starts afresh, and the site is replaced only when complete.

`mkdocs serve` calls on_startup once and rebuilds many times; each rebuild loads
the configuration again, and its first on_config is the start of a new build:
data, words, date and version are read again from the files (artelabs/core.py).
`mkdocs build` writes into a temporary sibling of the output folder and swaps it
into place only once every step has succeeded (artelabs/staging.py).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority

from artelabs import core, pages
from artelabs.staging import Staging, StagingError

_staging: Staging | None = None
_complete = False


def on_startup(*, command: str, dirty: bool = False, **kwargs: Any) -> None:
    core.startup(command)


def on_config(config: MkDocsConfig, **kwargs: Any) -> None:
    global _staging
    if not core.is_start_of_build(config):
        return
    root = Path(config.config_file_path).parent
    core.start(root)
    problem = pages.outside(root)  # before anything is read: a file of the build machine is never published
    if problem:
        raise PluginError(problem)
    for folder in (root / "data", root / "overrides"):  # `mkdocs serve` follows data/ and overrides/ too
        if folder.is_dir() and str(folder) not in config.watch:
            config.watch.append(str(folder))
    if core.command() in ("build", "gh-deploy") and _staging is None:
        try:
            _staging = Staging(Path(config.site_dir))
        except StagingError as error:
            raise PluginError(str(error)) from None
        config.site_dir = str(_staging.folder)


@event_priority(-1000)  # the last step of the outer pass: every language and every other step done
def on_post_build(*, config: MkDocsConfig, **kwargs: Any) -> None:
    global _complete
    if core.is_outer_pass(config) and _staging is not None:
        _complete = True  # swapped in on_shutdown, after MkDocs's strict check has passed too


def on_build_error(**kwargs: Any) -> None:
    global _complete
    _complete = False


def on_shutdown(**kwargs: Any) -> None:
    global _staging, _complete
    try:
        if _staging is not None:
            _staging.finish(complete=_complete)
    finally:
        core.finish()
        _staging, _complete = None, False
