"""Database side of the harvest check: the catalog as it is (the truth the
harvester's view is compared with), who may read which dataset, and the
record of the last check per scope and viewer.

Set-based reads: a whole-catalog check reads every dataset's few columns in
a handful of queries, never ``package_show`` per dataset.
"""
from __future__ import annotations

from typing import Any, Iterable, Optional

import sqlalchemy as sa

import ckan.authz as authz
import ckan.lib.plugins as lib_plugins
import ckan.model as model
import ckan.plugins.toolkit as tk

from ckanext.opdc_kpi.logic.access import assessor_record
from ckanext.opdc_kpi.logic.score import extras_of

#: Extras the check reads (dataset extras: JSONB on 2.12, a table on 2.11).
_EXTRAS = ("allow_harvest", "data_category", "reference_url_catalog")
ANONYMOUS = ""
WHOLE_CATALOG = "*"


# --- the catalog as it is ---------------------------------------------------------

def _rows(where: str, params: dict[str, Any]) -> dict[str, dict[str, Any]]:
    rows = model.Session.execute(sa.text(
        "SELECT id, name, title, private, state, owner_org, type, creator_user_id, "
        f"metadata_modified FROM package WHERE {where}"), params).all()
    extras = extras_of("package", [r.id for r in rows])
    out = {}
    for row in rows:
        item = dict(row._mapping)
        found = extras.get(row.id, {})
        for key in _EXTRAS:
            item[key] = found.get(key)
        out[row.id] = item
    return out


def active_datasets(org_id: Optional[str]) -> dict[str, dict[str, Any]]:
    """Every active dataset (any type, as ``package_search`` returns them)
    of the organization, or of the whole catalog, by id."""
    if org_id:
        return _rows("state = 'active' AND owner_org = :org", {"org": org_id})
    return _rows("state = 'active'", {})


def datasets_by_id(ids: Iterable[str]) -> dict[str, dict[str, Any]]:
    """The current rows of these datasets, whatever their state (purged ones
    are absent)."""
    ids = list(ids)
    return _rows("id = ANY(:ids)", {"ids": ids}) if ids else {}


def _collaborations_enabled() -> bool:
    return authz.check_config_permission("allow_dataset_collaborators")


def _label_plugin() -> Any:
    """The site's permission labels (an ``IPermissionLabels`` plugin, else
    CKAN's default): what the search index stores and ``package_search``
    filters on."""
    return lib_plugins.get_permission_labels()


def _default_dataset_labels(plugin: Any) -> bool:
    return (getattr(type(plugin), "get_dataset_labels", None)
            is lib_plugins.DefaultPermissionLabels.get_dataset_labels)


def _row_labels(row: dict[str, Any]) -> set[str]:
    """CKAN's default dataset labels computed from the row's columns (the
    same rule as ``DefaultPermissionLabels.get_dataset_labels``, without
    loading the dataset)."""
    if row.get("state") == "active" and not row.get("private"):
        return {"public"}
    labels = {f"collaborator-{row['id']}"} if _collaborations_enabled() else set()
    if row.get("owner_org"):
        labels.add(f"member-{row['owner_org']}")
    else:
        labels.add(f"creator-{row.get('creator_user_id')}")
    return labels


def dataset_labels(row: dict[str, Any]) -> set[str]:
    """The permission labels the index gives this dataset (who may find it
    in ``package_search``), from the site's permission labels plugin. With
    CKAN's default labels they are computed from the row; a plugin of the
    site's own gets the dataset object, as indexing gives it. Cached on
    the row."""
    cached = row.get("_labels")
    if cached is not None:
        return cached
    plugin = _label_plugin()
    dataset = None if _default_dataset_labels(plugin) else model.Package.get(row["id"])
    if dataset is None:  # default labels, or a dataset gone from the database
        labels = _row_labels(row)
    else:
        labels = set(plugin.get_dataset_labels(dataset))
    row["_labels"] = labels
    return labels


class Viewer:
    """Who looks: anonymous, or a user (name); what they may read."""

    def __init__(self, user_name: Optional[str]):
        self.user = model.User.get(user_name) if user_name else None
        self.name = self.user.name if self.user else None
        self.sysadmin = bool(self.user and self.user.sysadmin)
        # as package_search: the labels of the user, or of no user (anonymous)
        self.labels = set(_label_plugin().get_user_dataset_labels(self.user))
        if self.user is None:
            self.update_orgs: set[str] = set()
        else:
            orgs = tk.get_action("organization_list_for_user")(
                {"user": self.user.name, "ignore_auth": True},
                {"permission": "update_dataset"})
            self.update_orgs = {o["id"] for o in orgs}
        # the assessor exception (spec/api.md): an assessor gets the full view
        # of the organizations it assesses (None: every organization)
        found = assessor_record(self.name)
        self.assessor = found is not None
        self.assessed: Optional[set[str]] = (
            None if found and found["organizations"] is None
            else set(found["organizations"] if found else ()))

    @property
    def key(self) -> str:
        return self.user.id if self.user else ANONYMOUS

    def finds(self, row: dict[str, Any]) -> bool:
        """``package_search`` (with ``include_private`` for a user) returns it."""
        if row.get("state") != "active":
            return False
        if self.sysadmin:
            return True
        return bool(dataset_labels(row) & self.labels)

    def assesses(self, org_id: Optional[str]) -> bool:
        return bool(org_id) and (self.assessed is None or org_id in self.assessed)

    def may_read(self, row: Optional[dict[str, Any]], owner_org: Optional[str] = None) -> bool:
        """This viewer may see this dataset's name and title: where CKAN
        would show it (active and findable; deleted or purged ones to editors
        of its organization; sysadmins everything), and every dataset of the
        organizations an assessor assesses (the contract's one exception)."""
        if self.sysadmin:
            return True
        if self.user is not None and self.assesses(
                (row or {}).get("owner_org") or owner_org):
            return True
        if row is None:
            return bool(owner_org) and owner_org in self.update_orgs
        if row.get("state") == "active":
            return self.finds(row)
        return row.get("owner_org") in self.update_orgs
