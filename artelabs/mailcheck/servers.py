"""`servers`: connect to every mail host and port the site publishes and check what its pages promise.

What is checked, all from data/ports.yml:
- the entries of `mail` (imap, pop3, smtp, smtp-starttls): each host and port, with its security;
- the mail ports of `standard_ports` on the provider's host of the same protocol (IMAP 143, POP3 110:
  /mail/ports/#standard-ports says the provider still answers on them), unless the entry is
  `not-for-clients` (port 25: the relay between servers, which the pages tell customers not to use),
  or is the same port as a `mail` entry (checked once).

On an `ssl-tls` port: TLS from the first byte. On a `starttls` port: STARTTLS (STLS for POP3) offered,
no sign-in offered in clear before it (IMAP: no AUTH= and LOGINDISABLED; POP3: no USER or SASL; SMTP:
no AUTH), and the connection upgraded. Then, on both: the certificate valid for the host name (as
verified by Python's ssl with the system's CA bundle or --ca) and not expiring within
`CERTIFICATE_DAYS` days, and at least one of `account.methods` (PLAIN, LOGIN) offered after TLS.
"""

from __future__ import annotations

import socket
import ssl
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from artelabs.mailcheck import DIFFERENT, OK, SKIPPED, UNCHECKED, Result, Settings

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


class Different(Exception):
    """The server does not do what the pages promise (one line)."""


class Unreachable(Exception):
    """The check could not be made: no answer, no network, no such host (one line)."""


class Connection:
    """A line-based dialogue with a deadline for the whole check."""

    def __init__(self, sock: socket.socket, deadline: float) -> None:
        self.sock, self.deadline = sock, deadline
        self.reader = sock.makefile("rb")
        self.tls_version = ""

    def _remaining(self) -> float:
        left = self.deadline - time.monotonic()
        if left <= 0:
            raise socket.timeout
        return left

    def line(self) -> str:
        self.sock.settimeout(self._remaining())
        data = self.reader.readline(65536)
        if not data:
            raise Different("the server closed the connection")
        return data.decode("utf-8", "replace").rstrip("\r\n")

    def send(self, text: str) -> None:
        self.sock.settimeout(self._remaining())
        self.sock.sendall(text.encode("ascii") + b"\r\n")

    def start_tls(self, context: ssl.SSLContext, host: str) -> None:
        self.reader.close()
        self.sock.settimeout(self._remaining())
        self.sock = wrap(context, self.sock, host)
        self.reader = self.sock.makefile("rb")

    def close(self) -> None:
        try:
            self.reader.close()
            self.sock.close()
        except OSError:
            pass


def wrap(context: ssl.SSLContext, sock: socket.socket, host: str) -> ssl.SSLSocket:
    try:
        return context.wrap_socket(sock, server_hostname=host)
    except ssl.SSLCertVerificationError as error:
        raise Different(f"certificate refused: {error.verify_message}") from None
    except ssl.SSLError as error:
        raise Different(f"no TLS ({error.reason or error})") from None


# -----------------------------------------------------------------------------
# The three protocols: capabilities before TLS, the upgrade, capabilities after
# -----------------------------------------------------------------------------


class Dialogue:
    """What a protocol says: its capabilities, its way to STARTTLS, its sign-in methods."""

    starttls_word = "STARTTLS"

    def __init__(self, connection: Connection) -> None:
        self.c = connection

    def greeting(self) -> None: ...
    def capabilities(self) -> set[str]: ...
    def starttls(self) -> None: ...
    def methods(self, caps: set[str]) -> set[str]: ...
    def clear_signin(self, caps: set[str]) -> str: ...  # what offers a sign-in in clear, or ""
    def quit(self) -> None: ...


class Imap(Dialogue):
    tag = 0

    def command(self, text: str) -> list[str]:
        self.tag += 1
        tag = f"m{self.tag}"
        self.c.send(f"{tag} {text}")
        lines = []
        while True:
            line = self.c.line()
            if line.startswith(f"{tag} "):
                if not line[len(tag) + 1:].upper().startswith("OK"):
                    raise Different(f"{text} answered '{line[:80]}'")
                return lines
            lines.append(line)

    def greeting(self) -> None:
        line = self.c.line()
        if not line.upper().startswith(("* OK", "* PREAUTH")):
            raise Different(f"greeting '{line[:80]}' is not IMAP")

    def capabilities(self) -> set[str]:
        caps = set()
        for line in self.command("CAPABILITY"):
            if line.upper().startswith("* CAPABILITY "):
                caps.update(line.split()[2:])
        return {cap.upper() for cap in caps}

    def starttls(self) -> None:
        self.command("STARTTLS")

    def methods(self, caps: set[str]) -> set[str]:
        return {cap[5:] for cap in caps if cap.startswith("AUTH=")}

    def clear_signin(self, caps: set[str]) -> str:
        offered = sorted(f"AUTH={method}" for method in self.methods(caps))
        if "LOGINDISABLED" not in caps:
            offered.append("LOGIN (no LOGINDISABLED)")
        return " ".join(offered)

    def quit(self) -> None:
        self.c.send(f"m{self.tag + 1} LOGOUT")


class Pop3(Dialogue):
    starttls_word = "STLS"

    def ok(self, what: str) -> None:
        line = self.c.line()
        if not line.startswith("+OK"):
            raise Different(f"{what} answered '{line[:80]}'")

    def greeting(self) -> None:
        self.ok("the greeting")

    def capabilities(self) -> set[str]:
        self.c.send("CAPA")
        self.ok("CAPA")
        caps = set()
        while (line := self.c.line()) != ".":
            caps.add(line.upper())
        return caps

    def starttls(self) -> None:
        self.c.send("STLS")
        self.ok("STLS")

    def methods(self, caps: set[str]) -> set[str]:
        return {method for cap in caps if cap.startswith("SASL ") for method in cap.split()[1:]}

    def clear_signin(self, caps: set[str]) -> str:
        offered = [f"SASL {method}" for method in sorted(self.methods(caps))]
        return " ".join(offered + (["USER"] if "USER" in caps else []))

    def quit(self) -> None:
        self.c.send("QUIT")


class Smtp(Dialogue):
    def reply(self, what: str, code: str) -> list[str]:
        lines = []
        while True:
            line = self.c.line()
            lines.append(line[4:])
            if len(line) < 4 or line[3] != "-":
                if not line.startswith(code):
                    raise Different(f"{what} answered '{line[:80]}'")
                return lines

    def greeting(self) -> None:
        self.reply("the greeting", "220")

    def capabilities(self) -> set[str]:
        address = self.c.sock.getsockname()[0]
        self.c.send(f"EHLO [{'IPv6:' if ':' in address else ''}{address}]")  # an address literal: no name to invent
        return {line.upper() for line in self.reply("EHLO", "250")[1:]}

    def starttls(self) -> None:
        self.c.send("STARTTLS")
        self.reply("STARTTLS", "220")

    def methods(self, caps: set[str]) -> set[str]:
        return {method for cap in caps if cap.startswith(("AUTH ", "AUTH=")) for method in cap[5:].split()}

    def clear_signin(self, caps: set[str]) -> str:
        return " ".join(f"AUTH {method}" for method in sorted(self.methods(caps)))

    def quit(self) -> None:
        self.c.send("QUIT")


DIALOGUES: dict[str, Callable[[Connection], Dialogue]] = {"IMAP": Imap, "POP3": Pop3, "SMTP": Smtp}


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
    except socket.timeout:
        result.status, result.found = UNCHECKED, f"could not check: no answer within {settings.timeout:g} s"
    except ConnectionRefusedError:
        result.status, result.found = UNCHECKED, "could not check: connection refused"
    except OSError as error:
        result.status, result.found = UNCHECKED, f"could not check: {error.strerror or error}"
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
        raise socket.timeout
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
