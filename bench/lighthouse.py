"""Lighthouse performance of a built site: the median of several runs per page, with the load average.

Performance depends on the machine's load (Lighthouse multiplies observed main-thread time), so it is
measured here, not asserted in the tests: `python -m bench --lighthouse` prints, per page, the median
score, largest contentful paint and total blocking time, and where the main thread spent its time.
tests/test_lighthouse.py keeps the deterministic categories (accessibility, best practices, SEO).
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent

# By default the heaviest page of each kind (`--pages all`: every page, about 40 s each for 3 runs).
PAGES = ["/", "/mail/setup/", "/fr/", "/fr/mail/setup/", "/fr/privacy/", "/fr/mail/errors/", "/fr/staff/links/"]
CHROMIUM = Path(os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"))


def every_page(site: Path) -> list[str]:
    """The URL path of each page of a built site, the versions of the legal pages included."""
    found = (p.parent.relative_to(site).as_posix() for p in site.rglob("index.html") if "assets" not in p.parts)
    return sorted("/" if path == "." else f"/{path}/" for path in found)


def audit(site: Path, pages: list[str], runs: int) -> list[dict[str, Any]]:
    from artelabs.localserve import serve

    tool = ROOT / "node_modules" / ".bin" / "lighthouse"
    if not tool.exists() or not CHROMIUM.exists():
        raise SystemExit("bench: Lighthouse needs `npm ci` and Debian's chromium")
    rows = []
    with serve(site) as server, tempfile.TemporaryDirectory(prefix="lighthouse-") as tmp:
        for page in pages:
            scores, tbt, lcp, loads, threads = [], [], [], [], []
            for run in range(runs):
                out = Path(tmp) / f"run-{run}.json"
                loads.append(os.getloadavg()[0])
                subprocess.run(
                    [str(tool), server.url(page), "--output=json", f"--output-path={out}", "--quiet",
                     "--chrome-flags=--headless=new --no-sandbox", "--only-categories=performance"],
                    env={**os.environ, "CHROME_PATH": str(CHROMIUM)}, capture_output=True, text=True, timeout=300, check=True,
                )
                lhr = json.loads(out.read_text(encoding="utf-8"))
                scores.append(lhr["categories"]["performance"]["score"])
                tbt.append(lhr["audits"]["total-blocking-time"]["numericValue"])
                lcp.append(lhr["audits"]["largest-contentful-paint"]["numericValue"])
                items = lhr["audits"].get("mainthread-work-breakdown", {}).get("details", {}).get("items", [])
                threads.append({item["groupLabel"]: item["duration"] for item in items})
            groups = sorted({name for run in threads for name in run})
            rows.append({
                "page": page,
                "runs": runs,
                "performance_median": statistics.median(scores),
                "performance_all": scores,
                "lcp_ms_median": round(statistics.median(lcp)),
                "tbt_ms_median": round(statistics.median(tbt)),
                "main_thread_ms_median": {g: round(statistics.median(t.get(g, 0) for t in threads)) for g in groups},
                "load_average": [round(load, 2) for load in loads],
            })
            print(f"  {page}: performance {statistics.median(scores):.2f} (runs {scores}), "
                  f"TBT {statistics.median(tbt):.0f} ms, load {min(loads):.1f}-{max(loads):.1f}", file=sys.stderr)
    return rows
