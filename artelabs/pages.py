"""Refuse the page mistakes that would otherwise be published quietly, with file and line.

Checked for every page of every language before any page is built:

- front matter that does not parse (MkDocs would show it as page text);
- a page without a `description:` (search engines, link previews);
- a front-matter field this site does not read (`template:`, `author:`, a typo), or one whose value is not
  what it must be (`FIELDS`): `title:` and `description:` are one line of text, published as text wherever
  they land (hooks/pages.py escapes the title once, the templates the description); `search:`, `hide:` and
  `robots:` take only the words Material and search engines know;
- a character no output can carry (a control character, a Unicode noncharacter such as U+FFFE);
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

import difflib
import html
import re
from pathlib import Path

import yaml
from markupsafe import Markup, escape

from artelabs import datafile, markers
from artelabs.datafile.reader import CONTROL, NONCHARACTER, uncarried

LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # MkDocs's reader of front matter (mkdocs/utils/meta.py)
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
    odd = uncarried(markdown) or _separator(markdown)  # first: YAML and Markdown would count lines otherwise
    if odd:
        line, column, what = odd
        return line, f"{what} at column {column}, expected text that a page and its PDF can carry (delete it: most editors do not show it)"
    match = FRONT_MATTER.match(markdown)
    if markdown.startswith("---") and match is None:
        return 1, "front matter opened with --- is never closed, expected a line --- after it"
    if match:
        try:
            meta = yaml.load(match.group("yaml") or "", Loader=LOADER) or {}  # as MkDocs reads it
        except yaml.YAMLError as error:
            problem, context = getattr(error, "problem", None) or "syntax error", getattr(error, "context", None)
            mark = getattr(error, "problem_mark", None)
            if "end of stream" in problem and getattr(error, "context_mark", None):  # a quote left open: where it opened
                mark, problem = error.context_mark, f"{problem} {context}" if context else problem
            line = mark.line + 2 if mark else 2
            return line, f"front matter is not valid YAML ({problem}), expected key: value lines"
        except (ValueError, OverflowError) as error:  # 2026-02-30: a date YAML reads, and cannot make (MkDocs then drops it all)
            return _unreadable(match.group("yaml") or "", error)
        if not isinstance(meta, dict):
            return 2, "front matter is not key: value lines, expected description: …"
        if meta.get("description") is None:
            return 1, "no description: in the front matter, expected one sentence about the page in its language"
        problem = front_matter(meta, match.group("yaml") or "")
        if problem:
            return problem
        offset = markdown[: match.end()].count("\n")
    else:
        return 1, "no front matter, expected ---, description: …, --- at the top"
    token = re.search(f"[{markers.START}{markers.END}]", markdown)
    if token:  # the markers' own tokens between Markdown's steps: typed, they would be taken for a marker
        line = markdown.count("\n", 0, token.start()) + 1
        return line, (f"U+{ord(token.group()):04X} (a private-use character this site's build uses for its markers), "
                      "expected text (delete it: most editors do not show it)")
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


# The front-matter fields this site reads, and what each must be (in an editor's words).
HIDE = ("navigation", "toc", "footer", "path", "feedback", "tags")
ROBOTS = ("index", "noindex", "follow", "nofollow", "none", "all", "noarchive", "nosnippet", "noimageindex", "notranslate")
FIELDS = {
    "description": "one sentence about the page in its language, on one line",
    "title": "the page's title on one line, as text (it replaces the # heading in the header and the browser's tab)",
    "search": "boost: a number from 0.1 to 10 and/or exclude: true",
    "hide": f"a list of {', '.join(HIDE)}",
    "robots": f"words for search engines separated by commas: {', '.join(ROBOTS)}",
}


def front_matter(meta: dict, text: str) -> tuple[int, str] | None:
    """The first field of a page's front matter (text: its YAML, from the page's line 2) that this site does not
    read, or whose value is not what FIELDS says, as (line, message); None when all are right."""
    def line(key: object) -> int:  # parsed again only for a refusal's line
        lines = {node.value: node.start_mark.line + 2 for node, _ in getattr(yaml.compose(text, Loader=LOADER), "value", [])}
        return lines.get(str(key), 2)

    for key, value in meta.items():
        if key not in FIELDS:
            near = difflib.get_close_matches(str(key), list(FIELDS), n=1)
            hint = f" (did you mean '{near[0]}'?)" if near else ""
            return line(key), (f"front matter field '{key}' is not one this site reads{hint}, expected only "
                               f"{', '.join(FIELDS)}")
        wrong = _field(key, value)
        if wrong:
            return line(key), f"front matter {key}: {wrong}, expected {FIELDS[key]}"
    return None


def _separator(markdown: str) -> tuple[int, int, str] | None:
    """A Unicode line or paragraph separator (U+2028, U+2029): a line break to YAML, not to an editor."""
    found = re.search("[\u2028\u2029]", markdown)
    if found is None:
        return None
    line = markdown.count("\n", 0, found.start()) + 1
    kind = "a line separator" if found.group() == "\u2028" else "a paragraph separator"
    return line, found.start() - (markdown.rfind("\n", 0, found.start()) + 1) + 1, f"U+{ord(found.group()):04X} ({kind})"


def _unreadable(text: str, error: Exception) -> tuple[int, str]:
    """The line of the front-matter value that YAML reads as something it cannot make (a date 2026-02-30)."""
    line = 2
    constructor = LOADER("")
    for key, value in getattr(yaml.compose(text, Loader=LOADER), "value", []):
        try:
            constructor.construct_object(value, deep=True)
        except (ValueError, OverflowError):
            line = value.start_mark.line + 2
            break
    return line, f"front matter value cannot be read ({error}), expected it in quotes if it is text"


def as_text(meta: dict) -> dict:
    """A page's front matter with its `title:` (checked: one line of text) as text, escaped once. MkDocs and
    Material treat a page's title as HTML (a title taken from the # heading is HTML) and print it as it is in the
    header, the browser's tab (`<title>`), the navigation and the search index; escaped, "Q&A" reads "Q&A" and a
    <a href> in it is text. Markup, so that a template that escapes it again (`| e`) leaves it as it is: never
    escaped twice (hooks/pages.py, for every page). `description:` stays text: the templates escape it."""
    title = meta.get("title")
    if isinstance(title, str) and not isinstance(title, Markup):
        meta["title"] = escape(title.strip())
    return meta


def _field(key: str, value: object) -> str | None:
    """What is wrong with a front-matter value, in words; None when it is right."""
    if key in ("description", "title"):
        if not isinstance(value, str):
            return f"{datafile.found(value)} (quote it to make it text)" if not isinstance(value, (list, dict)) else datafile.found(value)
        odd = CONTROL.search(value.strip()) or NONCHARACTER.search(value)  # a final line break (`>`) is harmless
        if odd:
            what = {"\n": "a line break", "\t": "a tab"}.get(odd.group()) or datafile.reader.character(odd.group())
            return f"{value[:40]!r} holds {what}"
        return "empty" if not value.strip() else None
    if key == "search":
        if not isinstance(value, dict) or not value or set(value) - {"boost", "exclude"}:
            return datafile.found(value) if not isinstance(value, dict) else (
                f"unknown key '{sorted(set(value) - {'boost', 'exclude'}, key=str)[0]}'" if value else "empty")
        boost, exclude = value.get("boost", 1), value.get("exclude", False)
        if isinstance(boost, bool) or not isinstance(boost, (int, float)) or not 0.1 <= boost <= 10:
            return f"boost: {datafile.found(boost)}"
        if not isinstance(exclude, bool):
            return f"exclude: {datafile.found(exclude)}"
        return None
    if key == "hide":
        if not isinstance(value, list) or not all(isinstance(item, str) and item in HIDE for item in value):
            return datafile.found(value) if not isinstance(value, list) else datafile.describe(next(v for v in value if v not in HIDE))
        return None
    if key == "robots":
        words = [word.strip() for word in value.split(",")] if isinstance(value, str) else None
        if words is None or not all(word in ROBOTS for word in words):
            return datafile.found(value) if words is None else f"{next(w for w in words if w not in ROBOTS)!r}"
        return None
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


def at_source(message: str, docs: Path, languages: list[str], default: str) -> str:
    """A refusal found in a built page (`fr/mail/limits/index.html:11: …`, by the checks after the build) with the
    page's source first, the file to edit: `docs/mail/limits.fr.md, built as fr/mail/limits/index.html:11: …`.
    As it is when it names no built page, or one without a source (a template's: 404.html)."""
    found = re.match(r"(?P<built>[^:\s]+\.html):(?P<line>\d+): ", message)
    if found is None:
        return message
    parts = found["built"].split("/")
    lang = parts[0] if len(parts) > 1 and parts[0] in languages and parts[0] != default else default
    path = "/".join(parts[1:] if lang != default else parts).removesuffix("index.html").strip("/") or "index"
    for stem in (path, f"{path}/index"):
        name = f"{stem}.md" if lang == default else f"{stem}.{lang}.md"
        if (docs / name).is_file():
            return f"docs/{name}, built as {found['built']}:{found['line']}: {message[found.end():]}"
    return message


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
