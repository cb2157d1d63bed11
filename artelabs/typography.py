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

It reads the HTML token by token (TOKEN), but steps over what cannot change in one regular expression
(_skipper): most of a page, whose text has no space before a mark, and its inline code.
"""

from __future__ import annotations

import functools
import hashlib
import re

from artelabs import datafile

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
MAYBE_LANG = re.compile("lang", re.I)  # a quick no where FRENCH_PART, which begins with \b, searches long
SPACE = r"(?:[ \t\r\n\u00a0]|&nbsp;|&#160;|&#x[aA]0;)+"
BEFORE = re.compile(SPACE + r"(?=[;:!?»]|&raquo;)")
AFTER = re.compile(r"(«|&laquo;)" + SPACE)
ONE_SPACE = r"(?:[ \t\r\n\u00a0]|&nbsp;|&#160;|&#x[aA]0;)"
# Where BEFORE may match: a mark after what a space ends with (BEFORE searches a long page slowly: each blank of a
# run starts a try).
MAYBE_BEFORE = re.compile(r"[ \t\r\n\u00a0;](?=[;:!?»]|&raquo;)")


def french(html: str, lang: str = "fr") -> str:
    """`html` (a page or part of one in `lang`) with U+202F before ; : ! ? » and after «, where a space is, in
    its French text only: all of it on a French page, what is marked `lang="fr"` on another."""
    if not lang.startswith("fr"):
        if not (MAYBE_LANG.search(html) and FRENCH_PART.search(html)):
            return html
        if not MAYBE_BEFORE.search(html) and not (("«" in html or "&laquo;" in html) and AFTER.search(html)):
            return html  # no space before a mark nor after « anywhere: nothing to change
    out: list[str] = []
    # Open elements that change the language or hold verbatim text: (name, depth of that name, French?).
    stack: list[tuple[str, int, bool]] = []
    french_here = lang.startswith("fr")
    quoted = False  # inside “…”: English
    position = 0  # where the text after the last tag begins
    while True:
        if not quoted:  # over what can change nothing (see _skipper) in one step
            top = stack[-1][0] if stack else ""
            skipped = _skipper(top, french_here).match(html, position)
            stop = skipped.end()
            if stop < len(html) and html[stop] != "<":  # in a text that may change: from its beginning
                stop = max(position, skipped.end("tag"))
            out.append(html[position:stop])
            position = stop
        match = TOKEN.search(html, position)
        if match is None:
            break
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


# What french() steps over in one regular expression, outside English quotes, where nothing can change (each
# part below is what the loop of french() would leave as it is, in the same state):
# - comments and the like, and the tags that change no state: not a verbatim element, no `lang` anywhere in them,
#   not the name of the open element that set the language;
# - a whole verbatim element (<code>…</code>) that holds no element of its name;
# - text: any text outside French; in French, text without “ ” (they open and close English quotes) where no
#   space can precede a mark (its previous character cannot end one) nor follow «.
# The group `tag` ends where the text that follows begins.
_NAME_END = r"(?![\w:.-])"  # TOKEN's tag names: the whole name
_ANY_TOKEN = TOKEN.pattern.replace("<(/?)([A-Za-z][\\w:.-]*)((?:", "</?[A-Za-z][\\w:.-]*(?:(?:")  # without its groups
_SKIPPED_TOKENS = r"<!--.*?-->|<!\[CDATA\[.*?\]\]>|<![^>]*>|<\?.*?\?>"  # TOKEN's first four, in its order
_NOT_LANG = "[lL](?!(?i:ang))"  # an l that does not begin `lang`, in any case
_NO_LANG_TAG_REST = f"(?:[^>\"'lL]++|{_NOT_LANG}|\"(?:[^\"lL]++|{_NOT_LANG})*+\"|'(?:[^'lL]++|{_NOT_LANG})*+')*+>"
_TAG_REST = "(?:[^>\"']++|\"[^\"]*+\"|'[^']*+')*+>"
_NOT_EMPTY_TAG_REST = r"""(?:[^>"'/]++|/(?!\s*>)|"[^"]*+"|'[^']*+')*+>"""  # what does not end with / (<code/>)
_FRENCH_TEXT = (
    r"[^<“”;:!?»«&]++|(?<![ \t\r\n\u00a0])(?<!&nbsp;|&#160;|&#xa0;|&#xA0;)[;:!?»]|«(?!" + ONE_SPACE + ")"
    r"|&(?!raquo;|laquo;)(?:[A-Za-z][A-Za-z0-9]*|#[0-9]+|#[xX][0-9A-Fa-f]+);"
)


def _inside_verbatim(name: str) -> str:
    """What the element `name` (verbatim) holds up to the next tag of its name: each token or run of text atomic,
    so that a part is never read otherwise than TOKEN reads it (an unclosed <!-- as a comment up to a later -->)."""
    tag = f"<(?!/?(?i:{name}){_NAME_END})/?[A-Za-z][A-Za-z0-9_:.-]*+{_NAME_END}{_TAG_REST}"
    return f"(?>[^<]++|{_SKIPPED_TOKENS}|{tag}|(?!{_ANY_TOKEN})<)"


def _verbatim_element(name: str) -> str:
    """A whole element `name` (verbatim) that holds none of its name; the name as TOKEN's lower() reads it."""
    exact = "".join(f"[{c}{c.upper()}]" for c in name)
    return f"<{exact}{_NAME_END}{_NOT_EMPTY_TAG_REST}{_inside_verbatim(name)}*</{exact}{_NAME_END}{_NOT_EMPTY_TAG_REST}"


@functools.cache
def _skipper(top: str, french_text: bool) -> re.Pattern[str]:
    """What french() can step over inside the element `top` ("": none), its text French or not."""
    if top in VERBATIM:  # only the same element, opened or closed, ends it
        return re.compile(f"{_inside_verbatim(re.escape(top))}*", re.S)
    names = "|".join(sorted(VERBATIM | ({re.escape(top)} if top else set())))
    tag = f"<(?!/?(?i:{names}){_NAME_END})/?[A-Za-z][A-Za-z0-9_:.-]*+{_NAME_END}{_NO_LANG_TAG_REST}"
    elements = "|".join(_verbatim_element(name) for name in sorted(VERBATIM))
    text = _FRENCH_TEXT if french_text else "[^<]++"
    return re.compile(f"(?:{text}|(?P<tag>{_SKIPPED_TOKENS}|{elements}|{tag})|(?!{_ANY_TOKEN})<)*", re.S)


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


# -----------------------------------------------------------------------------
# Remembered between builds: a page whose HTML is unchanged is not read again
# -----------------------------------------------------------------------------
#
# .cache/artelabs/typography/ holds, for each page and stage (its content, the page as written), the digest of
# the HTML french() last read there, of this file's source and of the language, and what french() made of it:
# a rebuild of unchanged pages (an edit of one page under `mkdocs serve`, a build again) reads each page's
# result instead of making it (0.2 s of a 3 s build). One file per page and stage, overwritten: the cache does
# not grow with the edits.


def french_remembered(html: str, lang: str, folder, name: str) -> str:
    """french(html, lang), remembered in `folder` (a pathlib.Path, or None: not remembered) under `name` (the
    page and stage): the same text as french() makes, whatever the cache holds (it is keyed on the input)."""
    if folder is None:
        return french(html, lang)
    code = datafile.source_digest(__file__)
    digest = hashlib.sha256(f"{code}\0{lang}\0{html}".encode()).hexdigest()
    path = folder / (hashlib.sha256(name.encode()).hexdigest()[:32] + ".html")
    try:
        kept = path.read_text(encoding="utf-8")
        if kept.startswith(digest + "\n"):
            return kept[len(digest) + 1 :]
    except (OSError, UnicodeDecodeError):
        pass
    made = french(html, lang)
    try:
        datafile.write_whole(path, f"{digest}\n{made}".encode("utf-8"))
    except OSError:
        pass  # a cache that cannot be written: made again at the next build
    return made
