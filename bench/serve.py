"""`python -m bench --serve`: how long a saved page takes to show in the browser under `mkdocs serve`.

Two servers run side by side, each on a free port and on its own copy of the sources (a page saved in one
must not rebuild the other): the project's `mkdocs serve` (a git checkout, as staff have it: the build is
dated and named from its history), and the plain Material + mkdocs-static-i18n configuration of
bench/plain.py. Debian's Chromium shows the same page from each (`/mail/ports/`, and its French page in
every other round). An edit writes a new sentence into the page's Markdown; the time is taken from the
write to the `load` event of the reloaded page that shows the sentence: the watcher's poll (every 0.5 s),
the rebuild, MkDocs's live-reload request and the page's load, all a person waits for.

The two kinds take turns (the order turns each round); the medians are kept, with the load average and
the CPU time of each server's rebuild (its process, from /proc), which depends less on the machine's load.
"""

from __future__ import annotations

import os
import shutil
import socket
import statistics
import subprocess
import sys
import threading
import time
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator

from bench.plain import plain_config
from bench.timing import ROOT

CHROMIUM = Path(os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"))
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]
IGNORED = shutil.ignore_patterns(".git", ".venv", "node_modules", "site", "__pycache__", ".pytest_cache", "test-reports",
                                 ".cache", "*.egg-info", "bench-report.json")
# The edited pages: (Markdown file, its address), English and French in turn.
PAGES = (("docs/mail/ports.md", "mail/ports/"), ("docs/mail/ports.fr.md", "fr/mail/ports/"))
MARK = "Bench edit"  # the sentence written into the page: "Bench edit 3 html." (a paragraph of its own)
SHOWN = """token => document.body !== null && document.body.innerText.includes(token)"""


@dataclass
class Server:
    kind: str
    repo: Path
    config: Path
    port: int = 0
    process: subprocess.Popen[bytes] | None = None
    log: list[str] = field(default_factory=list)

    def cpu(self) -> float:
        """User + system seconds of the server's process so far (/proc/PID/stat)."""
        assert self.process is not None
        fields = Path(f"/proc/{self.process.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def measure(tmp: Path, rounds: int) -> dict[str, Any]:
    """Start both servers and a browser, time `rounds` edits of each kind, alternated; the figures."""
    servers = {"plain": _plain_copy(tmp / "plain"), "project": _project_copy(tmp / "project")}
    with ExitStack() as stack:
        for server in servers.values():
            stack.enter_context(_serving(server))
        browser = stack.enter_context(_chromium())
        tabs = {}
        for kind, server in servers.items():
            context = browser.new_context()
            tabs[kind] = [context.new_page() for _ in PAGES]
            for tab, (_, address) in zip(tabs[kind], PAGES):
                tab.goto(f"http://127.0.0.1:{server.port}/{address}", wait_until="load")
        done: dict[str, list[dict[str, float]]] = {kind: [] for kind in servers}
        order = list(servers)
        for i in range(rounds):
            turn = order[i % 2:] + order[: i % 2]
            which = i % len(PAGES)
            print(f"serve round {i + 1}/{rounds}: {', '.join(turn)} ({PAGES[which][1]})", file=sys.stderr, flush=True)
            for kind in turn:
                done[kind].append(_edit(servers[kind], tabs[kind][which], PAGES[which][0], f"{MARK} {i + 1} {kind}."))
    seconds = {kind: statistics.median(r["seconds"] for r in runs) for kind, runs in done.items()}
    cpu = {kind: statistics.median(r["cpu"] for r in runs) for kind, runs in done.items()}
    loads = [r["load"] for runs in done.values() for r in runs]
    return {
        "rounds": rounds,
        "pages": [address for _, address in PAGES],
        "plain_s": seconds["plain"],
        "project_s": seconds["project"],
        "project_vs_plain": seconds["project"] / seconds["plain"],
        "cpu_s": cpu,
        "project_vs_plain_cpu": cpu["project"] / cpu["plain"],
        "load_average": {"min": min(loads), "max": max(loads), "median": statistics.median(loads)},
        "all_runs": {kind: [round(r["seconds"], 3) for r in runs] for kind, runs in done.items()},
        "all_cpu": {kind: [round(r["cpu"], 3) for r in runs] for kind, runs in done.items()},
        "all_loads": {kind: [round(r["load"], 2) for r in runs] for kind, runs in done.items()},
    }


def print_report(serve: dict[str, Any]) -> None:
    load = serve["load_average"]
    print(f"\nmkdocs serve: a saved page shown in Chromium, median of {serve['rounds']} edits of each kind, alternated "
          f"({', '.join(serve['pages'])}; load average {load['min']:.1f}-{load['max']:.1f}, median {load['median']:.1f})")
    cpu = serve["cpu_s"]
    print(f"  plain Material + i18n: {serve['plain_s']:.2f} s (rebuild CPU {cpu['plain']:.2f} s)")
    print(f"  project:               {serve['project_s']:.2f} s (rebuild CPU {cpu['project']:.2f} s)")
    print(f"\nmkdocs serve reload: {serve['project_vs_plain']:.2f} x plain (CPU time of the rebuild: "
          f"{serve['project_vs_plain_cpu']:.2f} x)")


# -----------------------------------------------------------------------------


def _edit(server: Server, tab: Any, source: str, sentence: str) -> dict[str, float]:
    """Save the page with a new last paragraph; the seconds until the browser shows it, and the rebuild's CPU."""
    from playwright.sync_api import Error

    page = server.repo / source
    text = page.read_text(encoding="utf-8")
    kept = "\n".join(line for line in text.rstrip("\n").split("\n") if not line.startswith(MARK)).rstrip("\n")
    load, cpu = os.getloadavg()[0], server.cpu()
    start = time.perf_counter()
    page.write_text(f"{kept}\n\n{sentence}\n", encoding="utf-8")
    deadline = start + 120
    while True:
        try:
            with tab.expect_event("load", timeout=max(1.0, deadline - time.perf_counter()) * 1000):
                pass
            if tab.evaluate(SHOWN, sentence):
                seconds = time.perf_counter() - start
                break
        except Error as error:
            if time.perf_counter() > deadline:
                raise SystemExit(f"{server.kind}: the edit never showed in the browser ({error}):\n"
                                 + "\n".join(server.log[-30:])) from None
    _settled(server)
    return {"seconds": seconds, "cpu": server.cpu() - cpu, "load": load}


def _settled(server: Server, quiet: float = 0.6) -> None:
    """Until the server's process has used no CPU for `quiet` seconds (the rebuild and its reload are over)."""
    last, since = server.cpu(), time.perf_counter()
    while time.perf_counter() - since < quiet:
        time.sleep(0.1)
        now = server.cpu()
        if now - last > 0.02:  # more than the watcher's poll: still working
            last, since = now, time.perf_counter()
        else:
            last = now


def _project_copy(repo: Path) -> Server:
    """The project's sources, in a git repository of their own (one commit), as a staff member's checkout."""
    shutil.copytree(ROOT, repo, ignore=IGNORED)
    git = ["git", "-c", "user.name=bench", "-c", "user.email=bench@localhost", "-c", "commit.gpgsign=false"]
    env = {**os.environ, "GIT_CEILING_DIRECTORIES": str(repo.parent)}
    for command in (["init", "-q"], ["add", "-A"], ["commit", "-q", "-m", "bench"]):
        subprocess.run([*git, *command], cwd=repo, check=True, env=env, capture_output=True)
    return Server("project", repo, repo / "mkdocs.yml")


def _plain_copy(repo: Path) -> Server:
    """The pages alone, with bench/plain.py's configuration (no hooks, no overrides)."""
    repo.mkdir(parents=True)
    shutil.copytree(ROOT / "docs", repo / "docs")
    shutil.copy2(ROOT / "mkdocs.yml", repo / "mkdocs.yml")
    config = plain_config(repo / "plain-config", repo / "mkdocs.yml")
    return Server("plain", repo, config)


@contextmanager
def _serving(server: Server) -> Iterator[Server]:
    """`mkdocs serve` of the server's configuration on a free port, until its first build is served."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        server.port = probe.getsockname()[1]
    env = {key: value for key, value in os.environ.items() if key not in ("SOURCE_DATE_EPOCH", "ARTELABS_VERSION",
                                                                         "ARTELABS_PDF")}
    env["NO_MKDOCS_2_WARNING"] = "1"
    server.process = subprocess.Popen(
        [sys.executable, "-m", "mkdocs", "serve", "-f", str(server.config), "-a", f"127.0.0.1:{server.port}"],
        cwd=server.repo, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )
    reader = threading.Thread(target=_read, args=(server,), daemon=True)
    reader.start()
    try:
        deadline = time.monotonic() + 300
        while not any("Serving on" in line for line in server.log):
            if server.process.poll() is not None or time.monotonic() > deadline:
                raise SystemExit(f"{server.kind}: mkdocs serve did not start:\n" + "\n".join(server.log[-30:]))
            time.sleep(0.1)
        _settled(server)
        yield server
    finally:
        server.process.terminate()
        try:
            server.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.process.kill()
            server.process.wait()
        reader.join(timeout=5)


def _read(server: Server) -> None:
    assert server.process is not None and server.process.stderr is not None
    for line in server.process.stderr:
        server.log.append(line.decode("utf-8", "replace").rstrip())


@contextmanager
def _chromium() -> Iterator[Any]:
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        raise SystemExit("--serve needs Playwright for Python: pip install -r requirements-dev.txt") from None
    if not CHROMIUM.exists():
        raise SystemExit(f"--serve needs Chromium: {CHROMIUM} not found (apt-get install chromium)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()
