"""Refuse the page mistakes that would otherwise be published quietly, with file and line.

Checked for every page of every language before any page is built:

- front matter that does not parse (MkDocs would show it as page text);
- a page without a `description:` (search engines, link previews);
- a heading without an explicit id (`## Title { #id }`): staff link to these ids
  for years, so an id must not change when a title is reworded;
- an id written twice on a page;
- a `javascript:` link (the Content-Security-Policy blocks it).
"""

from __future__ import annotations

import re
import yaml
from artelabs import markers

FRONT_MATTER = re.compile(r"\A---[ \t]*\n(?P<yaml>.*?\n)?(?:---|\.\.\.)[ \t]*\n", re.S)
HEADING = re.compile(r"^ {0,3}(?P<level>#{1,6})[ \t]+(?P<text>.*?)[ \t#]*$")
EXPLICIT_ID = re.compile(r"\{[^{}]*#(?P<id>[A-Za-z][\w.:-]*)[^{}]*\}")
JAVASCRIPT = re.compile(r"(?:\]\(\s*<?|href\s*=\s*[\"']?)\s*j\s*a\s*v\s*a\s*s\s*c\s*r\s*i\s*p\s*t\s*:", re.I)


def check(markdown: str) -> tuple[int, str] | None:
    """The first mistake of a page's Markdown, as (line, message), or None."""
    offset = 0
    match = FRONT_MATTER.match(markdown)
    if markdown.startswith("---") and match is None:
        return 1, "front matter opened with --- is never closed, expected a line --- after it"
    if match:
        try:
            meta = yaml.safe_load(match.group("yaml") or "") or {}
        except yaml.YAMLError as error:
            mark = getattr(error, "problem_mark", None)
            line = mark.line + 2 if mark else 2
            return line, f"front matter is not valid YAML ({getattr(error, 'problem', None) or 'syntax error'}), expected key: value lines"
        if not isinstance(meta, dict):
            return 2, "front matter is not key: value lines, expected description: …"
        description = meta.get("description")
        if not isinstance(description, str) or not description.strip():
            return 1, "no description: in the front matter, expected one sentence about the page in its language"
        offset = markdown[: match.end()].count("\n")
    else:
        return 1, "no front matter, expected ---, description: …, --- at the top"
    seen: dict[str, int] = {}
    body = "\n" * offset + markdown[match.end():]
    for number, line in markers.outside_code(body):
        if JAVASCRIPT.search(line):
            return number, "a javascript: link, expected a page or web address (the Content-Security-Policy blocks it)"
        heading = HEADING.match(line)
        ids = [m.group("id") for m in EXPLICIT_ID.finditer(line)]
        if heading and not ids:
            return number, f"heading '{heading.group('text')[:50]}' has no id, expected '{heading.group(0).strip()} {{ #some-id }}'"
        for anchor in ids:
            if anchor in seen:
                return number, f"id '{anchor}' is used twice on this page (first on line {seen[anchor]}), expected each id once"
            seen[anchor] = number
    return None
