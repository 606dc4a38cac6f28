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
