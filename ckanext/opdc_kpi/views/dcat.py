"""ckanext-dcat's catalog pages (``/catalog.ttl|rdf|jsonld``) answer bad
input with a 400 naming the parameter (``dcat/endpoints.py``), before its
own view turns it into a 409 or, for ``modified_since`` with an offset, a
500. The view itself stays ckanext-dcat's."""
from __future__ import annotations

from typing import Any

from flask import Blueprint

import ckan.plugins.toolkit as tk

from ckanext.opdc_kpi.dcat.endpoints import CATALOG_ENDPOINTS, input_problems
from ckanext.opdc_kpi.views.common import error_page

# no routes: it only checks the input of ckanext-dcat's catalog pages
bp = Blueprint("opdc_kpi_dcat", __name__)


@bp.before_app_request
def _catalog_input() -> Any:
    request = tk.request
    if request.endpoint not in CATALOG_ENDPOINTS:
        return None
    problems = input_problems(request.args)
    return error_page(400, "; ".join(problems)) if problems else None


def get_blueprints() -> list[Any]:
    return [bp]
