"""The sending port customers are told to type comes first everywhere, in data/ports.yml's order.

The order of the outgoing servers in data/ports.yml is the order customers see: the tables, the diagram,
the Apple profile and Thunderbird's file are made from it, and the pages' prose names the ports by id
(`<!-- ports:smtp-starttls.port -->`), so it must agree with it by hand. These tests read every place:
the mail tables' row order, the standard table's submission rows, the diagram, each language's profile,
the autoconfig file, and the prose of every page in both languages, where the first sending port named
in each section, and in each content tab on its own, must be the data's first outgoing server.
Swapping the data's order (without a second build: the places made from the data are made again in this
process) leaves the prose behind, and the prose check says where.
"""

from __future__ import annotations

import copy
import plistlib
import re
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest
import yaml
from bs4 import BeautifulSoup

from conftest import LANGUAGES, PAGES, ROOT, soup
from artelabs import datafile, markers
from artelabs.postbuild import mail as mailfiles

DATA = yaml.safe_load((ROOT / "data" / "ports.yml").read_text(encoding="utf-8"))
STRINGS = datafile.Strings(ROOT / "data" / "strings.yml")
PROFILE = "mail/artelabs-mail.mobileconfig"
SITE_URL = "https://support.artelabs.ch/"
HEADINGS = ("h1", "h2", "h3", "h4", "h5", "h6")
NUMBER = re.compile(r"(?<![\w.,/-])(\d+)(?![\w/-]|[.,]\d)")
# The pages that tell customers which port to send on: each must name one (the check is not vacuous).
ADVISING = ("", "mail/setup/", "mail/errors/", "mail/ports/")


def outgoing(data: dict[str, Any]) -> list[int]:
    """The ports of the outgoing servers, in the data's order."""
    return [entry["port"] for entry in data["mail"] if entry["direction"] == "outgoing"]


def swapped(data: dict[str, Any]) -> dict[str, Any]:
    """The data with its outgoing servers in the other order (the recommended flag moved to the new first), and
    the standard table's two submission ports in the same order."""
    data = copy.deepcopy(data)
    for key, chosen in (("mail", lambda e: e["direction"] == "outgoing"), ("standard_ports", lambda e: e["service"].startswith("submission"))):
        places = [index for index, entry in enumerate(data[key]) if chosen(entry)]
        entries = [data[key][index] for index in reversed(places)]
        for index, entry in zip(places, entries):
            data[key][index] = entry
    for entry in data["mail"]:
        if entry["direction"] == "outgoing":
            entry["recommended"] = entry["port"] == outgoing(data)[0]
    return data


def ports_named(text: str, ports: set[int]) -> list[int]:
    return [int(number) for number in NUMBER.findall(text) if int(number) in ports]


# -----------------------------------------------------------------------------
# Each place, read
# -----------------------------------------------------------------------------


def advice(article: Any) -> dict[str, str]:
    """The article's prose by unit of advice: each section (from one heading to the next), and each content
    tab on its own; tables and the diagram are places of their own."""
    article = copy.copy(article)
    for element in article.select("table, figure.mdx-diagram, .mdx-sources"):
        element.decompose()
    units: dict[str, list[str]] = {}
    heading = "top"
    for node in article.descendants:
        if getattr(node, "name", None) in HEADINGS:
            heading = f"#{node.get('id', '?')}"
        elif isinstance(node, str) and node.strip():
            tab = node.find_parent(class_="tabbed-block")
            label = heading
            if tab is not None:
                panels = tab.find_parent(class_="tabbed-content").find_all(class_="tabbed-block", recursive=False)
                labels = tab.find_parent(class_="tabbed-set").select(":scope > .tabbed-labels > label")
                label = f"{heading}, tab “{labels[panels.index(tab)].get_text(strip=True)}”"
            units.setdefault(label, []).append(str(node))
    return {label: " ".join(" ".join(texts).split()) for label, texts in units.items()}


def prose_problems(site: Path, data: dict[str, Any]) -> tuple[list[str], set[tuple[str, str]]]:
    """(Each unit of advice whose first sending port is not the data's first, as `lang /path unit: ...`;
    the pages that name a sending port at all.)"""
    order = outgoing(data)
    problems, advising = [], set()
    for lang in LANGUAGES:
        for path in PAGES:
            for unit, text in advice(soup(site, lang, path).select_one("article")).items():
                named = ports_named(text, set(order))
                if not named:
                    continue
                advising.add((lang, path))
                if named[0] != order[0]:
                    at = next(m.start() for m in NUMBER.finditer(text) if int(m.group(1)) in order)
                    problems.append(f"{lang} /{path} {unit}: names {named[0]} first, expected {order[0]}: "
                                    f"“…{text[max(0, at - 60):at + 40]}…”")
    return problems, advising


def table_orders(page: BeautifulSoup, ports: set[int]) -> list[list[int]]:
    """Each mail table's sending rows (`#server-ID`, the port in the second cell), and the standard table's
    (`#port-ID`, the port in the row's header), as ports in their order."""
    orders = []
    for table in page.select("table"):
        found = [int(row.select("td")[1].get_text(strip=True)) for row in table.select("tr[id^=server-]")]
        found += [int(row.select_one("th").get_text(strip=True)) for row in table.select("tr[id^=port-]")]
        found = [port for port in found if port in ports]
        if found:
            orders.append(found)
    return orders


def diagram_first(html: str, ports: set[int]) -> int:
    text = BeautifulSoup(html, "lxml").select_one("figure.mdx-diagram").get_text(" ", strip=True)
    return ports_named(text, ports)[0]


def profile_port(profile: bytes) -> int:
    return plistlib.loads(profile)["PayloadContent"][0]["OutgoingMailServerPortNumber"]


def autoconfig_order(xml: bytes) -> list[int]:
    return [int(server.findtext("port")) for server in ET.fromstring(xml).iter("outgoingServer")]


# -----------------------------------------------------------------------------
# The built site agrees with the data
# -----------------------------------------------------------------------------


def test_the_data_lists_the_port_infomaniak_lists_first_first() -> None:
    """FAQ 468 (updated 24 Feb 2026): 587 with STARTTLS is "Option 1", 465 with SSL/TLS "Option 2"."""
    first, second = [entry for entry in DATA["mail"] if entry["direction"] == "outgoing"]
    assert (first["port"], first["security"], first["recommended"]) == (587, "starttls", True)
    assert (second["port"], second["security"], second["recommended"]) == (465, "ssl-tls", False)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_tables_diagram_and_profile_follow_the_data_order(site: Path, lang: str) -> None:
    order = outgoing(DATA)
    checked = 0
    for path in PAGES:
        for found in table_orders(soup(site, lang, path), set(order)):
            assert found == order[: len(found)], f"{lang} /{path}: a table lists the sending ports as {found}, expected {order}"
            checked += 1
    assert checked == 2, "the setup page's outgoing servers and the ports page's standard ports"
    page = (site / ("" if lang == "en" else f"{lang}/") / "mail/setup/index.html").read_text(encoding="utf-8")
    assert diagram_first(page, set(order)) == order[0]
    profile = (site / ("" if lang == "en" else f"{lang}/") / PROFILE).read_bytes()
    assert profile_port(profile) == order[0]
    assert plistlib.loads(profile)["PayloadContent"][0]["OutgoingMailServerUseSSL"] is True  # STARTTLS on 587 for Apple


def test_autoconfig_lists_the_outgoing_servers_in_the_data_order() -> None:
    xml = mailfiles.autoconfig(datafile.load(ROOT / "data" / "ports.yml", name="data/ports.yml"), STRINGS, ["example.ch"])
    assert autoconfig_order(xml) == outgoing(DATA)
    first = next(ET.fromstring(xml).iter("outgoingServer"))
    assert first.findtext("socketType") == "STARTTLS"


def test_every_page_names_the_first_sending_port_first(site: Path) -> None:
    """In each section and each content tab that names a sending port, in both languages, the first one named
    is the data's first outgoing server."""
    problems, advising = prose_problems(site, DATA)
    assert not problems, "a page advises the other sending port first:\n" + "\n".join(problems)
    missing = {(lang, path) for lang in LANGUAGES for path in ADVISING} - advising
    assert not missing, f"these pages name no sending port: {sorted(missing)}"


def test_every_client_tab_advises_a_sending_port(site: Path) -> None:
    """The check above sees each mail program's tab, in the setup steps and in the Outbox steps."""
    for lang in LANGUAGES:
        units = advice(soup(site, lang, "mail/setup/").select_one("article"))
        for section in ("#clients", "#stuck-in-outbox"):
            tabs = [unit for unit, text in units.items() if unit.startswith(f"{section}, tab") and ports_named(text, set(outgoing(DATA)))]
            assert len(tabs) == 4, f"{lang} {section}: a sending port in {tabs}, expected the four mail programs"


# -----------------------------------------------------------------------------
# Swapped back, the data is followed by what is made from it, and the prose is caught
# -----------------------------------------------------------------------------


def test_swapping_the_data_order_back_is_caught_on_every_advising_page(site: Path) -> None:
    """With 465 first in the data, the tables, the diagram, the profile and Thunderbird's file follow (they are
    made from the data), and every page that advises a sending port is reported, in both languages."""
    other = swapped(DATA)
    order = outgoing(other)
    assert order == list(reversed(outgoing(DATA)))
    for lang in LANGUAGES:
        renderer = markers.standalone_renderer(ROOT, lang)
        renderer.data = other
        for name in ("table outgoing", "table mail", "table standard"):
            (found,) = table_orders(BeautifulSoup(renderer.render(f"ports:{name}", alone=True), "lxml"), set(order))
            assert found == order[: len(found)], (lang, name, found)
        assert diagram_first(renderer.render("ports:diagram", alone=True), set(order)) == order[0]
        assert profile_port(mailfiles.profile(other, STRINGS, lang, SITE_URL)) == order[0]
    assert autoconfig_order(mailfiles.autoconfig(other, STRINGS, ["example.ch"])) == order
    problems, advising = prose_problems(site, other)
    reported = {tuple(problem.split(" ", 2)[:2]) for problem in problems}
    assert reported == {(lang, f"/{path}") for lang, path in advising}, "\n".join(problems)
    assert len(problems) >= 20, "\n".join(problems)


def test_the_recommended_server_out_of_order_stops_the_build(tmp_path: Path) -> None:
    """Swapping the entries but not the flag is refused with one line: the flag and the order cannot disagree."""
    text = (ROOT / "data" / "ports.yml").read_text(encoding="utf-8")
    blocks = re.split(r"(?m)^(?=  - id: )", text[text.index("\nmail:\n") + 7: text.index("\n# What every mail account")])
    smtp = next(block for block in blocks if block.startswith("  - id: smtp\n"))
    starttls = next(block for block in blocks if block.startswith("  - id: smtp-starttls\n"))
    edited = text.replace(starttls, "\0").replace(smtp, starttls).replace("\0", smtp)
    path = tmp_path / "ports.yml"
    path.write_text(edited, encoding="utf-8")
    with pytest.raises(datafile.DataError) as error:
        datafile.load(path, name="data/ports.yml", schema=ROOT / "data" / "schemas" / "ports.schema.json")
    line = edited[: edited.index("  - id: smtp-starttls\n")].count("\n") + 1 + 6  # its `recommended:` line
    assert str(error.value) == (
        f"data/ports.yml:{line}: mail[smtp-starttls].recommended: true, but smtp comes before it among the outgoing "
        "servers, expected the recommended server first (the pages, the profile and Thunderbird's file list them "
        "in this order)"
    )
