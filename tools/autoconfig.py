"""Thunderbird's autoconfiguration file (config-v1.1.xml) for a customer's mail domains.

    python tools/autoconfig.py autoconfig example.ch example.com --out DIR

Writes DIR/config-v1.1.xml (without --out, to standard output) from data/ports.yml:
IMAP and POP3 incoming, both SMTP options (in the data's order, recommended first), the full address as
user name. See guide/customer-domain.md.
Every bad argument or output path gives one line on standard error and exit status 2.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import NoReturn

from artelabs import cli
from artelabs import datafile
from artelabs.postbuild import mail as mailfiles

ROOT = Path(__file__).resolve().parent.parent

PROG = "python tools/autoconfig.py"


_Parser = cli.parser_class("autoconfig")


def fail(message: str) -> NoReturn:
    cli.fail("autoconfig", message)


def main(argv: list[str] | None = None) -> int:
    parser = _Parser(
        prog=PROG, description="Write Thunderbird's autoconfiguration file (config-v1.1.xml) for a customer's domains."
    )
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    command = commands.add_parser("autoconfig", help="config-v1.1.xml for one or more mail domains")
    command.add_argument("domains", nargs="+", metavar="DOMAIN", help="a customer's mail domain, e.g. example.ch")
    command.add_argument("--out", type=Path, metavar="DIR", help=f"write DIR/{mailfiles.AUTOCONFIG} (default: standard output)")
    command.add_argument("--force", action="store_true", help=f"replace an existing DIR/{mailfiles.AUTOCONFIG}")
    arguments = sys.argv[1:] if argv is None else argv
    for value in arguments[1:]:
        if value.startswith("-") and value.split("=", 1)[0] not in ("-h", "--help", "--out", "--force"):
            fail(f"'{value}' is not an option of {PROG} autoconfig (options: --out DIR, --force), expected a domain such as example.ch")
    args = parser.parse_args(arguments)

    domains: list[str] = []
    for value in args.domains:
        try:
            ascii_name = mailfiles.domain_name(value)
        except ValueError as error:
            fail(f"'{value}' is not a domain name: {error}")
        if ascii_name not in domains:
            domains.append(ascii_name)
    try:
        data = datafile.load(ROOT / "data" / "ports.yml", name="data/ports.yml")
        xml = mailfiles.autoconfig(data, datafile.Strings(ROOT / "data" / "strings.yml"), domains)
    except (datafile.DataError, mailfiles.MailConfigError) as error:
        print(cli.visible(f"autoconfig: {error}"), file=sys.stderr)
        return 1
    if args.out is None:
        try:
            sys.stdout.buffer.write(xml)
            sys.stdout.buffer.flush()
        except BrokenPipeError:  # `| head -1`: the reader has what it wanted
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # no second error when Python exits
            return 0
        except OSError as error:
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            fail(f"cannot write to standard output ({error.strerror}), expected room on the disk or a reader")
        return 0
    target = args.out / mailfiles.AUTOCONFIG
    if args.out.exists() and not args.out.is_dir():
        fail(f"--out {args.out}: is a file, expected a folder (the file written is {mailfiles.AUTOCONFIG} inside it)")
    if target.exists() and not args.force:
        fail(f"--out {args.out}: {target} exists, expected a new folder (or --force to replace it)")
    try:
        args.out.mkdir(parents=True, exist_ok=True)
        temporary = target.with_name(f".{target.name}.{os.getpid()}")
        temporary.write_bytes(xml)
        temporary.replace(target)
    except OSError as error:
        fail(f"--out {args.out}: cannot write {target} ({error.strerror}), expected a folder you can write to")
    print(f"wrote {target} for {', '.join(domains)}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:
        print("autoconfig: interrupted, nothing written", file=sys.stderr)
        sys.exit(130)
