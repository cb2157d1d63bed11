"""Search that finds what customers type, in their language (hooks/search.py calls it).

- One index per language: /search/ for English, /fr/search/ for French.
  mkdocs-static-i18n writes one index for every language; it is split after every
  language is built, each part with its own lunr language (French stemming), and
  pages of a language other than the default one point Material's `base` at
  their language's root, so that they load their own index.
- Content tab labels are separate words (Material's index glued them together:
  "iPhone/iPad/MacAndroidOutlookThunderbird").
- Synonyms per language (data/synonyms.yml: courriel ↔ e-mail, mdp ↔ mot de passe)
  are added to each indexed section that holds one of them, so that either word
  finds it.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

UNSEARCHED = ("#sources", "#history")
UNINDEXED = "/versions/"  # earlier versions of the legal texts: found by their own links, never searched
# The legal texts (every document of data/legal-versions.yml: terms, privacy, dpa, ...) are long and read
# in full on their pages; the index keeps each section's title and opening words, so that "cookies" or
# "résiliation" finds the section and the first search downloads less.
SUMMARY = 300  # characters of text kept per section of a summarized page


def split_search_index(
    site: Path, languages: list[str], synonyms: dict[str, list[list[str]]] | None = None, summarized: tuple[str, ...] = (),
) -> None:
    """The combined index as one index per language (the default language's at the root), with synonyms;
    sections of pages under `summarized` (the legal documents: "terms/", ...) keep their opening words only."""
    default, others = languages[0], languages[1:]
    path = site / "search" / "search_index.json"
    index = json.loads(path.read_text(encoding="utf-8"))
    for lang in languages:
        if lang == default:
            docs = [doc for doc in index["docs"] if not any(doc["location"].startswith(f"{o}/") for o in others)]
            target = path
        else:
            docs = [
                {**doc, "location": doc["location"][len(lang) + 1 :]}
                for doc in index["docs"]
                if doc["location"].startswith(f"{lang}/")
            ]
            target = site / lang / "search" / "search_index.json"
        # Earlier texts are found by their own links; a page's sources and history are read on the page,
        # not searched: keeping them out keeps the index, which every first search downloads, small.
        docs = [doc for doc in docs if UNINDEXED not in doc["location"] and not doc["location"].endswith(UNSEARCHED)]
        groups = (synonyms or {}).get(lang, [])
        docs = [{**doc, "text": with_synonyms(doc["title"], lean(doc["text"], doc["location"], summarized), groups)} for doc in docs]
        target.parent.mkdir(parents=True, exist_ok=True)
        content = {"config": {**index["config"], "lang": [lang]}, "docs": docs}
        target.write_text(json.dumps(content, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")


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


def with_synonyms(title: str, text: str, groups: list[list[str]]) -> str:
    """The text, with the words of every group one of whose words it (or its title) holds.

    A word counts in the singular or the plural ("cookie" for "cookies"); a phrase as written.
    """
    plain = " ".join(re.findall(r"[\w'-]+", re.sub(r"<[^>]+>", " ", f"{title} {text}").lower()))
    literal = set(plain.split())
    words = {_singular(word) for word in literal}
    added: list[str] = []
    for group in groups:
        if any(_holds(plain, words, term.lower()) for term in group):  # cookie holds cookies
            added += [t for t in group if not _holds(plain, literal, t.lower(), exact=True) and t not in added]
    return f"{text} <span class=\"mdx-synonyms\">{' '.join(added)}</span>" if added else text


def _singular(word: str) -> str:
    return word[:-1] if len(word) > 3 and word[-1] in "sx" else word


def _holds(plain: str, words: set[str], term: str, *, exact: bool = False) -> bool:
    if " " in term:
        return f" {term} " in f" {plain} "
    return (term if exact else _singular(term)) in words
