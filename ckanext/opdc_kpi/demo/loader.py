"""Load the demo content idempotently through CKAN's actions.

Organizations and datasets are created when missing and otherwise left as
they are (a user may have edited them). Datasets marked ``legacy_missing``
lose those items after saving, the way datasets imported from an older
catalog lack them: the schema would refuse to save them incomplete.
"""
from __future__ import annotations

import logging
from typing import Any, Callable

import ckan.model as model
import ckan.plugins.toolkit as tk

from ckanext.opdc_kpi.demo import content
from ckanext.opdc_kpi.logic import site

log = logging.getLogger(__name__)


def _site_context() -> dict[str, Any]:
    return site.site_user_context(ignore_auth=True)


def _exists(action: str, name: str) -> bool:
    try:
        tk.get_action(action)(_site_context(), {"id": name})
        return True
    except tk.ObjectNotFound:
        return False


def _strip_legacy_items(name: str, fields: list[str]) -> None:
    """Remove items behind validation's back and reindex, as legacy data is."""
    pkg = model.Package.get(name)
    extras = {k: v for k, v in pkg.extras.items() if k not in fields}
    pkg.extras = extras  # a new mapping: the JSONB column (2.12) and the proxy (2.11) both see it
    model.repo.commit()
    from ckan.lib.search import rebuild

    rebuild(pkg.id)


def current_fiscal_year() -> int:
    return site.current_fiscal_year()


def load(echo: Callable[[str], None] = log.info) -> dict[str, int]:
    """Create what is missing; return how many organizations/datasets were created."""
    created = {"organizations": 0, "datasets": 0}
    for org in content.ORGANIZATIONS:
        if _exists("organization_show", org["name"]):
            continue
        tk.get_action("organization_create")(_site_context(), dict(org))
        created["organizations"] += 1
        echo(f"organization {org['name']}")
    for dataset in content.DATASETS:
        if _exists("package_show", dataset["name"]):
            continue
        data = {k: v for k, v in dataset.items() if k != "legacy_missing"}
        # selected into the guideline's year and into the current one, so the
        # KPI pages (which open on the current fiscal year) show the seed's figures
        data["kpi_years"] = sorted(set(data.get("kpi_years") or []) | {current_fiscal_year()})
        tk.get_action("package_create")(_site_context(), data)
        if dataset.get("legacy_missing"):
            _strip_legacy_items(dataset["name"], dataset["legacy_missing"])
        created["datasets"] += 1
        echo(f"dataset {dataset['name']}")
    return created
