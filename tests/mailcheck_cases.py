"""The cases of tests/test_mailcheck.py: the zones of the local DNS, the stand-ins for each mistake,
the commands run, and how they are run. Every host, port, MX, SPF include and DNS name comes from
data/ports.yml, as in the command.
"""

from __future__ import annotations

import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from conftest import ROOT
from mailstandins import (
    DnsServer,
    Gate,
    GatedProxy,
    LineServer,
    SilentUdp,
    SmtpServer,
    Standins,
    certificates,
    free_port,
)

from artelabs import datafile
from artelabs.mailcheck import read_site
from artelabs.mailcheck import servers as servercheck

COMMAND = [sys.executable, str(ROOT / "tools" / "mailcheck.py")]
DATA = datafile.load(ROOT / "data" / "ports.yml", name="data/ports.yml")
SITE_URL = read_site(ROOT).site_url
DNS = {entry["id"]: entry for entry in DATA["dns"]}
MX = DNS["mx"]["value"]
SPF = DNS["spf"]["value"]                      # v=spf1 include:spf.infomaniak.ch -all
INCLUDE = DATA["provider"]["spf"]              # include:spf.infomaniak.ch
PROVIDER_SPF = INCLUDE.split(":", 1)[1]        # spf.infomaniak.ch
DMARC = DNS["dmarc"]["name"]                   # _dmarc
ENTRIES = servercheck.entries(DATA)
HOSTS = {entry.host for entry in ENTRIES}
KEY = "v=DKIM1; k=rsa; p=MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAtest"
SELECTOR = "sel1"


def spf(*terms: str) -> str:
    return " ".join(("v=spf1", *terms))


def zone(domain: str, *, mx: list[str] | None = None, spf_records: list[str] | None = None, dkim: bool = True,
         dmarc: str | None = "v=DMARC1; p=reject; rua=mailto:dmarc@example.net", extra: list[tuple[str, Any]] = ()) -> dict:
    records: list[tuple[str, Any]] = [("MX", (10, host)) for host in ([MX] if mx is None else mx)]
    records += [("TXT", text) for text in ([SPF] if spf_records is None else spf_records)]
    out = {domain: records + list(extra)}
    if dkim:
        out[f"{SELECTOR}._domainkey.{domain}"] = [("TXT", KEY)]
    if dmarc:
        out[f"{DMARC}.{domain}"] = [("TXT", dmarc)]
    return out


# What a hostile server or zone sends to the staff member's terminal: clear the screen, set the window's title,
# ring, turn the text around (U+202E), go back to the start of the line, an 8-bit control sequence (U+009B).
HOSTILE = "\x1b[2J\x1b]0;owned\x07 \u202etxt.exe\r\x9b31m"
SHOWN = ("\\x1b[2J\\x1b]0;owned\\x07 \\u202etxt.exe\\r\\x9b31m")  # the same, made visible (cli.visible)
LONG = "site-verification=" + "x" * 700  # with it, the TXT answer is over 512 bytes: truncated on UDP, asked again over TCP
ZONES: dict[str, list] = {
    PROVIDER_SPF: [("TXT", spf("ip4:192.0.2.0/24", "a:smtp.example.net", "-all"))],  # 1 look-up of its own
    **zone("good.ch"),
    **zone("xn--mnchen-3ya.ch"),
    **zone("softfail.ch", spf_records=[spf(INCLUDE, "~all")], dmarc="v=DMARC1; p=quarantine"),
    **zone("wrongmx.ch", mx=["mx.elsewhere.example.net"]),
    **zone("extramx.ch", mx=[MX, "mx.elsewhere.example.net"]),
    **zone("nomx.ch", mx=[]),
    **zone("noinclude.ch", spf_records=[spf("mx", "-all")]),
    **zone("neutral.ch", spf_records=[spf(INCLUDE, "?all")]),
    **zone("plusall.ch", spf_records=[spf(INCLUDE, "+all")]),
    **zone("twospf.ch", spf_records=[SPF, spf("include:mailer.example.net", "~all")]),
    **zone("manylookups.ch", spf_records=[spf(INCLUDE, "include:one.lookups.example.net", "include:two.lookups.example.net", "-all")],
           extra=[("TXT", LONG)]),
    "one.lookups.example.net": [("TXT", spf("a", "mx", "ptr", "exists:%{i}.x.example.net", "a:b.example.net", "-all"))],  # 5
    "two.lookups.example.net": [("TXT", spf("mx:c.example.net", "a:d.example.net", "include:three.lookups.example.net", "-all"))],  # 3
    "three.lookups.example.net": [("TXT", spf("a", "-all"))],  # 1
    **zone("nodkim.ch", dkim=False),
    **zone("nodmarc.ch", dmarc=None),
    **zone("dmarcnone.ch", dmarc="v=DMARC1; p=none; rua=mailto:dmarc@example.net"),
    **zone("hostile.ch", spf_records=[spf(INCLUDE, HOSTILE.replace(" ", "_"), "-all")]),  # as promised, but for its noise
}


def start_standins(folder: Path) -> tuple[Standins, dict[str, Any]]:
    """Every stand-in of the cases, on free ports of 127.0.0.1: (what closes them, what the tests need)."""
    (host,) = HOSTS  # the data file gives one mail host; a second would need its own certificates here
    made = Standins()
    try:
        return made, _start(made, certificates(host, folder))
    except BaseException:
        made.close()  # what had started
        raise


def _start(made: Standins, cert: dict[str, Any]) -> dict[str, Any]:
    auth_imap, auth_pop3 = ["AUTH=PLAIN", "AUTH=LOGIN"], ["USER", "SASL PLAIN LOGIN"]
    ports = {
        # as the pages promise
        "IMAP ssl-tls": made.add(LineServer("IMAP", tls=cert["good"], implicit=True, after=auth_imap)),
        "IMAP starttls": made.add(LineServer("IMAP", tls=cert["good"], before=["STARTTLS", "LOGINDISABLED"], after=auth_imap)),
        "POP3 ssl-tls": made.add(LineServer("POP3", tls=cert["good"], implicit=True, after=auth_pop3)),
        "POP3 starttls": made.add(LineServer("POP3", tls=cert["good"], before=["STLS"], after=auth_pop3)),
        "SMTP ssl-tls": made.add(SmtpServer(implicit=cert["good"])),
        "SMTP starttls": made.add(SmtpServer(starttls=cert["good"])),
        # each mistake
        "wrong-name": made.add(LineServer("IMAP", tls=cert["wrong-name"], implicit=True, after=auth_imap)),
        "expiring": made.add(SmtpServer(implicit=cert["expiring"])),
        "smtp-clear-auth": made.add(SmtpServer()),
        "imap-clear-auth": made.add(LineServer("IMAP", tls=cert["good"], before=["STARTTLS", "AUTH=PLAIN"], after=auth_imap)),
        "pop3-clear-auth": made.add(LineServer("POP3", tls=cert["good"], before=["STLS", "USER", "SASL PLAIN"], after=auth_pop3)),
        "pop3-no-auth": made.add(LineServer("POP3", tls=cert["good"], implicit=True, after=["USER"])),
        "pop3-no-tls": made.add(LineServer("POP3", after=auth_pop3, before=auth_pop3)),
        "hostile-greeting": made.add(LineServer("IMAP", tls=cert["good"], implicit=True, after=auth_imap, greeting=HOSTILE)),
        "silent": made.add(LineServer("IMAP", silent=True)),
        "silent-2": made.add(LineServer("IMAP", silent=True)),
    }
    # Each checked entry's good stand-in behind one gate, which opens once all of them are connected at once.
    gate = Gate(len([entry for entry in ENTRIES if not entry.skip]))
    for entry in ENTRIES:
        if not entry.skip:
            good = ports[f"{entry.protocol} {entry.security}"]
            ports[f"gated {entry.id}"] = made.add(GatedProxy(gate, good.port))
    dns = made.add(DnsServer(ZONES))
    silent_dns = made.add(SilentUdp())
    return {"ports": {name: server.port for name, server in ports.items()}, "servers": ports, "ca": cert["ca"],
            "dns": dns, "resolver": f"127.0.0.1:{dns.port}", "silent_dns": f"127.0.0.1:{silent_dns.port}"}


# The time allowed to a check that is not expected to run out of it: so long that no load makes it (no case waits
# for it: the cases that time out give their own, with a server that never answers).
ANSWERS_WITHIN = "30"


def server_args(standins: dict[str, Any], replace: dict[str, str] | None = None, *, timeout: str = ANSWERS_WITHIN,
                port_changes: dict[int, int] | None = None) -> list[str]:
    """`servers` with every published host and port sent to a stand-in (a mistake's instead of the good one)."""
    ports = {**standins["ports"], "refused": free_port()}
    args = ["servers", "--ca", str(standins["ca"]), "--resolver", standins["resolver"], "--timeout", timeout]
    for entry in ENTRIES:
        name = (replace or {}).get(entry.id, f"{entry.protocol} {entry.security}")
        if name in ports:
            args += ["--connect", f"{entry.host}:{entry.port}=127.0.0.1:{ports[name]}"]
            if entry.port in (port_changes or {}):  # the standard port is still checked, as std.ID, on the host
                args += ["--connect", f"{entry.host}:{port_changes[entry.port]}=127.0.0.1:{ports[name]}"]
    return args


ELSEWHERE = "mx.elsewhere.example.net"
CHANGED_PORTS = {993: 1993}


def changed_copy(folder: Path) -> Path:
    """tools/mailcheck.py beside a data file whose MX is ELSEWHERE and whose IMAP port is 1993."""
    for name in ("tools/mailcheck.py", "mkdocs.yml", "data/schemas/ports.schema.json", "data/anchors.txt"):
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_bytes((ROOT / name).read_bytes())
    text = (ROOT / "data" / "ports.yml").read_text(encoding="utf-8")
    old_port = f"    host: {DATA['mail'][0]['host']}\n    port: 993\n"
    assert DATA["mail"][0]["port"] == 993 and old_port in text and f"value: {MX}\n" in text, "data/ports.yml changed: update this test"
    text = text.replace(old_port, old_port.replace("993", "1993"), 1).replace(f"value: {MX}\n", f"value: {ELSEWHERE}\n")
    (folder / "data" / "ports.yml").write_text(text, encoding="utf-8")
    return folder / "tools" / "mailcheck.py"


SERVER_CASES = {  # name: (entry id -> stand-in, extra arguments)
    "servers-good": ({}, []),
    "servers-good-json": ({}, ["--json"]),
    "wrong-name": ({"imap": "wrong-name"}, []),
    "expiring": ({"smtp": "expiring"}, []),
    "smtp-clear-auth": ({"smtp-starttls": "smtp-clear-auth"}, []),
    "imap-clear-auth": ({"std.imap": "imap-clear-auth"}, []),
    "pop3-clear-auth": ({"std.pop3": "pop3-clear-auth"}, []),
    "pop3-no-auth": ({"pop3": "pop3-no-auth"}, []),
    "pop3-no-tls": ({"pop3": "pop3-no-tls"}, []),
    # A silent server among ports that refuse at once: no other check can run out of time, whatever the load.
    "servers-timeout": ({entry.id: "silent" if entry.id == "imap" else "refused" for entry in ENTRIES if not entry.skip},
                        ["--timeout", "1"]),
    "servers-refused": ({"imap": "refused"}, []),
    "servers-all-silent": ({entry.id: "silent" for entry in ENTRIES}, ["--timeout", "2"]),
    # Every server answers only once all of them are connected (mailstandins.Gate): checks made one after the
    # other would each wait alone until their time-out.
    "servers-parallel": ({entry.id: f"gated {entry.id}" for entry in ENTRIES if not entry.skip}, ["--timeout", "15"]),
    "hostile-greeting": ({"imap": "hostile-greeting"}, []),
    "hostile-greeting-json": ({"imap": "hostile-greeting"}, ["--json"]),
}

DOMAIN_CASES = {  # name: arguments after `domain`
    "good": ["good.ch", "--dkim-selector", SELECTOR],
    "good-no-selector": ["good.ch"],
    "good-json": ["good.ch", "--dkim-selector", SELECTOR, "--json"],
    "softfail-quarantine": ["softfail.ch", "--dkim-selector", SELECTOR],
    "idn": ["münchen.ch", "--dkim-selector", SELECTOR],
    "idn-upper-trailing-dot": ["MÜNCHEN.CH.", "--dkim-selector", SELECTOR],
    "full-width-dot": ["good\u3002ch", "--dkim-selector", SELECTOR],
    "wrong-mx": ["wrongmx.ch", "--dkim-selector", SELECTOR],
    "wrong-mx-fr": ["wrongmx.ch", "--lang", "fr"],
    "wrong-mx-json": ["wrongmx.ch", "--json"],
    "extra-mx": ["extramx.ch"],
    "no-mx": ["nomx.ch"],
    "spf-no-include": ["noinclude.ch"],
    "spf-neutral": ["neutral.ch"],
    "spf-plus-all": ["plusall.ch"],
    "spf-two": ["twospf.ch"],
    "spf-lookups": ["manylookups.ch"],
    "no-dkim": ["nodkim.ch", "--dkim-selector", SELECTOR],
    "no-dmarc": ["nodmarc.ch"],
    "dmarc-none": ["dmarcnone.ch"],
    "nxdomain": ["missing.ch"],
    "hostile-record": ["hostile.ch"],
}


BAD_INPUT = [  # each: one line on standard error, status 2
    ["domain", "https://example.ch/x"],
    ["domain", "name@example.ch"],
    ["domain", "example..ch"],
    ["domain", ""],
    ["domain", "192.0.2.1"],
    ["domain", "a" * 64 + ".ch"],
    ["domain", "example.ch", "--bogus"],
    ["domain", "example.ch", "--lang", "de"],
    ["domain", "example.ch", "--timeout", "soon"],
    ["domain", "example.ch", "--timeout", "nan"],
    ["domain", "example.ch", "--resolver", "dns.example.net"],
    ["domain", "example.ch", "--dkim-selector", "a b"],
    ["servers", "--connect", "mail.example.ch=127.0.0.1:1"],
    ["servers", "--connect", "mail.example.ch:993=127.0.0.1:99999"],
    ["servers", "--ca", "/nonexistent/ca.pem"],
    ["servers", "--ca", "/"],  # a folder
    ["nothing"],
    [],
]



def run_all(standins: dict[str, Any], folder: Path) -> dict[str, Any]:
    commands = {name: server_args(standins, replace) + extra for name, (replace, extra) in SERVER_CASES.items()}
    commands |= {name: ["domain", *args, "--resolver", standins["resolver"], "--timeout", ANSWERS_WITHIN] for name, args in DOMAIN_CASES.items()}
    commands["dns-timeout"] = ["domain", "good.ch", "--resolver", standins["silent_dns"], "--timeout", "1"]
    commands["dns-refused"] = ["domain", "good.ch", "--resolver", f"127.0.0.1:{free_port()}", "--timeout", "1"]
    for args in BAD_INPUT[:2]:  # the others are run in the test process (test_bad_input_is_one_line_and_status_2)
        commands[f"bad {args}"] = with_resolver(args)
    changed = changed_copy(folder / "copy")  # the same command, another data file
    commands["changed-data-domain"] = [*commands["wrong-mx"], "--script", str(changed)]
    commands["changed-data-servers"] = [*server_args(standins, {}, port_changes=CHANGED_PORTS), "--script", str(changed)]
    with ThreadPoolExecutor(max_workers=8) as pool:
        futures = {name: pool.submit(run, *args) for name, args in commands.items()}
        results = {name: future.result() for name, future in futures.items()}
    recorded = {name: [r.args, r.returncode, r.stdout, r.stderr] for name, r in results.items()}
    recorded["asked over TCP"] = [[], 0, "\n".join(standins["dns"].resolver.over_tcp), ""]
    return recorded


def run(*args: str, **kwargs: Any) -> subprocess.CompletedProcess[str]:
    """The command with these arguments (`--script PATH`, last: another copy of tools/mailcheck.py)."""
    command = [*COMMAND, *args]
    if args[-2:-1] == ("--script",):
        command = [sys.executable, args[-1], *args[:-2]]
    try:
        return subprocess.run(command, capture_output=True, text=True, timeout=120, check=False, **kwargs)
    except subprocess.TimeoutExpired as stopped:  # a failure of its test, not of every test of the module
        said = stopped.stdout.decode() if isinstance(stopped.stdout, bytes) else stopped.stdout or ""
        return subprocess.CompletedProcess(command, -9, said, f"still running after {stopped.timeout:g} s: stopped")



def with_resolver(args: list[str]) -> list[str]:
    """A domain job that got through would ask a port where nothing answers, never the internet."""
    return args + (["--resolver", "127.0.0.1:9", "--timeout", "1"] if args[:1] == ["domain"] and "--resolver" not in args else [])

