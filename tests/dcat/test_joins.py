"""Joining serializations (``dcat/joins.py``): rdflib only, no CKAN. The
joined document parses to the union of the parts' graphs; where a format
cannot join two parts (a prefix bound two ways in RDF/XML, a JSON-LD part
with a context), the join says so and the page is made whole."""
from __future__ import annotations

import rdflib
from rdflib.compare import isomorphic

from ckanext.opdc_kpi.dcat import joins as fragments

A = rdflib.Namespace("http://example.org/a#")
B = rdflib.Namespace("http://example.org/b#")


def _part(prefix_for_a: str, subject: str, extra_ns=None) -> rdflib.Graph:
    g = rdflib.Graph()
    g.bind(prefix_for_a, A)
    if extra_ns:
        g.bind(*extra_ns)
    s = rdflib.URIRef(f"http://example.org/{subject}")
    g.add((s, A.title, rdflib.Literal("ชื่อ ไทย", lang="th")))
    node = rdflib.BNode()
    g.add((s, A.contact, node))
    g.add((node, A.name, rdflib.Literal(subject)))
    if extra_ns:
        g.add((s, B.other, rdflib.Literal("x")))
    return g


def _union(*graphs) -> rdflib.Graph:
    out = rdflib.Graph()
    for g in graphs:
        for t in g:
            out.add(t)
    return out


def _check(fmt: str, parse_as: str, graphs) -> str:
    joined = fragments.JOINS[fmt]([g.serialize(format=fmt) for g in graphs])
    assert joined is not None
    assert isomorphic(rdflib.Graph().parse(data=joined, format=parse_as), _union(*graphs))
    return joined


def test_turtle_parts_share_their_prefixes_at_the_top():
    joined = _check("turtle", "turtle", [_part("a", "one"), _part("a", "two", ("b", B))])
    assert joined.count("@prefix a:") == 1


def test_turtle_parts_binding_a_prefix_two_ways_keep_their_own():
    graphs = [_part("x", "one"), _part("y", "two", ("x", B))]
    joined = _check("turtle", "turtle", graphs)
    assert joined.count("@prefix x:") == 2


def test_json_ld_node_lists_are_joined():
    _check("json-ld", "json-ld", [_part("a", "one"), _part("a", "two", ("b", B))])


def test_a_json_ld_part_with_a_context_is_not_joined():
    compacted = _part("a", "one").serialize(format="json-ld", context={"a": str(A)})
    assert fragments.join_json_ld([compacted]) is None


def test_rdf_xml_parts_join_under_one_root():
    joined = _check("pretty-xml", "xml", [_part("a", "one"), _part("a", "two", ("b", B))])
    assert joined.count("<rdf:RDF") == 1


def test_rdf_xml_parts_binding_a_prefix_two_ways_are_not_joined():
    parts = [_part("x", "one").serialize(format="pretty-xml"),
             _part("y", "two", ("x", B)).serialize(format="pretty-xml")]
    assert fragments.join_rdf_xml(parts) is None
    assert fragments.join_rdf_xml(["<rdf:RDF xml:base='http://e/'></rdf:RDF>"]) is None


def test_a_strict_turtle_join_gives_up_on_a_prefix_bound_two_ways():
    """A fragment is one prefix block (a page hoists its prefixes): a fragment
    whose parts bind a prefix two ways is serialized whole instead."""
    parts = [_part("x", "one").serialize(format="turtle"),
             _part("y", "two", ("x", B)).serialize(format="turtle")]
    assert fragments.join_turtle(parts, strict=True) is None
    assert fragments.join_turtle(parts[:1], strict=True) is not None
