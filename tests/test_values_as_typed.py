"""Guard rails, second round: what staff type is published exactly as typed, or refused in one line.

Each test is a mistake a hurried editor makes by hand, in the file where it is made. The data checks are
called as the build calls them (`artelabs.datafile`); the few that need the pages are built once, together.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from conftest import COPY_STAMP, HEADING, HOSTILE, ROOT, TITLE, clean_environment, copy_repo, mkdocs_build, parsed
from artelabs import datafile, pages
from artelabs.postbuild import mail as mailfiles


def edited(tmp_path: Path, name: str, old: str, new: str, *, count: int = 1) -> Path:
    """A copy of data/NAME (with the schemas and the anchor registry beside it) with `old` replaced by `new`."""
    data = tmp_path / "data"
    (data / "schemas").mkdir(parents=True, exist_ok=True)
    for schema in (ROOT / "data" / "schemas").glob("*.json"):
        (data / "schemas" / schema.name).write_bytes(schema.read_bytes())
    for other in ("anchors.txt",):
        (data / other).write_bytes((ROOT / "data" / other).read_bytes())
    text = (ROOT / "data" / name).read_text(encoding="utf-8")
    assert old in text, old
    path = data / name
    path.write_text(text.replace(old, new, count), encoding="utf-8")
    return path


def refusal(path: Path, **context) -> str:
    name = f"data/{path.name}"
    with pytest.raises(datafile.DataError) as error:
        if path.name == "anchor-aliases.yml":
            datafile.load_aliases(path)
        elif path.name == "strings.yml":
            datafile.Strings(path, name)
        else:
            datafile.load(path, name=name, context=context or None)
    message = str(error.value)
    assert "\n" not in message and message.startswith(f"{name}"), message
    return message


def line_of(name: str, fragment: str) -> int:
    text = (ROOT / "data" / name).read_text(encoding="utf-8")
    return text[: text.index(fragment)].count("\n") + 1


# -----------------------------------------------------------------------------
# A value changes on its way to the page: refused, never converted
# -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("written", "words"),
    [
        ("0465", "0465 has a leading zero"),
        ("0x3e1", "0x3e1 is a number in another base"),
        ("0o1741", "0o1741 is a number in another base"),
        ("1e3", "1e3 is a number with an exponent"),
        (".inf", ".inf is infinity or not-a-number"),
        ("9_93", "9_93 is a number with an underscore"),
    ],
    ids=["leading-zero", "hex", "octal", "exponent", "infinity", "underscore"],
)
def test_a_port_that_yaml_would_convert_is_refused_with_its_line(tmp_path: Path, written: str, words: str) -> None:
    message = refusal(edited(tmp_path, "ports.yml", "    port: 993\n", f"    port: {written}\n"))
    assert message.startswith(f"data/ports.yml:{line_of('ports.yml', '    port: 993')}: {words}")


PHONE = "phone: {value: null, status: unconfirmed}"


def test_a_phone_number_with_its_leading_zero_is_refused_unquoted_and_kept_quoted(tmp_path: Path) -> None:
    path = edited(tmp_path, "company.yml", PHONE, "phone: {value: 0221234567, status: unconfirmed}")
    assert f"data/company.yml:{line_of('company.yml', PHONE)}: 0221234567 has a leading zero" in refusal(path)
    path = edited(tmp_path, "company.yml", PHONE, 'phone: {value: "0221234567", status: unconfirmed}')
    assert datafile.load(path, name="data/company.yml")["phone"]["value"] == "0221234567"


@pytest.mark.parametrize("written", ["no", "on", "off", "yes", "1:30", "Norway", "12:00"])
def test_words_that_yaml_1_1_turns_into_something_else_are_published_as_typed(tmp_path: Path, written: str) -> None:
    path = edited(tmp_path, "company.yml", PHONE, f"phone: {{value: {written}, status: unconfirmed}}")
    assert datafile.load(path, name="data/company.yml")["phone"]["value"] == written


def test_yaml_anchors_and_aliases_are_refused_before_anything_is_expanded(tmp_path: Path) -> None:
    path = edited(tmp_path, "ports.yml", "    port: 993\n", "    port: &p 993\n")
    assert "YAML anchor or alias '&p'" in refusal(path)
    bomb = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join(['*' + chr(97 + i)] * 9)}]\n" for i in range(8)
    )
    path.write_text(bomb, encoding="utf-8")
    assert refusal(path).startswith("data/ports.yml:1: YAML anchor or alias '&a'")


def test_a_data_file_larger_than_the_limit_is_refused_in_one_line(tmp_path: Path) -> None:
    path = edited(tmp_path, "ports.yml", "# ", "# " + "x" * (datafile.reader.MAX_BYTES + 1) + "\n# ")
    assert re.match(r"data/ports\.yml: [\d,]+ bytes, expected at most [\d,]+", refusal(path))


# -----------------------------------------------------------------------------
# Contradictions are refused
# -----------------------------------------------------------------------------


def test_a_confirmed_detail_needs_a_value_in_every_language(tmp_path: Path) -> None:
    path = edited(tmp_path, "company.yml", PHONE, "phone: {value: null, status: confirmed}")
    assert "phone.value: confirmed, but the value is empty in every language" in refusal(path)
    path = edited(tmp_path, "company.yml", PHONE, "phone: {value: {en: '+41 22 000 00 00', fr: ''}, status: confirmed}")
    assert "confirmed, but the value is empty in a language" in refusal(path)


def test_a_source_read_after_the_build_is_refused(tmp_path: Path) -> None:
    path = edited(tmp_path, "sources.yml", "checked: 2026-12-02", "checked: 2062-12-02")
    # built on the day of the newest reading: only the edited date is after the build
    days = sorted(set(re.findall(r"checked: (\d{4}-\d\d-\d\d)", (ROOT / "data" / "sources.yml").read_text(encoding="utf-8"))))
    latest = __import__("datetime").date.fromisoformat(days[-1])
    assert "2062-12-02 is after the build" in refusal(path, latest=latest)


def test_a_date_that_does_not_exist_is_refused(tmp_path: Path) -> None:
    path = edited(tmp_path, "sources.yml", "checked: 2026-12-02", "checked: 2026-02-30")
    assert "expected a date written YYYY-MM-DD" in refusal(path)


def test_versions_are_listed_newest_first_in_number_and_date(tmp_path: Path) -> None:
    text = (ROOT / "data" / "legal-versions.yml").read_text(encoding="utf-8")
    first = re.search(r'version: "3\.1"\n    effective: (\S+)', text)
    assert first
    path = edited(tmp_path, "legal-versions.yml", first.group(0), 'version: "3.1"\n    effective: 2026-01-01')
    assert "is not after" in refusal(path)


@pytest.mark.parametrize(
    ("old", "new", "words"),
    [
        ("pdf.download: {en: ", "pdf.download: {en: null, old: ", None),
        ("pdf.download: {en: ", "pdf.download: {en: 42, old: ", None),
        ("pdf.download: {en: ", '"pdf.download ": {en: ', "key 'pdf.download ' has spaces"),
        ("{version}", "{verison}", "unknown placeholder {verison}"),
    ],
    ids=["null", "number", "trailing-space-key", "unknown-placeholder"],
)
def test_a_ui_string_is_text_with_known_placeholders(tmp_path: Path, old: str, new: str, words: str | None) -> None:
    path = edited(tmp_path, "strings.yml", old, new)
    if new.endswith("old: "):  # {en: null, old: "Download…", fr: …}: the value under test is the null or the number
        path.write_text(re.sub(r", old: (\"[^\"]*\"|[^,}]*)", "", path.read_text(encoding="utf-8"), count=1), encoding="utf-8")
    message = refusal(path)
    assert words is None or words in message, message
    assert re.match(r"data/strings\.yml:\d+: ", message), message


def test_month_names_are_twelve(tmp_path: Path) -> None:
    path = edited(tmp_path, "strings.yml", " November December\n", " November\n")
    assert "the twelve month names" in refusal(path)


def test_a_table_is_never_made_of_an_empty_list(tmp_path: Path) -> None:
    text = (ROOT / "data" / "ports.yml").read_text(encoding="utf-8")
    start = text.index("\nnot_standard:\n") + 1
    end = text.index("\n\n", start)
    path = edited(tmp_path, "ports.yml", text[start:end], "not_standard: []")
    assert "0 entries, expected at least 1 (an empty list would publish an empty table)" in refusal(path)


@pytest.mark.parametrize(
    ("aliases", "words"),
    [
        ("mail/setup/:\n  old-smtp: no-such-anchor\n", "/mail/setup/#no-such-anchor is not in data/anchors.txt"),
        ("mail/setup:\n  old-smtp: smtp\n", "a page's path with its final slash"),
        ("mail/setup/:\n  smtp: imap\n", "/mail/setup/#smtp still exists"),
    ],
    ids=["missing-target", "no-slash", "old-id-still-there"],
)
def test_an_alias_points_to_an_anchor_that_exists_in_the_registry_form(tmp_path: Path, aliases: str, words: str) -> None:
    path = edited(tmp_path, "anchor-aliases.yml", "#", "#")
    path.write_text(aliases, encoding="utf-8")
    assert words in refusal(path)


def test_an_alias_file_of_comments_only_holds_no_alias(tmp_path: Path) -> None:
    path = edited(tmp_path, "anchor-aliases.yml", "#", "#")
    path.write_text("# only comments\n# here\n", encoding="utf-8")
    assert datafile.load_aliases(path) == {}


def test_a_registry_line_left_by_a_merge_conflict_is_refused(tmp_path: Path) -> None:
    registry = tmp_path / "anchors.txt"
    text = (ROOT / "data" / "anchors.txt").read_text(encoding="utf-8")
    registry.write_text(text + "<<<<<<< HEAD\n/mail/setup/smtp\n", encoding="utf-8")
    with pytest.raises(datafile.DataError, match=r"^data/anchors\.txt:\d+: '<<<<<<< HEAD', expected /page/#id"):
        datafile.load_registry(registry)


def test_a_data_file_the_build_needs_must_exist(tmp_path: Path) -> None:
    with pytest.raises(datafile.DataError, match=r"^data/synonyms\.yml: missing, expected the file itself"):
        datafile.load_synonyms(tmp_path / "synonyms.yml")


# -----------------------------------------------------------------------------
# Characters the outputs cannot carry: refused when the data file is read, at their line, by their code point
# -----------------------------------------------------------------------------

HOST = "    host: mail.infomaniak.com\n"


@pytest.mark.parametrize(
    ("new", "says"),
    [
        ("    host: mail.infomaniak.com\ufffe\n", "U+FFFE (a Unicode noncharacter) at column 30"),  # typed raw
        ("    host: mail\ufdd0.infomaniak.com\n", "U+FDD0 (a Unicode noncharacter) at column 15"),
        ("    host: mail.infomaniak.com # note \U0001ffff\n", "U+1FFFF (a Unicode noncharacter) at column 38"),  # a comment too
        ("    host: mail\x07.infomaniak.com\n", "U+0007 (a control character) at column 15"),
        ('    host: "mail.infomaniak.com\\uFFFE"\n', "mail[imap].host: holds U+FFFE (a Unicode noncharacter)"),  # an escape
        ('    host: "mail.infomaniak.com\\U0010FFFF"\n', "mail[imap].host: holds U+10FFFF (a Unicode noncharacter)"),
    ],
    ids=["raw-fffe", "raw-fdd0", "raw-1ffff-comment", "raw-bell", "escaped-fffe", "escaped-10ffff"],
)
def test_a_character_no_output_can_carry_is_refused_at_its_line(tmp_path: Path, new: str, says: str) -> None:
    """The feed (XML 1.0), the calendar and the PDF cannot carry it: refused when the file is read, at its real
    line (PyYAML said line 1, "control character"), by its code point, before anything is built of it."""
    message = refusal(edited(tmp_path, "ports.yml", HOST, new))
    assert message.startswith(f"data/ports.yml:{line_of('ports.yml', HOST)}: "), message
    assert says in message and "expected text that the pages, the feed, the calendar and the PDF can carry" in message, message


def test_an_id_with_a_line_break_is_named_by_its_position_in_one_line(tmp_path: Path) -> None:
    """Found by generation: the entry was named by its id, and the id's line break broke the message's line."""
    message = refusal(edited(tmp_path, "ports.yml", "  - id: imap\n", '  - id: "imap\\n"\n'))
    assert message.startswith(f"data/ports.yml:{line_of('ports.yml', '  - id: imap')}: mail[entry 1].id: 'imap\\n' holds a line break")


def test_a_folder_where_a_data_file_should_be_says_so() -> None:
    with pytest.raises(datafile.DataError) as error:
        datafile.load(ROOT / "data" / "schemas", name="data/ports.yml")
    assert str(error.value) == "data/ports.yml: a folder, expected a file of YAML data"


# -----------------------------------------------------------------------------
# Pages: no script, no frame, no script link; found in the page, before the build
# -----------------------------------------------------------------------------

PAGE = "---\ndescription: A page.\n---\n\n# Title { #title }\n\n"


@pytest.mark.parametrize(
    ("line", "words"),
    [
        ("<script>alert(1)</script>", "raw HTML <script>"),
        ("<SCRIPT src=x>", "raw HTML <script>"),
        ('<iframe src="https://example.ch"></iframe>', "raw HTML <iframe>"),
        ('<object data="x"></object>', "raw HTML <object>"),
        ("<embed src=x>", "raw HTML <embed>"),
        ('<img src="x" onerror="alert(1)">', "'onerror=' handler"),
        ("<span onmouseover='x'>a</span>", "'onmouseover=' handler"),
        ("[click](javascript:alert(1))", "a javascript: link"),
        ("[click](JaVa\tScRiPt:alert(1))", "a javascript: link"),
        ("[click](&#106;avascript:alert(1))", "a javascript: link"),
        ("[click](vbscript:msgbox)", "a vbscript: link"),
        ("[image](data:text/html;base64,PHNjcmlwdD4=)", "a data: link"),
        ("<data:text/html,x>", "a data: link"),
        ('<a href="javascript:x">a</a>', "a javascript: link"),
        ("[ref]: javascript:alert(1)", "a javascript: link"),
    ],
)
def test_a_page_that_would_run_code_is_refused_with_its_line(line: str, words: str) -> None:
    problem = pages.check(PAGE + "Text.\n\n" + line + "\n")
    assert problem is not None and problem[0] == 9 and words in problem[1], problem


@pytest.mark.parametrize(
    "line",
    [
        "`<script>` in a code span is shown as written.",
        "Data: the word, and on = off.",
        "[a page](mail/setup.md#smtp) and <https://example.ch>",
        "1 < 2 and 3 > 2",
    ],
)
def test_what_only_looks_like_code_is_accepted(line: str) -> None:
    assert pages.check(PAGE + line + "\n\n```html\n<script>alert(1)</script>\n```\n") is None


# -----------------------------------------------------------------------------
# A copy built with hostile values: published as text, escaped, never run
# -----------------------------------------------------------------------------

@pytest.fixture(scope="module")
def hostile_build(odd_values_site: tuple[Path, Path]) -> tuple[Path, Path]:
    """A copy whose company name and status page description are HOSTILE, the status page's title TITLE and a French
    heading HEADING, built (conftest.odd_values_site)."""
    return odd_values_site


def test_a_hostile_description_and_company_name_are_published_as_text(hostile_build: tuple[Path, Path]) -> None:
    _, site = hostile_build
    html = (site / "status" / "index.html").read_text(encoding="utf-8")
    page = BeautifulSoup(html, "lxml")
    assert page.find("meta", attrs={"name": "description"})["content"] == HOSTILE
    assert HOSTILE in page.find("footer").get_text()
    assert not [s for s in page.find_all("script") if "alert(1)" in s.get_text()], "the value became a script"


def test_a_front_matter_title_is_text_in_the_header_and_the_browser_tab(hostile_build: tuple[Path, Path]) -> None:
    """`title:` is shown as typed, escaped once ("Q&A" reads "Q&A"): no link, no element, in the header or <title>."""
    _, site = hostile_build
    page = parsed(site / "status" / "index.html")
    assert page.title.get_text() == f"{TITLE} - Artelabs Support"
    topic = page.select_one("[data-md-component='header-topic'] .md-ellipsis")
    assert " ".join(topic.get_text().split()) == TITLE and not topic.find_all(True), topic
    assert not page.select("a[href^='https://sign-in.example']") and not page.find("b"), "the title became markup"
    french = parsed(site / "fr" / "status" / "archive" / "index.html")
    assert french.title.get_text().endswith(" Q&A </title><b>bold - Artelabs Support") and not french.head.find("b"), french.title


def test_the_policy_hashes_no_script_that_the_templates_do_not_write(hostile_build: tuple[Path, Path]) -> None:
    _, site = hostile_build
    from artelabs.postbuild import htaccess

    policy = (site / ".htaccess").read_text(encoding="utf-8")
    assert htaccess.csp_hash("alert(1)") not in policy
    assert "unsafe-inline" not in policy.split("script-src", 1)[1].split(";", 1)[0]


def test_a_symbolic_link_out_of_the_repository_is_refused(tmp_path: Path) -> None:
    repo = copy_repo(tmp_path / "repo")  # its own copy: the build stops before anything is built
    link = repo / "docs" / "assets" / "machine.txt"
    link.symlink_to("/etc/hostname")
    result = mkdocs_build(repo, tmp_path / "out")
    errors = [line for line in result.stderr.splitlines() if line.startswith("ERROR")]
    assert result.returncode != 0 and len(errors) == 1, result.stderr[-1500:]
    assert "docs/assets/machine.txt: a symbolic link to /etc/hostname, outside the repository" in errors[0]
    assert not (tmp_path / "out").exists()


@pytest.mark.long
def test_a_build_stopped_by_sigterm_leaves_the_previous_site_and_no_temporary_folder(tmp_path: Path) -> None:
    import signal
    import time

    repo = copy_repo(tmp_path / "repo")  # its own copy, never built before: stopped in its first build
    out = tmp_path / "out"
    out.mkdir()
    (out / "index.html").write_text("the previous site", encoding="utf-8")
    build = subprocess.Popen(
        [sys.executable, "-m", "mkdocs", "build", "-q", "-d", str(out)], cwd=repo,
        env=clean_environment(ARTELABS_PDF="1", **COPY_STAMP), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
    )
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and not list(tmp_path.glob(".out.building-*")):
        time.sleep(0.05)
    assert list(tmp_path.glob(".out.building-*")), "the build never started writing"
    build.send_signal(signal.SIGTERM)
    _, stderr = build.communicate(timeout=60)
    assert build.returncode == -signal.SIGTERM
    assert "Traceback" not in stderr and "build stopped by signal SIGTERM" in stderr
    assert not list(tmp_path.glob(".out.building-*")), "the temporary folder was left behind"
    assert (out / "index.html").read_text(encoding="utf-8") == "the previous site"


# -----------------------------------------------------------------------------
# Staff commands: one line, whatever the input and the state of the disk and pipes
# -----------------------------------------------------------------------------


def run(*command: str, stdout=subprocess.PIPE, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, *command], cwd=ROOT, stdout=stdout, stderr=subprocess.PIPE, text=True,
                          env=env or clean_environment(), timeout=120)


def test_publish_check_refuses_a_date_that_is_not_a_number_in_one_line() -> None:
    result = run("tools/publish_check.py", env=clean_environment(SOURCE_DATE_EPOCH="abc"))
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert result.stderr.strip() == "publish: refused: SOURCE_DATE_EPOCH='abc' is not a number of seconds, expected e.g. 1764460800"


def test_autoconfig_on_a_full_disk_says_so_in_one_line() -> None:
    with open("/dev/full", "w") as full:
        result = run("tools/autoconfig.py", "autoconfig", "example.ch", stdout=full)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert result.stderr.strip().splitlines() == [
        "autoconfig: cannot write to standard output (No space left on device), expected room on the disk or a reader"
    ]


def test_autoconfig_into_a_closed_pipe_stops_quietly() -> None:
    command = f"{sys.executable} tools/autoconfig.py autoconfig example.ch | head -c 5 >/dev/null"
    result = subprocess.run(["bash", "-o", "pipefail", "-c", command], cwd=ROOT, capture_output=True, text=True,
                            env=clean_environment(), timeout=120)
    assert "Traceback" not in result.stderr and "Exception ignored" not in result.stderr, result.stderr


@pytest.mark.parametrize("typed", ["example。ch", "example．ch", "EXAMPLE.CH.", " example.ch"])
def test_a_domain_typed_on_a_phone_is_read_as_a_domain(typed: str) -> None:
    assert mailfiles.domain_name(typed) == "example.ch"


@pytest.mark.parametrize(
    ("command", "says"),
    [
        (["tools/sources-check", "--sources", "data"], "sources-check: --sources data: is a folder, expected a file of data/sources.yml's format"),
        (["tools/mailcheck.py", "servers", "--ca", "data"], "mailcheck: --ca data: is a folder, expected a CA bundle file (PEM)"),
        (["tools/postbuild.py", "docs", "--config", "data"], "postbuild: --config data: is a folder, expected a mkdocs.yml file"),
        (["tools/postbuild.py", "docs", "--config", "missing.yml"], "postbuild: --config missing.yml: no such file, expected a mkdocs.yml file"),
    ],
    ids=["sources-check", "mailcheck", "postbuild", "postbuild-missing"],
)
def test_a_folder_given_for_a_file_gets_its_own_line(tmp_path: Path, command: list[str], says: str) -> None:
    """Not a traceback, not "cannot read" nor "missing": the folder named as a folder, and what was expected."""
    (tmp_path / "data").mkdir()
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "index.html").write_text("<p>a built site</p>", encoding="utf-8")
    result = subprocess.run([sys.executable, str(ROOT / command[0]), *command[1:]], cwd=tmp_path, capture_output=True, text=True,
                            env=clean_environment(PYTHONPATH=str(ROOT)), timeout=120)
    assert result.returncode == 2 and result.stdout == "" and result.stderr.splitlines() == [says], result.stderr


def test_no_command_of_the_project_prints_a_traceback_for_a_missing_argument() -> None:
    for command in (["tools/autoconfig.py"], ["tools/publish_check.py", "--date", "tomorrow"], ["tools/postbuild.py"]):
        result = run(*command)
        assert result.returncode != 0 and "Traceback" not in result.stderr, (command, result.stderr)
    assert os.environ.get("SOURCE_DATE_EPOCH") is None or True  # nothing above changed the test process
