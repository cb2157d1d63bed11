"""What a schema cannot say: rules that compare values with each other, with the build date, or with the
pages. One function per data file that needs one (RULES); a data file without rules needs only its schema.
Each rule raises DataError with one line naming the file, the line and the entry.
"""

from __future__ import annotations

import re
import string
from datetime import date
from typing import Any, Callable
from urllib.parse import parse_qsl, urlsplit

from artelabs.datafile.reader import DataError, Document

# The placeholders the code fills in data/strings.yml ("{version}", "{date}", ...).
PLACEHOLDERS = frozenset({
    "date", "version", "ios", "macos", "macos_old", "organization", "provider", "username", "updated", "checked",
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


def listing(url: str) -> str | None:
    """Why an address is a listing, search or positional page (its content changes from one day to the next),
    or None. Infomaniak's help: only a numbered FAQ (…/faq/1203/…); any site: ?i=, ?page=, ?q=."""
    parts = urlsplit(url)
    query = {key.lower() for key, _ in parse_qsl(parts.query, keep_blank_values=True)}
    if re.search(r"(?:^|\.)infomaniak\.com$", parts.hostname or "") and re.search(r"/faq(?:/|$)", parts.path):
        if re.search(r"/faq/search(?:/|$)", parts.path) or "q" in query:
            return "a search page"
        if not re.search(r"/faq/\d+(?:/|$)", parts.path):
            return "a listing page"
    for key, what in (("q", "a search page"), ("i", "a positional page (?i=)"), ("page", "a listing page (?page=)")):
        if key in query:
            return what
    return None


def sources(document: Document, context: dict[str, Any]) -> None:
    """A source is read on a day that has come (not after the build), and its author updated it before we read
    it; it is a page of its own, not a listing, search or positional page whose content changes."""
    limit: date = context["latest"]
    for page, entries in document.data.items():
        for index, entry in enumerate(entries):
            urls = entry["url"] if isinstance(entry["url"], dict) else {None: entry["url"]}
            for lang, url in urls.items():
                why = listing(url)
                if why:
                    path = (page, index, "url") if lang is None else (page, index, "url", lang)
                    raise DataError(f"{document.where(path)}: {url} is {why}, whose content changes, expected a "
                                    "numbered FAQ (https://www.infomaniak.com/en/support/faq/1203/…) or the vendor's own page")
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


def ports(document: Document, context: dict[str, Any]) -> None:
    """The mail servers in the order customers are told to use them: in each direction, exactly one is
    recommended and it comes first (the tables, the diagram, the Apple profile and Thunderbird's file follow
    this order, and tests/test_port_order.py holds the pages' prose to it)."""
    servers = document.data["mail"]
    for direction in dict.fromkeys(entry["direction"] for entry in servers):
        entries = [(index, entry) for index, entry in enumerate(servers) if entry["direction"] == direction]
        recommended = [(index, entry) for index, entry in entries if entry["recommended"]]
        first_index, first = entries[0]
        if len(recommended) != 1:
            raise DataError(f"{document.where(('mail', first_index, 'recommended'))}: {len(recommended)} {direction} "
                            "servers are recommended, expected exactly one (the first of its direction)")
        index, entry = recommended[0]
        if entry is not first:
            raise DataError(f"{document.where(('mail', index, 'recommended'))}: true, but {first['id']} comes before it "
                            f"among the {direction} servers, expected the recommended server first (the pages, the "
                            "profile and Thunderbird's file list them in this order)")


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


# Sections that are read on their page and never searched (artelabs/search.py leaves them out of the index):
# a page's sources and history.
UNSEARCHED = ("#sources", "#history")
# Sections searched by their title and customers' words only: the home page's list of every page ("all pages",
# "site map" find it; a page's name finds that page, not the list).
TITLE_ONLY = ("#all-pages",)


def search_keywords(document: Document, context: dict[str, Any]) -> None:
    """Each key a section that exists (data/anchors.txt) and is searched: not sources, history or a version."""
    import difflib

    registry: set[str] = context["registry"]
    for key in document.data:
        where = f"{document.name}:{document.line((key,))}: {key}"
        if key not in registry:
            searched = sorted(k for k in registry if not k.endswith(UNSEARCHED) and "/versions/" not in k)
            near = difflib.get_close_matches(key, searched, n=1, cutoff=0.8)
            hint = f" (did you mean {near[0]}?)" if near else ""
            raise DataError(f"{where}: no such page#anchor in data/anchors.txt{hint}, expected a section that exists")
        if key.endswith(UNSEARCHED) or "/versions/" in key:
            raise DataError(f"{where}: this section is not searched (sources, history, earlier versions), "
                            "expected a section of a page's current text")


RULES: dict[str, Callable[[Document, dict[str, Any]], None]] = {
    "company": company,
    "sources": sources,
    "legal-versions": legal_versions,
    "strings": strings,
    "ports": ports,
    "anchor-aliases": anchor_aliases,
    "search-keywords": search_keywords,
}
