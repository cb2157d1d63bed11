"""The site's Apache configuration, `.htaccess` (artelabs/postbuild/htaccess.py), once every language is built."""

from __future__ import annotations

from typing import Any

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority

from artelabs import core
from artelabs.postbuild import htaccess as htaccessfile


@event_priority(core.AFTER_ALL_LANGUAGES)
def on_post_build(*, config: MkDocsConfig, **kwargs: Any) -> None:
    if core.is_outer_pass(config):
        try:
            htaccessfile.write_htaccess(core.site(config))
        except htaccessfile.PolicyError as error:
            raise PluginError(str(error)) from None
