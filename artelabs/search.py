"""Search that finds what customers type, in their language (hooks/search.py calls it).

- One index per language: /search/ for English, /fr/search/ for French.
  mkdocs-static-i18n writes one index for every language; it is split after every
  language is built, each part with its own lunr language, and pages of a language
  other than the default one point Material's `base` at their language's root, so
  that they load their own index.
- Content tab labels are separate words (Material's index glued them together:
  "iPhone/iPad/MacAndroidOutlookThunderbird").
- Each section gets two fields that the index holds and no page shows (Material indexes
  every field of its configuration, mkdocs.yml `fields:`, and shows only the title and
  the text): `keywords`, weighted between a section's title and its text: the customers'
  words for that section (data/search-keywords.yml, keyed by /page/#anchor) and the other
  words of each synonym group (data/synonyms.yml) one of whose words is in the title or
  the keywords; `more`, weighted as the text: the words of the section's text after its
  opening words (a result shows about 240 characters of it, EXCERPT), each once and only if
  the title, the customers' words and the opening words do not hold it, without the stop words
  the search drops anyway (lunr's lists, read from the built site), and the other words of the
  synonym groups of the text; in a language other than the default one, also the section's
  English title and English customers' words (an English word typed on a French page finds its
  section). Both fields also hold hyphenated words written as one ("subprocessors"). No page
  shows `more`: a bag of words is what the search reads, and a third of what it downloads.
- A section with customers' words is an answer to a task: it weighs twice (ANSWER).
- The index asks Material for a stemmer (`pipeline`); the worker's patch
  (artelabs/postbuild/assets.py) runs one pipeline on the index and on the words typed:
  elided articles and possessives dropped, stop words, accents folded, the language's
  stemmer. Accents, plurals and verb forms therefore need no words in the index.
"""

from __future__ import annotations

import functools
import hashlib
import json
import re
from collections.abc import Callable
from pathlib import Path

from artelabs import datafile
from artelabs.datafile.rules import TITLE_ONLY, UNSEARCHED

UNINDEXED = "/versions/"  # earlier versions of the legal texts: found by their own links, never searched

# The legal texts (every document of data/legal-versions.yml: terms, privacy, dpa, ...) are long and read
# in full on their pages; the index keeps each section's title and opening words, so that "cookies" or
# "résiliation" finds the section and the first search downloads less.
SUMMARY = 300  # characters of text kept per section of a summarized page
# A result shows the section's opening words: the text field holds about this many characters, the rest of the
# section goes into the hidden field `more`, searched with the same weight.
EXCERPT = 240
# Material's search keeps the stemmer in the pipeline (lunr's English one, lunr-languages' French one);
# the worker's patch (artelabs/postbuild/assets.py) stems the words typed as well, and folds accents.
PIPELINE = ["stopWordFilter", "stemmer"]
# A section that data/search-keywords.yml gives customers' words to is the site's answer to a task: it weighs
# twice a section without them, so that the task's question lists it first under its page, where Material
# would otherwise put the page's opening words (a page's top gets a bonus in Material's ranking).
ANSWER = 2
# A verb and its pronoun (« activez-le », « adressez-vous ») or « peut-être » are not written as one word.
PRONOUN = re.compile(r"[-‑](?:le|la|les|lui|leur|moi|toi|nous|vous|en|y|il|elle|on|ils|elles|être|ce|t|je)$")


class SearchError(Exception):
    """A keyword entry that names no searched section: one line."""


def split_search_index(
    site: Path, languages: list[str], synonyms: dict[str, list[list[str]]] | None = None, summarized: tuple[str, ...] = (),
    keywords: dict[str, dict[str, list[str]]] | None = None, where: Callable[[str], str] = lambda key: key,
    cache: Path | None = None,
) -> None:
    """The combined index as one index per language (the default language's at the root), with the hidden fields;
    sections of pages under `summarized` (the legal documents: "terms/", ...) keep their opening words only.
    `keywords`: {"/page/#anchor": {lang: [words]}}; `where(key)`: the file and line of a key, for a refusal.
    `cache`: a folder where each section's entry is remembered while all it is made from is unchanged (None: not
    remembered); the index is the same either way."""
    default, others = languages[0], languages[1:]
    path = site / "search" / "search_index.json"
    index = json.loads(path.read_text(encoding="utf-8"))
    separator = re.compile(index["config"]["separator"])
    english = {doc["location"]: doc["title"] for doc in index["docs"]}  # the default language's titles
    for lang in languages:
        if lang == default:
            docs = [doc for doc in index["docs"] if not any(doc["location"].startswith(f"{o}/") for o in others)]
            target, root = path, site
        else:
            docs = [
                {**doc, "location": doc["location"][len(lang) + 1 :]}
                for doc in index["docs"]
                if doc["location"].startswith(f"{lang}/")
            ]
            target, root = site / lang / "search" / "search_index.json", site / lang
        # Earlier texts are found by their own links; a page's sources and history are read on the page,
        # not searched: keeping them out keeps the index, which every first search downloads, small.
        docs = [doc for doc in docs if UNINDEXED not in doc["location"] and not doc["location"].endswith(UNSEARCHED)]
        docs = [{**doc, "text": "" if doc["location"].endswith(TITLE_ONLY) else lean(doc["text"], doc["location"], summarized)}
                for doc in docs]
        words = section_keywords(docs, root, lang, keywords or {}, where)
        theirs = section_keywords(docs, root, default, keywords or {}, where) if lang != default else {}
        titles = {} if lang == default else {
            doc["location"]: " ".join([english.get(doc["location"], ""), *theirs.get(doc["location"], [])]) for doc in docs
        }
        loan_stop = stop_words(site, default) if titles else frozenset()  # the stop words of the English titles
        fields = Fields(separator, (synonyms or {}).get(lang, []), words, titles, stop_words(site, lang), loan_stop)
        docs = fields.indexed(docs, cache / f"{lang}.json" if cache else None)
        target.parent.mkdir(parents=True, exist_ok=True)
        config = {**index["config"], "lang": [lang], "pipeline": PIPELINE}
        content = {"config": config, "docs": docs}
        target.write_text(json.dumps(content, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")


def excerpt(text: str, size: int = EXCERPT) -> tuple[str, str]:
    """The opening words a result shows (about `size` characters, up to a word; code kept whole), and the rest."""
    shown = 0
    for match in re.finditer(r"<code>.*?</code>|[^\s<]+(?:<(?!code>)[^\s<]*)*", text):
        shown += len(re.sub(r"<[^>]+>", "", match.group())) + 1
        if shown > size and match.end() < len(text):
            return text[: match.end()] + " …", text[match.end() :].strip()
    return text, ""


def lean(text: str, location: str = "", summarized: tuple[str, ...] = ()) -> str:
    """A section's text as the search shows it: plain words (code stays code), no buttons, no drawings.

    Sections of the pages under `summarized` (the legal documents) keep their opening words only, as plain text.
    """
    text = re.sub(r"<(svg|button)\b.*?</\1>", " ", text, flags=re.S)
    text = re.sub(r"<(?!/?code>)[^>]+>", " ", text)  # plain text; code stays code in the results
    text = re.sub(r"\s+", " ", text).strip()
    if summarized and location.startswith(summarized):
        plain = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", text)).strip()
        text = plain if len(plain) <= SUMMARY else plain[: plain.rfind(" ", 0, SUMMARY)] + " …"
    return text


def section_keywords(
    docs: list[dict], root: Path, lang: str, keywords: dict[str, dict[str, list[str]]], where: Callable[[str], str],
) -> dict[str, list[str]]:
    """{location: [keywords]} of one language. A key names a section (/page/#anchor) or a page's first heading
    (/mail/mailbox/#mailbox: the page's opening words); one that names neither stops the build."""
    locations = {doc["location"] for doc in docs}
    words: dict[str, list[str]] = {}
    for key, entry in keywords.items():
        page, _, anchor = key.lstrip("/").partition("#")
        location = f"{page}#{anchor}"
        if location not in locations:
            if page in locations and _first_heading(root / page / "index.html") == anchor:
                location = page
            else:
                raise SearchError(
                    f"{where(key)}: no section of the {lang} search index starts at this anchor (a tab, a table row or "
                    "a page that is not searched?), expected the anchor of a heading"
                )
        words[location] = entry[lang]
    return words


def _first_heading(page: Path) -> str | None:
    try:
        match = re.search(r'<h1 id="([^"]+)"', page.read_text(encoding="utf-8"))
    except OSError:
        return None
    return match.group(1) if match else None


# Where the worker's lunr keeps each language's stop words (Material 9.8.2): the built site's files, read by their
# exact text like the patches of artelabs/postbuild/assets.py.
STOP_WORDS = {
    "en": ("assets/javascripts/workers/search.*.min.js", re.compile(r"generateStopWordFilter\(\[((?:\"[a-z']*\",?)+)\]\)")),
    "fr": ("assets/javascripts/lunr/min/lunr.fr.min.js", re.compile(r'generateStopWordFilter\("([^"]+)"\.split\(" "\)\)')),
}


def stop_words(site: Path, lang: str) -> frozenset[str]:
    """The words lunr's stop word filter of `lang` drops, as the built site's worker or lunr-languages has them:
    the index need not hold them in its hidden fields (the search drops them from the page and from the query)."""
    pattern, list_of = STOP_WORDS[lang]
    files = sorted(site.glob(pattern))
    found = list_of.search(files[0].read_text(encoding="utf-8")) if len(files) == 1 else None
    if found is None:
        raise SearchError(
            f"{pattern}: no stop word list found, expected lunr's generateStopWordFilter(...) as in Material 9.8.2 "
            "(update STOP_WORDS in artelabs/search.py for the new version)"
        )
    return frozenset(re.findall(r"[^\s\",]+", found.group(1)))


def _read_memo(memo: Path | None) -> dict[str, dict]:
    try:
        kept = json.loads(memo.read_text(encoding="utf-8")) if memo else {}
    except (OSError, ValueError):
        return {}
    return kept if isinstance(kept, dict) else {}


def _write_memo(memo: Path, made: dict[str, dict]) -> None:
    """The entries of this build only (the memo does not grow with the edits)."""
    try:
        datafile.write_whole(memo, json.dumps(made, ensure_ascii=False).encode("utf-8"))
    except OSError:
        pass  # a cache that cannot be written: made again at the next build


class Fields:
    """The hidden fields of one language's sections."""

    def __init__(self, separator: re.Pattern[str], groups: list[list[str]], keywords: dict[str, list[str]],
                 titles: dict[str, str] | None = None, stop: frozenset[str] = frozenset(),
                 loan_stop: frozenset[str] = frozenset()) -> None:
        self.separator, self.groups, self.keywords, self.titles = separator, groups, keywords, titles or {}
        self.stop, self.loan_stop = stop, loan_stop
        self.compiled = compile_groups(groups)  # once per language and build, for every section

    def indexed(self, docs: list[dict], memo: Path | None = None) -> list[dict]:
        """Each section's entry; `memo`: a file where the entries of the last build are kept by what they are made
        from (the section, its customers' words and loan words, these fields' settings and this file's code), so
        that a rebuild makes only the entries of the sections that changed."""
        kept = _read_memo(memo)
        settings = json.dumps([self.separator.pattern, self.groups, sorted(self.stop), sorted(self.loan_stop)],
                              ensure_ascii=False).encode() + datafile.source_digest(__file__).encode()
        out, made = [], {}
        for doc in docs:
            location = doc["location"]
            key = hashlib.sha256(settings + json.dumps(
                [doc, self.keywords.get(location), self.titles.get(location)], ensure_ascii=False, sort_keys=True,
            ).encode()).hexdigest()
            entry = kept.get(key)
            if entry is None:
                entry = self.entry(doc)
            made[key] = entry
            out.append(entry)
        if memo is not None and made.keys() != kept.keys():
            _write_memo(memo, made)
        return out

    def entry(self, doc: dict) -> dict:
        """One section's entry, with its hidden fields."""
        title = self.tokens(doc["title"])
        # A word its title already says adds nothing but weight to that word: left out of the customers' words,
        # and so is a keyword all of whose words the title says; each word is said once.
        heading = {_singular(word(w)) for w in title}
        unsaid = heading | self.stop  # what a keyword's word adds nothing to
        keywords = [k for k in self.keywords.get(doc["location"], [])
                    if any(_singular(word(w)) not in unsaid for w in self.tokens(k))]
        text = self.tokens(doc["text"])
        said = [w for w in dict.fromkeys(self.tokens(" ".join(keywords)))
                if _singular(word(w)) not in heading and word(w) not in self.stop]
        have = {*title, *said}
        top = [w for w in self.expand(f"{doc['title']} {' '.join(keywords)}") if w not in have]
        # The section's title and customers' words in the default language: the English words French speakers
        # type (« forward », « out of office »), searched with the text's weight.
        loan = [w for w in dict.fromkeys(self.tokens(self.titles.get(doc["location"], "")))
                if w not in have | {*top} and word(w) not in self.loan_stop]
        have |= {*top, *text}
        more = [w for w in self.expand(doc["text"]) if w not in have]
        more += [w for w in loan if w not in have and w not in more]
        entry = {**doc}
        if self.keywords.get(doc["location"]) and "#" in doc["location"]:  # customers' words for it: an answer
            entry["boost"] = doc.get("boost", 1) * ANSWER
        if said or top:
            entry["keywords"] = " ".join([*said, *top])
        shown, rest = excerpt(doc["text"])
        entry["text"] = shown
        # The rest of the section's text, as the search reads it: each word once, in the form the worker's
        # pipeline starts from (lower case, an elided article dropped), unless the title, the customers' words
        # or the opening words already hold it.
        seen = {*self.stop, *(word(w) for w in (*title, *said, *self.tokens(shown)))}
        more = [w for w in dict.fromkeys(word(w) for w in self.tokens(" ".join([rest, *more]))) if w and w not in seen]
        if more:
            entry["more"] = " ".join(more)
        return entry

    def expand(self, raw: str) -> list[str]:
        """The words a customer may type for this text that it does not hold: the other words of its synonym
        groups, and its hyphenated words written as one (each once)."""
        words = [w.lower() for w in _synonyms(plain(raw), self.compiled)]
        words += [re.sub(r"[-‑]", "", w.lower()) for w in re.findall(r"\w+(?:[-‑]\w+)+", raw)
                  if not PRONOUN.search(w.lower())]
        return [w for w in dict.fromkeys(words) if w]

    def tokens(self, text: str) -> list[str]:
        plain = re.sub(r"<[^>]+>", " ", text).replace("’", "'")
        return [t.lower() for t in self.separator.split(plain) if t and t.strip()]


ELISION = re.compile(r"^(?:[cdjlmnst]|qu|jusqu|lorsqu|puisqu)'(?=.)")


@functools.lru_cache(maxsize=65536)
def word(token: str) -> str:
    """A word as the worker's pipeline starts from it (artelabs/postbuild/assets.py): lower case, quotes trimmed, an
    elided article or a possessive dropped."""
    token = token.lower().replace("’", "'").strip("'")
    return ELISION.sub("", token).removesuffix("'s")


def plain(text: str) -> str:
    """Lower-case words (hyphenated ones whole) without markup, as data/synonyms.yml writes them."""
    return " ".join(re.findall(r"[\w'’-]+", re.sub(r"<[^>]+>", " ", text).lower().replace("’", "'")))


def synonyms_of(plain: str, groups: list[list[str]]) -> list[str]:
    """The words of every group one of whose words the text holds (a word as the group writes it or in the plural,
    "attachment" -> attachments, but not in the singular of a plural the group lists: "contact us" is not the
    "contacts" of an address book; a phrase in the singular or the plural), but not those it holds already."""
    return _synonyms(plain, compile_groups(groups))


def _synonyms(plain: str, compiled: tuple[_Group, ...]) -> list[str]:
    literal = set(plain.split())
    # A single word of a group is held as written or in the plural: it is one of the text's words, or one of them
    # without its final s or x (sets, not a loop over every word of every group: most of the index's time).
    plurals = literal | {w[:-1] for w in literal if w[-1:] in ("s", "x")}
    text = _Text(plain)
    added: list[str] = []
    for group in compiled:
        if not group.words.isdisjoint(plurals) or any(f" {phrase} " in text.singular for phrase in group.phrases):
            added += [t for t, lower in group.terms if not _holds(text, literal, lower) and t not in added]
    return added


class _Group:
    """A synonym group as the matching reads it: its single words (lower case), its phrases in the singular, and
    each term as written with its lower case."""

    def __init__(self, group: list[str]) -> None:
        self.terms = tuple((term, term.lower()) for term in group)
        self.words = frozenset(lower for _, lower in self.terms if " " not in lower)
        self.phrases = tuple(_singulars(lower) for _, lower in self.terms if " " in lower)


def compile_groups(groups: list[list[str]]) -> tuple[_Group, ...]:
    """The groups as synonyms_of reads them (Fields compiles its language's groups once, for every section)."""
    return tuple(_Group(group) for group in groups)


def _singular(word: str) -> str:
    return word[:-1] if len(word) > 3 and word[-1] in "sx" else word


class _Text:
    """A section's plain text between spaces, as written and in the singular: made once for all the groups' phrases
    (each phrase of each group made the whole text singular again: most of the index's time)."""

    def __init__(self, plain: str) -> None:
        self.plain = plain

    @functools.cached_property
    def written(self) -> str:
        return f" {self.plain} "

    @functools.cached_property
    def singular(self) -> str:
        return f" {_singulars(self.plain)} "


def _holds(text: _Text, literal: set[str], term: str) -> bool:
    """Whether the text holds the term exactly as written (a phrase word for word)."""
    return f" {term} " in text.written if " " in term else term in literal


def _singulars(text: str) -> str:
    return " ".join(_singular(word) for word in text.split())
