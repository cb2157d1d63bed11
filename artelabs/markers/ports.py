"""`<!-- ports:… -->`: the values of data/ports.yml in the pages.

    <!-- ports:table NAME -->   a table (alone on its line): mail, incoming, outgoing, account, standard,
                                not-standard, other-providers, or any list of data/ports.yml with a
                                partial ports-table-NAME.html
    <!-- ports:diagram -->      the mail program / server diagram (partial ports-diagram.html)
    <!-- ports:PATH -->         one value in a sentence: imap.port, smtp.host, smtp.security,
                                std.submission.port, other.port-2525.port, provider.webmail,
                                account.username, SECTION.ID.FIELD of any list
"""

from __future__ import annotations

import difflib
import html
from collections.abc import Callable, Iterator
from typing import Any

from artelabs.markers.base import MarkerError, Renderer

NAME = "ports"
EXPECTED = "'ports:table NAME', 'ports:diagram', a value such as 'ports:imap.port'"


def render(renderer: Renderer, rest: str, body: str, alone: bool) -> str:
    words = rest.split()
    if len(words) == 2 and words[0] == "table":
        renderer.block(body, alone)
        return table(renderer, words[1], body) + "\n"
    if words == ["diagram"]:
        renderer.block(body, alone)
        return renderer.template("ports-diagram.html") + "\n"
    if len(words) == 1 and words[0] not in ("table", "diagram"):
        return value(renderer, words[0], body)
    tables = ", ".join([*TABLES, *_other_tables(renderer)])
    raise renderer.wrong(body, f"'ports:table NAME' (NAME: {tables}), 'ports:diagram' or a value such as 'ports:imap.port'")


def table(renderer: Renderer, name: str, body: str) -> str:
    if name in TABLES:
        partial, rows = TABLES[name]
        rows_of = rows(renderer.data)
    else:
        section = renderer.data.get(name.replace("-", "_"))
        partial = f"ports-table-{name}.html"
        if not isinstance(section, list) or not _has_template(renderer, partial):
            tables = [*TABLES, *_other_tables(renderer)]
            near = difflib.get_close_matches(name, tables, n=1, cutoff=0.6)
            hint = f" (did you mean '{near[0]}'?)" if near else ""
            raise MarkerError(f"unknown table '{name}' in '<!-- {body} -->'{hint}, expected one of {', '.join(tables)}")
        rows_of = section
    return renderer.template(partial, rows=rows_of, caption=renderer.t(f"table.{name}"))


def value(renderer: Renderer, path: str, body: str) -> str:
    parts = path.split(".")
    found = _lookup(renderer.data, parts)
    if found is None or isinstance(found, (list, bool)) or (isinstance(found, dict) and renderer.lang not in found):
        near = difflib.get_close_matches(path, list(_paths(renderer.data, renderer.lang)), n=1, cutoff=0.7)
        hint = f"'ports:{near[0]}' (did you mean it?), or another " if near else "a "
        raise renderer.wrong(body, f"{hint}value of data/ports.yml such as imap.port, smtp.host, smtp.security, "
                                   "std.submission.port, provider.webmail or account.username")
    found = renderer.loc(found)
    if parts[-1] == "security":
        return html.escape(renderer.t(f"security.{found}"))
    if isinstance(found, str) and found.startswith("https://"):
        shown = found.removeprefix("https://").rstrip("/")
        return f'<a href="{html.escape(found)}">{html.escape(shown)}</a>'
    if parts[-1] == "host":
        return f"<code>{html.escape(str(found))}</code>"
    return html.escape(str(found))


def _has_template(renderer: Renderer, name: str) -> bool:
    """Looked up by name: listing the templates walks every folder of the theme (a third of a second each time)."""
    from jinja2 import TemplateNotFound

    try:
        renderer.env.get_template(f"partials/{name}")
    except TemplateNotFound:
        return False
    return True


def _other_tables(renderer: Renderer) -> list[str]:
    names = renderer.env.list_templates(filter_func=lambda n: n.startswith("partials/ports-table-"))
    found = [n.removeprefix("partials/ports-table-").removesuffix(".html") for n in names]
    return sorted(n for n in found if n not in TABLES and isinstance(renderer.data.get(n.replace("-", "_")), list))


def _paths(data: dict[str, Any], lang: str) -> Iterator[str]:
    """Every value a marker can name (imap.port, provider.webmail, std.submission.port, ...), for a near miss."""
    def shown(value: Any) -> bool:
        return not isinstance(value, (list, bool)) and (not isinstance(value, dict) or lang in value)

    for key in ("provider", "account"):
        yield from (f"{key}.{name}" for name, value in (data.get(key) or {}).items() if shown(value))
    for entry in data.get("mail") or []:
        yield from (f"{entry['id']}.{name}" for name, value in entry.items() if name != "id" and shown(value))
    for section, entries in data.items():
        if isinstance(entries, list):
            short = {"standard_ports": "std", "not_standard": "other"}.get(section, section.replace("_", "-"))
            for entry in entries:
                if isinstance(entry, dict) and "id" in entry:
                    yield from (f"{short}.{entry['id']}.{name}" for name, value in entry.items() if name != "id" and shown(value))


def _lookup(data: dict[str, Any], parts: list[str]) -> Any:
    """imap.port (mail), std.ID.FIELD, other.ID.FIELD, provider.KEY, account.KEY, SECTION.ID.FIELD."""
    if len(parts) == 2 and parts[0] in ("provider", "account"):
        return data[parts[0]].get(parts[1])
    if len(parts) == 2:
        return _find(data["mail"], parts[0], parts[1])
    if len(parts) == 3:
        section = {"std": "standard_ports", "other": "not_standard"}.get(parts[0], parts[0].replace("-", "_"))
        entries = data.get(section)
        return _find(entries, parts[1], parts[2]) if isinstance(entries, list) else None
    return None


def _find(entries: list[dict[str, Any]], entry_id: str, field: str) -> Any:
    for entry in entries:
        if isinstance(entry, dict) and entry.get("id") == entry_id:
            return entry.get(field) if field != "id" else None
    return None


def _rows_mail(direction: str | None) -> Callable[[dict[str, Any]], list[dict[str, Any]]]:
    return lambda data: [entry for entry in data["mail"] if direction in (None, entry["direction"])]


# The tables whose rows are not simply a list of data/ports.yml: (partial, rows).
TABLES: dict[str, tuple[str, Callable[[dict[str, Any]], list[Any]]]] = {
    "mail": ("ports-table-mail.html", _rows_mail(None)),
    "incoming": ("ports-table-mail.html", _rows_mail("incoming")),
    "outgoing": ("ports-table-mail.html", _rows_mail("outgoing")),
    "account": ("ports-table-account.html", lambda data: [data["account"]]),
    "standard": ("ports-table-standard.html", lambda data: data["standard_ports"]),
    "not-standard": ("ports-table-not-standard.html", lambda data: data["not_standard"]),
    "other-providers": ("ports-table-other-providers.html", lambda data: data["other_providers"]),
}


