"""Announcements (data/announcements.yml, artelabs/announcements.py): checked before any page is built;
their Atom feed and calendar (artelabs/postbuild/announcements.py) written once every language is built."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority

from artelabs import announcements, core, datafile
from artelabs.postbuild import announcements as feeds


def on_config(config: MkDocsConfig, **kwargs: Any) -> None:
    """A mistake in data/announcements.yml stops the build now, with its one line."""
    try:
        announcements.load(Path(config.config_file_path).parent)
    except datafile.DataError as error:
        raise PluginError(str(error)) from None


@event_priority(core.AFTER_ALL_LANGUAGES)
def on_post_build(*, config: MkDocsConfig, **kwargs: Any) -> None:
    if core.is_outer_pass(config):
        feeds.write_feeds(core.site(config))
