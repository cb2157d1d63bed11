"""What changed between two versions of a text, sentence by sentence and word by word, as HTML (difflib).

Each version's Markdown becomes a list of blocks (headings, paragraphs, list items, table rows) as plain text;
each block a list of sentences; each sentence a list of tokens: a word, a sign, or a citation kept whole
("(Art. 19(1)–(2) DPO)", "art. 9 al. 3 LPD"). The rules of the comparison:

1. Blocks equal in every language are unchanged. Between them, the sentences of the old and the new blocks are
   aligned (the alignment that keeps most words): an equal sentence is unchanged, never deleted and inserted
   (also when two paragraphs were merged or one was split); a sentence is compared word by word with one, two or
   three sentences of the other version only when they share at least half of their words (SIMILAR), each of
   them; otherwise it is shown deleted or inserted whole.
2. Within sentences compared word by word, a short run of shared words between two changes larger than it is
   shown changed too (a lone "in" matched between unrelated clauses tells nothing).
3. A citation is one token: changed, it is shown deleted and inserted whole, never split by a change.
4. Spaces: a reader who drops the deletions reads the new text, spaced as written, and one who drops the
   insertions reads the old text ("in advance, and you", never "in advance , and you"); a space that only one
   version has stays inside its mark. No-break spaces (French « ; ») are kept.
5. English and French are compared alike: what is shown as one block changed, inserted, deleted, moved or as
   a new section is decided on all the languages together (`others`) when their blocks correspond one to one,
   and so are the pairs of sentences when their sentences correspond too (on the words of all of them); only
   the words within a sentence are each language's own.

Rules 1 to 4, sentences and words: artelabs/wordalign.py. Here: the blocks, what is shown of each, the cache.

A block whose sentences were paired with those of other blocks is shown once, changed, where the new text has
it; an old block no new one took anything from is deleted, a new block with nothing old inserted; a block that
only moved is shown whole, as moved. `changes(old, new, words)` gives the items of the comparison
(overrides/partials/diff.html renders them): only the blocks that changed, each under its section's title;
inserted words in `<ins>`, deleted ones in `<del>`, each opened by words a screen reader says ("inserted:",
"deleted:", visually hidden) and shown underlined and struck through, not by colour alone; a section whose text
is all new is its title and a link to it (the version's page holds its text already). Needs no builder:
Markdown is read with Python-Markdown.
"""

from __future__ import annotations

import difflib
import functools
import hashlib
import html
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from artelabs import datafile
from artelabs.wordalign import SIMILAR, Step, align, diff_words, mark, moved_texts, row_steps, sentences_of, spaces, tokens  # noqa: F401 (the module's API)
from artelabs.wordalign import html as marked
from artelabs.wordalign import pieces as word_pieces

BLOCKS = ("h1", "h2", "h3", "h4", "h5", "h6", "p", "li", "tr", "pre", "dt", "dd", "summary")
# What Python-Markdown reads the legal texts with (the site's own markers are taken out before).
EXTENSIONS = ("abbr", "admonition", "attr_list", "def_list", "md_in_html", "tables")

@dataclass(frozen=True)
class Block:
    kind: str  # h1…h6, p, li, tr, pre, dt, dd, summary
    text: str  # plain text, spaces collapsed (no-break spaces kept)
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
        text = spaces(text)
        if text:
            out.append(Block(element.name, text, element.get("id", "")))
    return tuple(out)


@functools.cache
def _markdown() -> Any:
    import markdown

    return markdown.Markdown(extensions=list(EXTENSIONS))


# -----------------------------------------------------------------------------
# Blocks: what is shown, decided on every language together
# -----------------------------------------------------------------------------


@dataclass
class _Group:
    """Old blocks and new blocks shown together: each new block that took sentences from old ones (linked) is
    one changed row, its old sentences deleted or compared in it."""

    old: range
    new: range
    linked: set[int]


def _plan(versions: Sequence[tuple[Sequence[Block], Sequence[Block]]]) -> tuple[list[tuple[Any, ...]], list[list[Any]]]:
    """What happens to each block, the same in every language: ("same", i, j), ("group", _Group), ("deleted", i),
    ("inserted", j), ("moved", i, j), ("gone", i) (an old block shown as moved where it went); and, per language,
    the sentences and their steps for the groups."""
    old_keys = [tuple(version[0][i].text for version in versions) for i in range(len(versions[0][0]))]
    new_keys = [tuple(version[1][j].text for version in versions) for j in range(len(versions[0][1]))]
    events: list[tuple[Any, ...]] = []
    details: list[list[Any]] = [[] for _ in versions]
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, old_keys, new_keys, autojunk=False).get_opcodes():
        if tag == "equal":
            events += [("same", i, j) for i, j in zip(range(i1, i2), range(j1, j2))]
            continue
        links: set[tuple[int, int]] = set()
        found = [(sentences_of(old, range(i1, i2)), sentences_of(new, range(j1, j2))) for old, new in versions]
        alike = len({(tuple(s.block for s in olds), tuple(s.block for s in news)) for olds, news in found}) == 1
        steps = align(found) if alike else None  # the sentences correspond one to one: decided together
        for number, (olds, news) in enumerate(found):
            mine = steps if steps is not None else align([(olds, news)])
            details[number].append((range(j1, j2), olds, news, mine))
            links |= {(olds[gone[0]].block, news[came[0]].block) for gone, came in mine if gone and came}
        events += _stretch(range(i1, i2), range(j1, j2), _groups(links))
    deleted: dict[tuple[str, ...], int] = {}
    for event in events:
        if event[0] == "deleted":
            deleted.setdefault(old_keys[event[1]], event[1])
    moved: dict[int, int] = {}  # new index: old index of a block that only moved (in every language)
    for event in events:
        if event[0] == "inserted" and new_keys[event[1]] in deleted and deleted[new_keys[event[1]]] not in moved.values():
            moved[event[1]] = deleted[new_keys[event[1]]]
    gone = set(moved.values())
    events = [("moved", moved[e[1]], e[1]) if e[0] == "inserted" and e[1] in moved else ("gone", e[1]) if e[0] == "deleted" and e[1] in gone else e for e in events]
    return events, details


def _groups(links: set[tuple[int, int]]) -> list[_Group]:
    """The links (old block, new block) as groups: linked blocks together, and groups that cross or overlap as one."""
    spans = [[i, i, j, j, {j}] for i, j in sorted(links)]
    merged = True
    while merged:
        merged = False
        spans.sort(key=lambda s: (s[0], s[2]))
        for k in range(len(spans) - 1):
            a, b = spans[k], spans[k + 1]
            if b[0] <= a[1] or b[2] <= a[3]:  # overlap or cross in the old or the new text
                spans[k : k + 2] = [[min(a[0], b[0]), max(a[1], b[1]), min(a[2], b[2]), max(a[3], b[3]), a[4] | b[4]]]
                merged = True
                break
    return [_Group(range(s[0], s[1] + 1), range(s[2], s[3] + 1), s[4]) for s in spans]


def _stretch(olds: range, news: range, groups: list[_Group]) -> list[tuple[Any, ...]]:
    """The events of a changed stretch in reading order: before each group, the old blocks deleted, then the new
    ones inserted."""
    out: list[tuple[Any, ...]] = []
    i, j = olds.start, news.start
    for group in groups:
        out += [("deleted", k) for k in range(i, group.old.start)] + [("inserted", k) for k in range(j, group.new.start)]
        out.append(("group", group))
        i, j = group.old.stop, group.new.stop
    return out + [("deleted", k) for k in range(i, olds.stop)] + [("inserted", k) for k in range(j, news.stop)]


def _group_rows(group: _Group, new: Sequence[Block], details: list[Any], words: Mapping[str, str], moved: set[str]) -> list[tuple[Block, Row]]:
    """The rows of a group in one language: each linked new block with its steps, the others inserted whole; a
    sentence that moved (its text in moved) inserted as moved."""
    olds, news, steps = next(d[1:] for d in details if group.new.start in d[0])
    mine = [(gone, came) for gone, came in steps if (gone and olds[gone[0]].block in group.old) or (came and news[came[0]].block in group.new)]
    paired = [n for n, (gone, came) in enumerate(mine) if gone and came]
    rows: dict[int, list[Step]] = {j: [] for j in group.linked}
    for n, (gone, came) in enumerate(mine):
        if came and news[came[0]].block in rows:
            rows[news[came[0]].block].append((gone, came))
        elif gone and not came:  # with the block of the pair before it, else after it, else the first linked one
            near = [p for p in paired if p < n][-1:] or [p for p in paired if p > n][:1]
            rows[news[mine[near[0]][1][0]].block if near else min(group.linked)].append((gone, came))
    out = []
    for j in group.new:
        if j not in rows:
            out.append((new[j], Row(new[j].kind, "inserted", mark("ins", new[j].text, words))))
            continue
        parts = word_pieces(row_steps(olds, news, rows[j], moved))
        status = "changed" if any(kind != "=" for kind, _ in parts) else "same"
        out.append((new[j], Row(new[j].kind, status, marked(parts, words) if status == "changed" else html.escape(new[j].text, quote=False))))
    return out


def compare(old: tuple[Block, ...], new: tuple[Block, ...], words: Mapping[str, str],
            others: Sequence[tuple[tuple[Block, ...], tuple[Block, ...]]] = ()) -> list[Row]:
    """The rows of the comparison: the blocks that changed, each section's title over its first change.

    others: the same two versions in the other languages; when their blocks correspond one to one with these, what
    is shown as changed, inserted, deleted, moved or new is decided on all of them together (rule 5).
    A section whose text is all new (everything under its title inserted) shows its title and a link to it in the
    text above instead of its text again: the page (and its PDF) holds that text already, a few lines up."""
    return _rows(_decided(tuple((tuple(o), tuple(n)) for o, n in ((old, new), *others))), words)


def _decided(versions: tuple[tuple[tuple[Block, ...], tuple[Block, ...]], ...]) -> tuple[list[tuple[Any, ...]], list[Any], tuple[Block, ...], tuple[Block, ...]]:
    """The plan for the first of the versions, decided with the others that correspond to it block by block."""
    shape = [tuple(b.kind for b in version[0]) + ("|",) + tuple(b.kind for b in version[1]) for version in versions]
    together = tuple(sorted((v for v, s in zip(versions, shape) if s == shape[0]), key=_texts))  # one order in every language
    events, details = _plan_cached(together)
    return events, details[together.index(versions[0])], versions[0][0], versions[0][1]


def _texts(version: tuple[tuple[Block, ...], tuple[Block, ...]]) -> tuple[list[str], list[str]]:
    return [b.text for b in version[0]], [b.text for b in version[1]]


@functools.lru_cache(maxsize=16)  # the page in each language asks for the same plan
def _plan_cached(versions: tuple[tuple[tuple[Block, ...], tuple[Block, ...]], ...]) -> tuple[list[tuple[Any, ...]], list[list[Any]]]:
    return _plan(versions)


def _rows(decided: tuple[list[tuple[Any, ...]], list[Any], tuple[Block, ...], tuple[Block, ...]], words: Mapping[str, str]) -> list[Row]:
    events, details, old, new = decided
    moved = moved_texts(d[1:] for d in details)
    entries: list[tuple[Block, Row]] = []  # every block in reading order, the unchanged ones as "same"
    for event in events:
        kind = event[0]
        if kind == "same":
            entries.append((new[event[2]], Row(new[event[2]].kind, "same", html.escape(new[event[2]].text, quote=False))))
        elif kind == "group":
            entries += _group_rows(event[1], new, details, words, moved)
        elif kind == "inserted":
            entries.append((new[event[1]], Row(new[event[1]].kind, "inserted", mark("ins", new[event[1]].text, words))))
        elif kind == "deleted":
            entries.append((old[event[1]], Row(old[event[1]].kind, "deleted", mark("del", old[event[1]].text, words))))
        elif kind == "moved":
            block = new[event[2]]
            said = html.escape(words["moved"])
            entries.append((block, Row(block.kind, "moved", f'<span class="mdx-diff__moved">{said}</span> {html.escape(block.text, quote=False)}')))
        elif old[event[1]].heading:  # a title that moved: shown where it went, and over what was deleted under it here
            entries.append((old[event[1]], Row(old[event[1]].kind, "same", html.escape(old[event[1]].text, quote=False))))
    rows: list[Row] = []
    title: Row | None = None  # the last unchanged title read, not shown yet
    for block, row in _new_sections(entries, words):
        if row.status == "same":
            title = row if block.heading else title
            continue
        if block.heading:  # a new title under an unchanged one of a higher level: that one over it
            if title is not None and int(title.kind[1:]) < block.level:
                rows.append(Row(title.kind, "context", title.html))
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


def changes(old: str, new: str, words: Mapping[str, str], cache: Path | None = None,
            others: Sequence[tuple[str, str]] = ()) -> list[dict[str, Any]]:
    """What changed from the old Markdown text to the new one: the items of the partial (diff.html).

    others: the same two versions in the other languages (old, new), compared alike (rule 5).
    With cache (a folder, .cache/artelabs/diff/), a comparison is kept under the sha256 of all the texts, the
    words and this file's source, and taken from there at the next build: the texts of the versions change
    rarely, and comparing them is most of the markers' time. A cache that cannot be written is skipped."""
    key = tuple(sorted(words.items()))
    others = tuple(tuple(pair) for pair in others)  # type: ignore[misc]
    if cache is None:
        return _changes(old, new, key, others)  # type: ignore[arg-type]
    digest = hashlib.sha256("\0".join([_source(), old, new, json.dumps(key), json.dumps(others)]).encode()).hexdigest()
    path = cache / f"{digest}.json"
    try:
        return [_item(item) for item in json.loads(path.read_text(encoding="utf-8"))]
    except (OSError, ValueError, TypeError, KeyError):
        pass
    found = _changes(old, new, key, others)  # type: ignore[arg-type]
    try:
        stored = [{**item, **({"row": asdict(item["row"])} if "row" in item else {}),
                   **({"rows": [asdict(row) for row in item["rows"]]} if "rows" in item else {})} for item in found]
        datafile.write_whole(path, json.dumps(stored).encode("utf-8"))
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
    """The comparison's code: this module and artelabs/wordalign.py."""
    from artelabs import wordalign

    return datafile.source_digest(__file__, wordalign.__file__)


@functools.lru_cache(maxsize=32)  # the check before a build and the page itself ask for the same comparison
def _changes(old: str, new: str, words: tuple[tuple[str, str], ...], others: tuple[tuple[str, str], ...]) -> list[dict[str, Any]]:
    found = compare(blocks(old), blocks(new), dict(words), [(blocks(o), blocks(n)) for o, n in others])
    return items(found)
