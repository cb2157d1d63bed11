"""The site's Apache configuration, `.htaccess` (artelabs/postbuild/htaccess.py), once every language is built."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority

from artelabs import core, pages
from artelabs.postbuild import htaccess as htaccessfile


@event_priority(core.AFTER_ALL_LANGUAGES)
def on_post_build(*, config: MkDocsConfig, **kwargs: Any) -> None:
    if core.is_outer_pass(config):
        try:
            htaccessfile.write_htaccess(core.site(config))
        except htaccessfile.PolicyError as error:
            raise PluginError(_at_source(str(error), config)) from None


def _at_source(message: str, config: MkDocsConfig) -> str:
    """A refusal found in a built page names the page's source first: the file to edit (artelabs/pages.py)."""
    return pages.at_source(message, Path(config.docs_dir), core.languages(config), core.default_language(config))
