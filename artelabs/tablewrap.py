"""The pages' Markdown tables, written ready to display: a Python-Markdown extension.

Material for MkDocs styles a table without a class, and wraps it with JavaScript as the page starts,
in `<div class="md-typeset__scrollwrap"><div class="md-typeset__table">` (the wrapper scrolls sideways
when the table is wider than the page). Moving the tables makes the browser lay the whole page out
again while it starts: on a page of tables (/fr/mail/errors/, the staff link sheet) that was most of
the time a phone could not answer a tap (Lighthouse's total blocking time).

So each table of a page's Markdown gets that wrapper in the HTML, and the class `mdx-table`, whose
look (Material's, written in docs/assets/stylesheets/extra.css) the port and staff tables share; a
table with a class is one Material's script leaves where it is. Any builder that runs Python-Markdown
uses it: hooks/theme.py adds it for MkDocs, tools/zensical-check lists it for Zensical.
"""

from __future__ import annotations

import xml.etree.ElementTree as etree
from typing import Any

from markdown import Markdown
from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor

CLASS = "mdx-table"
WRAPPERS = ("md-typeset__scrollwrap", "md-typeset__table")  # Material's, outer first


class TableWrapExtension(Extension):
    def extendMarkdown(self, md: Markdown) -> None:  # noqa: N802 (Python-Markdown's name)
        md.registerExtension(self)
        md.treeprocessors.register(_Wrap(md), "artelabs_tablewrap", 1)  # after inline (20) and toc (5)


class _Wrap(Treeprocessor):
    def run(self, root: etree.Element) -> None:
        found = [
            (parent, index, child)
            for parent in root.iter()
            for index, child in enumerate(parent)
            if child.tag == "table" and "class" not in child.attrib
        ]
        for parent, index, table in found:
            outer = etree.Element("div", {"class": WRAPPERS[0]})
            inner = etree.SubElement(outer, "div", {"class": WRAPPERS[1]})
            outer.tail, table.tail = table.tail, None
            parent[index] = outer
            table.set("class", CLASS)
            inner.append(table)


def makeExtension(**kwargs: Any) -> TableWrapExtension:  # noqa: N802 (Python-Markdown's entry point)
    return TableWrapExtension(**kwargs)
