"""Two texts compared sentence by sentence, then word by word, as HTML: the rules 1 to 4 of artelabs/worddiff.py
(which decides, from these, what is shown of each block, alike in every language, and caches it).

A block's text is a list of tokens, each with the space before it: a word, a sign, or a citation kept whole
("(Art. 19(1)–(2) DPO)", "art. 9 al. 3 LPD", "(Art. 32 CPC; Art. 35 CPC)"); its sentences end with . ! ? or …
`align` pairs the sentences of two versions (in one language, or in all of them together); `row_steps` and
`html` write one block: shared text, `<del>`, `<ins>`, each mark opened by the words a screen reader says.
"""

from __future__ import annotations

import difflib
import functools
import html as escaping
import re
from collections import Counter
from collections.abc import Container, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

SIMILAR = 0.5  # two sentences with at least this share of their words in common are one sentence changed
SHAPES = ((1, 1), (2, 1), (1, 2), (3, 1), (1, 3))  # a pair: one old sentence with up to three new ones, or the reverse

# A citation: "Art. 19(1)–(2) DPO", "Arts. 17, 18 and 21 GDPR", "l'art. 9 al. 3 LPD", "GDPR Art. 12(3)",
# "Art. 15(1)(c) of the Lugano Convention"; several in parentheses, alone there, are one: "(Art. 32 CPC; Art. 35 CPC)".
_S = "[ \u00a0\u202f]"  # a space, a no-break space, a narrow one
_LAW = r"(?:n?[A-Z][A-Za-z]*[A-Z][a-z]?)"  # GDPR, nFADP, OPDo, CO, CPC, LDIP
_NUMBER = r"\d+[a-z]?(?:\((?:\d+|[a-z]{1,4})\))*"
_PART = rf"(?:{_S}(?:al|para|par|let|lit|ch|no|n°)\.?{_S}(?:\d+[a-z]?|[a-z])\b)"
_ONE = rf"{_NUMBER}{_PART}*(?:{_S}?[–-]{_S}?(?:{_NUMBER}|(?:\((?:\d+|[a-z]{{1,4}})\))+){_PART}*)?"
_LIST = rf"{_ONE}(?:(?:,{_S}|{_S}(?:and|et|à|to|or|ou){_S}){_ONE})*"
_CITE = (rf"(?:{_LAW}{_S})?(?:\b[lL]['’])?\b(?:[Aa]rts?\.|[Aa]rticles?){_S}{_LIST}"
         rf"(?:{_S}{_LAW}\b|{_S}(?:of{_S}the|de{_S}la|du){_S}[A-Z]\w+(?:{_S}(?:de{_S})?[A-Z]\w+)?)?")
_CITES = rf"{_CITE}(?:{_S}(?:and|et|or|ou){_S}{_CITE})*"
TOKEN_PATTERN = rf"(?P<gap>{_S}*)(?P<token>\({_CITES}(?:{_S}?[;,]{_S}{_CITES})*\)|{_CITES}|\w+(?:['’-]\w+)*|[^\w \u00a0\u202f])"


@functools.cache
def _token() -> re.Pattern[str]:
    """TOKEN_PATTERN compiled when a comparison is first made (20 ms: a build whose comparisons are all cached,
    .cache/artelabs/diff/, never needs it)."""
    return re.compile(TOKEN_PATTERN)
# Abbreviations whose full stop ends no sentence ("e.g." is two letters, each with its own).
ABBREVIATIONS = frozenset("al approx cf ch ex etc incl let lit min max nos no par para resp vs env p pp ss st mr mrs dr me mme".split())
SENTENCE_END = frozenset(".!?…")

Token = tuple[str, str]  # (the space before it: "", " ", a no-break one; the token)


def spaces(text: str) -> str:
    """Runs of spaces as one: a narrow no-break space or a no-break one when the run has one, else a space."""
    return re.sub(r"\s+", lambda m: "\u202f" if "\u202f" in m[0] else "\u00a0" if "\u00a0" in m[0] else " ", text).strip()


@functools.lru_cache(maxsize=4096)
def tokens(text: str) -> tuple[Token, ...]:
    """(space before, token) of a block's text: words, signs and citations, each whole."""
    return tuple((_gap(m["gap"]), m["token"]) for m in _token().finditer(text))


def _gap(run: str) -> str:
    return "" if not run else "\u202f" if "\u202f" in run else "\u00a0" if "\u00a0" in run else " "


def sentences(found: Sequence[Token], heading: bool = False) -> list[tuple[Token, ...]]:
    """The sentences of a block's tokens: a title is one; a sentence ends with . ! ? or … outside parentheses,
    before a space and a capital, a digit or an opening sign, not after an abbreviation or a single letter."""
    if heading:
        return [tuple(found)] if found else []
    out: list[tuple[Token, ...]] = []
    start, depth = 0, 0
    for index, (_, token) in enumerate(found):
        depth = max(0, depth + (token == "(") - (token == ")"))
        if token not in SENTENCE_END or depth or index + 1 < len(found) and not _starts_sentence(found, index):
            continue
        out.append(tuple(found[start : index + 1]))
        start = index + 1
    if start < len(found):
        out.append(tuple(found[start:]))
    return out


def _starts_sentence(found: Sequence[Token], index: int) -> bool:
    gap, following = found[index + 1]
    if not gap or not (following[0].isupper() or following[0].isdigit() or following[0] in "«“\"'(["):
        return False
    if found[index][1] == "." and index and not found[index][0]:
        word = found[index - 1][1]
        return not (word.lower() in ABBREVIATIONS or (len(word) == 1 and word.isalpha()))
    return True


def keys(sentence: Sequence[Token]) -> tuple[str, ...]:
    """What makes two sentences alike: their words and citations, not signs or bare numbers."""
    return tuple(plain(token).lower() for _, token in sentence if any(c.isalpha() for c in token))


def plain(text: str) -> str:
    """A text with its no-break spaces as spaces: a change of space alone is no change a reader sees."""
    return text.replace("\u00a0", " ").replace("\u202f", " ")


@dataclass(frozen=True)
class Sentence:
    block: int  # index of its block in its version
    tokens: tuple[Token, ...]
    heading: bool = False
    keys: tuple[str, ...] = field(init=False)  # its words (keys())
    text: str = field(init=False)  # as a reader sees it (spaces as spaces)

    def __post_init__(self) -> None:
        object.__setattr__(self, "keys", keys(self.tokens))
        object.__setattr__(self, "text", plain("".join(gap + token for gap, token in self.tokens)).strip())


Step = tuple[tuple[int, ...], tuple[int, ...]]  # old sentences, new sentences (indices); one side empty: deleted or inserted
SHAPES = ((1, 1), (2, 1), (1, 2), (3, 1), (1, 3))


def sentences_of(version: Sequence[Any], indices: Iterable[int]) -> list[Sentence]:
    """The sentences of some blocks of a version (worddiff.Block: text, heading), each knowing its block."""
    return [Sentence(i, s, version[i].heading) for i in indices for s in sentences(tokens(version[i].text), version[i].heading)]


def align(versions: Sequence[tuple[Sequence[Sentence], Sequence[Sentence]]]) -> list[Step]:
    """The steps that turn the old sentences into the new ones, in reading order: pairs (one sentence with one, two
    or three of the other version, in one block on each side) that keep the most shared words, the others
    deleted or inserted (between two pairs, what went first, then what came). versions: the same sentences in
    each language (one to one), decided on the words of all of them together (rule 5); or one language."""
    m, n = len(versions[0][0]), len(versions[0][1])
    shared = [_shared(old, new) for old, new in versions]
    lengths = [([len(s.keys) for s in old], [len(s.keys) for s in new]) for old, new in versions]
    near: dict[int, set[int]] = {}  # a pair's first sentences share words (or are equal) in some language
    for counts in shared:
        for i, found in counts.items():
            near.setdefault(i, set()).update(found)
    memo: dict[tuple[int, int, int, int], int | None] = {}

    def score(i: int, a: int, j: int, b: int) -> int | None:
        if (i, a, j, b) not in memo:
            possible = _may_pair(lengths, shared, range(i, i + a), range(j, j + b))
            memo[i, a, j, b] = _pair_score([(old[i : i + a], new[j : j + b]) for old, new in versions]) if possible else None
        return memo[i, a, j, b]

    best = [[0] * (n + 1) for _ in range(m + 1)]
    choice: list[list[tuple[int, int]]] = [[(0, 0)] * (n + 1) for _ in range(m + 1)]
    for i in range(m, -1, -1):
        close = near.get(i, set())
        for j in range(n, -1, -1):
            if i == m and j == n:
                continue
            found, how = -1, (0, 0)
            if i < m and j < n and j in close:
                for a, b in SHAPES:
                    if i + a <= m and j + b <= n:
                        got = score(i, a, j, b)
                        if got is not None and got + best[i + a][j + b] > found:
                            found, how = got + best[i + a][j + b], (a, b)
            if i < m and best[i + 1][j] > found:
                found, how = best[i + 1][j], (1, 0)
            if j < n and best[i][j + 1] > found:
                found, how = best[i][j + 1], (0, 1)
            best[i][j], choice[i][j] = found, how
    steps: list[Step] = []
    gone: list[int] = []
    came: list[int] = []
    i = j = 0
    while i < m or j < n:
        a, b = choice[i][j]
        if a and b:
            steps += [((k,), ()) for k in gone] + [((), (k,)) for k in came]
            gone, came = [], []
            steps.append((tuple(range(i, i + a)), tuple(range(j, j + b))))
        else:
            (gone if a else came).append(i if a else j)
        i, j = i + a, j + b
    return steps + [((k,), ()) for k in gone] + [((), (k,)) for k in came]


def _shared(old: Sequence[Sentence], new: Sequence[Sentence]) -> dict[int, dict[int, int]]:
    """For each old sentence, the new ones that share words with it (how many, in any order), or its text."""
    index: dict[str, list[tuple[int, int]]] = {}
    for j, sentence in enumerate(new):
        for word, count in Counter(sentence.keys).items():
            index.setdefault(word, []).append((j, count))
        index.setdefault("\0" + sentence.text, []).append((j, 0))
    out: dict[int, dict[int, int]] = {}
    for i, sentence in enumerate(old):
        found = {j: 0 for j, _ in index.get("\0" + sentence.text, ())}
        for word, count in Counter(sentence.keys).items():
            for j, other in index.get(word, ()):
                found[j] = found.get(j, 0) + min(count, other)
        if found:
            out[i] = found
    return out


def _may_pair(lengths: Sequence[tuple[list[int], list[int]]], shared: Sequence[dict[int, dict[int, int]]], olds: range, news: range) -> bool:
    """Whether the words the sentences share, in any order, could reach what _pair_score asks: a quick bound.
    lengths: in each language, how many words each old and each new sentence has; shared: _shared's counts."""
    total = size = 0
    for (old, new), counts in zip(lengths, shared):
        for x in olds:
            size += old[x]
            row = counts.get(x)
            if row:
                total += sum(row.get(y, 0) for y in news)
        size += sum(new[y] for y in news)
    if 2 * total < SIMILAR * size:
        return False
    if len(olds) == len(news) == 1:
        return True
    for x in olds:  # each sentence of a merge shares at least half of its words
        words = sum(old[x] for old, _ in lengths)
        if not 0 < words <= 2 * sum(counts.get(x, {}).get(y, 0) for counts in shared for y in news):
            return False
    for y in news:
        words = sum(new[y] for _, new in lengths)
        if not 0 < words <= 2 * sum(counts.get(x, {}).get(y, 0) for counts in shared for x in olds):
            return False
    return True


def _pair_score(versions: Sequence[tuple[Sequence[Sentence], Sequence[Sentence]]]) -> int | None:
    """How many words the old sentences and the new ones keep, in all the languages, when they may be shown as
    one changed: at least half of their words shared (SIMILAR), and half of each sentence's in a merge; else None."""
    old, new = versions[0]
    if len({s.block for s in old}) > 1 or len({s.block for s in new}) > 1:
        return None
    if any(s.heading for s in (*old, *new)) and not (len(old) == len(new) == 1 and old[0].heading and new[0].heading):
        return None
    kept, size, equal = 0, 0, 0
    each_kept, each_size = [0] * (len(old) + len(new)), [0] * (len(old) + len(new))
    matchers = []
    for old, new in versions:
        a = [key for s in old for key in s.keys]
        b = [key for s in new for key in s.keys]
        equal += len(old) == len(new) == 1 and old[0].text == new[0].text
        matchers.append((old, new, difflib.SequenceMatcher(None, a, b, autojunk=False)))
        size += len(a) + len(b)
        kept += 2 * min(len(a), len(b))
    if equal == len(versions):
        return size // 2 + equal
    if not size or kept < SIMILAR * size or sum(m.quick_ratio() * (len(m.a) + len(m.b)) for _, _, m in matchers) < SIMILAR * size:
        return None
    kept = 0
    for old, new, matcher in matchers:
        marks = [False] * len(matcher.a), [False] * len(matcher.b)
        for x, y, length in matcher.get_matching_blocks():
            marks[0][x : x + length] = [True] * length
            marks[1][y : y + length] = [True] * length
        kept += sum(marks[0]) + sum(marks[1])
        position = 0
        for side, flags in ((old, marks[0]), (new, marks[1])):
            start = 0
            for sentence in side:
                each_kept[position] += sum(flags[start : start + len(sentence.keys)])
                each_size[position] += len(sentence.keys)
                start += len(sentence.keys)
                position += 1
    if kept < SIMILAR * size:
        return None
    if (len(old) > 1 or len(new) > 1) and any(not n or 2 * k < n for k, n in zip(each_kept, each_size)):
        return None  # each sentence of a merge shares at least half of its words
    return kept // 2 + equal


# -----------------------------------------------------------------------------
# Words, and the HTML of a block
# -----------------------------------------------------------------------------


def _weight(part: Sequence[Token]) -> int:
    return sum(1 for _, token in part if any(c.isalnum() for c in token))


def _word_steps(old: Sequence[Token], new: Sequence[Token]) -> list[tuple[str, tuple[Token, ...], tuple[Token, ...]]]:
    """("=", old, new) for a run of shared tokens (spaces before them included), ("~", old, new) for a change."""
    out: list[list[Any]] = []
    compared = [[(bool(gap), plain(token)) for gap, token in part] for part in (old, new)]  # a space is a space
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, *compared, autojunk=False).get_opcodes():
        kind = "=" if tag == "equal" else "~"
        if out and kind == "~" and out[-1][0] == "~":
            out[-1][1] += old[i1:i2]
            out[-1][2] += new[j1:j2]
        else:
            out.append([kind, list(old[i1:i2]), list(new[j1:j2])])
    merged = True
    while merged:  # rule 2: a shared run smaller than the changes on both sides of it is shown changed
        merged = False
        for k in range(1, len(out) - 1):
            if out[k][0] == "=" and out[k - 1][0] == out[k + 1][0] == "~":
                size = _weight(out[k][2])
                if size < min(max(_weight(out[k - 1][1]), _weight(out[k - 1][2])), max(_weight(out[k + 1][1]), _weight(out[k + 1][2]))):
                    out[k - 1 : k + 2] = [["~", out[k - 1][1] + out[k][1] + out[k + 1][1], out[k - 1][2] + out[k][2] + out[k + 1][2]]]
                    merged = True
                    break
    return [(kind, tuple(a), tuple(b)) for kind, a, b in out]


def pieces(steps: Iterable[tuple[str, Sequence[Token], Sequence[Token]]]) -> list[list[str]]:
    """["=" | "-" | "+" | "*", text] in reading order: shared text, deleted, inserted, inserted as moved; every
    token with its space."""
    out: list[list[str]] = []
    for kind, old, new in steps:
        for sign, part in [("=", new)] if kind == "=" else [("-", old), ("*" if kind == "*" else "+", new)]:
            text = "".join(gap + token for gap, token in part)
            if not text:
                continue
            if out and out[-1][0] == sign:
                out[-1][1] += text
            else:
                out.append([sign, text])
    merged: list[list[str]] = []  # marks side by side (two sentences changed): what went, then what came
    run = {"-": "", "+": ""}
    for kind, text in [*out, ["=", ""]]:
        if kind in run:
            run[kind] += text
            continue
        merged += [[sign, run[sign]] for sign in "-+" if run[sign]]
        run = {"-": "", "+": ""}
        if text:
            merged.append([kind, text])
    return merged


def _spaced(parts: list[list[str]]) -> list[list[str]]:
    """Rule 4: a mark's leading space is dropped when its own version has one there already; moved before the
    mark when the other version has a space there too (not a no-break one: a reader would see two) and no mark
    comes just before; else kept in the mark, the only place where one version reads it and the other does not.
    Two marks side by side are kept apart on the screen by a margin (mdx-diff__next), not by a space."""
    if parts and parts[0][0] == "=":
        parts[0][1] = parts[0][1].lstrip(" \u00a0\u202f")
    for k, (kind, text) in enumerate(parts):
        gap = text[:1]
        if kind == "=" or gap not in (" ", "\u00a0", "\u202f"):
            continue
        own, other = ("=-", "=+*") if kind == "-" else ("=+*", "=-")
        before = _edge(parts[:k], own, last=True)
        if before is None or (before.isspace() and (gap == " " or before == gap)):
            parts[k][1] = text[1:]
        elif gap == " " and parts[k - 1][0] == "=" and " " in (_edge(parts[:k], other, last=True), _edge(parts[k + 1 :], other, last=False)):
            parts[k][1] = text[1:]
            parts[k - 1][1] += " "
    return [part for part in parts if part[1]]


def _edge(parts: Sequence[list[str]], kinds: str, last: bool) -> str | None:
    """The last (or first) character one version reads in these parts; None when it reads nothing there."""
    for kind, text in reversed(parts) if last else parts:
        if kind in kinds and text:
            return text[-1] if last else text[0]
    return None


def html(parts: list[list[str]], words: Mapping[str, str]) -> str:
    """The pieces of a block as HTML: shared text, then each deletion and insertion marked (rule 4 for spaces)."""
    out = []
    last = "="
    for kind, text in _spaced(parts):
        if kind == "=":
            out.append(escaping.escape(text, quote=False))
        elif kind == "*":  # a sentence moved here: the words that say so before it, outside the mark
            label = f'<span class="mdx-diff__moved">{escaping.escape(words["moved"])}</span>'
            gap = "" if not out or out[-1].endswith(" ") else " "
            out.append(f"{gap}{label} {mark('ins', text.lstrip(), words)}")
        else:
            out.append(mark("del" if kind == "-" else "ins", text, words, last not in "=*"))
        last = kind
    return "".join(out)


def mark(tag: str, text: str, words: Mapping[str, str], next_to_mark: bool = False) -> str:
    """<ins> or <del> around text, opened by the words a screen reader says; '' for blank text. Right after
    another mark, it is kept apart from it by a margin (class mdx-diff__next)."""
    if not text.strip():
        return ""
    said = words["inserted" if tag == "ins" else "deleted"]
    opened = f'<{tag} class="mdx-diff__next">' if next_to_mark else f"<{tag}>"
    return f'{opened}<span class="mdx-sr">{escaping.escape(said)} </span>{escaping.escape(text.rstrip(), quote=False)}</{tag}>'


def diff_words(old: str, new: str, words: Mapping[str, str]) -> str:
    """The new text with what was inserted since the old one in <ins> and what was deleted in <del>, as HTML:
    sentences aligned first, then words (the rules of the module)."""
    olds, news = ([Sentence(0, s) for s in sentences(tokens(spaces(text)))] for text in (old, new))
    return html(pieces(row_steps(olds, news, align([(olds, news)]))), words)


def row_steps(old: Sequence[Sentence], new: Sequence[Sentence], steps: Iterable[Step],
              moved: Container[str] = ()) -> list[tuple[str, Sequence[Token], Sequence[Token]]]:
    """The steps of one block as word steps: each sentence after a space, shared, changed word by word, or whole;
    a sentence inserted whose text was deleted elsewhere (moved: those texts) is inserted as moved ("*")."""
    out: list[tuple[str, Sequence[Token], Sequence[Token]]] = []
    for gone, came in steps:
        a = [token for k in gone for token in _spaced_first(old[k].tokens)]
        b = [token for k in came for token in _spaced_first(new[k].tokens)]
        if a and b:
            out += _word_steps(a, b)
        else:
            out.append(("*" if len(came) == 1 and new[came[0]].text in moved else "~", a, b))
    return out


def moved_texts(aligned: Iterable[tuple[Sequence[Sentence], Sequence[Sentence], Sequence[Step]]]) -> set[str]:
    """The sentences (of three words or more) deleted in one place and inserted, as they were, in another:
    aligned, each stretch's old sentences, new sentences and steps."""
    aligned = list(aligned)
    gone = {old[k].text for old, _, steps in aligned for removed, added in steps if not added for k in removed if len(old[k].keys) >= 3}
    return {new[k].text for _, new, steps in aligned for removed, added in steps if not removed for k in added if new[k].text in gone}


def _spaced_first(sentence: Sequence[Token]) -> list[Token]:
    """A sentence's tokens with a space before the first (the block's first loses it when written)."""
    return [(" " if k == 0 and not gap else gap, token) for k, (gap, token) in enumerate(sentence)]


