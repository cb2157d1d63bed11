"""What must hold before the site is published (tools/publish_check.py, tools/publish.sh): one line per kind of problem."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from artelabs import datafile
from artelabs.markers import dpa

MAX_AGE_DAYS = 365


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
