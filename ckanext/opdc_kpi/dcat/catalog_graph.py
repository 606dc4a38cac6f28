"""The catalog (the site) as DCAT-AP 3 wants it, added to what ckanext-dcat's
``euro_dcat_ap_3`` profile wrote: a publisher (required), a description
(required; the site title when the site has none), the site's languages as EU
language concepts (``euro_dcat_ap_3`` writes the locale as a plain string)
and the focus areas as the catalog's theme taxonomy."""
from __future__ import annotations

from rdflib import RDF, BNode, Graph, URIRef

import ckan.plugins.toolkit as tk

from ckanext.opdc_kpi.dcat import nodes
from ckanext.opdc_kpi.dcat import vocabulary as v
from ckanext.opdc_kpi.dcat.nodes import DCAT, DCT, FOAF, OPDC


def write_catalog(g: Graph, ref: URIRef) -> None:
    g.bind("opdc", OPDC)
    g.bind("skos", nodes.SKOS)
    config = tk.config
    title = config.get("ckan.site_title") or ""
    nodes.retag(g, ref, DCT.title)
    nodes.retag(g, ref, DCT.description)
    if (ref, DCT.description, None) not in g and title:
        g.add((ref, DCT.description, nodes.text(title)))
    if (ref, DCT.publisher, None) not in g:
        name = config.get("ckanext.opdc_kpi.dcat.publisher") or title
        if name:
            publisher = BNode()
            g.add((ref, DCT.publisher, publisher))
            g.add((publisher, RDF.type, FOAF.Agent))
            g.add((publisher, RDF.type, FOAF.Organization))
            g.add((publisher, FOAF.name, nodes.text(name)))
    _languages(g, ref)
    for homepage in g.objects(ref, FOAF.homepage):
        g.add((homepage, RDF.type, FOAF.Document))
    scheme = nodes.describe_scheme(g, "focus_area")
    g.add((ref, DCAT.themeTaxonomy, scheme))
    for code in v.FOCUS_CODES:
        concept = nodes.concept(g, "focus_area", code)
        g.add((scheme, nodes.SKOS.hasTopConcept, concept))


def _languages(g: Graph, ref: URIRef) -> None:
    """The default locale and the offered ones, as EU language concepts."""
    config = tk.config
    locales = [config.get("ckan.locale_default") or "en"]
    offered = config.get("ckan.locales_offered") or []
    locales += offered.split() if isinstance(offered, str) else list(offered)
    g.remove((ref, DCT.language, None))
    for locale in locales:
        code = v.LOCALE_LANGUAGE.get(str(locale).split("_")[0].lower())
        if code:
            node = URIRef(v.EU_LANGUAGE + code)
            g.add((ref, DCT.language, node))
            g.add((node, RDF.type, DCT.LinguisticSystem))
