"""ckanext-dcat's catalog pages (``/catalog.ttl|rdf|jsonld``) answer bad
input with a 400 naming the parameter (``dcat/endpoints.py``), before its
own view turns it into a 409 or, for ``modified_since`` with an offset, a
500. A format it has no content type for (``/catalog.foo``,
``/dataset/<id>.json``) is a 404 on the catalog and the dataset pages alike
(its view answered 500). A dataset the caller may not read, and one that does not
exist, get the same 404 "Dataset not found" page, as CKAN's dataset page
answers: ckanext-dcat answered 403 for the first and its own bare 404 for
the second, which told an anonymous caller that a private dataset of that
name or id exists.
The views themselves stay ckanext-dcat's."""
from __future__ import annotations

from typing import Any

from flask import Blueprint

import ckan.plugins.toolkit as tk

from ckanext.opdc_kpi.dcat.endpoints import (CATALOG_ENDPOINTS, DATASET_ENDPOINTS, check_format,
                                             input_problems)
from ckanext.opdc_kpi.views.common import context, error_page

# no routes: it only checks the requests of ckanext-dcat's catalog and dataset pages
bp = Blueprint("opdc_kpi_dcat", __name__)


@bp.before_app_request
def _dcat_request() -> Any:
    request = tk.request
    if request.endpoint not in CATALOG_ENDPOINTS and request.endpoint not in DATASET_ENDPOINTS:
        return None
    args = request.view_args or {}
    # (content negotiation's routes have no format in the path: None)
    wrong_format = check_format(args.get("_format"))
    if wrong_format:
        return error_page(404, wrong_format)
    if request.endpoint in DATASET_ENDPOINTS:
        return None if _may_read(args.get("_id")) else error_page(404, tk._("Dataset not found"))
    problems = input_problems(request.args)
    return error_page(400, "; ".join(problems)) if problems else None


def _may_read(name_or_id: Any) -> bool:
    """Whether the dataset exists and the caller may read it. Both "no" get
    the same 404 page, so the answer never tells a private dataset from a
    name nobody uses (ckanext-dcat's own 404 page differs from ours). A NUL
    character, which PostgreSQL refuses in a text, names no dataset."""
    name_or_id = str(name_or_id or "")
    if not name_or_id or "\x00" in name_or_id:
        return False
    try:
        tk.check_access("package_show", context(), {"id": name_or_id})
    except (tk.NotAuthorized, tk.ObjectNotFound):
        return False
    return True


def get_blueprints() -> list[Any]:
    return [bp]
