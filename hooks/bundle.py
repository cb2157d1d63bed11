"""Material's bundle patched and the site's stylesheets sent without comments (artelabs/postbuild/assets.py)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority

from artelabs import core
from artelabs.postbuild import assets


@event_priority(core.AFTER_ALL_LANGUAGES)
def on_post_build(*, config: MkDocsConfig, **kwargs: Any) -> None:
    if core.is_outer_pass(config):
        try:
            assets.patch_bundle(Path(config.site_dir))
            assets.strip_comments(Path(config.site_dir), [str(path) for path in config.extra_css])
        except assets.AssetError as error:
            raise PluginError(str(error)) from None
