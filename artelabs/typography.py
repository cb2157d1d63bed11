"""French typography in the HTML of a French page: a narrow no-break space (U+202F) before ; : ! ? and inside « ».

Not a hook: hooks/typography.py applies it to each French page, to its content (what the search indexes,
with what markers and partials inserted) and to the whole page as written (title, navigation, table of
contents, banner, footer), so that the PDF, made from the written pages, has it too.

Only the spaces that are there change: a plain or no-break space (or line break) before ; : ! ? or
» and after « becomes U+202F. Where there is no space ("Attention!"), nothing is inserted: an editor writes
it, and tests/test_typography.py names the page. Never touched: what is inside code, kbd, samp, pre,
script, style and textarea, any element in another language (`lang="en"`), text between English quotes
“…” (a French page quotes English messages that way: their punctuation is English), attributes, comments,
and anything that has no space before the mark (a URL, 10:30, ?q=).
"""

from __future__ import annotations

import re

NNBSP = "\u202f"
# Elements whose text is never French prose.
VERBATIM = frozenset({"code", "kbd", "samp", "pre", "script", "style", "textarea"})
# Elements that end an English quotation left open by mistake: it never runs past its block.
BLOCKS = frozenset({
    "p", "li", "td", "th", "dt", "dd", "h1", "h2", "h3", "h4", "h5", "h6", "div", "section", "article",
    "figcaption", "caption", "blockquote", "summary", "details", "ul", "ol", "table", "tr", "nav", "header",
    "footer", "main", "title", "label", "button", "aside",
})
VOID = frozenset({
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source", "track", "wbr",
})

TOKEN = re.compile(r"<!--.*?-->|<!\[CDATA\[.*?\]\]>|<![^>]*>|<\?.*?\?>|<(/?)([A-Za-z][\w:.-]*)((?:[^>\"']|\"[^\"]*\"|'[^']*')*)>", re.S)
LANG = re.compile(r"""\blang\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))""", re.I)
FRENCH_PART = re.compile(r"""\blang\s*=\s*["']?fr""", re.I)
SPACE = r"(?:[ \t\r\n\u00a0]|&nbsp;|&#160;|&#x[aA]0;)+"
BEFORE = re.compile(SPACE + r"(?=[;:!?»]|&raquo;)")
AFTER = re.compile(r"(«|&laquo;)" + SPACE)


def french(html: str, lang: str = "fr") -> str:
    """`html` (a page or part of one in `lang`) with U+202F before ; : ! ? » and after «, where a space is, in
    its French text only: all of it on a French page, what is marked `lang="fr"` on another."""
    if not lang.startswith("fr") and not FRENCH_PART.search(html):
        return html
    out: list[str] = []
    # Open elements that change the language or hold verbatim text: (name, depth of that name, French?).
    stack: list[tuple[str, int, bool]] = []
    french_here = lang.startswith("fr")
    quoted = False  # inside “…”: English
    position = 0
    for match in TOKEN.finditer(html):
        text = html[position:match.start()]
        if text:
            out.append(_text(text, quoted) if french_here else text)
            quoted = _still_quoted(text, quoted) if french_here else False
        out.append(match.group(0))
        position = match.end()
        name = (match.group(2) or "").lower()
        if not name:
            continue
        closing, attributes = bool(match.group(1)), match.group(3) or ""
        if name in BLOCKS:
            quoted = False
        empty = name in VOID or attributes.rstrip().endswith("/")
        if empty or (stack and stack[-1][0] in VERBATIM and name != stack[-1][0]):
            continue
        found = None if closing else LANG.search(attributes)
        if not closing and (name in VERBATIM or found) and not (stack and stack[-1][0] in VERBATIM):
            inside = name not in VERBATIM and next(value for value in found.groups() if value is not None).lower().startswith("fr")
            stack.append((name, 1, inside))
        elif stack and name == stack[-1][0]:
            element, depth, inside = stack[-1]
            stack[-1] = (element, depth - 1 if closing else depth + 1, inside)
            if stack[-1][1] > 0:
                continue
            stack.pop()
        else:
            continue
        french_here = stack[-1][2] if stack else lang.startswith("fr")
    tail = html[position:]
    out.append(_text(tail, quoted) if french_here else tail)
    return "".join(out)


def _text(text: str, quoted: bool) -> str:
    """One run of text between tags: the spaces outside English quotes."""
    if "“" not in text and "”" not in text:
        return text if quoted else _spaces(text)
    parts = re.split(r"([“”])", text)
    result = []
    for part in parts:
        if part == "“":
            quoted = True
        elif part == "”":
            quoted = False
        elif not quoted:
            part = _spaces(part)
        result.append(part)
    return "".join(result)


def _still_quoted(text: str, quoted: bool) -> bool:
    for char in re.findall(r"[“”]", text):
        quoted = char == "“"
    return quoted


def _spaces(text: str) -> str:
    if not any(mark in text for mark in ";:!?«»&"):
        return text
    return AFTER.sub(lambda m: m.group(1) + NNBSP, BEFORE.sub(NNBSP, text))
