"""Checking a data file against its JSON Schema (data/schemas/NAME.schema.json), in words of this module.

The schema gives the structure (editors complete and check the file with it); the first mistake is
said in one line: what was found and what was expected. A `$defs` entry may carry its own words in
`x-expected` ("a whole number from 1 to 65535"); otherwise the words below are used. Patterns match
whole strings (a final line break does not slip through), and a whole number is written as one (not
993.0, "993" or true).
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from artelabs.datafile.reader import DataError, Document, describe, found

# What a value of each $defs entry must be, when the schema does not say it with x-expected.
EXPECTED = {
    "port": "a whole number from 1 to 65535",
    "hostname": "a host name such as mail.example.ch (letters, digits, hyphens and dots)",
    "https_url": "an address starting with https://",
    "id": "an id of lower-case letters, digits and hyphens, such as smtp-starttls",
    "security": "one of ssl-tls, starttls, none",
    "text": "a text in each language (en: …, fr: …)",
    "date": "a date written YYYY-MM-DD",
}
TYPES = {
    "string": "text",
    "integer": "a whole number",
    "boolean": "true or false",
    "array": "a list (lines starting with -)",
    "object": "keys (name: value)",
}


def check(document: Document, schema: dict[str, Any]) -> None:
    import jsonschema  # here: importing it is most of the data check's cost, skipped while the cache holds

    def is_integer(checker: Any, instance: Any) -> bool:  # 993.0 and true are not ports
        return isinstance(instance, int) and not isinstance(instance, bool)

    def pattern(validator: Any, regex: str, instance: Any, subschema: dict[str, Any]) -> Iterator[Any]:
        whole = regex[:-1] + r"\Z" if regex.endswith("$") and not regex.endswith(r"\$") else regex
        if isinstance(instance, str) and not re.search(whole, instance):
            yield jsonschema.ValidationError(f"{instance!r} does not match")

    base = jsonschema.Draft202012Validator
    checker = base.TYPE_CHECKER.redefine("integer", is_integer)
    validator_class = jsonschema.validators.extend(base, type_checker=checker, validators={"pattern": pattern})
    errors = sorted(
        validator_class(schema, format_checker=jsonschema.FormatChecker(formats=["date"])).iter_errors(document.data),
        key=lambda e: (len(e.absolute_path), list(map(str, e.absolute_path))),
    )
    error = jsonschema.exceptions.best_match(errors) if errors else None
    if error is None:
        return
    path = tuple(error.absolute_path)
    if "propertyNames" in error.absolute_schema_path and isinstance(error.instance, str):  # a key: its own line
        raise DataError(f"{document.where((*path, error.instance))}: a key that is not allowed, expected "
                        f"{error.schema.get('x-expected') or _property_names(schema, error) or 'a plain key'}")
    raise DataError(f"{document.where(path)}: {_words(error, schema)}")


def _property_names(schema: dict[str, Any], error: Any) -> str | None:
    """The x-expected of the propertyNames rule a key broke."""
    node: Any = schema
    for part in error.absolute_schema_path:
        node = node[part] if isinstance(node, (dict, list)) else None
        if isinstance(node, dict) and part == "propertyNames":
            return node.get("x-expected")
    return None


def _words(error: Any, schema: dict[str, Any]) -> str:
    """What was found and what was expected, in words."""
    value = error.instance
    own = error.schema.get("x-expected") if isinstance(error.schema, dict) else None
    if error.validator == "required":
        missing = [key for key in error.validator_value if key not in value]
        return f"missing key '{missing[0]}', expected {', '.join(error.validator_value)}"
    if error.validator == "additionalProperties":
        allowed = list(error.schema.get("properties", {}))
        extra = sorted(set(value) - set(allowed), key=str)[0]
        near = difflib.get_close_matches(str(extra), allowed, n=1)
        hint = f" (did you mean '{near[0]}'?)" if near else ""
        return f"unknown key '{extra}'{hint}, expected " + (f"one of {', '.join(allowed)}" if allowed else own or "no other key")
    if error.validator == "propertyNames":
        return f"a key {error.instance!r}, expected {own or 'a plain key'}" if not isinstance(value, dict) else (
            f"a key that is not allowed, expected {own or 'plain keys'}"
        )
    if error.validator == "enum":
        return f"{describe(value)} is not allowed, expected one of {', '.join(map(str, error.validator_value))}"
    if error.validator == "minItems":
        return f"{len(value)} entries, expected at least {error.validator_value}" + (
            " (an empty list would publish an empty table)" if not value else ""
        )
    if error.validator == "maxItems":
        return f"{len(value)} entries, expected at most {error.validator_value}"
    if own:
        return f"{found(value)}, expected {own}"
    definition = _definition(error, schema)
    if definition is not None:
        words = schema["$defs"][definition].get("x-expected") or EXPECTED.get(definition)
        if words:
            return f"{found(value)}, expected {words}"
    kind = error.validator_value if error.validator == "type" else None
    if isinstance(kind, str) and kind in TYPES:
        return f"{found(value)}, expected {TYPES[kind]}"
    if isinstance(kind, list):
        return f"{found(value)}, expected " + " or ".join(TYPES.get(k, "empty" if k == "null" else k) for k in kind)
    if error.validator == "minLength":
        return f"{found(value)}, expected text that is not empty"
    return f"{found(value)}, expected a value allowed by {Path(schema.get('$id', 'the schema')).name}"


def _definition(error: Any, schema: dict[str, Any]) -> str | None:
    """The name of the schema's $defs entry whose rule failed (port, hostname, ...), if any."""
    definitions = schema.get("$defs", {})
    for name, definition in definitions.items():
        if error.schema is definition:
            return name
    for parent in error.schema_path:
        if parent in definitions:
            return parent
    return None
