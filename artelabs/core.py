"""The shared core of the build: what every hook asks, answered in one place.

Not a hook (it is not listed under `hooks:` in mkdocs.yml): the hooks import it
(`from artelabs import core`). It is the only file that
knows mkdocs-static-i18n's attributes, so that an upgrade of that plugin, or a
move to another builder, touches this file alone. It answers:

- the languages, the default one, the language of the build pass or of a page,
  the URL prefix of a language (`""`, `"fr/"`), and whether this is the outer pass
  (mkdocs-static-i18n builds the other languages inside the default one's
  on_post_build, at priority -100; `AFTER_ALL_LANGUAGES` runs after that);
- the build's date and version (SOURCE_DATE_EPOCH and ARTELABS_VERSION, else the
  project's own git history, else undated with one warning);
- the data (data/ports.yml) and the UI words (data/strings.yml), read and checked
  once per build;
- whether PDFs are built (`mkdocs build`; `mkdocs serve` with ARTELABS_PDF=1).

State lives here for one build: hooks/build.py calls `startup()` once per
command and `start()` when a build begins (every rebuild of `mkdocs serve` too);
the values are computed on first use within the build.
"""

from __future__ import annotations

import logging
import os
import re
import subprocess
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.structure.pages import Page

from artelabs import datafile
from artelabs import postbuild

log = logging.getLogger("mkdocs.plugins.core")

_root = Path.cwd()  # the project being built (the folder of its mkdocs.yml): start() sets it
DATA = "data/ports.yml"
SCHEMA = "data/schemas/ports.schema.json"
STRINGS = "data/strings.yml"
# on_post_build priority of the steps that need every language built: after
# mkdocs-static-i18n (-100), which builds the other languages there.
AFTER_ALL_LANGUAGES = -200
PDF_ENV = "ARTELABS_PDF"  # 1: PDFs in `mkdocs serve` too; 0: no PDF in `mkdocs build`
VERSION_ENV = "ARTELABS_VERSION"  # the version named in the PDFs when there is no git history


@dataclass
class Build:
    command: str = "build"
    data: dict[str, Any] | None = None
    strings: datafile.Strings | None = None
    templates: Any = None
    more: dict[str, Any] | None = None
    date: datetime | None = None
    version: str | None = None
    dated: bool = False
    notes: list[str] = field(default_factory=list)


_build = Build()
_command = "build"
# One line for what a person must know but that must not fail a strict build (an undated PDF).
notice = logging.getLogger("artelabs")
if not notice.handlers:
    _handler = logging.StreamHandler()
    _handler.setFormatter(logging.Formatter("%(levelname)-7s -  %(message)s"))
    notice.addHandler(_handler)
    notice.propagate = False


# -----------------------------------------------------------------------------
# The build
# -----------------------------------------------------------------------------


def startup(command: str) -> None:
    """Once per `mkdocs build` or `mkdocs serve` (on_startup)."""
    global _command
    _command = command


def is_start_of_build(config: MkDocsConfig) -> bool:
    """In on_config only: True in the first pass of a build (mkdocs-static-i18n has not chosen a language yet).

    Later events of the first pass: `is_outer_pass` (the default language's pass, which sees every file)."""
    i18n = _i18n(config)
    return i18n is None or i18n.current_language is None


def start(root: Path) -> None:
    """A new build (or a rebuild of `mkdocs serve`) of the project at root begins: forget the last one's values."""
    global _build, _root
    _root = Path(root).resolve()
    _build = Build(command=_command)
    _date_and_version()


def command() -> str:
    return _build.command


def pdf_enabled() -> bool:
    """PDFs in `build` and `gh-deploy`; in `serve` only with ARTELABS_PDF=1; never with ARTELABS_PDF=0."""
    setting = os.environ.get(PDF_ENV, "")
    return setting == "1" if _build.command == "serve" else setting != "0"


def data(config: MkDocsConfig) -> dict[str, Any]:
    """data/ports.yml, checked, read once per build."""
    if _build.data is None:
        root = Path(config.config_file_path).parent
        _build.data = _load(lambda: datafile.load(root / DATA, name=DATA, schema=root / SCHEMA))
        for note in datafile.cache_notes():
            log.info(note)
    return _build.data


def more(config: MkDocsConfig) -> dict[str, Any]:
    """data/company.yml, data/sources.yml, data/legal-versions.yml, checked, read once per build."""
    if _build.more is None:
        root = Path(config.config_file_path).parent
        latest = _build.date.date() if _build.date else None
        _build.more = _load(lambda: datafile.load_more(root, tuple(languages(config)), latest=latest))
    return _build.more


def synonyms(config: MkDocsConfig) -> dict[str, list[list[str]]]:
    """data/synonyms.yml: per language, groups of words customers use for the same thing."""
    root = Path(config.config_file_path).parent
    path = root / "data" / "synonyms.yml"
    return _load(lambda: datafile.load_synonyms(path, tuple(languages(config))))


def search_keywords(config: MkDocsConfig) -> dict[str, dict[str, list[str]]]:
    """data/search-keywords.yml: {"/page/#anchor": {lang: [words]}}, the customers' words the index adds to a section."""
    root = Path(config.config_file_path).parent
    return _load(lambda: datafile.load_search_keywords(root / "data" / "search-keywords.yml"))


def where(data_file: str, config: MkDocsConfig) -> Any:
    """where(key) -> "data/NAME.yml:LINE: key": a top-level key of a data file, for a refusal found after it was read."""
    root = Path(config.config_file_path).parent
    document = datafile.Document(root / data_file, data_file)
    return lambda key: f"{data_file}:{document.line((key,))}: {key}"


def company_line(config: MkDocsConfig, lang: str) -> str:
    """"Legal name, address, UID …" of data/company.yml, each unknown one said so, for the footer and PDF covers."""
    company, t = more(config)["company"], strings(config)
    values = []
    for key in ("legal_name", "address", "uid"):
        entry = company.get(key, {})
        value = entry.get("value")
        value = value.get(lang) if isinstance(value, dict) else value
        shown = str(value) if value else f"{t(f'company.{key}', lang)} ({t('legal.unconfirmed', lang)})"
        if value and entry.get("status") != "confirmed":
            shown += f" ({t('legal.unconfirmed', lang)})"
        values.append(shown)
    return " · ".join(values)


def anchor_aliases(config: MkDocsConfig) -> dict[str, dict[str, str]]:
    """data/anchor-aliases.yml: {page path: {old id: new id}} for anchors renamed on purpose."""
    path = Path(config.config_file_path).parent / "data" / "anchor-aliases.yml"
    return _load(lambda: datafile.load_aliases(path))


def strings(config: MkDocsConfig) -> datafile.Strings:
    """data/strings.yml: t = core.strings(config); t("pdf.download", "fr")."""
    if _build.strings is None:
        root = Path(config.config_file_path).parent
        _build.strings = _load(lambda: datafile.Strings(root / STRINGS, STRINGS, tuple(languages(config))))
    return _build.strings


def templates(config: MkDocsConfig) -> Any:
    """The theme's Jinja environment (overrides/ first), HTML-escaping, for the partials of markers."""
    if _build.templates is None:
        bytecode = _bytecode_cache(config, "templates")
        _build.templates = config.theme.get_env().overlay(autoescape=True, bytecode_cache=bytecode)
    return _build.templates


def theme_bytecode(env: Any, config: MkDocsConfig) -> None:
    """The theme's own templates (Material's and overrides/) compiled once, not at every build and language pass.

    MkDocs makes a new Jinja environment for each pass and compiles every template it renders again (0.37 s of
    CPU a build, both languages). Jinja's bytecode cache keeps the compiled code under the template's name and
    the sha1 of its source: an edited template is compiled again, the pages' bytes are the same. Its own folder,
    keyed by Jinja's version and the environment's settings (the markers' HTML-escaping partials are apart)."""
    if env.bytecode_cache is None:
        env.bytecode_cache = _bytecode_cache(config, "theme", env)


def cache(config: MkDocsConfig, name: str) -> Path | None:
    """.cache/artelabs/NAME/ of the project (datafile.cache_folder), None where it cannot be written: a read-only
    checkout builds without it. Looked up once per build and name."""
    key = (config.config_file_path, name)
    if key not in _caches:
        folder = datafile.cache_folder(Path(config.config_file_path).parent / DATA) / name
        try:
            folder.mkdir(parents=True, exist_ok=True)
            _caches[key] = folder if os.access(folder, os.W_OK) else None
        except OSError:
            _caches[key] = None
    return _caches[key]


_caches: dict[tuple[str, str], Path | None] = {}


def _bytecode_cache(config: MkDocsConfig, name: str, env: Any = None) -> Any:
    """A Jinja bytecode cache in .cache/artelabs/NAME/ (a subfolder per environment's settings), None where the
    folder cannot be written (a read-only checkout builds without it)."""
    import hashlib

    import jinja2
    from jinja2 import FileSystemBytecodeCache

    cache = datafile.cache_folder(Path(config.config_file_path).parent / DATA) / name
    if env is not None:  # what changes the compiled code besides the source: Jinja itself and the settings
        settings = (jinja2.__version__, sorted(env.extensions), bool(env.autoescape), env.block_start_string,
                    env.variable_start_string, env.comment_start_string, env.line_statement_prefix,
                    env.line_comment_prefix, env.trim_blocks, env.lstrip_blocks, env.newline_sequence,
                    env.keep_trailing_newline, env.optimized)
        cache = cache / hashlib.sha256(repr(settings).encode()).hexdigest()[:16]
    try:
        cache.mkdir(parents=True, exist_ok=True)
        return FileSystemBytecodeCache(str(cache)) if os.access(cache, os.W_OK) else None
    except OSError:
        return None


def site(config: MkDocsConfig) -> postbuild.Site:
    """What the post-build steps (PDF, profiles, .htaccess) need, for this pass's language."""
    lang = current_language(config)
    return postbuild.Site(
        folder=Path(config.site_dir),
        site_url=config.site_url or "/",
        languages=languages(config),
        name=config.site_name,
        author=config.site_author or "",
        descriptions={lang: " ".join((config.site_description or "").split())},
        copyrights={lang: " ".join((config.copyright or "").split())},
        date=build_date(),
        version=version(),
        data=data(config),
        strings=strings(config),
        root=Path(config.config_file_path).parent,
    )


def pdf_path(lang: str, config: MkDocsConfig) -> str | None:
    """The PDF of a language under the site (for the link on every page), or None when none is built."""
    return f"{prefix(lang, config)}pdf/artelabs-support-{lang}.pdf" if pdf_enabled() else None


def page_path(src_uri: str) -> str:
    """A page's path under its language root: mail/setup.fr.md -> mail/setup/, index.md -> "",
    terms/versions/3.0.md -> terms/versions/3.0/ (a dot in a name is not always a language)."""
    stem = src_uri.removesuffix(".md")
    name = stem.rsplit("/", 1)[-1]
    if re.fullmatch(r"[a-z]{2}(?:_[A-Z]{2})?", name.rpartition(".")[2]) and "." in name:  # x.fr.md (suffix layout)
        stem = stem.rpartition(".")[0]
    if stem == "index" or stem.endswith("/index"):
        return stem.removesuffix("index")
    return f"{stem}/"


def _load(read: Any) -> Any:
    try:
        return read()
    except datafile.DataError as error:
        raise PluginError(str(error)) from None


# -----------------------------------------------------------------------------
# Languages (mkdocs-static-i18n)
# -----------------------------------------------------------------------------


def _i18n(config: MkDocsConfig) -> Any:
    return config.plugins.get("i18n")


def default_language(config: MkDocsConfig) -> str:
    i18n = _i18n(config)
    return str(i18n.default_language) if i18n else str(config.theme.get("language") or "en")


def languages(config: MkDocsConfig) -> list[str]:
    """Every language built, in the order of the passes: the default one first."""
    i18n = _i18n(config)
    if i18n is None:
        return [default_language(config)]
    default = default_language(config)
    return [default, *(str(lang) for lang in i18n.build_languages if lang != default)]


def current_language(config: MkDocsConfig) -> str:
    """The language of the pass being built."""
    i18n = _i18n(config)
    return str(i18n.current_language or i18n.default_language) if i18n else default_language(config)


def page_language(page: Page, config: MkDocsConfig) -> str:
    """The language of a page (its file's suffix), else the pass's."""
    return str(getattr(page.file, "locale", None) or current_language(config))


def prefix(lang: str, config: MkDocsConfig) -> str:
    """The URL path of a language's root under the site: "" for the default language, "fr/"."""
    return "" if lang == default_language(config) else f"{lang}/"


def is_outer_pass(config: MkDocsConfig) -> bool:
    """True in the pass that the build command started (it finishes after every language)."""
    i18n = _i18n(config)
    return i18n is None or not i18n.building


def file_language(src_uri: str, config: MkDocsConfig) -> str:
    """The language of a page's source by its suffix (mail/setup.fr.md: fr), before the plugin sorts files."""
    stem = src_uri.rsplit("/", 1)[-1].removesuffix(".md")
    suffix = stem.rpartition(".")[2] if "." in stem else ""
    return suffix if suffix in languages(config) else default_language(config)


def is_last_pass(config: MkDocsConfig) -> bool:
    return current_language(config) == languages(config)[-1]


# -----------------------------------------------------------------------------
# Date and version
# -----------------------------------------------------------------------------


def build_date() -> datetime | None:
    """SOURCE_DATE_EPOCH, else the project's last commit; None when the build is undated."""
    return _build.date


def version() -> str | None:
    """ARTELABS_VERSION, else `git describe` of the project; None when unknown."""
    return _build.version


# SOURCE_DATE_EPOCH as the process had it before the build: MkDocs dates the sitemap from the environment,
# so a build sets it while it runs (same commit, same bytes) and `finish()` puts the process's own value back:
# nothing a build decided stays behind for the next build of the same process.
_UNSET = object()
_epoch_before: Any = _UNSET


def finish() -> None:
    """The build is over (on_shutdown): the process's environment as it was before the build."""
    global _epoch_before
    if _epoch_before is _UNSET:
        return
    if _epoch_before is None:
        os.environ.pop("SOURCE_DATE_EPOCH", None)
    else:
        os.environ["SOURCE_DATE_EPOCH"] = _epoch_before
    _epoch_before = _UNSET


def _date_and_version() -> None:
    global _epoch_before
    finish()  # a rebuild of `mkdocs serve` starts from the process's own environment, not the last build's
    repo = _own_repository()
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if not epoch and repo:
        epoch = _git(["log", "-1", "--format=%ct"]) or ""
        if epoch:
            _epoch_before = os.environ.get("SOURCE_DATE_EPOCH")
            os.environ["SOURCE_DATE_EPOCH"] = epoch  # MkDocs dates the sitemap with it, until finish()
    if epoch:
        try:
            _build.date = datetime.fromtimestamp(int(epoch), timezone.utc)
        except ValueError:
            raise PluginError(f"SOURCE_DATE_EPOCH: {epoch!r} is not a number of seconds, expected e.g. 1764460800") from None
    _build.version = os.environ.get(VERSION_ENV, "").strip() or (
        _git(["describe", "--tags", "--always", "--dirty", "--abbrev=12"]) if repo else None
    ) or None
    if _build.date is None or _build.version is None:
        missing = " and ".join(
            name for name, value in (("SOURCE_DATE_EPOCH", _build.date), (VERSION_ENV, _build.version)) if value is None
        )
        notice.warning(
            f"{_root.name}: not a git checkout and no {missing} given: the PDFs say 'undated' "
            f"(set {missing} to date and name this build; tools/publish.sh refuses an undated build)"
        )


def _own_repository() -> bool:
    """The project's own git repository (not one that happens to contain the folder)."""
    top = _git(["rev-parse", "--show-toplevel"])
    return bool(top) and Path(top).resolve() == _root


def _git(arguments: list[str]) -> str | None:
    try:
        result = subprocess.run(
            ["git", *arguments], cwd=_root, capture_output=True, text=True, check=True, timeout=10,
            env={**os.environ, "GIT_CEILING_DIRECTORIES": str(_root.parent)},
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return result.stdout.strip() or None
