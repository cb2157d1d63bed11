"""`<!-- mobileconfig-offer -->` (alone on its line): the box that offers the Apple profile of the page's
language, with its QR code (partial mobileconfig-offer.html)."""

from __future__ import annotations

import functools
import hashlib
import html
import json
import logging
import posixpath
import re
from pathlib import Path

from artelabs import datafile
from artelabs.markers.base import MarkerError, Renderer

NAME = "mobileconfig-offer"
EXPECTED = "'mobileconfig-offer'"
PROFILE = "mail/artelabs-mail.mobileconfig"  # the Apple profile, under each language's root


def render(renderer: Renderer, rest: str, body: str, alone: bool) -> str:
    if body != NAME:  # mobileconfig-offer:ios: it takes nothing after its name
        raise renderer.wrong(body, "'mobileconfig-offer' alone, with nothing after its name")
    renderer.block(body, alone)
    words = {key: renderer.t(key) for key in ("ui.ios", "ui.macos", "ui.macos-old", "offer.title", "offer.link")}
    sentence = _strong(html.escape(renderer.t("offer.text"))).format(
        ios=html.escape(words["ui.ios"]), macos=html.escape(words["ui.macos"]), macos_old=html.escape(words["ui.macos-old"])
    )
    link = posixpath.relpath(PROFILE, renderer.page.strip("/") or ".") if renderer.page else PROFILE
    address = renderer.site_url.rstrip("/") + "/" + ("" if renderer.lang == renderer.default else f"{renderer.lang}/") + PROFILE
    from artelabs.postbuild.mail import MailConfigError, personal_words

    try:
        personal = json.dumps(personal_words(renderer.data, renderer.strings, renderer.lang), ensure_ascii=False, sort_keys=True)
    except MailConfigError as error:
        raise MarkerError(str(error)) from None
    return renderer.template(
        "mobileconfig-offer.html", words=words, sentence=sentence, link=link, address=address, personal=personal,
        qr=qr_svg(address, datafile.cache_folder(Path(renderer.root) / "data" / "ports.yml") / "qr"),
        one_line=False,
    )


def qr_svg(address: str, cache: Path | None = None) -> str:
    """A QR code of an address, as inline SVG drawn from the address alone (segno; no service asked).

    With cache (.cache/artelabs/qr/), kept under the address, segno's version and this file's source: a build
    whose addresses did not change does not import segno (a tenth of a second) nor draw the codes again."""
    from importlib.metadata import version

    entry = None
    if cache is not None:
        key = hashlib.sha256(f"{address}\0{version('segno')}\0{_own_source()}".encode()).hexdigest()
        entry = cache / f"{key}.svg"
        try:
            return entry.read_text(encoding="utf-8")
        except OSError:
            pass
    import segno

    svg = segno.make(address, error="m").svg_inline(scale=1, omitsize=True, dark="#000", light="#fff", border=2)
    svg = svg.replace('<svg ', '<svg role="img" aria-hidden="true" focusable="false" ', 1).replace(' class="segno"', "")
    if entry is not None:
        try:
            datafile.write_whole(entry, svg.encode("utf-8"))
        except OSError as error:
            _note(f"{cache}: cannot be written ({error.strerror}): the QR codes are drawn at every build")
    return svg


@functools.cache
def _own_source() -> str:
    return datafile.source_digest(__file__)


_notes: set[str] = set()


def _note(note: str) -> None:
    if note not in _notes:
        _notes.add(note)
        logging.getLogger("mkdocs.plugins.markers").info(note)


def _strong(text: str) -> str:
    return re.sub(r"\*\*(.+?)\*\*", r"<strong>\1</strong>", text)


