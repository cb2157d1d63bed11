"""Local stand-ins for tests/test_mailcheck.py: mail servers and a DNS server on 127.0.0.1, free ports.

Nothing here reaches the internet. Each stand-in is started by a fixture of the test module and stopped
at its end (`Standins.close`): no thread, port or file is left behind.

- `LineServer`: an IMAP or POP3 responder (socketserver, one thread per connection), implicit TLS or
  STARTTLS/STLS, with the capabilities given; `silent=True` accepts and never speaks, nor hangs up (time-outs, Ctrl-C);
  `greeting=` says something else first (a hostile server's terminal escapes).
- `smtp_server`: aiosmtpd, implicit TLS, STARTTLS, or plain text offering AUTH in clear.
- `DnsServer`: dnslib on UDP and TCP (the same port), serving the zones given; answers over 512 bytes are
  truncated on UDP, so that the command must retry over TCP.
- `Gate` and `GatedProxy`: ports that hold every connection until N are open at once, then relay each to a
  stand-in: checks made one after the other never get an answer (tests/test_mailcheck.py, in parallel).
- `certificates`: trustme: a CA, a good certificate for the host, one for another name, one expiring tomorrow.
"""

from __future__ import annotations

import datetime
import select
import socket
import socketserver
import ssl
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import trustme
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult
from dnslib import MX, QTYPE, RCODE, RR, TXT, A, DNSRecord
from dnslib.server import BaseResolver, DNSHandler, DNSLogger, DNSServer

LOCAL = "127.0.0.1"


# -----------------------------------------------------------------------------
# Certificates
# -----------------------------------------------------------------------------


def certificates(host: str, folder: Path) -> dict[str, Any]:
    """{"ca": path of the CA bundle, "good"/"wrong-name"/"expiring": server ssl.SSLContext}."""
    ca = trustme.CA()
    ca_file = folder / "ca.pem"
    ca.cert_pem.write_to_path(str(ca_file))
    tomorrow = datetime.datetime.now(datetime.UTC) + datetime.timedelta(days=1)
    contexts: dict[str, Any] = {"ca": ca_file}
    for name, cert in (
        ("good", ca.issue_cert(host)),
        ("wrong-name", ca.issue_cert(f"other.{host.split('.', 1)[1]}")),
        ("expiring", ca.issue_cert(host, not_after=tomorrow)),
    ):
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        cert.configure_cert(context)
        contexts[name] = context
    return contexts


# -----------------------------------------------------------------------------
# IMAP and POP3
# -----------------------------------------------------------------------------


class _LocalServer(socketserver.ThreadingTCPServer):
    """A TCP server on a free local port, serving in a thread of its own from its creation until close()."""

    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, handler: type[socketserver.BaseRequestHandler]) -> None:
        self.stopping = threading.Event()  # close(): a server that holds its clients lets them go
        super().__init__((LOCAL, 0), handler)
        self.port = self.server_address[1]
        self.thread = threading.Thread(target=self.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.stopping.set()
        self.shutdown()
        self.server_close()
        self.thread.join(5)


class LineServer(_LocalServer):
    """IMAP or POP3 with the capabilities given before and after TLS."""

    def __init__(self, protocol: str, *, tls: ssl.SSLContext | None = None, implicit: bool = False,
                 before: list[str] | None = None, after: list[str] | None = None, silent: bool = False,
                 greeting: str | None = None) -> None:
        self.protocol, self.tls, self.implicit, self.silent = protocol, tls, implicit, silent
        self.greeting = greeting  # instead of the protocol's own (a hostile server's terminal escapes)
        self.before, self.after = before or [], after or []
        self.connected = threading.Event()  # a client came (silent servers)
        super().__init__(_LineHandler)


class _LineHandler(socketserver.StreamRequestHandler):
    server: LineServer

    def setup(self) -> None:
        self.request.settimeout(30)
        if self.server.implicit and self.server.tls and not self.server.silent:
            try:
                self.request = self.server.tls.wrap_socket(self.request, server_side=True)
            except (ssl.SSLError, OSError):
                self.request = None
        if self.request is not None:
            super().setup()

    def finish(self) -> None:
        if self.request is not None:
            try:
                super().finish()
            except OSError:
                pass

    def say(self, *lines: str) -> None:
        self.wfile.write("".join(f"{line}\r\n" for line in lines).encode())

    def handle(self) -> None:
        if self.request is None:
            return
        try:
            if self.server.silent:  # never gives up on its own: only the client ends the wait (or close())
                self.server.connected.set()
                while not self.server.stopping.is_set():
                    if select.select([self.request], [], [], 0.1)[0] and not self.request.recv(1024):
                        return  # the client went
                return
            (self.imap if self.server.protocol == "IMAP" else self.pop3)()
        except Exception:  # noqa: BLE001, S110 (a client's mistake, such as TLS on a plain port, ends the connection only)
            pass

    def caps(self) -> list[str]:
        encrypted = isinstance(self.request, ssl.SSLSocket)
        return self.server.after if encrypted else self.server.before

    def upgrade(self) -> None:
        self.wfile.flush()
        self.request = self.server.tls.wrap_socket(self.request, server_side=True)
        self.rfile, self.wfile = self.request.makefile("rb"), self.request.makefile("wb", buffering=0)

    def imap(self) -> None:
        self.say(self.server.greeting or "* OK stand-in IMAP ready")
        while line := self.rfile.readline().decode("utf-8", "replace").strip():
            tag, _, command = line.partition(" ")
            command = command.upper()
            if command == "CAPABILITY":
                self.say(f"* CAPABILITY {' '.join(['IMAP4rev1', *self.caps()])}", f"{tag} OK CAPABILITY done")
            elif command == "STARTTLS" and self.server.tls:
                self.say(f"{tag} OK begin TLS")
                self.upgrade()
            elif command.startswith("AUTHENTICATE "):
                if f"AUTH={command.split()[1]}" in self.caps():  # goes on, in clear if the capabilities say so
                    self.say("+ ")
                    self.rfile.readline()
                    self.say(f"{tag} BAD cancelled")
                else:
                    self.say(f"{tag} NO [PRIVACYREQUIRED] TLS first")
            elif command == "LOGOUT":
                self.say("* BYE", f"{tag} OK LOGOUT done")
                return
            else:
                self.say(f"{tag} BAD unknown command")

    def pop3(self) -> None:
        self.say(self.server.greeting or "+OK stand-in POP3 ready")
        while line := self.rfile.readline().decode("utf-8", "replace").strip():
            command = line.upper()
            if command == "CAPA":
                self.say("+OK capabilities follow", *self.caps(), ".")
            elif command == "STLS" and self.server.tls:
                self.say("+OK begin TLS")
                self.upgrade()
            elif command.startswith("AUTH "):
                if any(cap.startswith("SASL ") and command.split()[1] in cap.split() for cap in self.caps()):
                    self.say("+ ")
                    self.rfile.readline()
                    self.say("-ERR cancelled")
                else:
                    self.say("-ERR TLS first")
            elif command == "QUIT":
                self.say("+OK bye")
                return
            else:
                self.say("-ERR unknown command")


# -----------------------------------------------------------------------------
# Held until every check has connected
# -----------------------------------------------------------------------------


class Gate:
    """Opens once `expected` connections are open at the same time (a connection closed while waiting no longer
    counts): an event, not a clock. Checks run one after the other never open it: each waits alone."""

    def __init__(self, expected: int) -> None:
        self.expected, self.waiting = expected, 0
        self.lock, self.open = threading.Lock(), threading.Event()

    def arrive(self) -> None:
        with self.lock:
            self.waiting += 1
            if self.waiting >= self.expected:
                self.open.set()

    def leave(self) -> None:
        with self.lock:
            self.waiting -= 1


class GatedProxy(_LocalServer):
    """A port that holds each connection until the gate opens, then relays its bytes (TLS included) to the
    stand-in on `target`, both ways. A client that gives up while held is let go."""

    def __init__(self, gate: Gate, target: int) -> None:
        self.gate, self.target = gate, target
        super().__init__(_GatedHandler)


class _GatedHandler(socketserver.BaseRequestHandler):
    server: GatedProxy

    def handle(self) -> None:
        client, gate = self.request, self.server.gate
        gate.arrive()
        try:
            while not gate.open.wait(0.05):  # held; a client that went away (its own time-out) stops counting
                if self.server.stopping.is_set() or self._gone(client):
                    return
        finally:
            gate.leave()
        with socket.create_connection((LOCAL, self.server.target), timeout=30) as upstream:
            sockets = {client: upstream, upstream: client}
            while not self.server.stopping.is_set():
                ready, _, _ = select.select(list(sockets), [], [], 0.5)
                for sock in ready:
                    data = sock.recv(65536)
                    if not data:
                        return
                    sockets[sock].sendall(data)

    @staticmethod
    def _gone(sock: socket.socket) -> bool:
        if not select.select([sock], [], [], 0)[0]:
            return False
        try:
            return sock.recv(1, socket.MSG_PEEK) == b""
        except OSError:
            return True


# -----------------------------------------------------------------------------
# SMTP (aiosmtpd)
# -----------------------------------------------------------------------------


class _BoundController(Controller):
    """aiosmtpd's Controller on a socket already bound to a free port (no race for the port)."""

    def __init__(self, handler: Any, sock: socket.socket, **kwargs: Any) -> None:
        self.sock = sock
        super().__init__(handler, hostname=LOCAL, port=sock.getsockname()[1], **kwargs)

    def _create_server(self):
        return self.loop.create_server(self._factory_invoker, sock=self.sock, ssl=self.ssl_context)


class SmtpServer:
    def __init__(self, *, implicit: ssl.SSLContext | None = None, starttls: ssl.SSLContext | None = None) -> None:
        sock = socket.socket()
        sock.bind((LOCAL, 0))
        self.port = sock.getsockname()[1]
        kwargs: dict[str, Any] = {"authenticator": lambda *args: AuthResult(success=False), "ready_timeout": 10}
        if implicit:
            kwargs.update(ssl_context=implicit, auth_require_tls=False)  # encrypted from the first byte
        elif starttls:
            kwargs.update(tls_context=starttls, auth_require_tls=True)
        else:
            kwargs.update(auth_require_tls=False)  # AUTH offered in clear: the mistake to report
        self.controller = _BoundController(object(), sock, **kwargs)
        self.controller.start()

    def close(self) -> None:
        self.controller.stop()


# -----------------------------------------------------------------------------
# DNS (dnslib)
# -----------------------------------------------------------------------------

Zones = dict[str, list[tuple[str, Any]]]  # name -> [("MX", (10, "host")), ("TXT", "v=spf1 …"), ("A", "127.0.0.1")]


class _Resolver(BaseResolver):
    def __init__(self, zones: Zones) -> None:
        self.zones = {name.lower().rstrip("."): records for name, records in zones.items()}
        self.over_tcp: list[str] = []  # the names asked over TCP

    def resolve(self, request: Any, handler: Any) -> Any:
        reply = request.reply()
        name = str(request.q.qname).lower().rstrip(".")
        kind = QTYPE[request.q.qtype]
        if getattr(handler, "protocol", "") == "tcp":
            self.over_tcp.append(name)
        if name not in self.zones:
            reply.header.rcode = RCODE.NXDOMAIN
            return reply
        for record_kind, value in self.zones[name]:
            if record_kind != kind:
                continue
            if kind == "MX":
                rdata = MX(value[1], value[0])
            elif kind == "TXT":
                rdata = TXT([value[i:i + 255].encode() for i in range(0, len(value), 255)] or [b""])
            else:
                rdata = A(value)
            reply.add_answer(RR(name, getattr(QTYPE, kind), rdata=rdata, ttl=60))
        return reply


class _Handler(DNSHandler):
    """Answers over 512 bytes on UDP are sent empty with the TC flag: the client must ask again over TCP.
    (dnslib's own truncation drops the question section, which dnspython rightly refuses.)"""

    def get_reply(self, data: bytes) -> bytes:
        request = DNSRecord.parse(data)
        reply = self.server.resolver.resolve(request, self)
        packed = reply.pack()
        if self.protocol == "udp" and len(packed) > 512:
            truncated = request.reply()
            truncated.header.tc = 1
            packed = truncated.pack()
        return packed


class DnsServer:
    def __init__(self, zones: Zones) -> None:
        self.resolver = resolver = _Resolver(zones)
        logger = DNSLogger(logf=lambda text: None)
        for _ in range(20):  # UDP on a free port, then TCP on the same number
            self.udp = DNSServer(resolver, port=0, address=LOCAL, logger=logger, handler=_Handler)
            self.port = self.udp.server.server_address[1]
            try:
                self.tcp = DNSServer(resolver, port=self.port, address=LOCAL, tcp=True, logger=logger, handler=_Handler)
                break
            except OSError:
                self.udp.server.server_close()
        else:
            raise RuntimeError("no port free for UDP and TCP together")
        for server in (self.udp, self.tcp):
            server.server.daemon_threads = True
            server.start_thread()

    def close(self) -> None:
        for server in (self.udp, self.tcp):
            server.server.shutdown()
            server.server.server_close()
            server.thread.join(5)


class SilentUdp:
    """A UDP port that never answers: a DNS time-out."""

    def __init__(self) -> None:
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.bind((LOCAL, 0))
        self.port = self.sock.getsockname()[1]

    def close(self) -> None:
        self.sock.close()


def free_port(kind: int = socket.SOCK_STREAM) -> int:
    """A port nothing listens on (refused)."""
    with socket.socket(socket.AF_INET, kind) as sock:
        sock.bind((LOCAL, 0))
        return sock.getsockname()[1]


class Standins:
    """Everything started for one test session, closed in reverse order."""

    def __init__(self) -> None:
        self.closers: list[Callable[[], None]] = []

    def add(self, standin: Any) -> Any:
        self.closers.append(standin.close)
        return standin

    def close(self) -> None:
        while self.closers:
            self.closers.pop()()
