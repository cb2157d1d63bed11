"""Check the provider's mail servers, or a customer's domain, against what the support site promises.

    python tools/mailcheck.py servers                      # before publishing a change to data/ports.yml
    python tools/mailcheck.py domain example.ch [--dkim-selector SELECTOR] [--lang fr]   # on a mail ticket

Both read data/ports.yml (see guide/customer-domain.md); the checks are in
artelabs/mailcheck/. Options of both: --json, --timeout SECONDS, --resolver ADDRESS[:PORT]; of servers:
--ca FILE, --connect HOST:PORT=ADDRESS:PORT (repeatable). Exit status: 0 all as expected, 1 a difference found,
2 could not check (no network, no such domain, time-out) or a bad argument, each with one line saying why;
130 when interrupted (Ctrl-C).
"""

from __future__ import annotations

import argparse
import json
import math
import os
import sys
from pathlib import Path
from typing import NoReturn

from artelabs import cli
from artelabs import datafile, mailcheck
from artelabs.mailcheck import domain as domaincheck
from artelabs.mailcheck import servers as servercheck

ROOT = Path(__file__).resolve().parent.parent
PROG = "python tools/mailcheck.py"
DEFAULT_TIMEOUT = 5.0


_Parser = cli.parser_class("mailcheck")


def fail(message: str) -> NoReturn:
    cli.fail("mailcheck", message)


def seconds(value: str) -> float:
    try:
        number = float(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{value}' is not a number of seconds, expected such as 5") from None
    if not math.isfinite(number) or not 0.1 <= number <= 600:
        raise argparse.ArgumentTypeError(f"{value} is out of range, expected seconds from 0.1 to 600")
    return number


def parser() -> _Parser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--json", action="store_true", help="one JSON document on standard output, for scripts")
    common.add_argument("--timeout", type=seconds, default=DEFAULT_TIMEOUT, metavar="SECONDS",
                        help=f"time allowed to each check (default {DEFAULT_TIMEOUT:g})")
    common.add_argument("--resolver", metavar="ADDRESS[:PORT]", help="ask this DNS server (UDP, then TCP) instead of the system's")
    tls = argparse.ArgumentParser(add_help=False)
    tls.add_argument("--ca", type=Path, metavar="FILE", help="verify certificates with this CA bundle (PEM) instead of the system's")
    tls.add_argument("--connect", action="append", default=[], metavar="HOST:PORT=ADDRESS:PORT",
                        help="connect there instead, still verifying the certificate for HOST (repeatable)")
    main = _Parser(prog=PROG, description="Check the mail servers, or a customer's domain, against what the support site promises.")
    jobs = main.add_subparsers(dest="job", required=True, parser_class=_Parser)
    jobs.add_parser("servers", parents=[common, tls], help="every mail host and port of data/ports.yml",
                    description="Connect to every mail host and port of data/ports.yml and check TLS, STARTTLS, the certificate and the sign-in methods.")
    job = jobs.add_parser("domain", parents=[common], help="a customer's DNS: MX, SPF, DKIM, DMARC",
                          description="Check a customer's DNS against /mail/domain/: MX, SPF, DKIM, DMARC.")
    job.add_argument("domain", metavar="DOMAIN", help="the customer's mail domain, e.g. example.ch")
    job.add_argument("--dkim-selector", metavar="SELECTOR", help="the DKIM selector shown in the provider's Manager")
    job.add_argument("--lang", default="en", metavar="LANG", help="language of the site's addresses printed (en, fr)")
    return main


class Progress:
    """`mailcheck: 3 of 6 checks done` on standard error, only when it is a terminal."""

    def __init__(self) -> None:
        self.shown = sys.stderr.isatty()

    def __call__(self, done: int, total: int) -> None:
        if self.shown:
            sys.stderr.write(f"\rmailcheck: {done} of {total} checks done")
            sys.stderr.flush()

    def clear(self) -> None:
        if self.shown:
            sys.stderr.write("\r\033[K")
            sys.stderr.flush()


def server_lines(results: list[mailcheck.Result]) -> list[str]:
    out = []
    for result in results:
        where = f"{result.details.get('host')}:{result.details.get('port')} {result.details.get('security')}"
        via = f" (via {result.details['connected_to']})" if "connected_to" in result.details else ""
        if result.status == mailcheck.SKIPPED:
            out.append(f"{result.status:<9} {result.id:<15} {where}: {result.expected}")
            continue
        out.append(f"{result.status:<9} {result.id:<15} {where}{via}: expected {result.expected}; "
                   f"found {result.found} ({result.seconds:.2f} s)")
    checked = [result for result in results if result.status != mailcheck.SKIPPED]
    different = [result.id for result in checked if result.status == mailcheck.DIFFERENT]
    unchecked = [result for result in checked if result.status == mailcheck.UNCHECKED]
    if different:
        summary = f"{len(different)} of {len(checked)} entries differ from what the pages promise: {', '.join(different)}"
    elif unchecked:
        why = unchecked[0].found.removeprefix("could not check: ")
        summary = f"could not check {len(unchecked)} of {len(checked)} entries ({', '.join(r.id for r in unchecked)}): {why}"
    else:
        summary = f"all {len(checked)} entries as the pages promise"
    out.append(f"servers: {summary}")
    return out


def run(argv: list[str] | None) -> int:
    args = parser().parse_args(sys.argv[1:] if argv is None else argv)
    if args.job == "domain":  # before anything is read: a mistyped domain is answered at once
        try:
            name = mailcheck.normalise_domain(args.domain)
        except ValueError as error:
            fail(f"'{args.domain}' is not a domain name: {error}")
        if args.dkim_selector is not None and not domaincheck.SELECTOR.fullmatch(args.dkim_selector):
            fail(f"--dkim-selector '{args.dkim_selector}' is not a selector, expected letters, digits, - and _ such as default")
    try:
        site = mailcheck.read_site(ROOT)
    except datafile.DataError as error:
        fail(str(error))
    try:
        connect = mailcheck.parse_connect(getattr(args, "connect", []))
        resolver, label = (None, "the system's resolver")
        if args.job == "domain" or args.resolver:
            resolver, label = mailcheck.make_resolver(args.resolver, args.timeout)
    except mailcheck.UsageError as error:
        fail(str(error))
    ca = getattr(args, "ca", None)
    if ca is not None and (problem := cli.path_problem("--ca", ca, "a CA bundle file (PEM)")):
        fail(problem)
    settings = mailcheck.Settings(timeout=args.timeout, resolver=resolver, resolver_label=label, ca=ca, connect=connect)
    if ca is not None:
        try:
            settings.tls_context()
        except (OSError, ValueError) as error:  # ssl.SSLError is an OSError
            fail(f"--ca {ca}: {getattr(error, 'strerror', None) or error}, expected a CA bundle in PEM")
    progress = Progress()
    if args.job == "servers":
        methods = list(site.data["account"]["methods"])
        results = mailcheck.run_parallel(
            [lambda entry=entry: servercheck.check(entry, settings, methods) for entry in servercheck.entries(site.data)], progress
        )
        progress.clear()
        status = mailcheck.exit_status(results)
        text = server_lines(results)
        document = {"job": "servers", "status": status, "summary": text[-1], "entries": [result.as_json() for result in results]}
    else:
        if args.lang not in site.languages:
            fail(f"--lang {args.lang}: not a language of the site, expected one of {', '.join(site.languages)}")
        results, fatal = domaincheck.check_domain(name, site, settings, args.dkim_selector, args.lang, progress)
        progress.clear()
        status = 2 if fatal else mailcheck.exit_status(results)
        text = domaincheck.lines(name, results, fatal)
        document = {"job": "domain", "input": args.domain, "domain": name, "status": status, "summary": text[-1],
                    "checks": [] if fatal else [result.as_json() for result in results]}
    # What the servers and the DNS sent (greetings, capabilities, records) shown, never obeyed by the terminal.
    output = (cli.visible_json(json.dumps(document, ensure_ascii=False, indent=2)) + "\n" if args.json
              else "".join(f"{cli.visible(line)}\n" for line in text))
    try:
        sys.stdout.write(output)
        sys.stdout.flush()
    except BrokenPipeError:  # `| head -1`: the reader has gone; say nothing more
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    return status


def main(argv: list[str] | None = None) -> int:
    try:
        return run(argv)
    except KeyboardInterrupt:
        sys.stderr.write("\r\033[K" if sys.stderr.isatty() else "")
        print("mailcheck: interrupted (Ctrl-C), the check did not finish", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
