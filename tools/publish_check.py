"""What must hold before the site is published; tools/publish.sh runs it and stops on a refusal.

    python tools/publish_check.py [--date YYYY-MM-DD]

Refuses, each with one line listing what is wrong:

- a company detail (data/company.yml) or a version date (data/legal-versions.yml) that the
  company has not confirmed: the pages would show "to be confirmed";
- a source (data/sources.yml) checked more than 12 months before the build date;
- an undated or unversioned build (no git history, and no SOURCE_DATE_EPOCH or ARTELABS_VERSION).

Exit status 0 when everything holds, 1 otherwise.
"""

from __future__ import annotations

import argparse
import sys
from datetime import date, datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "hooks"))

import datafile  # noqa: E402

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
    if company or versions:
        parts = [f"data/company.yml: {', '.join(company)}"] if company else []
        parts += [f"data/legal-versions.yml: {', '.join(versions)}"] if versions else []
        out.append(f"not confirmed by the company (shown 'to be confirmed'): {'; '.join(parts)}")
    stale = [
        f"{page}: {entry['title']['en'] if isinstance(entry['title'], dict) else entry['title']} ({entry['checked']})"
        for page, entries in more["sources"].items() for entry in entries
        if (today - date.fromisoformat(str(entry["checked"]))).days > MAX_AGE_DAYS
    ]
    if stale:
        out.append(f"data/sources.yml: checked more than 12 months before {today}, check again: {'; '.join(stale)}")
    if not dated or not versioned:
        missing = " and ".join(n for n, ok in (("SOURCE_DATE_EPOCH", dated), ("ARTELABS_VERSION", versioned)) if not ok)
        out.append(f"the build is undated or unversioned: not a git checkout, and no {missing} given")
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python tools/publish_check.py", description=__doc__.splitlines()[0])
    parser.add_argument("--date", type=date.fromisoformat, help="the build date (default: SOURCE_DATE_EPOCH, else today)")
    parser.add_argument("--undated", action="store_true", help="the build has no date (set by tools/publish.sh)")
    parser.add_argument("--unversioned", action="store_true", help="the build has no version (set by tools/publish.sh)")
    args = parser.parse_args(argv)
    import os

    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    today = args.date or (datetime.fromtimestamp(int(epoch), timezone.utc).date() if epoch else date.today())
    try:
        found = problems(ROOT, today, dated=not args.undated, versioned=not args.unversioned)
    except datafile.DataError as error:
        found = [str(error)]
    for line in found:
        print(f"publish: refused: {line}", file=sys.stderr)
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
