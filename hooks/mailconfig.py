"""Mail programs that set themselves up, from data/ports.yml.

As a MkDocs hook, in every language pass of mkdocs-static-i18n:

- writes an Apple configuration profile, `/mail/artelabs-mail.mobileconfig` in
  English and `/fr/mail/artelabs-mail.mobileconfig` in French: one Mail payload
  with the recommended incoming and outgoing servers, password authentication,
  and no address, user name or password (the device asks for them). Its
  identifiers come from site_url and its UUIDs from the data (uuid5), so the
  same data gives the same bytes;
- replaces the line `<!-- mobileconfig-offer -->` of a page (indentation kept,
  so it stays inside a content tab) with a box that links to that profile.

As a command, for staff: Thunderbird's autoconfiguration file for a
customer's domains (README, "Thunderbird autoconfiguration"):

    python hooks/mailconfig.py autoconfig example.ch example.com --out DIR

The data is read and checked by `load()` of hooks/ports.py.
"""

from __future__ import annotations

import argparse
import importlib.util
import ipaddress
import json
import logging
import plistlib
import posixpath
import re
import sys
import uuid
import xml.etree.ElementTree as ET
from pathlib import Path
from types import ModuleType
from typing import Any
from urllib.parse import urlsplit

import idna
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page

log = logging.getLogger("mkdocs.plugins.mailconfig")

PROFILE = "mail/artelabs-mail.mobileconfig"  # src_uri; French pass: fr/mail/...
AUTOCONFIG = "config-v1.1.xml"
OFFER = re.compile(r"^(?P<indent>[ \t]*)<!--\s*mobileconfig-offer\s*-->[ \t]*$", re.M)
OFFER_ANYWHERE = re.compile(r"<!--\s*mobileconfig-offer\s*-->")

_data: dict[str, Any] = {}


def _import_ports() -> ModuleType:
    """hooks/ports.py, which reads and checks data/ports.yml (no copy of its code here)."""
    spec = importlib.util.spec_from_file_location("artelabs_ports", Path(__file__).with_name("ports.py"))
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


_ports = _import_ports()


# -----------------------------------------------------------------------------
# Hooks
# -----------------------------------------------------------------------------


def on_config(config: MkDocsConfig, **kwargs: Any) -> None:
    """Load and check the data once; fail now if a profile cannot be made from it."""
    _data.clear()
    _data.update(load_data(Path(config.config_file_path).parent))
    for direction in ("incoming", "outgoing"):
        _recommended(_data, direction)


@event_priority(-150)  # after mkdocs-static-i18n (-100) has chosen this language's files
def on_files(files: Files, *, config: MkDocsConfig, **kwargs: Any) -> Files:
    """Add this language's profile to the site, so links to it are checked."""
    lang, default = _build_language(config)
    if files.get_file_from_path(PROFILE) is not None:
        raise PluginError(f"docs/{PROFILE}: the build writes this file, expected no such file in docs/")
    profile_file = File.generated(config, PROFILE, content=profile(_data, lang, config.site_url or ""))
    profile_file.dest_uri = PROFILE if lang == default else f"{lang}/{PROFILE}"
    files.append(profile_file)
    return files


def on_page_markdown(markdown: str, *, page: Page, config: MkDocsConfig, **kwargs: Any) -> str | None:
    """Replace `<!-- mobileconfig-offer -->` with a link to the page language's profile."""
    if not OFFER_ANYWHERE.search(markdown):
        return None
    lang = _ports.page_language(page, config)
    source = f"docs/{page.file.src_uri}"
    link = posixpath.relpath(PROFILE, posixpath.dirname(page.file.src_uri) or ".")
    markdown = OFFER.sub(lambda match: offer(match["indent"], lang, link, source), markdown)
    if OFFER_ANYWHERE.search(markdown):
        raise PluginError(f"{source}: '<!-- mobileconfig-offer -->' must stand alone on its line")
    return markdown


# -----------------------------------------------------------------------------
# The Apple profile and the box that offers it
# -----------------------------------------------------------------------------


def load_data(root: Path) -> dict[str, Any]:
    """data/ports.yml of the repository at root, checked by hooks/ports.py."""
    return _ports.load(root / _ports.DATA_FILE, root / _ports.SCHEMA_FILE, name=_ports.DATA_FILE)


def profile(data: dict[str, Any], lang: str, site_url: str) -> bytes:
    """The .mobileconfig (XML plist, sorted keys) in one language; same data, same bytes."""
    source = f"{PROFILE} ({lang})"
    incoming, outgoing = _recommended(data, "incoming"), _recommended(data, "outgoing")
    identifier = _reverse_dns(site_url) + ".mail"
    namespace = uuid.uuid5(uuid.NAMESPACE_URL, site_url)
    settings = {
        "EmailAccountType": ACCOUNT_TYPES[incoming["protocol"]],
        "IncomingMailServerHostName": incoming["host"],
        "IncomingMailServerPortNumber": incoming["port"],
        "IncomingMailServerUseSSL": incoming["security"] != "none",
        "IncomingMailServerAuthentication": AUTHENTICATION_APPLE[incoming["authentication"]],
        "OutgoingMailServerHostName": outgoing["host"],
        "OutgoingMailServerPortNumber": outgoing["port"],
        "OutgoingMailServerUseSSL": outgoing["security"] != "none",
        "OutgoingMailServerAuthentication": AUTHENTICATION_APPLE[outgoing["authentication"]],
        "OutgoingPasswordSameAsIncomingPassword": True,
    }
    fields = {
        "in_protocol": incoming["protocol"],
        "in_host": incoming["host"],
        "in_port": incoming["port"],
        "in_security": _ports.text(_ports.STRINGS, f"security.{incoming['security']}", lang, source),
        "out_protocol": outgoing["protocol"],
        "out_host": outgoing["host"],
        "out_port": outgoing["port"],
        "out_security": _ports.text(_ports.STRINGS, f"security.{outgoing['security']}", lang, source),
        "username": data["account"]["username"][lang],
    }
    words = {key: text(key, lang, source).format(**fields) for key in PROFILE_STRINGS}
    # The account's UUID follows its settings only: installing the other
    # language's profile updates the account instead of making a second one.
    payload = {
        **settings,
        "EmailAccountDescription": words["profile.account"],
        "PayloadType": "com.apple.mail.managed",
        "PayloadVersion": 1,
        "PayloadIdentifier": f"{identifier}.account",
        "PayloadUUID": _uuid(namespace, f"{identifier}.account", settings),
        "PayloadDisplayName": words["profile.account"],
        "PayloadDescription": words["profile.description"],
        "PayloadOrganization": words["profile.organization"],
    }
    top = {
        "PayloadContent": [payload],
        "PayloadType": "Configuration",
        "PayloadVersion": 1,
        "PayloadIdentifier": identifier,
        "PayloadUUID": _uuid(namespace, identifier, payload),
        "PayloadDisplayName": words["profile.name"],
        "PayloadDescription": words["profile.description"],
        "PayloadOrganization": words["profile.organization"],
    }
    return plistlib.dumps(top, fmt=plistlib.FMT_XML, sort_keys=True)


def offer(indent: str, lang: str, link: str, source: str) -> str:
    """The Markdown box that replaces the marker, at the marker's indentation."""
    words = {key: text(key, lang, source) for key in OFFER_STRINGS}
    sentence = words["offer.text"].format(ios=words["ui.ios"], macos=words["ui.macos"], macos_old=words["ui.macos-old"])
    lines = [
        f'!!! tip "{words["offer.title"]}"',
        "",
        f"    [{words['offer.link']}]({link}){{ .md-button .md-button--primary }}",
        "",
        f"    {sentence}",
    ]
    return "\n".join(f"{indent}{line}" if line else "" for line in lines)


def _recommended(data: dict[str, Any], direction: str) -> dict[str, Any]:
    entries = [entry for entry in data["mail"] if entry["direction"] == direction and entry["recommended"]]
    if len(entries) != 1:
        raise PluginError(
            f"{_ports.DATA_FILE}: mail: {len(entries)} {direction} servers are recommended, expected exactly one"
        )
    return entries[0]


def _reverse_dns(site_url: str) -> str:
    host = urlsplit(site_url).hostname
    if not host:
        raise PluginError(f"mkdocs.yml: site_url: {site_url!r} has no host name, expected https://HOST/")
    return ".".join(reversed(host.split(".")))


def _uuid(namespace: uuid.UUID, name: str, content: dict[str, Any]) -> str:
    return str(uuid.uuid5(namespace, name + json.dumps(content, sort_keys=True, ensure_ascii=False))).upper()


def _build_language(config: MkDocsConfig) -> tuple[str, str]:
    """(language of this build pass, default language)."""
    i18n = config.plugins.get("i18n")
    if i18n is None:
        lang = config.theme.get("language") or "en"
        return lang, lang
    return i18n.current_language, i18n.default_language


def text(key: str, lang: str, source: str) -> str:
    """A string of this hook in one language."""
    try:
        return STRINGS[key][lang]
    except KeyError:
        raise PluginError(f"hooks/mailconfig.py: STRINGS['{key}']: no '{lang}' text (needed by {source})") from None


# -----------------------------------------------------------------------------
# Thunderbird autoconfiguration (clientConfig 1.1) and the command
# -----------------------------------------------------------------------------


def autoconfig(data: dict[str, Any], domains: list[str]) -> bytes:
    """config-v1.1.xml for the given (ASCII) domains: every server of the data, recommended first."""
    root = ET.Element("clientConfig", version="1.1")
    provider = ET.SubElement(root, "emailProvider", id=domains[0])
    for domain in domains:
        ET.SubElement(provider, "domain").text = domain
    ET.SubElement(provider, "displayName").text = f"{ORGANIZATION} mail ({data['provider']['name']})"
    ET.SubElement(provider, "displayShortName").text = ORGANIZATION
    for direction, element in (("incoming", "incomingServer"), ("outgoing", "outgoingServer")):
        entries = [entry for entry in data["mail"] if entry["direction"] == direction]
        for entry in sorted(entries, key=lambda entry: not entry["recommended"]):
            server = ET.SubElement(provider, element, type=entry["protocol"].lower())
            ET.SubElement(server, "hostname").text = entry["host"]
            ET.SubElement(server, "port").text = str(entry["port"])
            ET.SubElement(server, "socketType").text = SOCKET_TYPES[entry["security"]]
            ET.SubElement(server, "authentication").text = AUTHENTICATION_THUNDERBIRD[entry["authentication"]]
            ET.SubElement(server, "username").text = "%EMAILADDRESS%"
    ET.indent(root)
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f"<!-- Generated by hooks/mailconfig.py from {_ports.DATA_FILE}, do not edit: run it again. -->\n"
        + ET.tostring(root, encoding="unicode")
        + "\n"
    ).encode("utf-8")


def domain_name(value: str) -> str:
    """The ASCII (xn--) form of a domain name; ValueError with the reason if it is not one."""
    if "://" in value or value.lower().startswith(("http:", "https:")):
        raise ValueError("remove the scheme (https://)")
    if "@" in value:
        raise ValueError("give the domain after the @, not an email address")
    if any(char in value for char in "/?#:"):
        raise ValueError("remove the path, port or query, keep the name only")
    name = value[:-1] if value.endswith(".") else value
    if not name or "." not in name:
        raise ValueError("a domain name has at least one dot, as in example.ch")
    try:
        ipaddress.ip_address(name)
    except ValueError:
        pass
    else:
        raise ValueError("an IP address is not a domain name")
    labels = name.split(".")
    if not all(labels):
        raise ValueError("it has an empty label (two dots in a row, or a leading dot)")
    for label in labels:
        if len(label) > 63:
            raise ValueError(f"the label '{label[:16]}…' has {len(label)} characters, expected at most 63")
    if len(name) > 253:
        raise ValueError(f"it has {len(name)} characters, expected at most 253")
    try:
        ascii_name = idna.encode(name, uts46=True).decode("ascii")
    except idna.IDNAError as error:
        raise ValueError(f"{error} (IDNA)") from None
    if len(ascii_name) > 253 or any(len(label) > 63 for label in ascii_name.split(".")):
        raise ValueError(f"its ASCII form {ascii_name} is too long (labels at most 63, name at most 253)")
    if ascii_name.rsplit(".", 1)[-1].isdigit():
        raise ValueError("the last label (top-level domain) cannot be only digits")
    return ascii_name


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python hooks/mailconfig.py",
        description="Write Thunderbird's autoconfiguration file (config-v1.1.xml) for a customer's domains.",
    )
    commands = parser.add_subparsers(dest="command", required=True)
    command = commands.add_parser("autoconfig", help="config-v1.1.xml for one or more mail domains")
    command.add_argument("domains", nargs="+", metavar="DOMAIN", help="a customer's mail domain, e.g. example.ch")
    command.add_argument("--out", type=Path, metavar="DIR", help=f"write DIR/{AUTOCONFIG} (default: standard output)")
    args = parser.parse_args(argv)

    domains: list[str] = []
    for value in args.domains:
        try:
            ascii_name = domain_name(value)
        except ValueError as error:
            print(f"mailconfig: '{value}' is not a domain name: {error}", file=sys.stderr)
            return 2
        if ascii_name not in domains:
            domains.append(ascii_name)
    try:
        xml = autoconfig(load_data(Path(__file__).resolve().parent.parent), domains)
    except PluginError as error:
        print(f"mailconfig: {error}", file=sys.stderr)
        return 1
    if args.out is None:
        sys.stdout.buffer.write(xml)
        return 0
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / AUTOCONFIG).write_bytes(xml)
    print(f"wrote {args.out / AUTOCONFIG} for {', '.join(domains)}", file=sys.stderr)
    return 0


# -----------------------------------------------------------------------------
# Data: mappings, and the words of this hook, English and French side by side
# -----------------------------------------------------------------------------

ORGANIZATION = "Artelabs"
ACCOUNT_TYPES = {"IMAP": "EmailTypeIMAP", "POP3": "EmailTypePOP"}
AUTHENTICATION_APPLE = {"password": "EmailAuthPassword"}
AUTHENTICATION_THUNDERBIRD = {"password": "password-cleartext"}  # inside TLS
SOCKET_TYPES = {"ssl-tls": "SSL", "starttls": "STARTTLS", "none": "plain"}

STRINGS: dict[str, dict[str, str]] = {
    # Apple's own names for the screens where profiles are, as the devices show them.
    "ui.ios": {
        "en": "Settings > General > VPN & Device Management",
        "fr": "Réglages > Général > VPN et gestion de l'appareil",
    },
    "ui.macos": {
        "en": "System Settings > General > Device Management",
        "fr": "Réglages Système > Général > Gestion des appareils",
    },
    "ui.macos-old": {
        "en": "Privacy & Security > Profiles",
        "fr": "Confidentialité et sécurité > Profils",
    },
    # The box on the mail setup page.
    "offer.title": {
        "en": "Set up Mail in one tap",
        "fr": "Configurer Mail automatiquement",
    },
    "offer.link": {
        "en": "Download the mail profile",
        "fr": "Télécharger le profil de messagerie",
    },
    "offer.text": {
        "en": "Installing the profile adds a mail account with our servers and ports already filled in, and your "
        "device asks for your email address and password; to remove the account, remove the profile in "
        "**{ios}** (iPhone, iPad) or **{macos}** (Mac; before macOS 15: **{macos_old}**).",
        "fr": "Le profil crée le compte avec nos serveurs et nos ports déjà réglés : à l'installation, l'appareil "
        "vous demande simplement votre adresse e-mail et votre mot de passe. Pour retirer le compte, il suffit de "
        "supprimer le profil dans **{ios}** (iPhone, iPad) ou **{macos}** (Mac ; avant macOS 15 : **{macos_old}**).",
    },
    # Inside the profile, shown by the device while installing.
    "profile.name": {
        "en": "Artelabs mail settings",
        "fr": "Réglages de messagerie Artelabs",
    },
    "profile.account": {
        "en": "Artelabs mail",
        "fr": "Messagerie Artelabs",
    },
    "profile.organization": {
        "en": "Artelabs",
        "fr": "Artelabs",
    },
    "profile.description": {
        "en": "Adds your mail account. Incoming: {in_protocol}, {in_host}, port {in_port}, {in_security}. "
        "Outgoing: {out_protocol}, {out_host}, port {out_port}, {out_security}. Your device asks for your "
        "email address and password; the user name is {username}.",
        "fr": "Ajoute votre compte de messagerie. Réception : {in_protocol}, {in_host}, port {in_port}, "
        "{in_security}. Envoi : {out_protocol}, {out_host}, port {out_port}, {out_security}. L'appareil vous "
        "demande votre adresse e-mail et votre mot de passe ; le nom d'utilisateur est {username}.",
    },
}
OFFER_STRINGS = ("ui.ios", "ui.macos", "ui.macos-old", "offer.title", "offer.link", "offer.text")
PROFILE_STRINGS = ("profile.name", "profile.account", "profile.organization", "profile.description")


if __name__ == "__main__":
    sys.exit(main())
