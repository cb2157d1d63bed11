"""`artelabs` in the templates (artelabs/theme.py), the tables' extension, and the company in the footer."""

from __future__ import annotations

import html
from typing import Any

from jinja2 import Environment
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.plugins import event_priority
from mkdocs.structure.files import Files

from artelabs import core, tablewrap, theme


@event_priority(-150)  # after mkdocs-static-i18n (-100) has set this language's copyright line
def on_config(config: MkDocsConfig, **kwargs: Any) -> None:
    """The tables' extension, once (each language pass calls on_config again); the footer names the company
    from data/company.yml (legal name, address, UID), in every language."""
    if not any(isinstance(ext, tablewrap.TableWrapExtension) for ext in config.markdown_extensions):
        config.markdown_extensions.append(tablewrap.TableWrapExtension())
    line = html.escape(core.company_line(config, core.current_language(config)))  # the footer prints it as HTML
    if line and line not in (config.copyright or ""):
        config.copyright = f"{(config.copyright or '').strip()} {line}".strip()


def on_env(env: Environment, *, config: MkDocsConfig, files: Files, **kwargs: Any) -> None:
    core.theme_bytecode(env, config)  # before any template is loaded: compiled once, not at every build
    lang = core.current_language(config)
    env.globals["artelabs"] = theme.Words(
        lang, "/" + core.prefix(lang, config), core.pdf_path(lang, config), core.strings(config), core.anchor_aliases(config),
        banner=theme.banner(config, lang), feeds=theme.feeds(config, lang),
    )
