"""The DGA items of a dataset, added to what ckanext-dcat's ``euro_dcat_ap_3``
profile wrote for it (the README's mapping table, "DCAT and schema.org").

Runs after ``euro_dcat_ap_3`` on the same graph: it adds the DCAT-AP terms of
the DGA items, the project's namespace for the exact stored values, and
corrects what ``euro_dcat_ap_3`` writes for a dataset of this schema (the
focus-area tag among the keywords, untagged Thai text, a contact not typed
``vcard:Kind``, a format as a plain string, the organization's old name).
"""
from __future__ import annotations

import json
from typing import Any, Iterable, Optional

from rdflib import RDF, RDFS, XSD, BNode, Graph, Literal, URIRef
from rdflib.term import Node

from ckanext.opdc_kpi.dcat import nodes
from ckanext.opdc_kpi.dcat import vocabulary as v
from ckanext.opdc_kpi.dcat.nodes import DCAT, DCT, FOAF, GSP, OPDC, VCARD
from ckanext.opdc_kpi.scoring.choices import MULTI_CHOICE_FIELDS
from ckanext.opdc_kpi.scoring.text import is_blank

#: dataset fields with an exact DCAT term: not repeated in the project's namespace
DCAT_ONLY = frozenset({"title", "notes", "maintainer", "maintainer_email", "tag_string", "url",
                       "owner_org", "focus_area", "data_type", "data_source"})
#: resource fields with an exact DCAT term
RESOURCE_DCAT_ONLY = frozenset({"name", "description", "url"})
#: the yes/no fields (stored "True"/"False")
_TRUE, _FALSE = "True", "False"


def write_dataset(g: Graph, d: dict[str, Any], ref: URIRef, fields: Iterable[str],
                  resource_fields: Iterable[str], licences: dict[str, dict]) -> None:
    """Everything of the dataset dict ``d`` (package_show's) this profile adds."""
    g.bind("opdc", OPDC)
    g.bind("skos", nodes.SKOS)
    _texts(g, d, ref)
    _contact(g, ref)
    _publisher(g, d, ref)
    _data_type_and_focus(g, d, ref)
    _frequency(g, d, ref)
    _access_rights(g, d, ref)
    _languages(g, d, ref)
    _temporal(g, d, ref)
    _spatial(g, d, ref)
    _statements(g, d, ref)
    _dates(g, d, ref, created="created_date", modified="last_updated_date",
           issued="data_release_date")
    if not is_blank(d.get("use_case_url")):
        g.add((ref, DCT.isReferencedBy, URIRef(str(d["use_case_url"]).strip())))
    exact(g, ref, d, [f for f in fields if f not in DCAT_ONLY])
    resource_fields = [f for f in resource_fields if f not in RESOURCE_DCAT_ONLY]
    for resource in d.get("resources") or []:
        distribution = _distribution_ref(g, ref, resource)
        if distribution is not None:
            write_distribution(g, d, resource, distribution, resource_fields, licences)


# --- the exact stored values ---------------------------------------------------------

def exact(g: Graph, subject: Node, d: dict[str, Any], fields: Iterable[str]) -> None:
    """``opdc:<field>`` for every given field: concepts for listed choices,
    xsd:boolean for yes/no, integers for the KPI years, xsd:date for ISO
    dates, text (language-tagged) for the rest."""
    for field in fields:
        value = d.get(field)
        if is_blank(value):
            continue
        predicate = OPDC[field]
        for item in _values(g, field, value):
            g.add((subject, predicate, item))


def items(value: Any) -> list:
    """The elements of a multiple value as stored (a list, a JSON-list
    string, else the one value), not normalised: the exact values go out."""
    if isinstance(value, list):
        return value
    if isinstance(value, str) and value.strip().startswith("["):
        try:
            loaded = json.loads(value)
        except ValueError:
            return [value]
        return loaded if isinstance(loaded, list) else [value]
    return [value]


def _values(g: Graph, field: str, value: Any) -> list[Node]:
    if nodes.is_choice(field):
        values = items(value) if field in MULTI_CHOICE_FIELDS else [value]
        return [nodes.choice_value(g, field, str(item)) for item in values if not is_blank(item)]
    if field in v.BOOLEAN_LISTS:
        return [Literal(value == _TRUE) if value in (_TRUE, _FALSE) else Literal(str(value))]
    if field == "kpi_years" and isinstance(value, list):
        return [Literal(int(year)) if isinstance(year, int) and not isinstance(year, bool)
                else Literal(str(year)) for year in value]
    if isinstance(value, (list, dict)):
        return [Literal(str(value))]
    return [nodes.date(value) or nodes.text(value) or Literal(str(value))]


# --- the items with a DCAT term --------------------------------------------------------

def _texts(g: Graph, d: dict, ref: URIRef) -> None:
    """Title and description in their language; the free keywords only (the
    focus area is a vocabulary tag in ``tags``, not a keyword)."""
    nodes.retag(g, ref, DCT.title)
    nodes.retag(g, ref, DCT.description)
    g.remove((ref, DCAT.keyword, None))
    for tag in d.get("tags") or []:
        if isinstance(tag, dict) and not tag.get("vocabulary_id") and tag.get("name"):
            g.add((ref, DCAT.keyword, nodes.text(tag["name"])))


def _contact(g: Graph, ref: URIRef) -> None:
    """The contact point (the unit, item 4) as DCAT-AP's range ``vcard:Kind``."""
    for contact in g.objects(ref, DCAT.contactPoint):
        g.add((contact, RDF.type, VCARD.Kind))
        nodes.retag(g, contact, VCARD.fn)


def _publisher(g: Graph, d: dict, ref: URIRef) -> None:
    """Item 3: the organization as publisher under its current title."""
    org = d.get("organization") or {}
    if not isinstance(org, dict) or not org.get("id"):
        return
    title = nodes.organization_title(g, org["id"])
    for publisher in g.objects(ref, DCT.publisher):
        if isinstance(publisher, URIRef) and str(publisher).endswith("/" + org["id"]):
            g.add((publisher, RDF.type, FOAF.Organization))
            if title:
                nodes.replace(g, publisher, FOAF.name, nodes.text(title))


def _data_type_and_focus(g: Graph, d: dict, ref: URIRef) -> None:
    """Item 1 as ``dct:type`` and the focus area as ``dcat:theme``, each a
    concept of its own scheme."""
    data_type = d.get("data_type")
    if not is_blank(data_type):
        g.add((ref, DCT.type, nodes.choice_value(g, "data_type", str(data_type))))
    focus = d.get("focus_area")
    if not is_blank(focus):
        node = nodes.concept(g, "focus_area", str(focus))
        if node is not None:
            g.add((ref, DCAT.theme, node))


def _frequency(g: Graph, d: dict, ref: URIRef) -> None:
    """Item 9 as the EU frequency (exact values in the project's namespace)."""
    uri = v.frequency(d.get("update_frequency_unit"), d.get("update_frequency_interval"))
    if uri:
        node = URIRef(uri)
        nodes.replace(g, ref, DCT.accrualPeriodicity, node)
        g.add((node, RDF.type, DCT.Frequency))


def _access_rights(g: Graph, d: dict, ref: URIRef) -> None:
    """Item 13 as the EU access right (the category itself in the project's namespace)."""
    code = v.ACCESS_RIGHT.get(d.get("data_category") or "")
    if code:
        node = URIRef(v.EU_ACCESS_RIGHT + code)
        nodes.replace(g, ref, DCT.accessRights, node)
        g.add((node, RDF.type, DCT.RightsStatement))


def _languages(g: Graph, d: dict, ref: URIRef) -> None:
    for value in items(d.get("data_language")):
        if value in v.LANGUAGES:
            node = URIRef(v.EU_LANGUAGE + v.LANGUAGES[value][0])
            g.add((ref, DCT.language, node))
            g.add((node, RDF.type, DCT.LinguisticSystem))


def _temporal(g: Graph, d: dict, ref: URIRef) -> None:
    """The years of data (Buddhist era) as a period of Common Era years."""
    start, end = v.ce_year(d.get("first_year_of_data")), v.ce_year(d.get("last_year_of_data"))
    if start is None and end is None:
        return
    period = BNode()
    g.add((ref, DCT.temporal, period))
    g.add((period, RDF.type, DCT.PeriodOfTime))
    if start is not None:
        g.add((period, DCAT.startDate, Literal(f"{start:04d}", datatype=XSD.gYear)))
    if end is not None:
        g.add((period, DCAT.endDate, Literal(f"{end:04d}", datatype=XSD.gYear)))


def _spatial(g: Graph, d: dict, ref: URIRef) -> None:
    box = v.bounding_box(d.get("west_bound_longitude"), d.get("east_bound_longitude"),
                         d.get("north_bound_longitude"), d.get("south_bound_longitude"))
    if box:
        place = BNode()
        g.add((ref, DCT.spatial, place))
        g.add((place, RDF.type, DCT.Location))
        g.add((place, DCAT.bbox, Literal(box, datatype=GSP.wktLiteral)))


def _statement(g: Graph, subject: Node, predicate: URIRef, kind: URIRef, value: Any) -> None:
    literal = nodes.text(value)
    if literal is None:
        return
    node = BNode()
    g.add((subject, predicate, node))
    g.add((node, RDF.type, kind))
    g.add((node, RDFS.label, literal))


def _statements(g: Graph, d: dict, ref: URIRef) -> None:
    """Item 11 as the provenance statement; the statistics standard as
    ``dct:conformsTo``."""
    _statement(g, ref, DCT.provenance, DCT.ProvenanceStatement, d.get("data_source"))
    _statement(g, ref, DCT.conformsTo, DCT.Standard, d.get("standard"))


def _dates(g: Graph, d: dict, subject: Node, created: str, modified: str, issued: str) -> None:
    """The DGA dates of the data, where given as ISO dates: ``dct:created``;
    ``dct:modified`` and ``dct:issued`` replace the record's own times."""
    for field, predicate in ((created, DCT.created), (modified, DCT.modified),
                             (issued, DCT.issued)):
        literal = nodes.date(d.get(field))
        if literal is not None:
            nodes.replace(g, subject, predicate, literal)


# --- distributions ---------------------------------------------------------------------

def _distribution_ref(g: Graph, ref: URIRef, resource: dict) -> Optional[Node]:
    for distribution in g.objects(ref, DCAT.distribution):
        if isinstance(distribution, URIRef) and resource.get("id") and str(
                distribution).endswith("/resource/" + str(resource["id"])):
            return distribution
    return None


def write_distribution(g: Graph, d: dict, resource: dict, node: Node,
                       fields: Iterable[str], licences: dict[str, dict]) -> None:
    nodes.retag(g, node, DCT.title)
    nodes.retag(g, node, DCT.description)
    _licence(g, d, node, licences)
    _format(g, resource, node)
    _dates(g, resource, node, created="resource_created_date",
           modified="resource_last_updated_date", issued="resource_data_release_date")
    g.remove((node, DCT.rights, None))
    _statement(g, node, DCT.rights, DCT.RightsStatement,
               resource.get("resource_accessible_condition"))
    exact(g, node, resource, fields)


def _licence(g: Graph, d: dict, node: Node, licences: dict[str, dict]) -> None:
    """Item 14 on each distribution (DCAT-AP has no dataset licence): the EU
    licence, else the register's URL, else the project's licence concept;
    ``อื่นๆ`` as a licence document carrying the stated text."""
    licence_id = d.get("license_id")
    if is_blank(licence_id) or not isinstance(licence_id, str):
        return
    entry = licences.get(licence_id) or {}
    uri = v.licence_uri(licence_id, entry.get("url") or "")
    if uri is not None:
        doc: Node = URIRef(uri)
        titles = [(entry.get("title") or licence_id, "en"), (entry.get("title_th"), "th")]
    elif licence_id == "อื่นๆ" and not is_blank(d.get("license_id_other")):
        doc = BNode()
        titles = [(d["license_id_other"], v.language_of(d["license_id_other"]))]
    else:
        return
    nodes.replace(g, node, DCT.license, doc)
    g.add((doc, RDF.type, DCT.LicenseDocument))
    for title, lang in titles:
        if title:
            g.add((doc, DCT.title, Literal(str(title), lang=lang)))


def _format(g: Graph, resource: dict, node: Node) -> None:
    """The file format as the EU file type (a typed node with its label when
    the EU table has none); a MIME type as the IANA media type."""
    value = resource.get("format") or resource.get("mimetype") or ""
    value = str(value).strip()
    g.remove((node, DCT["format"], None))
    g.remove((node, DCAT.mediaType, None))
    if not value:
        return
    file_type = v.file_type(value)
    if file_type:
        fmt: Node = URIRef(file_type)
    else:
        fmt = BNode()
        g.add((fmt, RDFS.label, Literal(value)))
    g.add((node, DCT["format"], fmt))
    g.add((fmt, RDF.type, DCT.MediaTypeOrExtent))
    media = v.media_type(resource.get("mimetype") or value)
    if media:
        g.add((node, DCAT.mediaType, URIRef(media)))
        g.add((URIRef(media), RDF.type, DCT.MediaType))
