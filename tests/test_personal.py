"""Your own settings: the reader types their address once, every place of the mail pages shows it, in
their browser only (artelabs/markers/you.py, assets/javascripts/you.js; guide/pages.md, "Places for the
reader's own address").

Checked in Debian's Chromium (tests/browser.py), both languages: every place and table filled, the
personal Apple profile against Apple's keys and the data, the staff link, the device choice, Chromium's
own network log (nothing sent carries the address), the page without JavaScript and in print.
"""

from __future__ import annotations

import base64
import functools
import json
import plistlib
import re
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

import idna
import pytest
import yaml
from browser import CHROMIUM, CHROMIUM_ARGS, DESKTOP, PHONE_360, Served, assert_nothing_scrolls_sideways, serve, wait_in_view
from test_browser import _axe, _describe, _search
from test_mailconfig import UUID_FORMAT, assert_profile_matches, definition_problems, read_data

from conftest import EVERY_PAGE, LANGUAGES, ROOT, page_path, pdf_pages, soup
from artelabs import markers
from artelabs.markers import you

STRINGS = yaml.safe_load((ROOT / "data" / "strings.yml").read_text(encoding="utf-8"))
APPLE = yaml.safe_load((ROOT / "tests" / "specs" / "apple-mail-payload.yml").read_text(encoding="utf-8"))
PROFILE = "mail/artelabs-mail.mobileconfig"
# The pages with places for the address, and how many each has (the field aside): the markers of the page
# and the places of its tables (the account table: the user name; the DNS table: each record's name).
PLACES = {"mail/setup/": 13, "mail/moving/": 1, "mail/errors/": 2, "mail/domain/": 3}
FIELDS = {"mail/setup/": "address", "mail/moving/": "address", "mail/domain/": "domain", "staff/links/": "staff"}


def prefix(lang: str) -> str:
    return "" if lang == "en" else f"{lang}/"


@functools.cache
def renderer(lang: str) -> markers.Renderer:
    return markers.standalone_renderer(ROOT, lang)


def said(key: str, lang: str, **values: str) -> str:
    return re.sub(r"\{(\w+)\}", lambda m: values.get(m[1], m[0]), STRINGS[key][lang])


# -----------------------------------------------------------------------------
# Fixtures
# -----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def server(site: Path) -> Iterator[Served]:
    with serve(site) as s:
        yield s


@pytest.fixture
def context(browser: Any) -> Iterator[Any]:
    """context(**options) -> a fresh browser context (typing and remembering need their own), closed after."""
    opened: list[Any] = []

    def make(**options: Any) -> Any:
        made = browser.new_context(**{"viewport": DESKTOP, "reduced_motion": "reduce", **options})
        made.set_default_timeout(10_000)
        made.errors = []
        made.on("weberror", lambda error: made.errors.append(str(error.error)))
        opened.append(made)
        return made

    yield make
    for made in opened:
        made.close()


def type_address(page: Any, text: str) -> None:
    """As a person pastes it: the field reads it at once."""
    field = page.locator("#mdx-you-address")
    field.fill(text)
    field.press("Enter")


def places(page: Any) -> list[dict[str, Any]]:
    """Every place of the page's article: its kind, what a reader sees in it, what it would copy."""
    return page.locator("article [data-you]").evaluate_all("""els => els.map(e => {
      const own = e.querySelector(':scope > .mdx-you__own'), generic = e.querySelector(':scope > .mdx-you__generic')
      return {kind: e.dataset.you, own: own && !own.hidden ? own.textContent : null,
              generic: generic ? generic.textContent : e.textContent, genericShown: !generic || !generic.hidden,
              copy: own && !own.hidden ? [...own.querySelectorAll('button.mdx-copy')].map(b => b.dataset.copy) : []}
    })""")


def storage(page: Any) -> dict[str, Any]:
    return page.evaluate("() => ({tab: sessionStorage.getItem('artelabs.you'), device: localStorage.getItem('artelabs.you')})")


# -----------------------------------------------------------------------------
# The marker: checked arguments, the words as written without JavaScript
# -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "alone", "message"),
    [
        ('you:adress "your address"', False, "expected 'you:field'"),
        ("you:address", False, "the words the page shows without the reader's address"),
        ('you:address ""', False, "the words the page shows"),
        ('you:address " your address"', False, "without spaces around them"),
        ('you:address bold "your address"', False, "'you:address code \"WORDS\"'"),
        ('you:address "<b>your</b> address"', False, "expected text (** for bold)"),
        ('you:address "your address"', True, "expected it in a sentence"),
        ("you:field", False, "must stand alone on its line"),
        ("you:field phone", True, "'you:field domain' or 'you:field staff'"),
        ('you:field "Your address"', True, "'you:field domain' or 'you:field staff'"),
    ],
)
def test_a_wrong_you_marker_is_refused_in_one_line(body: str, alone: bool, message: str) -> None:
    with pytest.raises(markers.MarkerError) as error:
        renderer("en").render(body, alone=alone)
    assert message in str(error.value) and "\n" not in str(error.value)


def test_a_place_shows_its_words_as_written() -> None:
    assert renderer("fr").render('you:address "votre **adresse** complète"', alone=False) == (
        '<span class="mdx-you" data-you="address">votre <strong>adresse</strong> complète</span>'
    )
    assert renderer("fr").render('you:local code "nom"', alone=False) == '<code class="mdx-you" data-you="local">nom</code>'


# Where the mail pages speak of the reader's address as something to type: each such mention is a place
# (a `you:` marker), or the reader would read the general words beside their own address.
MENTIONS = re.compile(
    r"(your |votre )?(\*\*)?(full(\*\*)? (e-?mail )?address|adresse (e-mail )?(\*\*)?complète)(?!\**, for example|\**, par exemple)"
    r"|name@yourdomain|nom@votredomaine",
    re.I,
)


def test_every_mention_of_the_readers_address_in_the_mail_pages_is_a_place() -> None:
    missed = []
    for source in sorted((ROOT / "docs" / "mail").glob("*.md")):
        for number, line in markers.outside_code(source.read_text(encoding="utf-8")):
            line = markers.COMMENT.sub(lambda m: "" if m["body"].strip().startswith("you:") else m[0], line)
            missed += [f"{source.relative_to(ROOT)}:{number}: {m[0]}" for m in MENTIONS.finditer(line)]
    assert missed == []


def test_pages_with_places_load_the_script_and_the_staff_links_carry_the_address_only_to_them(site: Path) -> None:
    for lang in LANGUAGES:
        for path in EVERY_PAGE:
            html = soup(site, lang, path)
            scripts = [urlsplit(s["src"]).path.rsplit("/", 1)[-1] for s in html.select("script[src]")]
            has = len(html.select("article [data-you]")), html.select_one("article [data-you-field]")
            assert ("you.js" in scripts) == (path in PLACES or path in FIELDS), f"/{prefix(lang)}{path}"
            assert has[0] == PLACES.get(path, 0), f"/{prefix(lang)}{path}: {has[0]} places"
            assert (has[1]["data-you-field"] if has[1] else None) == FIELDS.get(path), f"/{prefix(lang)}{path}"
            assert has[1] is None or has[1].has_attr("hidden"), "the field shows only with JavaScript"
        index = (site / prefix(lang) / "search" / "search_index.json").read_text(encoding="utf-8")
        assert STRINGS["you.remember"][lang] not in index and STRINGS["offer.personal-text"][lang][:20] not in index, "searched"
        sheet = soup(site, lang, "staff/links/")
        carried = {urlsplit(a["href"]).path.removeprefix("/fr") for a in sheet.select("a[data-you-link]")}
        assert carried == {f"/{path}" for path in PLACES}
    # "I use": each device's tab is a tab of the setup page, under the same label in both languages.
    for lang in LANGUAGES:
        setup = soup(site, lang, "mail/setup/")
        for device in you.DEVICES:
            assert setup.select_one(f'[id="{device["anchor"]}"]') is not None, device
            if device["tab"]:
                assert setup.select_one(f'label[for="{device["anchor"]}"]').get_text(strip=True) == device["tab"], (lang, device)


# -----------------------------------------------------------------------------
# Filled in, in both languages: every place, every table, the profile
# -----------------------------------------------------------------------------

TYPED = {
    # what a reader pastes, what the pages then hold (the ASCII form of the domain for programs and DNS)
    "en": ("  Anne Muster <Anne.Muster@Example.CH> ", "Anne.Muster@example.ch", "Anne.Muster@example.ch"),
    "fr": ("mailto:jean-marc.favre@b%C3%BCcher-gen%C3%A8ve.ch?subject=Aide", "jean-marc.favre@bücher-genève.ch",
           "jean-marc.favre@" + idna.encode("bücher-genève.ch", uts46=True).decode("ascii")),
}


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_address_fills_every_place_table_and_profile(context: Any, server: Served, site: Path, lang: str) -> None:
    pasted, typed, address = TYPED[lang]
    local, domain = address.split("@")
    page = context(viewport=PHONE_360, accept_downloads=True).new_page()
    page.goto(server.url(f"/{prefix(lang)}mail/setup/"), wait_until="load")
    assert page.locator("#mdx-you-address").is_visible()
    assert all(place["own"] is None and place["genericShown"] for place in places(page)), "empty: the words as written"
    violations = _axe(page)
    assert not violations, "empty:\n" + _describe(violations)
    type_address(page, pasted)
    assert page.locator("#mdx-you-address").input_value() == typed, "read back as it will be used"
    message = page.locator(".mdx-you-field__message").inner_text()
    assert message.startswith(said("you.shown", lang, address=typed))
    assert (domain.startswith("xn--")) == (said("you.idn", lang, domain=typed.split("@")[1], ascii=domain) in message)
    found = places(page)
    assert len(found) == PLACES["mail/setup/"]
    assert [p["own"] for p in found] == [local if p["kind"] == "local" else address for p in found]
    assert not any(p["genericShown"] for p in found)
    user_name = page.locator("article .mdx-ports [data-you=address]")  # the account table
    assert user_name.count() == 1 and found[0]["copy"] == [address]
    # Each program's steps: the places of every tab hold the address, as a reader sees the tab.
    for tab in ("clients-iphoneipadmac", "clients-android", "clients-outlook", "clients-thunderbird"):
        page.locator(f'label[for="{tab}"]').click()
        shown = page.evaluate("""tab => {
          const input = document.getElementById(tab), set = input.parentElement
          const block = set.querySelectorAll(':scope > .tabbed-content > .tabbed-block')[[...set.querySelectorAll(':scope > input')].indexOf(input)]
          block.querySelectorAll('details').forEach(d => d.open = true)
          return block.innerText
        }""", tab)
        assert address in shown and "full address" not in shown and "adresse complète" not in shown, tab
    page.locator('label[for="clients-iphoneipadmac"]').click()
    assert_nothing_scrolls_sideways(page, page.url)
    violations = _axe(page)
    assert not violations, "\n" + _describe(violations)

    # The profile made in the browser: Apple's keys, the data's servers, the address; no password.
    link = page.locator("[data-you-profile] a")
    link.wait_for(state="visible")
    assert link.inner_text() == said("offer.personal", lang, address=address)
    with page.expect_download() as download:
        link.click()
    personal = plistlib.loads(Path(download.value.path()).read_bytes())
    generic = plistlib.loads((site / prefix(lang) / PROFILE).read_bytes())
    check_personal_profile(personal, generic, address, lang)

    # The other mail pages, in the same tab.
    page.goto(server.url(f"/{prefix(lang)}mail/domain/"), wait_until="load")
    assert page.locator("#mdx-you-address").input_value() == typed
    dns = places(page)  # the names as written (many DNS hosts add the domain), and in full beside them
    full = [domain, domain, f"_dmarc.{domain}"]
    in_full = said("you.in-full", lang, name="{}")
    assert [p["own"] for p in dns] == [f" ({in_full.format(name)})" for name in full]
    assert [p["copy"] for p in dns] == [[name] for name in full]
    assert [p["generic"] for p in dns if p["genericShown"]] == ["@", "@", "_dmarc"]
    violations = _axe(page)
    assert not violations, "\n" + _describe(violations)
    for path in ("mail/moving/", "mail/errors/"):
        page.goto(server.url(f"/{prefix(lang)}{path}"), wait_until="load")
        assert [p["own"] for p in places(page)] == [address] * PLACES[path], path
    assert page.locator("#mdx-you-address").count() == 0, "the errors page has places, not the field"

    # Kept in this tab only: another tab shows the words as written.
    other = page.context.new_page()
    other.goto(server.url(f"/{prefix(lang)}mail/setup/"), wait_until="load")
    assert other.locator("#mdx-you-address").input_value() == ""
    assert all(p["own"] is None for p in places(other))
    assert storage(page) == {"tab": typed, "device": None}
    assert page.context.errors == []


def check_personal_profile(personal: dict[str, Any], generic: dict[str, Any], address: str, lang: str) -> None:
    problems = definition_problems(APPLE["toplevel"], personal, "profile")
    (payload,) = personal["PayloadContent"]
    problems += definition_problems(APPLE["payloadkeys"] + APPLE["common"], payload, "mail payload")
    assert problems == []
    assert_profile_matches(personal, read_data())
    for key in ("EmailAddress", "IncomingMailServerUsername", "OutgoingMailServerUsername", "EmailAccountDescription"):
        assert payload[key] == address, key
    assert not {"IncomingPassword", "OutgoingPassword"} & set(payload)
    # Made from the generic profile: every setting the same, its own identity (one per address).
    (model,) = generic["PayloadContent"]
    own = {"EmailAddress", "IncomingMailServerUsername", "OutgoingMailServerUsername", "EmailAccountDescription",
           "PayloadIdentifier", "PayloadUUID", "PayloadDisplayName", "PayloadDescription"}
    assert {k: v for k, v in payload.items() if k not in own} == {k: v for k, v in model.items() if k not in own}
    assert personal["PayloadIdentifier"].startswith(generic["PayloadIdentifier"] + ".")
    assert payload["PayloadIdentifier"] == personal["PayloadIdentifier"] + ".account"
    assert personal["PayloadUUID"] == str(uuid.uuid5(uuid.UUID(generic["PayloadUUID"]), address)).upper()
    assert payload["PayloadUUID"] == str(uuid.uuid5(uuid.UUID(model["PayloadUUID"]), address)).upper()
    assert UUID_FORMAT.match(personal["PayloadUUID"]) and UUID_FORMAT.match(payload["PayloadUUID"])
    assert personal["PayloadDisplayName"] == said("profile.personal-name", lang, address=address)
    assert address in personal["PayloadDescription"] and read_data()["account"]["username"][lang] not in personal["PayloadDescription"]


# -----------------------------------------------------------------------------
# What a reader types: a clear message in the page's language
# -----------------------------------------------------------------------------

# What is typed, and what the field reads (the address as the pages write it) or the message it gives.
INPUTS = [
    ("ANNE@EXAMPLE.CH", "ANNE@example.ch"),
    ("anne @ example.ch.", "anne@example.ch"),
    ('"Muster, Anne" <anne@example.ch>', "anne@example.ch"),
    ("mailto:anne%40example.ch", "anne@example.ch"),
    ("anne＠ｅｘａｍｐｌｅ.ch", "anne@example.ch"),  # a phone's full-width keyboard
    ("anne@xn--mnchen-3ya.ch", "anne@xn--mnchen-3ya.ch"),
    ("anne.example.ch", ("you.error.no-at", {})),
    ("anne@example.ch, paul@example.ch", ("you.error.several", {})),
    ("anne muster@example.ch", ("you.error.space", {})),
    ("anne@@example.ch", ("you.error.at", {})),
    ("@example.ch", ("you.error.local-empty", {})),
    ("jürg@example.ch", ("you.error.local-char", {"char": "ü"})),
    ("anne+news@example.ch", ("you.error.local-char", {"char": "+"})),
    ("anne..muster@example.ch", ("you.error.local-dot", {})),
    ("-anne@example.ch", ("you.error.local-hyphen", {})),
    ("a" * 65 + "@example.ch", ("you.error.local-long", {})),
    ("anne@example", ("you.error.domain-dot", {})),
    ("anne@exa_mple.ch", ("you.error.domain-char", {"char": "_"})),
    ("anne@example..ch", ("you.error.domain-label", {})),
    ("anne@-example.ch", ("you.error.domain-label", {})),
    ("anne@" + "a" * 64 + ".ch", ("you.error.domain-long", {})),
    ("anne@192.0.2.1", ("you.error.domain-ip", {})),
    ("anne@example.123", ("you.error.domain-tld", {})),
]


@pytest.mark.parametrize("lang", LANGUAGES)
def test_what_is_typed_is_read_as_a_demanding_reader_expects(context: Any, server: Served, lang: str) -> None:
    page = context().new_page()
    page.goto(server.url(f"/{prefix(lang)}mail/setup/"), wait_until="load")
    field, message = page.locator("#mdx-you-address"), page.locator(".mdx-you-field__message")
    for typed, expected in INPUTS:
        type_address(page, typed)
        if isinstance(expected, str):
            assert field.input_value() == expected, typed
            assert field.get_attribute("aria-invalid") == "false"
            assert message.inner_text().startswith(said("you.shown", lang, address=expected)), typed
        else:
            assert message.inner_text() == said(expected[0], lang, **expected[1]), typed
            assert field.get_attribute("aria-invalid") == "true", typed
            assert all(p["own"] is None for p in places(page)), f"{typed}: the places keep their words"
            assert storage(page)["tab"] is None
    # The DNS page's field also takes a domain alone (or a web address), and says nothing of its MX.
    page.goto(server.url(f"/{prefix(lang)}mail/domain/"), wait_until="load")
    type_address(page, "https://www.Example.ch/contact")
    assert field.input_value() == "www.example.ch"
    assert message.inner_text() == said("you.shown-domain", lang, domain="www.example.ch")
    assert page.context.errors == []


# -----------------------------------------------------------------------------
# Remembered on this device only when asked; forgotten at once
# -----------------------------------------------------------------------------


def test_remember_on_this_device_and_forget(context: Any, server: Served) -> None:
    tabs = context()
    page = tabs.new_page()
    page.goto(server.url("/fr/mail/moving/"), wait_until="load")
    type_address(page, "anne@example.ch")
    page.locator("[data-you-remember]").check()
    assert storage(page) == {"tab": "anne@example.ch", "device": "anne@example.ch"}
    other = tabs.new_page()
    other.goto(server.url("/mail/setup/"), wait_until="load")
    assert other.locator("#mdx-you-address").input_value() == "anne@example.ch"
    assert other.locator("[data-you-remember]").is_checked()
    forget = other.locator("[data-you-forget]")
    forget.click()
    assert storage(other) == {"tab": None, "device": None}
    assert other.locator("#mdx-you-address").input_value() == ""
    assert other.locator(".mdx-you-field__message").inner_text() == STRINGS["you.forgotten"]["en"]
    assert all(p["own"] is None and p["genericShown"] for p in places(other))
    assert not forget.is_visible(), "nothing left to forget"
    assert tabs.errors == []


# -----------------------------------------------------------------------------
# Staff: a link that opens the page filled in, the address after the # only
# -----------------------------------------------------------------------------


def test_staff_link_opens_the_section_filled_in(context: Any, server: Served, site: Path) -> None:
    tabs = context(viewport=PHONE_360)
    sheet = tabs.new_page()
    sheet.goto(server.url("/fr/staff/links/"), wait_until="load")
    type_address(sheet, "Anne.Muster@Example.ch")
    assert sheet.locator(".mdx-you-field__message").inner_text() == said("you.shown-staff", "fr", address="Anne.Muster@example.ch")
    site_url = "https://support.artelabs.ch"
    encoded = quote("Anne.Muster@example.ch", safe="")
    for anchor in ("smtp", "clients-thunderbird"):
        link = sheet.locator(f'td > a[data-you-link][href^="{site_url}/fr/mail/setup/#{anchor}&"]')
        assert link.count() == 1 and link.get_attribute("href") == f"{site_url}/fr/mail/setup/#{anchor}&address={encoded}"
    assert sheet.locator(f'a[href="{site_url}/fr/mail/ports/#port-25"]').count() == 1, "a page without places: as it was"
    assert storage(sheet) == {"tab": None, "device": None}, "the sheet keeps nothing"
    assert sheet.locator("[data-you-remember]").count() == 0

    page = tabs.new_page()
    page.goto(server.url("/fr/mail/setup/"), wait_until="load")
    page.evaluate("() => localStorage.setItem('artelabs.you', 'staff.member@artelabs.ch')")  # remembered here
    page.goto(server.url(f"/fr/mail/setup/#smtp&address={encoded}"), wait_until="load")
    page.wait_for_function("() => location.hash === '#smtp'")
    wait_in_view(page, "#smtp")
    box, header = page.locator("#smtp").bounding_box(), page.locator("header.md-header").bounding_box()
    assert header["y"] + header["height"] <= box["y"] + 1 and box["y"] + box["height"] <= PHONE_360["height"]
    assert page.locator("#mdx-you-address").input_value() == "Anne.Muster@example.ch"
    assert {p["own"] for p in places(page)} == {"Anne.Muster@example.ch", "Anne.Muster"}
    assert storage(page) == {"tab": "Anne.Muster@example.ch", "device": "staff.member@artelabs.ch"}
    assert not page.locator("[data-you-remember]").is_checked(), "the link's address is for this tab only"
    page.goto(server.url(f"/fr/mail/setup/#clients-thunderbird&address={encoded}"), wait_until="load")
    page.wait_for_function("() => document.getElementById('clients-thunderbird').checked")
    assert page.evaluate("() => location.hash") == "#clients-thunderbird"
    assert tabs.errors == []


# -----------------------------------------------------------------------------
# "I use": that program's steps, on every mail page
# -----------------------------------------------------------------------------


def test_the_device_chosen_opens_its_steps_across_the_mail_pages(context: Any, server: Served) -> None:
    page = context().new_page()
    page.goto(server.url("/fr/mail/setup/"), wait_until="load")
    select = page.locator("#mdx-you-device")
    select.select_option("thunderbird")
    for tab in ("clients-thunderbird", "stuck-in-outbox-thunderbird"):
        assert page.locator(f"#{tab}").is_checked(), tab
    steps = page.locator("[data-you-steps]")
    assert steps.inner_text() == said("you.steps", "fr", device="Thunderbird")
    assert steps.get_attribute("href") == "#clients-thunderbird"
    page.goto(server.url("/fr/mail/passwords/"), wait_until="load")  # Material's own memory of the tab
    labels = page.locator(".tabbed-set input:checked + label, .tabbed-set input:checked").evaluate_all(
        "inputs => inputs.filter(i => i.id).map(i => document.querySelector(`label[for='${i.id}']`).innerText.trim())"
    )
    assert "Thunderbird" in labels
    page.goto(server.url("/fr/mail/moving/"), wait_until="load")
    assert page.locator("#mdx-you-device").input_value() == "thunderbird"
    assert page.locator("[data-you-steps]").get_attribute("href") == "../setup/#clients-thunderbird"
    # The Mac: the Apple tab, with the Mac's box first; remembered as the Mac, not as the iPhone.
    page.goto(server.url("/fr/mail/setup/"), wait_until="load")
    page.locator("#mdx-you-device").select_option("mac")
    assert page.locator("#clients-iphoneipadmac").is_checked()
    first = page.locator("#clients-iphoneipadmac ~ .tabbed-content > .tabbed-block").first.locator("> details summary").first
    assert first.inner_text().startswith("Mac")
    page.reload(wait_until="load")
    assert page.locator("#mdx-you-device").input_value() == "mac"
    assert page.locator("#clients-iphoneipadmac").is_checked()
    page.locator("#mdx-you-device").select_option("other")
    assert page.locator("[data-you-steps]").get_attribute("href") == "#settings"
    assert page.locator("[data-you-steps]").inner_text() == STRINGS["you.other"]["fr"]
    assert page.context.errors == []


# -----------------------------------------------------------------------------
# Private: nothing that leaves the browser carries the address (Chromium's network log)
# -----------------------------------------------------------------------------


def sent(netlog: Path) -> tuple[str, list[str]]:
    """Everything Chromium's network stack did, as text (what a request sends: no URL's #fragment, which no
    request carries), and the URLs it requested."""
    log = json.loads(netlog.read_text(encoding="utf-8"))
    texts, urls = [], []

    def walk(value: Any, key: str = "") -> None:
        if isinstance(value, dict):
            for name, item in value.items():
                walk(item, name)
        elif isinstance(value, list):
            for item in value:
                walk(item, key)
        elif isinstance(value, str):
            if key == "url":
                urls.append(value.split("#", 1)[0])
                texts.append(value.split("#", 1)[0])
            elif key == "bytes":
                texts.append(base64.b64decode(value).decode("latin-1"))
            else:
                texts.append(value)

    for event in log["events"]:
        walk(event.get("params", {}))
    return "\n".join(texts), urls


def test_nothing_that_leaves_the_browser_carries_the_address(browser: Any, site: Path, tmp_path: Path) -> None:
    if not CHROMIUM.exists():
        pytest.skip("no Chromium")
    netlog = tmp_path / "netlog.json"
    staff_typed, typed = "zorglub.kappa@bruxelles-qq.ch", "quux.omega@münchen-zz.ch"
    ascii_domain = "xn--mnchen-zz-q9a.ch"
    own = browser.browser_type.launch(
        executable_path=str(CHROMIUM), args=[*CHROMIUM_ARGS, f"--log-net-log={netlog}", "--net-log-capture-mode=Everything"]
    )
    try:
        with serve(site) as server:
            page = own.new_page(accept_downloads=True)
            page.goto(server.url(f"/fr/mail/setup/#smtp&address={quote(staff_typed, safe='')}"), wait_until="load")
            page.wait_for_function("() => location.hash === '#smtp'")
            type_address(page, typed)
            page.locator("[data-you-remember]").check()
            page.locator("#mdx-you-device").select_option("iphone")
            with page.expect_download():
                page.locator("[data-you-profile] a").click()
            assert _search(page, "mot de passe"), "the search worker answered"
            for path in ("fr/mail/domain/", "fr/mail/moving/", "fr/mail/errors/", "mail/setup/", "fr/staff/links/"):
                page.goto(server.url(f"/{path}"), wait_until="networkidle")
            type_address(page, typed)
            link = page.locator('a[data-you-link][href*="/fr/mail/setup/#smtp&"]').get_attribute("href")
            page.goto(server.url(urlsplit(link).path + "#" + urlsplit(link).fragment), wait_until="networkidle")
            page.wait_for_function("() => location.hash === '#smtp'")
            served = [path for _, path, _ in server.requests]
    finally:
        own.close()  # the network log is complete once the browser has closed
    text, urls = sent(netlog)
    assert served and not [path for path in served if "quux" in path or "zorglub" in path], "the server's own log"
    assert any(u.endswith("/fr/mail/setup/") for u in urls) and any(u.endswith("/fr/search/search_index.json") for u in urls)
    assert any("favicon" in u for u in urls), "the log holds the favicon's request too"
    assert any(u.endswith("/fr/mail/artelabs-mail.mobileconfig") for u in urls), "the generic profile, fetched as it is"
    needles = {staff_typed, typed, ascii_domain, "bruxelles-qq", "zorglub", "quux.omega", "münchen-zz",
               quote(staff_typed, safe=""), quote(typed, safe="")}
    assert [needle for needle in needles if needle.lower() in text.lower()] == []


# -----------------------------------------------------------------------------
# Without JavaScript, in print and in the PDF: the words as written, no field
# -----------------------------------------------------------------------------

PDF = {"en": "pdf/artelabs-support-en.pdf", "fr": "fr/pdf/artelabs-support-fr.pdf"}


@pytest.mark.parametrize("lang", LANGUAGES)
def test_without_javascript_in_print_and_in_the_pdf_the_pages_read_as_written(
    context: Any, server: Served, site: Path, lang: str
) -> None:
    words = {path: [p.get_text() for p in soup(site, lang, path).select("article [data-you]")] for path in PLACES}
    page = context(java_script_enabled=False, viewport=PHONE_360).new_page()
    for path in (*PLACES, "staff/links/"):
        page.goto(server.url(f"/{prefix(lang)}{path}"), wait_until="load")
        assert page.locator("[data-you-field]").evaluate_all("els => els.filter(e => e.checkVisibility()).length") == 0
        assert page.locator("[data-you-profile]").evaluate_all("els => els.filter(e => e.checkVisibility()).length") == 0
        if path in PLACES:
            assert [p["generic"] for p in places(page) if p["genericShown"] and p["own"] is None] == words[path], path
    # Printed with the address typed: the page as without JavaScript (overrides of extra.css, @media print).
    page = context(viewport=PHONE_360).new_page()
    page.goto(server.url(f"/{prefix(lang)}mail/setup/"), wait_until="load")
    type_address(page, "anne.muster@example.ch")
    page.locator("[data-you-profile] a").wait_for(state="visible")
    page.emulate_media(media="print")
    printed = page.locator("article").inner_text()
    assert "anne.muster" not in printed.lower()
    for place in words["mail/setup/"]:
        assert " ".join(place.split()) in " ".join(printed.split()), place
    assert STRINGS["you.help"][lang] not in printed and STRINGS["offer.personal-text"][lang].split("{")[0] not in printed
    # The PDF: the pages' words, not the field's.
    text = " ".join(" ".join(pdf_pages(site / PDF[lang])).split())
    assert STRINGS["you.remember"][lang] not in text and STRINGS["you.label-domain"][lang] not in text
    assert " ".join(words["mail/moving/"][0].split()) in text
