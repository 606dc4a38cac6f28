"""The RDF profiles ckanext-dcat loads from the ``ckan.rdf.profiles`` entry
points (pyproject.toml):

- ``opdc_kpi_dcat``: the DGA items in DCAT-AP 3, run after ``euro_dcat_ap_3``
  (``ckanext.dcat.rdf.profiles = euro_dcat_ap_3 opdc_kpi_dcat``), both ways:
  graphs of datasets and of the catalog, and datasets parsed back into the
  schema's fields.
- ``opdc_kpi_schemaorg``: ckanext-dcat's schema.org profile with the DGA items
  (``ckanext.dcat.structured_data.profiles = opdc_kpi_schemaorg``).

Only ckanext-dcat imports this module (it needs ckanext-dcat installed).
"""
from __future__ import annotations

from typing import Any

from ckanext.dcat.profiles import RDFProfile, SchemaOrgProfile

from ckanext.opdc_kpi.dcat import catalog_graph, dataset_graph, parse, schemaorg
from ckanext.opdc_kpi.scoring.labels import FIELD_LABELS, RESOURCE_FIELD_LABELS


def licences() -> dict[str, dict]:
    """The site's licence register (``licenses_group_url``), by id."""
    from ckan import model

    out = {}
    for licence in model.Package.get_license_register().values():
        data = licence.license_dictize()
        out[data["id"]] = {"url": data.get("url") or "", "title": data.get("title") or "",
                           "title_th": data.get("title_th") or ""}
    return out


class _Fields:
    """The dataset and resource field names of the site's schema (those of
    this extension's labels when the site runs no ckanext-scheming)."""

    _dataset_schema: Any

    def _dataset_fields(self) -> list[str]:
        schema = self._dataset_schema
        if schema:
            return [f["field_name"] for f in schema.get("dataset_fields", [])]
        return [f for f in FIELD_LABELS if not f.startswith("resource_")]

    def _resource_fields(self) -> list[str]:
        schema = self._dataset_schema
        if schema:
            return [f["field_name"] for f in schema.get("resource_fields", [])]
        return list(RESOURCE_FIELD_LABELS)


class OpdcKpiDcatProfile(_Fields, RDFProfile):
    """The 14 DGA items and the focus area in DCAT-AP 3 (README, "DCAT and
    schema.org", the mapping table)."""

    def graph_from_dataset(self, dataset_dict, dataset_ref):
        dataset_graph.write_dataset(self.g, dataset_dict, dataset_ref, self._dataset_fields(),
                                    self._resource_fields(), licences())

    def graph_from_catalog(self, catalog_dict, catalog_ref):
        catalog_graph.write_catalog(self.g, catalog_ref)

    def parse_dataset(self, dataset_dict, dataset_ref):
        parse.read_dataset(self.g, dataset_dict, dataset_ref, self._dataset_fields(),
                           self._resource_fields())
        parse.name_if_free(dataset_dict)
        return dataset_dict


class OpdcKpiSchemaOrgProfile(SchemaOrgProfile):
    """ckanext-dcat's schema.org ``Dataset`` with the DGA items."""

    def _tags_graph(self, dataset_ref, dataset_dict):
        schemaorg.keywords(self.g, dataset_dict, dataset_ref)

    def additional_fields(self, dataset_ref, dataset_dict):
        schemaorg.organization(self.g, dataset_dict, dataset_ref)
        schemaorg.additional(self.g, dataset_dict, dataset_ref, licences())
