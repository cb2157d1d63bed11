"""tools/sources-check: the sources fetched again, on a local server (no test reaches the internet).

Fixture pages are served by http.server in a thread on a free port of 127.0.0.1, started and
stopped by the `served` fixture; the real command runs as a subprocess on a temporary sources file.
"""

from __future__ import annotations

import datetime
import http.server
import json
import os
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import ROOT

from artelabs import datafile
from artelabs import sources_check as sc

TOOL = ROOT / "tools" / "sources-check"
TIMEOUT = 4  # seconds: long enough for a loaded machine to answer the quick pages, the slow one never answers in time

PAGE = """<!doctype html><html lang="{lang}"><head><meta charset="utf-8"><title>{title}</title>
<style>body {{ color: red }}</style><script>var tracking = "{noise}";</script></head>
<body><header>Site header {noise}</header><nav><a href="/">Home</a> {noise}</nav>
<main><h1>{title}</h1>{date}<p>{text}</p>
<table><tr><th>Port</th><td>993</td></tr></table></main>
<footer>Footer {noise}</footer></body></html>"""


def page(text: str, *, title: str = "Change the password", date: str = "", noise: str = "one", lang: str = "en") -> str:
    return PAGE.format(text=text, title=title, date=date, noise=noise, lang=lang)


SAME = page("Click on Modify, then Save.")
CHANGED = page("Click on Edit, then Save.")
DATED = page("Use port 993.", date="<p class='date'>Update 06/16/2026</p>")
FR_DATED = page("Utilisez le port 993.", date="<p>Mise à jour 16/06/2026</p>", lang="fr")
ROUTES = {"/faq/1321/same": SAME, "/changed": CHANGED, "/faq/2351/dated": DATED, "/fr/dated": FR_DATED, "/new": SAME}
ROUTES["/target"] = SAME


def print_of(html: str) -> str:
    return sc.fingerprint(sc.main_text(html)[0])


# --- what a page says -----------------------------------------------------------------------------


def test_the_main_text_leaves_out_scripts_styles_navigation_header_and_footer() -> None:
    text, _ = sc.main_text(SAME)
    assert text == "Change the password Click on Modify, then Save. Port 993"
    # Only what is around the main text changed: same fingerprint.
    assert print_of(page("Click on Modify, then Save.", noise="two")) == print_of(SAME)
    assert print_of(CHANGED) != print_of(SAME)


def test_the_main_text_prefers_main_then_article_then_body() -> None:
    assert sc.main_text("<body><p>around</p><article><p>the  text</p></article></body>")[0] == "the text"
    assert sc.main_text("<body><p>a</p><p>b</p><footer>c</footer></body>")[0] == "a b"
    assert sc.main_text("<body><article>x</article><main>y</main></body>")[0] == "y"
    # A header inside the article is the text's own (an FAQ's title and date); the page's header is not.
    html = "<header>Menu</header><main><header><h1>T</h1><p>Update 06/16/2026</p></header><p>x</p></main><footer>f</footer>"
    assert sc.main_text(html)[0] == "T Update 06/16/2026 x"


@pytest.mark.parametrize(
    ("html", "expected"),
    [
        (DATED, "2026-06-16"),  # English: month/day/year (FAQ 2351 shows "Update 05/11/2026" for 11 May 2026)
        (page("x", date="<div>Update 05/11/2026</div>"), "2026-05-11"),
        (FR_DATED, "2026-06-16"),  # French: day/month/year
        (page("x", date="<p>Mise à jour 02/03/2026</p>", lang="fr"), "2026-03-02"),
        (page("x", date="<p>Update 13/13/2026</p>"), None),  # no such date
        (SAME, None),
        ('<head><meta property="article:modified_time" content="2026-04-14T08:00:00+00:00"></head><body>x</body>', "2026-04-14"),
    ],
)
def test_the_providers_own_update_date(html: str, expected: str | None) -> None:
    assert sc.provider_updated(*sc.main_text(html)) == expected


@pytest.mark.parametrize(
    ("url", "label"),
    [
        ("https://www.infomaniak.com/en/support/faq/1321/change-the-password-of-an-address-on-the-mail-service", "FAQ 1321"),
        ("https://infomaniak.com/de/support/faq/841/dkim-eintrage-verwalten", "FAQ 841"),
        ("https://www.infomaniak.com/en/support/faq/admin2/webmail?i=3", "the title"),
        ("https://www.rfc-editor.org/rfc/rfc8314", "the title"),
        ("https://example.org/infomaniak.com/en/support/faq/1321/x", "the title"),
    ],
)
def test_a_source_is_named_faq_nnnn_or_by_its_title(url: str, label: str) -> None:
    assert sc.Source((url,), "the title").label == label


def test_the_data_check_still_requires_https_in_data_sources_yml(tmp_path: Path) -> None:
    path = tmp_path / "sources.yml"
    path.write_text("index:\n  - title: T\n    url: http://127.0.0.1:8000/x\n    checked: 2026-11-30\n", encoding="utf-8")
    document = datafile.Document(path, "data/sources.yml")
    with pytest.raises(datafile.DataError, match=r"data/sources.yml:3: .*expected an address starting with https://"):
        datafile.check_sources(document)
    datafile.check_sources(document, local=True)


@pytest.mark.parametrize(
    ("url", "why"),
    [
        ("https://infomaniak.com/en/support/faq/admin2/email-service?i=8", "a listing page"),
        ("https://www.infomaniak.com/fr/support/faq/admin2/service-mail", "a listing page"),
        ("https://www.infomaniak.com/en/support/faq/admin2/ksuite?page=4", "a listing page"),
        ("https://www.infomaniak.com/en/support/faq/search?page=3&q=dns", "a search page"),
        ("https://www.infomaniak.com/pt/suporte/faq/admin2/administration-console?page=6", "a listing page"),
        ("https://www.infomaniak.com/en/support/faq/1203/restore?i=3", "a positional page (?i=)"),
        ("https://help.example.org/search?q=imap", "a search page"),
        ("https://help.example.org/articles?page=2", "a listing page (?page=)"),
        # pages of their own, whatever their slug, language or fragment
        ("https://www.infomaniak.com/en/support/faq/1203/ripristinare-un-account-email", None),
        ("https://www.infomaniak.com/pt/suporte/faq/2339/show-infomaniak-account-activity", None),
        ("https://eur-lex.europa.eu/legal-content/FR/TXT/HTML/?uri=CELEX:32016R0679#art_28", None),
        ("https://www.rfc-editor.org/rfc/rfc2045#section-6.8", None),
        ("https://example.org/infomaniak.com/en/support/faq/admin2/webmail", None),
    ],
)
def test_a_listing_search_or_positional_address_is_recognised(url: str, why: str | None) -> None:
    assert datafile.rules.listing(url) == why


def _sources_with(tmp_path: Path, url: str) -> Path:
    path = tmp_path / "sources.yml"
    path.write_text(
        "mail/limits:\n  - title: FAQ 2065\n    url: http://127.0.0.1:9/en/support/faq/2065/x\n    checked: 2026-12-06\n"
        f"  - title: Listing\n    url: {{en: \"{url}\", fr: \"http://127.0.0.1:9/fr/support/faq/2065/y\"}}\n    checked: 2026-12-06\n",
        encoding="utf-8",
    )
    return path


def test_sources_check_refuses_a_listing_address_with_one_line_before_fetching_anything(tmp_path: Path, capsys) -> None:
    # Port 9 of 127.0.0.1 (discard) answers nothing: were the address fetched, the line would say "could not
    # be reached"; it is refused first.
    listing = "http://127.0.0.1:9/en/support/faq/admin2/email-service?i=8"
    path = _sources_with(tmp_path, listing)
    with pytest.raises(SystemExit) as exit:
        sc.main(["--sources", str(path), "--timeout", "2"])
    out, err = capsys.readouterr()
    assert exit.value.code == 2 and out == ""
    assert err.splitlines() == [
        f"sources-check: {path}:6: mail/limits[entry 2].url.en: {listing} is a positional page (?i=), whose content "
        "changes, expected a numbered FAQ (https://www.infomaniak.com/en/support/faq/1203/…) or the vendor's own page"
    ]


def test_the_build_refuses_a_listing_address_in_data_sources_yml(tmp_path: Path) -> None:
    """The build reads data/sources.yml with datafile.load (artelabs.core); the project's own file passes,
    and the same file with one search page in it stops with the file, the line and the entry."""
    datafile.load(ROOT / "data" / "sources.yml", name="data/sources.yml")
    text = (ROOT / "data" / "sources.yml").read_text(encoding="utf-8")
    numbered = "https://www.infomaniak.com/en/support/faq/2199/manage-spf-records"
    assert text.count(numbered) == 1
    path = tmp_path / "sources.yml"
    path.write_text(text.replace(numbered, "https://www.infomaniak.com/en/support/faq/search?page=3&q=dns"), encoding="utf-8")
    line = text[: text.index(numbered)].count("\n") + 1
    with pytest.raises(datafile.DataError) as error:
        datafile.load(path, name="data/sources.yml", schema=ROOT / "data" / "schemas" / "sources.schema.json")
    assert str(error.value).startswith(f"data/sources.yml:{line}: mail/domain[entry ")
    assert "https://www.infomaniak.com/en/support/faq/search?page=3&q=dns is a search page" in str(error.value)


# --- the command on a local server ----------------------------------------------------------------


class _Handler(http.server.BaseHTTPRequestHandler):
    stop: threading.Event
    seen = threading.Event()  # a request for /slow has arrived

    def do_GET(self) -> None:
        if self.path == "/moved":
            self.send_response(301)
            self.send_header("Location", "/target")
            self.end_headers()
            return
        if self.path == "/slow":
            _Handler.seen.set()
            self.stop.wait(TIMEOUT * 10)  # beyond the timeout; cut short when the test ends
        body = ROUTES.get(self.path, "<h1>Not found</h1>" if self.path != "/slow" else SAME).encode()
        self.send_response(200 if self.path in ROUTES or self.path == "/slow" else 404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        try:
            self.wfile.write(body)
        except OSError:
            pass

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def served() -> Iterator[str]:
    stop = threading.Event()
    _Handler.seen.clear()
    handler = type("Handler", (_Handler,), {"stop": stop})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        stop.set()
        server.shutdown()
        server.server_close()
        thread.join(5)
        assert not thread.is_alive()


def write_sources(folder: Path, base: str, names: tuple[str, ...]) -> Path:
    entries = {
        "same": ("mail/passwords", "FAQ: change the password", "/faq/1321/same", print_of(SAME)),
        "changed": ("mail/setup", "Apple Support: mail settings", "/changed", print_of(SAME)),
        "dated": ("mail/limits", "FAQ: size limits", "/faq/2351/dated", print_of(page("Use port 995.", date="<p>Update 03/02/2026</p>"))),
        "moved": ("mail/sync", "Configuration assistant", "/moved", print_of(SAME)),
        "gone": ("contact", "Former FAQ", "/gone", print_of(SAME)),
        "slow": ("status", "Service status", "/slow", print_of(SAME)),
        "new": ("mail/ports", "RFC 8314", "/new", None),
    }
    lines = ["# Sources for the test (comments are kept by --accept).", ""]
    pages: dict[str, list[str]] = {}
    for name in names:
        doc, title, path, stored = entries[name]
        block = [f"  - title: {{en: \"{title}\", fr: \"{title} (fr)\"}}", f"    url: {base}{path}", "    checked: 2026-03-02"]
        if stored:
            block.append(f"    fingerprint: {stored}  # as read on 2 March")
        pages.setdefault(doc, []).extend(block)
    for doc, block in pages.items():
        lines += [f"{doc}:", *block, f"# end of {doc}"]
    path = folder / "sources.yml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def run(*arguments: str | Path, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run(
        [sys.executable, str(TOOL), *map(str, arguments)], capture_output=True, text=True, env=env, timeout=timeout, cwd=ROOT, check=False
    )


def test_each_kind_of_line_and_the_exit_status(served: str, tmp_path: Path) -> None:
    sources = write_sources(tmp_path, served, ("same", "changed", "dated", "moved", "gone", "slow", "new"))
    result = run("--sources", sources, "--timeout", TIMEOUT)
    lines = sorted(result.stdout.splitlines())
    assert result.returncode == 2, result.stderr  # the slow one could not be reached: 2 wins over 1
    assert lines == sorted([
        "docs/mail/setup.md: Apple Support: mail settings changed (we read 2026-03-02)",
        "docs/mail/limits.md: FAQ: size limits changed (provider updated 2026-06-16; we read 2026-03-02)",
        f"docs/mail/sync.md: Configuration assistant moved ({served}/moved: now redirects to {served}/target): re-read it there and write the new address",
        f"docs/contact.md: Former FAQ vanished ({served}/gone: HTTP 404): find another source",
        f"docs/status.md: Service status could not be reached ({served}/slow: timed out after {TIMEOUT:g} s)",
        "docs/mail/ports.md: RFC 8314: no fingerprint yet: run --accept after reading it (we read 2026-03-02)",
    ]), result.stdout
    assert "change the password" not in result.stdout  # unchanged: nothing to say
    assert "Traceback" not in result.stderr and result.stderr.strip().endswith("unreachable")


def test_exit_status_0_when_nothing_changed_and_1_when_a_page_needs_re_reading(served: str, tmp_path: Path) -> None:
    sources = write_sources(tmp_path, served, ("same",))
    result = run("--sources", sources)
    assert (result.returncode, result.stdout) == (0, "")
    sources = write_sources(tmp_path, served, ("same", "changed", "gone"))
    assert run("--sources", sources).returncode == 1


def test_json_for_scripts(served: str, tmp_path: Path) -> None:
    sources = write_sources(tmp_path, served, ("same", "dated", "gone"))
    result = run("--sources", sources, "--json")
    report = json.loads(result.stdout)
    assert result.returncode == report["exit"] == 1
    status = {item["label"]: item for item in report["sources"]}
    assert {label: item["status"] for label, item in status.items()} == {"FAQ: change the password": "unchanged", "FAQ: size limits": "changed", "Former FAQ": "vanished"}
    assert status["FAQ: size limits"]["updated"] == "2026-06-16" and status["FAQ: size limits"]["fingerprint"] == print_of(DATED)
    assert status["FAQ: change the password"]["pages"] == ["docs/mail/passwords.md"]


def test_accept_records_fingerprint_and_dates_and_keeps_the_comments(served: str, tmp_path: Path) -> None:
    sources = write_sources(tmp_path, served, ("same", "dated", "new", "gone"))
    before = sources.read_text(encoding="utf-8")
    result = run("--sources", sources, "--accept", f"{served}/faq/2351/dated", f"{served}/new")
    assert result.returncode == 0, result.stderr
    today = datetime.date.today().isoformat()
    after = sources.read_text(encoding="utf-8")
    expected = before.replace(
        f"    url: {served}/faq/2351/dated\n    checked: 2026-03-02\n    fingerprint: {print_of(page('Use port 995.', date='<p>Update 03/02/2026</p>'))}  # as read on 2 March",
        f"    url: {served}/faq/2351/dated\n    checked: {today}\n    updated: 2026-06-16\n    fingerprint: {print_of(DATED)}  # as read on 2 March",
    ).replace(
        f"    url: {served}/new\n    checked: 2026-03-02\n",
        f"    url: {served}/new\n    checked: {today}\n    fingerprint: {print_of(SAME)}\n",
    )
    assert after == expected
    assert "# Sources for the test (comments are kept by --accept)." in after and "# end of mail/limits" in after
    assert run("--sources", sources, "--json").stdout.count('"status": "unchanged"') == 3  # same, dated, new


def test_accept_replaces_values_where_they_stand_and_refuses_a_one_line_entry(tmp_path: Path) -> None:
    path = tmp_path / "sources.yml"
    path.write_text(
        "a:\n  - title: T\n    url: https://x.example/a\n    checked: \"2026-01-02\"  # quoted\n"
        "    updated: 2025-12-31\n    fingerprint: sha256:" + "0" * 64 + "\n"
        "b:\n  - {title: U, url: https://x.example/b, checked: 2026-01-02}\n",
        encoding="utf-8",
    )
    document, sources = sc.read_sources(path, "s.yml", local=False)
    values = {"checked": "2026-12-02", "updated": "2026-06-16", "fingerprint": "sha256:" + "1" * 64}
    text = document.text
    for start, end, replacement in sorted(sc.accept_edits(document, sources[0], values), reverse=True):
        text = text[:start] + replacement + text[end:]
    assert text.splitlines()[3:6] == ["    checked: 2026-12-02  # quoted", "    updated: 2026-06-16", "    fingerprint: sha256:" + "1" * 64]
    with pytest.raises(datafile.DataError, match=r"^s.yml:8: b\[0\]: write this entry one key a line"):
        sc.accept_edits(document, sources[1], values)


def test_accept_refuses_an_address_not_in_the_file_and_a_source_gone(served: str, tmp_path: Path) -> None:
    sources = write_sources(tmp_path, served, ("same", "gone"))
    before = sources.read_text(encoding="utf-8")
    result = run("--sources", sources, "--accept", "https://example.org/nowhere")
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr.splitlines() == [
        f"sources-check: --accept https://example.org/nowhere: not an address of {sources}, expected one written there (or --accept alone for every source)"
    ]
    result = run("--sources", sources, "--accept")
    assert result.returncode == 1 and "not accepted:" in result.stderr and "vanished" in result.stderr
    assert sources.read_text(encoding="utf-8") != before  # the one that is there was accepted
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(
    ("text", "where"),
    [
        ("index:\n  - title: T\n    url: https://x.example/\n    checked: 30.11.2026\n", ":4: index[entry 1].checked"),
        ("index:\n  - title: T\n    url: ftp://x.example/\n    checked: 2026-11-30\n", ":3: index[entry 1].url"),
        ("index:\n  - title: [T\n", ":3: YAML syntax error"),
    ],
)
def test_a_malformed_file_gives_one_line_naming_file_and_line(tmp_path: Path, text: str, where: str, capsys) -> None:
    path = tmp_path / "bad.yml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(SystemExit) as exit:  # in this process: the command's main(), without its start-up time
        sc.main(["--sources", str(path)])
    out, err = capsys.readouterr()
    assert exit.value.code == 2 and out == ""
    assert len(err.splitlines()) == 1 and err.startswith(f"sources-check: {path}{where}"), err


@pytest.mark.parametrize("arguments", [["--timeout", "-1"], ["--sources", "missing.yml"], ["--sources", "."], ["--bogus"], ["--json", "x"]])
def test_one_line_and_exit_status_2_on_bad_arguments(arguments: list[str], tmp_path: Path, capsys, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    with pytest.raises(SystemExit) as exit:
        sc.main(arguments)
    err = capsys.readouterr().err
    assert exit.value.code == 2 and len(err.splitlines()) == 1 and err.startswith("sources-check: "), err


def test_a_folder_given_as_the_sources_file_is_named_a_folder(tmp_path: Path, capsys) -> None:
    with pytest.raises(SystemExit) as exit:
        sc.main(["--sources", str(tmp_path)])
    assert exit.value.code == 2
    assert capsys.readouterr().err == f"sources-check: --sources {tmp_path}: is a folder, expected a file of data/sources.yml's format\n"


@pytest.mark.parametrize("as_json", [False, True], ids=["lines", "json"])
def test_what_a_server_sends_is_printed_with_its_controls_made_visible(served: str, tmp_path: Path, capsys, monkeypatch,
                                                                        as_json: bool) -> None:
    """A server's words (here in an error's detail: a status line, a certificate's name) reach the staff member's
    terminal as text: ESC, BEL, CR and U+202E written as their escapes, never obeyed. JSON keeps their value."""
    sources = write_sources(tmp_path, served, ("gone",))
    hostile = "HTTP 404 \x1b[2J\x1b]0;owned\x07 \u202etxt.exe\r"
    monkeypatch.setattr(sc, "fetch_all", lambda urls, timeout, progress: {url: sc.Fetched(url, "vanished", detail=hostile) for url in urls})
    assert sc.main(["--sources", str(sources), *(["--json"] if as_json else [])]) == 1
    out = capsys.readouterr().out
    assert not [char for char in out if char in "\x1b\x07\u202e\r"], repr(out)
    if as_json:
        assert json.loads(out)["sources"][0]["detail"] == f"{served}/gone: {hostile}"
    else:
        assert out == f"docs/contact.md: Former FAQ vanished ({served}/gone: HTTP 404 \\x1b[2J\\x1b]0;owned\\x07 \\u202etxt.exe\\r): find another source\n"


def test_no_traceback_on_a_closed_pipe(served: str, tmp_path: Path) -> None:
    sources = write_sources(tmp_path, served, ("changed", "gone", "new"))
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    command = f"{sys.executable} {TOOL} --sources {sources} --json | head -c 1 >/dev/null"
    result = subprocess.run(["bash", "-o", "pipefail", "-c", command], check=False, capture_output=True, text=True, env=env, timeout=60)
    assert "Traceback" not in result.stderr and "BrokenPipe" not in result.stderr, result.stderr


def test_ctrl_c_stops_at_once_with_one_line(served: str, tmp_path: Path) -> None:
    sources = write_sources(tmp_path, served, ("slow",))
    before = sources.read_text(encoding="utf-8")
    process = subprocess.Popen(
        [sys.executable, str(TOOL), "--sources", str(sources), "--timeout", "30", "--accept"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env={**os.environ, "PYTHONPATH": str(ROOT)},
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),  # noqa: PLW1509 (a shell's background job ignores SIGINT)
    )
    try:
        for _ in range(100):  # until the request has reached the server (Python has started)
            if _Handler.seen.is_set():
                break
            threading.Event().wait(0.05)
        process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=10)
    finally:
        process.kill()
    assert process.returncode == 130 and out == "" and err.strip() == "sources-check: interrupted, nothing written"
    assert sources.read_text(encoding="utf-8") == before
