"""One 404 page per language: /404.html in English, /fr/404.html in French.

mkdocs-static-i18n renders 404.html in every pass into the same place, so the
last language would win. The default language's page stays at the root; each
other language's goes to its own root and searches its own index.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from mkdocs.config.defaults import MkDocsConfig

from artelabs import core
from artelabs.pagehtml import search_base

_default_page: str | None = None


def on_post_template(output: str, *, template_name: str, config: MkDocsConfig, **kwargs: Any) -> str | None:
    global _default_page
    if template_name != "404.html":
        return None
    lang = core.current_language(config)
    if lang == core.default_language(config):
        _default_page = output
        return None
    target = Path(config.site_dir) / core.prefix(lang, config) / "404.html"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(search_base(output, lang, "404.html"), encoding="utf-8")
    return _default_page  # the root keeps the default language's page
