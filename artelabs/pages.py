"""Refuse the page mistakes that would otherwise be published quietly, with file and line.

Checked for every page of every language before any page is built:

- front matter that does not parse (MkDocs would show it as page text);
- a page without a `description:` (search engines, link previews);
- a heading without an explicit id (`## Title { #id }`): staff link to these ids
  for years, so an id must not change when a title is reworded;
- an id written twice on a page;
- a `javascript:`, `vbscript:` or `data:` link (Markdown, HTML or autolink, entities and spaces
  inside the scheme included: a browser ignores them);
- raw HTML that runs or embeds something: <script>, <iframe>, <object>, <embed>, <frame>, <applet>,
  <base>, <meta>, <link>, <form>, <svg>/<math> with their own scripts, and any `on…=` handler.

Found before anything is built, with the page's file and line; a marker or an example inside code is
code (`outside_code`). `outside(root)` refuses a symbolic link in docs/, data/ or overrides/ that leads
out of the repository (a file of the build machine would be published).
"""

from __future__ import annotations

import html
import re
from pathlib import Path

import yaml

from artelabs import markers

FRONT_MATTER = re.compile(r"\A---[ \t]*\n(?P<yaml>.*?\n)?(?:---|\.\.\.)[ \t]*\n", re.S)
HEADING = re.compile(r"^ {0,3}(?P<level>#{1,6})[ \t]+(?P<text>.*?)[ \t#]*$")
EXPLICIT_ID = re.compile(r"\{[^{}]*#(?P<id>[A-Za-z][\w.:-]*)[^{}]*\}")
# Where a link's address starts: [text](…), [id]: …, <…> (autolink), href= / src= / action= / … of raw HTML.
LINK_START = re.compile(
    r"\]\(\s*<?|^\s{0,3}\[[^\]]+\]:\s*|<(?=[a-z\s&#])|\b(?:href|src|action|formaction|data|srcdoc|xlink:href)\s*=\s*[\"']?",
    re.I,
)
SCRIPT_SCHEMES = ("javascript", "vbscript", "data")
RAW_TAGS = re.compile(r"<\s*(script|iframe|object|embed|frame|frameset|applet|base|meta|link|form|svg|math|style)\b", re.I)
HANDLER = re.compile(r"<[a-z][^>]*?\s(on[a-z]+)\s*=", re.I | re.S)


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
        problem = unsafe(line)
        if problem:
            return number, problem
        heading = HEADING.match(line)
        ids = [m.group("id") for m in EXPLICIT_ID.finditer(line)]
        if heading and not ids:
            return number, f"heading '{heading.group('text')[:50]}' has no id, expected '{heading.group(0).strip()} {{ #some-id }}'"
        for anchor in ids:
            if anchor in seen:
                return number, f"id '{anchor}' is used twice on this page (first on line {seen[anchor]}), expected each id once"
            seen[anchor] = number
    return None


def unsafe(line: str) -> str | None:
    """What in a line of Markdown would run as code or embed something, in words; None when nothing does."""
    decoded = html.unescape(line)  # &#106;avascript: is javascript:
    tag = RAW_TAGS.search(decoded)
    if tag:
        return f"raw HTML <{tag.group(1).lower()}>, expected Markdown (a page never holds a script, a frame or an embed)"
    handler = HANDLER.search(decoded)
    if handler:
        return f"an HTML '{handler.group(1).lower()}=' handler, expected none (the Content-Security-Policy blocks it)"
    for start in LINK_START.finditer(decoded):
        rest = decoded[start.end():start.end() + 40]
        scheme = "".join(char for char in rest.split(":", 1)[0] if char > " ").lower() if ":" in rest else ""
        if scheme in SCRIPT_SCHEMES:
            return f"a {scheme}: link, expected a page or web address (the Content-Security-Policy blocks it)"
    return None


def outside(root: Path) -> str | None:
    """The first symbolic link of docs/, data/ or overrides/ that leads out of the repository, in one line."""
    top = root.resolve()
    for folder in ("docs", "data", "overrides"):
        base = root / folder
        if not base.exists():
            continue
        for path in sorted(base.rglob("*")):
            if path.is_symlink():
                target = path.resolve()
                if not target.is_relative_to(top):
                    return (f"{path.relative_to(root)}: a symbolic link to {target}, outside the repository, expected a "
                            "file of the repository (it would be published)")
    return None
