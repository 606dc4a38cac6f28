"""CKAN's own search pages (``/dataset``, ``/organization/<name>``,
``/group/<name>``, ...) answer a search over one of the request limits
(``search/limits.py``) with a 400 page naming the parameter and the limit.
The API answers it as any ``ValidationError``: 409 with the messages."""
from __future__ import annotations

from typing import Any

from flask import Blueprint

import ckan.plugins.toolkit as tk

from ckanext.opdc_kpi.search.limits import SearchLimitError
from ckanext.opdc_kpi.views.common import error_page

# no routes: it only registers the application's handler for the error
bp = Blueprint("opdc_kpi_search_limits", __name__)


@bp.app_errorhandler(SearchLimitError)
def _over_a_limit(error: SearchLimitError) -> Any:
    return error_page(400, "; ".join(f"{field}: {text}"
                                     for field, texts in error.error_dict.items()
                                     for text in texts),
                      back_url=_same_page(), back_label=tk._("Start a new search"))


def _same_page() -> str:
    """The page that was asked for, without its query (in the page's language)."""
    try:
        return tk.h.url_for(tk.request.endpoint, **(tk.request.view_args or {}))
    except Exception:  # an endpoint url_for cannot build: the path as it came
        return tk.request.path


def get_blueprints() -> list[Any]:
    return [bp]
