"""`<!-- announcements:… -->` (alone on its line): the announcements of data/announcements.yml (partial
announcements.html), as of the build date, each at its anchor #a-ID (the same in every language):

    <!-- announcements:current -->  in progress and planned, the soonest first, "as of" the build date
    <!-- announcements:recent -->   over, completed or cancelled in the 12 months before the build date
    <!-- announcements:archive -->  older ones (the archive page, /status/archive/): they keep an address

The build date is the renderer's (`renderer.built`: core.build_date() under MkDocs; SOURCE_DATE_EPOCH or
the last commit for another builder), never today's.
"""

from __future__ import annotations

import posixpath
from datetime import datetime
from typing import Any

from artelabs import announcements, datafile
from artelabs.markers.base import MistakeElsewhere, Renderer

NAME = "announcements"
EXPECTED = "'announcements:current' (also recent, archive)"
LISTS = {"current": announcements.current, "recent": announcements.recent, "archive": announcements.archived}


def render(renderer: Renderer, rest: str, body: str, alone: bool) -> str:
    if rest not in LISTS:
        raise renderer.wrong(body, f"one of {', '.join(f'announcements:{k}' for k in LISTS)}")
    renderer.block(body, alone)
    try:
        items = announcements.load(renderer.root)
    except datafile.DataError as error:  # checked before any page under MkDocs (hooks/announcements.py)
        raise MistakeElsewhere(str(error)) from None
    now = built(renderer)
    t = renderer.t
    here = renderer.page.strip("/") or "."
    links = {page: posixpath.relpath(page, here) + "/" for page in ("status", "status/archive")}
    entries = [entry(item, t, renderer.lang) for item in LISTS[rest](items, now)]
    return renderer.template(
        "announcements.html", which=rest, entries=entries,
        as_of=announcements.moment(now, t) if now else None,
        feed=links["status"] + "feed.xml", calendar=links["status"] + "calendar.ics",
        archive=links["status/archive"], status=links["status"],
    ) + "\n"


def built(renderer: Renderer) -> datetime | None:
    """The build date: set by hooks/markers.py under MkDocs, else read like artelabs/core.py does."""
    if not hasattr(renderer, "built"):
        renderer.built = announcements.build_date(renderer.root)  # type: ignore[attr-defined]
    return renderer.built  # type: ignore[attr-defined]


def entry(item: announcements.Announcement, t: Any, lang: str) -> dict[str, Any]:
    """What the partial shows of one announcement, in a language (t: its words)."""
    return {
        "id": item.id,
        "anchor": item.anchor,
        "title": item.title[lang],
        "text": item.text[lang],
        "kind": item.kind,
        "kind_label": t(f"announce.kind.{item.kind}"),
        "status": item.status,
        "status_label": t(f"announce.status.{item.status}"),
        "services": [t(f"announce.service.{service}") for service in item.services],
        "when": announcements.span(item.start, item.end, t),
        "start": announcements.utc(item.start),
        "end": announcements.utc(item.end),
        "announced": announcements.moment(item.announced, t),
        "updates": [
            {
                "time": announcements.moment(update.time, t),
                "datetime": announcements.utc(update.time),
                "text": update.text[lang],
                "status_label": t(f"announce.status.{update.status}") if update.status else None,
            }
            for update in reversed(item.updates)  # the latest first
        ],
    }
