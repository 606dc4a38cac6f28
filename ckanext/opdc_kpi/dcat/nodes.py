"""Small rdflib helpers shared by the DCAT and the schema.org profiles:
literals with a language tag, the concepts of the DGA lists, a value
replaced in place, and the organization's current name."""
from __future__ import annotations

import datetime as dt
import re
import weakref
from typing import Any, Optional

from rdflib import RDF, SKOS, XSD, Graph, Literal, Namespace, URIRef
from rdflib.term import Node

from ckanext.opdc_kpi.dcat import vocabulary as v
from ckanext.opdc_kpi.scoring.choices import CHOICES

DCT = Namespace("http://purl.org/dc/terms/")
DCAT = Namespace("http://www.w3.org/ns/dcat#")
FOAF = Namespace("http://xmlns.com/foaf/0.1/")
VCARD = Namespace("http://www.w3.org/2006/vcard/ns#")
GSP = Namespace("http://www.opengis.net/ont/geosparql#")
SCHEMA = Namespace("http://schema.org/")
OPDC = Namespace(v.NS)

_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def text(value: Any) -> Optional[Literal]:
    """A free text as a literal tagged with its language (``language_of``);
    None when blank."""
    if value is None or isinstance(value, (dict, list)):
        return None
    string = str(value).strip()
    if not string:
        return None
    return Literal(string, lang=v.language_of(string))


def date(value: Any) -> Optional[Literal]:
    """An ISO date as xsd:date; None for anything else."""
    if isinstance(value, str) and _ISO_DATE.fullmatch(value.strip()):
        try:
            dt.date.fromisoformat(value.strip())
        except ValueError:
            return None
        return Literal(value.strip(), datatype=XSD.date)
    return None


def replace(g: Graph, subject: Node, predicate: URIRef, value: Optional[Node]) -> None:
    """``subject predicate value`` as the only such triple (none when None)."""
    g.remove((subject, predicate, None))
    if value is not None:
        g.add((subject, predicate, value))


def retag(g: Graph, subject: Node, predicate: URIRef) -> None:
    """Give the plain literals of ``subject predicate`` their language tag."""
    for old in list(g.objects(subject, predicate)):
        if isinstance(old, Literal) and not old.language and old.datatype is None:
            new = text(str(old))
            if new is not None and new != old:
                g.remove((subject, predicate, old))
                g.add((subject, predicate, new))


def describe_scheme(g: Graph, field: str) -> URIRef:
    """The concept scheme of a DGA list, typed and titled in Thai and English."""
    scheme = URIRef(v.scheme(field))
    if (scheme, RDF.type, SKOS.ConceptScheme) not in g:
        th, en = v.scheme_title(field)
        g.add((scheme, RDF.type, SKOS.ConceptScheme))
        g.add((scheme, DCT.title, Literal(th, lang="th")))
        g.add((scheme, DCT.title, Literal(en, lang="en")))
    return scheme


def concept(g: Graph, field: str, value: str) -> Optional[URIRef]:
    """The concept of a listed value, described in the graph (type, Thai and
    English labels, the stored value as ``skos:notation``, its scheme); None
    when the value is not in the field's list."""
    iri = v.concept(field, value)
    if iri is None:
        return None
    node = URIRef(iri)
    if (node, RDF.type, SKOS.Concept) not in g:
        item = v.choice(v.scheme_of(field), value)
        g.add((node, RDF.type, SKOS.Concept))
        g.add((node, SKOS.notation, Literal(value)))
        g.add((node, SKOS.prefLabel, Literal(item.th, lang="th")))
        g.add((node, SKOS.prefLabel, Literal(item.en, lang="en")))
        g.add((node, SKOS.inScheme, describe_scheme(g, field)))
    return node


def choice_value(g: Graph, field: str, value: str) -> Node:
    """A choice value: its concept when listed, else the stored text."""
    return concept(g, field, value) or Literal(value)


def is_choice(field: str) -> bool:
    return field in CHOICES and field not in v.BOOLEAN_LISTS


# --- the organization, as it is now -------------------------------------------------

_ORGS: "weakref.WeakKeyDictionary[Graph, dict]" = weakref.WeakKeyDictionary()


def organization_title(g: Graph, org_id: str) -> Optional[str]:
    """The organization's title read now (once per graph): ckanext-dcat keeps
    each organization it has shown in a class attribute for the life of the
    process, and a search result carries the title as it was indexed, so a
    renamed organization would keep its old name as publisher."""
    from ckan import model

    known = _ORGS.setdefault(g, {})
    if org_id not in known:
        group = model.Group.get(org_id)
        known[org_id] = (group.title or group.name) if group is not None else None
    return known[org_id]
