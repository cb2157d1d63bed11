"""`<!-- mobileconfig-offer -->` (alone on its line): the box that offers the Apple profile of the page's
language, with its QR code (partial mobileconfig-offer.html)."""

from __future__ import annotations

import html
import posixpath
import re

from artelabs.markers.base import Renderer

NAME = "mobileconfig-offer"
EXPECTED = "'mobileconfig-offer'"
PROFILE = "mail/artelabs-mail.mobileconfig"  # the Apple profile, under each language's root


def render(renderer: Renderer, rest: str, body: str, alone: bool) -> str:
    renderer.block(body, alone)
    words = {key: renderer.t(key) for key in ("ui.ios", "ui.macos", "ui.macos-old", "offer.title", "offer.link")}
    sentence = _strong(html.escape(renderer.t("offer.text"))).format(
        ios=html.escape(words["ui.ios"]), macos=html.escape(words["ui.macos"]), macos_old=html.escape(words["ui.macos-old"])
    )
    link = posixpath.relpath(PROFILE, renderer.page.strip("/") or ".") if renderer.page else PROFILE
    address = renderer.site_url.rstrip("/") + "/" + ("" if renderer.lang == renderer.default else f"{renderer.lang}/") + PROFILE
    return renderer.template(
        "mobileconfig-offer.html", words=words, sentence=sentence, link=link, qr=qr_svg(address), address=address,
        one_line=False,
    )


def qr_svg(address: str) -> str:
    """A QR code of an address, as inline SVG drawn from the address alone (segno; no service asked)."""
    import segno

    svg = segno.make(address, error="m").svg_inline(scale=1, omitsize=True, dark="#000", light="#fff", border=2)
    return svg.replace('<svg ', '<svg role="img" aria-hidden="true" focusable="false" ', 1).replace(' class="segno"', "")


def _strong(text: str) -> str:
    return re.sub(r"\*\*(.+?)\*\*", r"<strong>\1</strong>", text)


