"""DCAT back into the schema's fields (``parse_dataset``), after ckanext-dcat's
``euro_dcat_ap_3`` parsed the graph into CKAN's core fields and extras.

The exact values in the project's namespace come first; the DCAT-AP terms
fill a field only where they are missing (a catalog that does not run this
profile). What became a field leaves the extras, so a harvesting site gets
the agency extension's field names, not ``frequency``/``contact_name``
extras.
"""
from __future__ import annotations

from typing import Any, Iterable, Optional

from rdflib import SKOS, XSD, BNode, Graph, Literal, URIRef
from rdflib.term import Node

from ckanext.opdc_kpi.dcat import vocabulary as v
from ckanext.opdc_kpi.dcat.dataset_graph import DCAT_ONLY, RESOURCE_DCAT_ONLY
from ckanext.opdc_kpi.dcat.nodes import DCAT, DCT, OPDC
from ckanext.opdc_kpi.scoring.choices import CHOICES, MULTI_CHOICE_FIELDS

#: extras ckanext-dcat makes of what this profile turns into fields
MAPPED_EXTRAS = frozenset({
    "contact_name", "contact_email", "contact_uri", "contact_identifier", "contact_url",
    "provenance", "frequency", "access_rights", "language", "theme", "dcat_type",
    "temporal_start", "temporal_end", "spatial_bbox", "conforms_to", "is_referenced_by"})
#: root keys ckanext-dcat's scheming support adds whether or not the schema
#: has such a field (publisher and creator stay as ``publisher_*`` extras)
AGENT_KEYS = ("contact", "publisher", "creator", "qualified_relation", "provenance_activity",
              "qualified_attribution")
#: resource keys ckanext-dcat makes of what this profile turns into fields
MAPPED_RESOURCE_KEYS = ("rights", "license", "distribution_ref")


def read_dataset(g: Graph, d: dict[str, Any], ref: Node, fields: Iterable[str],
                 resource_fields: Iterable[str]) -> dict[str, Any]:
    fields = list(fields)
    extras = {e["key"]: e["value"] for e in d.get("extras") or [] if isinstance(e, dict)}
    for field in fields:
        if field not in DCAT_ONLY:
            value = read_exact(g, ref, field)
            if value is not None:
                d[field] = value
    _core(g, d, ref, extras)
    _fallbacks(g, d, ref, extras)
    declared = set(fields)
    for key in AGENT_KEYS:
        if key not in declared:
            d.pop(key, None)
    d["extras"] = [e for e in d.get("extras") or []
                   if not (isinstance(e, dict) and e.get("key") in MAPPED_EXTRAS)]
    resource_fields = [f for f in resource_fields if f not in RESOURCE_DCAT_ONLY]
    for resource in d.get("resources") or []:
        _resource(g, resource, resource_fields)
    return d


def read_exact(g: Graph, subject: Node, field: str) -> Any:
    """The field's value from ``opdc:<field>``: None when absent; a list for
    the multiple choices (in the list's order) and the KPI years."""
    found = [_value(g, o) for o in g.objects(subject, OPDC[field])]
    if not found:
        return None
    if field == "kpi_years":
        return sorted(found, key=lambda y: (not isinstance(y, int), str(y)))
    if field in MULTI_CHOICE_FIELDS:
        return _in_list_order(field, found)
    return sorted(found, key=str)[0]


def _value(g: Graph, node: Node) -> Any:
    if isinstance(node, URIRef):
        known = v.VALUE_OF.get(str(node))
        if known:
            return known[1]
        notation = g.value(node, SKOS.notation)
        return str(notation) if notation is not None else str(node)
    if isinstance(node, Literal):
        if node.datatype == XSD.boolean:
            return "True" if node.toPython() is True else "False"
        if node.datatype == XSD.integer:
            return int(node)
        return str(node)
    return None


def _in_list_order(field: str, values: list) -> list:
    order = {c.value: i for i, c in enumerate(CHOICES.get(v.scheme_of(field), ()))}
    unique = list(dict.fromkeys(str(x) for x in values if x is not None))
    return sorted(unique, key=lambda x: (order.get(x, len(order)), x))


def _concept_value(g: Graph, ref: Node, predicate: URIRef, field: str) -> Optional[str]:
    for node in g.objects(ref, predicate):
        known = v.VALUE_OF.get(str(node))
        if known and known[0] == v.scheme_of(field):
            return known[1]
    return None


def _core(g: Graph, d: dict, ref: Node, extras: dict) -> None:
    """The 14 items with an exact DCAT term, and the focus area."""
    data_type = _concept_value(g, ref, DCT.type, "data_type")
    if data_type is None:
        literal = [str(o) for o in g.objects(ref, DCT.type) if isinstance(o, Literal)]
        data_type = literal[0] if literal else None
    if data_type is not None:
        d["data_type"] = data_type
    focus = _concept_value(g, ref, DCAT.theme, "focus_area")
    if focus is not None:
        d["focus_area"] = focus
    if extras.get("contact_name"):
        d["maintainer"] = extras["contact_name"]
    if extras.get("contact_email"):
        d["maintainer_email"] = extras["contact_email"]
    if extras.get("provenance"):
        d["data_source"] = extras["provenance"]
    tags = d.pop("tags", None) or []
    words = [t.get("name") for t in tags if isinstance(t, dict) and t.get("name")]
    if words:
        d["tag_string"] = ", ".join(words)


def _fallbacks(g: Graph, d: dict, ref: Node, extras: dict) -> None:
    """Items from the EU codes when the exact values are missing."""
    if not d.get("update_frequency_unit"):
        code = str(g.value(ref, DCT.accrualPeriodicity) or "").rpartition("/")[2]
        if code in v.FREQUENCY_BACK:
            d["update_frequency_unit"], d["update_frequency_interval"] = v.FREQUENCY_BACK[code]
    if not d.get("data_category"):
        if str(g.value(ref, DCT.accessRights) or "") == v.EU_ACCESS_RIGHT + "PUBLIC":
            d["data_category"] = "ข้อมูลสาธารณะ"
    if not d.get("data_language"):
        languages = [v.LANGUAGE_BACK[str(o)] for o in g.objects(ref, DCT.language)
                     if str(o) in v.LANGUAGE_BACK]
        if languages:
            d["data_language"] = _in_list_order("data_language", languages)
    if not d.get("license_id") or d.get("license_id") not in v.CONCEPTS["license_id"]:
        licence = _licence_from_distributions(g, ref)
        if licence:
            d["license_id"] = licence


def _licence_from_distributions(g: Graph, ref: Node) -> Optional[str]:
    back = {v.EU_LICENCE + code: licence for licence, code in reversed(v.LICENCE_EU.items())}
    for distribution in g.objects(ref, DCAT.distribution):
        for licence in g.objects(distribution, DCT.license):
            if str(licence) in back:
                return back[str(licence)]
            known = v.VALUE_OF.get(str(licence))
            if known and known[0] == "license_id":
                return known[1]
    return None


def _resource(g: Graph, resource: dict, fields: list[str]) -> None:
    ref = resource.get("distribution_ref")
    if not ref:
        return
    node: Node = URIRef(ref) if resource.get("uri") else BNode(ref)
    for field in fields:
        value = read_exact(g, node, field)
        if value is not None:
            resource[field] = value
    if "resource_accessible_condition" not in resource and resource.get("rights"):
        resource["resource_accessible_condition"] = resource["rights"]
    fmt = str(resource.get("format") or "")
    if "format" not in fields or read_exact(g, node, "format") is None:
        if fmt.startswith(v.EU_FILE_TYPE):
            resource["format"] = fmt[len(v.EU_FILE_TYPE):]
    mimetype = str(resource.get("mimetype") or "")
    if mimetype.startswith(v.IANA_MEDIA_TYPES):
        resource["mimetype"] = mimetype[len(v.IANA_MEDIA_TYPES):]
    for key in MAPPED_RESOURCE_KEYS:
        resource.pop(key, None)


def name_if_free(d: dict[str, Any]) -> None:
    """Keep the original's URL name only when no dataset of this site has it
    (the harvester makes one from the title otherwise)."""
    from ckan import model

    name = d.get("name")
    if not isinstance(name, str) or not name or model.Package.get(name) is not None:
        d.pop("name", None)
