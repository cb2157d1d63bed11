"""Begin each build: the shared core's state (hooks/core.py) starts afresh.

`mkdocs serve` calls on_startup once and rebuilds many times; each rebuild
loads the configuration again, and its first on_config is the start of a new
build: data, words, date and version are read again from the files.
"""

from __future__ import annotations

from typing import Any

from mkdocs.config.defaults import MkDocsConfig

import core


def on_startup(*, command: str, **kwargs: Any) -> None:
    core.startup(command)


def on_config(config: MkDocsConfig, **kwargs: Any) -> None:
    if core.is_start_of_build(config):
        core.start()
