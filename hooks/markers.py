"""Put the values of data/ports.yml into the pages: the markers extension, configured.

The markers (`<!-- ports:table mail -->`, `<!-- ports:imap.port -->`,
`<!-- mobileconfig-offer -->`) are filled by a Python-Markdown extension,
artelabs/markers.py, which any builder that runs Python-Markdown can use. Here,
for MkDocs, this hook:

- adds the extension once, and hands it the data (checked once per build by
  artelabs/core.py), the UI words and the theme's templates;
- before any page is built, checks every marker of every page of both
  languages, so that a mistake stops the build with its file and line;
- tells the extension the language and the path of each page it converts.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import Files
from mkdocs.structure.pages import Page

from artelabs import core
from artelabs import markers


# -----------------------------------------------------------------------------
# Hooks
# -----------------------------------------------------------------------------


def on_config(config: MkDocsConfig, **kwargs: Any) -> None:
    """The extension, once in the configuration (each language pass calls on_config again)."""
    if not any(isinstance(ext, markers.MarkersExtension) for ext in config.markdown_extensions):
        config.markdown_extensions.append(markers.MarkersExtension())
    core.data(config)  # a mistake in the data stops the build now, before any page
    core.more(config)


def on_files(files: Files, *, config: MkDocsConfig, **kwargs: Any) -> None:
    """Every marker of every page, both languages, checked before any page is built."""
    if not core.is_outer_pass(config):
        return  # once per build: the first pass sees the pages of every language
    _rendered.clear()
    _shared.clear()
    for file in files.documentation_pages():
        found = markers.scan(file.content_string)
        if not found:
            continue
        lang = core.file_language(file.src_uri, config)
        renderer = _renderer(config, lang, core.page_path(file.src_uri))
        for marker in found:
            try:
                renderer.render(marker.body, alone=marker.alone)
            except markers.MarkerError as error:
                raise PluginError(f"docs/{file.src_uri}:{marker.line}: {error}") from None
        # A version's page ends with what changed from the version before (added by the extension, not written):
        # checked here too, so that a missing earlier text stops the build in one line (computed once: cached).
        version = markers.diff.version_of(file.content_string.splitlines(), renderer.more.get("versions", {}))
        if version:
            try:
                renderer.render(f"diff:{version[0]}.{version[1]}", alone=True)
            except markers.MarkerError as error:
                raise PluginError(f"docs/{file.src_uri}: what changed from the previous version: {error}") from None


def on_page_markdown(markdown: str, *, page: Page, config: MkDocsConfig, **kwargs: Any) -> None:
    """The language and path of the page that Markdown converts next."""
    for extension in config.markdown_extensions:
        if isinstance(extension, markers.MarkersExtension):
            extension.renderer = _renderer(config, core.page_language(page, config), core.page_path(page.file.src_uri))


# -----------------------------------------------------------------------------
# Helpers
# -----------------------------------------------------------------------------


# What each marker of each page rendered when it was checked (on_files), for the page's conversion: the same
# marker of the same page in the same language renders the same HTML within a build, and is rendered once.
_rendered: dict[tuple[str, str, str, bool], str] = {}


# What every page of the build computes alike (markers.Renderer.shared): one dict for the build's renderers.
_shared: dict[str, Any] = {}


def _remember(render: Any, lang: str, page: str) -> Any:
    def remembered(body: str, *, alone: bool) -> str:
        key = (lang, page, body, alone)
        if key not in _rendered:
            _rendered[key] = render(body, alone=alone)
        return _rendered[key]

    return remembered


def _renderer(config: MkDocsConfig, lang: str, page: str) -> markers.Renderer:
    try:
        renderer = markers.Renderer(
            core.data(config), core.strings(config), core.templates(config), lang, page, core.more(config)
        )
        renderer.default = core.default_language(config)
        renderer.root = Path(config.config_file_path).parent
        renderer.site_url = config.site_url or ""
        renderer.languages = core.languages(config)
        renderer.built = core.build_date()  # the announcements are placed as of the build date, never today
        renderer.shared = _shared
        renderer.render = _remember(renderer.render, lang, page)  # type: ignore[method-assign]
        return renderer
    except markers.MarkerError as error:
        raise PluginError(str(error)) from None
