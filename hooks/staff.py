"""The staff link sheet (/staff/links/, docs/staff/) stays out of the sitemap.

Its front matter keeps it out of the navigation (not_in_nav), the search
(`search: exclude`) and search engines (`robots: noindex`); MkDocs lists every
page in sitemap.xml, so it is taken out there once every language is built.
"""

from __future__ import annotations

import gzip
import re
from pathlib import Path
from typing import Any

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.plugins import event_priority

from artelabs import core

STAFF = "staff/"
URL = re.compile(r"\s*<url>(?:(?!</url>).)*?<loc>[^<]*/staff/[^<]*</loc>.*?</url>", re.S)


@event_priority(core.AFTER_ALL_LANGUAGES)
def on_post_build(*, config: MkDocsConfig, **kwargs: Any) -> None:
    if not core.is_outer_pass(config):
        return
    sitemap = Path(config.site_dir) / "sitemap.xml"
    if not sitemap.exists():
        return
    text = URL.sub("", sitemap.read_text(encoding="utf-8"))
    sitemap.write_text(text, encoding="utf-8")
    with gzip.GzipFile(sitemap.with_suffix(".xml.gz"), "wb", mtime=0) as packed:  # same sitemap, same bytes
        packed.write(text.encode("utf-8"))
