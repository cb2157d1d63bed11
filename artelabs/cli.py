"""What the staff commands share: errors in one line, `NAME: what is wrong, expected …`, and exit status 2."""

from __future__ import annotations

import argparse
import sys
from typing import NoReturn


def fail(name: str, message: str) -> NoReturn:
    print(f"{name}: {message}", file=sys.stderr)
    raise SystemExit(2)


def parser_class(name: str) -> type[argparse.ArgumentParser]:
    """argparse with one-line errors for the command `name` (its usage text stays for --help)."""

    class Parser(argparse.ArgumentParser):
        def error(self, message: str) -> NoReturn:
            fail(name, message.replace("\n", " "))

    return Parser
