"""What the site's templates know: `artelabs` in overrides/main.html and 404.html.

    {{ artelabs.t("pdf.download") }}   a UI word of data/strings.yml, in the page's language
    {{ artelabs.pdf }}                 the language's PDF under the site, or none (not built)
    {{ artelabs.lang }}, {{ artelabs.root }}   the language, and its root's URL path ("/", "/fr/")
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from jinja2 import Environment
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import Files

import core


@dataclass(frozen=True)
class Words:
    lang: str
    root: str
    pdf: str | None
    strings: Any

    def t(self, key: str) -> str:
        return self.strings(key, self.lang)


def on_env(env: Environment, *, config: MkDocsConfig, files: Files, **kwargs: Any) -> None:
    lang = core.current_language(config)
    env.globals["artelabs"] = Words(lang, "/" + core.prefix(lang, config), core.pdf_path(lang, config), core.strings(config))
