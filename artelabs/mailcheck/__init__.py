"""Check the provider's mail servers and a customer's domain against what the site promises (issue 21).

    python tools/mailcheck.py servers
    python tools/mailcheck.py domain example.ch --dkim-selector SELECTOR

Every value checked comes from data/ports.yml (read with artelabs.datafile and its schema), the site's
address and languages from mkdocs.yml, the section addresses from data/anchors.txt. The two jobs are
`servers` (artelabs.mailcheck.servers) and `domain` (artelabs.mailcheck.domain); this module holds what
they share: the options (`Settings`), the outcome of one check (`Result`), running checks in parallel.

Each check ends as one of:
    ok          as the pages promise
    different   a difference from what the pages promise (exit status 1)
    unchecked   could not be checked: time-out, no network, no such host (exit status 2)
    skipped     deliberately not checked, with the reason (no effect on the exit status)
"""

from __future__ import annotations

import ipaddress
import queue
import re
import ssl
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from artelabs import datafile

OK, DIFFERENT, UNCHECKED, SKIPPED = "ok", "different", "unchecked", "skipped"
# What a full stop may look like in a name pasted from a phone or a document in Chinese or Japanese.
DOTS = str.maketrans({"\u3002": ".", "\uff0e": ".", "\uff61": "."})


class UsageError(Exception):
    """A bad argument: one line, exit status 2."""


@dataclass
class Result:
    """The outcome of one check: what the pages promise, what was found, how long it took."""

    id: str
    status: str
    expected: str
    found: str
    seconds: float = 0.0
    problems: list[dict[str, str]] = field(default_factory=list)  # domain: {"text": …, "url": …}, one per line
    details: dict[str, Any] = field(default_factory=dict)

    def as_json(self) -> dict[str, Any]:
        return {
            "id": self.id, "status": self.status, "expected": self.expected, "found": self.found,
            "seconds": round(self.seconds, 3), "problems": self.problems, **self.details,
        }


def exit_status(results: Sequence[Result]) -> int:
    """1 when a difference was found (it is certain, even if another check could not run), else 2 when a
    check could not run, else 0."""
    statuses = {result.status for result in results}
    return 1 if DIFFERENT in statuses else 2 if UNCHECKED in statuses else 0


# -----------------------------------------------------------------------------
# What the site says
# -----------------------------------------------------------------------------


class _MkdocsLoader(yaml.SafeLoader):
    """mkdocs.yml with its !!python tags read as nothing (only plain values are needed here)."""


_MkdocsLoader.add_multi_constructor("tag:yaml.org,2002:python/", lambda loader, suffix, node: None)


@dataclass
class Site:
    root: Path
    data: dict[str, Any]
    site_url: str          # https://support.artelabs.ch/
    languages: dict[str, str]  # locale -> URL prefix ("" for the default language, "fr/" for French)
    anchors: frozenset[str]    # data/anchors.txt: /page/#id


def read_site(root: Path) -> Site:
    """data/ports.yml (checked against its schema), mkdocs.yml's address and languages, data/anchors.txt.
    Raises datafile.DataError with one line."""
    data = datafile.load(root / "data" / "ports.yml", name="data/ports.yml")
    try:
        config = yaml.load((root / "mkdocs.yml").read_text(encoding="utf-8"), Loader=_MkdocsLoader)
        anchors = (root / "data" / "anchors.txt").read_text(encoding="utf-8").splitlines()
    except (OSError, yaml.YAMLError) as error:
        raise datafile.DataError(f"mkdocs.yml or data/anchors.txt cannot be read ({error})") from None
    languages = {}
    for plugin in config.get("plugins") or []:
        if isinstance(plugin, dict) and "i18n" in plugin:
            for language in plugin["i18n"].get("languages") or []:
                languages[language["locale"]] = "" if language.get("default") else f"{language['locale']}/"
    if not config.get("site_url") or not languages:
        raise datafile.DataError("mkdocs.yml: expected site_url and the i18n plugin's languages")
    return Site(
        root=root, data=data, site_url=config["site_url"].rstrip("/") + "/", languages=languages,
        anchors=frozenset(line.strip() for line in anchors if line.startswith("/")),
    )


# -----------------------------------------------------------------------------
# Options
# -----------------------------------------------------------------------------


@dataclass
class Settings:
    timeout: float = 5.0
    resolver: Any = None            # a dns.resolver.Resolver, or None for the system's resolver
    resolver_label: str = "the system's resolver"
    ca: Path | None = None          # CA bundle; None: the system's
    connect: dict[tuple[str, int], tuple[str, int]] = field(default_factory=dict)

    def tls_context(self) -> ssl.SSLContext:
        context = ssl.create_default_context(cafile=str(self.ca) if self.ca else None)
        context.check_hostname = True
        context.verify_mode = ssl.CERT_REQUIRED
        return context


def parse_address(value: str, *, what: str, default_port: int | None = None) -> tuple[str, int]:
    """`127.0.0.1:5353`, `[::1]:5353` (or an address alone when default_port is given) -> (address, port)."""
    match = re.fullmatch(r"\[([0-9A-Fa-f:.]+)\](?::(\d+))?|([^:\[\]]+?)(?::(\d+))?", value.strip())
    if not match:
        raise UsageError(f"{what} '{value}' is not an address, expected such as 127.0.0.1:5353")
    host = match.group(1) or match.group(3)
    port_text = match.group(2) or match.group(4)
    if port_text is None and default_port is None:
        raise UsageError(f"{what} '{value}' has no port, expected such as 127.0.0.1:993")
    port = int(port_text) if port_text is not None else default_port
    if not 1 <= port <= 65535:
        raise UsageError(f"{what} '{value}': port {port} is out of range, expected 1 to 65535")
    return host, port


def parse_connect(values: Sequence[str]) -> dict[tuple[str, int], tuple[str, int]]:
    """--connect HOST:PORT=ADDRESS:PORT (repeatable)."""
    mapping = {}
    for value in values:
        if value.count("=") != 1:
            raise UsageError(f"--connect '{value}' is not HOST:PORT=ADDRESS:PORT, expected such as mail.example.ch:993=127.0.0.1:9993")
        left, right = value.split("=")
        host, port = parse_address(left, what="--connect")
        mapping[(host.lower().rstrip("."), port)] = parse_address(right, what="--connect")
    return mapping


def make_resolver(value: str | None, timeout: float) -> tuple[Any, str]:
    """dnspython's resolver, at --resolver ADDRESS[:PORT] (UDP, then TCP when an answer is truncated)
    or at the system's resolvers."""
    import dns.resolver

    if value is None:
        try:
            resolver = dns.resolver.Resolver()
        except dns.resolver.NoResolverConfiguration:
            raise UsageError("no DNS resolver configured on this machine (/etc/resolv.conf), expected --resolver ADDRESS[:PORT]") from None
        label = f"the system's resolver at {', '.join(str(server) for server in resolver.nameservers)}"
    else:
        address, port = parse_address(value, what="--resolver", default_port=53)
        try:
            ipaddress.ip_address(address)
        except ValueError:
            raise UsageError(f"--resolver '{value}': {address} is not an IP address, expected such as 127.0.0.1:5353") from None
        resolver = dns.resolver.Resolver(configure=False)
        resolver.nameservers = [address]
        resolver.port = port
        label = f"the resolver at {value}"
    resolver.lifetime = timeout
    resolver.timeout = timeout / 2  # a lost UDP answer is asked again within the time allowed
    resolver.cache = None
    return resolver, label


def normalise_domain(value: str) -> str:
    """The ASCII (xn--) form of a domain typed by staff: full-width dots and a trailing dot accepted,
    IDN turned into punycode. A URL or an address is refused (ValueError) with the domain to give instead."""
    from artelabs.postbuild.mail import domain_name

    text = value.strip().translate(DOTS)
    suggestion = ""
    if "@" in text and "/" not in text:
        suggestion = text.rsplit("@", 1)[1]
    elif "://" in text:
        suggestion = text.split("://", 1)[1].split("/", 1)[0].split("@")[-1].split(":")[0]
    try:
        return domain_name(text).lower()
    except ValueError as error:
        hint = ""
        if suggestion:
            try:
                hint = f"; did you mean {domain_name(suggestion).lower()}?"
            except ValueError:
                pass
        raise ValueError(f"{error}{hint}") from None


# -----------------------------------------------------------------------------
# Running the checks
# -----------------------------------------------------------------------------


def run_parallel(tasks: Sequence[Callable[[], Result]], progress: Callable[[int, int], None] | None = None) -> list[Result]:
    """Every task in its own daemon thread (a Ctrl-C or a closed pipe never waits for a slow server);
    the results in the order of the tasks."""
    done: queue.Queue[tuple[int, Result]] = queue.Queue()

    def run(index: int, task: Callable[[], Result]) -> None:
        started = time.monotonic()
        try:
            result = task()
        except Exception as error:  # noqa: BLE001 (a check's own bug is one line, never a traceback)
            result = Result(str(index), UNCHECKED, "", f"could not check: {type(error).__name__}: {error}")
        result.seconds = result.seconds or time.monotonic() - started
        done.put((index, result))

    for index, task in enumerate(tasks):
        threading.Thread(target=run, args=(index, task), daemon=True, name=f"mailcheck-{index}").start()
    results: dict[int, Result] = {}
    while len(results) < len(tasks):
        try:
            index, result = done.get(timeout=0.1)  # a short wait: Ctrl-C is seen at once
        except queue.Empty:
            continue
        results[index] = result
        if progress:
            progress(len(results), len(tasks))
    return [results[index] for index in range(len(tasks))]
