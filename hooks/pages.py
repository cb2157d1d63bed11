"""Refuse the page mistakes that would otherwise be published quietly, with file and line (artelabs/pages.py);
a page's front-matter title is text wherever it lands.

A page whose exact text passed the same checks before is not checked again (a stamp in .cache/artelabs/pages/
under the sha256 of the text and of the checks' own code): an edit checks the edited page, not all fifty.
"""

from __future__ import annotations

import hashlib
import inspect
from pathlib import Path
from typing import Any

import mkdocs
import yaml
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import Files
from mkdocs.structure.pages import Page

from artelabs import core, datafile, pages
from artelabs.markers import base as markers_base

# The checks' code (artelabs/pages.py, the code-skipping of artelabs/markers/base.py, the characters refused
# by artelabs/datafile/reader.py), the YAML reader and MkDocs (whose loader reads the front matter): a change to
# any of them checks every page again.
CHECKS = hashlib.sha256(
    "\0".join((inspect.getsource(pages), inspect.getsource(markers_base), inspect.getsource(datafile.reader),
               yaml.__version__, mkdocs.__version__)).encode()
).hexdigest()


def on_files(files: Files, *, config: MkDocsConfig, **kwargs: Any) -> None:
    if not core.is_outer_pass(config):
        return  # once per build: the first pass sees the pages of every language
    stamps = datafile.cache_folder(Path(config.config_file_path).parent / core.DATA) / "pages"
    for file in files.documentation_pages():
        content = file.content_string
        stamp = stamps / hashlib.sha256(f"{CHECKS}\0{content}".encode()).hexdigest()
        if datafile.stamped(stamp):
            continue
        problem = pages.check(content)
        if problem:
            line, message = problem
            raise PluginError(f"docs/{file.src_uri}:{line}: {message}")
        datafile.stamp(stamp, "every page")


def on_page_markdown(markdown: str, *, page: Page, **kwargs: Any) -> None:
    """`title:` as text wherever MkDocs and Material print it (artelabs/pages.py, `as_text`)."""
    pages.as_text(page.meta)
