"""tools/sources-check: read the sources of data/sources.yml again; which changed, moved or vanished?

Each address is fetched once (in parallel, `--timeout` seconds each). Its fingerprint is the sha256
of the page's main text: scripts, styles, navigation, header and footer left out; <main>, else
<article>, else <body>; whitespace normalised. An entry with an address per language ({en, fr})
gets the sha256 of its two fingerprints, in language order. The provider's own "updated" date is
read when the page shows one (`provider_updated`). Exit status: 0 nothing to do; 1 a page needs
re-reading (changed, moved, vanished, no fingerprint yet); 2 a source could not be reached or the
input is wrong (2 wins). It never edits the site; --accept edits the sources file's lines in place
(comments and layout kept; the YAML is never dumped again). guide/sources.md.
"""

from __future__ import annotations

import argparse
import concurrent.futures
import datetime
import hashlib
import json
import os
import re
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any, NoReturn

import yaml

from artelabs import cli, datafile

ROOT = Path(__file__).resolve().parent.parent  # tools/sources-check passes its own project's root
PROG = "tools/sources-check"
AGENT = "artelabs-sources-check/1 (+https://support.artelabs.ch; staff re-reading the site's sources)"
MAX_BYTES = 8_000_000
SKIPPED = {"script", "style", "noscript", "template", "nav", "header", "footer", "svg", "iframe"}
CONTAINERS = ("main", "article", "body")

class _MainText(HTMLParser):
    """The text inside <main>, <article> and <body>, without SKIPPED (but a <header> or <footer> inside
    <main> or <article> is the text's own: its title, its date); the date of a modified-time meta tag."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.depth = dict.fromkeys((*SKIPPED, *CONTAINERS), 0)
        self.kept: list[bool] = []  # each open <header> or <footer>: inside <main> or <article>?
        self.parts: dict[str, list[str]] = {name: [] for name in (*CONTAINERS, "all")}
        self.modified: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "meta":
            values = dict(attrs)
            if (values.get("property") or values.get("itemprop") or values.get("name")) in ("article:modified_time", "dateModified"):
                self.modified = self.modified or values.get("content")
            return
        if tag in ("header", "footer"):
            self.kept.append(bool(self.depth["main"] or self.depth["article"]))
        if tag in self.depth and not (tag in ("header", "footer") and self.kept[-1]):
            self.depth[tag] += 1
        self._add(" ")  # tags separate words: <p>a</p><p>b</p> reads "a b"

    def handle_endtag(self, tag: str) -> None:
        kept = tag in ("header", "footer") and bool(self.kept) and self.kept.pop()
        if tag in self.depth and self.depth[tag] and not kept:
            self.depth[tag] -= 1
        self._add(" ")

    def handle_data(self, data: str) -> None:
        self._add(data)

    def _add(self, text: str) -> None:
        if not any(self.depth[name] for name in SKIPPED):
            for name in (*CONTAINERS, "all"):
                if name == "all" or self.depth[name]:
                    self.parts[name].append(text)

    def text(self) -> str:
        texts = (" ".join("".join(self.parts[name]).split()) for name in (*CONTAINERS, "all"))
        return next((text for text in texts if text), "")


def main_text(html: str) -> tuple[str, str | None]:
    """The page's main text, whitespace normalised, and the date of a modified-time meta tag if any."""
    parser = _MainText()
    try:
        parser.feed(html)
        parser.close()
    except (AssertionError, ValueError):  # markup html.parser gives up on: what was read so far
        pass
    return parser.text(), parser.modified


def fingerprint(text: str) -> str:
    return "sha256:" + hashlib.sha256(text.encode("utf-8")).hexdigest()


# Infomaniak's FAQ pages write the date of their last update under the title, in the page's language:
# English "Update 05/11/2026" (month/day/year: FAQ 2351, which says 11 May 2026; FAQ 468 "Update
# 02/24/2026"), French "Mise à jour 11/05/2026" (day/month/year, as French writes dates).
UPDATED = (
    (re.compile(r"\bUpdated?\s*:?\s*(\d{1,2})/(\d{1,2})/(\d{4})\b"), ("month", "day", "year")),
    (re.compile(r"\bMise à jour\s*(?:du|le)?\s*:?\s*(\d{1,2})[/.](\d{1,2})[/.](\d{4})\b", re.IGNORECASE), ("day", "month", "year")),
)


def provider_updated(text: str, modified: str | None = None) -> str | None:
    """The provider's own "updated" date, YYYY-MM-DD, from the page's main text, else from its
    article:modified_time / dateModified meta tag; None when the page shows none (or an impossible date)."""
    for pattern, order in UPDATED:
        match = pattern.search(text)
        if match:
            parts = dict(zip(order, map(int, match.groups())))
            try:
                return datetime.date(parts["year"], parts["month"], parts["day"]).isoformat()
            except ValueError:
                return None
    try:
        return datetime.date.fromisoformat(modified[:10]).isoformat() if modified else None
    except ValueError:
        return None


@dataclass
class Fetched:
    url: str
    state: str  # ok, moved, vanished, unreachable
    detail: str = ""
    fingerprint: str = ""
    updated: str | None = None


def fetch(url: str, timeout: float) -> Fetched:
    """GET the address (redirects followed, recorded); never raises."""
    address = url.split("#", 1)[0]
    request = urllib.request.Request(address, headers={"User-Agent": AGENT, "Accept": "text/html,*/*;q=0.5"})
    start = time.monotonic()
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            chunks, size = [], 0
            while chunk := response.read(65536):
                chunks.append(chunk)
                size += len(chunk)
                if time.monotonic() - start > timeout:
                    return Fetched(url, "unreachable", detail=f"timed out after {timeout:g} s")
                if size > MAX_BYTES:
                    return Fetched(url, "unreachable", detail=f"more than {MAX_BYTES // 1_000_000} MB")
            body, final = b"".join(chunks), response.geturl()
            kind, charset = response.headers.get_content_type(), response.headers.get_content_charset()
    except urllib.error.HTTPError as error:  # after the redirects, if any
        return Fetched(url, "vanished" if error.code in (404, 410) else "unreachable", detail=f"HTTP {error.code}")
    except Exception as error:  # noqa: BLE001 (network, TLS, HTTP protocol: one line for this address, never a traceback)
        reason = getattr(error, "reason", error)
        detail = f"timed out after {timeout:g} s" if "timed out" in str(reason) else re.sub(r"^\[Errno -?\d+\] ", "", str(reason))
        return Fetched(url, "unreachable", detail=detail)
    if not charset:
        declared = re.search(rb"<meta[^>]+charset=[\"']?([\w-]+)", body[:4096], re.IGNORECASE)
        charset = declared.group(1).decode("ascii") if declared else "utf-8"
    try:
        page = body.decode(charset, errors="replace")
    except LookupError:  # a charset Python does not know
        page = body.decode("utf-8", errors="replace")
    text, modified = main_text(page) if "html" in kind else (" ".join(page.split()), None)
    digest = fingerprint(text) if "html" in kind or kind.startswith("text/") else "sha256:" + hashlib.sha256(body).hexdigest()
    result = Fetched(url, "ok", fingerprint=digest, updated=provider_updated(text, modified))
    if final.rstrip("/") != address.rstrip("/"):
        result.state, result.detail = "moved", f"now redirects to {final}"
    return result


def fetch_all(urls: list[str], timeout: float, progress: bool) -> dict[str, Fetched]:
    results: dict[str, Fetched] = {}
    pool = concurrent.futures.ThreadPoolExecutor(max_workers=min(8, len(urls) or 1))
    try:  # not `with`: after Ctrl-C, do not wait for the addresses still loading
        futures = [pool.submit(fetch, url, timeout) for url in urls]
        for future in concurrent.futures.as_completed(futures):
            item = future.result()
            results[item.url] = item
            if progress:
                print(f"\rsources-check: {len(results)}/{len(urls)} fetched", end="", file=sys.stderr, flush=True)
    finally:
        pool.shutdown(wait=False, cancel_futures=True)
    if progress:
        print("\r\033[K", end="", file=sys.stderr, flush=True)
    return results


@dataclass
class Source:
    """One source (its address, or its address per language) and every entry that cites it."""

    urls: tuple[str, ...]
    title: str
    entries: list[tuple[Any, int, Any]] = field(default_factory=list)  # (page, index in its list, YAML node)

    @property
    def label(self) -> str:
        number = re.match(r"https://(?:www\.)?infomaniak\.com/[a-z]{2}/[^/]+/faq/(\d+)(?:[/?#]|\Z)", self.urls[0])
        return f"FAQ {number.group(1)}" if number else self.title


def read_sources(path: Path, name: str, *, local: bool, root: Path = ROOT) -> tuple[datafile.Document, list[Source]]:
    document = datafile.Document(path, name)
    datafile.check_text(document, document.data)
    datafile.check_sources(document, root / "data" / "schemas" / "sources.schema.json", local=local)
    sources: dict[tuple[str, ...], Source] = {}
    for (page, entries), (_, nodes) in zip(document.data.items(), document.node.value):
        for index, (entry, node) in enumerate(zip(entries, nodes.value)):
            url = entry["url"]
            urls = tuple(url[lang] for lang in datafile.LANGUAGES) if isinstance(url, dict) else (url,)
            title = entry["title"]["en"] if isinstance(entry["title"], dict) else entry["title"]
            sources.setdefault(urls, Source(urls, title)).entries.append((page, index, node))
    return document, list(sources.values())


def assess(source: Source, document: datafile.Document, fetched: dict[str, Fetched]) -> dict[str, Any]:
    """What became of a source: unchanged, changed, new (no fingerprint yet), moved, vanished, unreachable."""
    entries = [document.data[page][index] for page, index, _ in source.entries]
    results = [fetched[url] for url in source.urls]
    pages = sorted({f"docs/{page}.md" for page, _, _ in source.entries})
    checked = min(str(entry["checked"]) for entry in entries)
    stored = sorted({str(entry["fingerprint"]) for entry in entries if "fingerprint" in entry})
    report = {
        "label": source.label, "title": source.title, "urls": list(source.urls), "pages": pages, "checked": checked,
        "stored": stored, "fingerprint": None, "updated": None, "detail": "",
    }
    for state in ("unreachable", "vanished", "moved"):
        bad = [r for r in results if r.state == state]
        if bad:
            report.update(status=state, detail="; ".join(f"{r.url}: {r.detail}" for r in bad))
            return report
    combined = results[0].fingerprint if len(results) == 1 else fingerprint("\n".join(r.fingerprint for r in results))
    dates = [r.updated for r in results if r.updated]
    report.update(fingerprint=combined, updated=max(dates) if dates else None)
    if any(s != combined for s in stored):
        report["status"] = "changed"
    elif len(stored) == 0 or any("fingerprint" not in entry for entry in entries):
        report["status"] = "new"
    else:
        report["status"] = "unchanged"
    return report


LINES = {
    "changed": "{label} changed ({dates})",
    "new": "{label}: no fingerprint yet: run --accept after reading it ({dates})",
    "moved": "{label} moved ({detail}): re-read it there and write the new address",
    "vanished": "{label} vanished ({detail}): find another source",
    "unreachable": "{label} could not be reached ({detail})",
}


def line(report: dict[str, Any]) -> str:
    dates = (f"provider updated {report['updated']}; " if report["updated"] else "") + f"we read {report['checked']}"
    return ", ".join(report["pages"]) + ": " + LINES[report["status"]].format(dates=dates, **report)


STATUS_EXIT = {"unchanged": 0, "changed": 1, "new": 1, "moved": 1, "vanished": 1, "unreachable": 2}


def accept_edits(document: datafile.Document, source: Source, values: dict[str, str]) -> list[tuple[int, int, str]]:
    """(start, end, text) replacements of the sources file's text that write `values` into every entry of
    the source: an existing key's value replaced where it stands, a missing key on a new line after
    `checked` (or `updated`), at the entry's own indentation."""
    starts = [0]  # the offset of each line's start (YAML's lines: "\n"-separated)
    for text_line in document.text.split("\n")[:-1]:
        starts.append(starts[-1] + len(text_line) + 1)
    offset = lambda mark: starts[mark.line] + mark.column
    edits: list[tuple[int, int, str]] = []
    for page, index, node in source.entries:
        keys = {key.value: (key, value) for key, value in node.value}
        if node.flow_style or "checked" not in keys:  # {title: …, url: …} on one line, or keys merged from elsewhere
            raise datafile.DataError(f"{document.name}:{node.start_mark.line + 1}: {page}[{index}]: write this entry one key a line, so that --accept can edit it")
        indent = keys["checked"][0].start_mark.column
        after = keys["updated"][1] if "updated" in keys else keys["checked"][1]
        at = starts[after.end_mark.line + 1] if after.end_mark.line + 1 < len(starts) else len(document.text)
        new_lines = ""
        for key in ("checked", "updated", "fingerprint"):
            if key in values and key in keys:
                edits.append((offset(keys[key][1].start_mark), offset(keys[key][1].end_mark), values[key]))
            elif key in values:
                new_lines += f"{' ' * indent}{key}: {values[key]}\n"
        if new_lines:
            if at == len(document.text) and not document.text.endswith("\n"):
                new_lines = "\n" + new_lines
            edits.append((at, at, new_lines))
    return edits


_Parser = cli.parser_class("sources-check")


def fail(message: str) -> NoReturn:
    cli.fail("sources-check", message)


def _seconds(value: str) -> float:
    if not re.fullmatch(r"\d{1,3}(\.\d+)?", value) or not 0 < float(value) <= 600:
        raise argparse.ArgumentTypeError(f"{value!r} is not a number of seconds from 0.1 to 600")
    return float(value)


def run(argv: list[str] | None = None, root: Path = ROOT) -> int:
    parser = _Parser(prog=PROG, description="Fetch every source of data/sources.yml and say which pages need re-reading.")
    parser.add_argument("--sources", type=Path, metavar="FILE", help="another file of data/sources.yml's format")
    parser.add_argument("--timeout", type=_seconds, default=20.0, metavar="SECONDS", help="per address (default 20)")
    parser.add_argument("--accept", nargs="*", metavar="URL", help="record the fingerprint and dates of these sources (none: every source) once re-read")
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    args = parser.parse_args(argv)

    path = args.sources or root / "data" / "sources.yml"
    name = str(args.sources) if args.sources else "data/sources.yml"
    if args.sources and (problem := cli.path_problem("--sources", path, "a file of data/sources.yml's format")):
        fail(problem)
    local = path.resolve() != (root / "data" / "sources.yml").resolve()  # data/sources.yml itself: https only
    try:
        document, sources = read_sources(path, name, local=local, root=root)
    except datafile.DataError as error:
        fail(str(error))
    if args.accept:
        known = {url: s for s in sources for url in s.urls} | {url.split("#", 1)[0]: s for s in sources for url in s.urls}
        unknown = [url for url in args.accept if url not in known]
        if unknown:
            fail(f"--accept {unknown[0]}: not an address of {name}, expected one written there (or --accept alone for every source)")
        chosen = list({id(known[url]): known[url] for url in args.accept}.values())
    else:
        chosen = sources
    urls = list(dict.fromkeys(url for s in chosen for url in s.urls))
    fetched = fetch_all(urls, args.timeout, progress=sys.stderr.isatty() and not args.json)
    reports = [assess(s, document, fetched) for s in chosen]

    if args.accept is not None:
        return _accept(path, name, local, document, chosen, reports, args.json)
    status = max((STATUS_EXIT[r["status"]] for r in reports), default=0)
    # What the servers sent (a redirect's address, an error's words) is shown, never obeyed by the terminal.
    if args.json:
        print(cli.visible_json(json.dumps({"file": name, "exit": status, "sources": reports}, ensure_ascii=False, indent=1)))
    else:
        for report in reports:
            if report["status"] != "unchanged":
                print(cli.visible(line(report)))
    counts = {s: sum(r["status"] == s for r in reports) for s in STATUS_EXIT}
    counted = ", ".join(f"{n} {s}" for s, n in counts.items() if n)
    print(f"sources-check: {len(reports)} source{'s' * (len(reports) != 1)}: {counted or 'none'}", file=sys.stderr)
    return status


def _accept(path: Path, name: str, local: bool, document: datafile.Document, chosen: list[Source], reports: list[dict[str, Any]], as_json: bool) -> int:
    today, edits, status, done = datetime.date.today().isoformat(), [], 0, []
    for source, report in zip(chosen, reports):
        if report["fingerprint"] is None:  # moved, vanished, unreachable: nothing to accept
            status = max(status, STATUS_EXIT[report["status"]])
            print(cli.visible(f"sources-check: not accepted: {line(report)}"), file=sys.stderr)
            continue
        values = {"checked": today, "fingerprint": report["fingerprint"]}
        if report["updated"]:
            values["updated"] = report["updated"]
        try:
            edits += accept_edits(document, source, values)
        except datafile.DataError as error:
            fail(str(error))
        done.append({**report, "checked": today, "status": "accepted"})
    if edits:
        text = document.text
        for start, end, replacement in sorted(edits, reverse=True):  # from the end: the offsets stay right
            text = text[:start] + replacement + text[end:]
        temporary = path.with_name(f".{path.name}.{os.getpid()}")
        try:
            temporary.write_text(text, encoding="utf-8", newline="")
            temporary.chmod(path.stat().st_mode)
            datafile.check_sources(datafile.Document(temporary, name), local=local)  # what is written reads back
            temporary.replace(path)
        except (OSError, datafile.DataError, yaml.YAMLError) as error:
            temporary.unlink(missing_ok=True)
            fail(f"{name}: not written ({error}), expected a file that can be written")
    if as_json:
        print(cli.visible_json(json.dumps({"file": name, "exit": status, "accepted": done}, ensure_ascii=False, indent=1)))
    else:
        for report in done:
            updated = f", updated {report['updated']}" if report["updated"] else ""
            print(cli.visible(f"{', '.join(report['pages'])}: {report['label']} accepted (checked {report['checked']}{updated})"))
    return status


def main(argv: list[str] | None = None, root: Path = ROOT) -> int:
    """run(), with one line and no traceback for Ctrl-C and a closed standard output."""
    try:
        status = run(argv, root)
        sys.stdout.flush()
        return status
    except KeyboardInterrupt:
        print("\nsources-check: interrupted, nothing written", file=sys.stderr, flush=True)
        os._exit(130)  # the fetching threads may still wait on the network: do not wait for them
    except BrokenPipeError:
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # Python would complain at exit otherwise
        return 1
