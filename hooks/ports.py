"""Put the mail servers and ports of data/ports.yml into the pages.

`data/ports.yml` is the only place where a port number or a mail host name is
written. This hook loads it once per build pass (mkdocs-static-i18n runs one
pass per language), checks it against `data/ports.schema.json`, and replaces
the markers in each page's Markdown with content in the page's language:

    <!-- ports:table NAME -->   a table: mail, incoming, outgoing, account,
                                standard, not-standard, other-providers
                                (alone on its line)
    <!-- ports:diagram -->      the mail program / server diagram (inline SVG)
    <!-- ports:PATH -->         one value inside a sentence, for example
                                imap.host, smtp.port, smtp.security,
                                std.submission.port, other.port-2525.port,
                                provider.webmail, account.username

Bad data or an unknown marker stops the build with one line that names the
file, the key and what was expected.
"""

from __future__ import annotations

import hashlib
import html
import json
import logging
import re
from pathlib import Path
from typing import Any

import yaml
from jinja2 import Environment, FileSystemBytecodeCache
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import Files
from mkdocs.structure.pages import Page

log = logging.getLogger("mkdocs.plugins.ports")

DATA_FILE = "data/ports.yml"
SCHEMA_FILE = "data/ports.schema.json"
# What a build can reuse from the last one (git-ignored; Material keeps its
# plugins' caches in .cache/ too): the data and schema that passed the schema
# check, by hash, so that the check (and importing jsonschema, 60 ms) runs only
# when one of them changed; and the compiled templates (20 ms).
CACHE = Path(__file__).resolve().parent.parent / ".cache" / "ports"
VALIDATED = CACHE / "validated"
MARKER = re.compile(r"<!--\s*ports:(?P<body>[^>]*?)\s*-->")
BLOCK = re.compile(r"^(?P<indent>[ \t]*)<!--\s*ports:(?P<body>(?:table|diagram)\b[^>]*?)\s*-->[ \t]*$", re.M)

_data: dict[str, Any] = {}
_env: Environment | None = None
_loaded: tuple[Any, ...] = ()  # what _data and _env were made from (files' mtimes, overrides folder)


# -----------------------------------------------------------------------------
# Hooks
# -----------------------------------------------------------------------------


def on_config(config: MkDocsConfig, **kwargs: Any) -> None:
    """Load and check the data file, once per build.

    mkdocs-static-i18n runs one pass per language, each calling on_config:
    the second pass reuses what the first loaded unless a file changed
    (`mkdocs serve` keeps this module between rebuilds).
    """
    global _env, _loaded
    root = Path(config.config_file_path).parent
    paths = (root / DATA_FILE, root / SCHEMA_FILE)
    key = (*(path.stat().st_mtime_ns if path.exists() else None for path in paths), config.theme.custom_dir)
    if key == _loaded:
        return
    _data.clear()
    _data.update(load(*paths, name=DATA_FILE))
    CACHE.mkdir(parents=True, exist_ok=True)
    _env = config.theme.get_env().overlay(autoescape=True, bytecode_cache=FileSystemBytecodeCache(str(CACHE)))
    _loaded = key


def on_files(files: Files, *, config: MkDocsConfig, **kwargs: Any) -> None:
    """Check every marker of the pages of this pass before any page is built."""
    for file in files.documentation_pages():
        markdown = file.content_string
        if "ports:" in markdown:
            lang = getattr(file, "locale", None) or config.theme.get("language") or "en"
            source = f"docs/{file.src_uri}"
            for match in BLOCK.finditer(markdown):
                render(match.group("body"), lang, source, indent=match.group("indent"), check_only=True)
            for match in MARKER.finditer(BLOCK.sub("", markdown)):
                render(match.group("body"), lang, source, check_only=True)


def on_page_markdown(markdown: str, *, page: Page, config: MkDocsConfig, files: Files, **kwargs: Any) -> str | None:
    """Replace every ports marker of a page with content in its language."""
    if "ports:" not in markdown:
        return None
    return _substitute(markdown, page_language(page, config), f"docs/{page.file.src_uri}")


# -----------------------------------------------------------------------------
# Loading and checking
# -----------------------------------------------------------------------------


def load(path: Path, schema_path: Path, *, name: str = DATA_FILE) -> dict[str, Any]:
    """Read, parse and validate the data file; raise PluginError with one line."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise PluginError(f"{name}: cannot be read ({error.strerror})") from None
    try:
        data = yaml.load(text, Loader=_UniqueKeyLoader)  # noqa: S506 (a safe loader)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        where = f"line {mark.line + 1}" if mark else "somewhere"
        raise PluginError(f"{name}: {where}: YAML syntax error: {error.problem or error.context}") from None
    schema = schema_path.read_text(encoding="utf-8")
    stamp = VALIDATED / hashlib.sha256(f"{schema}\0{text}".encode()).hexdigest()
    checked = stamp.exists()
    if not checked:
        _validate(data, json.loads(schema), name)
    for section in ("mail", "standard_ports", "other_providers", "not_standard"):
        seen: set[str] = set()
        for index, entry in enumerate(data[section]):
            if entry["id"] in seen:
                raise PluginError(
                    f"{name}: {section}[{index}].id: duplicate id '{entry['id']}', expected ids unique in {section}"
                )
            seen.add(entry["id"])
    if not checked:
        try:
            stamp.parent.mkdir(parents=True, exist_ok=True)
            stamp.touch()
        except OSError:
            pass  # a read-only checkout checks at every build
    return data


def _validate(data: Any, schema: dict[str, Any], name: str) -> None:
    import jsonschema  # here, not at the top: importing it is most of this hook's cost

    error = jsonschema.exceptions.best_match(jsonschema.Draft202012Validator(schema).iter_errors(data))
    if error is not None:
        raise PluginError(f"{name}: {_key_path(error.absolute_path)}: {_expected(error)}")


class _UniqueKeyLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # libyaml's parser when present
    """A safe loader that refuses a key written twice in one mapping."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        keys = [self.construct_object(key, deep=deep) for key, _ in node.value]
        for key in keys:
            if keys.count(key) > 1:
                raise yaml.constructor.ConstructorError(
                    None, None, f"key '{key}' is written twice in one mapping", node.start_mark
                )
        return super().construct_mapping(node, deep=deep)


def _key_path(path: Any) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "(top level)"


def _expected(error: Any) -> str:  # a jsonschema.ValidationError
    if error.validator == "required":
        missing = [key for key in error.validator_value if key not in error.instance]
        return f"missing required key '{missing[0]}'"
    if error.validator == "additionalProperties":
        extra = sorted(set(error.instance) - set(error.schema.get("properties", {})))
        return f"unknown key '{extra[0]}', expected one of {', '.join(error.schema['properties'])}"
    if error.validator == "enum":
        return f"{error.instance!r} is not allowed, expected one of {', '.join(map(str, error.validator_value))}"
    description = error.schema.get("description")
    if description:
        return f"{error.instance!r} is not {description}"
    return error.message


# -----------------------------------------------------------------------------
# Rendering
# -----------------------------------------------------------------------------


def page_language(page: Page, config: MkDocsConfig) -> str:
    """The language of the page being built (mkdocs-static-i18n sets file.locale)."""
    return getattr(page.file, "locale", None) or config.theme.get("language") or "en"


def _substitute(markdown: str, lang: str, source: str) -> str:
    markdown = BLOCK.sub(lambda m: render(m.group("body"), lang, source, indent=m.group("indent")), markdown)
    return MARKER.sub(lambda m: render(m.group("body"), lang, source), markdown)


def render(body: str, lang: str, source: str, *, indent: str | None = None, check_only: bool = False) -> str:
    """The content for one marker body, e.g. 'table mail' or 'imap.port'.

    Tables and the diagram stand alone on their line (`indent` is then the
    line's indentation, kept so that they stay inside a content tab).
    """
    words = body.split()
    block = (words[:1] == ["table"] and len(words) == 2 and words[1] in TABLES) or words == ["diagram"]
    if block and indent is None:
        raise PluginError(f"{source}: marker '<!-- ports:{body} -->' must stand alone on its line")
    if block and check_only:
        return ""
    if block:
        if words == ["diagram"]:
            html_text = _template("ports-diagram.html", lang, source)
        else:
            caption = text(STRINGS, f"table.{words[1]}", lang, source)
            html_text = _template(f"ports-table-{TABLES[words[1]]}.html", lang, source, rows=ROWS[words[1]](_data), caption=caption)
        return f"\n\n{indent}{html_text}\n\n"
    if len(words) == 1:
        return _inline(words[0], lang, source)
    raise PluginError(
        f"{source}: unknown marker '<!-- ports:{body} -->', expected 'table' with one of "
        f"{', '.join(TABLES)}, 'diagram', or a value such as 'imap.port'"
    )


def _template(name: str, lang: str, source: str, **context: Any) -> str:
    assert _env is not None, "on_config has not run"
    html_text = _env.get_template(f"partials/{name}").render(
        data=_data, t=lambda key: text(STRINGS, key, lang, source), loc=lambda value: value[lang], lang=lang, **context
    )
    # One line per block: Markdown must not see blank lines or indentation inside.
    return re.sub(r">\s+<", "><", html_text.strip())


def _inline(path: str, lang: str, source: str) -> str:
    parts = path.split(".")
    value: Any = None
    if parts[0] in ("provider", "account") and len(parts) == 2:
        value = _data[parts[0]].get(parts[1])
    elif parts[0] == "std" and len(parts) == 3:
        value = _find(_data["standard_ports"], parts[1], parts[2])
    elif parts[0] == "other" and len(parts) == 3:
        value = _find(_data["not_standard"], parts[1], parts[2])
    elif len(parts) == 2:
        value = _find(_data["mail"], parts[0], parts[1])
    if value is None or isinstance(value, (list, bool)):
        raise PluginError(
            f"{source}: unknown marker '<!-- ports:{path} -->', expected a value of {DATA_FILE} such as "
            "imap.port, smtp.host, smtp.security, std.submission.port, provider.webmail or account.username"
        )
    if isinstance(value, dict):
        value = value[lang]
    if parts[-1] == "security":
        return _escape(text(STRINGS, f"security.{value}", lang, source))
    if isinstance(value, str) and value.startswith("https://"):
        shown = value.removeprefix("https://").rstrip("/")
        return f'<a href="{html.escape(value)}">{_escape(shown)}</a>'
    return _escape(str(value))


def _find(entries: list[dict[str, Any]], entry_id: str, field: str) -> Any:
    for entry in entries:
        if entry["id"] == entry_id:
            return entry.get(field) if field != "id" else None
    return None


def _escape(value: str) -> str:
    """Text that Markdown and HTML show as it is, even in a table cell."""
    out = html.escape(value, quote=True)
    for char in "|*_`[]\\#~":
        out = out.replace(char, f"&#{ord(char)};")
    return out


def text(table: dict[str, dict[str, str]], key: str, lang: str, source: str) -> str:
    """A UI string of this hook in the language being built."""
    try:
        return table[key][lang]
    except KeyError:
        raise PluginError(f"hooks/ports.py: STRINGS['{key}']: no '{lang}' text (needed by {source})") from None


def _rows_mail(data: dict[str, Any], direction: str | None = None) -> list[dict[str, Any]]:
    return [entry for entry in data["mail"] if direction in (None, entry["direction"])]


# -----------------------------------------------------------------------------
# Data: tables and the words of this hook, English and French side by side
# -----------------------------------------------------------------------------

TABLES = {
    "mail": "mail",
    "incoming": "mail",
    "outgoing": "mail",
    "account": "account",
    "standard": "standard",
    "not-standard": "not-standard",
    "other-providers": "other-providers",
}

ROWS = {
    "mail": lambda data: _rows_mail(data),
    "incoming": lambda data: _rows_mail(data, "incoming"),
    "outgoing": lambda data: _rows_mail(data, "outgoing"),
    "account": lambda data: [data["account"]],
    "standard": lambda data: data["standard_ports"],
    "not-standard": lambda data: data["not_standard"],
    "other-providers": lambda data: data["other_providers"],
}

STRINGS: dict[str, dict[str, str]] = {
    "table.mail": {"en": "Mail servers", "fr": "Serveurs de messagerie"},
    "table.incoming": {"en": "Incoming mail servers", "fr": "Serveurs de réception"},
    "table.outgoing": {"en": "Outgoing mail servers", "fr": "Serveurs d'envoi"},
    "table.account": {"en": "Account settings", "fr": "Réglages du compte"},
    "table.standard": {"en": "Standard ports", "fr": "Ports standard"},
    "table.not-standard": {"en": "Ports that are not mail standards", "fr": "Ports qui ne sont pas des normes de messagerie"},
    "table.other-providers": {"en": "Other providers", "fr": "Autres fournisseurs"},
    "col.service": {"en": "Service", "fr": "Service"},
    "col.server": {"en": "Server", "fr": "Serveur"},
    "col.port": {"en": "Port", "fr": "Port"},
    "col.security": {"en": "Security", "fr": "Sécurité"},
    "col.note": {"en": "Note", "fr": "Remarque"},
    "col.iana": {"en": "IANA name", "fr": "Nom IANA"},
    "col.use": {"en": "What it is for", "fr": "À quoi il sert"},
    "col.standard": {"en": "Standard", "fr": "Norme"},
    "col.status": {"en": "Status", "fr": "Statut"},
    "col.setting": {"en": "Setting", "fr": "Réglage"},
    "col.value": {"en": "Value", "fr": "Valeur"},
    "col.provider": {"en": "Provider", "fr": "Fournisseur"},
    "col.incoming": {"en": "Incoming (IMAP)", "fr": "Réception (IMAP)"},
    "col.outgoing": {"en": "Outgoing (SMTP)", "fr": "Envoi (SMTP)"},
    "incoming": {"en": "incoming", "fr": "réception"},
    "outgoing": {"en": "outgoing", "fr": "envoi"},
    "recommended": {"en": "recommended", "fr": "recommandé"},
    "username": {"en": "User name", "fr": "Nom d'utilisateur"},
    "password": {"en": "Password", "fr": "Mot de passe"},
    "authentication": {"en": "Authentication", "fr": "Authentification"},
    "authentication.value": {
        "en": "Required for sending: use the same settings as the incoming server",
        "fr": "Obligatoire pour l'envoi : mêmes réglages que le serveur de réception",
    },
    "security.ssl-tls": {"en": "SSL/TLS", "fr": "SSL/TLS"},
    "security.starttls": {"en": "STARTTLS", "fr": "STARTTLS"},
    "security.none": {"en": "None", "fr": "Aucune"},
    "status.use": {"en": "Use it", "fr": "À utiliser"},
    "status.legacy": {"en": "Legacy", "fr": "Ancien"},
    "status.not-for-clients": {"en": "Not for mail programs", "fr": "Pas pour les logiciels de messagerie"},
    "diagram.title": {
        "en": "How your mail program talks to the mail server",
        "fr": "Comment votre logiciel de messagerie dialogue avec le serveur",
    },
    "diagram.program": {"en": "Your mail program", "fr": "Votre logiciel de messagerie"},
    "diagram.receive": {"en": "Receiving:", "fr": "Réception :"},
    "diagram.send": {"en": "Sending:", "fr": "Envoi :"},
    "diagram.or": {"en": "or", "fr": "ou"},
    "copy": {"en": "Copy", "fr": "Copier"},
}
