"""Every page exists in every language: no silent fallback to English.

A page missing in one language stops the build with one line:
`docs/status.fr.md: missing, expected the fr version of docs/status.md`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError

from artelabs import core


def on_config(config: MkDocsConfig, **kwargs: Any) -> None:
    if not core.is_start_of_build(config):
        return  # once per build: the docs are the same in every pass
    docs = Path(config.docs_dir)
    languages, default = core.languages(config), core.default_language(config)
    for page in sorted(docs.rglob("*.md")):
        stem, _, lang = page.stem.rpartition(".")
        base = page.with_name(f"{stem}.md") if lang in languages else page
        for other in languages:
            wanted = base if other == default else base.with_name(f"{base.stem}.{other}.md")
            if not wanted.exists():
                raise PluginError(
                    f"{wanted.relative_to(docs.parent)}: missing, expected the {other} version of "
                    f"{page.relative_to(docs.parent)} (no fallback to another language)"
                )
