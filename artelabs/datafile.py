"""Read and check the site's data files (data/*.yml): one line for every mistake.

Not a hook: imported by artelabs/core.py, hooks/markers.py and tools/, and usable
without MkDocs (the Zensical check imports it too). Every refusal is a
`DataError` with one line a person can act on:

    data/ports.yml:24: mail[imap].port: 993.0 is a decimal number, expected a whole number from 1 to 65535

Entries of a list are named by their `id`. The words come from this module,
not from the schema's descriptions, so that they do not go stale. The schema
(data/ports.schema.json) gives the structure, and editors use it to complete
the file; its patterns match whole strings here (a final newline does not
slip through), a port must be written as a whole number (not 993.0, "993" or
true), and no text may hold control characters or surrounding spaces.
"""

from __future__ import annotations

import difflib
import hashlib
import json
import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import yaml

# Where checked data (and rendered PDFs, artelabs/postbuild/pdf.py) are remembered; None: .cache/artelabs/ of the
# data file's project. ARTELABS_CACHE=FOLDER puts it elsewhere (a test's build that must start cold).
CACHE: Path | None = Path(os.environ["ARTELABS_CACHE"]) if os.environ.get("ARTELABS_CACHE") else None
LANGUAGES = ("en", "fr")

# What a value of each $defs of a schema must be, in words (the schema's own prose is for editors).
EXPECTED = {
    "port": "a whole number from 1 to 65535",
    "hostname": "a host name such as mail.example.ch (letters, digits, hyphens and dots)",
    "https_url": "an address starting with https://",
    "id": "an id of lower-case letters, digits and hyphens, such as smtp-starttls",
    "security": "one of ssl-tls, starttls, none",
    "text": "a text in each language (en: …, fr: …)",
    "date": "a date written YYYY-MM-DD",
}
CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")


class DataError(Exception):
    """A mistake in a data file, as one line: `file:line: where: what was found, what was expected`."""


# -----------------------------------------------------------------------------
# Reading
# -----------------------------------------------------------------------------


class Document:
    """A parsed YAML file with the line of every value, to name it in a message."""

    def __init__(self, path: Path, name: str) -> None:
        self.path, self.name = path, name
        try:
            raw = path.read_bytes()
        except OSError as error:
            raise DataError(f"{name}: cannot be read ({error.strerror}), expected the file in the repository") from None
        self.digest = hashlib.sha256(raw).hexdigest()
        try:
            self.text = raw.decode("utf-8")
        except UnicodeDecodeError as error:
            line = raw[: error.start].count(b"\n") + 1
            column = error.start - (raw.rfind(b"\n", 0, error.start) + 1) + 1
            raise DataError(
                f"{name}:{line}: byte 0x{raw[error.start]:02x} at column {column} is not UTF-8, "
                "expected the file saved as UTF-8 text"
            ) from None
        if not self.text.strip() or not any(
            line.strip() and not line.lstrip().startswith("#") for line in self.text.splitlines()
        ):
            raise DataError(f"{name}:1: the file is empty, expected its data (see git log -p {name})")
        try:
            self.node = yaml.compose(self.text, Loader=_Loader)
            _check_duplicate_keys(self.node, name)
            self.data = yaml.load(self.text, Loader=_Loader)  # noqa: S506 (a safe loader)
        except yaml.MarkedYAMLError as error:
            mark = error.problem_mark or error.context_mark
            line = mark.line + 1 if mark else 1
            problem = error.problem or error.context or "cannot be read"
            raise DataError(f"{name}:{line}: YAML syntax error: {problem}, expected YAML (check indentation and quotes)") from None
        if not isinstance(self.data, dict):
            raise DataError(f"{name}:1: the top level is {describe(self.data)}, expected keys (name: value)")

    def line(self, path: tuple[Any, ...]) -> int:
        """The line of the value at path (keys and list indexes), or of its closest parent."""
        node, line = self.node, self.node.start_mark.line + 1
        for part in path:
            child = None
            if isinstance(node, yaml.MappingNode):
                for key, value in node.value:
                    if key.value == str(part):
                        child, line = value, key.start_mark.line + 1
                        break
            elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and part < len(node.value):
                child = node.value[part]
                line = child.start_mark.line + 1
            if child is None:
                break
            node = child
        return line

    def where(self, path: tuple[Any, ...]) -> str:
        """`file:line: key[id].key`: entries of a list named by their id."""
        return f"{self.name}:{self.line(path)}: {key_path(self.data, path)}"


class _Loader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # libyaml's parser when present
    """YAML's safe loader; dates stay text (2026-11-30), checked as dates where a date is expected."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def _check_duplicate_keys(node: yaml.Node, name: str) -> None:
    if isinstance(node, yaml.MappingNode):
        seen: dict[str, int] = {}
        for key, value in node.value:
            line = key.start_mark.line + 1
            if key.value in seen:
                raise DataError(
                    f"{name}:{line}: key '{key.value}' is written twice (first on line {seen[key.value]}), "
                    "expected each key once"
                )
            seen[key.value] = line
            _check_duplicate_keys(value, name)
    elif isinstance(node, yaml.SequenceNode):
        for item in node.value:
            _check_duplicate_keys(item, name)


def key_path(data: Any, path: tuple[Any, ...]) -> str:
    """mail[imap].port for ("mail", 0, "port"): list entries named by their id, else by position."""
    out, node = "", data
    for part in path:
        if isinstance(part, int):
            entry = node[part] if isinstance(node, list) and part < len(node) else None
            label = entry.get("id") if isinstance(entry, dict) and isinstance(entry.get("id"), str) else None
            out += f"[{label}]" if label else f"[entry {part + 1}]"
        else:
            out += f".{part}" if out else str(part)
        try:
            node = node[part]
        except (KeyError, IndexError, TypeError):
            node = None
    return out or "(top level)"


def describe(value: Any) -> str:
    """A value as a person reads it in a message."""
    if value is None:
        return "empty"
    if isinstance(value, bool):
        return f"{str(value).lower()} (yes/no)"
    if isinstance(value, float):
        return f"{value!r} is a decimal number" if value == value else "not a number"
    if isinstance(value, int):
        return f"{value}"
    if isinstance(value, str):
        return f"{value!r}"
    if isinstance(value, list):
        return "a list"
    return "keys (name: value)"


def found(value: Any) -> str:
    """`993.0 is a decimal number`, `'993' is text`, `true (yes/no)`."""
    text = describe(value)
    if isinstance(value, str):
        return f"{text} is text"
    if isinstance(value, (list, dict)) or value is None:
        return f"found {text}"
    return text


# -----------------------------------------------------------------------------
# Checking
# -----------------------------------------------------------------------------


def load(path: Path, *, name: str, schema: Path | None = None) -> dict[str, Any]:
    """Read, parse and check a data file; DataError with one line for the first mistake."""
    document = Document(path, name)
    _check_text(document, document.data, ())  # first: a stray space or line break, said as such
    stamp = None
    if schema is not None:
        schema_text = schema.read_text(encoding="utf-8")
        stamp = cache_folder(path) / "checked" / hashlib.sha256(f"{schema_text}\0{document.digest}".encode()).hexdigest()
        if not _exists(stamp):
            _check_schema(document, json.loads(schema_text))
    _check_unique_ids(document, document.data, ())
    if stamp is not None:
        _touch(stamp)
    return document.data


def _check_schema(document: Document, schema: dict[str, Any]) -> None:
    import jsonschema  # here: importing it is most of the data check's cost, skipped while the stamp holds

    def is_integer(checker: Any, instance: Any) -> bool:  # 993.0 and true are not ports
        return isinstance(instance, int) and not isinstance(instance, bool)

    def pattern(validator: Any, regex: str, instance: Any, subschema: dict[str, Any]) -> Iterator[Any]:
        whole = regex[:-1] + r"\Z" if regex.endswith("$") and not regex.endswith(r"\$") else regex
        if isinstance(instance, str) and not re.search(whole, instance):
            yield jsonschema.ValidationError(f"{instance!r} does not match")

    base = jsonschema.Draft202012Validator
    checker = base.TYPE_CHECKER.redefine("integer", is_integer)
    validator_class = jsonschema.validators.extend(base, type_checker=checker, validators={"pattern": pattern})
    errors = sorted(validator_class(schema).iter_errors(document.data), key=lambda e: (len(e.absolute_path), list(map(str, e.absolute_path))))
    error = jsonschema.exceptions.best_match(errors) if errors else None
    if error is None:
        return
    path = tuple(error.absolute_path)
    raise DataError(f"{document.where(path)}: {_words(error, schema)}")


def _words(error: Any, schema: dict[str, Any]) -> str:
    """What was found and what was expected, in words of this module."""
    value = error.instance
    if error.validator == "required":
        missing = [key for key in error.validator_value if key not in value]
        return f"missing key '{missing[0]}', expected {', '.join(error.validator_value)}"
    if error.validator == "additionalProperties":
        allowed = list(error.schema.get("properties", {}))
        extra = sorted(set(value) - set(allowed))[0]
        near = difflib.get_close_matches(str(extra), allowed, n=1)
        hint = f" (did you mean '{near[0]}'?)" if near else ""
        return f"unknown key '{extra}'{hint}, expected one of {', '.join(allowed)}"
    if error.validator == "enum":
        return f"{describe(value)} is not allowed, expected one of {', '.join(map(str, error.validator_value))}"
    if error.validator in ("minItems", "maxItems"):
        return f"{len(value)} entries, expected at least {error.validator_value}" if error.validator == "minItems" else (
            f"{len(value)} entries, expected at most {error.validator_value}"
        )
    definition = _definition(error, schema)
    if definition in EXPECTED:
        return f"{found(value)}, expected {EXPECTED[definition]}"
    kind = error.validator_value if error.validator == "type" else None
    expected = {
        "string": "text",
        "integer": "a whole number",
        "boolean": "true or false",
        "array": "a list (lines starting with -)",
        "object": "keys (name: value)",
    }
    if isinstance(kind, str) and kind in expected:
        return f"{found(value)}, expected {expected[kind]}"
    if error.validator == "minLength":
        return f"{found(value)}, expected text that is not empty"
    return f"{found(value)}, expected a value allowed by {Path(schema.get('$id', 'the schema')).name}"


def _definition(error: Any, schema: dict[str, Any]) -> str | None:
    """The name of the schema's $defs entry whose rule failed (port, hostname, ...), if any."""
    for name, definition in schema.get("$defs", {}).items():
        if error.schema is definition:
            return name
    return None


def _check_text(document: Document, value: Any, path: tuple[Any, ...]) -> None:
    """No control characters or surrounding spaces in any text (a pasted line break, a stray space)."""
    if isinstance(value, dict):
        for key, item in value.items():
            _check_text(document, item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            _check_text(document, item, (*path, index))
    elif isinstance(value, str):
        control = CONTROL.search(value)
        if control:
            char = {"\n": "a line break (\\n)", "\t": "a tab (\\t)", "\r": "a carriage return (\\r)"}.get(
                control.group(), f"the control character U+{ord(control.group()):04X}"
            )
            raise DataError(f"{document.where(path)}: {value!r} holds {char}, expected text on one line")
        if value != value.strip():
            raise DataError(f"{document.where(path)}: {value!r} has spaces around it, expected none")


def _check_unique_ids(document: Document, value: Any, path: tuple[Any, ...]) -> None:
    """In every list of entries with an `id`, each id once."""
    if isinstance(value, dict):
        for key, item in value.items():
            _check_unique_ids(document, item, (*path, key))
    elif isinstance(value, list):
        seen: set[Any] = set()
        for index, item in enumerate(value):
            if isinstance(item, dict) and "id" in item:
                if item["id"] in seen:
                    raise DataError(
                        f"{document.name}:{document.line((*path, index, 'id'))}: {key_path(document.data, path)}: "
                        f"id '{item['id']}' is used twice, expected each id once in {path[-1] if path else 'the list'}"
                    )
                seen.add(item["id"])
            _check_unique_ids(document, item, (*path, index))



# -----------------------------------------------------------------------------
# The legal and editorial data: company, sources, versions
# -----------------------------------------------------------------------------

STATUSES = ("confirmed", "unconfirmed")
DATE = re.compile(r"\d{4}-\d{2}-\d{2}\Z")
MORE = {"company": "data/company.yml", "sources": "data/sources.yml", "versions": "data/legal-versions.yml"}


def load_more(root: Path, languages: tuple[str, ...] = LANGUAGES) -> dict[str, Any]:
    """data/company.yml, data/sources.yml and data/legal-versions.yml, checked."""
    more: dict[str, Any] = {}
    for key, name in MORE.items():
        document = Document(root / name, name)
        _check_text(document, document.data, ())
        {"company": _check_company, "sources": _check_sources, "versions": _check_versions}[key](document, languages)
        more[key] = document.data
    return more


def _localized(document: Document, value: Any, path: tuple[Any, ...], languages: tuple[str, ...], *, text: bool = True) -> None:
    if isinstance(value, dict):
        if set(value) != set(languages):
            raise DataError(f"{document.where(path)}: has {', '.join(map(str, value)) or 'nothing'}, expected one of each: {', '.join(languages)}")
        for lang in languages:
            _localized(document, value[lang], (*path, lang), languages, text=text)
    elif text and not isinstance(value, str):
        raise DataError(f"{document.where(path)}: {found(value)}, expected text (or en: …, fr: …)")


def _date(document: Document, value: Any, path: tuple[Any, ...]) -> None:
    import datetime

    try:
        ok = bool(DATE.match(str(value))) and datetime.date.fromisoformat(str(value)) is not None
    except ValueError:
        ok = False
    if not ok:
        raise DataError(f"{document.where(path)}: {found(value)}, expected {EXPECTED['date']}")


def _check_company(document: Document, languages: tuple[str, ...]) -> None:
    for key, entry in document.data.items():
        if not isinstance(entry, dict) or set(entry) != {"value", "status"}:
            raise DataError(f"{document.where((key,))}: expected {{value: …, status: confirmed or unconfirmed}}")
        if entry["status"] not in STATUSES:
            raise DataError(f"{document.where((key, 'status'))}: {describe(entry['status'])} is not allowed, expected confirmed or unconfirmed")
        value = entry["value"]
        if value is None or isinstance(value, str):
            pass
        elif isinstance(value, dict):
            if set(value) != set(languages) or not all(v is None or isinstance(v, str) for v in value.values()):
                raise DataError(f"{document.where((key, 'value'))}: expected text, or en: … and fr: …")
        else:
            raise DataError(f"{document.where((key, 'value'))}: {found(value)}, expected text, or en: … and fr: …")
        unknown = value is None or (isinstance(value, dict) and None in value.values())
        if unknown and entry["status"] == "confirmed":
            raise DataError(f"{document.where((key, 'status'))}: confirmed, but the value is empty, expected a value or unconfirmed")


# title, url and checked (the date we read it); the provider's own "updated" date and the fingerprint of
# the page's main text as we read it (tools/sources-check) when known.
SOURCE_KEYS = {"title", "url", "checked", "updated", "fingerprint"}


def _check_sources(document: Document, languages: tuple[str, ...]) -> None:
    for page, entries in document.data.items():
        if not isinstance(entries, list) or not entries:
            raise DataError(f"{document.where((page,))}: {found(entries)}, expected a list of sources")
        for index, entry in enumerate(entries):
            path = (page, index)
            if not isinstance(entry, dict) or not {"title", "url", "checked"} <= set(entry) <= SOURCE_KEYS:
                raise DataError(f"{document.where(path)}: expected title, url and checked (updated and fingerprint optional)")
            _localized(document, entry["title"], (*path, "title"), languages)
            urls = entry["url"].values() if isinstance(entry["url"], dict) else [entry["url"]]
            _localized(document, entry["url"], (*path, "url"), languages)
            for url in urls:
                if not re.match(r"https://[A-Za-z0-9.-]+(/\S*)?\Z", url):
                    raise DataError(f"{document.where((*path, 'url'))}: {url!r}, expected {EXPECTED['https_url']}")
            _date(document, entry["checked"], (*path, "checked"))
            if "updated" in entry:
                _date(document, entry["updated"], (*path, "updated"))
            if "fingerprint" in entry and not re.match(r"sha256:[0-9a-f]{64}\Z", str(entry["fingerprint"])):
                raise DataError(f"{document.where((*path, 'fingerprint'))}: {found(entry['fingerprint'])}, expected sha256: and 64 hex digits (tools/sources-check --accept writes it)")


def _check_versions(document: Document, languages: tuple[str, ...]) -> None:
    for doc, entries in document.data.items():
        seen: set[str] = set()
        for index, entry in enumerate(entries or []):
            path = (doc, index)
            if not isinstance(entry, dict) or not {"version", "effective", "status", "changes"} <= set(entry):
                raise DataError(f"{document.where(path)}: expected version, effective, status and changes")
            if not isinstance(entry["version"], str) or not re.match(r"\d+\.\d+\Z", entry["version"]):
                raise DataError(f"{document.where((*path, 'version'))}: {found(entry['version'])}, expected a quoted version such as \"3.0\"")
            if entry["version"] in seen:
                raise DataError(f"{document.where((*path, 'version'))}: version {entry['version']} is listed twice, expected each once")
            seen.add(entry["version"])
            _date(document, entry["effective"], (*path, "effective"))
            if entry["status"] not in STATUSES:
                raise DataError(f"{document.where((*path, 'status'))}: {describe(entry['status'])}, expected confirmed or unconfirmed")
            changes = entry["changes"]
            if not isinstance(changes, dict) or set(changes) != set(languages):
                raise DataError(f"{document.where((*path, 'changes'))}: expected a list per language ({', '.join(languages)})")
            lengths = {lang: len(changes[lang] or []) for lang in languages}
            if len(set(lengths.values())) != 1 or not all(lengths.values()):
                raise DataError(f"{document.where((*path, 'changes'))}: {lengths}, expected the same number of changes in each language")


def load_aliases(path: Path) -> dict[str, dict[str, str]]:
    """data/anchor-aliases.yml: {"mail/setup/": {old-id: new-id}}, ids as on the pages."""
    document = Document(path, "data/anchor-aliases.yml") if path.read_text(encoding="utf-8").strip() else None
    if document is None:
        return {}
    data = document.data or {}
    for page, aliases in data.items():
        if not isinstance(aliases, dict) and aliases is not None:
            raise DataError(f"{document.where((page,))}: {found(aliases)}, expected old-id: new-id lines")
        for old, new in (aliases or {}).items():
            if not (isinstance(old, str) and isinstance(new, str) and re.fullmatch(r"[\w-]+", old) and re.fullmatch(r"[\w-]+", new)):
                raise DataError(f"{document.where((page, old))}: expected old-id: new-id (letters, digits, hyphens)")
    return {page: dict(aliases or {}) for page, aliases in data.items()}


def load_synonyms(path: Path, languages: tuple[str, ...] = LANGUAGES) -> dict[str, list[list[str]]]:
    """data/synonyms.yml: {lang: [[word, word, ...], ...]}, every group two words or more."""
    document = Document(path, "data/synonyms.yml")
    _check_text(document, document.data, ())
    for lang, groups in document.data.items():
        if lang not in languages or not isinstance(groups, list):
            raise DataError(f"{document.where((lang,))}: expected a language ({', '.join(languages)}) with a list of groups")
        for index, group in enumerate(groups):
            if not isinstance(group, list) or len(group) < 2 or not all(isinstance(w, str) and w for w in group):
                raise DataError(f"{document.where((lang, index))}: {found(group)}, expected a list of two words or more")
    return document.data


# -----------------------------------------------------------------------------
# UI words (data/strings.yml)
# -----------------------------------------------------------------------------


class Strings:
    """data/strings.yml: `key: {en: ..., fr: ...}`, every key in every language."""

    def __init__(self, path: Path, name: str = "data/strings.yml", languages: tuple[str, ...] = LANGUAGES) -> None:
        self.name = name
        document = Document(path, name)
        _check_text(document, document.data, ())
        for key, texts in document.data.items():
            if not isinstance(texts, dict) or set(texts) != set(languages):
                have = ", ".join(texts) if isinstance(texts, dict) else describe(texts)
                raise DataError(
                    f"{name}:{document.line((key,))}: {key}: has {have}, expected a text in each of {', '.join(languages)}"
                )
        self.table: dict[str, dict[str, str]] = document.data

    def __call__(self, key: str, lang: str) -> str:
        try:
            return self.table[key][lang]
        except KeyError:
            near = difflib.get_close_matches(key, self.table, n=1)
            hint = f" (did you mean '{near[0]}'?)" if near else ""
            raise DataError(f"{self.name}: no key '{key}' in language '{lang}'{hint}, expected it in the file") from None


# -----------------------------------------------------------------------------
# The optional cache: keyed on content, skipped when it cannot be written
# -----------------------------------------------------------------------------

_notes: list[str] = []


def cache_folder(data_file: Path) -> Path:
    """.cache/artelabs/ of the project whose data/ holds data_file (git-ignored), unless CACHE says otherwise."""
    return CACHE if CACHE is not None else data_file.resolve().parent.parent / ".cache" / "artelabs"


def _exists(path: Path) -> bool:
    try:
        return path.exists()
    except OSError:
        return False


def _touch(path: Path) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.touch()
    except OSError as error:
        where = path.parent.parent
        note = f"{where}: cannot be written ({error.strerror}): the data is checked at every build"
        if note not in _notes:
            _notes.append(note)


def cache_notes() -> list[str]:
    """What the cache could not do (a read-only checkout), once each; the caller logs them."""
    notes = list(_notes)
    _notes.clear()
    return notes
