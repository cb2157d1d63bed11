"""The plain build the benchmark compares with: the same pages under Material + mkdocs-static-i18n alone.

Generated from the project's mkdocs.yml, as text, so that it follows every change there: the same site,
theme, Markdown extensions, plugins (search, privacy, i18n), navigation and validation, and the same
docs/ (read in place), without what the project adds: no `hooks:` (so no markers extension, no table
wrapper, no data checks, no PDFs, no search index of its own, no staff sheet), no `custom_dir:` (Material's
own templates) and not strict (a marker is an HTML comment there, and a link to a PDF a warning).

    python -m bench.plain FOLDER    # writes FOLDER/mkdocs.yml and prints its path
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DROPPED_KEYS = ("hooks", "strict")  # top-level keys left out, with their blocks
DROPPED_THEME_KEYS = ("custom_dir",)


def plain_config(folder: Path, config_file: Path = ROOT / "mkdocs.yml") -> Path:
    """Write FOLDER/mkdocs.yml: the project's configuration without hooks, overrides and strict; its path."""
    lines = config_file.read_text(encoding="utf-8").splitlines()
    kept: list[str] = []
    dropping = False
    for line in lines:
        top = re.match(r"([A-Za-z_]+):", line)
        if top:
            dropping = top.group(1) in DROPPED_KEYS
        elif dropping and line.strip() and not line.startswith((" ", "#")):
            dropping = False
        if dropping:
            continue
        if re.match(rf"\s+({'|'.join(DROPPED_THEME_KEYS)}):", line):
            continue
        kept.append(line)
    docs = (config_file.parent / "docs").resolve()
    kept += ["", "# The project's own pages, read in place (bench/plain.py)", f"docs_dir: {docs.as_posix()}", "strict: false", ""]
    folder.mkdir(parents=True, exist_ok=True)
    out = folder / "mkdocs.yml"
    out.write_text("\n".join(kept), encoding="utf-8")
    return out


if __name__ == "__main__":
    print(plain_config(Path(sys.argv[1])))
