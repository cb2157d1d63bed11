"""Build times: the whole `mkdocs build`, and the time spent in each hook.

Each run is a fresh Python process (`python -m bench.timing SITE_DIR`) that
builds like `mkdocs build --strict` and times every event function of every
hook (mkdocs-static-i18n runs them once per language; the French pass runs
inside the English one, but hook events never nest, so their times add up).
It prints one line of JSON; the parent measures the process's wall-clock time
too, interpreter start and imports included, as a user of `mkdocs build` sees.
"""

from __future__ import annotations

import functools
import json
import os
import subprocess
import sys
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent


@dataclass
class Run:
    wall: float  # seconds, the whole process
    build: float  # seconds, config loaded and site built, in the process
    hooks: dict[str, float]  # seconds per hook file, e.g. {"hooks/ports.py": 0.04}


def run_build(site_dir: Path, *, pdf: bool, config_file: Path = ROOT / "mkdocs.yml") -> Run:
    """One build in a fresh process; PDFs off with ARTELABS_PDF=0 (see hooks/pdf.py)."""
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "ARTELABS_PDF": "1" if pdf else "0"}
    start = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "-m", "bench.timing", str(site_dir), str(config_file)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    wall = time.perf_counter() - start
    if result.returncode != 0:
        raise SystemExit(f"the build failed:\n{result.stderr[-3000:]}")
    data = json.loads(result.stdout.strip().splitlines()[-1])
    return Run(wall=wall, build=data["build"], hooks=data["hooks"])


def _build_here(site_dir: str, config_file: str) -> None:
    """In the child process: build with the tests' recipe (artelabs.building), timing the hooks; print JSON."""
    from artelabs.building import build_site

    spent: dict[str, float] = defaultdict(float)
    start = time.perf_counter()
    build_site(Path(site_dir), Path(config_file), pdf=os.environ.get("ARTELABS_PDF") != "0",
               on_config_loaded=lambda config: _time_hooks(config, spent))
    total = time.perf_counter() - start
    print(json.dumps({"build": total, "hooks": dict(spent)}))


def _time_hooks(config: Any, spent: dict[str, float]) -> None:
    """Wrap every event function of every hook (hooks: in mkdocs.yml) with a timer."""
    plugins = config.plugins
    hooks = set(config.hooks)
    for methods in plugins.events.values():
        for i, method in enumerate(methods):
            origin = plugins._event_origins.get(method)
            if origin in hooks:
                wrapped = _timed(method, origin, spent)
                methods[i] = wrapped
                plugins._event_origins[wrapped] = origin


def _timed(method: Callable, origin: str, spent: dict[str, float]) -> Callable:
    @functools.wraps(method)
    def timed(*args: Any, **kwargs: Any) -> Any:
        start = time.perf_counter()
        try:
            return method(*args, **kwargs)
        finally:
            spent[origin] += time.perf_counter() - start

    return timed


if __name__ == "__main__":
    _build_here(*sys.argv[1:3])
