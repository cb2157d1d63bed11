"""Read and check the site's data files (data/*.yml): one line for every mistake.

Not a hook: imported by hooks/core.py, hooks/markers.py and tools/, and usable
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
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
CACHE = ROOT / ".cache" / "artelabs"
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
HOSTNAME = re.compile(r"(?=.{1,253}\Z)(?!-)[A-Za-z0-9-]{1,63}(?<!-)(\.(?!-)[A-Za-z0-9-]{1,63}(?<!-))+\Z")
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
        stamp = CACHE / "checked" / hashlib.sha256(f"{schema_text}\0{document.digest}".encode()).hexdigest()
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


def is_hostname(value: Any) -> bool:
    return isinstance(value, str) and HOSTNAME.match(value) is not None


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
        where = CACHE.relative_to(ROOT) if CACHE.is_relative_to(ROOT) else CACHE
        note = f"{where}: cannot be written ({error.strerror}): the data is checked at every build"
        if note not in _notes:
            _notes.append(note)


def cache_notes() -> list[str]:
    """What the cache could not do (a read-only checkout), once each; the caller logs them."""
    notes = list(_notes)
    _notes.clear()
    return notes
