"""What the staff commands share: errors in one line, `NAME: what is wrong, expected …`, and exit status 2; what
they print made safe for a terminal (`visible`: a server's greeting, a DNS record or a redirect is shown, never
obeyed); a path argument checked for what it is (`path_problem`)."""

from __future__ import annotations

import argparse
import sys
import unicodedata
from pathlib import Path
from typing import NoReturn

# Characters a terminal would obey or hide rather than show: controls (ESC starts a terminal command, CR goes back
# to the start of the line), format characters (U+202E turns the text around, U+200B is invisible), line and
# paragraph separators, surrogates and unassigned code points (noncharacters such as U+FFFE). Spaces of every
# width (the no-break spaces of French) and private-use characters are shown as they are.
HIDDEN = frozenset({"Cc", "Cf", "Cs", "Cn", "Zl", "Zp"})
NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def visible(text: str) -> str:
    """text with every character of HIDDEN written as its escape (\\x1b, \\r, \\u202e, \\U0001ffff): what a
    server sent is printed as it was sent, never run by the terminal that shows it."""
    if text.isprintable():
        return text
    return "".join(_shown(char) for char in text)


def _shown(char: str) -> str:
    if char.isprintable() or unicodedata.category(char) not in HIDDEN:
        return char
    code = ord(char)
    return NAMED.get(char) or (f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}")


def visible_json(text: str) -> str:
    """A JSON document with every character of HIDDEN inside its strings written as a JSON escape (\\u202e): the
    same values for a script that reads it, nothing a terminal would obey for a person who reads it."""
    if text.isprintable():
        return text
    out = []
    for char in text:
        if char in "\n" or _shown(char) == char:  # the document's own line breaks (inside strings, json wrote \\n)
            out.append(char)
        elif ord(char) < 0x10000:
            out.append(f"\\u{ord(char):04x}")
        else:
            high, low = divmod(ord(char) - 0x10000, 0x400)
            out.append(f"\\u{0xD800 + high:04x}\\u{0xDC00 + low:04x}")
    return "".join(out)


def fail(name: str, message: str) -> NoReturn:
    print(f"{name}: {visible(message)}", file=sys.stderr)
    raise SystemExit(2)


def path_problem(option: str, path: Path, expected: str) -> str | None:
    """`--sources data: is a folder, expected a file of data/sources.yml's format`, or None when path is a file
    (one that cannot be read is left to the reading, which says why)."""
    if path.is_dir():
        return f"{option} {path}: is a folder, expected {expected}"
    if not path.exists():
        return f"{option} {path}: no such file, expected {expected}"
    return None


def parser_class(name: str) -> type[argparse.ArgumentParser]:
    """argparse with one-line errors for the command `name` (its usage text stays for --help)."""

    class Parser(argparse.ArgumentParser):
        def error(self, message: str) -> NoReturn:
            fail(name, message.replace("\n", " "))

    return Parser
