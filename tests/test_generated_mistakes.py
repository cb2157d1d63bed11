"""Mistakes found by generation, not only by list (Hypothesis).

Each test mutates what staff edit by hand (a value of a data file, a page's front matter, a UI word, a
company detail) with what a hurried editor or a paste brings: other types, quotes, angle brackets,
control and Unicode characters, leading zeros, exponents, YAML anchors, missing and duplicated keys,
huge values. Whatever is generated, the result is one of two:

- refused with one line that names the file and line (never a traceback, never a hang);
- accepted, and then published exactly as typed: the data equals what YAML 1.2 reads (ruamel.yaml, a
  second, independent reader), and the HTML shows the text as text, escaped, with no element added.

What generation found is kept as regular tests in tests/test_values_as_typed.py. No example database is
written (`database=None`): the same seed gives the same examples, and nothing is left in the checkout.
"""

from __future__ import annotations

import datetime
import functools
import io
import re

from bs4 import BeautifulSoup
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from ruamel.yaml import YAML

from conftest import ROOT
from artelabs import datafile, markers, pages

SETTINGS = settings(max_examples=50, deadline=None, database=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
PORTS = (ROOT / "data" / "ports.yml").read_text(encoding="utf-8")
# Every "key: value" line of data/ports.yml whose value is a plain scalar on the same line.
VALUE_LINES = [
    (number, match) for number, line in enumerate(PORTS.splitlines(), start=1)
    if (match := re.match(r"^(?P<indent>\s+(?:- )?)(?P<key>[a-z_]+): (?P<value>[^{\[#\s][^#]*?)\s*$", line))
]

plain_numbers = st.one_of(
    st.integers(min_value=-10, max_value=70000).map(str),
    st.integers(min_value=0, max_value=99999).map(lambda n: "0" + str(n)),  # leading zeros
    st.floats(allow_nan=False, allow_infinity=False, width=32).map(lambda f: f"{f:.3g}"),  # 1e+03, 993.0
    st.sampled_from(["0x3e1", "0o17", "0b101", "1_000", ".inf", "-.inf", ".nan", "1:30", "12:00:00"]),
)
plain_words = st.sampled_from(["yes", "no", "on", "off", "y", "n", "true", "False", "null", "~", "NULL", "Norway",
                               "2026-12-02", "2026-02-30", "mail.infomaniak.com", "ssl-tls", "starttls"])
hostile_text = st.text(
    alphabet=st.one_of(st.characters(codec="utf-8"), st.sampled_from(list("\"'<>&{}[]:#*!|>%@`\\ \t\n\r\u2028\u00a0\ufeff"))),
    max_size=40,
)


def quoted(text: str) -> str:
    """text as a YAML double-quoted scalar, escaped so that YAML reads back exactly text."""
    return '"' + "".join(
        c if c.isprintable() and c not in '"\\' else {"\"": "\\\"", "\\": "\\\\", "\n": "\\n", "\t": "\\t"}.get(c, f"\\U{ord(c):08x}")
        for c in text
    ) + '"'


values = st.one_of(
    plain_numbers,
    plain_words,
    hostile_text.map(quoted),
    hostile_text.filter(lambda t: t and "\n" not in t and "\r" not in t),  # typed plainly, whatever it holds
    st.sampled_from(["&anchor 993", "*anchor", "<<: *x", "!!python/object:os.system", "!!binary aGk=", "[993]", "{}", ""]),
    st.integers(min_value=1, max_value=3).map(lambda n: "x" * (10_000 * n)),
)


def yaml12(text: str):
    """What YAML 1.2 reads (ruamel.yaml, safe): the reference for 'as typed'. Dates are kept as written."""
    reader = YAML(typ="safe", pure=True)
    reader.version = (1, 2)
    # Dates as written: this site checks them as text (a day that does not exist is refused, not a crash).
    reader.constructor.add_constructor("tag:yaml.org,2002:timestamp", lambda loader, node: loader.construct_scalar(node))
    data = reader.load(io.StringIO(text))

    def plain(value):
        if isinstance(value, dict):
            return {str(k): plain(v) for k, v in value.items()}
        if isinstance(value, list):
            return [plain(v) for v in value]
        if isinstance(value, (datetime.date, datetime.datetime)):
            return value.isoformat()
        return value

    return plain(data)


def refused_in_one_line(error: datafile.DataError, name: str) -> None:
    message = str(error)
    assert "\n" not in message and "Traceback" not in message, message
    assert re.match(rf"{re.escape(name)}(:\d+)?: \S", message), message


@SETTINGS
@given(line=st.sampled_from(VALUE_LINES), value=values)
@example(line=next(v for v in VALUE_LINES if v[1]["key"] == "port"), value="0465")
@example(line=next(v for v in VALUE_LINES if v[1]["key"] == "port"), value="1e3")
@example(line=next(v for v in VALUE_LINES if v[1]["key"] == "host"), value='"mail.infomaniak.com\\n"')
def test_a_changed_value_of_the_data_file_is_read_as_typed_or_refused_in_one_line(tmp_path_factory, line, value) -> None:
    number, match = line
    lines = PORTS.splitlines()
    lines[number - 1] = f"{match['indent']}{match['key']}: {value}"
    text = "\n".join(lines) + "\n"
    path = tmp_path_factory.mktemp("ports") / "ports.yml"
    path.write_text(text, encoding="utf-8")
    try:
        data = datafile.load(path, name="data/ports.yml", schema=ROOT / "data" / "schemas" / "ports.schema.json")
    except datafile.DataError as error:
        refused_in_one_line(error, "data/ports.yml")
        return
    assert data == yaml12(text), "accepted, but not what YAML 1.2 reads: a value changed on its way"


@SETTINGS
@given(key=st.sampled_from(["legal_name", "address", "phone", "hours"]), value=values, status=st.sampled_from(
    ["confirmed", "unconfirmed", "Confirmed", "yes", ""]))
def test_a_company_detail_is_read_as_typed_and_shown_as_text_or_refused(tmp_path_factory, key, value, status) -> None:
    company = (ROOT / "data" / "company.yml").read_text(encoding="utf-8")
    written = re.sub(rf"^{key}: .*$", lambda _: f"{key}: {{value: {value}, status: {status}}}", company, count=1, flags=re.M)
    folder = tmp_path_factory.mktemp("company")
    (folder / "schemas").mkdir()
    (folder / "schemas" / "company.schema.json").write_bytes((ROOT / "data" / "schemas" / "company.schema.json").read_bytes())
    path = folder / "company.yml"
    path.write_text(written, encoding="utf-8")
    try:
        data = datafile.load(path, name="data/company.yml")
    except datafile.DataError as error:
        refused_in_one_line(error, "data/company.yml")
        return
    assert data == yaml12(written)
    renderer = markers.standalone_renderer(ROOT, "en")
    renderer.more = {**renderer.more, "company": data}
    shown = BeautifulSoup(renderer.render(f"company:{key}", alone=False), "html.parser")
    entry = data[key]
    typed = entry["value"]["en"] if isinstance(entry["value"], dict) else entry["value"]
    if typed:
        assert shown.get_text().startswith(str(typed)), (typed, str(shown))
    assert all(tag.name == "span" for tag in shown.find_all(True)), f"markup from a value: {shown}"


@SETTINGS
@given(description=hostile_text.filter(lambda t: t.strip()), body=st.lists(hostile_text, max_size=4))
@example(description='Say "hi" <script>alert(1)</script>', body=["<img src=x onerror=alert(1)>"])
def test_a_page_is_checked_in_one_line_whatever_it_holds(description: str, body: list[str]) -> None:
    page = f"---\ndescription: {quoted(description)}\n---\n\n# Title {{ #title }}\n\n" + "\n\n".join(body) + "\n"
    problem = pages.check(page)
    if problem is not None:
        line, message = problem
        assert isinstance(line, int) and line >= 1 and "\n" not in message
    for text in body:
        if re.search(r"<\s*script|\son\w+\s*=|javascript\s*:", text, re.I) and pages.unsafe(text) is None:
            assert False, f"accepted a line that runs code: {text!r}"


@SETTINGS
@given(word=hostile_text.filter(lambda t: t.strip() == t and t and not any(c in t for c in "\n\r\u2028\u2029\x85")))
def test_a_ui_word_reaches_the_templates_as_text(word: str) -> None:
    from artelabs.theme import Words

    words = Words("en", "/", None, lambda key, lang: word, {})
    shown = BeautifulSoup(f"<p title=\"{words.t('x')}\">{words.t('x')}</p>", "html.parser")
    assert shown.p["title"] == word and shown.p.get_text() == word and not shown.p.find_all(True)


# -----------------------------------------------------------------------------
# Front matter and markers: refused in one line, or published as text
# -----------------------------------------------------------------------------

# Where Material and this site's templates print a page's front-matter title and description: as they are
# (MkDocs's templates do not escape: <title>, the header), escaped again (`| e`, in an attribute).
SHOWN = (
    "<title>{{ page.meta.title }} - Site</title><span>{{ page.meta.title }}</span>"
    '<a aria-label="{{ page.meta.title | e }}">x</a><meta name="description" content="{{ page.meta.description | e }}">'
)
field_values = st.one_of(values, hostile_text.filter(lambda t: t.strip()).map(lambda t: f"'{t}'"),
                         st.sampled_from(["Q&A", "'Q&A <b>x</b>'", '"</title><script>x()</script>"', "'&amp; &lt;'", "|", ">-"]))


def one_line(problem, name: str) -> None:
    """A refusal as the build prints it: `name:LINE: what`, one line."""
    assert problem is None or (isinstance(problem, str) and "\n" not in problem and "Traceback" not in problem), problem


@SETTINGS
@given(title=field_values, description=field_values, key=st.sampled_from(["title", "titel", "template", "robots", "hide", "search"]))
@example(title="'Q&A <a href=\"https://x.example/\">Sign in again</a>'", description="'Q&A \"x\" <b>'", key="title")
@example(title='"a\\uFFFE"', description="x", key="title")
@example(title="2026-02-30", description="x", key="title")  # a date that does not exist: was a traceback
def test_a_front_matter_field_is_refused_in_one_line_or_published_as_text(title: str, description: str, key: str) -> None:
    from jinja2 import Environment
    from mkdocs.utils.meta import get_data

    markdown = f"---\ndescription: {description}\n{key}: {title}\n---\n\n# Title {{ #title }}\n\nText.\n"
    problem = pages.check(markdown)
    if problem is not None:
        line, message = problem
        assert isinstance(line, int) and 1 <= line <= markdown[: markdown.index("\n# Title")].count("\n") and "\n" not in message, problem
        return
    _, meta = get_data(markdown)  # as MkDocs reads it
    typed_title, typed_description = meta.get("title"), meta.get("description")
    assert isinstance(typed_description, str), f"accepted a description that is not text: {typed_description!r}"
    html = Environment().from_string(SHOWN).render(page={"meta": pages.as_text(dict(meta))})  # as hooks/pages.py leaves it
    shown = BeautifulSoup(html, "html.parser")
    assert shown.find("meta")["content"] == typed_description
    if key != "title" or "title" not in meta:  # another field, or a quote left open took the title into the description
        return
    assert isinstance(typed_title, str), f"accepted a title that is not text: {typed_title!r}"
    text = typed_title.strip()
    assert shown.title.get_text() == f"{text} - Site" and shown.span.get_text() == text, html
    assert shown.a["aria-label"] == text, "escaped twice, or not at all"
    assert not shown.span.find_all(True) and [tag.name for tag in shown.find_all(True)] == ["title", "span", "a", "meta"], html


kinds = st.sampled_from([*markers.KINDS, "port", "PORTS", "Versions", "versions-include", "mobileconfig", "announcement"])
arguments = st.one_of(
    st.sampled_from(["table mail", "table mial", "imap.port", "imap.prot", "include terms", "include Terms", "include index",
                     "terms", "terms.current", "terms.9.9", "legal_name", "legal-name", "mail/ports", "mail/setup", "links", "current",
                     "subprocessors", "ios", "", " ", "table", "diagram x", "include", "include terms x", "../../etc/passwd"]),
    hostile_text,
)
marker_pages = st.sampled_from(["mail/ports.md", "mail/ports.fr.md", "contact.md", "terms.md", "terms/versions/3.1.md",
                                "terms/versions/3.0.fr.md", "dpa.md", "status.md", "staff/links.md", "mail/setup.md", "index.md"])


@functools.cache
def _renderer(lang: str) -> markers.Renderer:
    """One renderer per language for all the examples (the data read once), given each example's page."""
    return markers.standalone_renderer(ROOT, lang)


@SETTINGS
@given(kind=kinds, argument=arguments, page=marker_pages, alone=st.booleans())
@example(kind="versions", argument="include Terms", page="terms/versions/3.1.md", alone=True)
@example(kind="mobileconfig-offer", argument="ios", page="mail/setup.md", alone=True)
@example(kind="ports", argument="imap.port\n", page="mail/ports.md", alone=False)
def test_a_marker_argument_is_refused_in_one_line_or_names_something(kind: str, argument: str, page: str, alone: bool) -> None:
    """Whatever follows a marker's name: refused before the build in one line with the page and line (never a
    traceback), or it names something of the data, and the page shows the data's text, no element of the argument's."""
    from artelabs import core

    marker = f"<!-- {kind}:{argument} -->"
    line = marker if alone else f"Text {marker} here."
    found = markers.scan(f"---\ndescription: x\n---\n\n# Title {{ #title }}\n\n{line}\n")
    renderer = _renderer("fr" if page.endswith(".fr.md") else "en")
    renderer.page, renderer.source = core.page_path(page), page
    problem = markers.refusal(renderer, found, f"docs/{page}")
    one_line(problem, f"docs/{page}")
    if problem is not None:
        assert re.match(rf"(docs/{re.escape(page)}:7: |data/\S+:\d+: )\S", problem), problem
        return
    for found_marker in found:  # accepted: a name of the data, shown as the data's text
        assert re.fullmatch(r"[\w./:-]+(?: [\w./-]+)?", found_marker.body), f"accepted {found_marker.body!r}"
        shown = BeautifulSoup(renderer.render(found_marker.body, alone=found_marker.alone), "html.parser")
        assert not shown.find_all(["script", "iframe", "object", "embed", "style"]), str(shown)[:300]
        assert not [tag for tag in shown.find_all(True) if any(name.startswith("on") for name in tag.attrs)]
