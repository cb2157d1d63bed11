"""Read and check the site's data files (data/*.yml): one line for every mistake.

Usable without MkDocs (the Zensical check and the staff commands import it). Every refusal is a
`DataError` with one line a person can act on:

    data/ports.yml:24: mail[imap].port: 993.0 is a decimal number, expected a whole number from 1 to 65535

Each data file data/NAME.yml is described by its schema, data/schemas/NAME.schema.json, which editors
use to complete the file and this package checks it against (`schema`); what a schema cannot say (a
value compared with another, with the build date or with the pages) is a rule of `rules`. Adding a
data file means adding its schema. Reading (`reader`): YAML read as typed, or refused; no anchors or
aliases; no control characters or surrounding spaces in any text; entries of a list named by their id.
"""

from __future__ import annotations

import difflib
import functools
import hashlib
import json
import os
from datetime import date
from pathlib import Path
from typing import Any

from artelabs.datafile import rules
from artelabs.datafile import schema as schema_check
from artelabs.datafile.reader import (  # noqa: F401 (the package's interface)
    LANGUAGES, DataError, Document, check_text, describe, found, key_path,
)
from artelabs.datafile.schema import EXPECTED  # noqa: F401

# Where checked data (and rendered PDFs, artelabs/postbuild/pdf.py) are remembered; None: .cache/artelabs/ of the
# data file's project. ARTELABS_CACHE=FOLDER puts it elsewhere (a test's build that must start cold).
CACHE: Path | None = Path(os.environ["ARTELABS_CACHE"]) if os.environ.get("ARTELABS_CACHE") else None
# Files the build reads, besides data/ports.yml and data/strings.yml: every one must exist.
MORE = {"company": "company", "sources": "sources", "versions": "legal-versions"}


def schema_of(data_file: Path) -> Path:
    """data/NAME.yml -> data/schemas/NAME.schema.json."""
    return data_file.parent / "schemas" / f"{data_file.stem}.schema.json"


def load(path: Path, *, name: str, schema: Path | None = None, context: dict[str, Any] | None = None,
         allow_empty: bool = False) -> dict[str, Any]:
    """Read, parse and check a data file against its schema (data/schemas/NAME.schema.json unless given) and
    its rules; DataError with one line for the first mistake."""
    try:
        return read(path, name=name, schema=schema, context=context).data
    except DataError as error:
        if allow_empty and "the file is empty" in str(error):
            return {}
        raise


def read(path: Path, *, name: str, schema: Path | None = None, context: dict[str, Any] | None = None) -> Document:
    """As load(), but the checked Document (its data and the line of every value), for rules of its own that
    name lines (artelabs/announcements.py): the file is parsed once."""
    document = Document(path, name)
    check_text(document, document.data)  # first: a stray space or line break, said as such
    schema_file = schema if schema is not None else schema_of(path)
    try:
        schema_text = schema_file.read_text(encoding="utf-8")
    except OSError:
        raise DataError(f"{name}: no schema {schema_file.name} in data/schemas/, expected one per data file") from None
    passed = cache_folder(path) / "checked" / hashlib.sha256(f"{schema_text}\0{document.digest}".encode()).hexdigest()
    described = json.loads(schema_text)
    if not stamped(passed):
        schema_check.check(document, described)
    if described.get("x-unique-ids", True):  # lists of entries with an id: each id once (a schema may say otherwise)
        _check_unique_ids(document, document.data, ())
    rule = rules.RULES.get(path.stem)
    if rule is not None:
        rule(document, {"latest": date.max, "registry": set(), **(context or {})})
    stamp(passed)
    return document


def load_more(root: Path, languages: tuple[str, ...] = LANGUAGES, *, latest: date | None = None) -> dict[str, Any]:
    """data/company.yml, data/sources.yml and data/legal-versions.yml, checked. `latest`: the last day a
    source may have been read (the build's date, or today if later: the build's output never depends on it)."""
    context = {"latest": max(latest or date.min, date.today())}
    return {key: load(root / "data" / f"{stem}.yml", name=f"data/{stem}.yml", context=context) for key, stem in MORE.items()}


def check_sources(document: Document, schema_file: Path | None = None, *, local: bool = False) -> None:
    """A file of data/sources.yml's format (tools/sources-check --sources FILE): with `local`, its addresses may
    also be http://127.0.0.1:PORT/… (the tests' pages); data/sources.yml itself is always https. The schema:
    data/schemas/sources.schema.json of this package's own project unless given."""
    schema_file = schema_file or Path(__file__).resolve().parents[2] / "data" / "schemas" / "sources.schema.json"
    described = json.loads(schema_file.read_text(encoding="utf-8"))
    if local:
        described["$defs"]["https_url"] = {"type": "string", "pattern": r"^(https://[A-Za-z0-9.-]+|http://127\.0\.0\.1:[0-9]{1,5})(/\S*)?$"}
    schema_check.check(document, described)
    rules.sources(document, {"latest": date.max})


def load_registry(path: Path) -> list[str]:
    """data/anchors.txt: every published /page/#id, one per line, in that form (a merge conflict's <<<<<<< is refused)."""
    name = "data/anchors.txt"
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise DataError(f"{name}: cannot be read ({getattr(error, 'strerror', None) or error}), expected the anchor registry") from None
    lines: list[str] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip() or line.startswith("#"):
            continue
        if not rules.ANCHOR_LINE.match(line):
            raise DataError(f"{name}:{number}: {line[:60]!r}, expected /page/#id (python tests/anchors.py --write)")
        lines.append(line)
    return lines


def load_aliases(path: Path, registry: list[str] | None = None) -> dict[str, dict[str, str]]:
    """data/anchor-aliases.yml: {"mail/setup/": {old-id: new-id}}, ids as on the pages; only comments: none."""
    known = set(registry if registry is not None else load_registry(path.parent / "anchors.txt"))
    data = load(path, name="data/anchor-aliases.yml", context={"registry": known}, allow_empty=True)
    return {page: dict(aliases or {}) for page, aliases in data.items()}


def load_synonyms(path: Path, languages: tuple[str, ...] = LANGUAGES) -> dict[str, list[list[str]]]:
    """data/synonyms.yml: {lang: [[word, word, ...], ...]}, every group two words or more."""
    return load(path, name="data/synonyms.yml")


def load_search_keywords(path: Path, registry: list[str] | None = None) -> dict[str, dict[str, list[str]]]:
    """data/search-keywords.yml: {"/mail/mailbox/#auto-reply": {"en": [words], "fr": [words]}}, every key a searched
    section of data/anchors.txt."""
    known = set(registry if registry is not None else load_registry(path.parent / "anchors.txt"))
    return load(path, name="data/search-keywords.yml", context={"registry": known})


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
# UI words (data/strings.yml)
# -----------------------------------------------------------------------------


class Strings:
    """data/strings.yml: `key: {en: ..., fr: ...}`, every key in every language, placeholders the code knows."""

    def __init__(self, path: Path, name: str = "data/strings.yml", languages: tuple[str, ...] = LANGUAGES) -> None:
        self.name = name
        self.table: dict[str, dict[str, str]] = load(path, name=name, schema=path.parent / "schemas" / "strings.schema.json")

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


def write_whole(path: Path, data: bytes) -> None:
    """An entry of the cache written whole or not at all: another build may read it meanwhile (OSError: the
    caller decides what a cache that cannot be written means)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}")
    temporary.write_bytes(data)
    temporary.replace(path)


@functools.cache
def source_digest(*files: str) -> str:
    """The sha256 of these source files, one after the other, read once per process: the code in a cache's key
    (what it keeps is made again when the code that makes it changes)."""
    return hashlib.sha256(b"".join(Path(name).read_bytes() for name in files)).hexdigest()


def cache_folder(data_file: Path) -> Path:
    """.cache/artelabs/ of the project whose data/ holds data_file (git-ignored), unless CACHE says otherwise."""
    return CACHE if CACHE is not None else data_file.resolve().parent.parent / ".cache" / "artelabs"


def stamped(path: Path) -> bool:
    """Whether a stamp of the cache (an empty file named by what passed a check) is there."""
    try:
        return path.exists()
    except OSError:
        return False


def stamp(path: Path, what: str = "the data") -> None:
    """Leave a stamp in the cache; a cache that cannot be written is skipped, with one note (`what` is then
    checked at every build)."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.touch()
    except OSError as error:
        note = f"{path.parent.parent}: cannot be written ({error.strerror}): {what} is checked at every build"
        if note not in _notes:
            _notes.append(note)


def cache_notes() -> list[str]:
    """What the cache could not do (a read-only checkout), once each; the caller logs them."""
    notes = list(_notes)
    _notes.clear()
    return notes
