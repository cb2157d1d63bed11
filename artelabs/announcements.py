"""Announcements of maintenance, incidents and information (data/announcements.yml), checked and dated.

Not a hook: the status page's markers (artelabs/markers/announcements.py), the banner (hooks/theme.py)
and the feed and calendar (artelabs/postbuild/announcements.py) all read them through `load()`.

The structure is checked against data/schemas/announcements.schema.json by `datafile.load`; this module
adds what a schema cannot say, each refused with one line naming the file, the line and the entry:

    data/announcements.yml:14: announcements[mail-upgrade].end: 2026-12-12T21:00 is before the start ...

- every time has a zone: an offset (`2026-12-12T22:00+01:00`, `Z`), or the entry's `zone:`, or the file's
  `zone:` (Europe/Zurich as shipped); a local time that the clock skips or shows twice is refused;
- the end comes after the start;
- each id once (it is the address `#a-ID`, the feed entry's id and the calendar's UID);
- updates in order of time, none before the announcement;
- `status` is the status the last update that changed it gave.

Which announcement goes where is decided from the BUILD date (core.build_date(): SOURCE_DATE_EPOCH or the
last commit), never from today's: the same commit gives the same pages, feed and calendar.
"""

from __future__ import annotations

import os
import re
import subprocess
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any, Callable
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from artelabs import datafile

NAME = "data/announcements.yml"
SCHEMA = "data/schemas/announcements.schema.json"
GENEVA = ZoneInfo("Europe/Zurich")  # how times are shown: a Geneva reader's clock
OPEN = ("planned", "in-progress")  # announcements that are still to come or running
BANNER_AHEAD = timedelta(hours=72)  # the banner shows this long before the start, and until the end
TIME = re.compile(r"(?P<local>\d{4}-\d{2}-\d{2}T\d{2}:\d{2})(?P<offset>Z|[+-]\d{2}:\d{2})?\Z")


@dataclass(frozen=True)
class Update:
    time: datetime  # UTC
    text: dict[str, str]
    status: str | None


@dataclass(frozen=True)
class Announcement:
    id: str
    kind: str
    services: tuple[str, ...]
    announced: datetime  # UTC, like every time here
    start: datetime
    end: datetime
    title: dict[str, str]
    text: dict[str, str]
    status: str
    updates: tuple[Update, ...]

    @property
    def anchor(self) -> str:
        """The announcement's address on its page, the same in every language."""
        return f"a-{self.id}"

    @property
    def sequence(self) -> int:
        """The calendar's SEQUENCE: grows with each update."""
        return len(self.updates)

    @property
    def modified(self) -> datetime:
        """The last time the announcement changed: its last update, else when it was announced."""
        return self.updates[-1].time if self.updates else self.announced

    @property
    def is_open(self) -> bool:
        return self.status in OPEN


# -----------------------------------------------------------------------------
# Reading and checking
# -----------------------------------------------------------------------------

_cache: dict[Path, tuple[tuple[Any, ...], list[Announcement]]] = {}


def load(root: Path) -> list[Announcement]:
    """The announcements of the project at root, checked (DataError: one line); read again when the file changes."""
    path, schema = root / NAME, root / SCHEMA
    key = tuple((p.stat().st_mtime_ns, p.stat().st_size) if p.exists() else None for p in (path, schema))
    cached = _cache.get(path)
    if cached and cached[0] == key:
        return cached[1]
    items = check(datafile.read(path, name=NAME, schema=schema))
    _cache[path] = (key, items)
    return items


def check(document: datafile.Document) -> list[Announcement]:
    """The cross-field rules, on a document that the schema has passed."""
    data = document.data
    default_zone = _zone(document, data.get("zone"), ("zone",))
    items: list[Announcement] = []
    seen: dict[str, int] = {}
    for index, entry in enumerate(data.get("announcements") or []):
        path = ("announcements", index)
        ident = entry["id"]
        if ident in seen:
            raise datafile.DataError(
                f"{document.name}:{document.line((*path, 'id'))}: announcements[{ident}].id: '{ident}' is used twice "
                f"(first on line {seen[ident]}), expected each id once: it is the announcement's address #a-{ident}"
            )
        seen[ident] = document.line((*path, "id"))
        zone = _zone(document, entry.get("zone"), (*path, "zone")) or default_zone
        start = _time(document, entry["start"], (*path, "start"), zone)
        end = _time(document, entry["end"], (*path, "end"), zone)
        if end <= start:
            raise datafile.DataError(
                f"{document.where((*path, 'end'))}: {entry['end']} is {'the start' if end == start else 'before the start'} "
                f"({entry['start']}), expected an end after the start"
            )
        announced = _time(document, entry["announced"], (*path, "announced"), zone)
        updates: list[Update] = []
        previous, previous_text = announced, f"the announcement ({entry['announced']})"
        for number, update in enumerate(entry.get("updates") or []):
            where = (*path, "updates", number, "time")
            time = _time(document, update["time"], where, zone)
            if time < previous:
                raise datafile.DataError(
                    f"{document.where(where)}: {update['time']} is before {previous_text}, expected the updates "
                    "in order of time, each after the one above it (add a new update last)"
                )
            previous, previous_text = time, f"the update above it ({update['time']})"
            updates.append(Update(time, dict(update["text"]), update.get("status")))
        changed = [u for u in updates if u.status]
        if changed and changed[-1].status != entry["status"]:
            raise datafile.DataError(
                f"{document.where((*path, 'status'))}: {entry['status']}, but its last update that changed the status "
                f"says {changed[-1].status}, expected the same status in both"
            )
        items.append(Announcement(
            id=ident, kind=entry["kind"], services=tuple(entry["services"]), announced=announced, start=start,
            end=end, title=dict(entry["title"]), text=dict(entry["text"]), status=entry["status"], updates=tuple(updates),
        ))
    return items


def _zone(document: datafile.Document, name: Any, path: tuple[Any, ...]) -> ZoneInfo | None:
    if name is None:
        return None
    try:
        return ZoneInfo(str(name))
    except (ZoneInfoNotFoundError, ValueError):
        raise datafile.DataError(
            f"{document.where(path)}: {name!r} is not a time zone, expected a name of the time zone database "
            "such as Europe/Zurich"
        ) from None


def _time(document: datafile.Document, value: Any, path: tuple[Any, ...], zone: ZoneInfo | None) -> datetime:
    """A written time as UTC; its zone from its offset, else the entry's or the file's `zone:`."""
    text = str(value)
    match = TIME.match(text)
    try:
        local = datetime.fromisoformat(match["local"]) if match else None
    except ValueError:
        local = None
    if local is None:
        raise datafile.DataError(f"{document.where(path)}: {text!r} is not a time, expected YYYY-MM-DDTHH:MM such as 2026-12-12T22:00")
    if match["offset"]:
        return datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(timezone.utc)
    if zone is None:
        raise datafile.DataError(
            f"{document.where(path)}: {text} has no time zone, expected an offset ({text}+01:00) or "
            "zone: Europe/Zurich on the announcement or at the top of the file"
        )
    first, second = local.replace(tzinfo=zone), local.replace(tzinfo=zone, fold=1)
    if first.astimezone(timezone.utc).astimezone(zone).replace(tzinfo=None) != local:
        problem = "does not exist (the clocks go forward)"
    elif first.utcoffset() != second.utcoffset():
        problem = "happens twice (the clocks go back)"
    else:
        return first.astimezone(timezone.utc)
    raise datafile.DataError(
        f"{document.where(path)}: {text} {problem} in {zone.key}, expected another time or one with its offset "
        f"({text}{_offset(second)})"
    )


def _offset(moment: datetime) -> str:
    seconds = int(moment.utcoffset().total_seconds())  # type: ignore[union-attr]
    return f"{'+' if seconds >= 0 else '-'}{abs(seconds) // 3600:02d}:{abs(seconds) % 3600 // 60:02d}"


# -----------------------------------------------------------------------------
# Where each announcement goes, as of the build date
# -----------------------------------------------------------------------------


def current(items: list[Announcement], now: datetime | None) -> list[Announcement]:
    """In progress and planned: open and not over at the build date; the soonest first."""
    return sorted((a for a in items if a.is_open and (now is None or a.end > now)), key=lambda a: (a.start, a.id))


def _past(items: list[Announcement], now: datetime | None) -> list[Announcement]:
    shown = set(map(id, current(items, now)))
    return sorted((a for a in items if id(a) not in shown), key=lambda a: (a.start, a.id), reverse=True)


def year_before(now: datetime) -> datetime:
    """The same day and hour twelve months earlier (29 February: the 28th)."""
    try:
        return now.replace(year=now.year - 1)
    except ValueError:
        return now.replace(year=now.year - 1, day=28)


def recent(items: list[Announcement], now: datetime | None) -> list[Announcement]:
    """Over, completed or cancelled, and ended within the 12 months before the build date: the latest first."""
    if now is None:
        return _past(items, now)
    limit = year_before(now)
    return [a for a in _past(items, now) if a.end >= limit]


def archived(items: list[Announcement], now: datetime | None) -> list[Announcement]:
    """Ended more than 12 months before the build date (on the archive page): the latest first."""
    if now is None:
        return []
    limit = year_before(now)
    return [a for a in _past(items, now) if a.end < limit]


def banner(items: list[Announcement], now: datetime | None) -> list[Announcement]:
    """In progress, or starting within 72 hours of the build date: on every page until it ends."""
    return [] if now is None else [a for a in current(items, now) if a.start <= now + BANNER_AHEAD]


def pages(items: list[Announcement], now: datetime | None) -> dict[str, str]:
    """The page each announcement is on, by id, under the language's root: status/ or status/archive/. Placed
    all at once: the feed and the calendar look each one up (asking for one at a time made the build grow with
    the square of the number of announcements)."""
    archive = {a.id for a in archived(items, now)}
    return {a.id: "status/archive/" if a.id in archive else "status/" for a in items}


# -----------------------------------------------------------------------------
# Times as a Geneva reader writes them (words in data/strings.yml)
# -----------------------------------------------------------------------------


def day(moment: datetime, t: Callable[[str], str]) -> str:
    """Saturday 12 December 2026; mardi 1er décembre 2026 (in Geneva)."""
    local = moment.astimezone(GENEVA)
    number = t("date.first-day") if local.day == 1 else str(local.day)
    return t("announce.day").format(
        weekday=t("weekdays").split()[local.weekday()], day=number, month=t("months").split()[local.month - 1], year=local.year
    )


def clock(moment: datetime, t: Callable[[str], str]) -> str:
    """22:00; 22 h 00 (in Geneva)."""
    local = moment.astimezone(GENEVA)
    return t("announce.clock").format(hour=local.hour, minute=local.minute)


def span(start: datetime, end: datetime, t: Callable[[str], str]) -> str:
    """Saturday 12 December 2026, 22:00–23:30 (Geneva time); both dates when it runs over two days."""
    same = start.astimezone(GENEVA).date() == end.astimezone(GENEVA).date()
    return t("announce.span" if same else "announce.span-days").format(
        day=day(start, t), start=clock(start, t), end_day=day(end, t), end=clock(end, t), zone=t("announce.zone")
    )


def moment(time: datetime, t: Callable[[str], str]) -> str:
    """Friday 11 December 2026, 09:15 (Geneva time)."""
    return t("announce.moment").format(day=day(time, t), time=clock(time, t), zone=t("announce.zone"))


def utc(time: datetime) -> str:
    """2026-12-12T21:00:00Z: for data-start / data-end and the feed."""
    return time.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


# -----------------------------------------------------------------------------
# The build date outside MkDocs (Zensical, tools/postbuild.py)
# -----------------------------------------------------------------------------


def build_date(root: Path) -> datetime | None:
    """SOURCE_DATE_EPOCH, else the last commit of the project at root (as artelabs/core.py), else None."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if not epoch:
        try:
            top = subprocess.run(["git", "rev-parse", "--show-toplevel"], cwd=root, capture_output=True, text=True, timeout=10)
            if top.returncode == 0 and Path(top.stdout.strip()).resolve() == root.resolve():
                epoch = subprocess.run(
                    ["git", "log", "-1", "--format=%ct"], cwd=root, capture_output=True, text=True, timeout=10
                ).stdout.strip()
        except (OSError, subprocess.SubprocessError):
            epoch = ""
    return datetime.fromtimestamp(int(epoch), timezone.utc) if epoch.isdigit() else None
