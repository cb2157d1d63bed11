"""`servers`: connect to every mail host and port the site publishes and check what its pages promise.

What is checked, all from data/ports.yml:
- the entries of `mail` (imap, pop3, smtp, smtp-starttls): each host and port, with its security;
- the mail ports of `standard_ports` on the provider's host of the same protocol (IMAP 143, POP3 110:
  /mail/ports/#standard-ports says the provider still answers on them), unless the entry is
  `not-for-clients` (port 25: the relay between servers, which the pages tell customers not to use),
  or is the same port as a `mail` entry (checked once).

On an `ssl-tls` port: TLS from the first byte. On a `starttls` port: STARTTLS (STLS for POP3) offered,
no sign-in offered in clear before it (IMAP: no AUTH= and LOGINDISABLED; POP3: no USER or SASL; SMTP:
no AUTH), none accepted either (the first of `account.methods` is started in clear, then cancelled before
any name or password is sent), and the connection upgraded. Then, on both: the certificate valid for the host name (as
verified by Python's ssl with the system's CA bundle or --ca) and not expiring within
`CERTIFICATE_DAYS` days, and at least one of `account.methods` (PLAIN, LOGIN) offered after TLS.
"""

from __future__ import annotations

import socket
import ssl
import time
from dataclasses import dataclass
from typing import Any

from artelabs.mailcheck import DIFFERENT, OK, SKIPPED, UNCHECKED, Result, Settings
from artelabs.mailcheck.protocols import (
    DIALOGUES,
    Connection,
    Different,
    Unreachable,
    wrap,
)

CERTIFICATE_DAYS = 30  # a certificate expiring sooner is reported (issue 21)
MAIL_PROTOCOLS = ("IMAP", "POP3", "SMTP")


@dataclass(frozen=True)
class Entry:
    id: str          # `imap`, `smtp-starttls` (mail), `std.imap` (standard_ports)
    protocol: str    # IMAP, POP3, SMTP
    host: str
    port: int
    security: str    # ssl-tls, starttls
    skip: str = ""   # why it is not checked


def entries(data: dict[str, Any]) -> list[Entry]:
    """The hosts and ports the site publishes, in the order of the data file."""
    found = [Entry(item["id"], item["protocol"], item["host"], item["port"], item["security"]) for item in data["mail"]]
    seen = {(entry.host, entry.port) for entry in found}
    hosts: dict[str, list[str]] = {}
    for entry in found:
        hosts.setdefault(entry.protocol, [])
        if entry.host not in hosts[entry.protocol]:
            hosts[entry.protocol].append(entry.host)
    for item in data["standard_ports"]:
        if item["label"] not in MAIL_PROTOCOLS:
            continue
        for host in hosts.get(item["label"], []):
            if (host, item["port"]) in seen:
                continue
            seen.add((host, item["port"]))
            skip = ""
            if item["status"] == "not-for-clients":
                skip = "not checked: the pages say this port is not for mail programs (/mail/ports/#port-25)"
            elif item["security"] == "none":
                skip = "not checked: the data gives it no security"
            found.append(Entry(f"std.{item['id']}", item["label"], host, item["port"], item["security"], skip))
    return found


# -----------------------------------------------------------------------------
# One entry
# -----------------------------------------------------------------------------


def expected_text(entry: Entry, methods: list[str]) -> str:
    start = "TLS from the first byte" if entry.security == "ssl-tls" else (
        f"{DIALOGUES[entry.protocol].starttls_word} offered, no sign-in before it, then TLS"  # type: ignore[attr-defined]
    )
    return f"{start}, certificate for {entry.host} valid {CERTIFICATE_DAYS}+ days, AUTH {' or '.join(methods)}"


def check(entry: Entry, settings: Settings, methods: list[str]) -> Result:
    """Connect to one entry and compare with what the pages promise."""
    started = time.monotonic()
    result = Result(entry.id, OK, expected_text(entry, methods), "", details={
        "protocol": entry.protocol, "host": entry.host, "port": entry.port, "security": entry.security,
    })
    if entry.skip:
        result.status, result.expected, result.found = SKIPPED, entry.skip, ""
        return result
    target = settings.connect.get((entry.host.lower(), entry.port))
    if target:
        result.details["connected_to"] = f"{target[0]}:{target[1]}"
    found: list[str] = []
    differences: list[str] = []
    connection = None
    try:
        deadline = started + settings.timeout
        sock = connect(entry.host, entry.port, target, settings, deadline)
        context = settings.tls_context()
        if entry.security == "ssl-tls":
            sock.settimeout(max(deadline - time.monotonic(), 0.001))
            sock = wrap(context, sock, entry.host)
        connection = Connection(sock, deadline)
        dialogue = DIALOGUES[entry.protocol](connection)
        dialogue.greeting()
        caps = dialogue.capabilities()
        if entry.security == "starttls":
            clear = dialogue.clear_signin(caps)
            if clear:
                differences.append(f"sign-in offered in clear before {dialogue.starttls_word}: {clear}")
            if dialogue.accepts(methods[0]):
                differences.append(f"AUTH {methods[0]} accepted in clear before {dialogue.starttls_word} (cancelled before any name or password)")
            if dialogue.starttls_word not in caps:
                differences.append(f"{dialogue.starttls_word} not offered")
                raise Different("")  # nothing more to learn without TLS
            dialogue.starttls()
            connection.start_tls(context, entry.host)
            caps = dialogue.capabilities()
        found.append(f"{connection.sock.version()}")  # type: ignore[attr-defined]
        found.append(certificate(connection.sock, differences))
        offered = dialogue.methods(caps)
        found.append(f"AUTH {' '.join(sorted(offered))}" if offered else "no AUTH")
        if not offered & set(methods):
            differences.append(f"none of AUTH {', '.join(methods)} offered after TLS")
        try:
            dialogue.quit()
        except OSError:
            pass
    except Different as error:
        if str(error):
            differences.append(str(error))
    except Unreachable as error:
        result.status, result.found = UNCHECKED, f"could not check: {error}"
    except TimeoutError:
        result.status, result.found = UNCHECKED, f"could not check: no answer within {settings.timeout:g} s"
    except ConnectionRefusedError:
        result.status, result.found = UNCHECKED, "could not check: connection refused"
    except OSError as error:
        result.status, result.found = UNCHECKED, f"could not check: {error.strerror or error}"
    except Exception as error:  # noqa: BLE001 (an answer this code did not foresee: one line, never a traceback)
        result.status, result.found = UNCHECKED, f"could not check: {type(error).__name__}: {error}"
    finally:
        if connection:
            connection.close()
    if result.status == OK:
        result.found = " — ".join(part for part in (", ".join(found), "; ".join(differences)) if part)
        if differences:
            result.status = DIFFERENT
            result.details["differences"] = differences
    result.seconds = time.monotonic() - started
    return result


def connect(host: str, port: int, target: tuple[str, int] | None, settings: Settings, deadline: float) -> socket.socket:
    if target is None and settings.resolver is not None:
        target = (resolve(host, settings), port)
    address, to_port = target or (host, port)
    remaining = deadline - time.monotonic()
    if remaining <= 0:
        raise TimeoutError
    try:
        return socket.create_connection((address, to_port), timeout=remaining)
    except socket.gaierror as error:
        raise Unreachable(f"{host} not found ({error.strerror})") from None


def resolve(host: str, settings: Settings) -> str:
    import dns.exception
    import dns.resolver

    for kind in ("A", "AAAA"):
        try:
            return str(settings.resolver.resolve(host, kind)[0])
        except dns.resolver.NoAnswer:
            continue
        except dns.resolver.NXDOMAIN:
            raise Unreachable(f"{host} not found (NXDOMAIN from {settings.resolver_label})") from None
        except dns.exception.Timeout:
            raise Unreachable(f"no DNS answer for {host} within {settings.timeout:g} s from {settings.resolver_label}") from None
        except dns.exception.DNSException as error:
            raise Unreachable(f"{host}: {error}") from None
    raise Unreachable(f"{host} has no address")


def certificate(sock: Any, differences: list[str]) -> str:
    """'certificate valid until 2027-01-05 (34 days)'; a difference when it expires within CERTIFICATE_DAYS."""
    cert = sock.getpeercert()
    expires = ssl.cert_time_to_seconds(cert["notAfter"])
    days = int((expires - time.time()) // 86400)
    left = "less than a day" if days < 1 else f"{days} day{'s' if days > 1 else ''}"
    text = f"certificate valid until {time.strftime('%Y-%m-%d', time.gmtime(expires))} ({left})"
    if days < CERTIFICATE_DAYS:
        differences.append(f"certificate expires in {left}, expected {CERTIFICATE_DAYS} or more days")
    return text
