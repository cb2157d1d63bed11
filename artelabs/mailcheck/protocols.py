"""The three mail protocols as `servers` speaks them: capabilities, STARTTLS, sign-in methods.

Only what the check needs: a greeting, the capabilities (IMAP CAPABILITY, POP3 CAPA, SMTP EHLO), the
switch to TLS (STARTTLS, STLS), and the start of a sign-in in clear, cancelled at once ("*") without
sending any name or password: it tells whether the server would go on before TLS.
"""

from __future__ import annotations

import socket
import ssl
import time
from collections.abc import Callable


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
            raise TimeoutError
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
    def accepts(self, method: str) -> bool: ...  # starts a sign-in with no name or password, then cancels it
    def quit(self) -> None: ...


class Imap(Dialogue):
    tag = 0

    def command(self, text: str) -> list[str]:
        tag = self.send(text)
        lines = []
        while True:
            line = self.c.line()
            if line.startswith(f"{tag} "):
                if not line[len(tag) + 1:].upper().startswith("OK"):
                    raise Different(f"{text} answered '{line[:80]}'")
                return lines
            lines.append(line)

    def send(self, text: str) -> str:
        self.tag += 1
        self.c.send(f"m{self.tag} {text}")
        return f"m{self.tag}"

    def accepts(self, method: str) -> bool:
        tag = self.send(f"AUTHENTICATE {method}")
        went_on = False
        while not (line := self.c.line()).startswith(f"{tag} "):
            if line.startswith("+") and not went_on:
                went_on = True
                self.c.send("*")  # cancelled (RFC 9051 section 6.2.2)
        return went_on

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

    def accepts(self, method: str) -> bool:
        self.c.send(f"AUTH {method}")
        if self.c.line().startswith("-"):
            return False
        self.c.send("*")  # cancelled (RFC 5034 section 4)
        self.c.line()
        return True

    def quit(self) -> None:
        self.c.send("QUIT")


class Smtp(Dialogue):
    last = ""

    def reply(self, what: str, code: str) -> list[str]:
        lines = []
        while True:
            line = self.last = self.c.line()
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

    def accepts(self, method: str) -> bool:
        self.c.send(f"AUTH {method}")
        self.reply("AUTH", "")  # any answer: 334 goes on, 530 or 538 refuses before TLS
        if not self.last.startswith("334"):
            return False
        self.c.send("*")  # cancelled (RFC 4954 section 4)
        self.reply("AUTH *", "")
        return True

    def quit(self) -> None:
        self.c.send("QUIT")


DIALOGUES: dict[str, Callable[[Connection], Dialogue]] = {"IMAP": Imap, "POP3": Pop3, "SMTP": Smtp}
