"""What must hold before the site is published (tools/publish_check.py, tools/publish.sh): one line per kind of
problem (`problems`: publishing is refused), and what staff should do first without it being refused (`warnings`)."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from artelabs import datafile
from artelabs.markers import dpa

MAX_AGE_DAYS = 365
REGISTER = "data/legal-refs.yml"


def problems(root: Path, today: date, *, dated: bool = True, versioned: bool = True) -> list[str]:
    """One line per kind of problem."""
    more = datafile.load_more(root)
    out = []
    company = [key for key, entry in more["company"].items() if entry["status"] != "confirmed"]
    versions = [
        f"{doc} {entry['version']} effective date" for doc, entries in more["versions"].items() for entry in entries
        if entry["status"] != "confirmed"
    ]
    annexes = dpa.unconfirmed(root)  # the data processing agreement's sub-processors and security measures
    if company or versions or annexes:
        parts = [f"data/company.yml: {', '.join(company)}"] if company else []
        parts += [f"data/legal-versions.yml: {', '.join(versions)}"] if versions else []
        parts += [f"data/dpa.yml: {', '.join(annexes)}"] if annexes else []
        out.append(f"not confirmed by the company (shown 'to be confirmed'): {'; '.join(parts)}")
    stale = [
        (page, index, f"{entry['title']['en'] if isinstance(entry['title'], dict) else entry['title']} ({entry['checked']})")
        for page, entries in more["sources"].items() for index, entry in enumerate(entries)
        if (today - date.fromisoformat(str(entry["checked"]))).days > MAX_AGE_DAYS
    ]
    if stale:  # each with the line of its `checked:`, the one to change once the source is read again
        sources = datafile.Document(root / "data" / "sources.yml", "data/sources.yml")
        stale = [f"line {sources.line((page, index, 'checked'))} {page}: {what}" for page, index, what in stale]
        out.append(f"data/sources.yml: checked more than 12 months before {today}, check again: {'; '.join(stale)}")
    if not dated or not versioned:
        missing = " and ".join(n for n, ok in (("SOURCE_DATE_EPOCH", dated), ("ARTELABS_VERSION", versioned)) if not ok)
        out.append(f"the build is undated or unversioned: not a git checkout, and no {missing} given")
    return out


def unverified_titles(root: Path) -> list[str]:
    """The register's article titles that no faithful copy of the law has shown yet (data/legal-refs.yml,
    `unverified: [en, fr]`), as "dpo-18 (en, fr): DPO Art. 18 \"Time limit\" / OPDo art. 18 \"Délai\"": the list
    of what staff read on Fedlex (or EUR-Lex) before publishing. DataError (one line) if the register cannot be read."""
    import yaml

    path = root / REGISTER
    if not path.is_file():
        return []
    try:
        entries: Any = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f":{mark.line + 1}" if mark is not None else ""
        raise datafile.DataError(f"{REGISTER}{where}: not valid YAML ({getattr(error, 'problem', None) or error}), expected the register's entries") from None
    if not isinstance(entries, list):
        raise datafile.DataError(f"{REGISTER}: the top level is {datafile.describe(entries)}, expected a list of entries (- id: …)")
    out = []
    for entry in entries:
        langs = entry.get("unverified") if isinstance(entry, dict) else None
        if not langs:
            continue
        if not isinstance(langs, list) or not set(langs) <= {"en", "fr"}:
            raise datafile.DataError(f"{REGISTER}: {entry.get('id')}: unverified: {langs!r}, expected [en], [fr] or [en, fr]")
        titles = " / ".join(
            f"{entry['law'][lang]} {'Art.' if lang == 'en' else 'art.'} {entry['article']} \"{entry['title'][lang]}\"" for lang in langs
        )
        out.append(f"{entry['id']} ({', '.join(langs)}): {titles}")
    return out


def warnings(root: Path) -> list[str]:
    """One line per kind of thing to do before publishing that does not refuse it."""
    titles = unverified_titles(root)
    if not titles:
        return []
    return [
        f"{REGISTER}: {len(titles)} entr{'ies have' if len(titles) != 1 else 'y has'} a title not yet read in the law's own text, "
        f"to read on Fedlex (or EUR-Lex) before publishing, then remove 'unverified' from the entry: {'; '.join(titles)}"
    ]
