"""One search index per language, with the customers' words, synonyms and tab labels as words (artelabs/search.py)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority
from mkdocs.structure.pages import Page

from artelabs import core, search
from artelabs.pagehtml import search_base


def on_config(config: MkDocsConfig, **kwargs: Any) -> None:
    """data/search-keywords.yml read and checked before any page is written: a mistake stops the build at once."""
    if core.is_start_of_build(config):
        core.search_keywords(config)


def on_page_markdown(markdown: str, *, page: Page, **kwargs: Any) -> None:
    """A page the index leaves out (an earlier version: search.UNINDEXED) is not parsed for it by Material either
    (0.07 s of CPU a build): its sections would be dropped when the index is split, the index is the same."""
    if search.UNINDEXED in page.url:
        page.meta["search"] = {**(page.meta.get("search") or {}), "exclude": True}


GLUED = re.compile(r"</label>(?=<label)|</(?:t[dhr]|thead)>(?=<)")


def on_page_content(html: str, **kwargs: Any) -> str | None:
    """A space between content tab labels and between table cells, so that the index sees separate words
    ("587STARTTLSRecommended" was one word of the ports table); the page looks the same."""
    return GLUED.sub(lambda end: end.group() + " ", html)


def on_post_page(output: str, *, page: Page, config: MkDocsConfig, **kwargs: Any) -> str | None:
    prefix = core.prefix(core.page_language(page, config), config)
    return search_base(output, prefix.rstrip("/"), page.file.src_uri) if prefix else None


@event_priority(core.AFTER_ALL_LANGUAGES)
def on_post_build(*, config: MkDocsConfig, **kwargs: Any) -> None:
    if core.is_outer_pass(config):
        summarized = tuple(f"{doc}/" for doc in core.more(config)["versions"])
        try:
            search.split_search_index(
                Path(config.site_dir), core.languages(config), core.synonyms(config), summarized,
                core.search_keywords(config), core.where("data/search-keywords.yml", config),
                cache=core.cache(config, "search"),  # each section's entry remembered while it is unchanged
            )
        except search.SearchError as error:
            raise PluginError(str(error)) from None
