"""`<!-- you:… -->`: the reader's own address in the mail pages, filled in the browser and sent nowhere.

    <!-- you:field -->                 (alone) the field "Your e-mail address", with "I use" (the device)
    <!-- you:field domain -->          (alone) the same for the DNS page: a domain, or an address on it
    <!-- you:field staff -->           (alone) the staff sheet's field: the customer's address goes into the
                                       sheet's links (after the #), and is kept nowhere
    <!-- you:address "WORDS" -->       in a sentence: WORDS as written (`**` for bold), and the reader's
                                       address instead once they have typed it
    <!-- you:address code "WORDS" -->  the same, shown as code (`name@yourdomain.ch`)
    <!-- you:local code "WORDS" -->    the part of the address before the @ (`name`)
    <!-- you:domain "WORDS" -->        the domain, after the @

Without JavaScript, in print and in the PDF, a page reads as its words say: the field is `hidden` and
each place shows its WORDS. assets/javascripts/you.js, loaded only by the pages that have such places
(overrides/main.html: any `data-you` in the page), does the rest in the reader's browser. The port
tables mark their own places (`data-you` in overrides/partials/ports-table-account.html and -dns.html;
`data-you-before`: a prefix such as `_dmarc.`, `data-you-beside`: the words stay and the value comes beside
them, `data-you-copy`: a copy button).
"""

from __future__ import annotations

import html
import json
import posixpath
import re
from typing import Any

from artelabs.markers.base import MarkerError, Renderer, scan

NAME = "you"
EXPECTED = "'you:field', 'you:field domain', 'you:field staff', 'you:address \"WORDS\"', 'you:address code \"WORDS\"', 'you:local code \"WORDS\"', 'you:domain \"WORDS\"'"

FIELDS = ("", "domain", "staff")
VALUES = ("address", "local", "domain")
ARGUMENT = re.compile(r'^(?P<what>[a-z]+)(?:\s+(?P<option>[a-z]+))?(?:\s+"(?P<words>[^"]*)")?$')

# "I use": each choice, the label it is remembered by (Material's memory of content tab labels, `__tabs`),
# the tab of the mail setup page that holds its steps, and that tab's id there (#clients-…). The labels of
# the tabs are the same in both languages (guide/pages.md); tests/test_personal.py checks them.
DEVICES = (
    {"id": "iphone", "token": "iPhone/iPad", "tab": "iPhone/iPad/Mac", "anchor": "clients-iphoneipadmac"},
    {"id": "mac", "token": "Mac", "tab": "iPhone/iPad/Mac", "anchor": "clients-iphoneipadmac"},
    {"id": "outlook", "token": "Outlook", "tab": "Outlook", "anchor": "clients-outlook"},
    {"id": "thunderbird", "token": "Thunderbird", "tab": "Thunderbird", "anchor": "clients-thunderbird"},
    {"id": "android", "token": "Android", "tab": "Android", "anchor": "clients-android"},
    {"id": "other", "token": "Other", "tab": "", "anchor": "settings"},
)
SETUP = "mail/setup/"  # the page with the steps of every program

# The words the script says, in the page's language (data/strings.yml, you.*): written into the field.
MESSAGES = (
    "shown", "shown-domain", "shown-staff", "idn", "forgotten", "steps", "other",
    "error.no-at", "error.several", "error.space", "error.at", "error.local-empty", "error.local-char",
    "error.local-dot", "error.local-hyphen", "error.local-long", "error.domain-dot", "error.domain-char",
    "error.domain-label", "error.domain-long", "error.domain-ip", "error.domain-tld",
)


def render(renderer: Renderer, rest: str, body: str, alone: bool) -> str:
    match = ARGUMENT.match(rest)
    what = match and match["what"]
    first = rest.split(maxsplit=1)[0] if rest.strip() else ""
    if match is None and first in VALUES:  # you:address votre adresse: the words without their quotes
        raise MarkerError(
            f"unknown marker '<!-- {body} -->', expected 'you:{first} \"WORDS\"' or 'you:{first} code \"WORDS\"': "
            "the words the page shows without the reader's address, in double quotes, without spaces around them"
        )
    if match is None or what not in ("field", *VALUES):
        raise MarkerError(f"unknown marker '<!-- {body} -->', expected {EXPECTED}")
    if what == "field":
        option = match["option"] or ""
        if option not in FIELDS or match["words"] is not None:
            raise MarkerError(f"unknown marker '<!-- {body} -->', expected 'you:field', 'you:field domain' or 'you:field staff'")
        renderer.block(body, alone)
        return field(renderer, option) + "\n"
    option, words = match["option"], match["words"]
    if option not in (None, "code") or words is None or not words.strip() or words != words.strip():
        raise MarkerError(
            f"unknown marker '<!-- {body} -->', expected 'you:{what} \"WORDS\"' or 'you:{what} code \"WORDS\"': "
            "the words the page shows without the reader's address, in double quotes, without spaces around them"
        )
    if "<" in words or ">" in words:
        raise MarkerError(f"marker '<!-- {body} -->': the words hold markup, expected text (** for bold)")
    if alone:
        raise MarkerError(f"marker '<!-- {body} -->' stands alone on its line, expected it in a sentence")
    text = re.sub(r"\*\*(.+?)\*\*", r"<strong>\1</strong>", html.escape(words, quote=False))
    tag = "code" if option == "code" else "span"
    return f'<{tag} class="mdx-you" data-you="{what}">{text}</{tag}>'


def field(renderer: Renderer, variant: str) -> str:
    setup = _relative(renderer.page, SETUP)
    words = {key: renderer.t(f"you.{key}") for key in MESSAGES}
    devices = [] if variant else [
        {**device, "label": renderer.t(f"you.device.{device['id']}"), "link": f"{setup}#{device['anchor']}"}
        for device in DEVICES
    ]
    return renderer.template("you-field.html", variant=variant, words=_json(words), devices=devices)


def _json(words: dict[str, str]) -> str:
    """For a data- attribute (the partial escapes it): the page's own characters, not \\u escapes (smaller)."""
    return json.dumps(words, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def personal(markdown: str, env: Any) -> bool:
    """A page whose Markdown has places for the reader's address: a `you:` marker, or a table whose partial
    marks some (`data-you`). Such a page loads the script (overrides/main.html), and the staff sheet may
    send the customer's address to it."""
    from artelabs.markers import ports

    for marker in scan(markdown):
        if marker.body.startswith("you:"):
            return True
        words = marker.body.split()
        if len(words) == 2 and words[0] == "ports:table":
            partial = ports.TABLES[words[1]][0] if words[1] in ports.TABLES else f"ports-table-{words[1]}.html"
            if _has_places(env, partial):
                return True
    return False


def _has_places(env: Any, partial: str) -> bool:
    from jinja2 import TemplateNotFound

    try:
        source = env.loader.get_source(env, f"partials/{partial}")[0]
    except TemplateNotFound:
        return False
    return "data-you" in source


def _relative(page: str, target: str) -> str:
    """mail/moving/ -> ../setup/ (the page's own path: ''), as the pages link to each other."""
    if not page:
        return target
    here = page.strip("/") or "."
    relative = posixpath.relpath(target.strip("/"), here)
    return "" if relative == "." else relative + "/"
