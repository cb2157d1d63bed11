"""python -m bench --announcements: does the build grow linearly with the number of announcements?

A copy of the project (no git, .venv, caches or build output) gets a data/announcements.yml of N generated
announcements, for each N of COUNTS and none, and is built HTML-only in a fresh process, dated like the
tests' copies (SOURCE_DATE_EPOCH, ARTELABS_VERSION). It prints, for each count, the median wall-clock and CPU
time, the time per announcement beyond the build with none, and the load average of the runs: with linear work
the time per announcement stays about the same from 100 to 2,500 (CPU, 6 December 2026: 2.2 ms at 1,000 and 2.5 ms
at 2,500; 7.3 ms and 15.3 ms before the feed and the calendar stopped placing every announcement against every
other, `--baseline` of the code before).

Not a test: a timing depends on the machine's load (the tests build the announcements of one small file).
"""

from __future__ import annotations

import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
COUNTS = (100, 1000, 2500)
STAMP = {"SOURCE_DATE_EPOCH": "1764547200", "ARTELABS_VERSION": "bench"}  # 1 December 2025, 00:00 UTC
KINDS = ("maintenance", "incident", "information")
SERVICES = ("mail", "webmail", "hosting", "domains", "support-site")


def generate(count: int, built: datetime | None = None) -> str:
    """data/announcements.yml with `count` announcements spread over the five years before the build date and
    the month after it: most are over (recent or in the archive), a few planned or in progress, one in fifty with
    an update. One short line each (flow style), so that 2,500 stay within the data files' 512 KB."""
    built = built or datetime.fromtimestamp(int(STAMP["SOURCE_DATE_EPOCH"]), timezone.utc)
    lines = ["zone: Europe/Zurich", "announcements:" + ("" if count else " []")]
    span = timedelta(days=5 * 365 + 30)
    for number in range(count):
        start = (built - timedelta(days=5 * 365) + span * number / count).replace(minute=0, second=0, microsecond=0)
        end = start + timedelta(hours=1 + number % 3)
        over = end < built
        status = ("completed" if number % 7 else "cancelled") if over else ("in-progress" if start <= built else "planned")
        update = over and number % 50 == 0  # one in fifty says how it ended
        lines.append(
            f"- {{id: g{number}, kind: {KINDS[number % 3]}, services: [{SERVICES[number % 5]}], "
            f"announced: {_utc(start - timedelta(days=3))}, start: {_utc(start)}, end: {_utc(end)}, status: {status}, "
            f"title: {{en: W{number}, fr: T{number}}}, text: {{en: S, fr: L}}"
            + (f", updates: [{{time: {_utc(end)}, status: {status}, text: {{en: Over., fr: Fini.}}}}]" if update else "") + "}"
        )
    return "\n".join(lines) + "\n"


def _utc(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%MZ")


def copy_project(target: Path, project: Path = ROOT) -> Path:
    ignore = shutil.ignore_patterns(".git", ".venv", "node_modules", "site", "__pycache__", ".pytest_cache", "test-reports",
                                    ".cache", "*.egg-info", "bench-report.json")
    return Path(shutil.copytree(project, target, ignore=ignore))


def build(repo: Path, out: Path) -> tuple[float, float]:
    """One HTML-only build of the copy in a fresh process, as `mkdocs build --strict`: its wall-clock seconds and
    its CPU seconds (user and system: less swayed by the machine's load)."""
    env = {**{k: v for k, v in os.environ.items() if k not in STAMP}, **STAMP, "ARTELABS_PDF": "0", "NO_MKDOCS_2_WARNING": "1"}
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    result = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "-q", "-d", str(out)], cwd=repo, env=env,
                            capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if result.returncode != 0:
        raise SystemExit(f"the build with generated announcements failed:\n{result.stderr[-3000:]}")
    return seconds, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def measure(runs: int, counts: tuple[int, ...] = COUNTS, project: Path = ROOT) -> dict[str, Any]:
    """Median build time (wall-clock and CPU) of each count and of none, alternated round by round (the order
    turns each round, so that a busy moment hits every count alike); the load average of the runs beside.
    project: another copy of the project (`--baseline DIR`: the code before a change), built by its own code."""
    sizes = (0, *counts)
    wall: dict[int, list[float]] = {count: [] for count in sizes}
    cpu: dict[int, list[float]] = {count: [] for count in sizes}
    loads: list[float] = []
    with tempfile.TemporaryDirectory(prefix="bench-announcements-") as tmp:
        repo = copy_project(Path(tmp) / "repo", project)
        data = repo / "data" / "announcements.yml"
        texts = {count: generate(count) for count in sizes}
        data.write_text(texts[0], encoding="utf-8")
        build(repo, Path(tmp) / "warm-up")  # fills the caches (checked data, compiled partials), not counted
        for round_ in range(runs):
            order = sizes[round_ % len(sizes):] + sizes[: round_ % len(sizes)]
            print(f"announcements, round {round_ + 1}/{runs}: {', '.join(map(str, order))}", file=sys.stderr, flush=True)
            for count in order:
                data.write_text(texts[count], encoding="utf-8")
                loads.append(os.getloadavg()[0])
                seconds, used = build(repo, Path(tmp) / f"site-{count}")
                wall[count].append(seconds)
                cpu[count].append(used)
    medians = {count: statistics.median(values) for count, values in wall.items()}
    cpu_medians = {count: statistics.median(values) for count, values in cpu.items()}
    return {
        "project": str(project),
        "runs": runs,
        "seconds": {str(count): medians[count] for count in sizes},
        "cpu_seconds": {str(count): cpu_medians[count] for count in sizes},
        "ms_per_announcement": {str(count): 1000 * (medians[count] - medians[0]) / count for count in counts},
        "cpu_ms_per_announcement": {str(count): 1000 * (cpu_medians[count] - cpu_medians[0]) / count for count in counts},
        "all_runs": {str(count): [round(t, 3) for t in values] for count, values in wall.items()},
        "all_cpu": {str(count): [round(t, 3) for t in values] for count, values in cpu.items()},
        "load_average": {"min": min(loads), "max": max(loads), "median": statistics.median(loads)},
    }


def report(result: dict[str, Any]) -> None:
    load = result["load_average"]
    print(f"\n{result['project']}: HTML build with N generated announcements, median of {result['runs']} runs (load average "
          f"{load['min']:.1f}-{load['max']:.1f}, median {load['median']:.1f}); linear: the same ms per announcement "
          "for every N")
    rows = [("N", "wall s", "ms per announcement", "CPU s", "CPU ms per announcement")]
    for count, seconds in result["seconds"].items():
        per, cpu_per = result["ms_per_announcement"].get(count), result["cpu_ms_per_announcement"].get(count)
        rows.append((count, f"{seconds:.2f}", "" if per is None else f"{per:.2f}", f"{result['cpu_seconds'][count]:.2f}",
                     "" if cpu_per is None else f"{cpu_per:.2f}"))
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    for n, row in enumerate(rows):
        print("  ".join(cell.rjust(width) for cell, width in zip(row, widths)))
        if n == 0:
            print("  ".join("-" * width for width in widths))
