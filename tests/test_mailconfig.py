"""Mail programs that set themselves up: the Apple profile and Thunderbird's autoconfiguration.

Both files are checked against the project's own tables of the published specifications
(tests/specs/: Apple's Mail payload keys, the draft standard's autoconfig schema, each file
citing its source), and against data/ports.yml.
"""

from __future__ import annotations

import plistlib
import posixpath
import re
import subprocess
import sys
import uuid
from datetime import datetime
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
import yaml
from bs4 import BeautifulSoup
from conftest import LANGUAGES, ROOT, build_site, copy_repo, soup
from artelabs import datafile
from artelabs import markers
from artelabs.postbuild import mail as mailfiles
from lxml import etree

SPECS = ROOT / "tests" / "specs"
COMMAND = ROOT / "tools" / "autoconfig.py"
DATA = ROOT / "data" / "ports.yml"
PROFILE = "mail/artelabs-mail.mobileconfig"
SITE_URL = "https://support.artelabs.ch/"
PERSONAL_KEYS = (
    "EmailAddress",
    "EmailAccountName",
    "IncomingMailServerUsername",
    "OutgoingMailServerUsername",
    "IncomingPassword",
    "OutgoingPassword",
)

PLIST_TYPES = {
    "<string>": str,
    "<integer>": int,
    "<boolean>": bool,
    "<array>": list,
    "<dictionary>": dict,
    "<real>": float,
    "<date>": datetime,
    "<data>": bytes,
}
UUID_FORMAT = re.compile(r"^[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}$")


# -----------------------------------------------------------------------------
# Fixtures and helpers
# -----------------------------------------------------------------------------


@pytest.fixture(scope="session")
def apple_mail() -> dict[str, Any]:
    """tests/specs/apple-mail-payload.yml: Apple's com.apple.mail.managed keys, as the project's table."""
    return yaml.safe_load((SPECS / "apple-mail-payload.yml").read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def relaxng() -> etree.RelaxNG:
    return etree.RelaxNG(etree.parse(str(SPECS / "autoconfig.rng")))


@pytest.fixture(scope="session")
def mailconfig() -> ModuleType:
    """artelabs/postbuild/mail.py: the profile and autoconfig functions."""
    return mailfiles


@pytest.fixture(scope="session")
def strings() -> Any:
    return datafile.Strings(ROOT / "data" / "strings.yml")


def load_data(root: Path = ROOT) -> dict[str, Any]:
    return datafile.load(root / "data" / "ports.yml", name="data/ports.yml")


def read_data(path: Path = DATA) -> dict[str, Any]:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def recommended(data: dict[str, Any], direction: str) -> dict[str, Any]:
    (entry,) = [e for e in data["mail"] if e["direction"] == direction and e["recommended"]]
    return entry


def read_profile(site: Path, lang: str) -> dict[str, Any]:
    prefix = "" if lang == "en" else f"{lang}/"
    return plistlib.loads((site / prefix / PROFILE).read_bytes())


def definition_problems(keys: list[dict[str, Any]], values: dict[str, Any], where: str) -> list[str]:
    """Everything in `values` that Apple's key definitions do not allow."""
    by_key = {entry["key"]: entry for entry in keys}
    problems = []
    for key, value in values.items():
        entry = by_key.get(key)
        if entry is None:
            problems.append(f"{where}: {key} is not a key of this payload")
            continue
        expected = PLIST_TYPES[entry["type"]]
        if type(value) is not expected:  # noqa: E721 (bool is an int: the exact type matters)
            problems.append(f"{where}: {key} is {type(value).__name__}, Apple says {entry['type']}")
        if "rangelist" in entry and value not in entry["rangelist"]:
            problems.append(f"{where}: {key} = {value!r}, Apple allows {entry['rangelist']}")
        if "format" in entry and not re.match(entry["format"], str(value)):
            problems.append(f"{where}: {key} = {value!r} does not match {entry['format']}")
        for system in ("iOS", "macOS"):
            if entry.get("supported", {}).get(system) is False:
                problems.append(f"{where}: {key} is not supported on {system}")
    for entry in keys:
        if entry.get("presence") == "required" and entry["key"] not in values:
            problems.append(f"{where}: required key {entry['key']} is missing")
    return problems


def run_command(hook: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(hook), "autoconfig", *args], capture_output=True, text=True, timeout=60, check=False
    )


def autoconfig_values(xml: bytes, relaxng: etree.RelaxNG) -> dict[str, Any]:
    """The parsed config-v1.1.xml, after checking it against the draft standard's schema."""
    document = etree.fromstring(xml)
    assert relaxng.validate(document), relaxng.error_log
    provider = document.find("emailProvider")

    def servers(tag: str) -> list[dict[str, str]]:
        return [
            {"type": server.get("type"), **{child.tag: child.text for child in server}}
            for server in provider.findall(tag)
        ]

    return {
        "version": document.get("version"),
        "id": provider.get("id"),
        "domains": [domain.text for domain in provider.findall("domain")],
        "incoming": servers("incomingServer"),
        "outgoing": servers("outgoingServer"),
    }


def expected_servers(data: dict[str, Any], direction: str) -> list[dict[str, str]]:
    socket = {"ssl-tls": "SSL", "starttls": "STARTTLS", "none": "plain"}
    entries = [e for e in data["mail"] if e["direction"] == direction]
    entries.sort(key=lambda e: not e["recommended"])
    return [
        {
            "type": e["protocol"].lower(),
            "hostname": e["host"],
            "port": str(e["port"]),
            "socketType": socket[e["security"]],
            "authentication": "password-cleartext",
            "username": "%EMAILADDRESS%",
        }
        for e in entries
    ]


def assert_profile_matches(profile: dict[str, Any], data: dict[str, Any]) -> None:
    incoming, outgoing = recommended(data, "incoming"), recommended(data, "outgoing")
    (payload,) = profile["PayloadContent"]
    assert payload["EmailAccountType"] == {"IMAP": "EmailTypeIMAP", "POP3": "EmailTypePOP"}[incoming["protocol"]]
    assert payload["IncomingMailServerHostName"] == incoming["host"]
    assert payload["IncomingMailServerPortNumber"] == incoming["port"]
    assert payload["IncomingMailServerUseSSL"] is (incoming["security"] != "none")
    assert payload["IncomingMailServerAuthentication"] == "EmailAuthPassword"
    assert payload["OutgoingMailServerHostName"] == outgoing["host"]
    assert payload["OutgoingMailServerPortNumber"] == outgoing["port"]
    assert payload["OutgoingMailServerUseSSL"] is (outgoing["security"] != "none")
    assert payload["OutgoingMailServerAuthentication"] == "EmailAuthPassword"
    assert payload["OutgoingPasswordSameAsIncomingPassword"] is True
    for text in (profile["PayloadDescription"], payload["PayloadDescription"]):
        assert f"{incoming['host']}, port {incoming['port']}" in text
        assert f"{outgoing['host']}, port {outgoing['port']}" in text


def profile_link(page: BeautifulSoup) -> Any:
    # The personal profile's link (hidden until the reader types their address: tests/test_personal.py) aside.
    links = [a for a in page.select('a[href$="artelabs-mail.mobileconfig"]') if not a.find_parent(attrs={"data-you-profile": True})]
    assert len(links) == 1, f"expected one link to the profile, found {len(links)}"
    return links[0]


def tab_label(element: Any) -> str:
    """The label of the content tab that holds element."""
    block = element.find_parent(class_="tabbed-block")
    assert block is not None, "the profile link is not inside a content tab"
    blocks = block.parent.find_all(class_="tabbed-block", recursive=False)
    labels = block.find_parent(class_="tabbed-set").select(".tabbed-labels > label")
    return labels[blocks.index(block)].get_text(strip=True)


def assert_offer(site: Path, lang: str, page: BeautifulSoup, ui_ios: str) -> None:
    prefix = "" if lang == "en" else f"{lang}/"
    link = profile_link(page)
    target = posixpath.normpath(posixpath.join(f"/{prefix}mail/setup/", link["href"]))
    assert target == f"/{prefix}{PROFILE}"
    assert (site / target.lstrip("/")).is_file()
    assert "iPhone" in tab_label(link)
    box = link.find_parent(class_="admonition")
    assert box is not None and ui_ios in box.get_text(" ", strip=True)
    assert "mobileconfig-offer" not in str(page)


# -----------------------------------------------------------------------------
# The Apple profile
# -----------------------------------------------------------------------------


@pytest.mark.parametrize("lang", LANGUAGES)
def test_profile_is_allowed_by_apples_definition(site: Path, apple_mail: dict[str, Any], lang: str) -> None:
    profile = read_profile(site, lang)
    problems = definition_problems(apple_mail["toplevel"], profile, "profile")
    assert len(profile["PayloadContent"]) == 1
    (payload,) = profile["PayloadContent"]
    assert payload["PayloadType"] == apple_mail["payloadtype"] == "com.apple.mail.managed"
    problems += definition_problems(apple_mail["payloadkeys"] + apple_mail["common"], payload, "mail payload")
    assert problems == []
    assert UUID_FORMAT.match(profile["PayloadUUID"]) and UUID_FORMAT.match(payload["PayloadUUID"])
    assert payload["PayloadIdentifier"].startswith(profile["PayloadIdentifier"] + ".")


@pytest.mark.parametrize("lang", LANGUAGES)
def test_profile_holds_the_data_and_nothing_personal(site: Path, strings: Any, lang: str) -> None:
    profile = read_profile(site, lang)
    assert_profile_matches(profile, read_data())
    (payload,) = profile["PayloadContent"]
    assert [key for key in PERSONAL_KEYS if key in payload] == []
    # Descriptions in the profile's language.
    assert profile["PayloadDisplayName"] == strings("profile.name", lang)
    assert payload["EmailAccountDescription"] == strings("profile.account", lang)
    assert read_data()["account"]["username"][lang] in profile["PayloadDescription"]


def test_profiles_differ_only_in_words(site: Path) -> None:
    english, french = read_profile(site, "en"), read_profile(site, "fr")
    assert english["PayloadDisplayName"] != french["PayloadDisplayName"]
    assert english["PayloadIdentifier"] == french["PayloadIdentifier"] == "ch.artelabs.support.mail"
    # The account's UUID follows its settings: the other language's profile replaces it, no second account.
    assert english["PayloadContent"][0]["PayloadUUID"] == french["PayloadContent"][0]["PayloadUUID"]
    assert english["PayloadUUID"] != french["PayloadUUID"]


@pytest.mark.parametrize("lang", LANGUAGES)
def test_profile_is_the_same_bytes_at_every_generation(
    site: Path, mailconfig: ModuleType, strings: Any, lang: str
) -> None:
    prefix = "" if lang == "en" else f"{lang}/"
    built = (site / prefix / PROFILE).read_bytes()
    assert mailconfig.profile(load_data(), strings, lang, SITE_URL) == built
    assert built.startswith(b'<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE plist')
    profile = plistlib.loads(built)
    assert uuid.UUID(profile["PayloadUUID"]).version == 5


def test_the_check_catches_what_apple_does_not_allow(apple_mail: dict[str, Any]) -> None:
    keys = apple_mail["payloadkeys"] + apple_mail["common"]
    payload = {
        "PayloadType": "com.apple.mail.managed",
        "PayloadVersion": 2,
        "PayloadIdentifier": "x",
        "EmailAccountType": "EmailTypeExchange",
        "IncomingMailServerHostName": "mail.example.net",
        "IncomingMailServerPortNumber": True,
        "IncomingMailServerAuthentication": "EmailAuthPassword",
        "OutgoingMailServerHostName": "mail.example.net",
        "OutgoingMailServerAuthentication": "EmailAuthPassword",
        "PreventMove": True,
        "OutgoingSSL": True,
    }
    assert sorted(definition_problems(keys, payload, "p")) == [
        "p: EmailAccountType = 'EmailTypeExchange', Apple allows ['EmailTypeIMAP', 'EmailTypePOP']",
        "p: IncomingMailServerPortNumber is bool, Apple says <integer>",
        "p: OutgoingSSL is not a key of this payload",
        "p: PayloadVersion = 2, Apple allows [1]",
        "p: PreventMove is not supported on macOS",
        "p: required key PayloadUUID is missing",
    ]


# -----------------------------------------------------------------------------
# The offer on the mail setup page
# -----------------------------------------------------------------------------


@pytest.mark.parametrize("lang", LANGUAGES)
def test_setup_page_offers_its_languages_profile(site: Path, strings: Any, lang: str) -> None:
    assert_offer(site, lang, soup(site, lang, "mail/setup/"), strings("ui.ios", lang))


def test_offer_inside_a_content_tab_stays_in_the_tab(strings: Any) -> None:
    """The marker indented in a tab gives the box inside that tab, with the French words and link."""
    import markdown

    extension = markers.makeExtension(lang="fr", page="mail/setup/")
    text = '=== "iPhone"\n\n    <!-- mobileconfig-offer -->\n\n    Steps.\n'
    html = markdown.markdown(
        text, extensions=["pymdownx.tabbed", extension], extension_configs={"pymdownx.tabbed": {"alternate_style": True}}
    )
    block = BeautifulSoup(html, "lxml").select_one(".tabbed-block")
    box = block.select_one(".admonition.tip")
    assert box is not None and box.find_next_sibling("p").get_text() == "Steps."
    assert box.select_one("a.md-button")["href"] == "../artelabs-mail.mobileconfig"
    assert strings("ui.macos", "fr") in box.get_text()


def test_offer_inside_a_sentence_stops_the_build() -> None:
    with pytest.raises(markers.MarkerError, match=r"must stand alone on its line$"):
        markers.standalone_renderer(ROOT, "en").render("mobileconfig-offer", alone=False)


# -----------------------------------------------------------------------------
# Thunderbird autoconfiguration
# -----------------------------------------------------------------------------


def test_autoconfig_follows_the_standard_and_the_data(tmp_path: Path, relaxng: etree.RelaxNG) -> None:
    result = run_command(COMMAND, "example.ch", "Bücher.example", "--out", str(tmp_path))
    assert result.returncode == 0, result.stderr
    xml = (tmp_path / "config-v1.1.xml").read_bytes()
    assert xml.startswith(b'<?xml version="1.0" encoding="UTF-8"?>')
    values = autoconfig_values(xml, relaxng)
    data = read_data()
    assert values["version"] == "1.1"
    assert values["id"] == "example.ch"
    assert values["domains"] == ["example.ch", "xn--bcher-kva.example"]
    assert values["incoming"] == expected_servers(data, "incoming")
    assert values["outgoing"] == expected_servers(data, "outgoing")
    assert [server["type"] for server in values["incoming"]] == ["imap", "pop3"]
    assert len(values["outgoing"]) == 2


def test_autoconfig_goes_to_standard_output_without_out(relaxng: etree.RelaxNG) -> None:
    result = subprocess.run(
        [sys.executable, str(COMMAND), "autoconfig", "example.com"], capture_output=True, timeout=60, check=True
    )
    assert autoconfig_values(result.stdout, relaxng)["domains"] == ["example.com"]


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("https://example.ch", "remove the scheme"),
        ("example.ch/mail", "remove the path"),
        ("name@example.ch", "not an email address"),
        ("localhost", "at least one dot"),
        ("192.0.2.1", "IP address"),
        ("exa_mple.ch", "not allowed"),
        ("example-.ch", "hyphen"),
        ("example..ch", "empty label"),
        ("a" * 64 + ".ch", "at most 63"),
        (".".join(["a" * 60] * 5), "at most 253"),
    ],
)
def test_a_bad_domain_is_refused(tmp_path: Path, value: str, reason: str) -> None:
    result = run_command(COMMAND, "example.ch", value, "--out", str(tmp_path))
    assert result.returncode == 2
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith(f"autoconfig: '{value}' is not a domain name: ")
    assert reason in lines[0]
    assert not (tmp_path / "config-v1.1.xml").exists()


# -----------------------------------------------------------------------------
# One data file: a change in it changes both files
# -----------------------------------------------------------------------------


def test_a_change_in_the_data_changes_both_files(
    changed_site: tuple[Path, Path], relaxng: etree.RelaxNG, mailconfig: ModuleType, strings: Any, tmp_path: Path
) -> None:
    repo, site = changed_site
    data = read_data(repo / "data" / "ports.yml")
    assert read_data(repo / "data" / "ports.yml") != read_data()
    for lang in LANGUAGES:
        profile = read_profile(site, lang)
        assert_profile_matches(profile, data)
        assert profile["PayloadContent"][0]["IncomingMailServerPortNumber"] == 1993
        unchanged = plistlib.loads(mailconfig.profile(load_data(), strings, lang, SITE_URL))
        assert profile["PayloadUUID"] != unchanged["PayloadUUID"]
        assert_offer(site, lang, soup(site, lang, "mail/setup/"), strings("ui.ios", lang))

    result = run_command(repo / "tools" / "autoconfig.py", "example.ch", "--out", str(tmp_path / "out"))
    assert result.returncode == 0, result.stderr
    values = autoconfig_values((tmp_path / "out" / "config-v1.1.xml").read_bytes(), relaxng)
    assert values["incoming"] == expected_servers(data, "incoming")
    assert values["outgoing"] == expected_servers(data, "outgoing")
    assert values["incoming"][0]["port"] == "1993"
