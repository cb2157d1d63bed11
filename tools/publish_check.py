"""What must hold before the site is published; tools/publish.sh runs it and stops on a refusal.

    python tools/publish_check.py [--date YYYY-MM-DD]

Refuses, each with one line listing what is wrong:

- a company detail (data/company.yml), a version date (data/legal-versions.yml) or an entry of the
  data processing agreement's annexes (data/dpa.yml) that the company has not confirmed: the pages
  would show "to be confirmed";
- a source (data/sources.yml) checked more than 12 months before the build date;
- an undated or unversioned build (no git history, and no SOURCE_DATE_EPOCH or ARTELABS_VERSION).

Warns, without refusing, in one line: the article titles of the register (data/legal-refs.yml) marked
`unverified`, which staff read on Fedlex (or EUR-Lex) before publishing: the one list of them.

Exit status 0 when everything holds (warnings or not), 1 otherwise.
"""

from __future__ import annotations

import argparse
import sys
from datetime import date, datetime, timezone
from pathlib import Path

from artelabs import datafile
from artelabs.publishing import MAX_AGE_DAYS, problems, warnings  # noqa: F401 (MAX_AGE_DAYS: the tests read it here too)

ROOT = Path(__file__).resolve().parent.parent

def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python tools/publish_check.py", description=__doc__.splitlines()[0])
    parser.add_argument("--date", type=date.fromisoformat, help="the build date (default: SOURCE_DATE_EPOCH, else today)")
    parser.add_argument("--undated", action="store_true", help="the build has no date (set by tools/publish.sh)")
    parser.add_argument("--unversioned", action="store_true", help="the build has no version (set by tools/publish.sh)")
    args = parser.parse_args(argv)
    import os

    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    try:
        today = args.date or (datetime.fromtimestamp(int(epoch), timezone.utc).date() if epoch else date.today())
    except (ValueError, OverflowError, OSError):
        print(f"publish: refused: SOURCE_DATE_EPOCH={epoch!r} is not a number of seconds, expected e.g. 1764460800",
              file=sys.stderr)
        return 2
    try:
        found = problems(ROOT, today, dated=not args.undated, versioned=not args.unversioned)
    except datafile.DataError as error:
        found = [str(error)]
    try:
        for line in warnings(ROOT):
            print(f"publish: warning: {line}", file=sys.stderr)
    except datafile.DataError as error:
        found.append(str(error))
    for line in found:
        print(f"publish: refused: {line}", file=sys.stderr)
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
