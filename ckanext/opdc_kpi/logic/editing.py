"""The dataset (or resource) a CKAN edit form is editing, for the form
helpers that send back what is stored (a legacy dataset's undeclared extras,
its values outside a choice list).

Known only from the route of CKAN's own edit views, the dataset's id in the
path (``/dataset/edit/<id>``, ``/dataset/<id>/resource/<resource_id>/edit``)
or the draft's id the staged form posts to ``/dataset/new`` (``pkg_name``
with ``_ckan_phase``: CKAN updates that dataset), and only when the user may
edit that dataset: then it is the stored ``package_show`` dict, read once per
request. Never from the query string or any other form value: CKAN fills the
new dataset form from the query string, so ``?pkg_name=<id>`` would otherwise
show another organization's private values.
"""
from __future__ import annotations

from typing import Any, Optional

from flask import current_app, g, has_request_context

import ckan.plugins.toolkit as tk

_CACHE = "_opdc_kpi_edited"


#: CKAN's view classes, by name: the test app may hold classes of an earlier
#: import of their modules, so identity would not do
DATASET_EDIT = "ckan.views.dataset.EditView"
DATASET_NEW = "ckan.views.dataset.CreateView"
RESOURCE_EDIT = "ckan.views.resource.EditView"


def _view() -> set[str]:
    """The names of the view class answering this request and its bases."""
    view = current_app.view_functions.get(tk.request.endpoint or "")
    cls = getattr(view, "view_class", None)
    return {f"{c.__module__}.{c.__qualname__}" for c in getattr(cls, "__mro__", ())}


def _target() -> tuple[Optional[str], Optional[str]]:
    """(dataset id or name, resource id) of the edit view answering this
    request; (None, None) on any other page."""
    request = tk.request
    args = request.view_args or {}
    view = _view()
    if DATASET_EDIT in view:
        return args.get("id"), None
    if RESOURCE_EDIT in view:
        return args.get("id"), args.get("resource_id") or None
    if (DATASET_NEW in view and request.method == "POST"
            and request.form.get("_ckan_phase") and request.form.get("pkg_name")):
        return request.form["pkg_name"], None
    return None, None


def _read() -> Optional[dict[str, Any]]:
    dataset_id, resource_id = _target()
    if not isinstance(dataset_id, str) or not dataset_id:
        return None
    user = tk.current_user.name if tk.current_user.is_authenticated else ""
    try:
        tk.check_access("package_update", {"user": user}, {"id": dataset_id})
        # the stored values, not the search index's copy of them
        pkg = tk.get_action("package_show")({"user": user, "use_cache": False},
                                            {"id": dataset_id})
    except (tk.NotAuthorized, tk.ObjectNotFound):
        return None
    resource = None
    if resource_id:
        resource = next((r for r in pkg.get("resources") or []
                         if r.get("id") == resource_id), None)
        if resource is None:
            return None
    return {"dataset": pkg, "resource": resource}


def edited() -> Optional[dict[str, Any]]:
    """``{"dataset": package_show dict, "resource": resource dict or None}``
    of the edit view answering this request, when the user may edit the
    dataset; else None (a new dataset, any other page, no request)."""
    if not has_request_context():
        return None
    if _CACHE not in g:
        setattr(g, _CACHE, _read())
    return getattr(g, _CACHE)


def edited_object() -> Optional[dict[str, Any]]:
    """The object the form's fields belong to: the resource on a resource's
    edit form, else the dataset (None: nothing stored is being edited)."""
    found = edited()
    if found is None:
        return None
    return found["resource"] or found["dataset"]
