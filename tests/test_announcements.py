"""Announcements (data/announcements.yml): the status page, the archive, the banner, the feed and the calendar.

One copy of the sources is built (HTML only) with an announcement of every kind, dated relative to the
copies' build date (conftest.COPY_STAMP: 1 December 2025, 00:00 UTC, 01:00 in Geneva), and shared by the
tests of this module; the guard rails build small mutations of another copy, each refused in one line.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path
from urllib.parse import urljoin

import pytest
from bs4 import BeautifulSoup

from conftest import COPY_STAMP, EVERY_PAGE, LANGUAGES, ROOT, clean_environment, copy_repo, mkdocs_build, once_per_run, parsed
from test_hosting import apache  # noqa: F401 (the fixture: Apache with the site's .htaccess, here serving this module's `site`)
from artelabs import announcements, datafile

BUILT = datetime.fromtimestamp(int(COPY_STAMP["SOURCE_DATE_EPOCH"]), timezone.utc)
assert BUILT == datetime(2025, 12, 1, tzinfo=timezone.utc), "conftest.COPY_STAMP changed: move the announcements below"
SITE_URL = "https://support.artelabs.ch/"

# One announcement of every kind, dated relative to the build date (the copy's data/announcements.yml).
ANNOUNCEMENTS = Path(__file__).with_name("announcements.yml")
CURRENT = ["running", "soon", "later"]  # in progress first, then planned, the soonest first
RECENT = ["called-off", "done", "spring"]  # the latest first
ARCHIVED = ["old"]
BANNER = ["running", "soon"]
WHEN = {
    "soon": {
        "en": "Tuesday 2 December 2025, 22:00–23:30 (Geneva time)",
        "fr": "mardi 2 décembre 2025, 22 h 00 – 23 h 30 (heure de Genève)",
    },
    "running": {
        "en": "Sunday 30 November 2025, 20:00 – Monday 1 December 2025, 06:00 (Geneva time)",
        "fr": "dimanche 30 novembre 2025, 20 h 00 – lundi 1er décembre 2025, 6 h 00 (heure de Genève)",
    },
    "spring": {
        "en": "Monday 10 March 2025, 08:00–09:00 (Geneva time)",
        "fr": "lundi 10 mars 2025, 8 h 00 – 9 h 00 (heure de Genève)",
    },
}
UTC_TIMES = {  # (start, end, sequence, status) of each event in the calendar
    "later": ("2025-12-20T21:00", "2025-12-20T22:00", 0, "CONFIRMED"),
    "soon": ("2025-12-02T21:00", "2025-12-02T22:30", 0, "CONFIRMED"),
    "running": ("2025-11-30T19:00", "2025-12-01T05:00", 2, "CONFIRMED"),
    "done": ("2025-11-15T21:00", "2025-11-15T22:00", 1, "CONFIRMED"),
    "called-off": ("2025-11-28T21:00", "2025-11-28T22:00", 1, "CANCELLED"),
    "spring": ("2025-03-10T07:00", "2025-03-10T08:00", 0, "CONFIRMED"),
    "old": ("2024-06-05T08:00", "2024-06-05T10:00", 2, "CONFIRMED"),
}


def prefix(lang: str) -> str:
    return "" if lang == "en" else f"{lang}/"


def page(site: Path, lang: str, path: str) -> BeautifulSoup:
    return parsed(site / prefix(lang) / path / "index.html")


def words(text: str) -> str:
    return " ".join(text.split())


# -----------------------------------------------------------------------------
# One copy with every kind of announcement, built once (HTML only)
# -----------------------------------------------------------------------------


def _build_copy(work: Path) -> dict[str, str]:
    repo = copy_repo(work / "repo")
    shutil.copyfile(ANNOUNCEMENTS, repo / "data" / "announcements.yml")
    result = mkdocs_build(repo, work / "site")
    assert result.returncode == 0, f"the copy with announcements did not build:\n{result.stderr[-3000:]}"
    # The feed and the calendar made again, by the same function in another process (tools/postbuild.py), with
    # another hash seed and time zone and an empty cache of its own: the build's cache would otherwise hand the
    # first bytes back (artelabs/postbuild/announcements.py remembers them), and the comparison would prove nothing.
    again = Path(shutil.copytree(work / "site", work / "again"))
    for lang in LANGUAGES:
        for name in ("feed.xml", "calendar.ics"):
            (again / prefix(lang) / "status" / name).unlink()
    env = clean_environment(ARTELABS_CACHE=str(work / "cold-cache"), PYTHONHASHSEED="4242", TZ="Pacific/Kiritimati", **COPY_STAMP)
    result = subprocess.run(
        [sys.executable, str(repo / "tools" / "postbuild.py"), str(again), "--steps", "announcements", "--config", str(repo / "mkdocs.yml")],
        cwd=work, capture_output=True, text=True, env=env, timeout=120,
    )
    assert result.returncode == 0, f"tools/postbuild.py did not write the feeds again:\n{result.stderr[-3000:]}"
    return {}


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The work folder: repo/ (the copy), site/ (its build) and again/ (the same, its feeds and calendars made
    again in another process)."""
    return once_per_run(tmp_path_factory, "announcements", _build_copy)


@pytest.fixture(scope="module")
def site(built: Path) -> Path:
    return built / "site"


# -----------------------------------------------------------------------------
# The status page and the archive
# -----------------------------------------------------------------------------


@pytest.mark.long
@pytest.mark.parametrize("lang", LANGUAGES)
def test_status_page_lists_current_then_recent_at_stable_anchors(site: Path, lang: str) -> None:
    html = page(site, lang, "status/")
    current = html.select_one(".mdx-announcements--current")
    recent = html.select_one(".mdx-announcements--recent")
    assert current is not None and recent is not None
    assert [s["id"].removeprefix("a-") for s in current.select("section [id^='a-']")] == CURRENT
    assert [s["id"].removeprefix("a-") for s in recent.select("section [id^='a-']")] == RECENT
    ids = [element["id"] for element in html.select("article [id^='a-']")]
    assert ids == [f"a-{i}" for i in CURRENT + RECENT], "each announcement once, at #a-ID"
    # Each list under its heading: in progress and planned first, then the past 12 months.
    order = [e.get("id") or e["class"][-1] for e in html.select("#current, #past, .mdx-announcements")]  # document order
    assert order == ["current", "mdx-announcements--current", "past", "mdx-announcements--recent"]
    as_of = {"en": "As of Monday 1 December 2025, 01:00 (Geneva time)", "fr": "Au lundi 1er décembre 2025, 1 h 00 (heure de Genève)"}
    assert as_of[lang] in words(current.get_text(" ")), "the list says the build date it is true at"
    for ident, when in WHEN.items():
        section = html.select_one(f"#a-{ident}").find_parent("section")
        assert when[lang] in words(section.get_text(" ")), f"#a-{ident}: {words(section.get_text(' '))}"
    updates = html.select_one("#a-running").find_parent("section").select(".mdx-announcement__updates li")
    latest = {"en": "Sunday 30 November 2025, 23:00 (Geneva time)", "fr": "dimanche 30 novembre 2025, 23 h 00 (heure de Genève)"}
    assert len(updates) == 2 and latest[lang] in words(updates[0].get_text(" ")), "the updates, the latest first"
    assert not html.select("#a-old"), "an announcement older than 12 months is on the archive page only"
    archive = recent.select_one(".mdx-announcements__archive a")
    assert archive is not None and urljoin(f"/{prefix(lang)}status/", archive["href"]) == f"/{prefix(lang)}status/archive/"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_older_announcements_keep_an_address_on_the_archive_page(site: Path, lang: str) -> None:
    html = page(site, lang, "status/archive/")
    assert [e["id"] for e in html.select("article [id^='a-']")] == [f"a-{i}" for i in ARCHIVED]
    section = html.select_one("#a-old").find_parent("section")
    when = {"en": "Wednesday 5 June 2024, 10:00–12:00 (Geneva time)", "fr": "mercredi 5 juin 2024, 10 h 00 – 12 h 00 (heure de Genève)"}
    assert when[lang] in words(section.get_text(" "))
    assert html.find("html")["lang"] == lang
    nav = words(page(site, lang, "").select_one("nav.md-nav--primary").get_text(" "))
    assert html.select_one("h1").get_text(strip=True).rstrip("¶") not in nav, "the archive is not in the navigation"
    # Nor in the search (like the archived versions of the legal texts): the archive only grows, and the search's
    # plugins compare every section with every other (the build grew with the square of the announcements).
    index = json.loads((site / prefix(lang) / "search" / "search_index.json").read_text(encoding="utf-8"))
    located = [doc["location"] for doc in index["docs"]]
    assert "status/#a-running" in located and not [where for where in located if where.startswith("status/archive/#a-")]


def test_status_page_links_the_feed_and_the_calendar(site: Path) -> None:
    for lang in LANGUAGES:
        html = page(site, lang, "status/")
        links = {a["type"]: urljoin(f"/{prefix(lang)}status/", a["href"]) for a in html.select(".mdx-announcements__subscribe a")}
        assert links == {
            "application/atom+xml": f"/{prefix(lang)}status/feed.xml",
            "text/calendar": f"/{prefix(lang)}status/calendar.ics",
        }
        for path in ("", "mail/setup/", "status/archive/"):
            head = page(site, lang, path).find("head")
            alternates = {link["type"]: link["href"] for link in head.select("link[rel=alternate][type]")}
            assert alternates == {
                "application/atom+xml": f"{SITE_URL}{prefix(lang)}status/feed.xml",
                "text/calendar": f"{SITE_URL}{prefix(lang)}status/calendar.ics",
            }


# -----------------------------------------------------------------------------
# The banner
# -----------------------------------------------------------------------------


def test_banner_on_every_page_in_its_language(site: Path) -> None:
    for lang in LANGUAGES:
        for path in (*EVERY_PAGE, "status/archive/"):
            html = page(site, lang, path)
            items = html.select('[data-md-component="announce"] .mdx-banner__item')
            assert [item["data-announcement"] for item in items] == BANNER, f"/{prefix(lang)}{path}"
            for item in items:
                ident = item["data-announcement"]
                link = urljoin(f"/{prefix(lang)}{path}", item.select_one("a")["href"])
                assert link == f"/{prefix(lang)}status/#a-{ident}", f"/{prefix(lang)}{path}: {link}"
                assert WHEN[ident][lang] in words(item.get_text(" ")), "the banner says its dates: right without its script"
                start, end = (datetime.fromisoformat(item[f"data-{key}"].replace("Z", "+00:00")) for key in ("start", "end"))
                assert item["data-end"].endswith("Z") and start < end
    for lang in LANGUAGES:  # the error page of each language too, whose links are absolute
        html = parsed(site / prefix(lang) / "404.html")
        links = [a["href"] for a in html.select(".mdx-banner__item a")]
        assert links == [f"/{prefix(lang)}status/#a-{ident}" for ident in BANNER]
        assert html.find("html")["lang"] == lang
    soon = page(site, "en", "").select_one('[data-announcement="soon"]')
    assert (soon["data-start"], soon["data-end"]) == ("2025-12-02T21:00:00Z", "2025-12-02T22:30:00Z")


@pytest.mark.parametrize(("lang", "scheme"), [("fr", "light"), ("en", "dark")])
def test_status_page_and_banner_are_accessible_on_a_phone(browser, served, lang: str, scheme: str) -> None:
    """axe (WCAG 2.2 AA, as tests/test_browser.py runs it) on the status page with every kind of announcement and
    the banner, on a 360 px phone, in each palette; nothing scrolls sideways."""
    from browser import PHONE_360, assert_nothing_scrolls_sideways
    from test_browser import _axe, _describe

    context = browser.new_context(viewport=PHONE_360, color_scheme=scheme, reduced_motion="reduce")
    try:
        tab = context.new_page()
        tab.clock.set_fixed_time(BUILT)
        tab.goto(served.url(f"/{prefix(lang)}status/"), wait_until="load")
        assert tab.locator(".mdx-banner__item").count() == len(BANNER)
        assert_nothing_scrolls_sideways(tab, tab.url)
        violations = _axe(tab)
        assert not violations, "\n" + _describe(violations)
    finally:
        context.close()


def test_the_site_ships_with_no_announcement() -> None:
    """The real site has none today: the file holds an empty list (and a commented example), nothing invented."""
    assert announcements.load(ROOT) == []
    assert "\nannouncements: []\n" in (ROOT / "data" / "announcements.yml").read_text(encoding="utf-8")


# In Chromium, with the browser's clock set: the banner shows until the announcement's end, then hides itself.
CLOCKS = {
    "before-both-end": (datetime(2025, 12, 1, 4, 0, tzinfo=timezone.utc), ["running", "soon"]),
    "during-soon": (datetime(2025, 12, 2, 21, 30, tzinfo=timezone.utc), ["soon"]),
    "after-both": (datetime(2025, 12, 2, 22, 30, tzinfo=timezone.utc), []),
}


@pytest.fixture(scope="module")
def served(site: Path):
    from browser import serve

    with serve(site) as server:
        yield server


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("clock", CLOCKS)
def test_banner_hides_itself_once_ended(browser, served, lang: str, clock: str) -> None:
    moment, shown = CLOCKS[clock]
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    try:
        tab = context.new_page()
        errors: list[str] = []
        tab.on("pageerror", lambda error: errors.append(str(error)))
        tab.clock.set_fixed_time(moment)
        tab.goto(served.url(f"/{prefix(lang)}mail/setup/"), wait_until="load")
        assert tab.evaluate("Date.now()") == int(moment.timestamp() * 1000)
        visible = tab.eval_on_selector_all(
            ".mdx-banner__item", "items => items.filter(item => item.checkVisibility()).map(item => item.dataset.announcement)"
        )
        assert visible == shown, f"{clock}: {visible}"
        area = tab.eval_on_selector('[data-md-component="announce"]', "area => area.checkVisibility()")
        assert area == bool(shown), "Material's banner area goes when nothing is left in it"
        if shown:
            assert tab.evaluate("document.documentElement.lang") == lang
            assert WHEN[shown[-1]][lang] in words(tab.inner_text(f'[data-announcement="{shown[-1]}"]'))
        assert errors == []
    finally:
        context.close()


# -----------------------------------------------------------------------------
# The calendar (RFC 5545) and the feed (RFC 4287)
# -----------------------------------------------------------------------------


@pytest.mark.parametrize("lang", LANGUAGES)
def test_calendar_has_one_event_per_announcement(site: Path, lang: str) -> None:
    from icalendar import Calendar

    calendar = Calendar.from_ical((site / prefix(lang) / "status" / "calendar.ics").read_bytes())
    assert str(calendar["version"]) == "2.0" and str(calendar["prodid"])
    events = {str(e["uid"]): e for e in calendar.walk("VEVENT")}
    assert set(events) == {f"{ident}@support.artelabs.ch" for ident in UTC_TIMES}
    for ident, (start, end, sequence, status) in UTC_TIMES.items():
        event = events[f"{ident}@support.artelabs.ch"]
        for key, expected in (("dtstart", start), ("dtend", end)):
            value = event.decoded(key)
            assert value.tzinfo is not None and value.utcoffset() == timedelta(0), f"{ident}.{key} is not UTC"
            assert value.strftime("%Y-%m-%dT%H:%M") == expected, f"{ident}.{key}"
        assert event.to_ical().decode().count(f"DTSTART:{start.replace('-', '').replace(':', '')}00Z") == 1
        assert int(event["sequence"]) == sequence, ident
        assert str(event["status"]) == status, ident
        assert event.decoded("dtstamp") == BUILT, "DTSTAMP is the build date, never now"
        assert str(event["url"]).startswith(f"{SITE_URL}{prefix(lang)}status/")
    assert str(events["old@support.artelabs.ch"]["url"]) == f"{SITE_URL}{prefix(lang)}status/archive/#a-old"
    summary = str(events["soon@support.artelabs.ch"]["summary"])
    assert summary == {"en": "Maintenance: Mail server upgrade", "fr": "Maintenance\u202f: Mise à niveau du serveur de messagerie"}[lang]


def _atom_schema():
    from lxml import etree

    # tests/specs/atom.rng: RFC 4287's Appendix B (RELAX NG), the project's own copy in XML syntax.
    return etree.RelaxNG(etree.parse(str(ROOT / "tests" / "specs" / "atom.rng")))


@pytest.mark.parametrize("lang", LANGUAGES)
def test_feed_is_valid_atom_with_stable_entry_ids(site: Path, lang: str) -> None:
    from lxml import etree

    ns = {"a": "http://www.w3.org/2005/Atom"}
    document = etree.parse(str(site / prefix(lang) / "status" / "feed.xml"))
    schema = _atom_schema()
    assert schema.validate(document), schema.error_log
    feed = document.getroot()
    assert feed.get("{http://www.w3.org/XML/1998/namespace}lang") == lang
    assert feed.find("a:author/a:name", ns) is not None, "RFC 4287 4.1.1: a feed-level author, as no entry has its own"
    assert feed.find("a:link[@rel='self']", ns).get("href") == f"{SITE_URL}{prefix(lang)}status/feed.xml"
    entries = {e.findtext("a:id", namespaces=ns): e for e in feed.findall("a:entry", ns)}
    assert set(entries) == {f"tag:support.artelabs.ch,2026:announcements/{i}/{lang}" for i in UTC_TIMES}
    running = entries[f"tag:support.artelabs.ch,2026:announcements/running/{lang}"]
    assert running.findtext("a:updated", namespaces=ns) == "2025-11-30T22:00:00Z", "updated: the last update's time"
    assert running.findtext("a:published", namespaces=ns) == "2025-11-30T19:15:00Z"
    later = entries[f"tag:support.artelabs.ch,2026:announcements/later/{lang}"]
    assert later.findtext("a:updated", namespaces=ns) == "2025-11-27T08:00:00Z", "no update: when it was announced"
    for entry in entries.values():  # RFC 4287 4.1.1.1: content or an alternate link (the appendix's Schematron rule)
        assert entry.find("a:link[@rel='alternate']", ns) is not None
    assert feed.findtext("a:updated", namespaces=ns) == "2025-11-30T22:00:00Z", "the feed: its latest entry's"
    assert WHEN["soon"][lang] in entries[f"tag:support.artelabs.ch,2026:announcements/soon/{lang}"].findtext("a:content", namespaces=ns)


@pytest.mark.long
def test_feed_and_calendar_are_the_same_bytes_in_two_builds(built: Path) -> None:
    """The build's feed and calendar, and the same made cold in another process (`built`): the same bytes
    (the session's site has no announcement: tests/test_reproducible.py compares its feeds without entries)."""
    for lang in LANGUAGES:
        for name in ("feed.xml", "calendar.ics"):
            first, second = (built / folder / prefix(lang) / "status" / name for folder in ("site", "again"))
            assert first.read_bytes() == second.read_bytes(), f"{prefix(lang)}status/{name} differs between two builds"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_hosting_serves_the_feed_and_the_calendar_as_such(apache, lang: str) -> None:  # noqa: F811 (the fixture)
    for name, mime in (("feed.xml", "application/atom+xml; charset=utf-8"), ("calendar.ics", "text/calendar; charset=utf-8")):
        status, headers, body = apache.get(f"/{prefix(lang)}status/{name}")
        assert status == 200 and body, name
        assert headers["content-type"].lower() == mime, f"{name}: {headers['content-type']}"
        assert headers["cache-control"] == "no-cache", f"{name}: {headers.get('cache-control')}"


def test_pdf_lists_what_is_in_progress_and_planned_as_of_its_date(built: Path) -> None:
    """The PDF prints the status page's article (artelabs/postbuild/pdf.py): the document it is made from says
    the build date and lists what is in progress and planned (the PDFs themselves are rendered in test_pdf.py)."""
    from artelabs import postbuild
    from artelabs.postbuild import pdf as pdfbook

    site = postbuild.site_from_yaml(built / "site", built / "repo" / "mkdocs.yml")
    site.date = BUILT
    as_of = {"en": "As of Monday 1 December 2025, 01:00 (Geneva time)", "fr": "Au lundi 1er décembre 2025, 1 h 00 (heure de Genève)"}
    for lang in LANGUAGES:
        document = BeautifulSoup(pdfbook.prepare(site, lang)["source"], "lxml")
        current = document.select_one(".mdx-announcements--current")
        assert current is not None and as_of[lang] in words(current.get_text(" "))
        assert [e["id"].removeprefix("a-") for e in current.select("[id^='a-']")] == CURRENT
        assert WHEN["soon"][lang] in words(current.get_text(" "))
        assert document.select(".mdx-banner") == [], "the banner is the web page's, not the document's"


def test_an_empty_list_gives_a_valid_feed_and_calendar(tmp_path: Path) -> None:
    """The file as shipped: no announcement. The feed (no entry) and the calendar (its zone only) are valid."""
    from icalendar import Calendar
    from lxml import etree

    from artelabs import postbuild
    from artelabs.postbuild import announcements as feeds

    site = postbuild.site_from_yaml(tmp_path, ROOT / "mkdocs.yml")
    site.date = BUILT
    written = feeds.write_feeds(site)
    assert sorted(p.relative_to(tmp_path).as_posix() for p in written) == [
        "fr/status/calendar.ics", "fr/status/feed.xml", "status/calendar.ics", "status/feed.xml",
    ]
    for lang in LANGUAGES:
        schema = _atom_schema()
        document = etree.parse(str(tmp_path / prefix(lang) / "status" / "feed.xml"))
        assert schema.validate(document), schema.error_log
        assert document.getroot().findtext("{http://www.w3.org/2005/Atom}updated") == "2025-12-01T00:00:00Z"
        calendar = Calendar.from_ical((tmp_path / prefix(lang) / "status" / "calendar.ics").read_bytes())
        assert calendar.walk("VEVENT") == [] and len(calendar.walk("VTIMEZONE")) == 1, "RFC 5545: one component at least"


# -----------------------------------------------------------------------------
# Guard rails: each mistake refused in one line with the file, the line and the entry
# -----------------------------------------------------------------------------

SMALL = """\
zone: Europe/Zurich
announcements:
  - id: first
    kind: maintenance
    services: [mail]
    announced: 2025-11-20T10:00
    start: 2025-12-12T22:00
    end: 2025-12-12T23:30
    status: planned
    title: {en: Mail upgrade, fr: Mise à niveau}
    text: {en: A short outage., fr: Une brève interruption.}
    updates:
      - time: 2025-11-21T10:00
        text: {en: Confirmed., fr: Confirmé.}
  - id: second
    kind: information
    services: [webmail]
    announced: 2025-11-20T10:00
    start: 2025-12-14T08:00
    end: 2025-12-14T09:00
    status: planned
    title: {en: New webmail, fr: Nouveau webmail}
    text: {en: A new look., fr: Un nouvel aspect.}
"""
MISTAKES = {
    # name: (old, new, the line it is on in the mutated file, the entry and key the line names, what it says)
    "end-before-start": ("    end: 2025-12-12T23:30", "    end: 2025-12-12T21:00", 8, r"announcements\[first\]\.end", "before the start"),
    "time-without-zone": ("zone: Europe/Zurich\n", "", 6, r"announcements\[first\]\.start", "no time zone"),
    "missing-language": ("title: {en: New webmail, fr: Nouveau webmail}", "title: {en: New webmail}", 22,
                         r"announcements\[second\]\.title", "'fr'"),
    "duplicate-id": ("  - id: second", "  - id: first", 15, r"announcements", "'first'"),
    "unknown-service": ("services: [webmail]", "services: [webmail, fax]", 17, r"announcements\[second\]\.services", "'fax'"),
    "unknown-status": ("    status: planned\n    title: {en: New", "    status: done\n    title: {en: New", 21,
                       r"announcements\[second\]\.status", "'done'"),
    # what the feed (XML 1.0) cannot carry: refused when the file is read, not a traceback of the Atom writer
    "noncharacter": ("title: {en: New webmail, fr: Nouveau webmail}", 'title: {en: "New \\uFFFE webmail", fr: Nouveau webmail}', 22,
                     r"announcements\[second\]\.title\.en", "holds U+FFFE (a Unicode noncharacter)"),
    "update-out-of-order": (
        "        text: {en: Confirmed., fr: Confirmé.}\n",
        "        text: {en: Confirmed., fr: Confirmé.}\n      - time: 2025-11-21T09:00\n        text: {en: Sooner., fr: Plus tôt.}\n",
        15, r"announcements\[first\]\.updates\[entry 2\]\.time", "before the update above it",
    ),
}


@pytest.fixture(scope="module")
def guarded(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the sources whose data/announcements.yml each guard-rail test rewrites (one test at a time)."""
    repo = copy_repo(tmp_path_factory.mktemp("guarded") / "repo")
    shutil.rmtree(repo / "tests")  # not needed to build
    return repo


def test_the_small_file_of_the_guard_rails_is_right(guarded: Path, tmp_path: Path) -> None:
    path = tmp_path / "announcements.yml"
    path.write_text(SMALL, encoding="utf-8")
    document = datafile.Document(path, "data/announcements.yml")
    assert [a.id for a in announcements.check(document)] == ["first", "second"]


@pytest.mark.parametrize("mistake", MISTAKES)
def test_mistake_is_refused_in_one_line(guarded: Path, tmp_path: Path, mistake: str) -> None:
    old, new, line, where, says = MISTAKES[mistake]
    assert SMALL.count(old) == 1, old
    text = SMALL.replace(old, new)
    (guarded / "data" / "announcements.yml").write_text(text, encoding="utf-8")
    result = mkdocs_build(guarded, tmp_path / "site")
    errors = [row for row in result.stderr.splitlines() if row.startswith("ERROR")]
    assert result.returncode != 0 and len(errors) == 1, result.stderr[-2000:]
    assert re.match(rf"^ERROR\s+-\s+data/announcements\.yml:{line}: {where}\b", errors[0]), errors[0]
    assert says in errors[0], errors[0]
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "site").exists(), "a refused build publishes nothing"


@pytest.mark.parametrize(
    ("old", "new", "says"),
    [
        ("    start: 2025-12-12T22:00", "    start: 2026-03-29T02:30", "does not exist (the clocks go forward) in Europe/Zurich"),
        ("    end: 2025-12-12T23:30", "    end: 2026-10-25T02:30", "happens twice (the clocks go back) in Europe/Zurich, expected "
                                                                   "another time or one with its offset (2026-10-25T02:30+01:00)"),
        ("zone: Europe/Zurich", "zone: Europe/Geneva", "'Europe/Geneva' is not a time zone"),
        ("    status: planned\n    title: {en: Mail", "    status: completed\n    title: {en: Mail", "last update"),
    ],
    ids=["skipped-hour", "repeated-hour", "unknown-zone", "status-not-as-updated"],
)
def test_more_mistakes_are_refused_in_one_line(tmp_path: Path, old: str, new: str, says: str) -> None:
    text = SMALL.replace(old, new, 1)
    if "completed" in new:  # the status says completed, but no update says so
        text = text.replace("        text: {en: Confirmed., fr: Confirmé.}\n", "        status: planned\n        text: {en: Confirmed., fr: Confirmé.}\n")
    path = tmp_path / "announcements.yml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(datafile.DataError) as error:
        announcements.check(datafile.Document(path, "data/announcements.yml"))
    message = str(error.value)
    assert "\n" not in message and message.startswith("data/announcements.yml:") and says in message, message


@pytest.mark.parametrize("char", ["\ufffe", "\ufdd0", "\U0001ffff", "\x0b"], ids=["fffe", "fdd0", "1ffff", "vertical-tab"])
def test_a_character_the_feed_cannot_carry_typed_raw_is_refused_at_its_line(tmp_path: Path, char: str) -> None:
    """Typed raw (pasted), it is named by its code point on its own line, not "a control character" on line 1."""
    path = tmp_path / "announcements.yml"
    path.write_text(SMALL.replace("{en: A new look.", f"{{en: A new{char} look."), encoding="utf-8")
    with pytest.raises(datafile.DataError) as error:
        announcements.check(datafile.Document(path, "data/announcements.yml"))
    line = SMALL[: SMALL.index("{en: A new look.")].count("\n") + 1
    assert str(error.value).startswith(f"data/announcements.yml:{line}: U+{ord(char):04X} ("), str(error.value)


def test_the_feed_and_the_calendar_place_every_announcement_at_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Where each announcement is (the status page or the archive) is worked out once per file, not once per
    announcement: the build grew with the square of their number (2,500 took 32 s). Counted, not timed."""
    from artelabs import postbuild
    from artelabs.postbuild import announcements as feeds

    site = postbuild.site_from_yaml(tmp_path, ROOT / "mkdocs.yml")
    site.date = BUILT
    items = announcements.check(datafile.Document(ANNOUNCEMENTS, "tests/announcements.yml"))
    placed: list[int] = []
    real = announcements.archived
    monkeypatch.setattr(announcements, "archived", lambda found, now: placed.append(len(found)) or real(found, now))
    for count in (1, len(items)):
        placed.clear()
        feeds.atom(site, "en", items[:count])
        feeds.calendar(site, "en", items[:count])
        assert len(placed) <= 2, f"{count} announcements placed {len(placed)} times"


def test_markers_work_without_mkdocs(monkeypatch: pytest.MonkeyPatch) -> None:
    """Another builder that runs Python-Markdown (Zensical) fills the markers too, dated like a build."""
    import markdown

    from artelabs.markers import MarkersExtension

    monkeypatch.setenv("SOURCE_DATE_EPOCH", COPY_STAMP["SOURCE_DATE_EPOCH"])
    html = markdown.markdown(
        "<!-- announcements:current -->\n\n<!-- announcements:recent -->\n",
        extensions=[MarkersExtension(root=str(ROOT), lang="fr", page="status/")],
    )
    assert "Au lundi 1er décembre 2025, 1 h 00 (heure de Genève)" in html
    assert "Aucune maintenance ni aucun incident" in html and 'href="archive/"' in html


def test_placement_follows_the_build_date_not_the_clock() -> None:
    """Twelve months before the build date, 72 hours after it: from its argument, whatever today is."""
    assert announcements.year_before(datetime(2028, 2, 29, tzinfo=timezone.utc)) == datetime(2027, 2, 28, tzinfo=timezone.utc)
    assert announcements.banner([], None) == [] and announcements.archived([], None) == []
