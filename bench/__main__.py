"""python -m bench: build times (median of N runs) and download weights; a table and bench-report.json."""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import tempfile
from pathlib import Path
from typing import Any

from bench import FIRST_LOAD_BUDGET, FIRST_LOAD_WITH_SEARCH_BUDGET, SEARCH_INDEX_BUDGET, SEARCH_OPEN_BUDGET
from bench.plain import plain_config
from bench.timing import ROOT, Run, run_build
from bench.weight import first_load, pages, pdfs, search_indexes

PORTS_HOOK = "hooks/markers.py"  # the markers (ports and the rest) are filled by this hook's extension
PDF_HOOK = "hooks/pdf.py"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--runs", type=int, default=5, help="builds of each kind (plain, HTML, full), the median is kept (default 5)")
    parser.add_argument("--site", type=Path, help="measure the weights of this built site only, no build")
    parser.add_argument("--json", type=Path, default=ROOT / "bench-report.json", help="report (bench-report.json)")
    parser.add_argument("--lighthouse", type=int, default=0, metavar="RUNS",
                        help="also Lighthouse performance, RUNS runs per page (median; e.g. 5)")
    parser.add_argument("--pages", default="", metavar="PATHS",
                        help="Lighthouse's pages: 'all', or paths separated by commas (default: the heaviest of each kind)")
    parser.add_argument("--baseline", type=Path, metavar="DIR",
                        help="also time the HTML build of another copy of the project in the same rounds "
                             "(e.g. git archive REV | tar -x -C DIR; set SOURCE_DATE_EPOCH and ARTELABS_VERSION)")
    parser.add_argument("--announcements", action="store_true",
                        help="only the HTML build with 100, 1,000 and 2,500 generated announcements and with none "
                             "(bench/announcements.py): its time must grow linearly; with --baseline DIR, that copy's too")
    parser.add_argument("--serve", type=int, default=0, metavar="EDITS",
                        help="also time `mkdocs serve`: a saved page until Chromium shows it, the project's against "
                             "the plain configuration's, EDITS edits of each kind, alternated (bench/serve.py; e.g. 6)")
    args = parser.parse_args(argv)
    if args.announcements:
        from bench import announcements

        results = [announcements.measure(args.runs)]
        if args.baseline is not None:
            results.append(announcements.measure(args.runs, project=args.baseline.resolve()))
        for result in results:
            announcements.report(result)
        args.json.write_text(json.dumps({"announcements": results}, indent=2) + "\n", encoding="utf-8")
        print(f"\nreport: {args.json}")
        return 0

    machine = f"{platform.machine()}, {os.cpu_count()} CPU, Python {platform.python_version()}"
    report: dict[str, Any] = {"machine": machine}
    with tempfile.TemporaryDirectory(prefix="bench-") as tmp:
        site = args.site
        if site is None:
            report["build"] = _time_builds(Path(tmp), args.runs, args.baseline)
            site = Path(tmp) / "full"
        report["weights"] = _weights(site)
        if args.lighthouse:
            from bench.lighthouse import PAGES, audit, every_page

            chosen = every_page(site) if args.pages == "all" else [p for p in args.pages.split(",") if p] or PAGES
            report["lighthouse"] = audit(site, chosen, args.lighthouse)
        if args.serve:
            from bench.serve import measure

            report["serve"] = measure(Path(tmp) / "serve", args.serve)
        _print(report)
    args.json.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    print(f"\nreport: {args.json}")
    over = [p["url"] for p in report["weights"]["pages"] if not p["within_budget"]]
    over += [i["path"] for i in report["weights"]["search_indexes"] if not i["within_budget"]]
    if over:
        print(f"over budget: {', '.join(over)}", file=sys.stderr)
    return 1 if over else 0


def _time_builds(tmp: Path, runs: int, baseline: Path | None = None) -> dict[str, Any]:
    """Plain Material + i18n (bench/plain.py), the project's HTML build and its full build on a warm PDF cache,
    in one run, alternated (the order turns each round, so that a busy moment hits every kind alike)."""
    plain_file = plain_config(tmp / "plain-config")
    print("warm-up: one full build, not counted (fills the PDF cache, .cache/artelabs/pdf/)", file=sys.stderr, flush=True)
    run_build(tmp / "full", pdf=True)
    kinds = {
        "plain": lambda: run_build(tmp / "plain", pdf=False, config_file=plain_file, plain=True),
        "html": lambda: run_build(tmp / "html", pdf=False),
        "full": lambda: run_build(tmp / "full", pdf=True),
    }
    if baseline is not None:
        baseline = baseline.resolve()
        kinds["baseline"] = lambda: run_build(tmp / "baseline", pdf=False, config_file=baseline / "mkdocs.yml", project=baseline)
        kinds["baseline"]()  # its first build warms its caches up, not counted
    done: dict[str, list[Run]] = {kind: [] for kind in kinds}
    order = list(kinds)
    for i in range(runs):
        turn = order[i % len(order):] + order[: i % len(order)]
        print(f"round {i + 1}/{runs}: {', '.join(turn)}", file=sys.stderr, flush=True)
        for kind in turn:
            done[kind].append(kinds[kind]())
    full, html, plain = done["full"], done["html"], done["plain"]
    full_s = statistics.median(r.wall for r in full)
    html_s = statistics.median(r.wall for r in html)
    plain_s = statistics.median(r.wall for r in plain)
    in_process = statistics.median(r.build for r in full)
    hooks = sorted({name for r in full for name in r.hooks})
    hook_s = {name: statistics.median(r.hooks.get(name, 0.0) for r in full) for name in hooks}
    html_hooks = {name: statistics.median(r.hooks.get(name, 0.0) for r in html) for name in sorted({n for r in html for n in r.hooks})}
    names = sorted({name for r in html + plain for name in r.parts})
    parts = {
        name: {kind: statistics.median(r.parts.get(name, 0.0) for r in done[kind]) for kind in ("html", "plain")}
        for name in names
    }
    loads = [r.load for r in full + html + plain]
    cpu = {kind: statistics.median(r.cpu for r in done[kind]) for kind in kinds}
    extra: dict[str, Any] = {}
    if baseline is not None:
        extra = {
            "baseline": str(baseline),
            "baseline_html_s": statistics.median(r.wall for r in done["baseline"]),
            "baseline_vs_plain": statistics.median(r.wall for r in done["baseline"]) / plain_s,
            "baseline_vs_plain_cpu": cpu["baseline"] / cpu["plain"],
        }
    return {
        **extra,
        "runs": runs,
        "plain_s": plain_s,
        "full_s": full_s,
        "html_only_s": html_s,
        "html_vs_plain": html_s / plain_s,
        "full_vs_plain": full_s / plain_s,
        "cpu_s": cpu,
        "html_vs_plain_cpu": cpu["html"] / cpu["plain"],
        "full_vs_plain_cpu": cpu["full"] / cpu["plain"],
        "pdf_step_s": full_s - html_s,
        "pdf_step_share": (full_s - html_s) / full_s,
        "in_process_build_s": in_process,
        "in_process_html_s": statistics.median(r.build for r in html),
        "in_process_plain_s": statistics.median(r.build for r in plain),
        "hooks_s": hook_s,
        "hooks_share": {name: seconds / in_process for name, seconds in hook_s.items()},
        "html_hooks_s": html_hooks,
        "parts_s": parts,
        "port_hook_share": hook_s.get(PORTS_HOOK, 0.0) / in_process,
        "pdf_hook_share": hook_s.get(PDF_HOOK, 0.0) / in_process,
        "load_average": {"min": min(loads), "max": max(loads), "median": statistics.median(loads)},
        "all_runs": {kind: [round(r.wall, 3) for r in done[kind]] for kind in kinds},
        "all_loads": {kind: [round(r.load, 2) for r in done[kind]] for kind in kinds},
        "all_cpu": {kind: [round(r.cpu, 3) for r in done[kind]] for kind in kinds},
    }


def _weights(site: Path) -> dict[str, Any]:
    loads = sorted((first_load(site, page) for page in pages(site)), key=lambda load: (_lang(load.url), load.url))
    return {
        "pages": [
            {
                "url": load.url,
                "bytes_gzip": load.bytes,
                "page_bytes_gzip": load.page_bytes,
                "requests": load.requests,
                "search_bytes_gzip": load.search_bytes,
                "search_at_load": load.search_at_load,
                "with_search_bytes_gzip": load.with_search_bytes,
                "search_files": load.search,
                "within_budget": load.page_bytes <= FIRST_LOAD_BUDGET and load.bytes <= FIRST_LOAD_WITH_SEARCH_BUDGET
                and load.search_bytes <= SEARCH_OPEN_BUDGET,
                "files": load.files,
                "missing": load.missing,
            }
            for load in loads
        ],
        "first_load_budget": FIRST_LOAD_BUDGET,
        "first_load_with_search_budget": FIRST_LOAD_WITH_SEARCH_BUDGET,
        "search_open_budget": SEARCH_OPEN_BUDGET,
        "pdfs": [{"path": path, "bytes": size} for path, size in pdfs(site).items()],
        "search_indexes": [
            {"path": path, "bytes": raw, "bytes_gzip": gz, "within_budget": gz <= SEARCH_INDEX_BUDGET}
            for path, (raw, gz) in search_indexes(site).items()
        ],
        "search_index_budget": SEARCH_INDEX_BUDGET,
    }


def _lang(url: str) -> str:
    """The language prefix of a URL ("fr"), or "" for the default language."""
    first = url.strip("/").split("/")[0]
    return first if len(first) == 2 else ""


def _print(report: dict[str, Any]) -> None:
    build = report.get("build")
    if build:
        load = build["load_average"]
        print(f"\nBuild, median of {build['runs']} runs of each kind, alternated ({report['machine']}; "
              f"load average {load['min']:.1f}-{load['max']:.1f}, median {load['median']:.1f})")
        cpu = build["cpu_s"]
        rows = [
            ("plain Material + i18n, same pages (bench/plain.py)", f"{build['plain_s']:.2f} s", f"CPU {cpu['plain']:.2f} s"),
            ("HTML-only build (ARTELABS_PDF=0)", f"{build['html_only_s']:.2f} s",
             f"{build['html_vs_plain']:.2f} x plain; CPU {cpu['html']:.2f} s, {build['html_vs_plain_cpu']:.2f} x"),
            ("full build, PDFs from a warm cache", f"{build['full_s']:.2f} s",
             f"{build['full_vs_plain']:.2f} x plain; CPU {cpu['full']:.2f} s, {build['full_vs_plain_cpu']:.2f} x"),
            (
                "PDF step (full - HTML only)",
                f"{build['pdf_step_s']:.2f} s",
                f"{build['pdf_step_share']:.0%} of the full build",
            ),
        ]
        for name, seconds in build["hooks_s"].items():
            share = f"{build['hooks_share'][name]:.1%} of the build"
            rows.append((f"  {name} (its events)", f"{seconds:.3f} s", share))
        _table(("", "time", "share"), rows)
        print(f"\nWhere the time goes, HTML build against plain (median seconds in the process: "
              f"{build['in_process_html_s']:.2f} against {build['in_process_plain_s']:.2f})")
        rows = [(name, f"{seconds:.3f}", "") for name, seconds in build["html_hooks_s"].items()]
        rows += [(name, f"{v['html']:.3f}", f"{v['plain']:.3f}") for name, v in build["parts_s"].items()]
        _table(("", "HTML build s", "plain s"), rows)
        if "baseline" in build:
            print(f"\nbaseline's HTML build ({build['baseline']}): {build['baseline_html_s']:.2f} s, "
                  f"{build['baseline_vs_plain']:.2f} x plain (CPU time: {build['baseline_vs_plain_cpu']:.2f} x)")
        print(f"\nHTML build: {build['html_vs_plain']:.2f} x plain (CPU time: {build['html_vs_plain_cpu']:.2f} x)")
        print(f"full build with PDFs: {build['full_vs_plain']:.2f} x plain (CPU time: {build['full_vs_plain_cpu']:.2f} x)")
    if report.get("serve"):
        from bench.serve import print_report

        print_report(report["serve"])
    weights = report["weights"]
    at_load = any(p["search_at_load"] for p in weights["pages"])
    print(
        f"\nFirst load of each page, empty cache (gzip; budgets {weights['first_load_budget'] / 1000:.0f} KB "
        f"without search, {weights['first_load_with_search_budget'] / 1000:.0f} KB for all that loads at start); "
        + ("Material starts the search at load" if at_load else "the search downloads its files when it opens")
    )
    _table(
        ("page", "KB", "KB at load", "requests", "search KB", "KB once searched", ""),
        [
            (
                p["url"],
                f"{p['page_bytes_gzip'] / 1000:.1f}",
                f"{p['bytes_gzip'] / 1000:.1f}",
                str(p["requests"]),
                f"{p['search_bytes_gzip'] / 1000:.1f}" + (" at load" if p["search_at_load"] else " on open"),
                f"{p['with_search_bytes_gzip'] / 1000:.1f}",
                "" if p["within_budget"] else "OVER",
            )
            for p in weights["pages"]
        ],
    )
    if report.get("lighthouse"):
        _print_lighthouse(report["lighthouse"])
    print("\nPDFs")
    _table(("file", "KB"), [(p["path"], f"{p['bytes'] / 1000:.1f}") for p in weights["pdfs"]])
    print(f"\nSearch index per language (budget {weights['search_index_budget'] / 1000:.0f} KB gzip)")
    _table(
        ("file", "KB", "KB gzip", ""),
        [
            (
                i["path"],
                f"{i['bytes'] / 1000:.1f}",
                f"{i['bytes_gzip'] / 1000:.1f}",
                "" if i["within_budget"] else "OVER",
            )
            for i in weights["search_indexes"]
        ],
    )


def _print_lighthouse(rows: list[dict[str, Any]]) -> None:
    print(f"\nLighthouse performance (mobile, median of {rows[0]['runs']} runs; load average beside)")
    _table(
        ("page", "perf", "LCP ms", "TBT ms", "main thread: script / style+layout / parse ms", "load"),
        [
            (
                r["page"], f"{r['performance_median']:.2f}", str(r["lcp_ms_median"]), str(r["tbt_ms_median"]),
                " / ".join(str(r["main_thread_ms_median"].get(k, 0)) for k in
                           ("Script Evaluation", "Style & Layout", "Parse HTML & CSS")),
                f"{min(r['load_average']):.1f}-{max(r['load_average']):.1f}",
            )
            for r in rows
        ],
    )


def _table(header: tuple[str, ...], rows: list[tuple[str, ...]]) -> None:
    widths = [max(len(str(c)) for c in column) for column in zip(header, *rows)]
    for n, row in enumerate([header, *rows]):
        print("  ".join(c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(row, widths))).rstrip())
        if n == 0:
            print("  ".join("-" * w for w in widths))


if __name__ == "__main__":
    raise SystemExit(main())
