"""What a schema cannot say: rules that compare values with each other, with the build date, or with the
pages. One function per data file that needs one (RULES); a data file without rules needs only its schema.
Each rule raises DataError with one line naming the file, the line and the entry.
"""

from __future__ import annotations

import re
import string
from datetime import date
from typing import Any, Callable

from artelabs.datafile.reader import DataError, Document

# The placeholders the code fills in data/strings.yml ("{version}", "{date}", ...).
PLACEHOLDERS = frozenset({
    "date", "version", "ios", "macos", "macos_old", "organization", "provider", "username",
    "in_host", "in_port", "in_protocol", "in_security", "out_host", "out_port", "out_protocol", "out_security",
    # announcements (artelabs/announcements.py): a time written as a Geneva reader writes it
    "weekday", "day", "month", "year", "hour", "minute", "time", "start", "end", "end_day", "zone", "label",
    # the reader's own settings (assets/javascripts/you.js fills these in the browser)
    "address", "ascii", "char", "device", "domain", "name",
})


def _localized_values(value: Any) -> list[Any]:
    return list(value.values()) if isinstance(value, dict) else [value]


def company(document: Document, context: dict[str, Any]) -> None:
    """Confirmed means a value in every language: an empty confirmed detail would be published as "not yet
    available" without "to be confirmed", and publishing would accept it."""
    for key, entry in document.data.items():
        if entry["status"] == "confirmed" and any(v in (None, "") for v in _localized_values(entry["value"])):
            raise DataError(f"{document.where((key, 'value'))}: confirmed, but the value is empty in "
                            f"{'a language' if isinstance(entry['value'], dict) else 'every language'}, "
                            "expected a value in each language, or status: unconfirmed")


def sources(document: Document, context: dict[str, Any]) -> None:
    """A source is read on a day that has come (not after the build), and its author updated it before we read it."""
    limit: date = context["latest"]
    for page, entries in document.data.items():
        for index, entry in enumerate(entries):
            checked = date.fromisoformat(entry["checked"])
            if checked > limit:
                raise DataError(f"{document.where((page, index, 'checked'))}: {entry['checked']} is after the build "
                                f"({limit}), expected the day the source was read")
            if "updated" in entry and date.fromisoformat(entry["updated"]) > checked:
                raise DataError(f"{document.where((page, index, 'updated'))}: {entry['updated']} is after the day we "
                                f"read it ({entry['checked']}), expected the update date the page showed when read")


def legal_versions(document: Document, context: dict[str, Any]) -> None:
    """Newest first, each version after the next in number and date; as many changes in each language."""
    for doc, entries in document.data.items():
        for index, entry in enumerate(entries):
            lengths = {lang: len(texts) for lang, texts in entry["changes"].items()}
            if len(set(lengths.values())) != 1:
                raise DataError(f"{document.where((doc, index, 'changes'))}: {lengths}, expected the same number "
                                "of changes in each language")
            if index + 1 < len(entries):
                older = entries[index + 1]
                number = tuple(int(part) for part in entry["version"].split("."))
                if number <= tuple(int(part) for part in older["version"].split(".")):
                    raise DataError(f"{document.where((doc, index, 'version'))}: {entry['version']} is listed before "
                                    f"{older['version']}, expected the newest version first")
                if entry["effective"] <= older["effective"]:
                    raise DataError(f"{document.where((doc, index, 'effective'))}: {entry['effective']} is not after "
                                    f"{older['effective']} (version {older['version']}), expected each version to take "
                                    "effect after the one before it")


def strings(document: Document, context: dict[str, Any]) -> None:
    """Placeholders the code knows, the same in each language ("{version}" in English and French)."""
    for key, texts in document.data.items():
        found: dict[str, set[str]] = {}
        for lang, text in texts.items():
            try:
                names = {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}
            except ValueError:
                raise DataError(f"{document.where((key, lang))}: a brace {{ or }} that opens nothing, expected "
                                "{placeholder} or the brace doubled ({{ }})") from None
            unknown = sorted(names - PLACEHOLDERS)
            if unknown:
                raise DataError(f"{document.where((key, lang))}: unknown placeholder {{{unknown[0]}}}, expected one of "
                                + ", ".join(f"{{{p}}}" for p in sorted(PLACEHOLDERS)))
            found[lang] = names
        if len({frozenset(names) for names in found.values()}) > 1:
            raise DataError(f"{document.where((key,))}: placeholders differ between languages "
                            f"({'; '.join(f'{lang}: {sorted(n)}' for lang, n in found.items())}), expected the same in each")


ANCHOR_LINE = re.compile(r"/(?:[a-z0-9][a-z0-9.-]*/)*#[A-Za-z][\w-]*\Z")


# False only while the registry itself is written again (tests/anchors.py --write): it is the registry
# that is out of date then, not the aliases.
ALIASES_AGAINST_REGISTRY = True


def anchor_aliases(document: Document, context: dict[str, Any]) -> None:
    """Each alias in the registry's form, to an anchor that exists; the old id no longer published."""
    registry: set[str] = context["registry"]
    if not ALIASES_AGAINST_REGISTRY:
        return
    for page, aliases in document.data.items():
        for old, new in (aliases or {}).items():
            if f"/{page}#{new}" not in registry:
                raise DataError(f"{document.where((page, old))}: /{page}#{new} is not in data/anchors.txt, expected "
                                "an alias to an anchor that exists")
            if f"/{page}#{old}" in registry:
                raise DataError(f"{document.where((page, old))}: /{page}#{old} still exists (data/anchors.txt), "
                                "expected an alias only for an id that is gone")


RULES: dict[str, Callable[[Document, dict[str, Any]], None]] = {
    "company": company,
    "sources": sources,
    "legal-versions": legal_versions,
    "strings": strings,
    "anchor-aliases": anchor_aliases,
}
