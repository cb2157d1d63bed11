"""Refuse the page mistakes that would otherwise be published quietly, with file and line (artelabs/pages.py);
a page's front-matter title is text wherever it lands."""

from __future__ import annotations

from typing import Any

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import Files
from mkdocs.structure.pages import Page

from artelabs import core, pages


def on_files(files: Files, *, config: MkDocsConfig, **kwargs: Any) -> None:
    if not core.is_outer_pass(config):
        return  # once per build: the first pass sees the pages of every language
    for file in files.documentation_pages():
        problem = pages.check(file.content_string)
        if problem:
            line, message = problem
            raise PluginError(f"docs/{file.src_uri}:{line}: {message}")


def on_page_markdown(markdown: str, *, page: Page, **kwargs: Any) -> None:
    """`title:` as text wherever MkDocs and Material print it (artelabs/pages.py, `as_text`)."""
    pages.as_text(page.meta)
