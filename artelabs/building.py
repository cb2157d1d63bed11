"""The one build recipe of the tests and the benchmark: what `mkdocs build --strict` does, in this process."""

from __future__ import annotations

import os
from pathlib import Path

from mkdocs.commands.build import build
from mkdocs.config import load_config

def build_site(
    site_dir: Path, config_file: Path = Path("mkdocs.yml"), *, pdf: bool = True, on_config_loaded=None,
    strict: bool = True, **overrides
) -> Path:
    """Build like `mkdocs build --strict` does, into site_dir; without the PDFs when pdf is False.

    strict=False only for the benchmark's plain build (bench/plain.py), whose markers stay comments.

    on_config_loaded(config) runs before the build (the benchmark wraps the hooks with timers there).
    """
    previous = os.environ.get("ARTELABS_PDF")
    os.environ["ARTELABS_PDF"] = "1" if pdf else "0"
    try:
        config = load_config(str(config_file), strict=strict, site_dir=str(site_dir), **overrides)
        if on_config_loaded is not None:
            on_config_loaded(config)
        config.plugins.on_startup(command="build", dirty=False)
        try:
            build(config)
        finally:
            config.plugins.on_shutdown()
    finally:
        if previous is None:
            os.environ.pop("ARTELABS_PDF", None)
        else:
            os.environ["ARTELABS_PDF"] = previous
    return site_dir
