"""Test-only plugins (entry points in ``ckan.test_plugins``)."""
from __future__ import annotations

import ckan.plugins as p


class BrokenPagingPlugin(p.SingletonPlugin):
    """A catalog whose paging repeats pages: ``package_search`` ignores
    ``start`` and serves at most 3 rows, as a misconfigured or broken
    search backend might."""

    p.implements(p.IPackageController, inherit=True)

    # IPackageController
    def before_dataset_search(self, search_params):
        search_params["start"] = 0
        search_params["rows"] = min(int(search_params.get("rows") or 3), 3)
        return search_params


class NoIncrementalPlugin(p.SingletonPlugin):
    """A catalog that cannot filter on ``metadata_modified`` ranges (as a
    search backend without range support): the harvester's incremental
    query fails, which it reads as "nothing changed"."""

    p.implements(p.IPackageController, inherit=True)

    # IPackageController
    def before_dataset_search(self, search_params):
        from ckan.lib.search import SearchQueryError

        if "metadata_modified:[" in (search_params.get("fq") or ""):
            raise SearchQueryError("Range queries are not supported")
        return search_params


class LabelsPlugin(p.SingletonPlugin):
    """A site with permission labels of its own (``IPermissionLabels``):
    a dataset titled "Restricted ..." is found only by users named
    "insider..."; one titled "Guests ..." only by anonymous visitors. The
    rest as CKAN's default labels."""

    p.implements(p.IPermissionLabels)

    # IPermissionLabels
    def get_dataset_labels(self, dataset_obj):
        from ckan.lib.plugins import DefaultPermissionLabels

        title = dataset_obj.title or ""
        if title.startswith("Restricted"):
            return ["restricted"]
        if title.startswith("Guests"):
            return ["guests"]
        return DefaultPermissionLabels().get_dataset_labels(dataset_obj)

    def get_user_dataset_labels(self, user_obj):
        from ckan.lib.plugins import DefaultPermissionLabels

        labels = DefaultPermissionLabels().get_user_dataset_labels(user_obj)
        if not user_obj or user_obj.is_anonymous:
            return labels + ["guests"]
        if user_obj.name.startswith("insider"):
            labels.append("restricted")
        return labels
