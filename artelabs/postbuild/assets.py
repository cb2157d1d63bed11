"""What the browser downloads first: three changes to Material's JavaScript bundle (Material 9.8.2), each
found by its exact text, and the site's own stylesheets without their comments.

1. Turn off the sitemap-based language redirect. Material fetches `<page>/sitemap.xml` next to every
   <link rel=alternate> (a 404 in the console on this site) and rewrites clicks on the language
   selector, dropping the #anchor. The selector's links already point at the same page in the other
   language, and docs/assets/javascripts/language.js keeps the anchor.
2. Mark a palette switch only when the palette changes. At every page load Material sets
   `data-md-color-switching` on <body> (it turns transitions off during a switch) and removes it a
   frame later, even when the colours stay as they are. Each of the two changes restyles the whole
   page: about 13 ms on a computer, 50 ms on a slow phone, the largest part of the main thread's
   blocking time (`python -m bench --lighthouse`). A real switch (the toggle, or the system's dark
   mode) still sets it.
3. Start the search when the reader opens it. Material fetches the search index at every page load
   and starts its worker, which then imports the lunr stemmers: 44-52 KB gzip of every first visit
   (more than a third of it), for the few readers who search. Patched in two places: the index is
   fetched once the search opens (the search icon, a click or focus in the field, the keyboard
   shortcut `f`, `s` or `/`, a `?q=` deep link), or at load on a page opened from a search result
   (`?h=`, the highlight of the words searched needs the index's settings); the worker (and so its
   stemmers) starts with its first message, the index sent to it once the search opens. What is
   typed before the index is ready is searched when it is (Material's own behaviour).

And three changes to Material's search worker (the same version), by exact text too:

4. Words as customers type them. Material's query adds a trailing wildcard to every word ("serveurs" ->
   serveurs*), and lunr does not stem a word with a wildcard; Material's own English pipeline therefore has
   no stemmer, and a word typed in another form than the page's is not found ("emails" misses "email",
   « supprimer » misses « supprimé »). The patch runs one pipeline on the page's words and on the words
   typed: an elided article or a possessive dropped (« d'absence » -> absence, "colleague's" -> colleague),
   the language's stop words, its stemmer (lunr's English one, lunr-languages' French one, already
   downloaded), then the accents folded (« récupérer » and « recuperer » meet); the stem typed keeps
   Material's wildcard, so a word half typed still finds its words. Stop words typed are left out of the
   query, and a word of one or two letters is looked up whole ("how do i" no longer matches every word that
   starts with i). The index's settings ask for it
   (`pipeline: [stopWordFilter, stemmer]`, artelabs/search.py).
5. The section that answers first. Material gives a page's top (title and opening words) a bonus over its
   sections; here a page's title names every task of the page, so that its top outranked the section
   that answers. The bonus is halved: the page still heads its results, the section shows open under it.
6. The words missing as typed. Under a result, Material lists the words of the query it did not find there
   ("Missing: ..."); with 4. those were stems (« recuper »); they are the words typed.

A Material upgrade that changes the bundle or the worker stops the build with one line.

The comments of docs/assets/stylesheets/ explain the rules to the next maintainer, not to each
visitor: they are left out of the copies in the built site (1.7 KB gzip of every first visit).
"""

from __future__ import annotations

from collections.abc import Iterator
from itertools import accumulate
from pathlib import Path
from typing import Any

import tinycss2

class AssetError(Exception):
    """A bundle that is not the expected one, or a stylesheet comment left open: one line."""

BUNDLE_GLOB = "assets/javascripts/bundle.*.min.js"
# (what Material 9.8.2 writes, what replaces it): the replacement starts with a marker, so a second run
# (mkdocs serve, tools/postbuild.py) finds the bundle done.
PATCHES = {
    "alternate redirect off": ("ui({document$:ct});", ""),
    "palette switch only on change": (
        'if(document.body.setAttribute("data-md-color-switching",""),',
        'if(["scheme","primary","accent"].some(a=>document.body.getAttribute(`data-md-color-${a}`)!==s.color[a])'
        '&&document.body.setAttribute("data-md-color-switching",""),',
    ),
    # Material: `index$ = document.forms.namedItem("search") ? fetchSearchIndex() : NEVER` (bundle.ts); ours
    # waits for the search toggle to open, or fetches at once when the page has ?h= (search.highlight). The
    # toggle is read when the index is first asked for (defer): a ?q= deep link opens it before that.
    "search index when the search opens": (
        'zi=document.forms.namedItem("search")?ks():tt',
        'zi=document.forms.namedItem("search")'
        '?H(()=>L(Je("search"),$(!!we().searchParams.get("h")))).pipe(Re(o=>o),b(ks),Z(1)):tt',
    ),
    # Material: setupSearchWorker() makes `new Worker(url)` at once and sends it the index at load
    # (`merge(of(location.protocol !== "file:"), watchToggle("search"))`); ours hands watchWorker() an
    # object that makes the worker at the first postMessage (the index, once the search opens) and
    # forwards the "message" listeners rxjs adds before that.
    "search worker when the search opens": (
        'let r=Mn(e);return L($(location.protocol!=="file:"),Je("search"))',
        'let r=Mn(e,((w,q=[])=>({postMessage:d=>(w=w||q.reduce((k,f)=>(k.addEventListener("message",f),k),'
        'new Worker(e))).postMessage(d),addEventListener:(_,f)=>w?w.addEventListener(_,f):q.push(f),'
        'removeEventListener:(_,f)=>w?w.removeEventListener(_,f):q.splice(q.indexOf(f)>>>0,1)}))());'
        'return L(Je("search"))',
    ),
}


WORKER_GLOB = "assets/javascripts/workers/search.*.min.js"
# The one pipeline of the page's words and of the words typed (4. above), set up in Material's `Search`
# constructor, inside lunr's builder (`this`), once Material has kept the functions the index asks for:
# an elided article, a possessive and quotes dropped first (an empty word is left out), the accents folded last.
_PIPELINE = (
    r"""((b,w=s=>s.toLowerCase().replace(/’/g,"'").replace(/^'+|'+$/g,"")"""
    r""".replace(/^(?:[cdjlmnst]|qu|jusqu|lorsqu|puisqu)'(?=.)/,"").replace(/'s$/,""),"""
    r"""f=s=>s.normalize("NFD").replace(/[\u0300-\u036f]/g,"").replace(/œ/g,"oe").replace(/æ/g,"ae"))=>{"""
    r"""let s=b.pipeline._stack,i=s.findIndex(p=>/^stemmer/.test(p.label)),p=s[i],e=self.mdxExact=[];"""
    r"""s.splice(i<0?s.length:i,i<0?0:1,t=>t.update(f),...i<0?[]:[t=>(i=e.indexOf(t.toString()))<0?p(t):(e.splice(i,1),t)]);"""
    r"""s.unshift(t=>(t.update(w),t.toString()?t:void 0));"""
    r"""b.searchPipeline._stack=[...b.pipeline._stack];self.mdxSearch=b.searchPipeline;"""
    r"""self.mdxTyped={};self.mdxWords=t=>Object.fromEntries(Object.entries(t).map(([k,v])=>[v?k:self.mdxTyped[k]||k,v]))"""
    r"""})(this),"""
)
EXACT = 4  # a stem typed weighs this much more where the page has it whole than where a longer word starts with it
WILD = 3  # the shortest stem that also finds the words it starts: shorter ones are looked up whole
WORKER_PATCHES = {
    # Material: `this.ref("location")`, after the pipeline functions the configuration does not ask for are removed.
    "one pipeline for the page and the query": ('this.ref("location");', _PIPELINE + 'this.ref("location");'),
    # Material's query: `${term}*` for every word (transform, query/transform/index.ts); ours: each word (a
    # hyphenated one in its parts, as the index has it: Material hands « gardez-vous » over whole) through that
    # pipeline, then the stem whole (weighing EXACT) and with the wildcard; a stop word typed is left out, and a
    # stem of one or two letters is looked up whole only, not as the start of every word (« a* », « ou* »).
    # lunr runs the pipeline again on a whole word of the query: the stems this patch hands it are listed in
    # `self.mdxExact` and not stemmed twice (« donnees » -> donne -> don would find « donner »).
    "the words typed through that pipeline": (
        ".map(r=>/(^[+-]|[~^]\\d+$)/.test(r)?r:`${r}*`)",
        ".flatMap((r,n)=>/(^[+-]|[~^]\\d+$)/.test(r)?[r]:self.mdxSearch?(n||(self.mdxExact.splice(0),self.mdxTyped={}),r.split(lunr.tokenizer.separator)"
        ".flatMap(w=>w?self.mdxSearch.runString(w).filter(Boolean).flatMap(x=>(self.mdxExact.push(x),self.mdxTyped[x]=w,"
        "x.length>=WILD?[`${x}^EXACT`,`${x}*`]:[x])):[]))"
        ":[`${r}*`])".replace("WILD", str(WILD)).replace("EXACT", str(EXACT)),
    ),
    # Material: a page's top (its title and opening words) scores `(1 + (1 + share of words found) ** 2)` times,
    # a section `(1 + share ** 2)` times (search/_/index.ts). Each page here is a guide to several tasks, one per
    # section, and its title names them all: the top outranked the section that answers ("out of office" put
    # "Restore, forwarding, out of office, aliases and sharing" first, its sections folded under it). Ours: half
    # that bonus; the page still heads its results, with the answering section open under it.
    "a page's top weighs half Material's bonus": ("let g=+!c.parent+", "let g=.5*!c.parent+"),
    # Material lists under a result the words it did not find there ("Missing: ..."), as the terms of the query: here
    # those are stems (« recuperer » showed « recuper »). The words typed are kept beside their stems in
    # `self.mdxTyped` (the patch above), and a word not found is shown as typed; a word found keeps its stem, which
    # the highlight of the page opened from the result (?h=) looks for as the start of a word.
    "the words missing as typed": ("let f=he(r,Object.keys(u.metadata));", "let f=self.mdxWords(he(r,Object.keys(u.metadata)));"),
}


def patch_bundle(site: Path) -> None:
    """Material's bundle and its search worker, each patched once (a second run finds them done)."""
    _patch(site, BUNDLE_GLOB, PATCHES, "bundle")
    _patch(site, WORKER_GLOB, WORKER_PATCHES, "search worker")


def _patch(site: Path, pattern: str, patches: dict[str, tuple[str, str]], what: str) -> None:
    files = list(site.glob(pattern))
    if len(files) != 1:
        raise AssetError(f"{pattern}: found {len(files)} files, expected Material's one {what}")
    text = files[0].read_text(encoding="utf-8")
    for name, (material, ours) in patches.items():
        done = f"/*mdx: {name}*/"
        if done in text:
            continue
        if text.count(material) != 1:
            raise AssetError(
                f"{files[0].name}: '{material}' found {text.count(material)} times, expected once in Material "
                f"9.8.2's {what} (update the patches in artelabs/postbuild/assets.py for the new Material version: {name})"
            )
        text = text.replace(material, done + ours, 1)
    files[0].write_text(text, encoding="utf-8")


def strip_comments(site: Path, stylesheets: list[str]) -> None:
    """extra_css as built, without comments and blank lines (read by a CSS tokenizer: a `/*` inside a
    string or url() stays); a comment left open, which would hide the rest of the file, stops the build."""
    for name in stylesheets:
        path = site / name
        text = path.read_text(encoding="utf-8")
        line_starts = [0, *accumulate(len(line) for line in text.splitlines(keepends=True))]
        for comment in _comments(tinycss2.parse_component_value_list(text)):
            start = line_starts[comment.source_line - 1] + comment.source_column - 1
            end = start + 2 + len(comment.value)
            if text[end : end + 2] != "*/":
                raise AssetError(f"docs/{name}:{comment.source_line}: a comment is not closed, expected /* ... */")
        kept = tinycss2.serialize(tinycss2.parse_component_value_list(text, skip_comments=True))
        path.write_text("\n".join(line.rstrip() for line in kept.splitlines() if line.strip()) + "\n", encoding="utf-8")


def _comments(nodes: list[Any]) -> Iterator[Any]:
    for node in nodes:
        if node.type == "comment":
            yield node
        for inner in (getattr(node, "content", None), getattr(node, "arguments", None)):
            yield from _comments(inner or [])
