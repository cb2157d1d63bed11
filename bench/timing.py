"""Build times: the whole `mkdocs build`, and the time spent in each hook.

Each run is a fresh Python process (`python -m bench.timing SITE_DIR`) that
builds like `mkdocs build --strict` and times every event function of every
hook (mkdocs-static-i18n runs them once per language; the French pass runs
inside the English one, but hook events never nest, so their times add up).
It prints one line of JSON; the parent measures the process's wall-clock time
too, interpreter start and imports included, as a user of `mkdocs build` sees.

It also times the Markdown extensions: each processor an extension registers
(its own and Python-Markdown's built-in ones apart), the setting up of the
extensions for each page (MkDocs makes a new Markdown for every page), the
whole Markdown conversion, and the Jinja templates (outermost render only).
The plain build (bench/plain.py) has no hooks: only these are timed there.
"""

from __future__ import annotations

import functools
import json
import os
import resource
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
    parts: dict[str, float]  # seconds per Markdown extension and other parts (see _time_markdown)
    load: float = 0.0  # the machine's 1-minute load average when the run began
    cpu: float = 0.0  # seconds of CPU (user + system) of the build's process and its workers: less load-bound than wall


def run_build(
    site_dir: Path, *, pdf: bool, config_file: Path = ROOT / "mkdocs.yml", plain: bool = False, project: Path | None = None
) -> Run:
    """One build in a fresh process; PDFs off with ARTELABS_PDF=0 (see hooks/pdf.py); plain: not strict.

    project: another copy of the project (bench --baseline), whose own code builds it, timed by this file."""
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "ARTELABS_PDF": "1" if pdf else "0"}
    command = [sys.executable, "-m", "bench.timing"]
    if project is not None:  # this file as a script, the project's code first on the path
        env["PYTHONPATH"] = str(project)
        command = [sys.executable, str(Path(__file__).resolve())]
    load = os.getloadavg()[0]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    result = subprocess.run(
        [*command, str(site_dir), str(config_file), *(["plain"] if plain else [])],
        cwd=project or ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    if result.returncode != 0:
        raise SystemExit(f"the build failed:\n{result.stderr[-3000:]}")
    data = json.loads(result.stdout.strip().splitlines()[-1])
    return Run(wall=wall, build=data["build"], hooks=data["hooks"], parts=data["parts"], load=load, cpu=cpu)


def _build_here(site_dir: str, config_file: str, mode: str = "") -> None:
    """In the child process: build with the tests' recipe (artelabs.building), timing the hooks; print JSON."""
    import logging

    from artelabs.building import build_site

    spent: dict[str, float] = defaultdict(float)
    parts: dict[str, float] = defaultdict(float)
    _time_markdown(parts)
    if mode == "plain":
        logging.getLogger("mkdocs").setLevel(logging.ERROR)  # its markers' links and anchors: warnings, not news
    start = time.perf_counter()
    build_site(Path(site_dir), Path(config_file), pdf=os.environ.get("ARTELABS_PDF") != "0",
               on_config_loaded=lambda config: _time_hooks(config, spent), **({"strict": False} if mode == "plain" else {}))
    total = time.perf_counter() - start
    print(json.dumps({"build": total, "hooks": dict(spent), "parts": dict(parts)}))


MARKDOWN = "Markdown, whole conversion"
SETUP = "Markdown, extensions set up (every page)"
JINJA = "Jinja templates (outermost render)"


def _time_markdown(parts: dict[str, float]) -> None:
    """Time each Markdown extension's processors, the extensions' set-up, the conversions and the templates."""
    import jinja2
    import markdown

    def registries(md: Any) -> list[Any]:
        return [md.preprocessors, md.parser.blockprocessors, md.inlinePatterns, md.treeprocessors, md.postprocessors]

    def register(self: Any, extensions: Any, configs: Any) -> Any:
        for extension in extensions:
            before = {id(item) for registry in registries(self) for item in registry}
            start = time.perf_counter()
            original_register(self, [extension], configs)
            parts[SETUP] += time.perf_counter() - start
            name = extension if isinstance(extension, str) else type(extension).__module__
            name = name.removeprefix("markdown.extensions.")
            for registry in registries(self):
                for item in registry:
                    if id(item) not in before:
                        for method in ("run", "test", "handleMatch"):
                            if hasattr(item, method):
                                setattr(item, method, _timed(getattr(item, method), f"extension {name}", parts))
        return self

    original_register = markdown.Markdown.registerExtensions
    markdown.Markdown.registerExtensions = register
    markdown.Markdown.convert = _timed(markdown.Markdown.convert, MARKDOWN, parts)
    jinja2.Template.render = _outermost(jinja2.Template.render, JINJA, parts)


def _outermost(method: Callable, name: str, spent: dict[str, float]) -> Callable:
    depth = [0]

    @functools.wraps(method)
    def timed(*args: Any, **kwargs: Any) -> Any:
        depth[0] += 1
        start = time.perf_counter()
        try:
            return method(*args, **kwargs)
        finally:
            depth[0] -= 1
            if depth[0] == 0:
                spent[name] += time.perf_counter() - start

    return timed


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
    _build_here(*sys.argv[1:4])
