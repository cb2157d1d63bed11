"""What changed between two versions of a text, word by word, as HTML (the standard library's difflib).

Each version's Markdown becomes a list of blocks (headings, paragraphs, list items, table rows), as plain
text. The blocks are aligned first: equal blocks are unchanged; within a changed stretch, each new block is
paired with the most similar old one (in order, at least half of their words in common), so that a rewritten
paragraph shows its words inserted and deleted, and a paragraph that only moved shows whole, as moved, instead
of being garbled with the paragraphs around it. Paired blocks are then compared word by word.

`changes(old, new, words)` gives the items of the comparison (overrides/partials/diff.html renders them):
only the blocks that changed, each under its section's title; inserted words in `<ins>`, deleted ones in
`<del>`, each opened by words a screen reader says ("inserted:", "deleted:", visually hidden) and shown
underlined and struck through, not by colour alone; a section whose text is all new is its title and a link
to it (the version's page holds its text already). Needs no builder: Markdown is read with Python-Markdown.
"""

from __future__ import annotations

import difflib
import hashlib
import json
import os
import functools
import html
import re
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

# A word ("l'offre", "e-mail", "3.0" as 3 . 0) or one sign, with the spaces after it (half as many tokens to
# compare as with spaces apart, and no run of spaces matched across two changes).
TOKEN = re.compile(r"\w+(?:['’-]\w+)*\s*|[^\w\s]\s*|\s+")
FRENCH_MARK = re.compile(r"[;:!?»]")  # a sign French writes after a narrow no-break space
NNBSP = "\u202f"
SIMILAR = 0.5  # two blocks at least this similar (difflib's ratio of their words) are one block changed
BLOCKS = ("h1", "h2", "h3", "h4", "h5", "h6", "p", "li", "tr", "pre", "dt", "dd", "summary")
# What Python-Markdown reads the legal texts with (the site's own markers are taken out before).
EXTENSIONS = ("abbr", "admonition", "attr_list", "def_list", "md_in_html", "tables")


@dataclass(frozen=True)
class Block:
    kind: str  # h1…h6, p, li, tr, pre, dt, dd, summary
    text: str  # plain text, spaces collapsed
    anchor: str = field(default="", compare=False)  # a title's id ({ #id }): where the page shows it

    @property
    def heading(self) -> bool:
        return self.kind[0] == "h" and self.kind[1:].isdigit()

    @property
    def level(self) -> int:
        return int(self.kind[1:]) if self.heading else 7


@dataclass
class Row:
    """One block of the comparison: its kind, what happened to it and its HTML."""

    kind: str
    status: str  # changed, inserted, deleted, moved, section (a new section: a link to it), context (an unchanged
    # title over changes), same (unchanged: not shown)
    html: str


# -----------------------------------------------------------------------------
# Markdown into blocks
# -----------------------------------------------------------------------------


@functools.lru_cache(maxsize=64)  # a version is read twice: compared with the one before it and the one after
def blocks(markdown_text: str) -> tuple[Block, ...]:
    """The blocks of a Markdown text, in order, as plain text (links as their text, no markup)."""
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(_markdown().reset().convert(markdown_text), "html.parser")
    out: list[Block] = []
    for element in soup.find_all(BLOCKS):
        if element.name == "tr":
            text = " | ".join(cell.get_text(" ") for cell in element.find_all(["td", "th"]))
        elif element.name == "li":  # its own words, not those of a list inside it
            text = "".join(s for s in element.find_all(string=True) if s.find_parent("li") is element)
        elif element.find_parent(["li", "tr"]) is not None:
            continue  # a paragraph of a list item or a cell: read with it
        else:
            text = element.get_text()
        text = " ".join(text.split())
        if text:
            out.append(Block(element.name, text, element.get("id", "")))
    return tuple(out)


@functools.cache
def _markdown() -> Any:
    import markdown

    return markdown.Markdown(extensions=list(EXTENSIONS))


# -----------------------------------------------------------------------------
# Words
# -----------------------------------------------------------------------------


def tokens(text: str) -> list[str]:
    return TOKEN.findall(text)


def diff_words(old: str, new: str, words: Mapping[str, str]) -> str:
    """The new text with the words inserted since the old one in <ins> and those deleted in <del>, as HTML."""
    a, b = tokens(old), tokens(new)
    keys = [t.strip() for t in a], [t.strip() for t in b]  # "terms" before a space or a full stop: one word
    segments: list[list[Any]] = []  # [equal?, old tokens, new tokens]
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, *keys, autojunk=False).get_opcodes():
        segments.append([tag == "equal", a[i1:i2], b[j1:j2]])
    merged: list[list[Any]] = []  # a deletion next to an insertion: one change, "<del>a b</del> <ins>c d</ins>"
    for segment in segments:
        if merged and not segment[0] and not merged[-1][0]:
            merged[-1][1] += segment[1]
            merged[-1][2] += segment[2]
        else:
            merged.append(segment)
    out: list[str] = []
    before = ""  # the spaces after the last unchanged word in the old text
    for equal, old_part, new_part in merged:
        if equal:
            out.append(html.escape("".join(new_part), quote=False))
            before = old_part[-1][len(old_part[-1].rstrip()) :]
            continue
        removed, added = "".join(old_part), "".join(new_part)
        spaced = added if added.strip() else removed  # the spaces around the change, as the text reads
        lead, trail = spaced[: len(spaced) - len(spaced.lstrip())], spaced[len(spaced.rstrip()) :]
        if not added.strip() and out and not out[-1][-1:].isspace():
            lead = before  # "a b." to "a.": "a <del>b</del>.", as the old text was spaced
        marks = [m for m in (mark("del", removed, words), mark("ins", added, words)) if m]
        # French spaces ; : ! ? » with U+202F (artelabs/typography.py): the space before a change that opens with
        # one is that space, though <del> or <ins> stands between them
        if marks and FRENCH_MARK.match(removed.strip() or added.strip()):
            if lead:
                lead = NNBSP
            elif out and out[-1][-1:].isspace():
                out[-1] = out[-1].rstrip() + NNBSP
            elif removed.strip() and before:  # "gratuit ;" became "gratuit.": the deleted sign keeps its space
                lead = NNBSP
        joiner = NNBSP if len(marks) == 2 and FRENCH_MARK.match(added.strip()) else " "
        out.append(lead + joiner.join(marks) + trail if marks else spaced)
    return "".join(out)


def mark(tag: str, text: str, words: Mapping[str, str]) -> str:
    """<ins> or <del> around text, opened by the words a screen reader says; '' for blank text."""
    if not text.strip():
        return ""
    said = words["inserted" if tag == "ins" else "deleted"]
    return f'<{tag}><span class="mdx-sr">{html.escape(said)} </span>{html.escape(text.strip(), quote=False)}</{tag}>'


# -----------------------------------------------------------------------------
# Blocks
# -----------------------------------------------------------------------------


def align(old: tuple[Block, ...], new: tuple[Block, ...]) -> list[tuple[int | None, int | None]]:
    """(old index, new index) pairs in reading order; None on one side: a block inserted or deleted."""
    key = [" ".join(b.text.split()) for b in old], [" ".join(b.text.split()) for b in new]
    pairs: list[tuple[int | None, int | None]] = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, key[0], key[1], autojunk=False).get_opcodes():
        if tag == "equal":
            pairs += zip(range(i1, i2), range(j1, j2))
        else:
            pairs += _pair(old, new, list(range(i1, i2)), list(range(j1, j2)))
    return pairs


def _pair(old: tuple[Block, ...], new: tuple[Block, ...], olds: list[int], news: list[int]) -> list[tuple[int | None, int | None]]:
    """Within a changed stretch, each new block with the most similar old one still after the last paired.

    Between two pairs, the old blocks left come first (deleted), then the new ones (inserted), as a reader
    of a marked-up text expects: what went, then what came in its place."""
    out: list[tuple[int | None, int | None]] = []
    waiting: list[tuple[int | None, int | None]] = []  # new blocks not paired, shown after the old ones before the next pair
    start = 0
    words = {i: _words(old[i].text) for i in olds}
    for j in news:
        matcher = difflib.SequenceMatcher(None, autojunk=False)
        matcher.set_seq2(_words(new[j].text))
        best, score = None, SIMILAR
        for position in range(start, len(olds)):
            i = olds[position]
            if old[i].heading != new[j].heading:
                continue
            matcher.set_seq1(words[i])
            if matcher.real_quick_ratio() >= score and matcher.quick_ratio() >= score and matcher.ratio() >= score:
                best, score = position, matcher.ratio()
        if best is None:
            waiting.append((None, j))
            continue
        out += [(i, None) for i in olds[start:best]] + waiting
        out.append((olds[best], j))
        start, waiting = best + 1, []
    return out + [(i, None) for i in olds[start:]] + waiting


def _words(text: str) -> list[str]:
    """The words that make two blocks alike: not signs, not numbers ("1. Your duties" and "1. The parties" differ)."""
    return [t.strip().lower() for t in tokens(text) if any(c.isalpha() for c in t)]


def compare(old: tuple[Block, ...], new: tuple[Block, ...], words: Mapping[str, str]) -> list[Row]:
    """The rows of the comparison: the blocks that changed, each section's title over its first change.

    A section whose text is all new (everything under its title inserted) shows its title and a link to it in the
    text above instead of its text again: the page (and its PDF) holds that text already, a few lines up."""
    pairs = align(old, new)
    deleted: dict[str, int] = {}
    for i, j in pairs:
        if j is None and i is not None:
            deleted.setdefault(old[i].text, i)
    moved: dict[int, int] = {}  # new index: old index of a block that only moved
    for i, j in pairs:
        if i is None and j is not None and new[j].text in deleted and deleted[new[j].text] not in moved.values():
            moved[j] = deleted[new[j].text]
    entries: list[tuple[Block, Row]] = []  # every block in reading order, the unchanged ones as "same"
    for i, j in pairs:
        block = new[j] if j is not None else old[i]  # type: ignore[index]
        if i is not None and j is not None:
            if old[i].text == new[j].text:
                entries.append((block, Row(block.kind, "same", html.escape(block.text, quote=False))))
            else:
                entries.append((block, Row(block.kind, "changed", diff_words(old[i].text, new[j].text, words))))
        elif j is not None:
            if j in moved:
                said = html.escape(words["moved"])
                entries.append((block, Row(block.kind, "moved", f'<span class="mdx-diff__moved">{said}</span> {html.escape(block.text, quote=False)}')))
            else:
                entries.append((block, Row(block.kind, "inserted", mark("ins", block.text, words))))
        elif i not in moved.values():
            entries.append((block, Row(block.kind, "deleted", mark("del", block.text, words))))
        elif block.heading:  # a title that moved: shown where it went, and over what was deleted under it here
            entries.append((block, Row(block.kind, "same", html.escape(block.text, quote=False))))
    rows: list[Row] = []
    title: Row | None = None  # the last unchanged title read, not shown yet
    for block, row in _new_sections(entries, words):
        if row.status == "same":
            title = row if block.heading else title
            continue
        if block.heading:
            title = None
        elif title is not None:
            rows.append(Row(title.kind, "context", title.html))
            title = None
        rows.append(row)
    return rows


def _new_sections(entries: list[tuple[Block, Row]], words: Mapping[str, str]) -> list[tuple[Block, Row]]:
    """Each section whose text is new as a whole (its title new, moved, changed or not): its title, then one line
    that links to it in the text above (words["section"]), instead of every block marked inserted."""
    out: list[tuple[Block, Row]] = []
    index = 0
    while index < len(entries):
        block, row = entries[index]
        out.append((block, row))
        index += 1
        if not (block.heading and block.anchor and row.status != "deleted" and "section" in words):
            continue
        end = index
        while end < len(entries) and not (entries[end][0].heading and entries[end][0].level <= block.level):
            end += 1
        span = entries[index:end]
        new_text = [r for _, r in span if r.status != "deleted"]  # the old text under it is shown, deleted
        if new_text and all(r.status == "inserted" for r in new_text):
            link = f'<a href="#{html.escape(block.anchor)}">{html.escape(block.text, quote=False)}</a>'
            out += [(b, r) for b, r in span if r.status == "deleted"]
            out.append((Block("p", ""), Row("p", "section", f"{html.escape(words['section'])} {link}")))
            index = end
    return out


def items(rows: Iterable[Row]) -> list[dict[str, Any]]:
    """The rows as the partial writes them: titles and paragraphs, list items gathered into one list."""
    out: list[dict[str, Any]] = []
    for row in rows:
        kind = "title" if row.kind[0] == "h" and row.kind[1:].isdigit() else "item" if row.kind == "li" else "text"
        if kind == "item":
            if not out or out[-1]["kind"] != "list":
                out.append({"kind": "list", "rows": []})
            out[-1]["rows"].append(row)
        else:
            out.append({"kind": kind, "row": row})
    return out


def changes(old: str, new: str, words: Mapping[str, str], cache: Path | None = None) -> list[dict[str, Any]]:
    """What changed from the old Markdown text to the new one: the items of the partial (diff.html).

    With cache (a folder, .cache/artelabs/diff/), a comparison is kept under the sha256 of both texts, the
    words and this file's source, and taken from there at the next build: the texts of the versions change
    rarely, and comparing them is most of the markers' time. A cache that cannot be written is skipped."""
    key = tuple(sorted(words.items()))
    if cache is None:
        return _changes(old, new, key)
    digest = hashlib.sha256("\0".join([_source(), old, new, json.dumps(key)]).encode()).hexdigest()
    path = cache / f"{digest}.json"
    try:
        return [_item(item) for item in json.loads(path.read_text(encoding="utf-8"))]
    except (OSError, ValueError, TypeError, KeyError):
        pass
    found = _changes(old, new, key)
    try:
        cache.mkdir(parents=True, exist_ok=True)
        temporary = path.with_name(f".{path.name}.{os.getpid()}")
        stored = [{**item, **({"row": asdict(item["row"])} if "row" in item else {}),
                   **({"rows": [asdict(row) for row in item["rows"]]} if "rows" in item else {})} for item in found]
        temporary.write_text(json.dumps(stored), encoding="utf-8")
        temporary.replace(path)
    except (OSError, TypeError):
        pass
    return found


def _item(stored: dict[str, Any]) -> dict[str, Any]:
    """An item as items() makes it, from its JSON in the cache."""
    item = dict(stored)
    if "row" in item:
        item["row"] = Row(**item["row"])
    if "rows" in item:
        item["rows"] = [Row(**row) for row in item["rows"]]
    return item


@functools.cache
def _source() -> str:
    return hashlib.sha256(Path(__file__).read_bytes()).hexdigest()


@functools.lru_cache(maxsize=32)  # the check before a build and the page itself ask for the same comparison
def _changes(old: str, new: str, words: tuple[tuple[str, str], ...]) -> list[dict[str, Any]]:
    return items(compare(blocks(old), blocks(new), dict(words)))
