"""The README and the maintainers' guide (guide/): short where a newcomer starts, and every command and path
they name exists.

A newcomer reads the README in five minutes: what the site is, the two commands, where things are. Everything
else is in guide/, one page per task, each starting with the command to type. A guide that names a file that
moved, a command that was renamed or an option that no longer exists sends staff the wrong way: each is checked
here against the repository itself.
"""

from __future__ import annotations

import importlib.util
import os
import re
import shlex
import subprocess
import sys
from functools import cache
from pathlib import Path

import pytest

from conftest import ROOT

README = ROOT / "README.md"
GUIDE = sorted((ROOT / "guide").glob("*.md"))
DOCUMENTS = [README, *GUIDE]
README_BUDGET = 10_000  # bytes

# The README's two commands, word for word (.ci/run and the tests' own instructions rely on them).
SERVE = "python3 -m venv .venv && . .venv/bin/activate && pip install -r requirements.txt && mkdocs serve"
TEST = "python3 -m venv .venv && . .venv/bin/activate && pip install -r requirements-dev.txt && python -m pytest"

CODE_SPAN = re.compile(r"`([^`\n]+)`")
FENCE = re.compile(r"^```(?P<lang>\w*)\n(?P<body>.*?)^```", re.M | re.S)
LINK = re.compile(r"\]\((?P<target>[^)\s]+)\)")
# A path of the repository as the guide writes it: folders and a file name, or a folder ending in /.
PATH = re.compile(r"^\.?[\w.-]+(?:/[\w.*-]+)*/?$")
KNOWN_SUFFIXES = (".py", ".yml", ".yaml", ".md", ".json", ".html", ".css", ".js", ".mjs", ".txt", ".sh", ".rng", ".toml", ".ini")
# What a build or a tool makes, never in a clone: named by the guide, not checked for.
GENERATED = (".cache/", "site/", ".venv/", "node_modules/", "out/", "test-reports/", "bench-report.json", "/tmp/")
# Paths on other machines that the guide tells staff about (a customer's web server), not the repository's.
ELSEWHERE = {"mail/config-v1.1.xml"}
# Where a path the guide writes from its context is found: the repository, the pages' folder (assets/…), the
# templates' (partials/…) and the package's (markers/, postbuild/).
BASES = ("", "docs/", "overrides/", "artelabs/")
# Programs of the machine or of the environment the README installs (not the project's own).
PROGRAMS = {"mkdocs", "pip", "npm", "git", "curl", "bash", "rm", "python3", "python", "apt-get", "cd", ".", "rsync", "time"}


def documents_text() -> dict[Path, str]:
    return {path: path.read_text(encoding="utf-8") for path in DOCUMENTS}


def outside_fences(text: str) -> str:
    return FENCE.sub("", text)


def is_placeholder(token: str) -> bool:
    """docs/DOC/versions/V.md, data/schemas/NAME.schema.json, x.md: words that stand for a file, not a file."""
    return bool(re.search(r"(^|[/.])([A-Z][A-Z0-9_-]*|x|y|N)(?=[/.]|$)", token)) or "…" in token or "*" in token


def repository_paths(text: str) -> set[str]:
    found = set()
    for span in CODE_SPAN.findall(outside_fences(text)):
        token = span.strip().rstrip(",.;:")
        if not PATH.match(token) or token.startswith(("http", "..")) or is_placeholder(token):
            continue
        if token.startswith(GENERATED) or token in ELSEWHERE or token.startswith(".") and "/" not in token:
            continue
        if "/" in token and "." in token.split("/")[0] and not (ROOT / token.split("/")[0]).exists():
            continue  # example.ch/mail: an address, not a path
        if "/" in token or token.endswith(KNOWN_SUFFIXES):
            found.add(token)
    return found


def test_the_readme_is_read_in_five_minutes() -> None:
    size = len(README.read_bytes())
    assert size <= README_BUDGET, f"README.md is {size:,} bytes, expected at most {README_BUDGET:,}: move the detail to guide/"


def test_the_readme_gives_the_two_commands_as_they_are() -> None:
    blocks = [m["body"].strip() for m in FENCE.finditer(README.read_text(encoding="utf-8")) if m["lang"] == "sh"]
    assert SERVE in blocks and TEST in blocks, f"the README's two commands changed: {blocks}"
    assert (ROOT / ".ci" / "run").read_text(encoding="utf-8").count("python -m pytest") >= 1


@pytest.mark.parametrize("page", [path for path in GUIDE if path.name != "README.md"], ids=lambda path: path.name)
def test_each_task_starts_with_the_command_to_type(page: Path) -> None:
    text = page.read_text(encoding="utf-8")
    title, _, rest = text.partition("\n")
    assert title.startswith("# "), f"guide/{page.name}: starts with its title, '# …'"
    first = rest.lstrip("\n")
    assert first.startswith("```sh\n"), f"guide/{page.name}: the first thing after the title is the command to type, in a ```sh block"


def test_the_guide_index_lists_every_task() -> None:
    index = (ROOT / "guide" / "README.md").read_text(encoding="utf-8")
    for page in GUIDE:
        if page.name != "README.md":
            assert f"]({page.name})" in index, f"guide/README.md does not list {page.name}"
    readme = README.read_text(encoding="utf-8")
    assert "](guide/README.md)" in readme, "the README links to the guide"


@cache
def file_names() -> frozenset[str]:
    """The name of every file and folder of the repository (its own, not the venv's or the build's)."""
    skip = {".git", ".venv", "node_modules", "site", ".cache", "__pycache__", "test-reports", ".pytest_cache"}
    names = set()
    for folder, subfolders, files in os.walk(ROOT):
        subfolders[:] = [name for name in subfolders if name not in skip and not name.endswith(".egg-info")]
        names.update(files)
        names.update(f"{name}/" for name in subfolders)
    return frozenset(names)


def exists(token: str) -> bool:
    """A path with a folder is found from the repository or a folder the guide writes from (BASES); a file name
    alone, anywhere in the repository (`extra.css`, `3.1.md`)."""
    if "/" not in token.rstrip("/"):
        return token in file_names()
    return any((ROOT / base / token).exists() for base in BASES)


@pytest.mark.parametrize("document", DOCUMENTS, ids=lambda path: path.relative_to(ROOT).as_posix())
def test_every_path_the_guide_names_exists(document: Path) -> None:
    missing = sorted(token for token in repository_paths(document.read_text(encoding="utf-8")) if not exists(token))
    assert not missing, f"{document.relative_to(ROOT)} names files that are not in the repository: {missing}"


def slug(heading: str) -> str:
    """The id Python-Markdown's toc (and GitHub) gives a heading: lower case, punctuation dropped, spaces as -."""
    text = re.sub(r"[^\w\s-]", "", heading.strip().lower())
    return re.sub(r"\s+", "-", text)


@pytest.mark.parametrize("document", DOCUMENTS, ids=lambda path: path.relative_to(ROOT).as_posix())
def test_every_link_between_the_guide_pages_leads_somewhere(document: Path) -> None:
    broken = []
    for match in LINK.finditer(outside_fences(document.read_text(encoding="utf-8"))):
        target = match["target"]
        if target.startswith(("http://", "https://", "mailto:")):
            continue
        file, _, anchor = target.partition("#")
        path = (document.parent / file).resolve() if file else document
        if not path.exists():
            broken.append(target)
            continue
        if anchor and path.suffix == ".md":
            headings = {slug(line.lstrip("#")) for line in path.read_text(encoding="utf-8").splitlines() if line.startswith("#")}
            if anchor not in headings:
                broken.append(target)
    assert not broken, f"{document.relative_to(ROOT)}: links that lead nowhere: {broken}"


# -----------------------------------------------------------------------------
# Commands
# -----------------------------------------------------------------------------


def commands() -> list[tuple[str, str]]:
    """(document, command) for every command of the ```sh blocks: each line cut at `&&`, `;` and `|`, comments
    dropped, environment assignments (ARTELABS_PDF=1) taken off the front."""
    found = []
    for path, text in documents_text().items():
        for block in FENCE.finditer(text):
            if block["lang"] != "sh":
                continue
            for line in block["body"].splitlines():
                line = re.sub(r"(^|\s)#\s.*$", "", line).strip()
                for part in re.split(r"&&|;|\|", line):
                    words = shlex.split(part, comments=False) if part.strip() else []
                    while words and re.fullmatch(r"[A-Z_]+=\S*", words[0]):
                        words = words[1:]
                    if words:
                        found.append((path.relative_to(ROOT).as_posix(), shlex.join(words)))
    return found


@cache
def help_of(*program: str) -> str:
    """What a command of the project prints for --help (its options), run as staff run it."""
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    result = subprocess.run([*program, "--help"], cwd=ROOT, capture_output=True, text=True, timeout=120, env=env)
    return result.stdout + result.stderr


def project_command(words: list[str]) -> tuple[list[str], list[str]] | None:
    """The project's own program in a command and its arguments, or None for a program of the machine."""
    if words[0] in ("python", "python3") and len(words) > 2 and words[1] == "-m":
        return words[:3], words[3:]
    if words[0] in ("python", "python3") and len(words) > 1 and not words[1].startswith("-"):
        return words[:2], words[2:]
    if "/" in words[0]:
        return words[:1], words[1:]
    return None


@pytest.mark.parametrize(("document", "command"), commands(), ids=[f"{d}: {c[:60]}" for d, c in commands()])
def test_every_command_the_guide_names_exists(document: str, command: str) -> None:
    words = shlex.split(command)
    own = project_command(words)
    if own is None:
        assert words[0] in PROGRAMS, f"{document}: '{words[0]}' is neither a program of the project nor one the README installs"
        if words[0] == "bash" and len(words) > 1:
            assert (ROOT / words[1]).is_file(), f"{document}: bash {words[1]}: no such file"
        return
    program, arguments = own
    if program[0].startswith("python") and program[1] == "-m":
        module = program[2]
        assert importlib.util.find_spec(module) is not None, f"{document}: python -m {module}: no such module"
        runnable = [sys.executable, "-m", module]
    else:
        script = ROOT / program[-1]
        assert script.is_file(), f"{document}: {program[-1]}: no such file"
        if len(program) == 1:
            assert os.access(script, os.X_OK), f"{document}: {program[0]} is not executable"
        runnable = [str(script)] if len(program) == 1 else [sys.executable, str(script)]
    if runnable[-1] == "pytest":
        return  # pytest's own options (-p, -n, -k) are pytest's
    subcommand = next((word for word in arguments if not word.startswith("-")), None)
    text = help_of(*runnable)
    if subcommand and re.search(rf"\b{re.escape(subcommand)}\b", text) and subcommand in ("servers", "domain", "autoconfig"):
        text += help_of(*runnable, subcommand)
    for option in (word.split("=")[0] for word in arguments if word.startswith("--")):
        assert option in text, f"{document}: `{command}`: {' '.join(program)} has no option {option} (its --help does not list it)"
