"""Reading a data file: YAML read as typed, or refused with one line.

PyYAML follows YAML 1.1, which turns some plain values into others on the way: `0465` into the
number 309 (octal), `no` and `on` into true/false, `1:30` into 90, `1e3` into 1000.0. Here a plain
value is read with YAML 1.2's core rules, and what 1.1 and 1.2 would read differently, or what
changes on the way to a number, is refused with its line:

- text stays text: `no`, `on`, `yes`, `off`, `1:30`, `1_000`, dates (checked as dates where a date
  is expected);
- true/false, null/~ and whole or decimal numbers written plainly (`993`, `-1`, `1.5`) are what
  they say;
- refused: a number with leading zeros (`0465`, `0221234567`: quote it if it is text), in another
  base (`0x1d1`, `0o17`), with an exponent (`1e3`), `.inf` and `.nan`;
- refused: anchors and aliases (`&name`, `*name`, `<<:`): a data file writes each value out, and an
  alias bomb cannot make a check run for minutes; a file larger than MAX_BYTES;
- refused: a character that the outputs cannot carry (XML 1.0 of the feed and the pages, iCalendar, the PDF):
  control characters, Unicode noncharacters (U+FFFE, U+FDD0-U+FDEF, U+1FFFF...) and surrogates, typed raw
  or as an escape ("\uFFFE"), each named by its code point on its own line (`uncarried`).
"""

from __future__ import annotations

import gc
import hashlib
import re
from datetime import date, datetime
from pathlib import Path
from typing import Any

import yaml

LANGUAGES = ("en", "fr")
MAX_BYTES = 512 * 1024  # the largest data file is about 20 KB
CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")
# What no output can carry: C0 and C1 controls (tab, line feed and carriage return apart), surrogates and the 66
# Unicode noncharacters (U+FDD0-U+FDEF and the last two code points of every plane). XML 1.0 refuses most of them
# (lxml stops at U+FFFE), iCalendar and the PDF's fonts have no use for any.
NONCHARACTERS = "\ud800-\udfff\ufdd0-\ufdef" + "".join(chr(plane * 0x10000 + 0xFFFE) + chr(plane * 0x10000 + 0xFFFF)
                                                      for plane in range(17))
UNCARRIED = re.compile(f"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f{NONCHARACTERS}]")
NONCHARACTER = re.compile(f"[{NONCHARACTERS}]")  # in a value: the control characters are CONTROL's

# Plain values read as something other than text (YAML 1.2 core schema, kept where 1.1 agrees).
NULL = re.compile(r"(?:~|null|Null|NULL|)\Z")
BOOL = re.compile(r"(?:true|True|TRUE|false|False|FALSE)\Z")
INT = re.compile(r"[-+]?(?:0|[1-9][0-9]*)\Z")
FLOAT = re.compile(r"[-+]?(?:[0-9]+\.[0-9]*|\.[0-9]+)\Z")
# Plain values that one YAML version or the other turns into a number: refused, not guessed.
CONVERTED = (
    (re.compile(r"[-+]?0[0-9_]+(?:\.[0-9]*)?\Z"), "has a leading zero (YAML reads 0465 as another number)",
     "the number without it (465), or the value in quotes if it is text (\"0221234567\")"),
    (re.compile(r"[-+]?0[xXoObB][0-9a-fA-F_]+\Z"), "is a number in another base", "a decimal number, or the value in quotes"),
    (re.compile(r"[-+]?(?:[0-9][0-9_]*)?\.?[0-9_]*[eE][-+]?[0-9]+\Z"), "is a number with an exponent (1e3 is 1000.0)",
     "the number written out, or the value in quotes"),
    (re.compile(r"[-+]?\.(?:inf|Inf|INF)\Z|\.(?:nan|NaN|NAN)\Z"), "is infinity or not-a-number", "a number, or the value in quotes"),
    (re.compile(r"[-+]?[0-9][0-9_]*_[0-9_]*(?:\.[0-9_]*)?\Z"), "is a number with an underscore (YAML may read 1_000 as 1000)",
     "the number without it, or the value in quotes"),
)


class DataError(Exception):
    """A mistake in a data file, as one line: `file:line: where: what was found, what was expected`."""


class _Loader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # libyaml's parser when present
    """YAML's safe loader with YAML 1.2's plain values (see the module's text); dates stay text."""


_Loader.yaml_implicit_resolvers = {}
for _tag, _regexp, _first in (
    ("tag:yaml.org,2002:null", NULL, ["~", "n", "N", ""]),
    ("tag:yaml.org,2002:bool", BOOL, list("tTfF")),
    ("tag:yaml.org,2002:int", INT, list("-+0123456789")),
    ("tag:yaml.org,2002:float", FLOAT, list("-+.0123456789")),
):
    _Loader.add_implicit_resolver(_tag, _regexp, _first)


class Document:
    """A parsed YAML file with the line of every value, to name it in a message."""

    def __init__(self, path: Path, name: str) -> None:
        self.path, self.name = path, name
        try:
            if path.is_dir() and not path.is_symlink():
                raise DataError(f"{name}: a folder, expected a file of YAML data")
            if path.is_symlink() or not path.is_file():
                raise DataError(f"{name}: {'a symbolic link' if path.is_symlink() else 'missing'}, expected the file "
                                "itself in the repository (see git log -p -- " + name + ")")
            size = path.stat().st_size
            if size > MAX_BYTES:
                raise DataError(f"{name}: {size:,} bytes, expected at most {MAX_BYTES:,} (a data file holds values, not documents)")
            raw = path.read_bytes()
        except OSError as error:
            raise DataError(f"{name}: cannot be read ({error.strerror}), expected the file in the repository") from None
        self.digest = hashlib.sha256(raw).hexdigest()
        try:
            self.text = raw.decode("utf-8")
        except UnicodeDecodeError as error:
            line = raw[: error.start].count(b"\n") + 1
            column = error.start - (raw.rfind(b"\n", 0, error.start) + 1) + 1
            raise DataError(
                f"{name}:{line}: byte 0x{raw[error.start]:02x} at column {column} is not UTF-8, "
                "expected the file saved as UTF-8 text"
            ) from None
        odd = uncarried(self.text)
        if odd is not None:
            line, column, what = odd
            raise DataError(f"{name}:{line}: {what} at column {column}, expected text that the pages, the feed, the "
                            "calendar and the PDF can carry (delete it: most editors do not show it)")
        if not self.text.strip() or not any(
            line.strip() and not line.lstrip().startswith("#") for line in self.text.splitlines()
        ):
            raise DataError(f"{name}:1: the file is empty, expected its data (see git log -p {name})")
        collecting = gc.isenabled()
        gc.disable()  # the nodes are many young objects: the cyclic collector made a long file take more than linear time
        try:
            _refuse_anchors(self.text, name)
            loader = _Loader(self.text)
            try:  # composed once: checked as nodes, then built into values from the same nodes
                self.node = loader.get_single_node()
                if self.node is not None:
                    _check_node(self.node, name)
                self.data = loader.construct_document(self.node) if self.node is not None else None
            finally:
                loader.dispose()
        except yaml.MarkedYAMLError as error:
            mark = error.problem_mark or error.context_mark
            line = mark.line + 1 if mark else 1
            problem = error.problem or error.context or "cannot be read"
            raise DataError(f"{name}:{line}: YAML syntax error: {problem}, expected YAML (check indentation and quotes)") from None
        except yaml.YAMLError as error:
            raise DataError(f"{name}:1: YAML cannot be read ({str(error).splitlines()[0]}), expected YAML") from None
        except RecursionError:
            raise DataError(f"{name}:1: nested too deep, expected a few levels of keys and lists") from None
        finally:
            if collecting:
                gc.enable()
        if not isinstance(self.data, dict):
            raise DataError(f"{name}:1: the top level is {describe(self.data)}, expected keys (name: value)")

    def line(self, path: tuple[Any, ...]) -> int:
        """The line of the value at path (keys and list indexes), or of its closest parent."""
        node, line = self.node, self.node.start_mark.line + 1
        for part in path:
            child = None
            if isinstance(node, yaml.MappingNode):
                for key, value in node.value:
                    if key.value == str(part):
                        child, line = value, key.start_mark.line + 1
                        break
            elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and part < len(node.value):
                child = node.value[part]
                line = child.start_mark.line + 1
            if child is None:
                break
            node = child
        return line

    def where(self, path: tuple[Any, ...]) -> str:
        """`file:line: key[id].key`: entries of a list named by their id."""
        return f"{self.name}:{self.line(path)}: {key_path(self.data, path)}"


def uncarried(text: str) -> tuple[int, int, str] | None:
    """The first character of text that no output can carry, as (line, column, what it is: `U+FFFE (a Unicode
    noncharacter)`), or None. Lines are counted as editors count them (line feeds)."""
    found = UNCARRIED.search(text)
    if found is None:
        return None
    start = found.start()
    line = text.count("\n", 0, start) + 1
    column = start - (text.rfind("\n", 0, start) + 1) + 1
    return line, column, character(found.group())


def character(char: str) -> str:
    """U+FFFE (a Unicode noncharacter), U+0007 (a control character), U+D800 (half of a surrogate pair)."""
    code = ord(char)
    if 0xD800 <= code <= 0xDFFF:
        kind = "half of a UTF-16 surrogate pair, not a character"
    elif 0xFDD0 <= code <= 0xFDEF or code & 0xFFFE == 0xFFFE:
        kind = "a Unicode noncharacter"
    else:
        kind = "a control character"
    return f"U+{code:04X} ({kind})"


def _refuse_anchors(text: str, name: str) -> None:
    """Anchors, aliases and merge keys: refused from the event stream, before anything is built from them."""
    for event in yaml.parse(text, Loader=_Loader):
        anchor = getattr(event, "anchor", None)
        if isinstance(event, yaml.AliasEvent) or anchor:
            what = f"*{event.anchor}" if isinstance(event, yaml.AliasEvent) else f"&{anchor}"
            raise DataError(
                f"{name}:{event.start_mark.line + 1}: YAML anchor or alias '{what}', expected each value written out"
            )


def _check_node(node: yaml.Node, name: str, depth: int = 0) -> None:
    """Keys written twice, merge keys, and plain values that YAML would change on the way."""
    if depth > 20:
        raise DataError(f"{name}:{node.start_mark.line + 1}: nested more than 20 levels, expected a few levels of keys and lists")
    if isinstance(node, yaml.MappingNode):
        seen: dict[str, int] = {}
        for key, value in node.value:
            line = key.start_mark.line + 1
            if not isinstance(key, yaml.ScalarNode):
                raise DataError(f"{name}:{line}: a key that is a list or keys, expected a word before the colon")
            if key.tag == "tag:yaml.org,2002:merge" or key.value == "<<":
                raise DataError(f"{name}:{line}: merge key '<<', expected each value written out")
            if key.value in seen:
                raise DataError(
                    f"{name}:{line}: key '{key.value}' is written twice (first on line {seen[key.value]}), "
                    "expected each key once"
                )
            seen[key.value] = line
            _check_scalar(key, name)
            _check_node(value, name, depth + 1)
    elif isinstance(node, yaml.SequenceNode):
        for item in node.value:
            _check_node(item, name, depth + 1)
    elif isinstance(node, yaml.ScalarNode):
        _check_scalar(node, name)


def _check_scalar(node: yaml.ScalarNode, name: str) -> None:
    if node.style or node.tag not in ("tag:yaml.org,2002:str", "tag:yaml.org,2002:int",  # plain: style None or ""
                                                  "tag:yaml.org,2002:float", "tag:yaml.org,2002:null",
                                                  "tag:yaml.org,2002:bool"):
        return  # quoted or block text: text as typed
    for pattern, problem, expected in CONVERTED:
        if pattern.match(node.value):
            raise DataError(f"{name}:{node.start_mark.line + 1}: {node.value} {problem}, expected {expected}")


def key_path(data: Any, path: tuple[Any, ...]) -> str:
    """mail[imap].port for ("mail", 0, "port"): list entries named by their id (or their version: versions[1.1]),
    else by position."""
    out, node = "", data
    for part in path:
        if isinstance(part, int):
            entry = node[part] if isinstance(node, list) and part < len(node) else None
            label = next((entry[key] for key in ("id", "version") if isinstance(entry, dict) and isinstance(entry.get(key), str)), None)
            if label and (CONTROL.search(label) or NONCHARACTER.search(label) or label != label.strip()):
                label = None  # an id with a line break would break the message's one line: named by position
            out += f"[{label}]" if label else f"[entry {part + 1}]"
        else:
            out += f".{part}" if out else str(part)
        try:
            node = node[part]
        except (KeyError, IndexError, TypeError):
            node = None
    return out or "(top level)"


def describe(value: Any) -> str:
    """A value as a person reads it in a message."""
    if value is None:
        return "empty"
    if isinstance(value, bool):
        return f"{str(value).lower()} (yes/no)"
    if isinstance(value, float):
        return f"{value!r} is a decimal number" if value == value else "not a number"
    if isinstance(value, int):
        return f"{value}"
    if isinstance(value, str):
        return f"{value!r}"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, (date, datetime)):  # a page's front matter (YAML 1.1, as MkDocs reads it): data files keep dates text
        return f"{value.isoformat()} (a date)"
    return "keys (name: value)"


def found(value: Any) -> str:
    """`993.0 is a decimal number`, `'993' is text`, `true (yes/no)`."""
    text = describe(value)
    if isinstance(value, str):
        return f"{text} is text"
    if isinstance(value, (list, dict)) or value is None:
        return f"found {text}"
    return text


def check_text(document: Document, value: Any, path: tuple[Any, ...] = ()) -> None:
    """No control characters or surrounding spaces in any text (a pasted line break, a stray space)."""
    if isinstance(value, dict):
        for key, item in value.items():
            if isinstance(key, str) and (key != key.strip() or CONTROL.search(key) or NONCHARACTER.search(key)):
                raise DataError(f"{document.where((*path, key))}: key {key!r} has spaces or control characters around or "
                                "in it, expected a plain key")
            check_text(document, item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            check_text(document, item, (*path, index))
    elif isinstance(value, str):
        odd = NONCHARACTER.search(value)
        if odd:
            raise DataError(f"{document.where(path)}: holds {character(odd.group())}, expected text that the pages, "
                            "the feed, the calendar and the PDF can carry (an escape such as \\uFFFE writes one too)")
        control = CONTROL.search(value)
        if control:
            char = {"\n": "a line break (\\n)", "\t": "a tab (\\t)", "\r": "a carriage return (\\r)"}.get(
                control.group(), f"the control character U+{ord(control.group()):04X}"
            )
            raise DataError(f"{document.where(path)}: {value!r} holds {char}, expected text on one line")
        if value != value.strip():
            raise DataError(f"{document.where(path)}: {value!r} has spaces around it, expected none")
