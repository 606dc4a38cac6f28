"""schema.org ``Dataset`` additions for search engines (Google Dataset Search
reads the JSON-LD block of the dataset page): what ckanext-dcat's
``schemaorg`` profile writes, corrected and completed for the DGA items."""
from __future__ import annotations

from typing import Any

from rdflib import RDF, BNode, Graph, Literal, URIRef

from ckanext.opdc_kpi.dcat import nodes
from ckanext.opdc_kpi.dcat import vocabulary as v
from ckanext.opdc_kpi.dcat.dataset_graph import items
from ckanext.opdc_kpi.dcat.nodes import SCHEMA
from ckanext.opdc_kpi.scoring.choices import choice_label
from ckanext.opdc_kpi.scoring.text import is_blank


def keywords(g: Graph, d: dict[str, Any], ref: URIRef) -> None:
    """The free keywords, then the focus area's Thai and English names (the
    focus-area tag's code is no keyword)."""
    g.remove((ref, SCHEMA.keywords, None))
    for tag in d.get("tags") or []:
        if isinstance(tag, dict) and not tag.get("vocabulary_id") and tag.get("name"):
            g.add((ref, SCHEMA.keywords, Literal(tag["name"])))
    focus = d.get("focus_area")
    if isinstance(focus, str) and focus in v.FOCUS_CODES:
        for lang in ("th", "en"):
            g.add((ref, SCHEMA.keywords, Literal(choice_label("focus_area", focus, lang))))


def organization(g: Graph, d: dict[str, Any], ref: URIRef) -> None:
    """Publisher and creator under the organization's current title."""
    org = d.get("organization") or {}
    if not isinstance(org, dict) or not org.get("id"):
        return
    title = nodes.organization_title(g, org["id"])
    if not title:
        return
    for predicate in (SCHEMA.publisher, SCHEMA.creator):
        for agent in g.objects(ref, predicate):
            if isinstance(agent, URIRef) and str(agent).endswith("/" + org["id"]):
                nodes.replace(g, agent, SCHEMA.name, Literal(title))


def additional(g: Graph, d: dict[str, Any], ref: URIRef, licences: dict[str, dict]) -> None:
    """Licence, languages, temporal and spatial coverage, and each
    distribution's content URL."""
    licence_id = d.get("license_id")
    if isinstance(licence_id, str) and licence_id:
        entry = licences.get(licence_id) or {}
        uri = v.licence_uri(licence_id, entry.get("url") or "")
        if uri and uri.startswith(("http://", "https://")):
            nodes.replace(g, ref, SCHEMA.license, Literal(uri))
    for value in items(d.get("data_language")):
        if value in v.LANGUAGES:
            g.add((ref, SCHEMA.inLanguage, Literal(v.LANGUAGES[value][1])))
    start, end = v.ce_year(d.get("first_year_of_data")), v.ce_year(d.get("last_year_of_data"))
    if start is not None or end is not None:
        coverage = f"{start if start is not None else '..'}/{end if end is not None else '..'}"
        nodes.replace(g, ref, SCHEMA.temporalCoverage, Literal(coverage))
    _box(g, d, ref)
    if not is_blank(d.get("calculation_method")):
        g.add((ref, SCHEMA.measurementTechnique, Literal(str(d["calculation_method"]))))
    for distribution in g.objects(ref, SCHEMA.distribution):
        url = g.value(distribution, SCHEMA.url)
        if url is not None and (distribution, SCHEMA.contentUrl, None) not in g:
            g.add((distribution, SCHEMA.contentUrl, url))


def _box(g: Graph, d: dict, ref: URIRef) -> None:
    values = [d.get(k) for k in ("south_bound_longitude", "west_bound_longitude",
                                 "north_bound_longitude", "east_bound_longitude")]
    if v.bounding_box(values[1], values[3], values[2], values[0]) is None:
        return
    place, shape = BNode(), BNode()
    g.add((ref, SCHEMA.spatialCoverage, place))
    g.add((place, RDF.type, SCHEMA.Place))
    g.add((place, SCHEMA.geo, shape))
    g.add((shape, RDF.type, SCHEMA.GeoShape))
    g.add((shape, SCHEMA.box, Literal(" ".join(str(x).strip() for x in values))))
