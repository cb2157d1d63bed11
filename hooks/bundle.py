"""Turn off Material's sitemap-based language redirect in its JavaScript bundle.

Material fetches `<page>/sitemap.xml` next to every <link rel=alternate> (a 404
in the console on this site) and rewrites clicks on the language selector,
dropping the #anchor. The selector's links already point at the same page in
the other language, and docs/assets/javascripts/language.js keeps the anchor.
A Material upgrade that changes the bundle stops the build with one line.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority

import core

# Material's call that sets the redirect up (Material 9.8.2).
ALTERNATE_SETUP = "ui({document$:ct});"
DONE = "/*mdx: alternate redirect off*/"
BUNDLE_GLOB = "assets/javascripts/bundle.*.min.js"


@event_priority(core.AFTER_ALL_LANGUAGES)
def on_post_build(*, config: MkDocsConfig, **kwargs: Any) -> None:
    if core.is_outer_pass(config):
        disable_alternate_redirect(Path(config.site_dir))


def disable_alternate_redirect(site: Path) -> None:
    bundles = list(site.glob(BUNDLE_GLOB))
    if len(bundles) != 1:
        raise PluginError(f"{BUNDLE_GLOB}: found {len(bundles)} files, expected Material's one bundle")
    text = bundles[0].read_text(encoding="utf-8")
    if ALTERNATE_SETUP not in text:
        if DONE in text:
            return
        raise PluginError(
            f"{bundles[0].name}: '{ALTERNATE_SETUP}' not found, expected Material 9.8.2's bundle "
            "(update hooks/bundle.py for the new Material version)"
        )
    bundles[0].write_text(text.replace(ALTERNATE_SETUP, DONE, 1), encoding="utf-8")
