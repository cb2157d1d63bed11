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

import logging
from pathlib import Path
from typing import Any

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import Files
from mkdocs.structure.pages import Page

from artelabs import core, datafile
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
    """Every marker of every page, both languages, checked before any page is built; each refusal names the file
    and line to edit: the page's, or the data file's, or the current text's that a version's page includes."""
    if not core.is_outer_pass(config):
        return  # once per build: the first pass sees the pages of every language
    _rendered.clear()
    _included.clear()
    _install_link_filter()
    _shared.clear()
    for file in files.documentation_pages():
        found = markers.scan(file.content_string)
        if not found:
            continue
        lang = core.file_language(file.src_uri, config)
        renderer = _renderer(config, lang, core.page_path(file.src_uri), file.src_uri)
        _check(renderer, found, f"docs/{file.src_uri}")
        for marker in found:  # `versions:include DOC` (checked above): the markers of the text it puts in, on this page
            included = markers.versions.INCLUDE.match(marker.text) if marker.alone else None
            if included:
                name = f"{included['doc']}.md" if lang == renderer.default else f"{included['doc']}.{lang}.md"
                _included[file.src_uri] = (name, "../" * (included["doc"].count("/") + 2))
                text = (Path(config.docs_dir) / name).read_text(encoding="utf-8")
                _check(renderer, markers.scan(text), f"docs/{name}", f" (in the current text that docs/{file.src_uri} includes)")
        # A version's page ends with what changed from the version before (added by the extension, not written):
        # checked here too, so that a missing earlier text stops the build in one line (computed once: cached).
        version = markers.diff.version_of(file.content_string.splitlines(), renderer.more.get("versions", {}))
        if version:
            try:
                renderer.render(f"diff:{version[0]}.{version[1]}", alone=True)
            except (markers.MistakeElsewhere, datafile.DataError) as error:
                raise PluginError(f"{error} (needed by docs/{file.src_uri}: what changed from the previous version)") from None
            except markers.MarkerError as error:
                raise PluginError(f"docs/{file.src_uri}: what changed from the previous version: {error}") from None


def _check(renderer: markers.Renderer, found: list[markers.Marker], where: str, context: str = "") -> None:
    problem = markers.refusal(renderer, found, where, context)
    if problem:
        raise PluginError(problem)


def on_page_markdown(markdown: str, *, page: Page, config: MkDocsConfig, **kwargs: Any) -> None:
    """The language and path of the page that Markdown converts next."""
    for extension in config.markdown_extensions:
        if isinstance(extension, markers.MarkersExtension):
            extension.renderer = _renderer(
                config, core.page_language(page, config), core.page_path(page.file.src_uri), page.file.src_uri
            )


# -----------------------------------------------------------------------------
# Helpers
# -----------------------------------------------------------------------------


# The version pages that include a current text, that text's file and what its relative links gain on the way
# (versions.include): {terms/versions/3.1.fr.md: (terms.fr.md, "../../")}.
_included: dict[str, tuple[str, str]] = {}


class _IncludedLinks(logging.Filter):
    """MkDocs's warning about a link of a version's page that comes from the current text it includes names the
    current text's file, the one to edit (MkDocs would name the version's page, which holds only the marker)."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        for page, (text, up) in _included.items():
            if message.startswith(f"Doc file '{page}' contains "):  # the link as written there, not as moved here
                message = message.replace(f"Doc file '{page}'", f"Doc file '{text}' (the current text that '{page}' includes)", 1)
                record.msg, record.args = message.replace(f" link '{up}", " link '", 1), ()
                break
        return True


def _install_link_filter() -> None:
    logger = logging.getLogger("mkdocs.structure.pages")
    if not any(isinstance(f, _IncludedLinks) for f in logger.filters):
        logger.addFilter(_IncludedLinks())


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


def _renderer(config: MkDocsConfig, lang: str, page: str, source: str) -> markers.Renderer:
    try:
        renderer = markers.Renderer(
            core.data(config), core.strings(config), core.templates(config), lang, page, core.more(config)
        )
        renderer.source = source
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
