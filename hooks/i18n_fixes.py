"""Make the two-language build behave like two sites, one per language.

mkdocs-static-i18n builds one pass per language into the same folder. Left
alone, it writes one search index for both languages, one root 404 page in the
last language built, and Material's language selector loses the #anchor and
asks for a sitemap.xml under every page (404 in the console). This hook:

- splits the search index: /search/ holds the English pages, /fr/search/ the
  French ones, each with its own stemmer; French pages search /fr/;
- writes /404.html in English and /fr/404.html in French;
- turns off Material's sitemap-based language redirect (the selector's links
  already point at the same page; extra JavaScript keeps the #anchor);
- sets SOURCE_DATE_EPOCH to the last commit's date when it is not set, so
  that the same commit gives the same bytes.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
from pathlib import Path
from typing import Any

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority
from mkdocs.structure.pages import Page


# Material's call that fetches sitemap.xml next to every <link rel=alternate>
# and rewrites clicks on the language selector (it drops the #anchor).
ALTERNATE_SETUP = "ui({document$:ct});"
BUNDLE_GLOB = "assets/javascripts/bundle.*.min.js"
CONFIG_SCRIPT = re.compile(r'(<script id="__config" type="application/json">)(.*?)(</script>)', re.S)

_english_404: str | None = None


# -----------------------------------------------------------------------------
# Hooks
# -----------------------------------------------------------------------------


def on_startup(**kwargs: Any) -> None:
    """Default SOURCE_DATE_EPOCH to the date of the last commit."""
    if "SOURCE_DATE_EPOCH" in os.environ:
        return
    epoch = last_commit_epoch(Path(__file__).parent.parent)
    if epoch:
        os.environ["SOURCE_DATE_EPOCH"] = epoch


def on_config(config: MkDocsConfig, **kwargs: Any) -> None:
    """Every page exists in every language: no silent fallback to English."""
    i18n = config.plugins.get("i18n")
    if i18n is None or i18n.building:
        return  # checked once, in the first pass (the docs are the same in every pass)
    docs = Path(config.docs_dir)
    languages = [lang.locale for lang in i18n.config.languages]
    default = _default_language(config)
    for page in sorted(docs.rglob("*.md")):
        stem, _, lang = page.stem.rpartition(".")
        base = page.with_name(f"{stem}.md") if lang in languages else page
        for other in languages:
            wanted = base if other == default else base.with_name(f"{base.stem}.{other}.md")
            if not wanted.exists():
                raise PluginError(
                    f"{wanted.relative_to(docs.parent)}: missing, expected the {other} version of "
                    f"{page.relative_to(docs.parent)} (no fallback to another language)"
                )


def on_post_page(output: str, *, page: Page, config: MkDocsConfig, **kwargs: Any) -> str | None:
    """On pages of another language than the default, search that language."""
    prefix = _language_prefix(page, config)
    if not prefix:
        return None
    return search_base(output, prefix, page.file.src_uri)


def on_post_template(output: str, *, template_name: str, config: MkDocsConfig, **kwargs: Any) -> str | None:
    """404.html: each language at its own root; the site root stays English."""
    global _english_404
    if template_name != "404.html":
        return None
    lang, default = _current_language(config), _default_language(config)
    if lang == default:
        _english_404 = output
        return None
    target = Path(config.site_dir) / lang / "404.html"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(search_base(output, lang, "404.html"), encoding="utf-8")
    return _english_404


@event_priority(-200)
def on_post_build(*, config: MkDocsConfig, **kwargs: Any) -> None:
    """After mkdocs-static-i18n (-100) has built every language."""
    i18n = config.plugins.get("i18n")
    if i18n is None or i18n.building:
        return  # an inner language pass: the outer one finishes the job
    default = _default_language(config)
    site = Path(config.site_dir)
    split_search_index(site, default, [lang for lang in i18n.build_languages if lang != default])
    _disable_alternate_redirect(site)


# -----------------------------------------------------------------------------
# Helpers
# -----------------------------------------------------------------------------


def last_commit_epoch(repo: Path) -> str | None:
    try:
        result = subprocess.run(
            ["git", "log", "-1", "--format=%ct"], cwd=repo, capture_output=True, text=True, check=True, timeout=10
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return result.stdout.strip() or None


def search_base(output: str, prefix: str, name: str) -> str:
    """Point Material's `base` (search index, result links) at the language's root."""
    match = CONFIG_SCRIPT.search(output)
    if match is None:
        raise PluginError(f"{name}: Material's __config script not found, expected in every page")
    app = json.loads(match.group(2))
    base = app["base"].rstrip("/")  # "../..", "..", "." or "/" (error pages)
    app["base"] = f"{base}/{prefix}/" if base or app["base"] == "/" else f"{prefix}/"
    return output[: match.start(2)] + json.dumps(app, separators=(",", ":")) + output[match.end(2) :]


def split_search_index(site: Path, default: str, others: list[str]) -> None:
    """One search index per language, each with its own lunr language."""
    path = site / "search" / "search_index.json"
    index = json.loads(path.read_text(encoding="utf-8"))
    for lang in [default, *others]:
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


def _disable_alternate_redirect(site: Path) -> None:
    bundles = list(site.glob(BUNDLE_GLOB))
    if len(bundles) != 1:
        raise PluginError(f"{BUNDLE_GLOB}: found {len(bundles)} files, expected Material's one bundle")
    text = bundles[0].read_text(encoding="utf-8")
    if ALTERNATE_SETUP not in text:
        if "/*mdx: alternate redirect off*/" in text:
            return
        raise PluginError(
            f"{bundles[0].name}: '{ALTERNATE_SETUP}' not found, expected Material 9.8.2's bundle "
            "(update hooks/i18n_fixes.py for the new Material version)"
        )
    bundles[0].write_text(text.replace(ALTERNATE_SETUP, "/*mdx: alternate redirect off*/", 1), encoding="utf-8")


def _language_prefix(page: Page, config: MkDocsConfig) -> str:
    lang = getattr(page.file, "locale", None)
    default = _default_language(config)
    return "" if lang in (None, default) else str(lang)


def _current_language(config: MkDocsConfig) -> str:
    i18n = config.plugins.get("i18n")
    return i18n.current_language if i18n else "en"


def _default_language(config: MkDocsConfig) -> str:
    i18n = config.plugins.get("i18n")
    return i18n.default_language if i18n else "en"
