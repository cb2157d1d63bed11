"""One search index per language: /search/ for English, /fr/search/ for French.

mkdocs-static-i18n writes one index for every language. Here the index is split
after every language is built, each part with its own lunr language (French
stemming), and every page of a language other than the default one points
Material's `base` at its language's root, so that it loads its own index.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.plugins import event_priority
from mkdocs.structure.pages import Page

import core
from pagehtml import search_base


# -----------------------------------------------------------------------------
# Hooks
# -----------------------------------------------------------------------------


def on_post_page(output: str, *, page: Page, config: MkDocsConfig, **kwargs: Any) -> str | None:
    prefix = core.prefix(core.page_language(page, config), config)
    return search_base(output, prefix.rstrip("/"), page.file.src_uri) if prefix else None


@event_priority(core.AFTER_ALL_LANGUAGES)
def on_post_build(*, config: MkDocsConfig, **kwargs: Any) -> None:
    if core.is_outer_pass(config):
        split_search_index(Path(config.site_dir), core.languages(config))


# -----------------------------------------------------------------------------
# Helpers
# -----------------------------------------------------------------------------


def split_search_index(site: Path, languages: list[str]) -> None:
    """The combined index as one index per language (the default language's at the root)."""
    default, others = languages[0], languages[1:]
    path = site / "search" / "search_index.json"
    index = json.loads(path.read_text(encoding="utf-8"))
    for lang in languages:
        if lang == default:
            docs = [doc for doc in index["docs"] if not any(doc["location"].startswith(f"{o}/") for o in others)]
            target = path
        else:
            docs = [
                {**doc, "location": doc["location"][len(lang) + 1 :]}
                for doc in index["docs"]
                if doc["location"].startswith(f"{lang}/")
            ]
            target = site / lang / "search" / "search_index.json"
        target.parent.mkdir(parents=True, exist_ok=True)
        content = {"config": {**index["config"], "lang": [lang]}, "docs": docs}
        target.write_text(json.dumps(content, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
