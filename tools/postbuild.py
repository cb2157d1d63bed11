"""Run the post-build steps on any built site: Apple profiles, announcements, .htaccess, PDFs.

    python tools/postbuild.py SITE [--steps profiles,announcements,htaccess,pdf]

`mkdocs build` runs them itself (hooks/mail_profiles.py, htaccess.py, pdf.py); this
command runs the same functions (artelabs/postbuild/__init__.py) on a folder another builder
wrote, or again after an edit of overrides/pdf/. The date and version of the PDFs
come from SOURCE_DATE_EPOCH and ARTELABS_VERSION (else the PDF says undated).
"""

from __future__ import annotations

import argparse
import os
import sys
from datetime import datetime, timezone
from pathlib import Path

from artelabs import cli, datafile, postbuild
from artelabs.postbuild import announcements as feeds
from artelabs.postbuild import htaccess as htaccessfile
from artelabs.postbuild import mail as mailfiles
from artelabs.postbuild import pdf as pdfbook

ROOT = Path(__file__).resolve().parent.parent


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python tools/postbuild.py", description=__doc__.splitlines()[0])
    parser.add_argument("site", type=Path, help="a built site folder")
    parser.add_argument("--steps", default=",".join(postbuild.STEPS), help="comma-separated: " + ", ".join(postbuild.STEPS))
    parser.add_argument("--config", type=Path, default=ROOT / "mkdocs.yml", help="mkdocs.yml (site_url, languages)")
    args = parser.parse_args(argv)
    steps = [step.strip() for step in args.steps.split(",") if step.strip()]
    unknown = [step for step in steps if step not in postbuild.STEPS]
    if unknown or not (args.site / "index.html").is_file() or not args.config.is_file():
        problem = (f"unknown step {unknown[0]}" if unknown else f"{args.site}: no index.html, expected a built site"
                   if not (args.site / "index.html").is_file() else cli.path_problem("--config", args.config, "a mkdocs.yml file")
                   or f"--config {args.config}: not a file, expected a mkdocs.yml file")
        print(f"postbuild: {problem}", file=sys.stderr)
        return 2
    try:
        site = postbuild.site_from_yaml(args.site, args.config)
    except datafile.DataError as error:
        print(f"postbuild: {error}", file=sys.stderr)
        return 1
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    site.date = datetime.fromtimestamp(int(epoch), timezone.utc) if epoch else None
    site.version = os.environ.get("ARTELABS_VERSION") or None
    if "profiles" in steps:
        for path in mailfiles.write_profiles(site):
            print(f"wrote {path}")
    if "announcements" in steps:  # the feed and calendar, as of SOURCE_DATE_EPOCH (undated: no archive)
        try:
            written = feeds.write_feeds(site)
        except datafile.DataError as error:
            print(f"postbuild: {error}", file=sys.stderr)
            return 1
        for path in written:
            print(f"wrote {path}")
    if "htaccess" in steps:
        print(f"wrote {htaccessfile.write_htaccess(site)}")
    if "pdf" in steps:
        for lang in site.languages:
            job = pdfbook.prepare(site, lang)
            pdfbook.write_pdf(job)
            print(f"wrote {site.folder / job['target']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
