"""`python -m mkdocs ARGS` in a process of its own, forked from one that imported MkDocs and its plugins first.

Not a test module. The tests build copies of the sources (conftest.mkdocs_build) about a hundred times a run,
and each `python -m mkdocs` spent 0.4 s of processor starting Python and importing MkDocs, Material, the i18n
plugin, Markdown and pymdownx before reading a file: more than a build that stops at a data file's first
mistake takes after that. This process imports them once, then forks a process for each build: it runs in the
copy's folder, with the environment it is given, as `python -m mkdocs` run there does; the copy's own package
(artelabs/) and hooks are imported by that process from the copy, never ahead. It never builds itself. The
builds of one test process share the server's hash seed: tests/test_reproducible.py, which compares two
builds, runs its own in a new process with another seed.

    python tests/buildserver.py     (by `Builds`, below: one per test process, started at its first build)

One request a line on standard input, as JSON: {"cwd", "args", "env", "stdout", "stderr"} (the two files the
build writes its output to); the answer, a line each: {"pid"} once forked, {"returncode"} once it ended
(negative: the signal that ended it, as subprocess says).
"""

from __future__ import annotations

import ctypes
import json
import os
import select
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

# What `mkdocs build` of this project imports whatever the copy holds (mkdocs.yml's theme, plugins and
# Markdown extensions): third-party code only, which no test changes.
AHEAD = (
    "mkdocs.__main__", "mkdocs.commands.build", "mkdocs.commands.serve", "mkdocs.config.defaults", "mkdocs.structure.pages",
    "material.plugins.search.plugin", "material.templates", "mkdocs_static_i18n.plugin",
    "markdown", "markdown.extensions.abbr", "markdown.extensions.admonition", "markdown.extensions.attr_list",
    "markdown.extensions.def_list", "markdown.extensions.md_in_html", "markdown.extensions.tables", "markdown.extensions.toc",
    "pymdownx.details", "pymdownx.superfences", "pymdownx.tabbed", "pymdownx.highlight", "pymdownx.inlinehilite",
    "pymdownx.snippets", "pymdownx.emoji",
    "jinja2", "yaml", "jsonschema", "bs4", "lxml.html", "babel",
)


def die_with_parent(sig: int = signal.SIGKILL) -> None:
    """Linux: the kernel sends sig to this process when the one that started it ends, even killed (a fork
    does not inherit it: each process asks for itself)."""
    try:
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, sig)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def serve() -> None:
    die_with_parent()  # ends with the test process that started it
    import importlib

    for name in AHEAD:
        try:
            importlib.import_module(name)
        except ImportError:  # another version without it: the build imports what it needs itself
            pass
    sys.modules.pop("mkdocs.__main__", None)  # `python -m mkdocs` runs it as __main__ only: runpy warns otherwise
    answers = os.dup(1)
    requests = sys.stdin.buffer
    for line in requests:
        request = json.loads(line)
        pid = os.fork()
        if pid == 0:
            os.close(answers)
            _build(request)  # never returns
        os.write(answers, (json.dumps({"pid": pid}) + "\n").encode())
        _, status = os.waitpid(pid, 0)
        os.write(answers, (json.dumps({"returncode": os.waitstatus_to_exitcode(status)}) + "\n").encode())


def _build(request: dict[str, Any]) -> None:
    """In the forked process: become `python -m mkdocs ARGS` run in the copy's folder."""
    code = 1
    try:
        die_with_parent()  # the server
        signal.signal(signal.SIGINT, signal.default_int_handler)
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        for fd, name, flags in ((0, os.devnull, os.O_RDONLY), (1, request["stdout"], os.O_WRONLY | os.O_CREAT | os.O_TRUNC),
                                (2, request["stderr"], os.O_WRONLY | os.O_CREAT | os.O_TRUNC)):
            opened = os.open(name, flags, 0o600)
            os.dup2(opened, fd)
            os.close(opened)
        os.chdir(request["cwd"])
        os.environ.clear()
        os.environ.update(request["env"])
        time.tzset()
        sys.path[0] = os.getcwd()  # `python -m` puts the working folder first: the copy's own artelabs/
        sys.argv = ["mkdocs", *request["args"]]
        import runpy

        try:
            runpy.run_module("mkdocs", run_name="__main__", alter_sys=True)
            code = 0
        except SystemExit as end:
            if end.code is None or isinstance(end.code, int):
                code = end.code or 0
            else:  # a message: Python prints it and ends with status 1
                print(end.code, file=sys.stderr)
                code = 1
        except BaseException:  # noqa: BLE001 (as Python would: the traceback, status 1)
            import traceback

            error = sys.exc_info()[1]
            tb = error.__traceback__  # from mkdocs/__main__.py on, as `python -m` shows it
            while tb is not None and tb.tb_frame.f_code.co_filename in (__file__, runpy.__file__):
                tb = tb.tb_next
            traceback.print_exception(type(error), error, tb or error.__traceback__)
            code = 1
    finally:
        try:
            import atexit
            import threading

            threading._shutdown()  # what the interpreter does at exit: wait for threads, then atexit
            atexit._run_exitfuncs()
            sys.stdout.flush()
            sys.stderr.flush()
        finally:
            os._exit(code)


class Builds:
    """This test process's build server, started at its first build; `run` is subprocess.run for `python -m mkdocs`."""

    def __init__(self) -> None:
        self.server: subprocess.Popen[bytes] | None = None
        self.startup: dict[str, str] = {}  # what the server's interpreter read from its environment at start

    def _started(self) -> subprocess.Popen[bytes]:
        if self.server is None or self.server.poll() is not None:
            env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
            self.startup = _startup(env)
            self.server = subprocess.Popen(
                [sys.executable, __file__], stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=env, cwd=tempfile.gettempdir(),
                bufsize=0,  # unbuffered: select() then sees every answer the server wrote
            )
        return self.server

    def run(self, args: list[str], cwd: Path, env: dict[str, str], timeout: float) -> subprocess.CompletedProcess[str]:
        """`python -m mkdocs ARGS` in cwd with env, its output captured as text. What Python reads once as it
        starts (PYTHONHASHSEED, PYTHONPATH, the locale, ...) cannot be given to a forked process: a build whose env
        sets them otherwise than the server's runs in a new process, as before."""
        command = [sys.executable, "-m", "mkdocs", *args]
        if _startup(env) != (self.startup if self.server is not None and self.server.poll() is None else _startup(os.environ)):
            return subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)
        server = self._started()
        with tempfile.TemporaryDirectory(prefix="build-output-") as folder:
            files = {name: str(Path(folder) / name) for name in ("stdout", "stderr")}
            request = {"cwd": str(cwd), "args": args, "env": env, **files}
            unsent = memoryview((json.dumps(request) + "\n").encode())
            while unsent:  # a pipe may take part of it at a time
                unsent = unsent[server.stdin.write(unsent) :]
            pid = self._answer(server)["pid"]
            ready, _, _ = select.select([server.stdout], [], [], timeout)
            if not ready:
                try:
                    os.kill(pid, signal.SIGKILL)
                except ProcessLookupError:  # it ended as the time ran out
                    pass
            returncode = self._answer(server)["returncode"]
            stdout, stderr = (Path(files[name]).read_text(encoding="utf-8", errors="replace") for name in ("stdout", "stderr"))
        if not ready and returncode == -signal.SIGKILL:
            raise subprocess.TimeoutExpired(command, timeout, stdout, stderr)
        return subprocess.CompletedProcess(command, returncode, stdout, stderr)

    def _answer(self, server: subprocess.Popen[bytes]) -> dict[str, int]:
        line = server.stdout.readline()
        if not line:
            raise RuntimeError(f"tests/buildserver.py ended (status {server.wait()}) during a build")
        return json.loads(line)

    def close(self) -> None:
        if self.server is not None and self.server.poll() is None:
            self.server.stdin.close()
            self.server.wait(timeout=10)


def _startup(env) -> dict[str, str]:
    """What an interpreter reads once, as it starts (a forked build cannot take another): PYTHONHASHSEED,
    PYTHONPATH, PYTHONWARNINGS, PYTHONSAFEPATH, PYTHONIOENCODING, the locale, ..."""
    return {key: value for key, value in env.items() if key.startswith(("PYTHON", "LC_")) or key == "LANG"}


if __name__ == "__main__":
    serve()
