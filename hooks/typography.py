"""French typography (artelabs/typography.py): U+202F before ; : ! ? and inside « », on French pages and in
what another page marks `lang="fr"`.

The content first (what the search indexes, with what markers and partials put in it), then the page as
written (its title, navigation, table of contents, banner and footer): the PDF is made from the written
pages. The 404 pages too. Each page's result is remembered in .cache/artelabs/typography/ while its HTML is
unchanged.
"""

from __future__ import annotations

from typing import Any

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.pages import Page

from artelabs import core, typography


def on_page_content(html: str, *, page: Page, config: MkDocsConfig, **kwargs: Any) -> str:
    return typography.french_remembered(html, core.page_language(page, config), core.cache(config, "typography"),
                                        _name(page, "content"))


def on_post_page(output: str, *, page: Page, config: MkDocsConfig, **kwargs: Any) -> str:
    return typography.french_remembered(output, core.page_language(page, config), core.cache(config, "typography"),
                                        _name(page, "page"))


def _name(page: Page, stage: str) -> str:
    """A page's entry in the cache; builds with and without the PDFs (whose pages differ) have one each."""
    return f"{page.url} {stage}{' pdf' if core.pdf_enabled() else ''}"


def on_post_template(output: str, *, template_name: str, config: MkDocsConfig, **kwargs: Any) -> str | None:
    return typography.french(output, core.current_language(config)) if template_name == "404.html" else None
