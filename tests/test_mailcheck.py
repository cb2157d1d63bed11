"""tools/mailcheck.py (issue 21), run as staff run it: `python tools/mailcheck.py servers|domain …`.

No test reaches the internet: the mail servers and the DNS are local stand-ins (tests/mailstandins.py)
started for this module and stopped at its end; every run passes --connect for each host and port and
--resolver for the DNS. The hosts, ports, MX, SPF include and DNS names come from data/ports.yml, as in
the command. The runs are started together, in parallel (`runs`), each test then reads its own.
"""

from __future__ import annotations

import importlib.util
import json
import os
import pty
import re
import select
import signal
import subprocess
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import ROOT, once_per_run
from mailcheck_cases import (
    ANSWERS_WITHIN,
    BAD_INPUT,
    COMMAND,
    DATA,
    DMARC,
    DNS,
    ELSEWHERE,
    ENTRIES,
    HOSTILE,
    INCLUDE,
    MX,
    SELECTOR,
    SHOWN,
    SITE_URL,
    SPF,
    run_all,
    server_args,
    start_standins,
    with_resolver,
)

from artelabs.mailcheck import domain as domaincheck
from artelabs.mailcheck import read_site

# -----------------------------------------------------------------------------
# The stand-ins and the runs
# -----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def standins(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    before = set(threading.enumerate())
    made, started = start_standins(tmp_path_factory.mktemp("mailcheck"))
    try:
        yield started
    finally:
        made.close()
        deadline = time.monotonic() + 10  # nothing left running: every thread of the stand-ins ends
        while (left := set(threading.enumerate()) - before) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not left, f"stand-in threads still running: {sorted(thread.name for thread in left)}"


@pytest.fixture(scope="module")
def runs(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> dict[str, subprocess.CompletedProcess[str]]:
    """Every case of tests/mailcheck_cases.py, each a command of its own, all at once, once per test run:
    the first of pytest-xdist's workers that needs them runs them (with its stand-ins), the other reads
    what they printed."""

    def make(folder: Path) -> None:
        folder.mkdir(parents=True)
        results = run_all(request.getfixturevalue("standins"), folder)
        (folder / "runs.json").write_text(json.dumps(results), encoding="utf-8")

    recorded = json.loads((once_per_run(tmp_path_factory, "mailcheck", make) / "runs.json").read_text(encoding="utf-8"))
    return {name: subprocess.CompletedProcess(*result) for name, result in recorded.items()}


def lines(result: subprocess.CompletedProcess[str]) -> list[str]:
    assert "Traceback" not in result.stderr, result.stderr
    return result.stdout.splitlines()


def section(anchor: str, lang: str = "en") -> str:
    return f"{SITE_URL}{'fr/' if lang == 'fr' else ''}mail/domain/#{anchor}"


# -----------------------------------------------------------------------------
# servers
# -----------------------------------------------------------------------------


def test_servers_checks_every_published_mail_port() -> None:
    """Every `mail` entry, and the mail ports of `standard_ports` the provider answers on (not port 25)."""
    ids = [entry.id for entry in ENTRIES if not entry.skip]
    assert ids[: len(DATA["mail"])] == [item["id"] for item in DATA["mail"]]
    legacy = [f"std.{item['id']}" for item in DATA["standard_ports"] if item["status"] == "legacy" and item["label"] in ("IMAP", "POP3", "SMTP")]
    assert legacy and set(ids[len(DATA["mail"]):]) == set(legacy)
    assert [entry.port for entry in ENTRIES if entry.skip] == [25]


def test_servers_as_promised(runs: dict[str, subprocess.CompletedProcess[str]]) -> None:
    result = runs["servers-good"]
    out = lines(result)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stderr == ""  # no progress line when standard error is not a terminal
    checked = [entry for entry in ENTRIES if not entry.skip]
    assert len(out) == len(ENTRIES) + 1
    for entry, line in zip(ENTRIES, out):
        assert line.split()[:2] == ["skipped" if entry.skip else "ok", entry.id], line
        assert f"{entry.host}:{entry.port}" in line
        if not entry.skip:
            assert "certificate valid until" in line and "AUTH LOGIN PLAIN" in line and line.endswith(" s)"), line
    assert out[-1] == f"servers: all {len(checked)} entries as the pages promise"


def test_servers_json(runs: dict[str, subprocess.CompletedProcess[str]]) -> None:
    result = runs["servers-good-json"]
    document = json.loads(result.stdout)
    assert result.returncode == 0 == document["status"]
    assert [entry["id"] for entry in document["entries"]] == [entry.id for entry in ENTRIES]
    imap = document["entries"][0]
    assert imap["status"] == "ok" and imap["port"] == DATA["mail"][0]["port"]
    assert 0 < imap["seconds"] < float(ANSWERS_WITHIN)  # the time it took, within the time allowed


@pytest.mark.parametrize(("case", "entry", "words"), [
    ("wrong-name", "imap", ["certificate refused", "Hostname mismatch"]),
    ("expiring", "smtp", ["certificate expires in less than a day, expected 30 or more days"]),
    ("smtp-clear-auth", "smtp-starttls", ["sign-in offered in clear before STARTTLS: AUTH LOGIN AUTH PLAIN",
                                          "AUTH PLAIN accepted in clear before STARTTLS", "STARTTLS not offered"]),
    ("imap-clear-auth", "std.imap", ["sign-in offered in clear before STARTTLS: AUTH=PLAIN LOGIN (no LOGINDISABLED)",
                                     "AUTH PLAIN accepted in clear before STARTTLS"]),
    ("pop3-clear-auth", "std.pop3", ["sign-in offered in clear before STLS: SASL PLAIN USER", "AUTH PLAIN accepted in clear before STLS"]),
    ("pop3-no-auth", "pop3", ["none of AUTH PLAIN, LOGIN offered after TLS", "no AUTH"]),
    ("pop3-no-tls", "pop3", ["no TLS"]),
])
def test_servers_mistake(runs: dict[str, subprocess.CompletedProcess[str]], case: str, entry: str, words: list[str]) -> None:
    result = runs[case]
    out = lines(result)
    assert result.returncode == 1, result.stdout + result.stderr
    (line,) = [line for line in out if line.split()[1:2] == [entry]]
    assert line.startswith("different "), line
    for word in words:
        assert word in line
    assert sum(line.startswith("different ") for line in out) == 1  # the others as promised
    assert out[-1] == f"servers: 1 of {len([e for e in ENTRIES if not e.skip])} entries differ from what the pages promise: {entry}"


def test_every_value_comes_from_the_data_file(runs: dict[str, subprocess.CompletedProcess[str]]) -> None:
    """The same command beside a data file with another MX and another IMAP port checks those."""
    domain = runs["changed-data-domain"]
    assert domain.returncode == 0, domain.stdout + domain.stderr
    assert lines(domain)[0].startswith(f"wrongmx.ch: no problem found; as expected: MX {ELSEWHERE} (priority 10)")
    servers = lines(runs["changed-data-servers"])
    assert runs["changed-data-servers"].returncode == 0, servers
    assert servers[0].startswith(f"ok        imap            {DATA['mail'][0]['host']}:1993 ssl-tls"), servers[0]
    assert any(line.startswith(f"ok        std.imaps       {DATA['mail'][0]['host']}:993 ssl-tls") for line in servers), servers


def test_servers_checks_run_in_parallel(runs: dict[str, subprocess.CompletedProcess[str]]) -> None:
    """Every server answers only once all of them are connected at the same time (mailstandins.Gate): checked
    one after the other, each would wait alone until its time-out. An event proves it, not a clock."""
    result = runs["servers-parallel"]
    out = lines(result)
    checked = [entry for entry in ENTRIES if not entry.skip]
    assert result.returncode == 0, result.stdout + result.stderr
    assert [line.split()[:2] for line in out[:-1]] == [["skipped" if entry.skip else "ok", entry.id] for entry in ENTRIES], out
    assert out[-1] == f"servers: all {len(checked)} entries as the pages promise"


def test_servers_that_never_answer_are_each_named_with_the_time_given(runs: dict[str, subprocess.CompletedProcess[str]]) -> None:
    result = runs["servers-all-silent"]
    out = lines(result)
    assert result.returncode == 2
    checked = [entry for entry in ENTRIES if not entry.skip]
    assert out[-1].startswith(f"servers: could not check {len(checked)} of {len(checked)} entries") and out[-1].endswith("no answer within 2 s")


def test_a_silent_server_times_out_with_its_message(runs: dict[str, subprocess.CompletedProcess[str]]) -> None:
    """IMAP never answers; every other port refuses at once, so that only IMAP can run out of time."""
    result = runs["servers-timeout"]
    out = lines(result)
    checked = [entry for entry in ENTRIES if not entry.skip]
    assert result.returncode == 2, result.stdout + result.stderr
    assert out[0].startswith("unchecked imap ") and "found could not check: no answer within 1 s" in out[0], out[0]
    assert all(line.startswith("unchecked ") and "found could not check: connection refused" in line
               for line in out[1:-1] if not line.startswith("skipped ")), out
    assert out[-1].startswith(f"servers: could not check {len(checked)} of {len(checked)} entries (imap, ")
    assert out[-1].endswith("): no answer within 1 s"), out[-1]


def test_servers_could_not_check_one_refused(runs: dict[str, subprocess.CompletedProcess[str]]) -> None:
    result = runs["servers-refused"]
    out = lines(result)
    assert result.returncode == 2, result.stdout + result.stderr
    assert out[0].startswith("unchecked imap ") and "found could not check: connection refused" in out[0]
    assert out[-1].startswith("servers: could not check 1 of ") and out[-1].endswith("entries (imap): connection refused")


# -----------------------------------------------------------------------------
# domain
# -----------------------------------------------------------------------------


@pytest.mark.parametrize("case", ["good", "idn", "idn-upper-trailing-dot", "full-width-dot", "softfail-quarantine"])
def test_domain_without_problem_says_so_in_one_line(runs: dict[str, subprocess.CompletedProcess[str]], case: str) -> None:
    result = runs[case]
    out = lines(result)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stderr == ""
    (line,) = out
    domain = {"idn": "xn--mnchen-3ya.ch", "idn-upper-trailing-dot": "xn--mnchen-3ya.ch", "softfail-quarantine": "softfail.ch"}.get(case, "good.ch")
    assert line.startswith(f"{domain}: no problem found; as expected: MX {MX} (priority 10)"), line
    policy = "quarantine" if case == "softfail-quarantine" else "reject"
    assert f"DMARC p={policy}: {domaincheck.POLICIES[policy]}" in line
    assert f"DKIM key for selector {SELECTOR}" in line and "(3 DNS look-ups)" not in line
    assert "(2 DNS look-ups)" in line  # the include, and the provider's own a: term


def test_domain_without_selector_says_where_staff_find_it(runs: dict[str, subprocess.CompletedProcess[str]]) -> None:
    result = runs["good-no-selector"]
    (line,) = lines(result)
    assert result.returncode == 0
    assert "DKIM not checked: give --dkim-selector SELECTOR." in line
    assert DNS["dkim"]["note"]["en"] in line  # the data's words for where the selector is shown


def test_domain_json(runs: dict[str, subprocess.CompletedProcess[str]]) -> None:
    good = json.loads(runs["good-json"].stdout)
    assert good["status"] == 0 and good["domain"] == "good.ch" and [c["id"] for c in good["checks"]] == list(DNS)
    assert all(check["status"] == "ok" for check in good["checks"])
    wrong = json.loads(runs["wrong-mx-json"].stdout)
    assert runs["wrong-mx-json"].returncode == 1 == wrong["status"]
    (mx,) = [check for check in wrong["checks"] if check["id"] == "mx"]
    assert mx["status"] == "different" and mx["problems"][0]["url"] == section("mx")
    assert {check["id"]: check["status"] for check in wrong["checks"]}["dkim"] == "skipped"


@pytest.mark.parametrize(("case", "anchor", "words"), [
    ("wrong-mx", "mx", f"MX points to mx.elsewhere.example.net, not to the provider, expected MX {MX}"),
    ("extra-mx", "mx", f"MX also points to mx.elsewhere.example.net: some mail goes there, expected MX {MX} only"),
    ("no-mx", "mx", f"no MX record: mail sent to nomx.ch bounces or goes astray, expected MX {MX}"),
    ("spf-no-include", "spf", f"SPF has no {INCLUDE}: mail sent through the provider fails SPF, expected \"{SPF}\""),
    ("spf-neutral", "spf", "SPF ends in ?all: receivers are told nothing about other servers (neutral), expected -all or ~all"),
    ("spf-plus-all", "spf", "SPF ends in +all: any server in the world may send as plusall.ch, expected -all or ~all"),
    ("spf-two", "spf", "2 SPF records (a domain may have only one; receivers then reject both)"),
    ("spf-lookups", "spf", "SPF needs 13 DNS look-ups (include, a, mx, ptr, exists, redirect), expected at most 10"),
    ("no-dkim", "dkim", f"no DKIM key for selector {SELECTOR} ({SELECTOR}._domainkey.nodkim.ch)"),
    ("no-dmarc", "dmarc", f"no DMARC record at {DMARC}.nodmarc.ch"),
    ("dmarc-none", "dmarc", f"DMARC policy is none: {domaincheck.POLICIES['none']}"),
])
def test_domain_mistake(runs: dict[str, subprocess.CompletedProcess[str]], case: str, anchor: str, words: str) -> None:
    """Each mistake: one line naming it, ending with the address of the section that explains the fix."""
    result = runs[case]
    out = lines(result)
    assert result.returncode == 1, result.stdout + result.stderr
    problems = out[:-1]
    assert len(problems) == 1, out
    assert words in problems[0], problems[0]
    assert problems[0].endswith(f"; fix: {section(anchor)}"), problems[0]
    assert out[-1].split(": ", 1)[1].startswith("1 problem found")


def test_domain_lookups_over_tcp(runs: dict[str, subprocess.CompletedProcess[str]]) -> None:
    """The answer for manylookups.ch is over 512 bytes: the resolver truncates it on UDP, dnspython asks over TCP."""
    assert runs["spf-lookups"].returncode == 1
    assert "manylookups.ch" in runs["asked over TCP"].stdout.splitlines()


def test_domain_addresses_in_french(runs: dict[str, subprocess.CompletedProcess[str]]) -> None:
    out = lines(runs["wrong-mx-fr"])
    assert out[0].endswith(f"; fix: {section('mx', 'fr')}") and "/fr/mail/domain/#mx" in out[0]


def test_every_address_the_command_prints_is_a_published_anchor() -> None:
    """Each check links to its own section of /mail/domain/ (#mx, #spf, #dkim, #dmarc), in data/anchors.txt."""
    site = read_site(ROOT)
    registry = {line for line in (ROOT / "data" / "anchors.txt").read_text(encoding="utf-8").splitlines() if line.startswith("/")}
    printable = domaincheck.printable_anchors(site)
    assert printable and printable <= registry
    for entry in ENTRIES:  # the servers job names a section in a line it skips
        assert set(re.findall(r"/[a-z/-]*/#[a-z0-9-]+", entry.skip)) <= registry, entry.skip
    assert {domaincheck.anchor(site, entry["id"]) for entry in DATA["dns"]} == set(DNS)  # a section of the same id
    for lang in site.languages:
        for entry in DATA["dns"]:
            address = domaincheck.url(site, lang, entry["id"])
            assert address == section(entry["id"], lang)
            assert address.split(SITE_URL.rstrip("/"), 1)[1].removeprefix("/fr") in registry


@pytest.mark.parametrize(("case", "words"), [
    ("nxdomain", "missing.ch: no such domain (NXDOMAIN from the resolver at 127.0.0.1:"),
    ("dns-timeout", "good.ch: could not check: no DNS answer for "),
    ("dns-refused", "good.ch: could not check: no DNS answer for "),
])
def test_domain_could_not_check(runs: dict[str, subprocess.CompletedProcess[str]], case: str, words: str) -> None:
    result = runs[case]
    out = lines(result)
    assert result.returncode == 2, result.stdout + result.stderr
    assert words in (out[0] if case == "nxdomain" else out[-1]), out
    assert len(out) == 1


# -----------------------------------------------------------------------------
# Hostile servers and zones: what they send is shown, never obeyed by the staff member's terminal
# -----------------------------------------------------------------------------

OBEYED = "\x1b\x07\x9b\u202e"  # what a terminal would act on: ESC, BEL, the 8-bit CSI, the right-to-left override


@pytest.mark.parametrize(("case", "shown"), [
    ("hostile-greeting", f"greeting '{SHOWN}' is not IMAP"),  # a server's greeting, word for word
    ("hostile-record", f'"v=spf1 {INCLUDE} {SHOWN.replace(" ", "_")} -all"'),  # a customer's SPF record
])
def test_what_a_server_sends_is_printed_with_its_controls_made_visible(
    runs: dict[str, subprocess.CompletedProcess[str]], case: str, shown: str
) -> None:
    result = runs[case]
    out = lines(result)
    assert not [char for char in result.stdout + result.stderr if char in OBEYED], out
    assert any(shown in line for line in out), out
    assert len(out) == (len(ENTRIES) + 1 if case.startswith("hostile-greeting") else 1), "a carriage return made a line of its own"


def test_what_a_server_sends_keeps_its_value_in_json(runs: dict[str, subprocess.CompletedProcess[str]]) -> None:
    """For scripts, the same text (JSON escapes): nothing a terminal would obey for a person who reads it."""
    result = runs["hostile-greeting-json"]
    assert not [char for char in result.stdout if char in OBEYED]
    (imap,) = [entry for entry in json.loads(result.stdout)["entries"] if entry["id"] == "imap"]
    assert imap["status"] == "different" and f"greeting '{HOSTILE}' is not IMAP" in imap["found"]


# -----------------------------------------------------------------------------
# Bad input, closed pipes, Ctrl-C, progress
# -----------------------------------------------------------------------------



@pytest.fixture(scope="module")
def command() -> Any:
    """tools/mailcheck.py as a module, to call its main() in this process (no interpreter to start)."""
    spec = importlib.util.spec_from_file_location("mailcheck_command", ROOT / "tools" / "mailcheck.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("args", BAD_INPUT)
def test_bad_input_is_one_line_and_status_2(args: list[str], command: Any, capsys: pytest.CaptureFixture[str],
                                            runs: dict[str, subprocess.CompletedProcess[str]]) -> None:
    if f"bad {args}" in runs:  # run as staff run it
        result = runs[f"bad {args}"]
        status, stdout, stderr = result.returncode, result.stdout, result.stderr
    else:
        with pytest.raises(SystemExit) as stop:
            command.main(with_resolver(args))
        status, (stdout, stderr) = stop.value.code, capsys.readouterr()
    assert status == 2, (stdout, stderr)
    assert stdout == "" and "Traceback" not in stderr
    assert len(stderr.splitlines()) == 1 and stderr.startswith("mailcheck: "), stderr


def test_urls_and_addresses_are_refused_with_the_domain_to_give(runs: dict[str, subprocess.CompletedProcess[str]]) -> None:
    for value in ("https://example.ch/x", "name@example.ch"):
        result = runs[f"bad {['domain', value]}"]
        assert result.stderr.strip().endswith("did you mean example.ch?"), result.stderr


def test_a_closed_standard_output_is_no_traceback(standins: dict[str, Any]) -> None:
    process = subprocess.Popen([*COMMAND, "domain", "wrongmx.ch", "--resolver", standins["resolver"]],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    process.stdout.close()  # the reader is gone before the command writes (as `| head -1` after its line)
    _, stderr = process.communicate(timeout=60)
    assert stderr == b"" and process.returncode == 1


def test_ctrl_c_is_one_line(standins: dict[str, Any]) -> None:
    """Ctrl-C while every check waits on a server that never answers, with the longest time-out the command
    allows (600 s): it stops at once, not when the checks end (the 60 s guard is only there to end a hang)."""
    silent = standins["servers"]["silent-2"]
    silent.connected.clear()
    args = server_args(standins, {entry.id: "silent-2" for entry in ENTRIES}, timeout="600")
    process = subprocess.Popen([*COMMAND, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                               preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))  # noqa: PLW1509 (Ctrl-C as in a terminal, even under a runner that ignores it)
    try:
        assert silent.connected.wait(60), "the command never connected"
        process.send_signal(signal.SIGINT)
        stdout, stderr = process.communicate(timeout=60)
    finally:
        process.kill() if process.poll() is None else None
    assert process.returncode == 130 and stdout == ""
    assert stderr == "mailcheck: interrupted (Ctrl-C), the check did not finish\n"


def test_progress_only_on_a_terminal(standins: dict[str, Any]) -> None:
    main, terminal = pty.openpty()
    try:
        result = subprocess.run([*COMMAND, "domain", "good.ch", "--resolver", standins["resolver"]],
                                stderr=terminal, stdout=subprocess.PIPE, text=True, timeout=60, check=False)
        chunks = b""
        while select.select([main], [], [], 0.2)[0]:
            chunks += os.read(main, 4096)
    finally:
        os.close(main)
        os.close(terminal)
    assert result.returncode == 0
    assert b"checks done" in chunks and chunks.endswith(b"\r\x1b[K")
    assert result.stdout.count("\n") == 1
