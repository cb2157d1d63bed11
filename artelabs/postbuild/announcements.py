"""The announcements to subscribe to: an Atom feed (RFC 4287) and an iCalendar file (RFC 5545) per language.

Not a hook: hooks/announcements.py calls it once every language is built, and tools/postbuild.py on any
built site. Written at stable addresses beside the status page:

    /status/feed.xml      /fr/status/feed.xml        (application/atom+xml)
    /status/calendar.ics  /fr/status/calendar.ics    (text/calendar)

Every announcement of data/announcements.yml is one feed entry and one VEVENT:

- the entry's id (tag:support.artelabs.ch,2026:announcements/ID/LANG) never changes; its `updated` is the
  time of the last update (else when it was announced), its `published` when it was announced;
- the event's UID is ID@support.artelabs.ch in both languages (the same event), its SEQUENCE the number of
  updates, STATUS:CANCELLED when cancelled and CONFIRMED otherwise, its times in UTC, DTSTAMP the build date.

Nothing here reads the clock: the same commit gives the same bytes. An empty list gives a valid feed (no
entry) and a valid calendar (its time zone, Europe/Zurich, as the one component RFC 5545 asks for).
"""

from __future__ import annotations

import hashlib
import json
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Callable
from urllib.parse import urlsplit

from artelabs import announcements, datafile
from artelabs.postbuild import Site

ATOM = "http://www.w3.org/2005/Atom"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
FEED, CALENDAR = "status/feed.xml", "status/calendar.ics"
TAG_YEAR = 2026  # the year in the entries' tag: ids (RFC 4151); never changes, or every id would
UNDATED = datetime(2026, 1, 1, tzinfo=timezone.utc)  # what "updated" says of an empty feed of an undated build


def write_feeds(site: Site) -> list[Path]:
    """Both files of every language, into the built site; the paths written. Remembered in
    .cache/artelabs/feeds.json while all they are made from is unchanged (the same bytes: a rebuild need not
    import icalendar and make them again)."""
    key, made = _remembered(site)
    if made is None:
        items = announcements.load(site.root)
        made = {f"{site.prefix(lang)}status/{name}": data for lang in site.languages
                for name, data in (("feed.xml", atom(site, lang, items)), ("calendar.ics", calendar(site, lang, items)))}
        _remember(site, key, made)
    written = []
    for name, data in made.items():
        path = site.folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        written.append(path)
    return written


def _memo(site: Site) -> Path:
    return datafile.cache_folder(Path(site.root) / "data" / "ports.yml") / "feeds.json"


def _remembered(site: Site) -> tuple[str, dict[str, bytes] | None]:
    """The digest of what the files are made from (the site's settings, data/announcements.yml, the words of
    data/strings.yml, the code), and the files if the cache holds them for it."""
    root = Path(site.root)
    digest = hashlib.sha256(repr((site.site_url, site.languages, site.name, site.author, site.descriptions,
                                  site.copyrights, site.date, site.version)).encode())
    digest.update(datafile.source_digest(__file__, announcements.__file__).encode())
    # requirements.txt pins icalendar: another version may write the same calendar otherwise.
    for path in (root / "data" / "announcements.yml", root / "data" / "strings.yml", root / "requirements.txt"):
        try:
            digest.update(path.read_bytes() + b"\0")
        except FileNotFoundError:
            digest.update(b"-\0")  # a copy of the project without requirements.txt
        except OSError:
            return "", None
    key = digest.hexdigest()
    try:
        kept = json.loads(_memo(site).read_text(encoding="utf-8"))
        if kept["key"] == key:
            return key, {name: text.encode("utf-8") for name, text in kept["files"].items()}
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        pass
    return key, None


def _remember(site: Site, key: str, made: dict[str, bytes]) -> None:
    if not key:
        return
    try:
        files = {name: data.decode("utf-8") for name, data in made.items()}
        datafile.write_whole(_memo(site), json.dumps({"key": key, "files": files}).encode("utf-8"))
    except (OSError, UnicodeDecodeError):
        pass  # a cache that cannot be written: made again at the next build


def domain(site: Site) -> str:
    return urlsplit(site.site_url).hostname or "support.artelabs.ch"


def _base(site: Site, lang: str) -> str:
    return site.site_url.rstrip("/") + "/" + site.prefix(lang)


def link(site: Site, lang: str, item: announcements.Announcement, pages: dict[str, str]) -> str:
    """The announcement's address on the site, in a language: the status page or the archive (`pages`:
    announcements.pages()), #a-ID."""
    return f"{_base(site, lang)}{pages[item.id]}#{item.anchor}"


def _words(site: Site, lang: str) -> Callable[[str], str]:
    return lambda key: site.t(key, lang)


def title(item: announcements.Announcement, lang: str, t: Callable[[str], str]) -> str:
    """Maintenance: Mail server upgrade; Maintenance : Mise à niveau …"""
    return f"{t('announce.label').format(label=t(f'announce.kind.{item.kind}'))} {item.title[lang]}"


def description(item: announcements.Announcement, lang: str, t: Callable[[str], str]) -> str:
    """The announcement as plain text: when, status and services, its text, its updates (the latest first)."""
    services = ", ".join(t(f"announce.service.{s}") for s in item.services)
    label = t("announce.label").format
    lines = [
        f"{label(label=t('announce.when'))} {announcements.span(item.start, item.end, t)}",
        f"{label(label=t('announce.status'))} {t(f'announce.status.{item.status}')} · {label(label=t('announce.services'))} {services}",
        "",
        item.text[lang],
    ]
    if item.updates:
        lines += ["", label(label=t("announce.updates"))]
        for update in reversed(item.updates):
            status = f" ({t(f'announce.status.{update.status}')})" if update.status else ""
            lines.append(f"- {label(label=announcements.moment(update.time, t) + status)} {update.text[lang]}")
    return "\n".join(lines)


# -----------------------------------------------------------------------------
# Atom (RFC 4287)
# -----------------------------------------------------------------------------


def atom(site: Site, lang: str, items: list[announcements.Announcement]) -> bytes:
    from lxml import etree
    from lxml.builder import ElementMaker

    t = _words(site, lang)
    E = ElementMaker(namespace=ATOM, nsmap={None: ATOM})  # noqa: N806 (lxml's name)
    ordered = sorted(items, key=lambda a: (a.modified, a.id), reverse=True)
    pages = announcements.pages(items, site.date)
    updated = max((a.modified for a in items), default=site.date or UNDATED)
    base = _base(site, lang)
    feed = E.feed(
        E.id(f"{base}{FEED}"),
        E.title(t("announce.title")),
        E.subtitle(t("announce.subtitle")),
        E.updated(announcements.utc(updated)),
        E.author(E.name(site.author or site.name), E.uri(base)),
        E.link(rel="self", type="application/atom+xml", href=f"{base}{FEED}"),
        E.link(rel="alternate", type="text/html", hreflang=lang, href=f"{base}status/"),
    )
    feed.set(XML_LANG, lang)
    for item in ordered:
        entry = E.entry(
            E.id(f"tag:{domain(site)},{TAG_YEAR}:announcements/{item.id}/{lang}"),
            E.title(title(item, lang, t)),
            E.updated(announcements.utc(item.modified)),
            E.published(announcements.utc(item.announced)),
            E.link(rel="alternate", type="text/html", hreflang=lang, href=link(site, lang, item, pages)),
            E.category(term=item.kind, label=t(f"announce.kind.{item.kind}")),
            *(E.category(term=s, label=t(f"announce.service.{s}")) for s in item.services),
            E.summary(announcements.span(item.start, item.end, t)),
            E.content(description(item, lang, t), type="text"),
        )
        feed.append(entry)
    return etree.tostring(feed, xml_declaration=True, encoding="utf-8", pretty_print=True)


# -----------------------------------------------------------------------------
# iCalendar (RFC 5545)
# -----------------------------------------------------------------------------


def calendar(site: Site, lang: str, items: list[announcements.Announcement]) -> bytes:
    from icalendar import Calendar, Event, Timezone

    t = _words(site, lang)
    cal = Calendar()
    cal.add("prodid", f"-//Artelabs//{domain(site)} status//{lang.upper()}")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", t("announce.title"))
    cal.add("x-wr-caldesc", t("announce.subtitle"))
    cal.add("x-wr-timezone", announcements.GENEVA.key)
    # Geneva's zone, for clients that show the calendar in its own zone; the events' times are UTC. It is
    # also the component that keeps a calendar with no announcement valid (RFC 5545: one or more).
    year = (site.date or UNDATED).year
    pages = announcements.pages(items, site.date)
    cal.add_component(Timezone.from_tzid(announcements.GENEVA.key, first_date=date(year - 1, 1, 1), last_date=date(year + 2, 1, 1)))
    for item in sorted(items, key=lambda a: (a.start, a.id)):
        event = Event()
        event.add("uid", f"{item.id}@{domain(site)}")
        event.add("dtstamp", site.date or item.modified)
        event.add("dtstart", item.start)
        event.add("dtend", item.end)
        event.add("created", item.announced)
        event.add("last-modified", item.modified)
        event.add("sequence", item.sequence)
        event.add("status", "CANCELLED" if item.status == "cancelled" else "CONFIRMED")
        event.add("summary", title(item, lang, t))
        event.add("description", description(item, lang, t))
        event.add("url", link(site, lang, item, pages))
        event.add("categories", [t(f"announce.kind.{item.kind}")])
        event.add("transp", "TRANSPARENT")  # shown, but the customer's own time stays free
        cal.add_component(event)
    return cal.to_ical()

