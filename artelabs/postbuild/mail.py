"""The mail configuration files, from data/ports.yml: Apple profiles and Thunderbird autoconfig.

Not a hook: hooks/mail_profiles.py writes the profiles into a built site,
tools/autoconfig.py writes Thunderbird's file for a customer's domain, and
tools/postbuild.py runs the profile step on any built site.

- The Apple configuration profile, `/mail/artelabs-mail.mobileconfig` in English and
  `/fr/mail/artelabs-mail.mobileconfig` in French: one Mail payload with the
  recommended incoming and outgoing servers, password authentication, and no
  address, user name or password (the device asks for them). Its identifiers come
  from site_url and its UUIDs from the data (uuid5), so the same data gives the
  same bytes.
- Thunderbird's `config-v1.1.xml` (clientConfig 1.1) for a customer's domains:
  every server of the data, in its order (the recommended first: artelabs/datafile/rules.py).
"""

from __future__ import annotations

import ipaddress
import json
import plistlib
import uuid
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import idna

from artelabs import datafile
from artelabs.postbuild import Site

PROFILE = "mail/artelabs-mail.mobileconfig"  # under each language's root
AUTOCONFIG = "config-v1.1.xml"
ORGANIZATION = "Artelabs"
ACCOUNT_TYPES = {"IMAP": "EmailTypeIMAP", "POP3": "EmailTypePOP"}
AUTHENTICATION_APPLE = {"password": "EmailAuthPassword"}
AUTHENTICATION_THUNDERBIRD = {"password": "password-cleartext"}  # inside TLS
SOCKET_TYPES = {"ssl-tls": "SSL", "starttls": "STARTTLS", "none": "plain"}
PROFILE_STRINGS = ("profile.name", "profile.account", "profile.organization", "profile.description")


class MailConfigError(ValueError):
    """Data from which no mail configuration can be made: one line."""


def write_profiles(site: Site) -> list[Path]:
    """Each language's profile into the built site."""
    written = []
    for lang in site.languages:
        path = site.folder / site.prefix(lang) / PROFILE
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(profile(site.data, site.strings, lang, site.site_url))
        written.append(path)
    return written


def profile(data: dict[str, Any], strings: datafile.Strings, lang: str, site_url: str) -> bytes:
    """The .mobileconfig (XML plist, sorted keys) in one language; same data, same bytes."""
    incoming, outgoing = recommended(data, "incoming"), recommended(data, "outgoing")
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
    fields = _fields(data, strings, lang)
    words = {key: strings(key, lang).format(**fields) for key in PROFILE_STRINGS}
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


def personal_words(data: dict[str, Any], strings: datafile.Strings, lang: str) -> dict[str, str]:
    """The words of the profile that the reader's browser makes with their address (assets/javascripts/you.js,
    from the generic profile above): the servers written in from the data, `{address}` left for the browser."""
    fields = {**_fields(data, strings, lang), "address": "{address}"}
    return {
        "link": strings("offer.personal", lang).format(**fields),
        "text": strings("offer.personal-text", lang).format(**fields),
        "name": strings("profile.personal-name", lang).format(**fields),
        "description": strings("profile.personal-description", lang).format(**fields),
    }


def _fields(data: dict[str, Any], strings: datafile.Strings, lang: str) -> dict[str, Any]:
    """What the profile's words say: the recommended servers, in the language."""
    incoming, outgoing = recommended(data, "incoming"), recommended(data, "outgoing")
    return {
        "in_protocol": incoming["protocol"],
        "in_host": incoming["host"],
        "in_port": incoming["port"],
        "in_security": strings(f"security.{incoming['security']}", lang),
        "out_protocol": outgoing["protocol"],
        "out_host": outgoing["host"],
        "out_port": outgoing["port"],
        "out_security": strings(f"security.{outgoing['security']}", lang),
        "username": data["account"]["username"][lang],
    }


def recommended(data: dict[str, Any], direction: str) -> dict[str, Any]:
    entries = [entry for entry in data["mail"] if entry["direction"] == direction and entry["recommended"]]
    if len(entries) != 1:
        raise MailConfigError(
            f"data/ports.yml: mail: {len(entries)} {direction} servers are recommended, expected exactly one"
        )
    return entries[0]


def _reverse_dns(site_url: str) -> str:
    host = urlsplit(site_url).hostname
    if not host:
        raise MailConfigError(f"mkdocs.yml: site_url: {site_url!r} has no host name, expected https://HOST/")
    return ".".join(reversed(host.split(".")))


def _uuid(namespace: uuid.UUID, name: str, content: dict[str, Any]) -> str:
    return str(uuid.uuid5(namespace, name + json.dumps(content, sort_keys=True, ensure_ascii=False))).upper()


# -----------------------------------------------------------------------------
# Thunderbird autoconfiguration (clientConfig 1.1)
# -----------------------------------------------------------------------------


def autoconfig(data: dict[str, Any], strings: datafile.Strings, domains: list[str]) -> bytes:
    """config-v1.1.xml for the given (ASCII) domains: every server of the data, in the data's order (Thunderbird
    offers the first of each direction; the recommended server comes first, artelabs/datafile/rules.py)."""
    root = ET.Element("clientConfig", version="1.1")
    provider = ET.SubElement(root, "emailProvider", id=domains[0])
    for domain in domains:
        ET.SubElement(provider, "domain").text = domain
    ET.SubElement(provider, "displayName").text = strings("autoconfig.display-name", "en").format(
        organization=ORGANIZATION, provider=data["provider"]["name"]
    )
    ET.SubElement(provider, "displayShortName").text = ORGANIZATION
    for direction, element in (("incoming", "incomingServer"), ("outgoing", "outgoingServer")):
        for entry in [entry for entry in data["mail"] if entry["direction"] == direction]:
            server = ET.SubElement(provider, element, type=entry["protocol"].lower())
            ET.SubElement(server, "hostname").text = entry["host"]
            ET.SubElement(server, "port").text = str(entry["port"])
            ET.SubElement(server, "socketType").text = SOCKET_TYPES[entry["security"]]
            ET.SubElement(server, "authentication").text = AUTHENTICATION_THUNDERBIRD[entry["authentication"]]
            ET.SubElement(server, "username").text = "%EMAILADDRESS%"
    ET.indent(root)
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        "<!-- Generated by tools/autoconfig.py from data/ports.yml, do not edit: run it again. -->\n"
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
    # Dots as some phones and keyboards type them (ideographic, full-width, half-width): dots (UTS 46).
    value = value.strip().translate({0x3002: ".", 0xFF0E: ".", 0xFF61: "."})
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


