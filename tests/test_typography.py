"""French typography: a narrow no-break space (U+202F) before ; : ! ? and inside « », on every French page and in
the French PDF.

The build puts U+202F where a space is (artelabs/typography.py); where an editor left none ("Attention!",
"**Note**:"), it inserts nothing, and these tests name the page and show the place, so that the source is
fixed. Left as written, here as in the build: code, kbd, samp, pre, scripts and styles, anything in another
language (`lang="en"`), English quoted “…” (how a French page quotes an English message), URLs, attributes,
and a mark with no space after it either (10:30, include:spf, ?q=).

This file reads the built pages its own way (BeautifulSoup, not the build's tokenizer).
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import pytest
import yaml
from bs4 import BeautifulSoup, NavigableString
from bs4.element import PreformattedString

from conftest import EVERY_PAGE, ROOT, page_path, parsed, pdf_reader, soup
from artelabs import typography

NNBSP, NBSP, MASK = "\u202f", "\u00a0", "\x00"
VERBATIM = {"code", "kbd", "samp", "pre", "script", "style", "textarea"}
BLOCK = {
    "html", "head", "body", "title", "p", "li", "ul", "ol", "td", "th", "tr", "table", "thead", "tbody", "caption",
    "dt", "dd", "dl", "h1", "h2", "h3", "h4", "h5", "h6", "div", "section", "article", "nav", "header", "footer",
    "main", "aside", "figure", "figcaption", "blockquote", "details", "summary", "label", "button", "form", "br",
    "hr", "svg", "text", "tspan", "input", "select", "option", "noscript",
}
URL = re.compile(r"\b(?:https?|mailto|tel|ftp):[^\s<>«»“”]*")
ENGLISH_QUOTE = re.compile(r"“[^”]{0,600}”")
PROBLEMS = (
    ("plain space", re.compile(r" (?=[;:!?»])|(?<=«) ")),
    ("no-break space U+00A0, expected U+202F", re.compile(NBSP + r"(?=[;:!?»])|(?<=«)" + NBSP)),
    ("no space", re.compile(r"(?<![\s;:!?])[;:!?](?=[\s)»”,.]|$)|(?<!\s)»|«(?!\s)")),
)


def show(text: str) -> str:
    return text.replace(NNBSP, "⍽").replace(NBSP, "␣").replace("\n", " ").replace(MASK, "")


def problems_in(raw: str, masked: str) -> list[str]:
    """Each place where `masked` (the text, with what is left as written replaced by MASK) breaks the rule, shown
    in `raw`."""
    found = []
    for kind, pattern in PROBLEMS:
        for match in pattern.finditer(masked):
            found.append(f"{kind}: “{show(raw[max(0, match.start() - 40):match.end() + 25]).strip()}”")
    return found


def masked_text(raw: str) -> str:
    for pattern in (ENGLISH_QUOTE, URL):
        raw = pattern.sub(lambda match: MASK * len(match.group()), raw)
    return raw


def page_text(html: str) -> tuple[str, str]:
    """The text of a whole page as it reads (title, navigation, content, footer), one block a line: (raw, masked),
    the same length; masked hides what is left as written."""
    raw: list[str] = []
    hidden: list[bool] = []

    def walk(node, masked: bool) -> None:
        for child in node.children:
            if isinstance(child, PreformattedString):  # comments, doctype, CDATA
                continue
            if isinstance(child, NavigableString):
                text = re.sub(r"[ \t\r\n\f]+", " ", str(child))  # HTML's spaces; U+00A0 and U+202F stay
                raw.append(text)
                hidden.append(masked)
                continue
            if "mdx-sr" in (child.get("class") or []):  # words for screen readers only, out of sight: not in the
                continue  # line they stand in (data/strings.yml's words are checked below)
            lang = child.get("lang")
            inner = masked or child.name in VERBATIM or (lang is not None and not lang.lower().startswith("fr"))
            block = child.name in BLOCK
            raw.extend(["\n"] if block else [])
            hidden.extend([False] if block else [])
            walk(child, inner)
            raw.extend(["\n"] if block else [])
            hidden.extend([False] if block else [])

    walk(BeautifulSoup(html, "lxml"), False)
    text = "".join(raw)
    masked = "".join(MASK * len(part) if hide else part for part, hide in zip(raw, hidden))
    return text, masked_text(masked)


def french_pages(site: Path) -> list[Path]:
    return sorted((site / "fr").rglob("*.html"))


# -----------------------------------------------------------------------------
# The built pages and the PDF
# -----------------------------------------------------------------------------


def test_every_french_page_has_a_narrow_no_break_space_before_the_marks(site: Path) -> None:
    """Every French page as written (versions, staff sheet, status archive and 404 included), whole: no plain or
    no-break space, and no missing space, before ; : ! ? » or after «."""
    problems, spaced = [], 0
    pages = french_pages(site)
    expected = {page_path(site, "fr", path) for path in EVERY_PAGE} | {site / "fr" / "404.html"}
    assert expected <= set(pages), "the French pages, the versions of the legal texts, the staff sheet and the 404 page"
    for page in pages:
        raw, masked = page_text(page.read_text(encoding="utf-8"))
        spaced += masked.count(NNBSP)
        problems += [f"{page.relative_to(site)}: {problem}" for problem in problems_in(raw, masked)]
    assert not problems, f"{len(problems)} places break French typography:\n" + "\n".join(problems)
    assert spaced > 1000, f"only {spaced} narrow no-break spaces on the French pages"


def test_what_the_build_leaves_as_written_stays_so(site: Path) -> None:
    """Code, another language's text, English quotes, URLs and attributes keep their plain spaces and marks."""
    page = soup(site, "fr", "mail/errors/")
    quoted = [text for text in page.select_one("article").find_all(string=ENGLISH_QUOTE)]
    assert any("…; the connection" in text for text in quoted), "the English messages are quoted as written"
    staff = soup(site, "fr", "staff/links/")
    english = staff.select('a[lang="en"]')
    assert english and any(link.get_text().endswith("?") and NNBSP not in link.get_text() for link in english)
    assert all(NNBSP not in code.get_text() for code in staff.select("code"))
    setup = soup(site, "fr", "mail/setup/")
    assert any(" : " in (element.get("aria-label") or "") for element in setup.select("[aria-label]")), (
        "attributes are left as written (a table of contents' label, for example)"
    )


def test_the_sources_line_punctuates_in_each_language(site: Path) -> None:
    """The two dates of a source: "; " in English, U+202F before the semicolon in French (review F31)."""
    en = soup(site, "en", "mail/setup/").select_one(".mdx-sources__checked").get_text()
    fr = soup(site, "fr", "mail/setup/").select_one(".mdx-sources__checked").get_text()
    assert re.fullmatch(r"\(updated by its author on \d+ \w+ \d{4}; checked on \d+ \w+ \d{4}\)", en), en
    assert re.fullmatch(r"\(mis à jour par son auteur le \d+(er)? \w+ \d{4}\u202f; vérifié le \d+(er)? \w+ \d{4}\)", fr), fr


@cache
def pdf_text(pdf: Path) -> str:
    """The French PDF's text by pypdf, which keeps U+202F (poppler's pdftotext turns it into a space)."""
    return "\n".join(page.extract_text() for page in pdf_reader(pdf).pages)


def test_the_french_pdf_has_a_narrow_no_break_space_before_the_marks(site: Path) -> None:
    """The French PDF is made from the pages: the same rule in its text. A line break before a mark means a plain
    space was there (U+202F never breaks). What the pages leave as written is found in the PDF by its text and
    left too; and the diagram: WeasyPrint draws its SVG text with the narrow space but writes a plain one in the
    PDF's text (its HTML is checked above)."""
    text = re.sub(r"[ \t\r\n]+", " ", pdf_text(site / "fr" / "pdf" / "artelabs-support-fr.pdf"))
    verbatim = set()
    for page in french_pages(site):
        document = parsed(page)
        for element in document.select("code, kbd, samp, pre, [lang]:not([lang^=fr]), figure.mdx-diagram text"):
            snippet = " ".join(element.get_text(" ").split())
            if re.search(r"[;:!?«»]", snippet):
                verbatim.add(snippet)
    masked = masked_text(text)
    for snippet in sorted(verbatim, key=len, reverse=True):
        pattern = r"[\s\u202f\u00a0]*".join(re.escape(part) for part in re.split(r"[\s\u202f\u00a0]+", snippet))
        masked = re.sub(pattern, lambda match: MASK * len(match.group()), masked)
    problems = problems_in(text, masked)
    assert not problems, f"{len(problems)} places in the French PDF:\n" + "\n".join(problems)
    assert masked.count(NNBSP) > 500, f"only {masked.count(NNBSP)} narrow no-break spaces in the French PDF"


# -----------------------------------------------------------------------------
# The check itself, the build step, and the words outside the pages
# -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("html", "expected"),
    [
        ("<p>Attention! Voir</p>", ["no space"]),
        ("<p>Réception: IMAP</p>", ["no space"]),
        ("<p><strong>Note</strong>: lisez</p>", ["no space"]),
        ("<p>Quoi ?</p>", ["plain space"]),
        ("<p>« Oui»</p>", ["plain space", "no space"]),
        ("<p>Port\u00a0: 993</p>", ["no-break space U+00A0, expected U+202F"]),
        ("<p>Réception\u202f: IMAP\u202f; «\u202fOui\u202f»\u202f!</p>", []),
        ("<p>À 10:30, https://x.ch/?q=a et include:spf</p>", []),
        ("<p><code>a : b;</code> <span lang='en'>Who?</span> “Failed: retry”</p>", []),
    ],
)
def test_the_check_names_each_kind_of_mistake(html: str, expected: list[str]) -> None:
    raw, masked = page_text(html)
    assert [problem.split(":")[0] for problem in problems_in(raw, masked)] == expected


@pytest.mark.parametrize(
    ("html", "expected"),
    [
        ("<p>Réception : IMAP ; envoi ! Quoi ? « Oui »</p>", "<p>Réception⍽: IMAP⍽; envoi⍽! Quoi⍽? «⍽Oui⍽»</p>"),
        ("<p>mot\n: suite, «\u00a0oui\u00a0» et « <b>gras</b> »</p>", "<p>mot⍽: suite, «⍽oui⍽» et «⍽<b>gras</b>⍽»</p>"),
        ("<p>Attention! 10:30 https://x.ch/?q=a</p>", "<p>Attention! 10:30 https://x.ch/?q=a</p>"),
        ("<pre><code>a : b</code></pre><kbd>Ctrl ;</kbd><samp>x ?</samp>", "<pre><code>a : b</code></pre><kbd>Ctrl ;</kbd><samp>x ?</samp>"),
        ('<script>a = " ?";</script><style>a::before { content: " : " }</style>', '<script>a = " ?";</script><style>a::before { content: " : " }</style>'),
        ('<p title="a : b" data-x="?">c : d</p><!-- e : f -->', '<p title="a : b" data-x="?">c⍽: d</p><!-- e : f -->'),
        ('<p><span lang="en">Why ?</span> puis : <span lang="en">a <span>b ?</span></span> fin ?</p>',
         '<p><span lang="en">Why ?</span> puis⍽: <span lang="en">a <span>b ?</span></span> fin⍽?</p>'),
        ("<td>« Échec » (“Could not connect …; the connection”) ; ensuite</td>",
         "<td>«⍽Échec⍽» (“Could not connect …; the connection”)⍽; ensuite</td>"),
        ("<p>a&nbsp;: b &laquo; c &raquo;</p>", "<p>a⍽: b &laquo;⍽c⍽&raquo;</p>"),
        # Read as the build's tokenizer reads them (the step skips what cannot change in one go): a comment that
        # hides a closing tag, code in code, a tag's case, an empty element, entities and a lone <.
        ("<p>a <code>x : y</code> b : c <code><!-- </code> --> ; </code> d ?</p>",
         "<p>a <code>x : y</code> b⍽: c <code><!-- </code> --> ; </code> d⍽?</p>"),
        ("<p><code>a<code>b ;</code> c ;</code> d ;</p>", "<p><code>a<code>b ;</code> c ;</code> d⍽;</p>"),
        ("<p><CODE>a ;</code> b ; <code/> c ;</p>", "<p><CODE>a ;</code> b⍽; <code/> c⍽;</p>"),
        ("<p>x &nbsp;; y&amp;: z « <b>w</b> » a < b ?</p>", "<p>x⍽; y&amp;: z «⍽<b>w</b>⍽» a < b⍽?</p>"),
    ],
)
def test_the_build_step_spaces_french_text_only(html: str, expected: str) -> None:
    assert typography.french(html).replace(NNBSP, "⍽") == expected


def test_another_language_page_changes_only_what_is_marked_french() -> None:
    html = '<html lang="en"><p>Why : now ? <a lang="fr" hreflang="fr">Français : oui ?</a> end ?</p></html>'
    assert typography.french(html, "en").replace(NNBSP, "⍽") == (
        '<html lang="en"><p>Why : now ? <a lang="fr" hreflang="fr">Français⍽: oui⍽?</a> end ?</p></html>'
    )
    assert typography.french("<p>Why : now ?</p>", "en") == "<p>Why : now ?</p>"


def test_french_words_outside_the_pages_are_spaced_in_the_data() -> None:
    """data/strings.yml's French words also reach what is not a page (the Apple profile, the announcements' feed
    and calendar, the PDF's cover): written with U+202F (\\u202f) there."""
    words = yaml.safe_load((ROOT / "data" / "strings.yml").read_text(encoding="utf-8"))
    problems = []
    for key, texts in words.items():
        french = texts.get("fr") if isinstance(texts, dict) else None
        if isinstance(french, str):
            problems += [f"{key}: {problem}" for problem in problems_in(french, masked_text(french))]
    assert not problems, "\n".join(problems)
    assert words["sources.both"]["fr"] == "{updated}\u202f; {checked}" and words["sources.both"]["en"] == "{updated}; {checked}"


def test_a_remembered_page_is_the_page_made_again_and_never_a_stale_one(tmp_path: Path) -> None:
    """The build remembers each page's result while its HTML is unchanged (.cache/artelabs/typography/): the same
    text as french() makes, an edited page made again, a damaged or foreign file in the cache never shown."""
    folder = tmp_path / "typography"
    first, edited = "<p>Réception : IMAP ; « oui »</p>", "<p>Envoi : SMTP !</p>"
    assert typography.french_remembered(first, "fr", folder, "fr/mail/setup/ page") == typography.french(first, "fr")
    assert len(list(folder.iterdir())) == 1
    assert typography.french_remembered(first, "fr", folder, "fr/mail/setup/ page") == typography.french(first, "fr")
    assert typography.french_remembered(edited, "fr", folder, "fr/mail/setup/ page") == "<p>Envoi\u202f: SMTP\u202f!</p>"
    assert typography.french_remembered(first, "en", folder, "fr/mail/setup/ page") == first  # the language is in the key
    (entry,) = folder.iterdir()
    entry.write_text("0" * 64 + "\n<p>stale</p>", encoding="utf-8")
    assert typography.french_remembered(edited, "fr", folder, "fr/mail/setup/ page") == "<p>Envoi\u202f: SMTP\u202f!</p>"
    entry.write_bytes(b"\xff\xfe")
    assert typography.french_remembered(first, "fr", folder, "fr/mail/setup/ page") == typography.french(first, "fr")
    assert typography.french_remembered(first, "fr", None, "not remembered") == typography.french(first, "fr")
