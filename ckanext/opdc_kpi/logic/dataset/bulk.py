"""CKAN's bulk actions on an organization's datasets (the organization's
"bulk process" page: Make public, Make private, Delete), dataset by dataset
through ``package_patch``, as CKAN 2.12 does them.

CKAN 2.11 writes the rows with one ``UPDATE``, commits, then reindexes through
Solr's ``PackageSearchIndex`` directly. On the PostgreSQL search that raised
after the commit (the page a 500) and left the search index saying what it
said before: datasets made private stayed listed, title and all, to anyone.
No dataset hook ran either (the stored KPI figures, the DCAT fragments). The
chained actions below check the same permission and patch each dataset of the
organization, so every search backend, hook and trigger sees the change.
"""
from __future__ import annotations

from typing import Any

import ckan.plugins.toolkit as tk
from ckan import model
from ckan.logic import fresh_context


def _bulk(name: str, update: dict[str, Any], context: dict, data_dict: dict) -> None:
    tk.check_access(name, context, data_dict)
    datasets = data_dict.get("datasets") or []
    if isinstance(datasets, str):
        datasets = [datasets]
    if not isinstance(datasets, list) or not all(isinstance(d, str) for d in datasets):
        raise tk.ValidationError({"datasets": [tk._("A list of dataset ids")]})
    ids = [row[0] for row in model.Session.query(model.Package.id)
           .filter(model.Package.id.in_(datasets))
           .filter(model.Package.owner_org == data_dict.get("org_id"))]
    for package_id in ids:
        tk.get_action("package_patch")(fresh_context(context), dict(update, id=package_id))


@tk.chained_action
def bulk_update_private(original, context, data_dict):
    """Make an organization's datasets private (``datasets``, ``org_id``)."""
    _bulk("bulk_update_private", {"private": True}, context, data_dict)


@tk.chained_action
def bulk_update_public(original, context, data_dict):
    """Make an organization's datasets public (``datasets``, ``org_id``)."""
    _bulk("bulk_update_public", {"private": False}, context, data_dict)


@tk.chained_action
def bulk_update_delete(original, context, data_dict):
    """Delete an organization's datasets (``datasets``, ``org_id``)."""
    _bulk("bulk_update_delete", {"state": "deleted"}, context, data_dict)


def get_actions() -> dict[str, Any]:
    return {"bulk_update_private": bulk_update_private,
            "bulk_update_public": bulk_update_public,
            "bulk_update_delete": bulk_update_delete}
