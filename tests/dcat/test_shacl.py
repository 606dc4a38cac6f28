"""The DCAT output checked by the standard's own tool: pyshacl against the
official DCAT-AP 3.0.1 shapes (issue 29, item 5).

Graphs validated: ``/dataset/<id>.ttl`` of a complete dataset of each of the
five data types, of a dataset without resources, and ``/catalog.ttl``'s page
of 10 datasets. A violation fails the test unless ``ALLOWED`` names it by
shape, path and the class of its focus node, with the reason; "Value does not
have class ..." is never allowed on a property the project's profile writes.
The log line says how many graphs were validated and which property shapes
the official files name without defining (the EU vocabularies' shapes).
"""
from __future__ import annotations

import collections

import pytest
import rdflib
from rdflib import RDF

from ckan.tests import factories

from tests.dcat.support import DATA_TYPES, complete_dataset_dict, shapes
from tests.factories_dga import dga_dataset_dict

pytestmark = [pytest.mark.ckan_config("ckanext.dcat.datasets_per_page", 10),
              pytest.mark.usefixtures("with_plugins", "dcat_db")]

SH = rdflib.Namespace("http://www.w3.org/ns/shacl#")
DCAT = "http://www.w3.org/ns/dcat#"
DCT = "http://purl.org/dc/terms/"

#: (shape, path, class of the focus node) -> why it is allowed. Empty: the
#: profile's output has no violation.
ALLOWED: dict[tuple[str, str, str], str] = {}

#: the properties the project's profile writes (a "Value does not have class"
#: on any of them is never allowed)
OURS = {DCT + p for p in ("type", "accrualPeriodicity", "accessRights", "language", "temporal",
                          "spatial", "provenance", "conformsTo", "license", "format",
                          "rights", "publisher", "isReferencedBy")} | {
    DCAT + p for p in ("theme", "contactPoint", "mediaType", "themeTaxonomy")}


def violations(text: str) -> list[tuple[str, str, str, str]]:
    import pyshacl

    graph = rdflib.Graph()
    graph.parse(data=text, format="turtle")
    shapes_graph, _ = shapes()
    conforms, report, _ = pyshacl.validate(graph, shacl_graph=shapes_graph, inference="none",
                                           allow_warnings=True)
    found = []
    for result in report.subjects(RDF.type, SH.ValidationResult):
        source = str(report.value(result, SH.sourceShape))
        shape = next((str(s) for s in shapes_graph.subjects(SH.property, rdflib.URIRef(source))),
                     source).rpartition("#")[2]
        focus_class = str(graph.value(report.value(result, SH.focusNode), RDF.type))
        found.append((shape, str(report.value(result, SH.resultPath)), focus_class,
                      str(report.value(result, SH.resultMessage))))
    assert conforms == (not found)
    return found


def _check(name: str, text: str, counter: collections.Counter) -> list[str]:
    counter["graphs"] += 1
    problems = []
    for shape, path, focus, message in violations(text):
        if message.startswith("Value does not have class") and path in OURS:
            problems.append(f"{name}: {shape} {path} on {focus}: {message} (never allowed)")
        elif (shape, path, focus) not in ALLOWED:
            problems.append(f"{name}: {shape} {path} on {focus}: {message}")
        else:
            counter["allowed"] += 1
    return problems


def test_every_data_type_a_dataset_without_resources_and_a_catalog_page_conform(app, capsys):
    org = factories.Organization(title="กรมการท่องเที่ยว")
    counter: collections.Counter = collections.Counter()
    problems: list[str] = []
    for n, data_type in enumerate(DATA_TYPES):
        factories.Dataset(**complete_dataset_dict(data_type, org["id"], name=f"type-{n}"))
        text = app.get(f"/dataset/type-{n}.ttl", status=200).get_data(as_text=True)
        assert "urn:opdc-kpi:dga:list/data_type/" in text
        problems += _check(f"/dataset/type-{n}.ttl ({data_type})", text, counter)
    factories.Dataset(**dga_dataset_dict(owner_org=org["id"], name="no-resources", resources=[],
                                         update_frequency_unit="ปี",
                                         update_frequency_interval="5"))
    text = app.get("/dataset/no-resources.ttl", status=200).get_data(as_text=True)
    assert "dcat:distribution" not in text
    problems += _check("/dataset/no-resources.ttl", text, counter)
    for n in range(4):
        factories.Dataset(**dga_dataset_dict(owner_org=org["id"], name=f"more-{n}"))
    page = app.get("/catalog.ttl", status=200).get_data(as_text=True)
    graph = rdflib.Graph().parse(data=page, format="turtle")
    assert len(set(graph.subjects(RDF.type, rdflib.URIRef(DCAT + "Dataset")))) == 10
    problems += _check("/catalog.ttl (10 datasets)", page, counter)
    _, dangling = shapes()
    with capsys.disabled():
        print(f"\nDCAT-AP 3.0.1 SHACL: {counter['graphs']} graphs validated "
              f"(5 data types, no resources, a catalog page of 10), "
              f"{counter['allowed']} allowed violations; {len(dangling)} property shapes "
              "the official files name but do not define (EU vocabulary checks) not run")
    assert counter["graphs"] == 7
    assert not problems, "\n".join(problems)


def test_the_check_finds_what_the_shapes_forbid(app):
    """The same check on ckanext-dcat's own profile alone finds violations
    (so the check can fail): a format as a plain string, a contact that is no
    vcard:Kind, the catalog's language as a string, no catalog publisher."""
    org = factories.Organization()
    factories.Dataset(**dga_dataset_dict(owner_org=org["id"], name="plain"))
    text = app.get("/catalog.ttl?profiles=euro_dcat_ap_3", status=200).get_data(as_text=True)
    found = {(shape, path) for shape, path, _, _ in violations(text)}
    assert ("dcat:DistributionShape", DCT + "format") in found
    assert ("dcat:DatasetShape", DCAT + "contactPoint") in found
    assert ("dcat:CatalogShape", DCT + "publisher") in found
