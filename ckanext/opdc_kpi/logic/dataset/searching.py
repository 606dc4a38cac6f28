"""``package_search`` failures answered as what they are.

CKAN's organization and group pages (``ckan/views/group.py``: ``read`` and
``bulk_process``) catch a failed search and render the page without
``search_facets``: CKAN's template then raises ``UndefinedError``, a 500, for
every refused query (a ``q`` the PostgreSQL search cannot parse or that is
longer than its limit, a Solr syntax error) and for a failing Solr. On those
pages a refused query is a 400 naming the reason and any other search
failure a 503, in the page's language. Everywhere else, Solr's refusal (its
HTTP 400, which CKAN reports as a plain ``SearchError``: a 409 from the API,
a 200 notice on ``/dataset``) is raised as ``SearchQueryError`` with Solr's
reason only, as the PostgreSQL search raises it: 400 from the API and on
``/dataset``.
"""
from __future__ import annotations

from typing import Any, Callable

from werkzeug import exceptions

import ckan.plugins.toolkit as tk

from ckanext.opdc_kpi.search.refusals import SearchError, SearchQueryError, refusal

Action = Callable[[dict, dict], Any]

#: CKAN's views that crash on a failed search (one per group type blueprint)
_GROUP_VIEWS = {("ckan.views.group", "read"), ("ckan.views.group", "bulk_process")}


def _on_a_group_page() -> bool:
    from flask import current_app, has_request_context, request

    if not has_request_context() or not request.endpoint:
        return False
    view = current_app.view_functions.get(request.endpoint)
    return (getattr(view, "__module__", None), getattr(view, "__name__", None)) in _GROUP_VIEWS


class SearchRefused(exceptions.BadRequest):
    """A group page's query the search refused (a 400 page)."""


class SearchUnavailable(exceptions.ServiceUnavailable):
    """A group page's search that failed otherwise (a 503 page)."""


@tk.chained_action
@tk.side_effect_free
def package_search(up: Action, context: dict, data_dict: dict) -> dict[str, Any]:
    try:
        return up(context, data_dict)
    except SearchError as error:
        reason = refusal(error)
        if _on_a_group_page():
            if reason is not None:
                raise SearchRefused(tk._("Invalid search query: {reason}").format(
                    reason=reason)) from error
            raise SearchUnavailable(tk._(
                "The search could not be run. Try a more specific search, "
                "or try again later.")) from error
        if reason is not None and not isinstance(error, SearchQueryError):
            raise SearchQueryError(reason) from error
        raise


def get_actions() -> dict[str, Action]:
    return {"package_search": package_search}
