"""Joining serializations of parts of one graph into one document, per
rdflib format (``fragments.py``: a catalog page from its datasets' stored
fragments). Each join gives a document that parses to the union of the
parts' graphs, or None where it cannot be exact."""
from __future__ import annotations

import json
import re
from typing import Callable, Optional


_PREFIX = re.compile(r"@prefix ([^:\s]*): <([^>]*)> \.\n")


def _split_turtle(text: str) -> tuple[dict[str, str], list[str], str]:
    """(prefix -> namespace, the prefix lines, the statements) of rdflib's
    Turtle, whose ``@prefix`` lines come first."""
    prefixes, lines, at = {}, [], 0
    while True:
        match = _PREFIX.match(text, at)
        if not match:
            break
        prefixes[match.group(1)] = match.group(2)
        lines.append(match.group(0))
        at = match.end()
    return prefixes, lines, text[at:].strip("\n")


def join_turtle(parts: list[str], strict: bool = False) -> Optional[str]:
    """One Turtle document with every part's statements (``strict``: None
    when two parts bind a prefix two ways, instead of each part keeping its
    own ``@prefix`` lines: a fragment is always one prefix block, so a page
    may hoist its prefixes)."""
    split = [_split_turtle(part) for part in parts]
    merged: dict[str, str] = {}
    consistent = True
    for prefixes, _lines, _body in split:
        for prefix, namespace in prefixes.items():
            if merged.setdefault(prefix, namespace) != namespace:
                consistent = False
    if consistent:
        head = "".join(f"@prefix {p}: <{merged[p]}> .\n" for p in sorted(merged))
        return head + "\n" + "\n\n".join(body for _p, _l, body in split if body) + "\n"
    if strict:
        return None
    # a prefix bound two ways: every part declares its own before its statements
    return "\n".join("".join(lines) + "\n" + body + "\n" for _p, lines, body in split)


def join_json_ld(parts: list[str]) -> Optional[str]:
    """One expanded JSON-LD document: the parts' node lists joined (None for
    a part that is not a list of nodes, e.g. compacted with a context)."""
    nodes: list = []
    for part in parts:
        value = json.loads(part)
        if not isinstance(value, list):
            return None
        nodes.extend(value)
    return json.dumps(nodes, indent=2, ensure_ascii=False)


_RDF_ROOT = re.compile(r"<rdf:RDF\b([^>]*)>")
_XMLNS = re.compile(r'\s+xmlns(?::([\w.-]*))?="([^"]*)"')


def join_rdf_xml(parts: list[str]) -> Optional[str]:
    """One RDF/XML document; None when two parts bind a prefix two ways or a
    part is not rdflib's ``<rdf:RDF ...>...</rdf:RDF>``."""
    merged: dict[str, str] = {}
    bodies = []
    for part in parts:
        root = _RDF_ROOT.search(part)
        end = part.rfind("</rdf:RDF>")
        if root is None or end < root.end():
            return None
        attributes = root.group(1)
        if _XMLNS.sub("", attributes).strip():
            return None   # an attribute other than a namespace (xml:base, ...)
        for prefix, namespace in _XMLNS.findall(attributes):
            if merged.setdefault(prefix, namespace) != namespace:
                return None
        bodies.append(part[root.end():end].strip("\n"))
    declarations = "".join(
        f'\n   xmlns{":" + p if p else ""}="{merged[p]}"' for p in sorted(merged))
    return ('<?xml version="1.0" encoding="utf-8"?>\n<rdf:RDF' + declarations + "\n>\n"
            + "\n".join(body for body in bodies if body) + "\n</rdf:RDF>\n")


#: rdflib format -> join (None from a join: make the page whole)
JOINS: dict[str, Callable[[list[str]], Optional[str]]] = {
    "turtle": join_turtle, "json-ld": join_json_ld, "pretty-xml": join_rdf_xml}
